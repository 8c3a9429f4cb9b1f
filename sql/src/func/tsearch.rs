//! Text search functions: to_tsvector, to_tsquery, plainto_tsquery,
//! phraseto_tsquery, websearch_to_tsquery with the `simple` and
//! `english` configurations (PostgreSQL's default parser's word, number,
//! email and host tokens; lower-casing; english's stop words and the
//! Snowball English stemmer), the tsvector and tsquery operators and
//! functions (`@@ || && !! <->`, length, strip, setweight, numnode,
//! ts_delete, ts_filter, tsvector_to_array, array_to_tsvector,
//! tsquery_phrase, querytree).

use std::sync::Arc;

use super::{f, FuncDef};
use crate::error::{Result, SqlError, SqlState};
use crate::expr::EvalCtx;
use crate::types::DataType::{self, *};
use crate::value::tsearch::{make_pos, pos_of, weight_of, Pos, QNode, TsQuery, TsVector, MAX_POS};
use crate::value::{ArrayRef, Value};

/// The text search configurations: (pg_ts_config OID, name).
pub const CONFIGS: &[(u32, &str)] = &[(3748, "simple"), (13164, "english")];

/// PostgreSQL's english.stop.
const ENGLISH_STOP: &[&str] = &[
    "i",
    "me",
    "my",
    "myself",
    "we",
    "our",
    "ours",
    "ourselves",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
    "he",
    "him",
    "his",
    "himself",
    "she",
    "her",
    "hers",
    "herself",
    "it",
    "its",
    "itself",
    "they",
    "them",
    "their",
    "theirs",
    "themselves",
    "what",
    "which",
    "who",
    "whom",
    "this",
    "that",
    "these",
    "those",
    "am",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "being",
    "have",
    "has",
    "had",
    "having",
    "do",
    "does",
    "did",
    "doing",
    "a",
    "an",
    "the",
    "and",
    "but",
    "if",
    "or",
    "because",
    "as",
    "until",
    "while",
    "of",
    "at",
    "by",
    "for",
    "with",
    "about",
    "against",
    "between",
    "into",
    "through",
    "during",
    "before",
    "after",
    "above",
    "below",
    "to",
    "from",
    "up",
    "down",
    "in",
    "out",
    "on",
    "off",
    "over",
    "under",
    "again",
    "further",
    "then",
    "once",
    "here",
    "there",
    "when",
    "where",
    "why",
    "how",
    "all",
    "any",
    "both",
    "each",
    "few",
    "more",
    "most",
    "other",
    "some",
    "such",
    "no",
    "nor",
    "not",
    "only",
    "own",
    "same",
    "so",
    "than",
    "too",
    "very",
    "s",
    "t",
    "can",
    "will",
    "just",
    "don",
    "should",
    "now",
];

/// A configuration's OID from its name (`english`, `pg_catalog.simple`).
pub fn config_oid(name: &str) -> Option<u32> {
    let n = name.strip_prefix("pg_catalog.").unwrap_or(name);
    CONFIGS
        .iter()
        .find(|(_, c)| c.eq_ignore_ascii_case(n))
        .map(|(o, _)| *o)
}

/// A configuration's name from its OID.
pub fn config_name(oid: u32) -> Option<&'static str> {
    CONFIGS.iter().find(|(o, _)| *o == oid).map(|(_, n)| *n)
}

/// 42704 for an unknown configuration.
pub fn no_config(name: &str) -> SqlError {
    SqlError::new(
        SqlState::UNDEFINED_OBJECT,
        format!("text search configuration \"{name}\" does not exist"),
    )
}

/// What a token is, as far as the dictionaries care.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    /// Letters (and digits): through the language's dictionary.
    Word,
    /// Numbers, emails, hosts: lower-cased only.
    Simple,
}

/// The default parser's tokens that reach dictionaries, in order: a
/// hyphenated word is the whole word and then its parts.
fn tokens(text: &str) -> Vec<(String, Kind)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let word_char = |c: char| c.is_alphanumeric();
    let path_char = |c: char| c.is_alphanumeric() || "/-_.~%?=&#+:@!$,;".contains(c);
    while i < chars.len() {
        // A protocol (`https://`) is a token no dictionary takes.
        for proto in ["http://", "https://", "ftp://"] {
            let n = proto.len();
            if chars.len() >= i + n
                && chars[i..i + n]
                    .iter()
                    .collect::<String>()
                    .eq_ignore_ascii_case(proto)
            {
                i += n;
            }
        }
        let Some(&c) = chars.get(i) else { break };
        // A signed integer (`-42` after a blank) or a number with an
        // exponent (`3.14e10`): one token, as the parser's int / sfloat.
        if let Some(end) = number_end(&chars, i) {
            out.push((chars[i..end].iter().collect(), Kind::Simple));
            i = end;
            continue;
        }
        if !word_char(c) {
            i += 1;
            continue;
        }
        // The run of word characters joined by '-', '.', '@'.
        let start = i;
        let mut j = i;
        while j < chars.len() {
            let joined = matches!(chars[j], '-' | '.' | '@')
                && chars.get(j + 1).is_some_and(|c| word_char(*c));
            if !word_char(chars[j]) && !joined {
                break;
            }
            j += 1;
        }
        let run: String = chars[start..j].iter().collect();
        i = j;
        let all_digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
        if run.contains('@') {
            out.push((run.to_lowercase(), Kind::Simple));
            continue;
        }
        if run.contains('.') {
            let parts: Vec<&str> = run.split('.').collect();
            if parts.iter().all(|p| all_digits(p)) {
                // A number (4.5) or a version (1.2.3).
                out.push((run, Kind::Simple));
                continue;
            }
            if parts.len() >= 2
                && parts
                    .last()
                    .is_some_and(|p| p.chars().all(|c| c.is_ascii_alphabetic()))
                && parts.iter().all(|p| !p.is_empty() && !p.contains('-'))
            {
                let host = run.to_lowercase();
                // A host with a path is a URL: the URL, the host, the path.
                if chars.get(i) == Some(&'/') {
                    let start = i;
                    while i < chars.len() && path_char(chars[i]) {
                        i += 1;
                    }
                    let path: String = chars[start..i].iter().collect();
                    out.push((format!("{host}{path}"), Kind::Simple));
                    out.push((host, Kind::Simple));
                    out.push((path, Kind::Simple));
                } else {
                    out.push((host, Kind::Simple));
                }
                continue;
            }
            // Otherwise the dots separate.
            for p in parts {
                push_word(p, &mut out);
            }
            continue;
        }
        push_word(&run, &mut out);
    }
    out
}

/// The end of a signed integer or a number with an exponent starting at
/// `i` (None for anything else, which the word rules take).
fn number_end(chars: &[char], i: usize) -> Option<usize> {
    let digit = |k: usize| chars.get(k).is_some_and(char::is_ascii_digit);
    let mut j = i;
    let signed = matches!(chars.get(i), Some('-' | '+'))
        && digit(i + 1)
        && (i == 0 || chars[i - 1].is_whitespace());
    if signed {
        j += 1;
    } else if !digit(i) || (i > 0 && chars[i - 1].is_alphanumeric()) {
        return None;
    }
    while digit(j) {
        j += 1;
    }
    if chars.get(j) == Some(&'.') && digit(j + 1) {
        j += 1;
        while digit(j) {
            j += 1;
        }
    }
    let mut exponent = false;
    if matches!(chars.get(j), Some('e' | 'E')) {
        let mut k = j + 1;
        if matches!(chars.get(k), Some('-' | '+')) {
            k += 1;
        }
        if digit(k) {
            while digit(k) {
                k += 1;
            }
            j = k;
            exponent = true;
        }
    }
    let ends = chars
        .get(j)
        .is_none_or(|c| !c.is_alphanumeric() && *c != '.' && *c != '-');
    ((signed || exponent) && ends).then_some(j)
}

/// A word, hyphenated or not: the whole, then its parts.
fn push_word(w: &str, out: &mut Vec<(String, Kind)>) {
    let kind = |s: &str| {
        if s.chars().all(|c| c.is_ascii_digit()) {
            Kind::Simple
        } else if s.chars().any(|c| c.is_ascii_digit()) {
            // numword: letters with digits go to the simple dictionary.
            Kind::Simple
        } else {
            Kind::Word
        }
    };
    if w.contains('-') {
        let parts: Vec<&str> = w.split('-').filter(|p| !p.is_empty()).collect();
        let whole_kind = if parts.iter().any(|p| kind(p) == Kind::Simple) {
            Kind::Simple
        } else {
            Kind::Word
        };
        out.push((w.to_lowercase(), whole_kind));
        for p in parts {
            out.push((p.to_lowercase(), kind(p)));
        }
    } else if !w.is_empty() {
        out.push((w.to_lowercase(), kind(w)));
    }
}

/// A token through configuration `cfg`'s dictionaries: None for a stop
/// word.
fn lexize(cfg: u32, word: &str, kind: Kind) -> Option<String> {
    if cfg != 13164 || kind == Kind::Simple {
        return Some(word.to_owned());
    }
    if ENGLISH_STOP.contains(&word) {
        return None;
    }
    let stemmer = rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English);
    Some(stemmer.stem(word).into_owned())
}

/// The lexemes of `text` with their positions (to_tsvector's parsing):
/// every token takes a position, stop words too.
fn lexemes(cfg: u32, text: &str) -> Vec<(String, u16)> {
    let mut out = Vec::new();
    for (pos, (w, kind)) in tokens(text).into_iter().enumerate() {
        let pos = (pos + 1).min(usize::from(MAX_POS)) as u16;
        if let Some(l) = lexize(cfg, &w, kind) {
            out.push((l, pos));
        }
    }
    out
}

fn config_of(v: &Value) -> Result<u32> {
    match v {
        Value::Named(o, _) | Value::Oid(o) => Ok(*o),
        _ => Err(SqlError::internal("a text search configuration expected")),
    }
}

/// The session's default_text_search_config.
fn default_config(ctx: &EvalCtx<'_>) -> Result<u32> {
    let name = ctx.settings.str("default_text_search_config");
    config_oid(&name).ok_or_else(|| no_config(&name))
}

fn text(v: &Value) -> Result<&str> {
    match v {
        Value::Text(s) => Ok(s),
        _ => Err(SqlError::internal("text expected")),
    }
}

fn tsvector(v: &Value) -> Result<&TsVector> {
    match v {
        Value::TsVector(t) => Ok(t),
        _ => Err(SqlError::internal("tsvector expected")),
    }
}

fn tsquery(v: &Value) -> Result<&TsQuery> {
    match v {
        Value::TsQuery(t) => Ok(t),
        _ => Err(SqlError::internal("tsquery expected")),
    }
}

fn vec_value(t: TsVector) -> Value {
    Value::TsVector(Arc::new(t))
}

fn query_value(q: TsQuery) -> Value {
    Value::TsQuery(Arc::new(q))
}

/// to_tsvector.
pub fn to_tsvector(cfg: u32, s: &str) -> TsVector {
    let words = lexemes(cfg, s)
        .into_iter()
        .map(|(w, p)| (w, vec![make_pos(p, 0)]))
        .collect();
    TsVector::from_words(words)
}

/// The NOTICE for a query without lexemes: none written, or only stop
/// words.
fn empty_notice(q: &TsQuery, text: &str, ctx: &mut EvalCtx<'_>) {
    if q.root.is_some() {
        return;
    }
    let message = if tokens(text).is_empty() {
        format!("text-search query doesn't contain lexemes: \"{text}\"")
    } else {
        "text-search query contains only stop words or doesn't contain lexemes, ignored".to_owned()
    };
    ctx.notices
        .push(SqlError::notice(SqlState::SUCCESSFUL_COMPLETION, message));
}

/// to_tsquery: the query syntax with each operand through the
/// configuration.
fn to_tsquery(cfg: u32, s: &str, ctx: &mut EvalCtx<'_>) -> Result<Value> {
    let mut normalize =
        |w: &str| -> Vec<String> { lexemes(cfg, w).into_iter().map(|(l, _)| l).collect() };
    let q = TsQuery::parse(s, Some(&mut normalize))?;
    empty_notice(&q, s, ctx);
    Ok(query_value(q))
}

fn val(word: String) -> QNode {
    QNode::Val {
        word,
        weight: 0,
        prefix: false,
    }
}

/// plainto_tsquery (`&` between lexemes) and phraseto_tsquery (`<n>`
/// by the distance between them).
fn plain_query(cfg: u32, s: &str, phrase: bool, ctx: &mut EvalCtx<'_>) -> Result<Value> {
    let mut root: Option<QNode> = None;
    let mut last_pos = 0u16;
    for (w, p) in lexemes(cfg, s) {
        root = Some(match root {
            None => val(w),
            Some(r) if phrase => {
                let d = p.saturating_sub(last_pos).max(1);
                QNode::Phrase(Box::new(r), Box::new(val(w)), d)
            }
            Some(r) => QNode::And(Box::new(r), Box::new(val(w))),
        });
        last_pos = p;
    }
    if let Some(r) = &root {
        crate::value::tsearch::check_depth(r)?;
    }
    let q = TsQuery { root };
    empty_notice(&q, s, ctx);
    Ok(query_value(q))
}

/// websearch_to_tsquery: words joined by `&`, `"quoted phrases"` by
/// `<->`, `or` between terms as `|`, `-word` negated.
fn websearch(cfg: u32, s: &str, ctx: &mut EvalCtx<'_>) -> Result<Value> {
    let mut terms: Vec<(Option<QNode>, bool)> = Vec::new();
    let mut pending_or = false;
    let mut rest = s;
    let mut ors: Vec<bool> = Vec::new();
    while !rest.is_empty() {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '(' || c == ')');
        if rest.is_empty() {
            break;
        }
        let negate = rest.starts_with('-');
        if negate {
            rest = &rest[1..];
        }
        let (chunk, phrase) = if let Some(r) = rest.strip_prefix('"') {
            let end = r.find('"').unwrap_or(r.len());
            let chunk = &r[..end];
            rest = r.get(end + 1..).unwrap_or("");
            (chunk, true)
        } else {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            let chunk = &rest[..end];
            rest = &rest[end..];
            (chunk, false)
        };
        if !phrase && !negate && chunk.eq_ignore_ascii_case("or") {
            pending_or = !terms.is_empty();
            continue;
        }
        let mut node: Option<QNode> = None;
        let mut last = 0u16;
        for (w, p) in lexemes(cfg, chunk) {
            node = Some(match node {
                None => val(w),
                Some(n) if phrase => {
                    QNode::Phrase(Box::new(n), Box::new(val(w)), p.saturating_sub(last).max(1))
                }
                Some(n) => QNode::Phrase(Box::new(n), Box::new(val(w)), 1),
            });
            last = p;
        }
        let node = node.map(|n| if negate { QNode::Not(Box::new(n)) } else { n });
        if node.is_some() {
            ors.push(pending_or);
            terms.push((node, negate));
        }
        pending_or = false;
    }
    // `&` binds tighter than `or`: groups of and-ed terms, or-ed.
    let mut groups: Vec<QNode> = Vec::new();
    let mut current: Option<QNode> = None;
    for ((node, _), or) in terms.into_iter().zip(ors) {
        let Some(node) = node else { continue };
        if or {
            if let Some(c) = current.take() {
                groups.push(c);
            }
        }
        current = Some(match current {
            None => node,
            Some(c) => QNode::And(Box::new(c), Box::new(node)),
        });
    }
    if let Some(c) = current {
        groups.push(c);
    }
    let root = groups
        .into_iter()
        .reduce(|a, b| QNode::Or(Box::new(a), Box::new(b)));
    if let Some(r) = &root {
        crate::value::tsearch::check_depth(r)?;
    }
    let q = TsQuery { root };
    empty_notice(&q, s, ctx);
    Ok(query_value(q))
}

/// The weight letter of a "char" argument (A..D), 22023 otherwise.
fn weight_arg(v: &Value) -> Result<u8> {
    let s = text(v)?;
    match s.chars().next() {
        Some('A' | 'a') => Ok(3),
        Some('B' | 'b') => Ok(2),
        Some('C' | 'c') => Ok(1),
        Some('D' | 'd') => Ok(0),
        _ => Err(SqlError::new(
            SqlState::INVALID_PARAMETER_VALUE,
            format!(
                "unrecognized weight: {}",
                s.chars().next().map_or(0, |c| c as u32)
            ),
        )),
    }
}

fn text_items(v: &Value) -> Result<Vec<Option<String>>> {
    match v {
        Value::Array(a) => Ok(a
            .items()
            .iter()
            .map(|x| match x {
                Value::Text(s) => Some(s.clone()),
                _ => None,
            })
            .collect()),
        _ => Err(SqlError::internal("text[] expected")),
    }
}

/// setweight(v, w [, lexemes]).
fn setweight(a: &[Value]) -> Result<Value> {
    let v = tsvector(&a[0])?;
    let w = weight_arg(&a[1])?;
    let only = match a.get(2) {
        Some(list) => {
            let items = text_items(list)?;
            if items.iter().any(Option::is_none) {
                return Err(SqlError::new(
                    SqlState::NULL_VALUE_NOT_ALLOWED,
                    "lexeme array may not contain nulls",
                ));
            }
            Some(items.into_iter().flatten().collect::<Vec<_>>())
        }
        None => None,
    };
    let mut out = v.clone();
    for l in &mut out.lexemes {
        if only.as_ref().is_some_and(|o| !o.contains(&l.word)) {
            continue;
        }
        for p in &mut l.pos {
            *p = make_pos(pos_of(*p), w);
        }
    }
    Ok(vec_value(out))
}

/// ts_delete(v, lexeme | lexemes).
fn ts_delete(v: &TsVector, words: &[String]) -> Value {
    let mut out = v.clone();
    out.lexemes.retain(|l| !words.contains(&l.word));
    vec_value(out)
}

/// `a && b`, `a || b`, `a <n> b` of queries: an empty side gives the
/// other.
fn combine(a: &Value, b: &Value, make: impl FnOnce(QNode, QNode) -> QNode) -> Result<Value> {
    let (x, y) = (tsquery(a)?, tsquery(b)?);
    Ok(query_value(match (&x.root, &y.root) {
        (None, _) => y.clone(),
        (_, None) => x.clone(),
        (Some(l), Some(r)) => {
            let root = make(l.clone(), r.clone());
            crate::value::tsearch::check_depth(&root)?;
            TsQuery { root: Some(root) }
        }
    }))
}

fn phrase_distance(v: &Value) -> Result<u16> {
    let Value::Int4(d) = v else {
        return Err(SqlError::internal("int4 expected"));
    };
    if *d < 0 || *d > i32::from(MAX_POS) + 1 {
        return Err(SqlError::new(
            SqlState::INVALID_PARAMETER_VALUE,
            "distance in phrase operator must be an integer value between zero and 16384 inclusive",
        ));
    }
    Ok((*d as u16).min(MAX_POS))
}

/// getWeights: four weights (D, C, B, A), a negative one the default.
fn weights(v: &Value) -> Result<[f32; 4]> {
    let Value::Array(a) = v else {
        return Err(SqlError::internal("real[] expected"));
    };
    if a.dims().len() > 1 {
        return Err(SqlError::new(
            SqlState::ARRAY_SUBSCRIPT_ERROR,
            "array of weight must be one-dimensional",
        ));
    }
    let items = a.items();
    if items.len() < 4 {
        return Err(SqlError::new(
            SqlState::ARRAY_SUBSCRIPT_ERROR,
            "array of weight is too short",
        ));
    }
    let mut w = crate::value::tsearch::DEFAULT_WEIGHTS;
    for (i, x) in items.iter().take(4).enumerate() {
        let f = match x {
            Value::Float4(f) => *f,
            Value::Null => {
                return Err(SqlError::new(
                    SqlState::NULL_VALUE_NOT_ALLOWED,
                    "array of weight must not contain nulls",
                ))
            }
            _ => return Err(SqlError::internal("real expected")),
        };
        if f >= 0.0 {
            w[i] = f;
        }
        if w[i] > 1.0 {
            return Err(SqlError::new(
                SqlState::INVALID_PARAMETER_VALUE,
                "weight out of range",
            ));
        }
    }
    Ok(w)
}

/// ts_rank / ts_rank_cd with any of their argument lists: [weights,]
/// vector, query [, normalization].
fn ranked(a: &[Value], cd: bool) -> Result<Value> {
    let (w, rest) = match &a[0] {
        Value::Array(_) => (weights(&a[0])?, &a[1..]),
        _ => (crate::value::tsearch::DEFAULT_WEIGHTS, a),
    };
    let method = match rest.get(2) {
        Some(Value::Int4(m)) => *m,
        _ => 0,
    };
    let (v, q) = (tsvector(&rest[0])?, tsquery(&rest[1])?);
    Ok(Value::Float4(if cd {
        crate::value::tsearch::rank_cd(&w, v, q, method)
    } else {
        crate::value::tsearch::rank(&w, v, q, method)
    }))
}

/// `a @> b` of queries: every lexeme of b is one of a's.
fn contains(a: &Value, b: &Value) -> Result<Value> {
    let (qa, qb) = (tsquery(a)?.values(), tsquery(b)?.values());
    Ok(Value::Bool(qb.iter().all(|w| qa.contains(w))))
}

/// A comparison of two tsqueries or two tsvectors.
fn cmp(a: &[Value], test: fn(std::cmp::Ordering) -> bool) -> Result<Value> {
    let o = a[0]
        .compare(&a[1])
        .ok_or_else(|| SqlError::internal("incomparable text search values"))?;
    Ok(Value::Bool(test(o)))
}

const V: DataType = TsVector;
const Q: DataType = TsQuery;

/// The functions and operators.
pub(super) static FUNCTIONS: &[FuncDef] = &[
    f("to_tsvector", &[RegConfig, Text], V, |a, _| {
        Ok(vec_value(to_tsvector(config_of(&a[0])?, text(&a[1])?)))
    }),
    f("to_tsvector", &[Text], V, |a, ctx| {
        Ok(vec_value(to_tsvector(default_config(ctx)?, text(&a[0])?)))
    }),
    f("to_tsquery", &[RegConfig, Text], Q, |a, ctx| {
        to_tsquery(config_of(&a[0])?, text(&a[1])?, ctx)
    }),
    f("to_tsquery", &[Text], Q, |a, ctx| {
        let cfg = default_config(ctx)?;
        to_tsquery(cfg, text(&a[0])?, ctx)
    }),
    f("plainto_tsquery", &[RegConfig, Text], Q, |a, ctx| {
        plain_query(config_of(&a[0])?, text(&a[1])?, false, ctx)
    }),
    f("plainto_tsquery", &[Text], Q, |a, ctx| {
        let cfg = default_config(ctx)?;
        plain_query(cfg, text(&a[0])?, false, ctx)
    }),
    f("phraseto_tsquery", &[RegConfig, Text], Q, |a, ctx| {
        plain_query(config_of(&a[0])?, text(&a[1])?, true, ctx)
    }),
    f("phraseto_tsquery", &[Text], Q, |a, ctx| {
        let cfg = default_config(ctx)?;
        plain_query(cfg, text(&a[0])?, true, ctx)
    }),
    f("websearch_to_tsquery", &[RegConfig, Text], Q, |a, ctx| {
        websearch(config_of(&a[0])?, text(&a[1])?, ctx)
    }),
    f("websearch_to_tsquery", &[Text], Q, |a, ctx| {
        let cfg = default_config(ctx)?;
        websearch(cfg, text(&a[0])?, ctx)
    }),
    f("@@", &[V, Q], Bool, |a, _| {
        Ok(Value::Bool(tsvector(&a[0])?.matches(tsquery(&a[1])?)))
    }),
    f("@@", &[Q, V], Bool, |a, _| {
        Ok(Value::Bool(tsvector(&a[1])?.matches(tsquery(&a[0])?)))
    }),
    f("ts_match_vq", &[V, Q], Bool, |a, _| {
        Ok(Value::Bool(tsvector(&a[0])?.matches(tsquery(&a[1])?)))
    }),
    f("@@", &[Text, Q], Bool, |a, ctx| {
        let v = to_tsvector(default_config(ctx)?, text(&a[0])?);
        Ok(Value::Bool(v.matches(tsquery(&a[1])?)))
    }),
    f("@@", &[Text, Text], Bool, |a, ctx| {
        let cfg = default_config(ctx)?;
        let v = to_tsvector(cfg, text(&a[0])?);
        let Value::TsQuery(q) = plain_query(cfg, text(&a[1])?, false, ctx)? else {
            return Ok(Value::Bool(false));
        };
        Ok(Value::Bool(v.matches(&q)))
    }),
    f("||", &[V, V], V, |a, _| {
        Ok(vec_value(tsvector(&a[0])?.concat(tsvector(&a[1])?)))
    }),
    f("tsvector_concat", &[V, V], V, |a, _| {
        Ok(vec_value(tsvector(&a[0])?.concat(tsvector(&a[1])?)))
    }),
    f("&&", &[Q, Q], Q, |a, _| {
        combine(&a[0], &a[1], |l, r| QNode::And(Box::new(l), Box::new(r)))
    }),
    f("||", &[Q, Q], Q, |a, _| {
        combine(&a[0], &a[1], |l, r| QNode::Or(Box::new(l), Box::new(r)))
    }),
    f("<->", &[Q, Q], Q, |a, _| {
        combine(&a[0], &a[1], |l, r| {
            QNode::Phrase(Box::new(l), Box::new(r), 1)
        })
    }),
    f("tsquery_phrase", &[Q, Q], Q, |a, _| {
        combine(&a[0], &a[1], |l, r| {
            QNode::Phrase(Box::new(l), Box::new(r), 1)
        })
    }),
    f("tsquery_phrase", &[Q, Q, Int4], Q, |a, _| {
        let d = phrase_distance(&a[2])?;
        combine(&a[0], &a[1], |l, r| {
            QNode::Phrase(Box::new(l), Box::new(r), d)
        })
    }),
    f("!!", &[Q], Q, |a, _| {
        let q = tsquery(&a[0])?;
        let root = q.root.clone().map(|r| QNode::Not(Box::new(r)));
        if let Some(r) = &root {
            crate::value::tsearch::check_depth(r)?;
        }
        Ok(query_value(TsQuery { root }))
    }),
    f("numnode", &[Q], Int4, |a, _| {
        Ok(Value::Int4(tsquery(&a[0])?.numnode()))
    }),
    f("@>", &[Q, Q], Bool, |a, _| contains(&a[0], &a[1])),
    f("<@", &[Q, Q], Bool, |a, _| contains(&a[1], &a[0])),
    f("tsq_mcontains", &[Q, Q], Bool, |a, _| {
        contains(&a[0], &a[1])
    }),
    f("tsq_mcontained", &[Q, Q], Bool, |a, _| {
        contains(&a[1], &a[0])
    }),
    f("=", &[Q, Q], Bool, |a, _| cmp(a, std::cmp::Ordering::is_eq)),
    f("<>", &[Q, Q], Bool, |a, _| {
        cmp(a, std::cmp::Ordering::is_ne)
    }),
    f("<", &[Q, Q], Bool, |a, _| cmp(a, std::cmp::Ordering::is_lt)),
    f("<=", &[Q, Q], Bool, |a, _| {
        cmp(a, std::cmp::Ordering::is_le)
    }),
    f(">", &[Q, Q], Bool, |a, _| cmp(a, std::cmp::Ordering::is_gt)),
    f(">=", &[Q, Q], Bool, |a, _| {
        cmp(a, std::cmp::Ordering::is_ge)
    }),
    f("=", &[V, V], Bool, |a, _| cmp(a, std::cmp::Ordering::is_eq)),
    f("<>", &[V, V], Bool, |a, _| {
        cmp(a, std::cmp::Ordering::is_ne)
    }),
    f("<", &[V, V], Bool, |a, _| cmp(a, std::cmp::Ordering::is_lt)),
    f("<=", &[V, V], Bool, |a, _| {
        cmp(a, std::cmp::Ordering::is_le)
    }),
    f(">", &[V, V], Bool, |a, _| cmp(a, std::cmp::Ordering::is_gt)),
    f(">=", &[V, V], Bool, |a, _| {
        cmp(a, std::cmp::Ordering::is_ge)
    }),
    f("querytree", &[Q], Text, |a, _| {
        let mut s = String::new();
        tsquery(&a[0])?.write(&mut s);
        Ok(Value::Text(if s.is_empty() { "T".into() } else { s }))
    }),
    f("length", &[V], Int4, |a, _| {
        Ok(Value::Int4(tsvector(&a[0])?.lexemes.len() as i32))
    }),
    f("strip", &[V], V, |a, _| {
        let mut v = tsvector(&a[0])?.clone();
        for l in &mut v.lexemes {
            l.pos.clear();
        }
        Ok(vec_value(v))
    }),
    f("setweight", &[V, Char], V, |a, _| setweight(a)),
    f("setweight", &[V, Char, Array(&Text)], V, |a, _| {
        setweight(a)
    }),
    f("ts_delete", &[V, Text], V, |a, _| {
        Ok(ts_delete(tsvector(&a[0])?, &[text(&a[1])?.to_owned()]))
    }),
    f("ts_delete", &[V, Array(&Text)], V, |a, _| {
        let words: Vec<String> = text_items(&a[1])?.into_iter().flatten().collect();
        Ok(ts_delete(tsvector(&a[0])?, &words))
    }),
    f("ts_filter", &[V, Array(&Char)], V, |a, _| {
        let mut weights = Vec::new();
        for w in text_items(&a[1])? {
            let Some(w) = w else {
                return Err(SqlError::new(
                    SqlState::NULL_VALUE_NOT_ALLOWED,
                    "weight array may not contain nulls",
                ));
            };
            weights.push(weight_arg(&Value::Text(w))?);
        }
        let mut v = tsvector(&a[0])?.clone();
        for l in &mut v.lexemes {
            l.pos.retain(|p| weights.contains(&weight_of(*p)));
        }
        v.lexemes.retain(|l| !l.pos.is_empty());
        Ok(vec_value(v))
    }),
    f("tsvector_to_array", &[V], Array(&Text), |a, _| {
        let items = tsvector(&a[0])?
            .lexemes
            .iter()
            .map(|l| Value::Text(l.word.clone()))
            .collect();
        Ok(Value::Array(ArrayRef::new(items)))
    }),
    f("array_to_tsvector", &[Array(&Text)], V, |a, _| {
        let mut words = Vec::new();
        for w in text_items(&a[0])? {
            match w {
                None => {
                    return Err(SqlError::new(
                        SqlState::NULL_VALUE_NOT_ALLOWED,
                        "lexeme array may not contain nulls",
                    ))
                }
                Some(w) if w.is_empty() => {
                    return Err(SqlError::new(
                        SqlState::ZERO_LENGTH_CHARACTER_STRING,
                        "lexeme array may not contain empty strings",
                    ))
                }
                Some(w) => words.push((w, Vec::<Pos>::new())),
            }
        }
        Ok(vec_value(TsVector::from_words(words)))
    }),
    f("ts_rank", &[V, Q], Float4, |a, _| ranked(a, false)),
    f("ts_rank", &[V, Q, Int4], Float4, |a, _| ranked(a, false)),
    f("ts_rank", &[Array(&Float4), V, Q], Float4, |a, _| {
        ranked(a, false)
    }),
    f("ts_rank", &[Array(&Float4), V, Q, Int4], Float4, |a, _| {
        ranked(a, false)
    }),
    f("ts_rank_cd", &[V, Q], Float4, |a, _| ranked(a, true)),
    f("ts_rank_cd", &[V, Q, Int4], Float4, |a, _| ranked(a, true)),
    f("ts_rank_cd", &[Array(&Float4), V, Q], Float4, |a, _| {
        ranked(a, true)
    }),
    f(
        "ts_rank_cd",
        &[Array(&Float4), V, Q, Int4],
        Float4,
        |a, _| ranked(a, true),
    ),
    f("get_current_ts_config", &[], RegConfig, |_, ctx| {
        let oid = default_config(ctx)?;
        Ok(Value::Named(
            oid,
            config_name(oid).unwrap_or("simple").into(),
        ))
    }),
];
