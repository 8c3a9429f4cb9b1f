//! SQL/JSON path language (PostgreSQL's jsonpath): the parser of its
//! grammar (jsonpath_gram.y) and the executor of jsonpath_exec.c in lax
//! and strict mode — accessors (`.key`, `.*`, `[i]`, `[a to b]`, `[*]`,
//! `.**{m to n}`), filters `? (...)`, arithmetic, comparisons with SQL/JSON's
//! three-valued logic, `exists`, `like_regex`, `starts with`, `is
//! unknown`, variables `$name` and the item methods type(), size(),
//! double(), ceiling(), floor(), abs() and keyvalue(). Used by
//! jsonb_path_exists / _match / _query / _query_array / _query_first and
//! the `@?` and `@@` operators.

use super::jsonb::{self, out, tree, Json};
use super::{f, FuncDef};
use crate::error::{Result, SqlError, SqlState};
use crate::types::DataType::*;
use crate::value::{ArrayRef, Numeric, Value};

/// Deepest nesting a path may have (PostgreSQL's parser has the stack
/// check; this bound keeps the recursive descent safe).
const MAX_DEPTH: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Arith {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

impl Arith {
    fn symbol(self) -> &'static str {
        match self {
            Arith::Add => "+",
            Arith::Sub => "-",
            Arith::Mul => "*",
            Arith::Div => "/",
            Arith::Mod => "%",
        }
    }
}

#[derive(Debug, Clone)]
enum Method {
    Type,
    Size,
    Double,
    Ceiling,
    Floor,
    Abs,
    KeyValue,
}

impl Method {
    fn name(&self) -> &'static str {
        match self {
            Method::Type => "type",
            Method::Size => "size",
            Method::Double => "double",
            Method::Ceiling => "ceiling",
            Method::Floor => "floor",
            Method::Abs => "abs",
            Method::KeyValue => "keyvalue",
        }
    }
}

/// One accessor after a primary.
#[derive(Debug, Clone)]
enum Step {
    Key(String),
    AnyKey,
    AnyIndex,
    /// `[i, j to k, ...]`.
    Index(Vec<(Node, Option<Node>)>),
    /// `.**{first to last}` (u32::MAX: last level).
    Any(u32, u32),
    Filter(Box<Node>),
    Method(Method),
}

/// A path expression or predicate.
#[derive(Debug, Clone)]
enum Node {
    Root,
    Current,
    Last,
    Var(String),
    Lit(Json),
    /// A primary (or parenthesized expression) and its accessors.
    Chain(Box<Node>, Vec<Step>),
    Arith(Arith, Box<Node>, Box<Node>),
    Neg(Box<Node>),
    Plus(Box<Node>),
    Cmp(Cmp, Box<Node>, Box<Node>),
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    Not(Box<Node>),
    IsUnknown(Box<Node>),
    Exists(Box<Node>),
    LikeRegex(Box<Node>, String, String),
    StartsWith(Box<Node>, Box<Node>),
}

impl Node {
    fn is_predicate(&self) -> bool {
        matches!(
            self,
            Node::Cmp(..)
                | Node::And(..)
                | Node::Or(..)
                | Node::Not(_)
                | Node::IsUnknown(_)
                | Node::Exists(_)
                | Node::LikeRegex(..)
                | Node::StartsWith(..)
        )
    }
}

/// A parsed path.
#[derive(Debug, Clone)]
pub struct JsonPath {
    strict: bool,
    expr: Node,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Dollar,
    At,
    Var(String),
    Str(String),
    Num(String),
    Word(String),
    Punct(&'static str),
    End,
}

fn syntax_error(near: &str) -> SqlError {
    SqlError::new(
        SqlState::SYNTAX_ERROR,
        if near.is_empty() {
            "syntax error at end of jsonpath input".to_owned()
        } else {
            format!("syntax error at or near \"{near}\" of jsonpath input")
        },
    )
}

fn lex(text: &str) -> Result<Vec<(Tok, String)>> {
    let c: Vec<char> = text.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    while i < c.len() {
        let ch = c[i];
        if ch.is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let tok = if ch == '$' {
            i += 1;
            if i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                let s = i;
                while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                    i += 1;
                }
                Tok::Var(c[s..i].iter().collect())
            } else if i < c.len() && c[i] == '"' {
                let (s, n) = string(&c, i)?;
                i = n;
                Tok::Var(s)
            } else {
                Tok::Dollar
            }
        } else if ch == '@' {
            i += 1;
            Tok::At
        } else if ch == '"' {
            let (s, n) = string(&c, i)?;
            i = n;
            Tok::Str(s)
        } else if ch.is_ascii_digit()
            || (ch == '.'
                && c.get(i + 1).is_some_and(|d| d.is_ascii_digit())
                && !after_accessor(&out))
        {
            while i < c.len() && c[i].is_ascii_digit() {
                i += 1;
            }
            if i < c.len() && c[i] == '.' && c.get(i + 1).is_some_and(|d| d.is_ascii_digit()) {
                i += 1;
                while i < c.len() && c[i].is_ascii_digit() {
                    i += 1;
                }
            } else if i < c.len()
                && c[i] == '.'
                && !c
                    .get(i + 1)
                    .is_some_and(|d| d.is_alphabetic() || *d == '*' || *d == '"' || *d == '$')
            {
                // `1.` is a number.
                i += 1;
            }
            if i < c.len() && (c[i] == 'e' || c[i] == 'E') {
                let save = i;
                i += 1;
                if i < c.len() && (c[i] == '+' || c[i] == '-') {
                    i += 1;
                }
                if i < c.len() && c[i].is_ascii_digit() {
                    while i < c.len() && c[i].is_ascii_digit() {
                        i += 1;
                    }
                } else {
                    i = save;
                }
            }
            if i < c.len() && (c[i].is_alphabetic() || c[i] == '_') {
                let bad: String = c[start..=i].iter().collect();
                return Err(SqlError::new(
                    SqlState::SYNTAX_ERROR,
                    format!("trailing junk after numeric literal at or near \"{bad}\" of jsonpath input"),
                ));
            }
            Tok::Num(c[start..i].iter().collect())
        } else if ch.is_alphabetic() || ch == '_' {
            // Escapes are read in unquoted names too.
            let mut w = String::new();
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_' || c[i] == '\\') {
                if c[i] == '\\' {
                    i = escape(&c, i, &mut w)?;
                } else {
                    w.push(c[i]);
                }
                i += 1;
            }
            Tok::Word(w)
        } else {
            let two: String = c[i..(i + 2).min(c.len())].iter().collect();
            let p: &'static str = match two.as_str() {
                "==" => "==",
                "!=" => "!=",
                "<>" => "<>",
                "<=" => "<=",
                ">=" => ">=",
                "&&" => "&&",
                "||" => "||",
                "**" => "**",
                _ => match ch {
                    '.' => ".",
                    '[' => "[",
                    ']' => "]",
                    '(' => "(",
                    ')' => ")",
                    '{' => "{",
                    '}' => "}",
                    ',' => ",",
                    '?' => "?",
                    '*' => "*",
                    '+' => "+",
                    '-' => "-",
                    '/' => "/",
                    '%' => "%",
                    '<' => "<",
                    '>' => ">",
                    '!' => "!",
                    '=' => "==",
                    _ => return Err(syntax_error(&ch.to_string())),
                },
            };
            i += if two.len() == 2 && p == two { 2 } else { 1 };
            Tok::Punct(p)
        };
        out.push((tok, c[start..i].iter().collect()));
    }
    out.push((Tok::End, String::new()));
    Ok(out)
}

/// After `.` a number is a key (`$.1` is not valid, but `.5` after an
/// accessor must not be read as a number).
fn after_accessor(out: &[(Tok, String)]) -> bool {
    matches!(out.last(), Some((Tok::Punct("."), _)))
}

/// The escape at `c[i]` (a backslash) decoded into `s`: `\n \t \r \b \f
/// \v`, `\uXXXX`, `\u{X...}`, `\xXX`, else the character itself; returns
/// the index of its last character.
fn escape(c: &[char], mut i: usize, s: &mut String) -> Result<usize> {
    i += 1;
    let e = *c.get(i).ok_or_else(|| syntax_error(""))?;
    let unicode_error = || {
        SqlError::new(
            SqlState::SYNTAX_ERROR,
            "invalid Unicode escape sequence at or near \"\\u\" of jsonpath input",
        )
    };
    match e {
        'n' => s.push('\n'),
        't' => s.push('\t'),
        'r' => s.push('\r'),
        'b' => s.push('\u{8}'),
        'f' => s.push('\u{c}'),
        'v' => s.push('\u{b}'),
        'u' if c.get(i + 1) == Some(&'{') => {
            let close = c[i + 2..]
                .iter()
                .position(|&ch| ch == '}')
                .ok_or_else(unicode_error)?;
            let hex: String = c[i + 2..i + 2 + close].iter().collect();
            if hex.is_empty() || hex.len() > 6 {
                return Err(unicode_error());
            }
            let code = u32::from_str_radix(&hex, 16).map_err(|_| unicode_error())?;
            s.push(char::from_u32(code).unwrap_or('\u{fffd}'));
            i += 2 + close;
        }
        'u' => {
            let hex: String = c.get(i + 1..i + 5).unwrap_or_default().iter().collect();
            let code = u32::from_str_radix(&hex, 16).map_err(|_| unicode_error())?;
            s.push(char::from_u32(code).unwrap_or('\u{fffd}'));
            i += 4;
        }
        'x' => {
            let hex: String = c.get(i + 1..i + 3).unwrap_or_default().iter().collect();
            let code = u32::from_str_radix(&hex, 16).map_err(|_| syntax_error("\\x"))?;
            s.push(char::from_u32(code).unwrap_or('\u{fffd}'));
            i += 2;
        }
        other => s.push(other),
    }
    Ok(i)
}

/// A double-quoted string with JSON escapes; returns it and the index
/// after the closing quote.
fn string(c: &[char], mut i: usize) -> Result<(String, usize)> {
    i += 1;
    let mut s = String::new();
    while i < c.len() {
        match c[i] {
            '"' => return Ok((s, i + 1)),
            '\\' => {
                i = escape(c, i, &mut s)?;
            }
            ch => s.push(ch),
        }
        i += 1;
    }
    Err(SqlError::new(
        SqlState::SYNTAX_ERROR,
        "unterminated quoted string at end of jsonpath input",
    ))
}

struct Parser {
    toks: Vec<(Tok, String)>,
    pos: usize,
    depth: usize,
    /// Binary operators read so far: each may deepen the tree by one,
    /// which evaluation and drop walk recursively.
    binary: usize,
}

/// The most binary operators a path may hold.
const MAX_BINARY: usize = 10_000;

impl Parser {
    fn peek(&self) -> &Tok {
        &self.toks[self.pos].0
    }
    fn text(&self) -> &str {
        &self.toks[self.pos].1
    }
    fn next(&mut self) -> Tok {
        let t = self.toks[self.pos].0.clone();
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
        t
    }
    /// Counts one more binary operator (54001 past [`MAX_BINARY`]).
    fn binary_op(&mut self) -> Result<()> {
        self.binary += 1;
        if self.binary > MAX_BINARY {
            return Err(crate::stack::too_deep());
        }
        Ok(())
    }

    fn is(&self, p: &str) -> bool {
        matches!(self.peek(), Tok::Punct(q) if *q == p)
    }
    fn is_word(&self, w: &str) -> bool {
        matches!(self.peek(), Tok::Word(x) if x.eq_ignore_ascii_case(w))
    }
    fn expect(&mut self, p: &str) -> Result<()> {
        if self.is(p) {
            self.next();
            Ok(())
        } else {
            Err(syntax_error(self.text()))
        }
    }
    fn deeper(&mut self) -> Result<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(crate::stack::too_deep());
        }
        crate::stack::check()
    }

    /// or_expr: and ( '||' and )*
    fn or(&mut self) -> Result<Node> {
        let mut l = self.and()?;
        while self.is("||") {
            self.next();
            self.binary_op()?;
            let r = self.and()?;
            l = Node::Or(Box::new(l), Box::new(r));
        }
        Ok(l)
    }

    fn and(&mut self) -> Result<Node> {
        let mut l = self.not()?;
        while self.is("&&") {
            self.next();
            self.binary_op()?;
            let r = self.not()?;
            l = Node::And(Box::new(l), Box::new(r));
        }
        Ok(l)
    }

    fn not(&mut self) -> Result<Node> {
        if self.is("!") {
            self.next();
            self.deeper()?;
            let inner = self.not()?;
            self.depth -= 1;
            return Ok(Node::Not(Box::new(inner)));
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Node> {
        let l = self.additive()?;
        let op = match self.peek() {
            Tok::Punct("==") => Some(Cmp::Eq),
            Tok::Punct("!=") | Tok::Punct("<>") => Some(Cmp::Ne),
            Tok::Punct("<") => Some(Cmp::Lt),
            Tok::Punct("<=") => Some(Cmp::Le),
            Tok::Punct(">") => Some(Cmp::Gt),
            Tok::Punct(">=") => Some(Cmp::Ge),
            _ => None,
        };
        if let Some(op) = op {
            self.next();
            let r = self.additive()?;
            return Ok(Node::Cmp(op, Box::new(l), Box::new(r)));
        }
        if self.is_word("starts") {
            self.next();
            if !self.is_word("with") {
                return Err(syntax_error(self.text()));
            }
            self.next();
            let seen = self.text().to_owned();
            let r = match self.next() {
                Tok::Str(s) => Node::Lit(Json::String(s)),
                Tok::Var(v) => Node::Var(v),
                _ => return Err(syntax_error(&seen)),
            };
            return Ok(Node::StartsWith(Box::new(l), Box::new(r)));
        }
        if self.is_word("like_regex") {
            self.next();
            let seen = self.text().to_owned();
            let Tok::Str(pattern) = self.next() else {
                return Err(syntax_error(&seen));
            };
            let mut flags = String::new();
            if self.is_word("flag") {
                self.next();
                let seen = self.text().to_owned();
                let Tok::Str(fl) = self.next() else {
                    return Err(syntax_error(&seen));
                };
                for ch in fl.chars() {
                    if !"ismxq".contains(ch) {
                        return Err(SqlError::new(
                            SqlState::SYNTAX_ERROR,
                            "invalid input syntax for type jsonpath",
                        )
                        .with_detail(format!(
                            "Unrecognized flag character \"{ch}\" in LIKE_REGEX predicate."
                        )));
                    }
                }
                flags = fl;
            }
            return Ok(Node::LikeRegex(Box::new(l), pattern, flags));
        }
        Ok(l)
    }

    /// One level of left-associative arithmetic: `next (op next)*`.
    fn arithmetic(
        &mut self,
        ops: &[(&str, Arith)],
        next: fn(&mut Self) -> Result<Node>,
    ) -> Result<Node> {
        let mut l = next(self)?;
        loop {
            let Some(op) = ops.iter().find(|(p, _)| self.is(p)).map(|(_, a)| *a) else {
                return Ok(l);
            };
            self.next();
            self.binary_op()?;
            let r = next(self)?;
            l = Node::Arith(op, Box::new(l), Box::new(r));
        }
    }

    fn additive(&mut self) -> Result<Node> {
        self.arithmetic(
            &[("+", Arith::Add), ("-", Arith::Sub)],
            Self::multiplicative,
        )
    }

    fn multiplicative(&mut self) -> Result<Node> {
        self.arithmetic(
            &[("*", Arith::Mul), ("/", Arith::Div), ("%", Arith::Mod)],
            Self::unary,
        )
    }

    fn unary(&mut self) -> Result<Node> {
        if self.is("-") || self.is("+") {
            let neg = self.is("-");
            self.next();
            self.deeper()?;
            let inner = self.unary()?;
            self.depth -= 1;
            // A sign on a literal number folds into it, as PostgreSQL's
            // grammar does (makeItemUnary).
            if let Node::Lit(Json::Number(n)) = &inner {
                let n = n.clone();
                if !neg || n.chars().all(|c| c == '0' || c == '.') {
                    return Ok(inner);
                }
                return Ok(Node::Lit(Json::Number(
                    if let Some(p) = n.strip_prefix('-') {
                        p.to_owned()
                    } else {
                        format!("-{n}")
                    },
                )));
            }
            return Ok(if neg {
                Node::Neg(Box::new(inner))
            } else {
                Node::Plus(Box::new(inner))
            });
        }
        self.accessor_expr()
    }

    fn accessor_expr(&mut self) -> Result<Node> {
        let seen = self.text().to_owned();
        let primary = match self.next() {
            Tok::Dollar => Node::Root,
            Tok::At => Node::Current,
            Tok::Var(v) => Node::Var(v),
            Tok::Str(s) => Node::Lit(Json::String(s)),
            Tok::Num(n) => Node::Lit(Json::Number(number_text(&n)?)),
            Tok::Word(w) if w == "true" => Node::Lit(Json::Bool(true)),
            Tok::Word(w) if w == "false" => Node::Lit(Json::Bool(false)),
            Tok::Word(w) if w == "null" => Node::Lit(Json::Null),
            Tok::Word(w) if w == "last" => Node::Last,
            Tok::Word(w) if w == "exists" => {
                self.expect("(")?;
                self.deeper()?;
                let inner = self.or()?;
                self.depth -= 1;
                self.expect(")")?;
                return Ok(Node::Exists(Box::new(inner)));
            }
            Tok::Punct("(") => {
                self.deeper()?;
                let inner = self.or()?;
                self.depth -= 1;
                self.expect(")")?;
                if self.is_word("is") {
                    self.next();
                    if !self.is_word("unknown") {
                        return Err(syntax_error(self.text()));
                    }
                    self.next();
                    return Ok(Node::IsUnknown(Box::new(inner)));
                }
                inner
            }
            _ => return Err(syntax_error(&seen)),
        };
        let mut steps = Vec::new();
        loop {
            if self.is(".") {
                self.next();
                steps.push(self.dot_step()?);
            } else if self.is("[") {
                self.next();
                steps.push(self.bracket_step()?);
            } else if self.is("?") {
                self.next();
                self.expect("(")?;
                self.deeper()?;
                let p = self.or()?;
                self.depth -= 1;
                self.expect(")")?;
                steps.push(Step::Filter(Box::new(p)));
            } else {
                break;
            }
        }
        if steps.is_empty() {
            return Ok(primary);
        }
        Ok(Node::Chain(Box::new(primary), steps))
    }

    fn dot_step(&mut self) -> Result<Step> {
        let seen = self.text().to_owned();
        match self.next() {
            Tok::Punct("*") => Ok(Step::AnyKey),
            Tok::Punct("**") => {
                let (mut first, mut last) = (0, u32::MAX);
                if self.is("{") {
                    self.next();
                    first = self.level()?;
                    last = first;
                    if self.is_word("to") {
                        self.next();
                        last = self.level()?;
                    }
                    self.expect("}")?;
                }
                Ok(Step::Any(first, last))
            }
            Tok::Str(s) => Ok(Step::Key(s)),
            Tok::Word(w) => {
                if self.is("(") {
                    let m = match w.as_str() {
                        "type" => Method::Type,
                        "size" => Method::Size,
                        "double" => Method::Double,
                        "ceiling" => Method::Ceiling,
                        "floor" => Method::Floor,
                        "abs" => Method::Abs,
                        "keyvalue" => Method::KeyValue,
                        "datetime" => {
                            return Err(SqlError::new(
                                SqlState::FEATURE_NOT_SUPPORTED,
                                "jsonpath item method .datetime() is not supported yet",
                            ))
                        }
                        _ => return Err(syntax_error("(")),
                    };
                    self.next();
                    self.expect(")")?;
                    return Ok(Step::Method(m));
                }
                Ok(Step::Key(w))
            }
            Tok::Var(v) => Ok(Step::Key(format!("${v}"))),
            _ => Err(syntax_error(&seen)),
        }
    }

    fn level(&mut self) -> Result<u32> {
        let seen = self.text().to_owned();
        match self.next() {
            Tok::Num(n) => n.parse::<u32>().map_err(|_| syntax_error(&n)),
            Tok::Word(w) if w == "last" => Ok(u32::MAX),
            _ => Err(syntax_error(&seen)),
        }
    }

    fn bracket_step(&mut self) -> Result<Step> {
        if self.is("*") {
            self.next();
            self.expect("]")?;
            return Ok(Step::AnyIndex);
        }
        let mut subs = Vec::new();
        loop {
            self.deeper()?;
            let from = self.or()?;
            let to = if self.is_word("to") {
                self.next();
                Some(self.or()?)
            } else {
                None
            };
            self.depth -= 1;
            subs.push((from, to));
            if self.is(",") {
                self.next();
                continue;
            }
            self.expect("]")?;
            return Ok(Step::Index(subs));
        }
    }
}

/// A jsonpath numeric literal as jsonb prints the number.
fn number_text(n: &str) -> Result<String> {
    Numeric::parse(n)
        .map(|v| v.to_string())
        .map_err(|_| syntax_error(n))
}

impl JsonPath {
    /// The path as jsonpath_out prints it (PostgreSQL's
    /// printJsonPathItem): keys and strings quoted, operations in
    /// parentheses by priority, `strict` kept, `lax` dropped.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        if self.strict {
            out.push_str("strict ");
        }
        print_node(&self.expr, &mut out, true);
        out
    }
}

/// PostgreSQL's operationPriority.
fn priority(n: &Node) -> u8 {
    match n {
        Node::Or(..) => 0,
        Node::And(..) => 1,
        Node::Cmp(..) | Node::StartsWith(..) => 2,
        Node::Arith(Arith::Add | Arith::Sub, ..) => 3,
        Node::Arith(..) => 4,
        Node::Neg(_) | Node::Plus(_) => 5,
        Node::Chain(p, _) => priority(p),
        _ => 6,
    }
}

fn cmp_symbol(c: Cmp) -> &'static str {
    match c {
        Cmp::Eq => "==",
        Cmp::Ne => "!=",
        Cmp::Lt => "<",
        Cmp::Le => "<=",
        Cmp::Gt => ">",
        Cmp::Ge => ">=",
    }
}

fn print_binary(n: &Node, l: &Node, op: &str, r: &Node, out: &mut String, brackets: bool) {
    if brackets {
        out.push('(');
    }
    print_node(l, out, priority(l) <= priority(n));
    out.push(' ');
    out.push_str(op);
    out.push(' ');
    print_node(r, out, priority(r) <= priority(n));
    if brackets {
        out.push(')');
    }
}

fn print_node(n: &Node, out: &mut String, brackets: bool) {
    match n {
        Node::Root => out.push('$'),
        Node::Current => out.push('@'),
        Node::Last => out.push_str("last"),
        Node::Var(v) => {
            out.push('$');
            jsonb::escape(v, out);
        }
        Node::Lit(j) => print_literal(j, out),
        Node::Chain(p, steps) => {
            // A number with accessors is parenthesized.
            let number = matches!(**p, Node::Lit(Json::Number(_)));
            if number && !steps.is_empty() {
                out.push('(');
                print_node(p, out, brackets);
                out.push(')');
            } else {
                print_node(p, out, brackets);
            }
            for s in steps {
                print_step(s, out);
            }
        }
        Node::Arith(a, l, r) => print_binary(n, l, a.symbol(), r, out, brackets),
        Node::Cmp(c, l, r) => print_binary(n, l, cmp_symbol(*c), r, out, brackets),
        Node::And(l, r) => print_binary(n, l, "&&", r, out, brackets),
        Node::Or(l, r) => print_binary(n, l, "||", r, out, brackets),
        Node::StartsWith(l, r) => print_binary(n, l, "starts with", r, out, brackets),
        Node::Neg(x) | Node::Plus(x) => {
            if brackets {
                out.push('(');
            }
            out.push(if matches!(n, Node::Neg(_)) { '-' } else { '+' });
            print_node(x, out, priority(x) <= priority(n));
            if brackets {
                out.push(')');
            }
        }
        Node::Not(x) => {
            out.push_str("!(");
            print_node(x, out, false);
            out.push(')');
        }
        Node::IsUnknown(x) => {
            out.push('(');
            print_node(x, out, false);
            out.push_str(") is unknown");
        }
        Node::Exists(x) => {
            out.push_str("exists (");
            print_node(x, out, false);
            out.push(')');
        }
        Node::LikeRegex(x, pattern, flags) => {
            if brackets {
                out.push('(');
            }
            print_node(x, out, priority(x) <= 6);
            out.push_str(" like_regex ");
            jsonb::escape(pattern, out);
            if !flags.is_empty() {
                out.push_str(" flag \"");
                // PostgreSQL prints the flags it keeps in its own order.
                for f in ['i', 's', 'm', 'x', 'q'] {
                    if flags.contains(f) {
                        out.push(f);
                    }
                }
                out.push('"');
            }
            if brackets {
                out.push(')');
            }
        }
    }
}

fn print_literal(j: &Json, out: &mut String) {
    match j {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::String(s) => jsonb::escape(s, out),
        Json::Number(n) => out.push_str(n),
        other => out.push_str(&format!("{other:?}")),
    }
}

fn print_step(s: &Step, out: &mut String) {
    match s {
        Step::Key(k) => {
            out.push('.');
            jsonb::escape(k, out);
        }
        Step::AnyKey => out.push_str(".*"),
        Step::AnyIndex => out.push_str("[*]"),
        Step::Index(items) => {
            out.push('[');
            for (i, (from, to)) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                print_node(from, out, false);
                if let Some(to) = to {
                    out.push_str(" to ");
                    print_node(to, out, false);
                }
            }
            out.push(']');
        }
        Step::Any(first, last) => {
            out.push('.');
            let level = |n: u32| {
                if n == u32::MAX {
                    "last".to_owned()
                } else {
                    n.to_string()
                }
            };
            if *first == 0 && *last == u32::MAX {
                out.push_str("**");
            } else if first == last {
                out.push_str(&format!("**{{{}}}", level(*first)));
            } else {
                out.push_str(&format!("**{{{} to {}}}", level(*first), level(*last)));
            }
        }
        Step::Filter(p) => {
            out.push_str("?(");
            print_node(p, out, false);
            out.push(')');
        }
        Step::Method(m) => {
            out.push('.');
            out.push_str(m.name());
            out.push_str("()");
        }
    }
}

/// jsonpath_in's checks after parsing: LAST only inside array subscripts,
/// no XQuery "x" flag.
fn check_items(n: &Node, in_subscript: bool) -> Result<()> {
    crate::stack::check()?;
    let step = |s: &Step| -> Result<()> {
        match s {
            Step::Index(items) => {
                for (from, to) in items {
                    check_items(from, true)?;
                    if let Some(t) = to {
                        check_items(t, true)?;
                    }
                }
                Ok(())
            }
            // A filter inside a subscript may use LAST too.
            Step::Filter(p) => check_items(p, in_subscript),
            _ => Ok(()),
        }
    };
    match n {
        Node::Last if !in_subscript => Err(SqlError::new(
            SqlState::SYNTAX_ERROR,
            "LAST is allowed only in array subscripts",
        )),
        Node::Chain(p, steps) => {
            check_items(p, in_subscript)?;
            steps.iter().try_for_each(step)
        }
        Node::Arith(_, l, r)
        | Node::Cmp(_, l, r)
        | Node::And(l, r)
        | Node::Or(l, r)
        | Node::StartsWith(l, r) => {
            check_items(l, in_subscript)?;
            check_items(r, in_subscript)
        }
        Node::Neg(x) | Node::Plus(x) | Node::Not(x) | Node::IsUnknown(x) | Node::Exists(x) => {
            check_items(x, in_subscript)
        }
        Node::LikeRegex(x, _, flags) => {
            if flags.contains('x') {
                return Err(SqlError::new(
                    SqlState::FEATURE_NOT_SUPPORTED,
                    "XQuery \"x\" flag (expanded regular expressions) is not implemented",
                ));
            }
            check_items(x, in_subscript)
        }
        _ => Ok(()),
    }
}

/// Parses a jsonpath (jsonpath_in).
pub fn parse(text: &str) -> Result<JsonPath> {
    let mut p = Parser {
        toks: lex(text)?,
        pos: 0,
        depth: 0,
        binary: 0,
    };
    let mut strict = false;
    if p.is_word("strict") || p.is_word("lax") {
        strict = p.is_word("strict");
        p.next();
    }
    if matches!(p.peek(), Tok::End) {
        return Err(syntax_error(""));
    }
    let expr = p.or()?;
    if !matches!(p.peek(), Tok::End) {
        return Err(syntax_error(p.text()));
    }
    check_items(&expr, false)?;
    Ok(JsonPath { strict, expr })
}

/// SQL/JSON's three-valued logic.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Tri {
    True,
    False,
    Unknown,
}

impl Tri {
    fn of(b: bool) -> Tri {
        if b {
            Tri::True
        } else {
            Tri::False
        }
    }
}

/// An execution failure: a reportable error, which silent mode (and
/// predicates) turn into "no result".
type Exec<T> = std::result::Result<T, SqlError>;

struct Ctx<'a> {
    root: &'a Json,
    vars: &'a Json,
    strict: bool,
    /// Size of the innermost array being subscripted (for `last`).
    innermost: Option<usize>,
    depth: usize,
    /// Set when a predicate ran out of stack: 54001 for the statement.
    overflow: bool,
}

fn err(code: SqlState, msg: &str) -> SqlError {
    SqlError::new(code, msg.to_owned())
}

fn num(j: &Json) -> Option<Numeric> {
    match j {
        Json::Number(n) => Numeric::parse(n).ok(),
        _ => None,
    }
}

fn number(n: Numeric) -> Json {
    Json::Number(n.to_string())
}

impl Ctx<'_> {
    /// Evaluates `node` with `@` = `cur`: its sequence of items.
    fn eval(&mut self, node: &Node, cur: &Json) -> Exec<Vec<Json>> {
        self.depth += 1;
        crate::stack::check()?;
        let out = self.eval_inner(node, cur);
        self.depth -= 1;
        out
    }

    fn eval_inner(&mut self, node: &Node, cur: &Json) -> Exec<Vec<Json>> {
        Ok(match node {
            Node::Root => vec![self.root.clone()],
            Node::Current => vec![cur.clone()],
            Node::Lit(j) => vec![j.clone()],
            Node::Var(name) => match self.vars {
                Json::Object(fields) => match fields.iter().find(|(k, _)| k == name) {
                    Some((_, v)) => vec![v.clone()],
                    None => {
                        return Err(err(
                            SqlState::UNDEFINED_OBJECT,
                            &format!("could not find jsonpath variable \"{name}\""),
                        ))
                    }
                },
                _ => {
                    return Err(err(
                        SqlState::UNDEFINED_OBJECT,
                        &format!("could not find jsonpath variable \"{name}\""),
                    ))
                }
            },
            Node::Last => match self.innermost {
                Some(n) => vec![Json::Number((n as i64 - 1).to_string())],
                None => {
                    return Err(err(
                        SqlState::SYNTAX_ERROR,
                        "LAST is allowed only in array subscripts",
                    ))
                }
            },
            Node::Chain(primary, steps) => {
                let mut items = self.eval(primary, cur)?;
                for step in steps {
                    let mut next = Vec::new();
                    for item in &items {
                        self.step(step, item, true, &mut next)?;
                    }
                    items = next;
                }
                items
            }
            Node::Arith(op, l, r) => vec![self.arith(*op, l, r, cur)?],
            Node::Neg(x) | Node::Plus(x) => {
                let neg = matches!(node, Node::Neg(_));
                let mut out = Vec::new();
                for item in self.unwrapped(x, cur)? {
                    match num(&item) {
                        Some(n) => out.push(number(if neg { n.neg() } else { n })),
                        None => {
                            return Err(err(
                                SqlState::NON_NUMERIC_SQL_JSON_ITEM,
                                &format!(
                                    "operand of unary jsonpath operator {} is not a numeric value",
                                    if neg { "-" } else { "+" }
                                ),
                            ))
                        }
                    }
                }
                out
            }
            p => match self.pred(p, cur) {
                Tri::True => vec![Json::Bool(true)],
                Tri::False => vec![Json::Bool(false)],
                Tri::Unknown => vec![Json::Null],
            },
        })
    }

    /// `x` evaluated, arrays unwrapped in lax mode.
    fn unwrapped(&mut self, x: &Node, cur: &Json) -> Exec<Vec<Json>> {
        let items = self.eval(x, cur)?;
        if self.strict {
            return Ok(items);
        }
        let mut out = Vec::with_capacity(items.len());
        for i in items {
            match i {
                Json::Array(a) => out.extend(a),
                other => out.push(other),
            }
        }
        Ok(out)
    }

    fn arith(&mut self, op: Arith, l: &Node, r: &Node, cur: &Json) -> Exec<Json> {
        let side = |ctx: &mut Self, x: &Node, which: &str| -> Exec<Numeric> {
            let items = ctx.unwrapped(x, cur)?;
            match items.as_slice() {
                [one] => num(one).ok_or_else(|| {
                    err(
                        SqlState::SINGLETON_SQL_JSON_ITEM_REQUIRED,
                        &format!(
                            "{which} operand of jsonpath operator {} is not a single numeric value",
                            op.symbol()
                        ),
                    )
                }),
                _ => Err(err(
                    SqlState::SINGLETON_SQL_JSON_ITEM_REQUIRED,
                    &format!(
                        "{which} operand of jsonpath operator {} is not a single numeric value",
                        op.symbol()
                    ),
                )),
            }
        };
        let a = side(self, l, "left")?;
        let b = side(self, r, "right")?;
        let v = match op {
            Arith::Add => a.add(&b)?,
            Arith::Sub => a.sub(&b)?,
            Arith::Mul => a.mul(&b)?,
            Arith::Div => {
                if b.signum() == 0 {
                    return Err(crate::error::errors::division_by_zero());
                }
                a.div(&b)?
            }
            Arith::Mod => {
                if b.signum() == 0 {
                    return Err(crate::error::errors::division_by_zero());
                }
                a.rem(&b)?
            }
        };
        Ok(number(v))
    }

    /// Applies one accessor to `item`, appending the results.
    fn step(&mut self, step: &Step, item: &Json, unwrap: bool, out: &mut Vec<Json>) -> Exec<()> {
        let lax = !self.strict;
        match step {
            Step::Key(k) => match item {
                Json::Object(fields) => match fields.iter().find(|(key, _)| key == k) {
                    Some((_, v)) => out.push(v.clone()),
                    None if lax => {}
                    None => {
                        return Err(err(
                            SqlState::SQL_JSON_MEMBER_NOT_FOUND,
                            &format!("JSON object does not contain key \"{k}\""),
                        ))
                    }
                },
                other => self.not_object(
                    step,
                    other,
                    unwrap,
                    out,
                    SqlState::SQL_JSON_MEMBER_NOT_FOUND,
                    "jsonpath member accessor can only be applied to an object",
                )?,
            },
            Step::AnyKey => match item {
                Json::Object(fields) => out.extend(fields.iter().map(|(_, v)| v.clone())),
                other => self.not_object(
                    step,
                    other,
                    unwrap,
                    out,
                    SqlState::SQL_JSON_OBJECT_NOT_FOUND,
                    "jsonpath wildcard member accessor can only be applied to an object",
                )?,
            },
            Step::AnyIndex => match item {
                Json::Array(items) => out.extend(items.iter().cloned()),
                other if lax => out.push(other.clone()),
                _ => {
                    return Err(err(
                        SqlState::SQL_JSON_ARRAY_NOT_FOUND,
                        "jsonpath wildcard array accessor can only be applied to an array",
                    ))
                }
            },
            Step::Index(subs) => {
                let single;
                let elems: &[Json] = match item {
                    Json::Array(items) => items,
                    other if lax => {
                        single = [other.clone()];
                        &single
                    }
                    _ => {
                        return Err(err(
                            SqlState::SQL_JSON_ARRAY_NOT_FOUND,
                            "jsonpath array accessor can only be applied to an array",
                        ))
                    }
                };
                let saved = self.innermost.replace(elems.len());
                let result = (|| -> Exec<()> {
                    for (from, to) in subs {
                        let a = self.index(from, item)?;
                        let b = match to {
                            Some(t) => self.index(t, item)?,
                            None => a,
                        };
                        let size = elems.len() as i64;
                        if !lax && (a < 0 || a > b || b >= size) {
                            return Err(err(
                                SqlState::INVALID_SQL_JSON_SUBSCRIPT,
                                "jsonpath array subscript is out of bounds",
                            ));
                        }
                        let a = a.max(0);
                        let b = b.min(size - 1);
                        let mut i = a;
                        while i <= b {
                            out.push(elems[i as usize].clone());
                            i += 1;
                        }
                    }
                    Ok(())
                })();
                self.innermost = saved;
                result?;
            }
            Step::Any(first, last) => {
                self.any(item, 0, *first, *last, out);
            }
            Step::Filter(p) => match item {
                Json::Array(items) if unwrap && lax => {
                    for i in items {
                        self.step(step, i, false, out)?;
                    }
                }
                other => {
                    if self.pred(p, other) == Tri::True {
                        out.push(other.clone());
                    }
                }
            },
            Step::Method(m) => self.method(m, item, unwrap, out)?,
        }
        Ok(())
    }

    /// A member accessor on something not an object: lax mode applies it
    /// to an array's elements (one level) or yields nothing, strict mode
    /// raises `code`.
    fn not_object(
        &mut self,
        step: &Step,
        item: &Json,
        unwrap: bool,
        out: &mut Vec<Json>,
        code: SqlState,
        msg: &str,
    ) -> Exec<()> {
        match item {
            Json::Array(items) if unwrap && !self.strict => {
                for i in items {
                    self.step(step, i, false, out)?;
                }
                Ok(())
            }
            _ if !self.strict => Ok(()),
            _ => Err(err(code, msg)),
        }
    }

    /// `.**{first to last}`: the item and its descendants at the levels
    /// asked for.
    fn any(&self, item: &Json, level: u32, first: u32, last: u32, out: &mut Vec<Json>) {
        if level >= first && level <= last {
            out.push(item.clone());
        }
        if level >= last {
            return;
        }
        match item {
            Json::Array(items) => {
                for i in items {
                    self.any(i, level + 1, first, last, out);
                }
            }
            Json::Object(fields) => {
                for (_, v) in fields {
                    self.any(v, level + 1, first, last, out);
                }
            }
            _ => {}
        }
    }

    /// An array subscript: a single number, truncated.
    fn index(&mut self, n: &Node, cur: &Json) -> Exec<i64> {
        let items = self.eval(n, cur)?;
        let [one] = items.as_slice() else {
            return Err(err(
                SqlState::INVALID_SQL_JSON_SUBSCRIPT,
                "jsonpath array subscript is not a single numeric value",
            ));
        };
        let Some(v) = num(one) else {
            return Err(err(
                SqlState::INVALID_SQL_JSON_SUBSCRIPT,
                "jsonpath array subscript is not a single numeric value",
            ));
        };
        v.trunc(0).to_i32().map(i64::from).map_err(|_| {
            err(
                SqlState::INVALID_SQL_JSON_SUBSCRIPT,
                "jsonpath array subscript is out of integer range",
            )
        })
    }

    fn method(&mut self, m: &Method, item: &Json, unwrap: bool, out: &mut Vec<Json>) -> Exec<()> {
        let lax = !self.strict;
        if let (Json::Array(items), true, false) = (
            item,
            unwrap && lax,
            matches!(m, Method::Type | Method::Size),
        ) {
            for i in items {
                self.method(m, i, false, out)?;
            }
            return Ok(());
        }
        match m {
            Method::Type => out.push(Json::String(item.type_name().to_owned())),
            Method::Size => match item {
                Json::Array(a) => out.push(Json::Number(a.len().to_string())),
                _ if lax => out.push(Json::Number("1".into())),
                _ => {
                    return Err(err(
                        SqlState::SQL_JSON_ARRAY_NOT_FOUND,
                        "jsonpath item method .size() can only be applied to an array",
                    ))
                }
            },
            Method::Double => {
                let bad_string = || {
                    err(
                        SqlState::NON_NUMERIC_SQL_JSON_ITEM,
                        "string argument of jsonpath item method .double() is not a valid representation of a double precision number",
                    )
                };
                let v = match item {
                    Json::Number(n) => n.parse::<f64>().map_err(|_| bad_string())?,
                    Json::String(s) => {
                        let v = crate::value::parse_f64(s, "double precision").map_err(|_| bad_string())?;
                        if !v.is_finite() {
                            return Err(bad_string());
                        }
                        v
                    }
                    _ => {
                        return Err(err(
                            SqlState::NON_NUMERIC_SQL_JSON_ITEM,
                            "jsonpath item method .double() can only be applied to a string or numeric value",
                        ))
                    }
                };
                let n = Numeric::from_f64(v).map_err(|_| bad_string())?;
                out.push(number(n));
            }
            Method::Ceiling | Method::Floor | Method::Abs => {
                let Some(n) = num(item) else {
                    return Err(err(
                        SqlState::NON_NUMERIC_SQL_JSON_ITEM,
                        &format!(
                            "jsonpath item method .{}() can only be applied to a numeric value",
                            m.name()
                        ),
                    ));
                };
                let t = n.trunc(0);
                let v = match m {
                    Method::Abs => n.abs(),
                    Method::Ceiling if n.signum() > 0 && t != n => t.add(&Numeric::from_i64(1))?,
                    Method::Floor if n.signum() < 0 && t != n => t.sub(&Numeric::from_i64(1))?,
                    _ => t,
                };
                out.push(number(v));
            }
            Method::KeyValue => match item {
                Json::Object(fields) => {
                    for (k, v) in fields {
                        out.push(Json::Object(vec![
                            ("id".into(), Json::Number("0".into())),
                            ("key".into(), Json::String(k.clone())),
                            ("value".into(), v.clone()),
                        ]));
                    }
                }
                _ => {
                    return Err(err(
                        SqlState::SQL_JSON_OBJECT_NOT_FOUND,
                        "jsonpath item method .keyvalue() can only be applied to an object",
                    ))
                }
            },
        }
        Ok(())
    }

    /// A predicate's truth; errors inside are Unknown (but running out
    /// of stack ends the statement: see [`Ctx::overflow`]).
    fn pred(&mut self, node: &Node, cur: &Json) -> Tri {
        if crate::stack::check().is_err() {
            self.overflow = true;
            return Tri::Unknown;
        }
        match node {
            Node::And(l, r) => match self.pred(l, cur) {
                Tri::False => Tri::False,
                a => match (a, self.pred(r, cur)) {
                    (_, Tri::False) => Tri::False,
                    (Tri::True, Tri::True) => Tri::True,
                    _ => Tri::Unknown,
                },
            },
            Node::Or(l, r) => match self.pred(l, cur) {
                Tri::True => Tri::True,
                a => match (a, self.pred(r, cur)) {
                    (_, Tri::True) => Tri::True,
                    (Tri::False, Tri::False) => Tri::False,
                    _ => Tri::Unknown,
                },
            },
            Node::Not(x) => match self.pred(x, cur) {
                Tri::True => Tri::False,
                Tri::False => Tri::True,
                Tri::Unknown => Tri::Unknown,
            },
            Node::IsUnknown(x) => Tri::of(self.pred(x, cur) == Tri::Unknown),
            Node::Exists(x) => match self.eval(x, cur) {
                Ok(items) => Tri::of(!items.is_empty()),
                Err(_) => Tri::Unknown,
            },
            Node::Cmp(op, l, r) => self.existential(l, r, cur, |a, b| compare(*op, a, b)),
            Node::StartsWith(l, r) => self.existential(l, r, cur, |a, b| match (a, b) {
                (Json::String(s), Json::String(p)) => Tri::of(s.starts_with(p.as_str())),
                _ => Tri::Unknown,
            }),
            Node::LikeRegex(x, pattern, flags) => {
                let re = match like_regex(pattern, flags) {
                    Ok(re) => re,
                    Err(_) => return Tri::Unknown,
                };
                let Ok(items) = self.unwrapped(x, cur) else {
                    return Tri::Unknown;
                };
                self.any_of(items.iter().map(|i| match i {
                    Json::String(s) => Tri::of(re.is_match(s)),
                    _ => Tri::Unknown,
                }))
            }
            // A non-predicate used as a filter: its value must be a boolean.
            other => match self.eval(other, cur) {
                Ok(items) => match items.as_slice() {
                    [Json::Bool(b)] => Tri::of(*b),
                    _ => Tri::Unknown,
                },
                Err(_) => Tri::Unknown,
            },
        }
    }

    /// Lax mode's existential comparison: true once any pair is true;
    /// in strict mode an unknown pair makes the whole unknown.
    fn existential(
        &mut self,
        l: &Node,
        r: &Node,
        cur: &Json,
        f: impl Fn(&Json, &Json) -> Tri,
    ) -> Tri {
        let (Ok(a), Ok(b)) = (self.unwrapped(l, cur), self.unwrapped(r, cur)) else {
            return Tri::Unknown;
        };
        let mut results = Vec::new();
        for x in &a {
            for y in &b {
                results.push(f(x, y));
            }
        }
        self.any_of(results.into_iter())
    }

    fn any_of(&self, results: impl Iterator<Item = Tri>) -> Tri {
        let mut found_unknown = false;
        for t in results {
            match t {
                Tri::True if !self.strict => return Tri::True,
                Tri::True => {
                    if found_unknown {
                        return Tri::Unknown;
                    }
                    return Tri::True;
                }
                Tri::Unknown => {
                    if self.strict {
                        return Tri::Unknown;
                    }
                    found_unknown = true;
                }
                Tri::False => {}
            }
        }
        if found_unknown {
            Tri::Unknown
        } else {
            Tri::False
        }
    }
}

/// compareItems: nulls equal only nulls (`!=` is true against a
/// non-null), other mixed types and containers are unknown.
fn compare(op: Cmp, a: &Json, b: &Json) -> Tri {
    use std::cmp::Ordering;
    let ord = match (a, b) {
        (Json::Null, Json::Null) => Ordering::Equal,
        (Json::Null, _) | (_, Json::Null) => return Tri::of(op == Cmp::Ne),
        (Json::Bool(x), Json::Bool(y)) => x.cmp(y),
        (Json::Number(_), Json::Number(_)) => match (num(a), num(b)) {
            (Some(x), Some(y)) => x.cmp(&y),
            _ => return Tri::Unknown,
        },
        (Json::String(x), Json::String(y)) => x.as_bytes().cmp(y.as_bytes()),
        _ => return Tri::Unknown,
    };
    Tri::of(match op {
        Cmp::Eq => ord.is_eq(),
        Cmp::Ne => ord.is_ne(),
        Cmp::Lt => ord.is_lt(),
        Cmp::Le => ord.is_le(),
        Cmp::Gt => ord.is_gt(),
        Cmp::Ge => ord.is_ge(),
    })
}

/// like_regex's pattern with its flags (i, s, m, x, q).
fn like_regex(pattern: &str, flags: &str) -> std::result::Result<regex::Regex, regex::Error> {
    let quote = flags.contains('q');
    let mut b = regex::RegexBuilder::new(&if quote {
        regex::escape(pattern)
    } else {
        pattern.to_owned()
    });
    b.case_insensitive(flags.contains('i'))
        .dot_matches_new_line(flags.contains('s'))
        .multi_line(flags.contains('m'))
        .ignore_whitespace(flags.contains('x') && !quote);
    b.build()
}

/// Runs `path` over `target`: Ok(None) when an error was silenced.
fn run(a: &[Value]) -> Result<Option<(Vec<Json>, bool)>> {
    let target = tree(&a[0])?;
    let Value::Text(text) = &a[1] else {
        return Ok(None);
    };
    let path = cached(text)?;
    let vars = match a.get(2) {
        Some(Value::Text(v)) => jsonb::parse(v, Jsonb)?,
        _ => Json::Object(Vec::new()),
    };
    if !matches!(vars, Json::Object(_)) {
        return Err(err(
            SqlState::INVALID_PARAMETER_VALUE,
            "\"vars\" argument is not an object",
        )
        .with_detail(
            "Jsonpath parameters should be encoded as key-value pairs of \"vars\" object.",
        ));
    }
    let silent = matches!(a.get(3), Some(Value::Bool(true)));
    let mut ctx = Ctx {
        root: &target,
        vars: &vars,
        strict: path.strict,
        innermost: None,
        depth: 0,
        overflow: false,
    };
    let result = if path.expr.is_predicate() {
        Ok(vec![match ctx.pred(&path.expr, &target) {
            Tri::True => Json::Bool(true),
            Tri::False => Json::Bool(false),
            Tri::Unknown => Json::Null,
        }])
    } else {
        ctx.eval(&path.expr, &target)
    };
    if ctx.overflow {
        return Err(crate::stack::too_deep());
    }
    match result {
        Ok(items) => Ok(Some((items, path.expr.is_predicate()))),
        // Errors that are not about the data stay errors.
        Err(e) if silent && !matches!(e.code(), SqlState::UNDEFINED_OBJECT) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The parsed path, from this thread's cache when seen before: a path
/// given as a constant is parsed once, not once per row.
fn cached(text: &str) -> Result<std::sync::Arc<JsonPath>> {
    use std::cell::RefCell;
    use std::sync::Arc;
    const CACHE_SIZE: usize = 16;
    thread_local! {
        static CACHE: RefCell<Vec<(String, Arc<JsonPath>)>> = const { RefCell::new(Vec::new()) };
    }
    if let Some(hit) = CACHE.with(|c| {
        c.borrow()
            .iter()
            .find(|(t, _)| t == text)
            .map(|(_, p)| p.clone())
    }) {
        return Ok(hit);
    }
    let path = Arc::new(parse(text)?);
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= CACHE_SIZE {
            c.remove(0);
        }
        c.push((text.to_owned(), path.clone()));
    });
    Ok(path)
}

/// jsonb_path_exists: NULL when an error was silenced.
fn exists(a: &[Value]) -> Result<Value> {
    Ok(match run(a)? {
        Some((items, _)) => Value::Bool(!items.is_empty()),
        None => Value::Null,
    })
}

/// jsonb_path_match: the single boolean (or null) the path gives.
fn matches(a: &[Value]) -> Result<Value> {
    let silent = matches!(a.get(3), Some(Value::Bool(true)));
    Ok(match run(a)? {
        Some((items, _)) => match items.as_slice() {
            [Json::Bool(b)] => Value::Bool(*b),
            [Json::Null] => Value::Null,
            _ if silent => Value::Null,
            _ => {
                return Err(err(
                    SqlState::SINGLETON_SQL_JSON_ITEM_REQUIRED,
                    "single boolean result is expected",
                ))
            }
        },
        None => Value::Null,
    })
}

/// The items as a jsonb[] for jsonb_path_query to unnest.
fn items(a: &[Value]) -> Result<Value> {
    Ok(Value::Array(ArrayRef::new(match run(a)? {
        Some((items, _)) => items.iter().map(out).collect(),
        None => Vec::new(),
    })))
}

/// The four argument lists of the jsonb_path functions.
macro_rules! path_fns {
    ($name:expr, $ret:expr, $imp:expr) => {
        [
            f($name, &[Jsonb, Text], $ret, |a, _| $imp(a)),
            f($name, &[Jsonb, Text, Jsonb], $ret, |a, _| $imp(a)),
            f($name, &[Jsonb, Text, Jsonb, Bool], $ret, |a, _| $imp(a)),
        ]
    };
}

static EXISTS: [FuncDef; 3] = path_fns!("jsonb_path_exists", Bool, exists);
static MATCH: [FuncDef; 3] = path_fns!("jsonb_path_match", Bool, matches);
static QUERY: [FuncDef; 3] = path_fns!("jsonb_path_query_items", Array(&Jsonb), items);
static QUERY_ARRAY: [FuncDef; 3] = path_fns!("jsonb_path_query_array", Jsonb, |a: &[Value]| {
    Ok(match run(a)? {
        Some((items, _)) => out(&Json::Array(items)),
        None => Value::Null,
    })
});
static QUERY_FIRST: [FuncDef; 3] = path_fns!("jsonb_path_query_first", Jsonb, |a: &[Value]| {
    Ok(match run(a)? {
        Some((items, _)) => items.first().map_or(Value::Null, out),
        None => Value::Null,
    })
});

/// `@?` (jsonb_path_exists, silent) and `@@` (jsonb_path_match, silent).
static OPERATORS: [FuncDef; 2] = [
    f("@?", &[Jsonb, Text], Bool, |a, _| {
        exists(&[a[0].clone(), a[1].clone(), Value::Null, Value::Bool(true)])
    }),
    f("@@", &[Jsonb, Text], Bool, |a, _| {
        matches(&[a[0].clone(), a[1].clone(), Value::Null, Value::Bool(true)])
    }),
];

/// Every jsonpath function table.
pub(super) static TABLES: [&[FuncDef]; 6] = [
    &EXISTS,
    &MATCH,
    &QUERY,
    &QUERY_ARRAY,
    &QUERY_FIRST,
    &OPERATORS,
];

#[cfg(test)]
mod tests {
    use super::*;

    fn q(target: &str, path: &str) -> String {
        let a = [Value::Text(target.into()), Value::Text(path.into())];
        match items(&a) {
            Ok(Value::Array(v)) => v
                .items()
                .iter()
                .map(|x| x.to_text(&Default::default()).unwrap_or_default())
                .collect::<Vec<_>>()
                .join(" | "),
            Ok(_) => String::new(),
            Err(e) => format!("ERROR: {}", e.message()),
        }
    }

    #[test]
    fn lax_and_strict_accessors() {
        assert_eq!(q(r#"{"a": [1, 2, 3]}"#, "$.a[*] ? (@ > 1)"), "2 | 3");
        assert_eq!(q(r#"{"a": [1, 2, 3]}"#, "$.a[last]"), "3");
        assert_eq!(q(r#"{"a": [1, 2, 3]}"#, "$.a[0 to 1]"), "1 | 2");
        assert_eq!(q(r#"[{"a": 1}, {"a": 2}]"#, "$.a"), "1 | 2");
        assert_eq!(q(r#"{"a": 1}"#, "$.b"), "");
        assert!(q(r#"{"a": 1}"#, "strict $.b").contains("does not contain key"));
        assert_eq!(q(r#"{"a": {"b": 1}}"#, "$.**.b"), "1");
        assert_eq!(q(r#"{"a": 2}"#, "$.a * 3 + 1"), "7");
        assert_eq!(q(r#"{"a": [1,2]}"#, "$.a.size()"), "2");
        assert_eq!(q(r#"{"a": "x"}"#, "$.a.type()"), "\"string\"");
        assert_eq!(q(r#"{"a": 1}"#, "$.a == 1"), "true");
        assert_eq!(q(r#"{"a": "abc"}"#, r#"$.a starts with "ab""#), "true");
        assert_eq!(
            q(r#"{"a": "abc"}"#, r#"$ ? (@.a like_regex "^A" flag "i")"#),
            r#"{"a": "abc"}"#
        );
        assert_eq!(q(r#"{"a": 1}"#, "($.a == \"x\") is unknown"), "true");
    }

    #[test]
    fn syntax_errors_are_postgres_words() {
        assert!(q("{}", "$.a[").contains("syntax error"));
        assert!(q("{}", "").contains("syntax error at end of jsonpath input"));
    }
}
