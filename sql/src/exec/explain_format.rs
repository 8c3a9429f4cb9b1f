//! EXPLAIN (FORMAT JSON | YAML | XML): the text tree of [`super::explain`]
//! read back into nodes and properties, written as PostgreSQL's
//! explain.c writes the structured formats — "Node Type", "Parent
//! Relationship", the scan's relation and alias, the join type, the
//! aggregate strategy, conditions as strings, keys as lists, "Actual ..."
//! figures under ANALYZE, "Plans" for the children, and the planning and
//! execution times beside the plan. Costs are not shown (there is no cost
//! model; PostgreSQL's `COSTS OFF` output is what this matches).

/// A structured EXPLAIN format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// FORMAT JSON.
    Json,
    /// FORMAT YAML.
    Yaml,
    /// FORMAT XML.
    Xml,
}

/// A property's value.
#[derive(Debug, Clone, PartialEq)]
enum Prop {
    Str(String),
    Num(String),
    Bool(bool),
    List(Vec<String>),
}

/// Named properties, in the order they are written.
type Props = Vec<(String, Prop)>;

/// A plan node: its properties in PostgreSQL's order, and its children.
#[derive(Debug, Default)]
struct Node {
    props: Props,
    plans: Vec<Node>,
}

/// The document for the text lines `lines` of one EXPLAIN.
pub fn render(lines: &[String], format: Format) -> String {
    let (tree, summary): (Vec<&String>, Vec<&String>) = lines
        .iter()
        .partition(|l| !(l.starts_with("Planning Time: ") || l.starts_with("Execution Time: ")));
    let rows: Vec<(usize, &str)> = tree
        .iter()
        .map(|l| {
            let t = l.trim_start_matches(' ');
            (l.len() - t.len(), t)
        })
        .collect();
    let mut at = 1;
    let root = rows
        .first()
        .map(|(_, head)| node(&rows, &mut at, head, 2, None))
        .unwrap_or_default();
    // Beside the plan: Planning Time, then under ANALYZE the (empty)
    // Triggers list, then Execution Time.
    let mut top: Props = Vec::new();
    let time = |key: &str| {
        summary.iter().find_map(|l| {
            let v = l.strip_prefix(key)?.strip_prefix(": ")?;
            Some((
                key.to_owned(),
                Prop::Num(v.trim_end_matches(" ms").to_owned()),
            ))
        })
    };
    top.extend(time("Planning Time"));
    if analyzed(&root) {
        top.push(("Triggers".into(), Prop::List(Vec::new())));
    }
    top.extend(time("Execution Time"));
    let mut out = String::new();
    match format {
        Format::Json => {
            out.push_str("[\n  {\n    \"Plan\": ");
            json_node(&root, 4, &mut out);
            for (k, v) in &top {
                out.push_str(",\n    ");
                json_prop(k, v, 4, &mut out);
            }
            out.push_str("\n  }\n]");
        }
        Format::Yaml => {
            out.push_str("- Plan: ");
            yaml_node(&root, 4, false, &mut out);
            for (k, v) in &top {
                out.push_str("\n  ");
                yaml_prop(k, v, 2, &mut out);
            }
        }
        Format::Xml => {
            out.push_str("<explain xmlns=\"http://www.postgresql.org/2009/explain\">\n  <Query>\n");
            xml_node(&root, 4, &mut out);
            for (k, v) in &top {
                xml_prop(k, v, 4, &mut out);
            }
            out.push_str("  </Query>\n</explain>");
        }
    }
    out
}

/// Whether the plan ran (EXPLAIN ANALYZE): its nodes have figures.
fn analyzed(n: &Node) -> bool {
    n.props.iter().any(|(k, _)| k == "Actual Loops")
}

/// Reads the node whose header is `head` and whose detail lines start at
/// column `detail`, with what follows it in `rows` from `at`.
fn node(
    rows: &[(usize, &str)],
    at: &mut usize,
    head: &str,
    detail: usize,
    relation: Option<(String, Option<String>)>,
) -> Node {
    let (name, actual) = split_actual(head);
    let mut n = Node::default();
    let (kind, after) = header(name);
    n.props.extend(kind);
    if let Some((rel, sub)) = relation {
        n.props.push(("Parent Relationship".into(), Prop::Str(rel)));
        if let Some(s) = sub {
            n.props.push(("Subplan Name".into(), Prop::Str(s)));
        }
    }
    n.props.push((
        "Parallel Aware".into(),
        Prop::Bool(name.starts_with("Parallel ")),
    ));
    n.props.push(("Async Capable".into(), Prop::Bool(false)));
    n.props.extend(after);
    n.props.extend(actual);
    // The structured formats always say how many members run-time
    // pruning removed (the text format only when some were).
    if matches!(scan_type(name), "Append" | "Merge Append") {
        n.props
            .push(("Subplans Removed".into(), Prop::Num("0".into())));
    }
    let node_type = match n.props.first() {
        Some((_, Prop::Str(t))) => t.clone(),
        _ => String::new(),
    };
    let mut regular = 0;
    while let Some(&(indent, text)) = rows.get(*at) {
        if indent < detail {
            break;
        }
        *at += 1;
        if let Some(child) = text.strip_prefix("->  ") {
            let rel = match node_type.as_str() {
                "Append" | "Merge Append" => "Member",
                "Subquery Scan" => "Subquery",
                _ if regular == 0 => "Outer",
                _ => "Inner",
            };
            regular += 1;
            let c = node(rows, at, child, indent + 6, Some((rel.into(), None)));
            n.plans.push(c);
        } else if text.starts_with("InitPlan ") || text.starts_with("SubPlan ") {
            let rel = if text.starts_with("InitPlan") {
                "InitPlan"
            } else {
                "SubPlan"
            };
            if let Some(&(sub_indent, sub)) = rows.get(*at) {
                if let Some(sub) = sub.strip_prefix("->  ") {
                    *at += 1;
                    let c = node(
                        rows,
                        at,
                        sub,
                        sub_indent + 6,
                        Some((rel.into(), Some(text.to_owned()))),
                    );
                    n.plans.push(c);
                }
            }
        } else if let Some(removed) = text.strip_prefix("Subplans Removed: ") {
            if let Some(p) = n.props.iter_mut().find(|(k, _)| k == "Subplans Removed") {
                p.1 = Prop::Num(removed.to_owned());
            }
        } else if let Some((k, v)) = text.split_once(": ") {
            n.props.extend(detail_prop(k, v));
        }
    }
    n
}

/// A node line without its ` (actual ...)` figures, and those figures.
fn split_actual(head: &str) -> (&str, Props) {
    if let Some(name) = head.strip_suffix(" (never executed)") {
        let zero = |k: &str, v: &str| (k.to_owned(), Prop::Num(v.to_owned()));
        return (
            name,
            vec![
                zero("Actual Startup Time", "0.000"),
                zero("Actual Total Time", "0.000"),
                zero("Actual Rows", "0"),
                zero("Actual Loops", "0"),
            ],
        );
    }
    let Some(i) = head.find(" (actual ") else {
        return (head, Vec::new());
    };
    let figures = head[i + 9..].trim_end_matches(')');
    let mut props = Vec::new();
    for part in figures.split(' ') {
        match part.split_once('=') {
            Some(("time", t)) => {
                let (a, b) = t.split_once("..").unwrap_or((t, t));
                props.push(("Actual Startup Time".into(), Prop::Num(a.into())));
                props.push(("Actual Total Time".into(), Prop::Num(b.into())));
            }
            Some(("rows", r)) => props.push(("Actual Rows".into(), Prop::Num(r.into()))),
            Some(("loops", l)) => props.push(("Actual Loops".into(), Prop::Num(l.into()))),
            _ => {}
        }
    }
    (&head[..i], props)
}

/// A node's name as its type and the properties PostgreSQL shows before
/// the parent relationship (strategy, operation), and those it shows
/// after "Async Capable" (scan direction, index, relation, alias, join
/// type).
fn header(name: &str) -> (Props, Props) {
    let s = |k: &str, v: &str| (k.to_owned(), Prop::Str(v.to_owned()));
    let name = name.strip_prefix("Parallel ").unwrap_or(name);
    let (before, after): (Vec<_>, Vec<_>) = if let Some(agg) = aggregate(name) {
        (agg, Vec::new())
    } else if let Some((t, join)) = join_type(name) {
        (vec![s("Node Type", t)], vec![s("Join Type", join)])
    } else if let Some((op, target)) = ["Insert", "Update", "Delete", "Merge"]
        .iter()
        .find_map(|op| Some((*op, name.strip_prefix(op)?.strip_prefix(" on ")?)))
    {
        let (rel, alias) = relation_alias(target);
        (
            vec![s("Node Type", "ModifyTable"), s("Operation", op)],
            vec![s("Relation Name", &rel), s("Alias", &alias)],
        )
    } else if let Some(rest) = name
        .strip_prefix("HashSetOp ")
        .map(|r| ("Hashed", r))
        .or_else(|| name.strip_prefix("SetOp ").map(|r| ("Sorted", r)))
    {
        (
            vec![
                s("Node Type", "SetOp"),
                s("Strategy", rest.0),
                s("Command", rest.1),
            ],
            Vec::new(),
        )
    } else {
        (Vec::new(), scan(name))
    };
    if before.is_empty() {
        return (vec![s("Node Type", scan_type(name))], after);
    }
    (before, after)
}

/// Aggregate nodes: type, strategy and partial mode.
fn aggregate(name: &str) -> Option<Props> {
    let (mode, rest) = if let Some(r) = name.strip_prefix("Partial ") {
        ("Partial", r)
    } else if let Some(r) = name.strip_prefix("Finalize ") {
        ("Finalize", r)
    } else {
        ("Simple", name)
    };
    let strategy = match rest {
        "Aggregate" => "Plain",
        "HashAggregate" => "Hashed",
        "GroupAggregate" => "Sorted",
        "MixedAggregate" => "Mixed",
        _ => return None,
    };
    let s = |k: &str, v: &str| (k.to_owned(), Prop::Str(v.to_owned()));
    Some(vec![
        s("Node Type", "Aggregate"),
        s("Strategy", strategy),
        s("Partial Mode", mode),
    ])
}

/// `Hash Left Join` as ("Hash Join", "Left"); `Nested Loop` as
/// ("Nested Loop", "Inner").
fn join_type(name: &str) -> Option<(&'static str, &'static str)> {
    let (t, rest) = [
        ("Hash Join", "Hash"),
        ("Merge Join", "Merge"),
        ("Nested Loop", "Nested Loop"),
    ]
    .iter()
    .find_map(|(t, p)| Some((*t, name.strip_prefix(p)?)))?;
    let kind = match rest.trim_end_matches(" Join").trim() {
        "" => "Inner",
        "Left" => "Left",
        "Right" => "Right",
        "Full" => "Full",
        "Semi" => "Semi",
        "Anti" => "Anti",
        _ => return None,
    };
    if t != "Nested Loop" && !rest.ends_with("Join") {
        return None;
    }
    Some((t, kind))
}

/// A node's type: its name up to ` on ` / ` using `.
fn scan_type(name: &str) -> &str {
    let end = [" using ", " on ", " Backward"]
        .iter()
        .filter_map(|p| name.find(p))
        .min()
        .unwrap_or(name.len());
    &name[..end]
}

/// A scan's properties after "Async Capable".
fn scan(name: &str) -> Props {
    let s = |k: &str, v: &str| (k.to_owned(), Prop::Str(v.to_owned()));
    let mut out = Vec::new();
    let t = scan_type(name);
    let rest = &name[t.len()..];
    let (direction, rest) = match rest.strip_prefix(" Backward") {
        Some(r) => ("Backward", r),
        None => ("Forward", rest),
    };
    if let Some(r) = rest.strip_prefix(" using ") {
        let (index, target) = r.split_once(" on ").unwrap_or((r, ""));
        out.push(s("Scan Direction", direction));
        out.push(s("Index Name", &unquote(index)));
        if !target.is_empty() {
            let (rel, alias) = relation_alias(target);
            out.push(s("Relation Name", &rel));
            out.push(s("Alias", &alias));
        }
        return out;
    }
    let Some(target) = rest.strip_prefix(" on ") else {
        return out;
    };
    let (rel, alias) = relation_alias(target);
    match t {
        "Bitmap Index Scan" => out.push(s("Index Name", &rel)),
        "Function Scan" => {
            out.push(s("Function Name", &rel));
            out.push(s("Alias", &alias));
        }
        "CTE Scan" | "WorkTable Scan" => {
            out.push(s("CTE Name", &rel));
            out.push(s("Alias", &alias));
        }
        "Values Scan" | "Subquery Scan" => out.push(s("Alias", &rel)),
        _ => {
            out.push(s("Relation Name", &rel));
            out.push(s("Alias", &alias));
        }
    }
    out
}

/// `t a` as ("t", "a"); `t` as ("t", "t").
fn relation_alias(target: &str) -> (String, String) {
    let parts = split_words(target);
    let rel = parts.first().map(|p| unquote(p)).unwrap_or_default();
    let alias = parts.get(1).map_or_else(|| rel.clone(), |a| unquote(a));
    (rel, alias)
}

/// Words separated by spaces outside double quotes.
fn split_words(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    for (i, c) in s.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ' ' if !quoted => {
                if i > start {
                    out.push(&s[start..i]);
                }
                start = i + 1;
            }
            _ => {}
        }
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
    out
}

/// An identifier as written in the text format, without its quotes.
fn unquote(s: &str) -> String {
    match s.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        Some(inner) => inner.replace("\"\"", "\""),
        None => s.to_owned(),
    }
}

/// A detail line's properties.
fn detail_prop(key: &str, value: &str) -> Props {
    let num = |k: &str, v: &str| (k.to_owned(), Prop::Num(v.to_owned()));
    match key {
        "Sort Key" | "Group Key" | "Presorted Key" | "Output" | "Conflict Arbiter Indexes" => {
            vec![(key.to_owned(), Prop::List(split_list(value)))]
        }
        "Rows Removed by Filter"
        | "Rows Removed by Join Filter"
        | "Rows Removed by Index Recheck"
        | "Heap Fetches"
        | "Workers Planned"
        | "Workers Launched" => vec![num(key, value)],
        "Sort Method" => {
            // `quicksort  Memory: 25kB`
            let (method, space) = value.split_once("  ").unwrap_or((value, ""));
            let mut out = vec![(key.to_owned(), Prop::Str(method.to_owned()))];
            if let Some((kind, used)) = space.split_once(": ") {
                out.push(num("Sort Space Used", used.trim_end_matches("kB")));
                out.push(("Sort Space Type".into(), Prop::Str(kind.to_owned())));
            }
            out
        }
        _ => vec![(key.to_owned(), Prop::Str(value.to_owned()))],
    }
}

/// `a, lower(b, c), d` as its three items (commas inside parentheses or
/// quotes do not split).
fn split_list(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    let mut start = 0;
    let bytes: Vec<(usize, char)> = s.char_indices().collect();
    for (k, &(i, c)) in bytes.iter().enumerate() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(' | '[') => depth += 1,
            (None, ')' | ']') => depth -= 1,
            (None, ',') if depth == 0 && bytes.get(k + 1).map(|b| b.1) == Some(' ') => {
                out.push(s[start..i].to_owned());
                start = i + 2;
            }
            _ => {}
        }
    }
    out.push(s[start..].to_owned());
    out
}

fn json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn json_prop(key: &str, value: &Prop, indent: usize, out: &mut String) {
    json_string(key, out);
    out.push_str(": ");
    match value {
        Prop::Str(s) => json_string(s, out),
        Prop::Num(n) => out.push_str(n),
        Prop::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Prop::List(items) if items.is_empty() => {
            out.push_str("[\n");
            out.push_str(&" ".repeat(indent));
            out.push(']');
        }
        Prop::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                json_string(item, out);
            }
            out.push(']');
        }
    }
}

fn json_node(n: &Node, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent + 2);
    out.push('{');
    let mut first = true;
    for (k, v) in &n.props {
        out.push_str(if first { "\n" } else { ",\n" });
        first = false;
        out.push_str(&pad);
        json_prop(k, v, indent + 2, out);
    }
    if !n.plans.is_empty() {
        out.push_str(",\n");
        out.push_str(&pad);
        out.push_str("\"Plans\": [");
        for (i, c) in n.plans.iter().enumerate() {
            out.push_str(if i == 0 { "\n" } else { ",\n" });
            out.push_str(&" ".repeat(indent + 4));
            json_node(c, indent + 4, out);
        }
        out.push('\n');
        out.push_str(&pad);
        out.push(']');
    }
    out.push('\n');
    out.push_str(&" ".repeat(indent));
    out.push('}');
}

fn yaml_prop(key: &str, value: &Prop, indent: usize, out: &mut String) {
    out.push_str(key);
    out.push_str(": ");
    match value {
        Prop::Str(s) => json_string(s, out),
        Prop::Num(n) => out.push_str(n),
        Prop::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Prop::List(items) => {
            for item in items {
                out.push('\n');
                out.push_str(&" ".repeat(indent + 2));
                out.push_str("- ");
                json_string(item, out);
            }
        }
    }
}

/// A node's properties at `indent`; `item` when it is an element of a
/// Plans list (its first line follows the list's "- ").
fn yaml_node(n: &Node, indent: usize, item: bool, out: &mut String) {
    for (i, (k, v)) in n.props.iter().enumerate() {
        if !(item && i == 0) {
            out.push('\n');
            out.push_str(&" ".repeat(indent));
        }
        yaml_prop(k, v, indent, out);
    }
    if !n.plans.is_empty() {
        out.push('\n');
        out.push_str(&" ".repeat(indent));
        out.push_str("Plans: ");
        for c in &n.plans {
            out.push('\n');
            out.push_str(&" ".repeat(indent + 2));
            out.push_str("- ");
            yaml_node(c, indent + 4, true, out);
        }
    }
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn xml_prop(key: &str, value: &Prop, indent: usize, out: &mut String) {
    let tag = key.replace(' ', "-");
    let pad = " ".repeat(indent);
    match value {
        Prop::List(items) => {
            out.push_str(&format!("{pad}<{tag}>\n"));
            for item in items {
                out.push_str(&format!("{pad}  <Item>{}</Item>\n", xml_escape(item)));
            }
            out.push_str(&format!("{pad}</{tag}>\n"));
        }
        Prop::Str(s) => out.push_str(&format!("{pad}<{tag}>{}</{tag}>\n", xml_escape(s))),
        Prop::Num(n) => out.push_str(&format!("{pad}<{tag}>{n}</{tag}>\n")),
        Prop::Bool(b) => out.push_str(&format!("{pad}<{tag}>{b}</{tag}>\n")),
    }
}

fn xml_node(n: &Node, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    out.push_str(&format!("{pad}<Plan>\n"));
    for (k, v) in &n.props {
        xml_prop(k, v, indent + 2, out);
    }
    if !n.plans.is_empty() {
        out.push_str(&format!("{pad}  <Plans>\n"));
        for c in &n.plans {
            xml_node(c, indent + 4, out);
        }
        out.push_str(&format!("{pad}  </Plans>\n"));
    }
    out.push_str(&format!("{pad}</Plan>\n"));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(s: &str) -> Vec<String> {
        s.lines().map(str::to_owned).collect()
    }

    #[test]
    fn a_join_tree_as_postgres_writes_it_in_json() {
        let text = lines(
            "Hash Left Join\n  Hash Cond: (a.x = b.y)\n  ->  Seq Scan on t a\n        Filter: (k > 1)\n  ->  Hash\n        ->  Index Scan using t_pkey on \"T b\"\n              Index Cond: (y = 2)",
        );
        let json = render(&text, Format::Json);
        assert!(json.starts_with("[\n  {\n    \"Plan\": {\n      \"Node Type\": \"Hash Join\",\n      \"Parallel Aware\": false,\n      \"Async Capable\": false,\n      \"Join Type\": \"Left\",\n      \"Hash Cond\": \"(a.x = b.y)\",\n      \"Plans\": [\n        {\n          \"Node Type\": \"Seq Scan\",\n          \"Parent Relationship\": \"Outer\","), "{json}");
        assert!(
            json.contains("\"Relation Name\": \"t\",\n          \"Alias\": \"a\""),
            "{json}"
        );
        assert!(json.contains("\"Scan Direction\": \"Forward\",\n              \"Index Name\": \"t_pkey\",\n              \"Relation Name\": \"T b\",\n              \"Alias\": \"T b\""), "{json}");
    }

    #[test]
    fn lists_split_at_top_level_commas_only() {
        assert_eq!(
            split_list("a, lower(b, c), 'x, y'"),
            vec!["a", "lower(b, c)", "'x, y'"]
        );
    }

    #[test]
    fn aggregates_and_subplans() {
        let text = lines("HashAggregate\n  Group Key: c\n  InitPlan 1 (returns $0)\n    ->  Result\n  ->  Seq Scan on t");
        let yaml = render(&text, Format::Yaml);
        assert_eq!(
            yaml,
            "- Plan: \n    Node Type: \"Aggregate\"\n    Strategy: \"Hashed\"\n    Partial Mode: \"Simple\"\n    Parallel Aware: false\n    Async Capable: false\n    Group Key: \n      - \"c\"\n    Plans: \n      - Node Type: \"Result\"\n        Parent Relationship: \"InitPlan\"\n        Subplan Name: \"InitPlan 1 (returns $0)\"\n        Parallel Aware: false\n        Async Capable: false\n      - Node Type: \"Seq Scan\"\n        Parent Relationship: \"Outer\"\n        Parallel Aware: false\n        Async Capable: false\n        Relation Name: \"t\"\n        Alias: \"t\""
        );
    }
}
