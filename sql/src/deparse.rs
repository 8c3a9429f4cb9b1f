//! Bound expressions back to SQL text as PostgreSQL's ruleutils prints
//! them (pg_get_expr, pg_get_constraintdef): constants with the casts
//! that make them re-read as the same type (`'x'::text`, `(0)::numeric`),
//! implicit casts hidden, `IN (...)` as `= ANY (ARRAY[...])`, and in the
//! plain form every operator in parentheses; the pretty form leaves out
//! the parentheses precedence makes unnecessary.

use crate::expr::{Expr, ExprKind};
use crate::func::quote_ident;
use crate::types::DataType;
use crate::value::{OutputStyle, Value};

/// How an expression is printed.
#[derive(Clone, Copy)]
pub struct Deparser<'a> {
    /// Name of each column a `Column(i)` refers to.
    pub columns: &'a [String],
    /// Pretty (psql's `pg_get_expr(e, rel, true)`) or plain (pg_dump's).
    pub pretty: bool,
    /// Which user types need their schema (None: none do).
    pub types: Option<&'a TypeNames>,
    /// What each column is qualified with (a trigger's WHEN: `new`,
    /// `old`), when columns are printed qualified; an empty qualifier
    /// prints the column bare (a merged JOIN USING column).
    pub qualifiers: Option<&'a [String]>,
    /// Prints the forms only a whole query has (subqueries, aggregate
    /// and window calls, outer columns); None: those are not printed.
    pub special: Option<&'a dyn Special>,
    /// The indentation a CASE's lines start from (ruleutils'
    /// indentLevel where the expression stands).
    pub indent: usize,
}

/// Printing of the expression forms that belong to a query (see
/// `binder::viewdef`).
pub trait Special {
    /// The text of `e`, a form the plain printer does not know; None if
    /// it cannot be printed.
    fn node(&self, d: &Deparser<'_>, e: &Expr) -> Option<String>;
}

/// How a session names user types: qualified with their schema unless
/// its search path finds them (format_type_be_qualified's rule, which
/// pg_dump's empty search path relies on).
#[derive(Debug, Default)]
pub struct TypeNames {
    /// The namespaces the search path searches.
    pub path: Vec<u32>,
    /// The database's schemas, (oid, name).
    pub schemas: Vec<(u32, String)>,
}

impl TypeNames {
    /// format_type of `ty`, qualified where the path would not find it.
    pub fn name(&self, ty: DataType, typmod: i32) -> String {
        let shown = crate::func::format_type(ty, typmod);
        match self.schema_of(ty) {
            Some(schema) => format!("{}.{shown}", quote_ident(schema)),
            None => shown,
        }
    }

    /// The schema to qualify `ty` with, if it is a user type (or an
    /// array of one) outside the path.
    pub fn schema_of(&self, ty: DataType) -> Option<&str> {
        let t = crate::usertype::get(ty.user_type_oid()?)?;
        if self.path.contains(&t.namespace) {
            return None;
        }
        crate::catalog::schema_name(&self.schemas, t.namespace)
    }
}

/// format_type of `ty`, qualified as `names` says (a bit without a
/// length quoted, as it would read back as bit(1)).
fn type_label(names: Option<&TypeNames>, ty: DataType, typmod: i32) -> String {
    if ty == DataType::Bit && typmod < 0 {
        return "\"bit\"".into();
    }
    match names {
        Some(n) => n.name(ty, typmod),
        None => crate::func::format_type(ty, typmod),
    }
}

/// Operator precedence classes PostgreSQL's pretty printer knows
/// (get_simple_binary_op_name / isSimpleNode).
fn priority(op: &str) -> Option<u8> {
    match op {
        "+" | "-" => Some(1),
        "*" | "/" | "%" => Some(2),
        _ => None,
    }
}

/// A string constant as ruleutils prints it with
/// standard_conforming_strings on: quotes doubled, backslashes as they
/// are.
fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// Whether an implicit cast from `from` to `to` shows in printed
/// expressions: PostgreSQL prints the casts its parser adds to operator
/// and function arguments, where it has no operator taking `from`
/// itself (varchar to text, integers to numeric or double precision).
fn shows_implicit(from: DataType, to: DataType) -> bool {
    use DataType::*;
    matches!(
        (from, to),
        (Varchar, Text)
            | (Array(Varchar), Array(Text))
            | (Int2 | Int4 | Int8, Numeric)
            | (Int2 | Int4 | Int8 | Numeric, Float8 | Float4)
    )
}

/// The text of a constant of type `ty`, and whether it needs its type
/// label to re-read as that type.
fn constant(
    v: &Value,
    ty: DataType,
    typmod: i32,
    pretty: bool,
    names: Option<&TypeNames>,
) -> String {
    let label = || type_label(names, ty, typmod);
    if v.is_null() {
        return format!("NULL::{}", label());
    }
    let text = v.to_text(&OutputStyle::default()).unwrap_or_default();
    use DataType::*;
    match ty {
        Bool => return if text == "t" { "true" } else { "false" }.to_owned(),
        Int4 if !text.starts_with('-') => return text,
        Int4 => return format!("'{text}'::integer"),
        Numeric => {
            let float = text.contains(['e', 'E', '.']);
            if text.starts_with(|c: char| c.is_ascii_digit()) && float && typmod < 0 {
                return text;
            }
            if text.starts_with(|c: char| c.is_ascii_digit()) {
                return if pretty {
                    format!("{text}::{}", label())
                } else {
                    format!("({text})::{}", label())
                };
            }
            return format!("'{text}'::{}", label());
        }
        Int2 | Int8 | Float4 | Float8 | Oid
            if text.bytes().all(|b| b"0123456789+-eE.".contains(&b)) =>
        {
            if ty == Int8 && !text.starts_with('-') && text.parse::<i32>().is_err() {
                // Too big for int4: it reads back as bigint by itself.
                return text;
            }
            let t = if text.starts_with(['+', '-']) || !pretty {
                format!("({text})")
            } else {
                text
            };
            return format!("{t}::{}", label());
        }
        Unknown => return literal(&text),
        _ => {}
    }
    format!("{}::{}", literal(&text), label())
}

impl Deparser<'_> {
    /// `q.*` for a row of every column qualified `q`, in order (a
    /// trigger's `old.*`), when columns are qualified.
    fn whole_row(&self, e: &Expr) -> Option<String> {
        let quals = self.qualifiers?;
        let (_, fields) = crate::func::row_constructor_fields(e)?;
        let first = match fields.first()?.kind {
            ExprKind::Column(i) => i,
            _ => return None,
        };
        let q = quals.get(first)?;
        let all: Vec<usize> = (0..quals.len()).filter(|&i| quals[i] == *q).collect();
        let same = fields.len() == all.len()
            && fields
                .iter()
                .zip(&all)
                .all(|(f, &i)| matches!(f.kind, ExprKind::Column(c) if c == i));
        same.then(|| format!("{}.*", quote_ident(q)))
    }

    /// The expression's text; None for forms it cannot print (the caller
    /// keeps the text as written).
    pub fn expr(&self, e: &Expr) -> Option<String> {
        self.node(e, None)
    }

    /// Prints `e`; `parent` is the enclosing binary operator in pretty
    /// mode (to decide its parentheses).
    fn node(&self, e: &Expr, parent: Option<(&str, bool)>) -> Option<String> {
        if let Some(star) = self.whole_row(e) {
            return Some(star);
        }
        Some(match &e.kind {
            // An omitted slice bound.
            ExprKind::Const(Value::Void) => String::new(),
            ExprKind::Const(v) => constant(v, e.ty, e.typmod, self.pretty, self.types),
            ExprKind::Column(i) => match self.qualifiers {
                Some(q) if q.get(*i)?.is_empty() => quote_ident(self.columns.get(*i)?),
                Some(q) => format!(
                    "{}.{}",
                    quote_ident(q.get(*i)?),
                    quote_ident(self.columns.get(*i)?)
                ),
                None => quote_ident(self.columns.get(*i)?),
            },
            ExprKind::Cast { arg, explicit } => {
                if !explicit
                    && arg.ty == DataType::Int4
                    && matches!(e.ty, DataType::Int2 | DataType::Int8)
                {
                    // PostgreSQL has int2 and int8 operators taking int4:
                    // the constant stays an integer.
                    return self.node(arg, parent);
                }
                if let (false, Some(v)) = (*explicit, arg.as_const()) {
                    // A constant coerced to an operator's type: printed as
                    // a constant of that type, as PostgreSQL folds it.
                    let v = crate::cast::cast_value(
                        v.clone(),
                        arg.ty,
                        e.ty,
                        -1,
                        false,
                        &OutputStyle::default(),
                    )
                    .ok()?;
                    return Some(constant(&v, e.ty, -1, self.pretty, self.types));
                }
                if let (false, ExprKind::Call { def, args }) = (*explicit, &arg.kind) {
                    // The SQL value functions, bound as casts of now().
                    if def.name == "now" && args.is_empty() {
                        match e.ty {
                            DataType::Date => return Some("CURRENT_DATE".into()),
                            DataType::Timestamp => return Some("LOCALTIMESTAMP".into()),
                            DataType::TimeTz => return Some("CURRENT_TIME".into()),
                            DataType::Time => return Some("LOCALTIME".into()),
                            _ => {}
                        }
                    }
                }
                if !explicit && !shows_implicit(arg.ty, e.ty) {
                    return self.node(arg, parent);
                }
                let inner = self.node(arg, None)?;
                let simple = matches!(
                    arg.kind,
                    ExprKind::Column(_) | ExprKind::Call { .. } | ExprKind::Const(_)
                ) && !matches!(&arg.kind, ExprKind::Call { def, .. } if is_operator(def.name));
                let inner = if self.pretty && simple {
                    inner
                } else {
                    format!("({inner})")
                };
                format!("{inner}::{}", type_label(self.types, e.ty, e.typmod))
            }
            ExprKind::Call { def, args } if is_operator(def.name) => match args.as_slice() {
                [l, r] => {
                    let op = def.name;
                    let ls = self.node(l, Some((op, false)))?;
                    let rs = self.node(r, Some((op, true)))?;
                    self.paren(format!("{ls} {op} {rs}"), op, parent)
                }
                [a] => self.wrap(format!("{} {}", def.name, self.node(a, None)?)),
                _ => return None,
            },
            ExprKind::Call { def, args } => {
                // The json builders' hidden first argument is not SQL.
                let hidden = usize::from(def.name.contains("json_build_"));
                let args: Option<Vec<String>> = args
                    .iter()
                    .skip(hidden)
                    .map(|a| self.node(a, None))
                    .collect();
                if crate::func::is_array_constructor(def) {
                    format!("ARRAY[{}]", args?.join(", "))
                } else if let Some(slice) = crate::func::subscript_kind(def) {
                    let args = args?;
                    let (base, subs) = args.split_first()?;
                    let base = if matches!(args_kind(e), Some(ExprKind::Column(_))) {
                        base.clone()
                    } else {
                        format!("({base})")
                    };
                    let mut out = base;
                    if slice {
                        for pair in subs.chunks(2) {
                            let hi = pair.get(1)?;
                            out.push_str(&format!("[{}:{hi}]", pair[0]));
                        }
                    } else {
                        for s in subs {
                            out.push_str(&format!("[{s}]"));
                        }
                    }
                    out
                } else if let Some(word) =
                    sql_value_function(def.name, args.as_ref().map_or(1, Vec::len))
                {
                    word.to_owned()
                } else {
                    format!("{}({})", def.name, args?.join(", "))
                }
            }
            ExprKind::And(items) | ExprKind::Or(items) => {
                let word = if matches!(e.kind, ExprKind::And(_)) {
                    "AND"
                } else {
                    "OR"
                };
                let parts: Option<Vec<String>> = items
                    .iter()
                    .map(|i| {
                        let s = self.node(i, None)?;
                        // In pretty form only an OR inside an AND needs
                        // parentheses.
                        // ruleutils' isSimpleNode: an array comparison
                        // is not simple under AND / OR.
                        Some(
                            if self.pretty
                                && ((word == "AND" && matches!(i.kind, ExprKind::Or(_)))
                                    || matches!(
                                        i.kind,
                                        ExprKind::InList { .. } | ExprKind::ArrayOp { .. }
                                    ))
                            {
                                format!("({s})")
                            } else {
                                s
                            },
                        )
                    })
                    .collect();
                let joined = parts?.join(&format!(" {word} "));
                if self.pretty {
                    joined
                } else {
                    format!("({joined})")
                }
            }
            ExprKind::Not(arg) => {
                let inner = self.node(arg, None)?;
                let inner = if self.pretty && matches!(arg.kind, ExprKind::And(_) | ExprKind::Or(_))
                {
                    format!("({inner})")
                } else {
                    inner
                };
                self.wrap(format!("NOT {inner}"))
            }
            ExprKind::IsNull { arg, negated } => self.wrap(format!(
                "{} IS {}NULL",
                self.node(arg, None)?,
                if *negated { "NOT " } else { "" }
            )),
            ExprKind::IsBool {
                arg,
                value,
                negated,
            } => self.wrap(format!(
                "{} IS {}{}",
                self.node(arg, None)?,
                if *negated { "NOT " } else { "" },
                match value {
                    Some(true) => "TRUE",
                    Some(false) => "FALSE",
                    None => "UNKNOWN",
                }
            )),
            ExprKind::DistinctFrom {
                left,
                right,
                negated,
                ..
            } => self.wrap(format!(
                "{} IS {}DISTINCT FROM {}",
                self.node(left, None)?,
                if *negated { "NOT " } else { "" },
                self.node(right, None)?
            )),
            ExprKind::Coalesce(args) => {
                let args: Option<Vec<String>> = args.iter().map(|a| self.node(a, None)).collect();
                format!("COALESCE({})", args?.join(", "))
            }
            ExprKind::NullIf { left, right, .. } => format!(
                "NULLIF({}, {})",
                self.node(left, None)?,
                self.node(right, None)?
            ),
            ExprKind::MinMax { args, cmp } => {
                let args: Option<Vec<String>> = args.iter().map(|a| self.node(a, None)).collect();
                let word = if cmp.name == ">" { "GREATEST" } else { "LEAST" };
                format!("{word}({})", args?.join(", "))
            }
            ExprKind::InList { arg, list, negated } => {
                let items: Option<Vec<String>> =
                    list.iter().map(|(v, _)| self.node(v, None)).collect();
                let op = if *negated { "<> ALL" } else { "= ANY" };
                let mut array = format!("ARRAY[{}]", items?.join(", "));
                // Elements of another type than the compared value's
                // (varchar against text): the array is cast, as
                // PostgreSQL's parser casts it.
                let elem = list.first().map_or(arg.ty, |(v, _)| v.ty);
                if let (Some(from), Some(to)) = (elem.array_type(), arg.ty.array_type()) {
                    if shows_implicit(from, to) {
                        let label = type_label(self.types, to, -1);
                        array = if self.pretty {
                            format!("{array}::{label}")
                        } else {
                            format!("({array})::{label}")
                        };
                    }
                }
                self.wrap(format!("{} {op} ({array})", self.node(arg, None)?))
            }
            ExprKind::ArrayOp {
                arg,
                array,
                op,
                any,
            } => self.wrap(format!(
                "{} {} {} ({})",
                self.node(arg, None)?,
                op.name,
                if *any { "ANY" } else { "ALL" },
                self.node(array, None)?
            )),
            ExprKind::Case { whens, otherwise } => {
                // ruleutils' appendContextKeyword: each keyword on a line
                // of its own, the arms indented four more.
                let pad = " ".repeat(self.indent);
                let inner = Deparser {
                    indent: self.indent + 4,
                    ..*self
                };
                let mut s = format!("\n{pad}CASE");
                for (w, t) in whens {
                    s.push_str(&format!(
                        "\n{pad}    WHEN {} THEN {}",
                        inner.node(w, None)?,
                        inner.node(t, None)?
                    ));
                }
                if let Some(o) = otherwise {
                    s.push_str(&format!("\n{pad}    ELSE {}", inner.node(o, None)?));
                }
                s.push_str(&format!("\n{pad}END"));
                s
            }
            _ => return self.special?.node(self, e),
        })
    }

    /// A node PostgreSQL parenthesizes in plain form only.
    fn wrap(&self, s: String) -> String {
        if self.pretty {
            s
        } else {
            format!("({s})")
        }
    }

    /// A binary operator: always in parentheses in plain form; in pretty
    /// form only where its parent's precedence needs them.
    fn paren(&self, s: String, op: &str, parent: Option<(&str, bool)>) -> String {
        if !self.pretty {
            return format!("({s})");
        }
        let Some((parent_op, right_side)) = parent else {
            return s;
        };
        let simple = match (priority(op), priority(parent_op)) {
            (Some(mine), Some(theirs)) => mine > theirs || (mine == theirs && !right_side),
            _ => false,
        };
        if simple {
            s
        } else {
            format!("({s})")
        }
    }
}

/// The keyword ruleutils prints for a call of `name` without
/// arguments that the parser made of an SQL value function.
fn sql_value_function(name: &str, args: usize) -> Option<&'static str> {
    if args > 0 {
        return None;
    }
    Some(match name {
        "current_user" => "CURRENT_USER",
        "session_user" => "SESSION_USER",
        "current_schema" => "CURRENT_SCHEMA",
        _ => return None,
    })
}

/// True for a function named by an operator symbol.
pub(crate) fn is_operator(name: &str) -> bool {
    !name.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
}

/// The kind of a call's first argument.
fn args_kind(e: &Expr) -> Option<&ExprKind> {
    match &e.kind {
        ExprKind::Call { args, .. } => args.first().map(|a| &a.kind),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_as_ruleutils_prints_them() {
        assert_eq!(
            constant(&Value::Int4(5), DataType::Int4, -1, false, None),
            "5"
        );
        assert_eq!(
            constant(&Value::Int4(-1), DataType::Int4, -1, false, None),
            "'-1'::integer"
        );
        assert_eq!(
            constant(&Value::Text("it's".into()), DataType::Text, -1, true, None),
            "'it''s'::text"
        );
        assert_eq!(
            constant(&Value::Float8(1.5), DataType::Float8, -1, false, None),
            "(1.5)::double precision"
        );
        assert_eq!(
            constant(&Value::Float8(1.5), DataType::Float8, -1, true, None),
            "1.5::double precision"
        );
        assert_eq!(
            constant(&Value::Bool(true), DataType::Bool, -1, false, None),
            "true"
        );
    }
}
