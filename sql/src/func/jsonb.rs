//! json and jsonb: input checked as PostgreSQL's json parser checks it,
//! jsonb kept in its canonical form (object keys unique and sorted by
//! length then bytes, numbers as numeric prints them, PostgreSQL's
//! spacing), and the operators and functions applications use.
//!
//! Values of both types are text; json keeps the text as given, jsonb
//! the canonical text, so comparing two jsonb texts compares the values.

use super::operators::arg;
use super::{f, non_strict, stable, FuncDef};
use crate::error::{Result, SqlError, SqlState};
use crate::types::DataType::{self, *};
use crate::value::{ArrayRef, Numeric, OutputStyle, Value};

/// A parsed JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// null.
    Null,
    /// true / false.
    Bool(bool),
    /// A number, as written (json) or as numeric prints it (jsonb).
    Number(String),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object, keys in order (jsonb: unique and sorted).
    Object(Vec<(String, Json)>),
}

fn syntax(ty: &str, detail: String, text: &str) -> SqlError {
    let line = text.lines().next().unwrap_or("");
    SqlError::new(
        SqlState::INVALID_TEXT_REPRESENTATION,
        format!("invalid input syntax for type {ty}"),
    )
    .with_detail(detail)
    .with_context(format!("JSON data, line 1: {line}"))
}

struct Parser<'a> {
    s: &'a [u8],
    text: &'a str,
    at: usize,
    ty: &'static str,
    depth: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.at < self.s.len() && matches!(self.s[self.at], b' ' | b'\t' | b'\n' | b'\r') {
            self.at += 1;
        }
    }

    fn token_err(&self) -> SqlError {
        if self.at >= self.s.len() {
            return syntax(
                self.ty,
                "The input string ended unexpectedly.".into(),
                self.text,
            );
        }
        let rest = &self.text[self.at..];
        let end = rest
            .char_indices()
            .find(|(i, c)| *i > 0 && !(c.is_alphanumeric() || *c == '_'))
            .map_or(rest.len(), |(i, _)| i);
        let tok = if rest[..end].chars().all(|c| c.is_alphanumeric() || c == '_') {
            &rest[..end]
        } else {
            &rest[..rest.chars().next().map_or(0, char::len_utf8)]
        };
        syntax(self.ty, format!("Token \"{tok}\" is invalid."), self.text)
    }

    fn value(&mut self) -> Result<Json> {
        self.depth += 1;
        if self.depth > 6000 {
            return Err(SqlError::new(
                SqlState::STATEMENT_TOO_COMPLEX,
                "stack depth limit exceeded",
            ));
        }
        self.ws();
        let v = match self.s.get(self.at) {
            None => return Err(self.token_err()),
            Some(b'{') => {
                self.at += 1;
                let mut fields = Vec::new();
                self.ws();
                if self.s.get(self.at) == Some(&b'}') {
                    self.at += 1;
                } else {
                    loop {
                        self.ws();
                        if self.s.get(self.at) != Some(&b'"') {
                            return Err(self.token_err());
                        }
                        let k = self.string()?;
                        self.ws();
                        if self.s.get(self.at) != Some(&b':') {
                            return Err(self.token_err());
                        }
                        self.at += 1;
                        let v = self.value()?;
                        fields.push((k, v));
                        self.ws();
                        match self.s.get(self.at) {
                            Some(b',') => self.at += 1,
                            Some(b'}') => {
                                self.at += 1;
                                break;
                            }
                            _ => return Err(self.token_err()),
                        }
                    }
                }
                Json::Object(fields)
            }
            Some(b'[') => {
                self.at += 1;
                let mut items = Vec::new();
                self.ws();
                if self.s.get(self.at) == Some(&b']') {
                    self.at += 1;
                } else {
                    loop {
                        items.push(self.value()?);
                        self.ws();
                        match self.s.get(self.at) {
                            Some(b',') => self.at += 1,
                            Some(b']') => {
                                self.at += 1;
                                break;
                            }
                            _ => return Err(self.token_err()),
                        }
                    }
                }
                Json::Array(items)
            }
            Some(b'"') => Json::String(self.string()?),
            Some(b'-' | b'0'..=b'9') => self.number()?,
            Some(_) => {
                let rest = &self.text[self.at..];
                let word: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                let v = match word.as_str() {
                    "true" => Json::Bool(true),
                    "false" => Json::Bool(false),
                    "null" => Json::Null,
                    _ => return Err(self.token_err()),
                };
                self.at += word.len();
                v
            }
        };
        self.depth -= 1;
        Ok(v)
    }

    fn number(&mut self) -> Result<Json> {
        let start = self.at;
        let digits = |p: &mut Self| {
            let from = p.at;
            while p.at < p.s.len() && p.s[p.at].is_ascii_digit() {
                p.at += 1;
            }
            p.at > from
        };
        if self.s[self.at] == b'-' {
            self.at += 1;
        }
        let int_start = self.at;
        // No leading zeros: `01` is not a JSON number.
        if !digits(self) || (self.s[int_start] == b'0' && self.at - int_start > 1) {
            self.at = start;
            return Err(self.token_err());
        }
        if self.s.get(self.at) == Some(&b'.') {
            self.at += 1;
            if !digits(self) {
                self.at = start;
                return Err(self.token_err());
            }
        }
        if matches!(self.s.get(self.at), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.s.get(self.at), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if !digits(self) {
                self.at = start;
                return Err(self.token_err());
            }
        }
        if self
            .s
            .get(self.at)
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
        {
            self.at = start;
            return Err(self.token_err());
        }
        Ok(Json::Number(self.text[start..self.at].to_owned()))
    }

    fn string(&mut self) -> Result<String> {
        self.at += 1;
        let mut out = String::new();
        loop {
            let Some(&b) = self.s.get(self.at) else {
                return Err(syntax(
                    self.ty,
                    "The input string ended unexpectedly.".into(),
                    self.text,
                ));
            };
            match b {
                b'"' => {
                    self.at += 1;
                    return Ok(out);
                }
                b'\\' => {
                    self.at += 1;
                    let Some(&e) = self.s.get(self.at) else {
                        return Err(self.token_err());
                    };
                    self.at += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hex = |p: &mut Self| -> Option<u32> {
                                let h = p.text.get(p.at..p.at + 4)?;
                                let v = u32::from_str_radix(h, 16).ok()?;
                                p.at += 4;
                                Some(v)
                            };
                            let Some(c) = hex(self) else {
                                return Err(syntax(
                                    self.ty,
                                    "\"\\u\" must be followed by four hexadecimal digits.".into(),
                                    self.text,
                                ));
                            };
                            let c = if (0xD800..0xDC00).contains(&c)
                                && self.text.get(self.at..self.at + 2) == Some("\\u")
                            {
                                self.at += 2;
                                let lo = hex(self).unwrap_or(0);
                                0x10000 + ((c - 0xD800) << 10) + (lo.wrapping_sub(0xDC00) & 0x3FF)
                            } else {
                                c
                            };
                            if c == 0 {
                                return Err(SqlError::new(
                                    SqlState::UNTRANSLATABLE_CHARACTER,
                                    "unsupported Unicode escape sequence",
                                )
                                .with_detail("\\u0000 cannot be converted to text."));
                            }
                            out.push(char::from_u32(c).unwrap_or('\u{FFFD}'));
                        }
                        _ => {
                            return Err(syntax(
                                self.ty,
                                format!("Escape sequence \"\\{}\" is invalid.", char::from(e)),
                                self.text,
                            ))
                        }
                    }
                }
                b if b < 0x20 => {
                    return Err(syntax(
                        self.ty,
                        format!("Character with value 0x{b:02x} must be escaped."),
                        self.text,
                    ))
                }
                _ => {
                    let rest = &self.text[self.at..];
                    let c = rest.chars().next().unwrap_or('\u{FFFD}');
                    out.push(c);
                    self.at += c.len_utf8();
                }
            }
        }
    }
}

/// Parses json text (22P02 with PostgreSQL's detail when invalid).
pub fn parse(text: &str, _ty: DataType) -> Result<Json> {
    let mut p = Parser {
        s: text.as_bytes(),
        text,
        at: 0,
        // PostgreSQL's jsonb input reports through the json parser.
        ty: "json",
        depth: 0,
    };
    let v = p.value()?;
    p.ws();
    if p.at < p.s.len() {
        return Err(p.token_err());
    }
    Ok(v)
}

impl Json {
    /// jsonb's canonical form: keys unique (the last wins) and sorted by
    /// length then bytes, numbers as numeric prints them.
    pub fn canonical(self) -> Json {
        match self {
            Json::Number(n) => Json::Number(Numeric::parse(&n).map(|v| v.to_string()).unwrap_or(n)),
            Json::Array(items) => Json::Array(items.into_iter().map(Json::canonical).collect()),
            Json::Object(mut fields) => {
                // A stable sort keeps equal keys in input order: the last
                // of each run wins.
                fields
                    .sort_by(|a, b| (a.0.len(), a.0.as_bytes()).cmp(&(b.0.len(), b.0.as_bytes())));
                let mut out: Vec<(String, Json)> = Vec::with_capacity(fields.len());
                for (k, v) in fields {
                    let v = v.canonical();
                    match out.last_mut() {
                        Some(last) if last.0 == k => last.1 = v,
                        _ => out.push((k, v)),
                    }
                }
                Json::Object(out)
            }
            other => other,
        }
    }

    /// The text jsonb prints (`{"a": 1, "b": [1, 2]}`).
    pub fn write(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Number(n) => out.push_str(n),
            Json::String(s) => escape(s, out),
            Json::Array(items) => {
                out.push('[');
                for (i, x) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    x.write(out);
                }
                out.push(']');
            }
            Json::Object(fields) => {
                out.push('{');
                for (i, (k, v)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    escape(k, out);
                    out.push_str(": ");
                    v.write(out);
                }
                out.push('}');
            }
        }
    }

    /// [`Json::write`] into a new string.
    pub fn text(&self) -> String {
        let mut s = String::new();
        self.write(&mut s);
        s
    }

    /// jsonb_typeof (and jsonpath's type()).
    pub(super) fn type_name(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "boolean",
            Json::Number(_) => "number",
            Json::String(_) => "string",
            Json::Array(_) => "array",
            Json::Object(_) => "object",
        }
    }

    /// The value as ->> returns it: strings unquoted, null as NULL.
    fn as_text(&self) -> Value {
        match self {
            Json::Null => Value::Null,
            Json::String(s) => Value::Text(s.clone()),
            other => Value::Text(other.text()),
        }
    }

    /// Field `key` of an object.
    fn field(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(f) => f.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Element `i` of an array (negative counts from the end).
    fn element(&self, i: i64) -> Option<&Json> {
        match self {
            Json::Array(items) => {
                let i = if i < 0 { items.len() as i64 + i } else { i };
                usize::try_from(i).ok().and_then(|i| items.get(i))
            }
            _ => None,
        }
    }

    /// A path step: an object key, or an array index written as text.
    fn step(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(_) => self.field(key),
            Json::Array(_) => key.trim().parse::<i64>().ok().and_then(|i| self.element(i)),
            _ => None,
        }
    }

    /// jsonb containment (@>).
    fn contains(&self, other: &Json) -> bool {
        match (self, other) {
            (Json::Object(a), Json::Object(b)) => b
                .iter()
                .all(|(k, bv)| a.iter().any(|(ak, av)| ak == k && av.contains(bv))),
            (Json::Array(a), Json::Array(b)) => b.iter().all(|bv| {
                a.iter().any(|av| match bv {
                    Json::Array(_) | Json::Object(_) => av.contains(bv),
                    _ => av == bv,
                })
            }),
            // A top-level array contains a primitive it holds.
            (Json::Array(a), b) if !matches!(b, Json::Object(_)) => a.iter().any(|x| x == b),
            (a, b) => a == b,
        }
    }

    /// Removes nulls from objects, recursively (jsonb_strip_nulls).
    fn strip_nulls(self) -> Json {
        match self {
            Json::Object(f) => Json::Object(
                f.into_iter()
                    .filter(|(_, v)| *v != Json::Null)
                    .map(|(k, v)| (k, v.strip_nulls()))
                    .collect(),
            ),
            Json::Array(items) => Json::Array(items.into_iter().map(Json::strip_nulls).collect()),
            other => other,
        }
    }

    /// jsonb_pretty's layout.
    fn pretty(&self, indent: usize, out: &mut String) {
        let pad = |n: usize, out: &mut String| out.push_str(&"    ".repeat(n));
        match self {
            Json::Array(items) if !items.is_empty() => {
                out.push_str("[\n");
                for (i, x) in items.iter().enumerate() {
                    pad(indent + 1, out);
                    x.pretty(indent + 1, out);
                    if i + 1 < items.len() {
                        out.push(',');
                    }
                    out.push('\n');
                }
                pad(indent, out);
                out.push(']');
            }
            Json::Object(fields) if !fields.is_empty() => {
                out.push_str("{\n");
                for (i, (k, v)) in fields.iter().enumerate() {
                    pad(indent + 1, out);
                    escape(k, out);
                    out.push_str(": ");
                    v.pretty(indent + 1, out);
                    if i + 1 < fields.len() {
                        out.push(',');
                    }
                    out.push('\n');
                }
                pad(indent, out);
                out.push('}');
            }
            Json::Array(_) => {
                out.push_str("[\n");
                pad(indent, out);
                out.push(']');
            }
            Json::Object(_) => {
                out.push_str("{\n");
                pad(indent, out);
                out.push('}');
            }
            other => other.write(out),
        }
    }
}

/// A JSON string literal, as PostgreSQL's escape_json writes it.
pub fn escape(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// The stored text of a json (`ty` Json: checked, kept) or jsonb (the
/// canonical text) value typed in as `text`.
pub fn input(text: &str, ty: DataType) -> Result<String> {
    let v = parse(text, ty)?;
    Ok(if ty == Jsonb {
        v.canonical().text()
    } else {
        text.to_owned()
    })
}

/// A stored json or jsonb value's tree.
pub(super) fn tree(v: &Value) -> Result<Json> {
    match v {
        Value::Text(s) => parse(s, Json),
        other => Err(super::operators::mismatch(other)),
    }
}

/// A tree as a value of `ty` (json or jsonb text).
pub(super) fn out(j: &Json) -> Value {
    Value::Text(j.text())
}

/// to_jsonb: a SQL value as a JSON value.
pub fn from_value(v: &Value, style: &OutputStyle) -> Json {
    match v {
        Value::Null => Json::Null,
        // A row: an object of its fields, in order.
        Value::Record(fields) => Json::Object(
            fields
                .field_names()
                .unwrap_or_default()
                .iter()
                .cloned()
                .zip(fields.items().iter().map(|x| from_value(x, style)))
                .collect(),
        ),
        Value::Bool(b) => Json::Bool(*b),
        Value::Int2(_) | Value::Int4(_) | Value::Int8(_) | Value::Oid(_) => {
            Json::Number(v.to_text(style).unwrap_or_default())
        }
        // NaN and the infinities are not JSON numbers: strings.
        Value::Float4(_) | Value::Float8(_) | Value::Numeric(_) => {
            let t = v.to_text(style).unwrap_or_default();
            if t.bytes()
                .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b))
            {
                Json::Number(t)
            } else {
                Json::String(t)
            }
        }
        Value::Array(items) => array_json(items, style),
        Value::Date(_)
        | Value::Timestamp(_)
        | Value::TimestampTz(_)
        | Value::Time(_)
        | Value::TimeTz(..) => Json::String(xsd_datetime(v, style)),
        other => Json::String(other.to_text(style).unwrap_or_default()),
    }
}

/// An array as JSON: nested arrays for its dimensions.
fn array_json(a: &ArrayRef, style: &OutputStyle) -> Json {
    let dims = a.dims();
    let items = a.items();
    if dims.len() <= 1 {
        return Json::Array(items.iter().map(|x| from_value(x, style)).collect());
    }
    fn level(items: &[Value], lens: &[usize], style: &OutputStyle) -> Json {
        match lens.split_first() {
            Some((_, [])) | None => {
                Json::Array(items.iter().map(|x| from_value(x, style)).collect())
            }
            Some((&n, rest)) => {
                let step = rest.iter().product::<usize>().max(1);
                Json::Array(
                    (0..n)
                        .map(|i| {
                            let end = ((i + 1) * step).min(items.len());
                            level(&items[(i * step).min(end)..end], rest, style)
                        })
                        .collect(),
                )
            }
        }
    }
    let lens: Vec<usize> = dims.iter().map(|d| d.len.max(0) as usize).collect();
    level(items, &lens, style)
}

/// A date/time value as JSON writes it (PostgreSQL's XSD form, whatever
/// the DateStyle): `2014-05-28T12:22:35.614298`, offsets as `+10:30`.
fn xsd_datetime(v: &Value, style: &OutputStyle) -> String {
    // The session's style when it is ISO already (no copy per value).
    let iso;
    let style = if style.date == crate::value::DateStyle::default() {
        style
    } else {
        iso = OutputStyle {
            date: crate::value::DateStyle::default(),
            ..style.clone()
        };
        &iso
    };
    let text = v.to_text(style).unwrap_or_default();
    let text = match v {
        Value::Timestamp(_) | Value::TimestampTz(_) => text.replacen(' ', "T", 1),
        _ => text,
    };
    if !matches!(v, Value::TimestampTz(_)) {
        return text;
    }
    // The offset: `+HH` becomes `+HH:00`.
    match text.rfind(['+', '-']) {
        Some(i) if text[i..].len() == 3 && text[..i].contains(':') => format!("{text}:00"),
        _ => text,
    }
}

/// The jsonb of a value of type `ty` (json and jsonb values are parsed).
fn to_jsonb(v: &Value, ty: DataType, style: &OutputStyle) -> Result<Json> {
    Ok(match ty {
        Json | Jsonb if !v.is_null() => tree(v)?.canonical(),
        _ => from_value(v, style).canonical(),
    })
}

fn path_of(v: &Value) -> Vec<String> {
    match v {
        Value::Array(a) => a
            .items()
            .iter()
            .map(|x| match x {
                Value::Text(s) => s.clone(),
                other => other.to_text(&OutputStyle::default()).unwrap_or_default(),
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn walk<'j>(j: &'j Json, path: &[String]) -> Option<&'j Json> {
    path.iter().try_fold(j, |cur, k| cur.step(k))
}

/// jsonb_set(target, path, new, create_missing).
fn set_path(j: &mut Json, path: &[String], new: Json, create: bool) -> Result<()> {
    set_path_at(j, path, new, create, 1)
}

/// [`set_path`] from path position `level` (1-based, for its messages).
fn set_path_at(j: &mut Json, path: &[String], new: Json, create: bool, level: usize) -> Result<()> {
    let Some((first, rest)) = path.split_first() else {
        return Ok(());
    };
    match j {
        Json::Object(fields) => {
            if let Some((_, v)) = fields.iter_mut().find(|(k, _)| k == first) {
                if rest.is_empty() {
                    *v = new;
                } else {
                    set_path_at(v, rest, new, create, level + 1)?;
                }
            } else if rest.is_empty() && create {
                fields.push((first.clone(), new));
                let taken = std::mem::take(fields);
                *j = Json::Object(taken).canonical();
            }
        }
        Json::Array(items) => {
            let Ok(i) = first.parse::<i32>() else {
                return Err(SqlError::new(
                    SqlState::INVALID_TEXT_REPRESENTATION,
                    format!("path element at position {level} is not an integer: \"{first}\""),
                ));
            };
            let i = i64::from(i);
            let len = items.len() as i64;
            let idx = if i < 0 { len + i } else { i };
            if (0..len).contains(&idx) {
                let slot = &mut items[idx as usize];
                if rest.is_empty() {
                    *slot = new;
                } else {
                    set_path_at(slot, rest, new, create, level + 1)?;
                }
            } else if rest.is_empty() && create {
                if idx < 0 {
                    items.insert(0, new);
                } else {
                    items.push(new);
                }
            }
        }
        _ => {}
    }
    Ok(())
}

macro_rules! json_op {
    ($name:expr, $l:expr, $r:expr, $ret:expr, $f:expr) => {
        f($name, &[$l, $r], $ret, $f)
    };
}

fn get_field(a: &[Value]) -> Result<Option<Json>> {
    let j = tree(&a[0])?;
    Ok(j.field(&arg!(a, 1, Text)).cloned())
}

fn get_element(a: &[Value]) -> Result<Option<Json>> {
    let j = tree(&a[0])?;
    Ok(j.element(i64::from(arg!(a, 1, Int4))).cloned())
}

fn opt(j: Option<Json>) -> Value {
    j.map_or(Value::Null, |j| out(&j))
}

fn opt_text(j: Option<Json>) -> Value {
    j.map_or(Value::Null, |j| j.as_text())
}

fn json_bool(a: &[Value], f: impl Fn(&Json, &Json) -> bool) -> Result<Value> {
    Ok(Value::Bool(f(&tree(&a[0])?, &tree(&a[1])?)))
}

fn exists(j: &Json, key: &str) -> bool {
    match j {
        Json::Object(f) => f.iter().any(|(k, _)| k == key),
        Json::Array(items) => items.iter().any(|x| *x == Json::String(key.to_owned())),
        Json::String(s) => s == key,
        _ => false,
    }
}

fn concat(a: Json, b: Json) -> Json {
    match (a, b) {
        (Json::Object(mut x), Json::Object(y)) => {
            x.extend(y);
            Json::Object(x).canonical()
        }
        (Json::Array(mut x), Json::Array(y)) => {
            x.extend(y);
            Json::Array(x)
        }
        (Json::Array(mut x), y) => {
            x.push(y);
            Json::Array(x)
        }
        (x, Json::Array(mut y)) => {
            y.insert(0, x);
            Json::Array(y)
        }
        (x, y) => Json::Array(vec![x, y]),
    }
}

fn delete_key(j: Json, key: &str) -> Json {
    match j {
        Json::Object(f) => Json::Object(f.into_iter().filter(|(k, _)| k != key).collect()),
        Json::Array(items) => Json::Array(
            items
                .into_iter()
                .filter(|x| *x != Json::String(key.to_owned()))
                .collect(),
        ),
        other => other,
    }
}

/// Operators on both json and jsonb, registered once per type.
macro_rules! access_ops {
    ($t:expr) => {
        [
            json_op!("->", $t, Text, $t, |a, _| Ok(opt(get_field(a)?))),
            json_op!("->", $t, Int4, $t, |a, _| Ok(opt(get_element(a)?))),
            json_op!("->>", $t, Text, Text, |a, _| Ok(opt_text(get_field(a)?))),
            json_op!("->>", $t, Int4, Text, |a, _| Ok(opt_text(get_element(a)?))),
            json_op!("#>", $t, Array(&Text), $t, |a, _| {
                let j = tree(&a[0])?;
                Ok(opt(walk(&j, &path_of(&a[1])).cloned()))
            }),
            json_op!("#>>", $t, Array(&Text), Text, |a, _| {
                let j = tree(&a[0])?;
                Ok(opt_text(walk(&j, &path_of(&a[1])).cloned()))
            }),
        ]
    };
}

static JSON_ACCESS: [FuncDef; 6] = [
    json_op!("->", Json, Text, Json, |a, _| raw_access(a, false)),
    json_op!("->", Json, Int4, Json, |a, _| raw_access(a, false)),
    json_op!("->>", Json, Text, Text, |a, _| raw_access(a, true)),
    json_op!("->>", Json, Int4, Text, |a, _| raw_access(a, true)),
    json_op!("#>", Json, Array(&Text), Json, |a, _| raw_access(a, false)),
    json_op!("#>>", Json, Array(&Text), Text, |a, _| raw_access(a, true)),
];
static JSONB_ACCESS: [FuncDef; 6] = access_ops!(Jsonb);

/// `jsonb[key]`: the value at a one-element path (a key, or an index
/// into an array, negative from the end); NULL when there is none.
pub(crate) static JSONB_SUBSCRIPT: FuncDef = f("subscript", &[Jsonb, Text], Jsonb, |a, _| {
    let key = match &a[1] {
        Value::Text(s) => s.clone(),
        Value::Int2(i) => i.to_string(),
        Value::Int4(i) => i.to_string(),
        Value::Int8(i) => i.to_string(),
        _ => return Ok(Value::Null),
    };
    let j = tree(&a[0])?;
    Ok(opt(walk(&j, &[key]).cloned()))
});

/// `jsonb_col[k1][k2]... = value` (UPDATE SET, INSERT targets): the
/// document with the value set at the path, missing objects and arrays
/// created on the way and arrays padded with nulls (PostgreSQL's setPath
/// with its create, fill-gaps and consistent-position flags). A NULL
/// document starts as an object, or as an array when the first
/// subscript is an integer. Arguments: the document, the value, the
/// subscripts (text or integer).
pub(crate) static JSONB_ASSIGN: FuncDef = non_strict(f(
    "subscript_assign",
    &[Jsonb, Jsonb, Text],
    Jsonb,
    |a, ctx| {
        let mut path = Vec::with_capacity(a.len() - 2);
        for v in &a[2..] {
            if let Ok(i) = v.to_text(ctx.style()).unwrap_or_default().parse::<i64>() {
                // Padding with nulls up to the index.
                let n = i
                    .unsigned_abs()
                    .saturating_mul(std::mem::size_of::<Json>() as u64);
                ctx.check_memory(n, "jsonb subscript assignment")?;
            }
            path.push(match v {
                Value::Text(s) => s.clone(),
                Value::Int2(i) => i.to_string(),
                Value::Int4(i) => i.to_string(),
                Value::Int8(i) => i.to_string(),
                _ => {
                    return Err(SqlError::new(
                        SqlState::NULL_VALUE_NOT_ALLOWED,
                        "jsonb subscript in assignment must not be null",
                    ))
                }
            });
        }
        let new = match &a[1] {
            Value::Null => Json::Null,
            v => tree(v)?,
        };
        let mut doc = match &a[0] {
            Value::Null if matches!(a.get(2), Some(Value::Text(_))) => Json::Object(Vec::new()),
            Value::Null => Json::Array(Vec::new()),
            v => tree(v)?,
        };
        if path.is_empty() {
            return Ok(out(&new));
        }
        assign_path(&mut doc, &path, 0, new)?;
        Ok(out(&doc))
    },
));

/// 22023 / 22P02 / 0A000-free errors of jsonb subscripted assignment.
fn scalar_in_path() -> SqlError {
    SqlError::new(
        SqlState::INVALID_PARAMETER_VALUE,
        "cannot replace existing key",
    )
    .with_detail("The path assumes key is a composite object, but it is a scalar value.")
}

/// setPath for subscripted assignment, at `path[level]` of `j`.
fn assign_path(j: &mut Json, path: &[String], level: usize, new: Json) -> Result<()> {
    let last = level + 1 == path.len();
    let key = &path[level];
    match j {
        Json::Object(fields) => {
            if let Some((_, v)) = fields.iter_mut().find(|(k, _)| k == key) {
                assign_at(v, path, level, new)?;
            } else {
                let value = if last {
                    new
                } else {
                    build_path(path, level + 1, new)?
                };
                fields.push((key.clone(), value));
                let taken = std::mem::take(fields);
                *j = Json::Object(taken).canonical();
            }
        }
        Json::Array(items) => {
            let Some(i) = key.trim().parse::<i32>().ok().map(i64::from) else {
                return Err(SqlError::new(
                    SqlState::INVALID_TEXT_REPRESENTATION,
                    format!(
                        "path element at position {} is not an integer: \"{key}\"",
                        level + 1
                    ),
                ));
            };
            let n = items.len() as i64;
            let idx = if i < 0 {
                if -i > n {
                    return Err(SqlError::new(
                        SqlState::INVALID_PARAMETER_VALUE,
                        format!(
                            "path element at position {} is out of range: {i}",
                            level + 1
                        ),
                    ));
                }
                n + i
            } else {
                i
            };
            if idx < n {
                assign_at(&mut items[idx as usize], path, level, new)?;
            } else {
                let value = if last {
                    new
                } else {
                    build_path(path, level + 1, new)?
                };
                items.resize(idx as usize, Json::Null);
                items.push(value);
            }
        }
        _ => return Err(scalar_in_path()),
    }
    Ok(())
}

/// An existing member or element at `path[level]`: replaced when the
/// path ends there, descended into when it is a container.
fn assign_at(slot: &mut Json, path: &[String], level: usize, new: Json) -> Result<()> {
    if level + 1 == path.len() {
        *slot = new;
        Ok(())
    } else if matches!(slot, Json::Object(_) | Json::Array(_)) {
        assign_path(slot, path, level + 1, new)
    } else {
        Err(scalar_in_path())
    }
}

/// push_path: the containers `path[from..]` leads through, innermost
/// holding `new`; an integer step makes an array padded with nulls.
fn build_path(path: &[String], from: usize, new: Json) -> Result<Json> {
    let mut v = new;
    for (k, step) in path.iter().enumerate().skip(from).rev() {
        v = match step.trim().parse::<i32>() {
            Ok(i) if i >= 0 => {
                let mut items = vec![Json::Null; i as usize];
                items.push(v);
                Json::Array(items)
            }
            Ok(i) => {
                return Err(SqlError::new(
                    SqlState::INVALID_PARAMETER_VALUE,
                    format!("path element at position {} is out of range: {i}", k + 1),
                ))
            }
            Err(_) => Json::Object(vec![(step.clone(), v)]),
        };
    }
    Ok(v)
}

/// The scalar a jsonb value casts from (PostgreSQL's jsonb_numeric,
/// jsonb_bool ...): a number for the numeric types, a boolean for bool,
/// as text for the target's input function; 22023 otherwise.
pub fn scalar_for_cast(text: &str, to: DataType) -> Result<Value> {
    let j = parse(text, Jsonb)?;
    let word = match &j {
        Json::Null => "null",
        Json::Bool(_) => "boolean",
        Json::Number(_) => "numeric",
        Json::String(_) => "string",
        Json::Array(_) => "array",
        Json::Object(_) => "object",
    };
    match (&j, to) {
        (Json::Bool(b), Bool) => Ok(Value::Text(b.to_string())),
        (Json::Number(n), t) if t != Bool => {
            // Integers round half away from zero from the numeric.
            Numeric::parse(n).map(Value::Numeric)
        }
        _ => Err(SqlError::new(
            SqlState::INVALID_PARAMETER_VALUE,
            format!("cannot cast jsonb {word} to type {}", to.sql_name()),
        )),
    }
}

/// json_object / jsonb_object: from one text array of alternating keys
/// and values (or of key-value pairs), or from a keys and a values array.
fn object_from_arrays(a: &[Value]) -> Result<Json> {
    let err = |msg: &str| SqlError::new(SqlState::ARRAY_SUBSCRIPT_ERROR, msg.to_owned());
    let text = |v: &Value| match v {
        Value::Text(s) => Some(s.clone()),
        _ => None,
    };
    let pairs: Vec<(Value, Value)> = match a {
        [Value::Array(kv)] => {
            let dims = kv.dims();
            let items = kv.items();
            match dims.len() {
                0 => Vec::new(),
                1 if items.len() % 2 != 0 => {
                    return Err(err("array must have even number of elements"))
                }
                1 => items
                    .chunks(2)
                    .map(|c| (c[0].clone(), c[1].clone()))
                    .collect(),
                2 if dims[1].len != 2 => return Err(err("array must have two columns")),
                2 => items
                    .chunks(2)
                    .map(|c| (c[0].clone(), c[1].clone()))
                    .collect(),
                _ => return Err(err("wrong number of array subscripts")),
            }
        }
        [Value::Array(k), Value::Array(v)] => {
            if k.ndims() > 1 || v.ndims() > 1 {
                return Err(err("wrong number of array subscripts"));
            }
            if k.items().len() != v.items().len() {
                return Err(err("mismatched array dimensions"));
            }
            k.items()
                .iter()
                .cloned()
                .zip(v.items().iter().cloned())
                .collect()
        }
        _ => return Ok(Json::Null),
    };
    let mut fields = Vec::with_capacity(pairs.len());
    for (k, v) in pairs {
        let Some(k) = text(&k) else {
            return Err(SqlError::new(
                SqlState::NULL_VALUE_NOT_ALLOWED,
                "null value not allowed for object key",
            ));
        };
        fields.push((k, text(&v).map_or(Json::Null, Json::String)));
    }
    Ok(Json::Object(fields))
}

/// json_object's text: `{"a" : "1", "b" : null}` (PostgreSQL's spacing).
fn json_object_text(j: &Json) -> String {
    let mut out = String::from("{");
    if let Json::Object(fields) = j {
        for (i, (k, v)) in fields.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            escape(k, &mut out);
            out.push_str(" : ");
            match v {
                Json::String(s) => escape(s, &mut out),
                _ => out.push_str("null"),
            }
        }
    }
    out.push('}');
    out
}

/// jsonb_delete(jsonb, key).
fn delete_one(a: &[Value]) -> Result<Value> {
    Ok(out(&delete_key(tree(&a[0])?, &arg!(a, 1, Text))))
}

/// The function forms of jsonb's operators, and the object builders
/// from arrays.
static JSONB_FUNCTIONS: &[FuncDef] = &[
    f("jsonb_contains", &[Jsonb, Jsonb], Bool, |a, _| {
        json_bool(a, |x, y| x.contains(y))
    }),
    f("jsonb_contained", &[Jsonb, Jsonb], Bool, |a, _| {
        json_bool(a, |x, y| y.contains(x))
    }),
    f("jsonb_exists", &[Jsonb, Text], Bool, |a, _| {
        Ok(Value::Bool(exists(&tree(&a[0])?, &arg!(a, 1, Text))))
    }),
    f("jsonb_exists_any", &[Jsonb, Array(&Text)], Bool, |a, _| {
        let j = tree(&a[0])?;
        Ok(Value::Bool(path_of(&a[1]).iter().any(|k| exists(&j, k))))
    }),
    f("jsonb_exists_all", &[Jsonb, Array(&Text)], Bool, |a, _| {
        let j = tree(&a[0])?;
        Ok(Value::Bool(path_of(&a[1]).iter().all(|k| exists(&j, k))))
    }),
    f("jsonb_delete", &[Jsonb, Text], Jsonb, |a, _| delete_one(a)),
    f("jsonb_delete", &[Jsonb, Array(&Text)], Jsonb, |a, _| {
        let mut j = tree(&a[0])?;
        for k in path_of(&a[1]) {
            j = delete_key(j, &k);
        }
        Ok(out(&j))
    }),
    f(
        "jsonb_delete_path",
        &[Jsonb, Array(&Text)],
        Jsonb,
        |a, _| {
            let mut j = tree(&a[0])?;
            let path = path_of(&a[1]);
            if let Some((last, parent)) = path.split_last() {
                remove_at(&mut j, parent, last);
            }
            Ok(out(&j))
        },
    ),
    f("json_strip_nulls", &[Json], Json, |a, _| {
        let mut s = String::new();
        compact(&tree(&a[0])?.strip_nulls(), &mut s);
        Ok(Value::Text(s))
    }),
    f("json_extract_path", &[Json, Array(&Text)], Json, |a, _| {
        raw_access(a, false)
    }),
    f(
        "json_extract_path_text",
        &[Json, Array(&Text)],
        Text,
        |a, _| raw_access(a, true),
    ),
    non_strict(f(
        "jsonb_set_lax",
        &[Jsonb, Array(&Text), Jsonb, Bool, Text],
        Jsonb,
        jsonb_set_lax,
    )),
    f("jsonb_concat", &[Jsonb, Jsonb], Jsonb, |a, _| {
        Ok(out(&concat(tree(&a[0])?, tree(&a[1])?)))
    }),
    f("json_object", &[Array(&Text)], Json, |a, _| {
        Ok(Value::Text(json_object_text(&object_from_arrays(a)?)))
    }),
    f(
        "json_object",
        &[Array(&Text), Array(&Text)],
        Json,
        |a, _| Ok(Value::Text(json_object_text(&object_from_arrays(a)?))),
    ),
    f("jsonb_object", &[Array(&Text)], Jsonb, |a, _| {
        Ok(out(&object_from_arrays(a)?.canonical()))
    }),
    f(
        "jsonb_object",
        &[Array(&Text), Array(&Text)],
        Jsonb,
        |a, _| Ok(out(&object_from_arrays(a)?.canonical())),
    ),
];

/// Operators and functions.
pub(super) static OPERATORS: &[&[FuncDef]] = &[
    &JSON_ACCESS,
    &JSONB_ACCESS,
    JSONB_OPERATORS,
    JSONB_FUNCTIONS,
];

/// jsonb's sort order (PostgreSQL's compareJsonbContainers): Object >
/// Array > Boolean > Number > String > Null; more pairs or elements sort
/// higher, equal counts compare item by item; numbers numerically.
fn cmp(a: &Json, b: &Json) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    fn rank(j: &Json) -> u8 {
        match j {
            Json::Null => 0,
            Json::String(_) => 1,
            Json::Number(_) => 2,
            Json::Bool(_) => 3,
            Json::Array(_) => 4,
            Json::Object(_) => 5,
        }
    }
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => match (Numeric::parse(x), Numeric::parse(y)) {
            (Ok(x), Ok(y)) => x.cmp(&y),
            _ => x.cmp(y),
        },
        (Json::String(x), Json::String(y)) => x.cmp(y),
        (Json::Bool(x), Json::Bool(y)) => x.cmp(y),
        (Json::Array(x), Json::Array(y)) => x.len().cmp(&y.len()).then_with(|| {
            x.iter()
                .zip(y)
                .map(|(p, q)| cmp(p, q))
                .find(|o| *o != Ordering::Equal)
                .unwrap_or(Ordering::Equal)
        }),
        (Json::Object(x), Json::Object(y)) => x.len().cmp(&y.len()).then_with(|| {
            x.iter()
                .zip(y)
                .map(|((kx, vx), (ky, vy))| {
                    (kx.len(), kx.as_bytes())
                        .cmp(&(ky.len(), ky.as_bytes()))
                        .then_with(|| cmp(vx, vy))
                })
                .find(|o| *o != Ordering::Equal)
                .unwrap_or(Ordering::Equal)
        }),
        _ => rank(a).cmp(&rank(b)),
    }
}

fn ordered(a: &[Value], f: impl Fn(std::cmp::Ordering) -> bool) -> Result<Value> {
    Ok(Value::Bool(f(cmp(&tree(&a[0])?, &tree(&a[1])?))))
}

static JSONB_OPERATORS: &[FuncDef] = &[
    json_op!("<", Jsonb, Jsonb, Bool, |a, _| ordered(a, |o| o.is_lt())),
    json_op!("<=", Jsonb, Jsonb, Bool, |a, _| ordered(a, |o| o.is_le())),
    json_op!(">", Jsonb, Jsonb, Bool, |a, _| ordered(a, |o| o.is_gt())),
    json_op!(">=", Jsonb, Jsonb, Bool, |a, _| ordered(a, |o| o.is_ge())),
    json_op!("=", Jsonb, Jsonb, Bool, |a, _| Ok(Value::Bool(
        a[0] == a[1]
    ))),
    json_op!("<>", Jsonb, Jsonb, Bool, |a, _| Ok(Value::Bool(
        a[0] != a[1]
    ))),
    json_op!("@>", Jsonb, Jsonb, Bool, |a, _| json_bool(a, |x, y| x
        .contains(y))),
    json_op!("<@", Jsonb, Jsonb, Bool, |a, _| json_bool(a, |x, y| y
        .contains(x))),
    json_op!("?", Jsonb, Text, Bool, |a, _| {
        Ok(Value::Bool(exists(&tree(&a[0])?, &arg!(a, 1, Text))))
    }),
    json_op!("?|", Jsonb, Array(&Text), Bool, |a, _| {
        let j = tree(&a[0])?;
        Ok(Value::Bool(path_of(&a[1]).iter().any(|k| exists(&j, k))))
    }),
    json_op!("?&", Jsonb, Array(&Text), Bool, |a, _| {
        let j = tree(&a[0])?;
        Ok(Value::Bool(path_of(&a[1]).iter().all(|k| exists(&j, k))))
    }),
    json_op!("||", Jsonb, Jsonb, Jsonb, |a, _| {
        Ok(out(&concat(tree(&a[0])?, tree(&a[1])?)))
    }),
    json_op!("-", Jsonb, Text, Jsonb, |a, _| {
        Ok(out(&delete_key(tree(&a[0])?, &arg!(a, 1, Text))))
    }),
    json_op!("-", Jsonb, Int4, Jsonb, |a, _| {
        let j = tree(&a[0])?;
        let Json::Array(mut items) = j else {
            return Err(SqlError::new(
                SqlState::INVALID_PARAMETER_VALUE,
                "cannot delete from scalar",
            ));
        };
        let i = i64::from(arg!(a, 1, Int4));
        let len = items.len() as i64;
        let idx = if i < 0 { len + i } else { i };
        if (0..len).contains(&idx) {
            items.remove(idx as usize);
        }
        Ok(out(&Json::Array(items)))
    }),
    json_op!("-", Jsonb, Array(&Text), Jsonb, |a, _| {
        let mut j = tree(&a[0])?;
        for k in path_of(&a[1]) {
            j = delete_key(j, &k);
        }
        Ok(out(&j))
    }),
    json_op!("#-", Jsonb, Array(&Text), Jsonb, |a, _| {
        let mut j = tree(&a[0])?;
        let path = path_of(&a[1]);
        if let Some((last, parent)) = path.split_last() {
            remove_at(&mut j, parent, last);
        }
        Ok(out(&j))
    }),
    f("jsonb_typeof", &[Jsonb], Text, |a, _| {
        Ok(Value::Text(tree(&a[0])?.type_name().into()))
    }),
    f("json_typeof", &[Json], Text, |a, _| {
        Ok(Value::Text(tree(&a[0])?.type_name().into()))
    }),
    f("jsonb_array_length", &[Jsonb], Int4, array_length),
    f("json_array_length", &[Json], Int4, array_length),
    f("jsonb_strip_nulls", &[Jsonb], Jsonb, |a, _| {
        Ok(out(&tree(&a[0])?.strip_nulls()))
    }),
    f("jsonb_pretty", &[Jsonb], Text, |a, _| {
        let mut s = String::new();
        tree(&a[0])?.pretty(0, &mut s);
        Ok(Value::Text(s))
    }),
    f("jsonb_set", &[Jsonb, Array(&Text), Jsonb], Jsonb, |a, _| {
        jsonb_set(a, true)
    }),
    f(
        "jsonb_insert",
        &[Jsonb, Array(&Text), Jsonb],
        Jsonb,
        |a, _| jsonb_insert(a, false),
    ),
    f(
        "jsonb_insert",
        &[Jsonb, Array(&Text), Jsonb, Bool],
        Jsonb,
        |a, _| jsonb_insert(a, arg!(a, 3, Bool)),
    ),
    f(
        "jsonb_set",
        &[Jsonb, Array(&Text), Jsonb, Bool],
        Jsonb,
        |a, _| {
            let create = arg!(a, 3, Bool);
            jsonb_set(a, create)
        },
    ),
    f(
        "jsonb_extract_path_text",
        &[Jsonb, Array(&Text)],
        Text,
        |a, _| {
            let j = tree(&a[0])?;
            Ok(opt_text(walk(&j, &path_of(&a[1])).cloned()))
        },
    ),
    f(
        "jsonb_extract_path",
        &[Jsonb, Array(&Text)],
        Jsonb,
        |a, _| {
            let j = tree(&a[0])?;
            Ok(opt(walk(&j, &path_of(&a[1])).cloned()))
        },
    ),
    f(
        "jsonb_object_keys_array",
        &[Jsonb],
        Array(&Text),
        |a, _| match tree(&a[0])? {
            Json::Object(f) => Ok(Value::Array(ArrayRef::new(
                f.into_iter().map(|(k, _)| Value::Text(k)).collect(),
            ))),
            other => Err(SqlError::new(
                SqlState::INVALID_PARAMETER_VALUE,
                format!("cannot call jsonb_object_keys on a {}", scalar_word(&other)),
            )),
        },
    ),
    f("json_object_keys_array", &[Json], Array(&Text), |a, _| {
        let Value::Text(raw) = &a[0] else {
            return Ok(Value::Null);
        };
        match super::jsonraw::parts(raw) {
            Some((true, members)) => Ok(Value::Array(ArrayRef::new(
                members
                    .into_iter()
                    .filter_map(|(k, _)| k.map(Value::Text))
                    .collect(),
            ))),
            found => Err(SqlError::new(
                SqlState::INVALID_PARAMETER_VALUE,
                format!(
                    "cannot call json_object_keys on {}",
                    if found.is_some() {
                        "an array"
                    } else {
                        "a scalar"
                    }
                ),
            )),
        }
    }),
    f("jsonb_each_keys", &[Jsonb], Array(&Text), |a, _| {
        each(a, "jsonb_each", Part::Keys)
    }),
    f("jsonb_each_values", &[Jsonb], Array(&Jsonb), |a, _| {
        each(a, "jsonb_each", Part::Values)
    }),
    f("jsonb_each_text_values", &[Jsonb], Array(&Text), |a, _| {
        each(a, "jsonb_each_text", Part::Texts)
    }),
    f(
        "pg_each_records",
        &[Array(&Text), AnyArray],
        Array(&Record),
        |a, _| {
            let (Value::Array(keys), Value::Array(values)) = (&a[0], &a[1]) else {
                return Ok(Value::Null);
            };
            let names: std::sync::Arc<[String]> = vec!["key".to_owned(), "value".to_owned()].into();
            Ok(Value::Array(ArrayRef::new(
                keys.items()
                    .iter()
                    .zip(values.items())
                    .map(|(k, v)| {
                        Value::Record(ArrayRef::record(names.clone(), vec![k.clone(), v.clone()]))
                    })
                    .collect(),
            )))
        },
    ),
    f("json_each_keys", &[Json], Array(&Text), |a, _| {
        each(a, "json_each", Part::Keys)
    }),
    f("json_each_values", &[Json], Array(&Json), |a, _| {
        raw_each(a, false)
    }),
    f("json_each_text_values", &[Json], Array(&Text), |a, _| {
        raw_each(a, true)
    }),
    f(
        "jsonb_array_elements_array",
        &[Jsonb],
        Array(&Jsonb),
        |a, _| elements(a, false),
    ),
    f(
        "jsonb_array_elements_text_array",
        &[Jsonb],
        Array(&Text),
        |a, _| elements(a, true),
    ),
    f(
        "json_array_elements_array",
        &[Json],
        Array(&Json),
        |a, _| raw_elements(a, false),
    ),
    f(
        "json_array_elements_text_array",
        &[Json],
        Array(&Text),
        |a, _| raw_elements(a, true),
    ),
    stable(f("to_jsonb", &[AnyElement], Jsonb, |a, ctx| {
        to_json_value(&a[0], Text, true, ctx.style())
    })),
    stable(f("to_jsonb", &[Jsonb], Jsonb, |a, ctx| {
        to_json_value(&a[0], Jsonb, true, ctx.style())
    })),
    stable(f("to_jsonb", &[Json], Jsonb, |a, ctx| {
        to_json_value(&a[0], Json, true, ctx.style())
    })),
    stable(f("array_to_json", &[AnyArray], Json, |a, ctx| {
        Ok(Value::Text(compact_json(&a[0], ctx.style())))
    })),
    stable(f("array_to_json", &[AnyArray, Bool], Json, |a, ctx| {
        let text = compact_json(&a[0], ctx.style());
        Ok(Value::Text(if a[1] == Value::Bool(true) {
            pretty_fields(&text)
        } else {
            text
        }))
    })),
    stable(f("row_to_json", &[Record], Json, |a, ctx| {
        Ok(Value::Text(compact_json(&a[0], ctx.style())))
    })),
    stable(f("row_to_json", &[Record, Bool], Json, |a, ctx| {
        let text = compact_json(&a[0], ctx.style());
        // Pretty: one field per line.
        Ok(Value::Text(if a[1] == Value::Bool(true) {
            pretty_fields(&text)
        } else {
            text
        }))
    })),
    stable(f("to_json", &[AnyElement], Json, |a, ctx| {
        to_json_value(&a[0], Text, false, ctx.style())
    })),
    stable(f("to_json", &[Jsonb], Json, |a, _| Ok(a[0].clone()))),
    stable(f("to_json", &[Json], Json, |a, _| Ok(a[0].clone()))),
];

/// What [`each`] takes of an object's fields.
enum Part {
    Keys,
    Values,
    Texts,
}

/// The keys or values of a JSON object, in its order (jsonb_each and
/// json_each zip the two).
fn each(a: &[Value], func: &str, part: Part) -> Result<Value> {
    let fields = match tree(&a[0])? {
        Json::Object(f) => f,
        other => {
            let message = if func.starts_with("jsonb") {
                format!("cannot call {func} on a non-object")
            } else if matches!(other, Json::Array(_)) {
                "cannot deconstruct an array as an object".into()
            } else {
                "cannot deconstruct a scalar".into()
            };
            return Err(SqlError::new(SqlState::INVALID_PARAMETER_VALUE, message));
        }
    };
    Ok(Value::Array(ArrayRef::new(
        fields
            .into_iter()
            .map(|(k, v)| match part {
                Part::Keys => Value::Text(k),
                Part::Values => out(&v),
                Part::Texts => v.as_text(),
            })
            .collect(),
    )))
}

/// A JSON string token (`"a\"b"`) decoded.
pub(super) fn string_token(raw: &str) -> Option<String> {
    match tree(&Value::Text(raw.to_owned())) {
        Ok(Json::String(s)) => Some(s),
        _ => None,
    }
}

/// The sub-value as the json function returns it: its own text, or
/// for the `_text` forms the text ->> gives.
fn raw_value(raw: &str, text: bool) -> Value {
    if text {
        super::jsonraw::as_text(raw).map_or(Value::Null, Value::Text)
    } else {
        Value::Text(raw.to_owned())
    }
}

/// json_each(_text)'s values, each as written (the keys and the errors
/// come from [`each`]).
fn raw_each(a: &[Value], text: bool) -> Result<Value> {
    let Value::Text(s) = &a[0] else {
        return Ok(Value::Null);
    };
    match super::jsonraw::parts(s) {
        Some((true, members)) => Ok(Value::Array(ArrayRef::new(
            members
                .into_iter()
                .map(|(_, v)| raw_value(v, text))
                .collect(),
        ))),
        _ => each(a, "json_each", Part::Values),
    }
}

/// json_array_elements(_text), each element as written.
fn raw_elements(a: &[Value], text: bool) -> Result<Value> {
    let Value::Text(s) = &a[0] else {
        return Ok(Value::Null);
    };
    match super::jsonraw::parts(s) {
        Some((false, items)) => Ok(Value::Array(ArrayRef::new(
            items.into_iter().map(|(_, v)| raw_value(v, text)).collect(),
        ))),
        _ => elements(a, text),
    }
}

/// json's `->`, `->>`, `#>`, `#>>`: the sub-value's own text.
fn raw_access(a: &[Value], text: bool) -> Result<Value> {
    let Value::Text(s) = &a[0] else {
        return Ok(Value::Null);
    };
    // A malformed json value fails as jsonb's parser words it.
    tree(&a[0])?;
    let found = match &a[1] {
        Value::Text(k) => super::jsonraw::field(s, k),
        Value::Int4(n) => super::jsonraw::element(s, i64::from(*n)),
        Value::Array(_) => super::jsonraw::path(s, &path_of(&a[1])),
        _ => None,
    };
    Ok(found.map_or(Value::Null, |raw| raw_value(raw, text)))
}

fn scalar_word(j: &Json) -> &'static str {
    match j {
        Json::Array(_) => "array",
        _ => "scalar",
    }
}

fn elements(a: &[Value], text: bool) -> Result<Value> {
    match tree(&a[0])? {
        Json::Array(items) => Ok(Value::Array(ArrayRef::new(
            items
                .into_iter()
                .map(|j| if text { j.as_text() } else { out(&j) })
                .collect(),
        ))),
        other => Err(SqlError::new(
            SqlState::INVALID_PARAMETER_VALUE,
            format!(
                "cannot extract elements from {}",
                if matches!(other, Json::Object(_)) {
                    "an object"
                } else {
                    "a scalar"
                }
            ),
        )),
    }
}

fn array_length(a: &[Value], _: &mut crate::expr::EvalCtx<'_>) -> Result<Value> {
    match tree(&a[0])? {
        Json::Array(items) => Ok(Value::Int4(items.len() as i32)),
        other => Err(SqlError::new(
            SqlState::INVALID_PARAMETER_VALUE,
            format!(
                "cannot get array length of {}",
                if matches!(other, Json::Object(_)) {
                    "a non-array"
                } else {
                    "a scalar"
                }
            ),
        )),
    }
}

fn jsonb_set(a: &[Value], create: bool) -> Result<Value> {
    let mut j = tree(&a[0])?;
    let new = tree(&a[2])?;
    if !matches!(j, Json::Object(_) | Json::Array(_)) {
        return Err(SqlError::new(
            SqlState::INVALID_PARAMETER_VALUE,
            "cannot set path in scalar",
        ));
    }
    let empty = match &j {
        Json::Object(f) => f.is_empty(),
        Json::Array(items) => items.is_empty(),
        _ => false,
    };
    if empty && !create {
        return Ok(out(&j));
    }
    set_path(&mut j, &path_of(&a[1]), new, create)?;
    Ok(out(&j))
}

/// jsonb_set_lax(target, path, new, create_if_missing,
/// null_value_treatment): jsonb_set, with an SQL NULL new value handled
/// as the treatment says (use_json_null, delete_key, return_target,
/// raise_exception).
fn jsonb_set_lax(a: &[Value], _: &mut crate::expr::EvalCtx<'_>) -> Result<Value> {
    let strict_null = a[0].is_null() || a[1].is_null() || a[3].is_null();
    if !a[2].is_null() {
        if strict_null {
            return Ok(Value::Null);
        }
        return jsonb_set(a, arg!(a, 3, Bool));
    }
    let bad_mode = || {
        SqlError::new(
            SqlState::INVALID_PARAMETER_VALUE,
            "null_value_treatment must be \"delete_key\", \"return_target\", \"use_json_null\", or \"raise_exception\"",
        )
    };
    let Value::Text(mode) = &a[4] else {
        return Err(bad_mode());
    };
    match mode.as_str() {
        "raise_exception" => Err(SqlError::new(
            SqlState::NULL_VALUE_NOT_ALLOWED,
            "JSON value must not be null",
        )
        .with_detail("Exception was raised because null_value_treatment is \"raise_exception\".")
        .with_hint("To avoid, either change the null_value_treatment argument or ensure that an SQL NULL is not passed.")),
        "use_json_null" if strict_null => Ok(Value::Null),
        "use_json_null" => {
            let mut args = a.to_vec();
            args[2] = Value::Text("null".into());
            jsonb_set(&args, arg!(a, 3, Bool))
        }
        "delete_key" if a[0].is_null() || a[1].is_null() => Ok(Value::Null),
        "delete_key" => {
            let mut j = tree(&a[0])?;
            let path = path_of(&a[1]);
            if let Some((last, parent)) = path.split_last() {
                remove_at(&mut j, parent, last);
            }
            Ok(out(&j))
        }
        "return_target" => Ok(a[0].clone()),
        _ => Err(bad_mode()),
    }
}

/// jsonb_insert(target, path, new [, insert_after]): into an array
/// before (or after) the element the path names, or as a new key of an
/// object (22023 when the key exists).
fn jsonb_insert(a: &[Value], after: bool) -> Result<Value> {
    let mut j = tree(&a[0])?;
    let new = tree(&a[2])?;
    let path = path_of(&a[1]);
    let Some((last, parent)) = path.split_last() else {
        return Ok(out(&j));
    };
    let Some(cur) = walk_mut(&mut j, parent) else {
        return Ok(out(&j));
    };
    match cur {
        Json::Object(fields) => {
            if fields.iter().any(|(k, _)| k == last) {
                return Err(SqlError::new(
                    SqlState::INVALID_PARAMETER_VALUE,
                    "cannot replace existing key",
                )
                .with_hint("Try using the function jsonb_set to replace key value."));
            }
            fields.push((last.clone(), new));
            let taken = std::mem::take(fields);
            *cur = Json::Object(taken).canonical();
        }
        Json::Array(items) => {
            let Ok(i) = last.trim().parse::<i64>() else {
                return Err(SqlError::new(
                    SqlState::INVALID_TEXT_REPRESENTATION,
                    format!(
                        "path element at position {} is not an integer: \"{last}\"",
                        path.len()
                    ),
                ));
            };
            let len = items.len() as i64;
            let idx = if i < 0 { len + i } else { i };
            let at = (if after { idx + 1 } else { idx }).clamp(0, len);
            items.insert(at as usize, new);
        }
        _ => {}
    }
    Ok(out(&j))
}

/// The value at `path` (keys, or array indexes counting from the end
/// when negative), for changing it in place.
fn walk_mut<'j>(j: &'j mut Json, path: &[String]) -> Option<&'j mut Json> {
    path.iter().try_fold(j, |cur, k| match cur {
        Json::Object(f) => f.iter_mut().find(|(x, _)| x == k).map(|(_, v)| v),
        Json::Array(items) => {
            let len = items.len() as i64;
            k.parse::<i64>()
                .ok()
                .map(|i| if i < 0 { len + i } else { i })
                .and_then(|i| usize::try_from(i).ok())
                .and_then(|i| items.get_mut(i))
        }
        _ => None,
    })
}

fn remove_at(j: &mut Json, parent: &[String], last: &str) {
    let Some(cur) = walk_mut(j, parent) else {
        return;
    };
    match cur {
        Json::Object(f) => f.retain(|(k, _)| k != last),
        Json::Array(items) => {
            if let Ok(i) = last.parse::<i64>() {
                let len = items.len() as i64;
                let i = if i < 0 { len + i } else { i };
                if (0..len).contains(&i) {
                    items.remove(i as usize);
                }
            }
        }
        _ => {}
    }
}

/// to_jsonb / to_json of a value of type `ty`.
pub fn to_json_value(v: &Value, ty: DataType, jsonb: bool, style: &OutputStyle) -> Result<Value> {
    if jsonb {
        return Ok(out(&to_jsonb(v, ty, style)?));
    }
    // (to_json of json or jsonb is the value itself: bound apart.)
    let mut s = String::new();
    compact(&from_value(v, style), &mut s);
    Ok(Value::Text(s))
}

/// row_to_json(r, true): the top-level fields on lines of their own.
fn pretty_fields(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let (mut depth, mut in_string, mut escaped) = (0, false, false);
    for c in text.chars() {
        out.push(c);
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' | '[' => depth += 1,
            '}' | ']' => depth -= 1,
            ',' if depth == 1 => out.push_str("\n "),
            _ => {}
        }
    }
    out
}

/// The json text of a value as to_json and row_to_json print it.
pub(super) fn compact_json(v: &Value, style: &OutputStyle) -> String {
    let mut s = String::new();
    compact(&from_value(v, style), &mut s);
    s
}

/// json's own layout for to_json: no spaces (`[1,2]`, `{"a":1}`).
fn compact(j: &Json, out: &mut String) {
    match j {
        Json::Array(items) => {
            out.push('[');
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                compact(x, out);
            }
            out.push(']');
        }
        Json::Object(fields) => {
            out.push('{');
            for (i, (k, v)) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                escape(k, out);
                out.push(':');
                compact(v, out);
            }
            out.push('}');
        }
        other => other.write(out),
    }
}

/// jsonb_build_object (VARIADIC "any", bound by
/// [`super::variadic_call`]).
pub(super) static BUILD_OBJECT: FuncDef =
    non_strict(f("jsonb_build_object", &[], Jsonb, |a, ctx| {
        let (flags, a) = super::json::json_flags(a);
        super::json::check_pairs("jsonb_build_object", a.len())?;
        let mut fields = Vec::new();
        for pair in a.chunks(2) {
            super::json::check_key(
                &pair[0],
                flags.get(fields.len() * 2).copied().unwrap_or(false),
            )?;
            if pair[0].is_null() {
                return Err(SqlError::new(
                    SqlState::INVALID_PARAMETER_VALUE,
                    format!("argument {}: key must not be null", fields.len() * 2 + 1),
                ));
            }
            let k = pair[0].to_text(ctx.style()).unwrap_or_default();
            let is_json = flags.get(fields.len() * 2 + 1).copied().unwrap_or(false);
            fields.push((k, json_arg(&pair[1], is_json, ctx.style())?));
        }
        Ok(out(&Json::Object(fields).canonical()))
    }));

/// jsonb_build_array (VARIADIC "any").
pub(super) static BUILD_ARRAY: FuncDef =
    non_strict(f("jsonb_build_array", &[], Jsonb, |a, ctx| {
        let (flags, a) = super::json::json_flags(a);
        let mut items = Vec::with_capacity(a.len());
        for (i, v) in a.iter().enumerate() {
            items.push(json_arg(
                v,
                flags.get(i).copied().unwrap_or(false),
                ctx.style(),
            )?);
        }
        Ok(out(&Json::Array(items).canonical()))
    }));

/// One argument of jsonb_build_*: JSON parsed, anything else converted.
fn json_arg(v: &Value, is_json: bool, style: &OutputStyle) -> Result<Json> {
    if is_json && !v.is_null() {
        return tree(v);
    }
    Ok(from_value(v, style))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(s: &str) -> String {
        input(s, Jsonb).unwrap()
    }

    #[test]
    fn jsonb_is_canonical() {
        assert_eq!(
            canon(r#"{"b":1, "a":[1,2], "aa": 1e2, "a": 1.50}"#),
            r#"{"a": 1.50, "b": 1, "aa": 100}"#
        );
        assert_eq!(canon("  [ ]"), "[]");
        assert_eq!(canon(r#""\u00e9\n""#), "\"é\\n\"");
    }

    #[test]
    fn errors_are_postgres_ones() {
        let e = input("{\"a\":}", Jsonb).unwrap_err();
        assert_eq!(
            e.report().detail.as_deref(),
            Some("Token \"}\" is invalid.")
        );
        let e = input("[1,", Json).unwrap_err();
        assert_eq!(
            e.report().detail.as_deref(),
            Some("The input string ended unexpectedly.")
        );
    }

    #[test]
    fn containment() {
        let a = parse(r#"{"a":1,"b":[1,2,{"c":3}]}"#, Jsonb).unwrap();
        let b = parse(r#"{"b":[{"c":3}]}"#, Jsonb).unwrap();
        assert!(a.contains(&b));
        assert!(!b.contains(&a));
    }
}
