//! A fast path for the commonest bulk statement: one
//! `INSERT INTO name [(columns)] VALUES (literal, ...), ...` per query
//! string, whose literals are numbers, plain strings, NULL, TRUE or FALSE.
//!
//! sqlparser spends most of its time on such statements probing each
//! literal for a typed-string prefix (`DATE '...'`) and formatting the
//! error message it then discards. Here the short `INSERT INTO ... VALUES`
//! prefix is parsed by sqlparser (so names and column lists follow its
//! rules), the rows are scanned by hand, and the result is the very AST
//! sqlparser would build, spans included (so error positions are the
//! same). Anything else — comments, escapes, expressions, DEFAULT,
//! RETURNING, a second statement — returns None and takes the normal path.
//! Tests compare both paths on the same texts.
//!
//! The prefix's tree is kept per thread for the last few prefixes, so
//! the same short INSERT sent again with new values (an application's
//! autocommit inserts, pgbench's scripts) skips sqlparser altogether:
//! its tokenizer and its probing for typed strings were a quarter of the
//! CPU such a statement took. The prefix's text fixes its tree and spans.

use std::cell::RefCell;

use sqlparser::ast::{Expr, SetExpr, Statement, UnaryOperator, Value, ValueWithSpan};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Location, Span};

/// How many prefixes each thread keeps parsed.
const CACHED_PREFIXES: usize = 8;

thread_local! {
    /// The latest prefixes and their one-dummy-row statements, oldest first.
    static PREFIXES: RefCell<Vec<(String, Statement)>> = const { RefCell::new(Vec::new()) };
}

/// The statement, if `sql` is a single literal-only INSERT ... VALUES.
pub fn parse(sql: &str) -> Option<Statement> {
    let values_at = values_keyword(sql)?;
    let prefix = &sql[..values_at + "values".len()];
    let mut scan = Scan::new(sql, values_at + "values".len());
    let rows = scan.rows()?;
    let Statement::Insert(mut ins) = template(prefix)? else {
        return None;
    };
    let query = ins.source.as_mut()?;
    let SetExpr::Values(values) = query.body.as_mut() else {
        return None;
    };
    let first = values.rows.pop()?;
    values.rows = rows
        .into_iter()
        .map(|content| sqlparser::ast::Parens {
            opening_token: first.opening_token.clone(),
            content,
            closing_token: first.closing_token.clone(),
        })
        .collect();
    Some(Statement::Insert(ins))
}

/// `prefix` with one dummy row, as sqlparser parses it (kept for the
/// next statement with the same prefix).
fn template(prefix: &str) -> Option<Statement> {
    let cached = PREFIXES.with_borrow(|cache| {
        cache
            .iter()
            .find(|(p, _)| p == prefix)
            .map(|(_, stmt)| stmt.clone())
    });
    if cached.is_some() {
        return cached;
    }
    let dialect = PostgreSqlDialect {};
    let template = format!("{prefix} (NULL)");
    let stmts = Parser::parse_sql(&dialect, &template).ok()?;
    let [stmt] = <[Statement; 1]>::try_from(stmts).ok()?;
    PREFIXES.with_borrow_mut(|cache| {
        if cache.len() >= CACHED_PREFIXES {
            cache.remove(0);
        }
        cache.push((prefix.to_owned(), stmt.clone()));
    });
    Some(stmt)
}

/// Byte offset of the VALUES keyword, if everything before it is plain
/// words, names, dots, commas and parentheses (no quotes or comments, so
/// a keyword cannot hide inside them).
fn values_keyword(sql: &str) -> Option<usize> {
    let head = sql.trim_start();
    if !head.get(..6)?.eq_ignore_ascii_case("insert") {
        return None;
    }
    let bytes = sql.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_alphabetic() || b == b'_' {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            if sql[start..i].eq_ignore_ascii_case("values") {
                return Some(start);
            }
            continue;
        }
        if !(b.is_ascii_whitespace()
            || b.is_ascii_digit()
            || matches!(b, b'.' | b',' | b'(' | b')' | b'"'))
        {
            return None;
        }
        i += 1;
    }
    None
}

/// A hand scanner over the VALUES rows, tracking sqlparser's locations
/// (1-based line and character column).
struct Scan<'a> {
    sql: &'a str,
    /// Byte offset.
    at: usize,
    line: u64,
    column: u64,
}

impl<'a> Scan<'a> {
    fn new(sql: &'a str, at: usize) -> Scan<'a> {
        let before = &sql[..at];
        let line = 1 + before.matches('\n').count() as u64;
        let line_start = before.rfind('\n').map_or(0, |n| n + 1);
        let column = 1 + sql[line_start..at].chars().count() as u64;
        Scan {
            sql,
            at,
            line,
            column,
        }
    }

    fn peek(&self) -> Option<char> {
        self.sql[self.at..].chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.at += c.len_utf8();
        if c == '\n' {
            self.line += 1;
            self.column = 1;
        } else {
            self.column += 1;
        }
        Some(c)
    }

    fn loc(&self) -> Location {
        Location {
            line: self.line,
            column: self.column,
        }
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.bump();
        }
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.bump();
            true
        } else {
            false
        }
    }

    /// Rows up to the end of the text (an optional `;` allowed).
    fn rows(&mut self) -> Option<Vec<Vec<Expr>>> {
        let mut rows = Vec::new();
        let mut width = 0;
        loop {
            self.skip_ws();
            if !self.eat('(') {
                return None;
            }
            // Rows are usually as wide as the one before.
            let mut row = Vec::with_capacity(width);
            loop {
                self.skip_ws();
                row.push(self.literal()?);
                self.skip_ws();
                if self.eat(',') {
                    continue;
                }
                if self.eat(')') {
                    break;
                }
                return None;
            }
            width = row.len();
            rows.push(row);
            self.skip_ws();
            if self.eat(',') {
                continue;
            }
            self.eat(';');
            self.skip_ws();
            return self.peek().is_none().then_some(rows);
        }
    }

    fn literal(&mut self) -> Option<Expr> {
        match self.peek()? {
            '-' => {
                self.bump();
                if !self.peek()?.is_ascii_digit() {
                    return None;
                }
                Some(Expr::UnaryOp {
                    op: UnaryOperator::Minus,
                    expr: Box::new(self.number()?),
                })
            }
            '0'..='9' => self.number(),
            '\'' => self.string(),
            c if c.is_ascii_alphabetic() => {
                let start = self.loc();
                let from = self.at;
                while self
                    .peek()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
                {
                    self.bump();
                }
                let value = match &self.sql[from..self.at] {
                    w if w.eq_ignore_ascii_case("null") => Value::Null,
                    w if w.eq_ignore_ascii_case("true") => Value::Boolean(true),
                    w if w.eq_ignore_ascii_case("false") => Value::Boolean(false),
                    _ => return None,
                };
                Some(self.value(value, start))
            }
            _ => None,
        }
    }

    fn value(&self, value: Value, start: Location) -> Expr {
        Expr::Value(ValueWithSpan {
            value,
            span: Span::new(start, self.loc()),
        })
    }

    /// digits [. digits] [e [+-] digits], not run into a word.
    fn number(&mut self) -> Option<Expr> {
        let start = self.loc();
        let from = self.at;
        let digits = |s: &mut Self| {
            let n = s.at;
            while s.peek().is_some_and(|c| c.is_ascii_digit()) {
                s.bump();
            }
            s.at > n
        };
        digits(self);
        if self.eat('.') && !digits(self) {
            return None;
        }
        if matches!(self.peek(), Some('e' | 'E')) {
            self.bump();
            if matches!(self.peek(), Some('+' | '-')) {
                self.bump();
            }
            if !digits(self) {
                return None;
            }
        }
        if self
            .peek()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.')
        {
            return None;
        }
        let text = self.sql[from..self.at].to_owned();
        Some(self.value(Value::Number(text, false), start))
    }

    /// '...' with '' for a quote; backslashes, and a string continued on
    /// the next line, take the normal path.
    fn string(&mut self) -> Option<Expr> {
        let start = self.loc();
        self.bump();
        let mut text = String::new();
        loop {
            match self.bump()? {
                '\'' if self.peek() == Some('\'') => {
                    self.bump();
                    text.push('\'');
                }
                '\'' => break,
                '\\' => return None,
                c => text.push(c),
            }
        }
        let end = self.loc();
        // 'a' 'b' across a newline is one string in SQL.
        let save = (self.at, self.line, self.column);
        self.skip_ws();
        if self.peek() == Some('\'') {
            return None;
        }
        (self.at, self.line, self.column) = save;
        Some(Expr::Value(ValueWithSpan {
            value: Value::SingleQuotedString(text),
            span: Span::new(start, end),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlparser::ast::Spanned;

    fn slow(sql: &str) -> Statement {
        let dialect = PostgreSqlDialect {};
        let mut v = Parser::parse_sql(&dialect, sql).unwrap();
        assert_eq!(v.len(), 1);
        v.remove(0)
    }

    /// Every literal's span, in order.
    fn spans(s: &Statement) -> Vec<(Span, String)> {
        let Statement::Insert(ins) = s else {
            panic!("not an insert")
        };
        let SetExpr::Values(v) = ins.source.as_ref().unwrap().body.as_ref() else {
            panic!("not values")
        };
        v.rows
            .iter()
            .flat_map(|r| r.content.iter().map(|e| (e.span(), e.to_string())))
            .collect()
    }

    fn padded(sql: &str) -> String {
        // Long enough for the fast path.
        let filler: Vec<String> = (0..40).map(|i| format!("({i}, 'x')")).collect();
        format!("{sql}, {}", filler.join(", "))
    }

    #[test]
    fn the_same_tree_and_spans_as_sqlparser() {
        for sql in [
            "INSERT INTO t VALUES (1, 'a')",
            "insert into public.t (a, \"B\") values (-7, 'it''s'), (2.50, 'héllo wörld')",
            "INSERT INTO t VALUES\n  (1e3, NULL),\n  (TRUE, false)",
            "INSERT INTO t(a,b) VALUES(0,''),(12345678901234567890,'x y')",
            "  INSERT INTO t VALUES (1, 'a')",
        ] {
            let sql = padded(sql);
            let fast = parse(&sql).unwrap_or_else(|| panic!("no fast path for {sql}"));
            let slow = slow(&sql);
            assert_eq!(fast, slow, "{sql}");
            assert_eq!(fast.to_string(), slow.to_string());
            assert_eq!(spans(&fast), spans(&slow), "{sql}");
        }
        let sql = format!("{};", padded("INSERT INTO t VALUES (1, 'a')"));
        assert_eq!(parse(&sql).unwrap(), slow(&sql));
    }

    #[test]
    fn anything_else_takes_the_normal_path() {
        for sql in [
            "INSERT INTO t VALUES (1, 'a') RETURNING *",
            "INSERT INTO t VALUES (1, E'a\\n')",
            "INSERT INTO t VALUES (1, 'a\\b')",
            "INSERT INTO t VALUES (1, 'a'\n'b')",
            "INSERT INTO t VALUES (1 + 1, 'a')",
            "INSERT INTO t VALUES (DEFAULT, 'a')",
            "INSERT INTO t VALUES (1, 'a'); SELECT 1",
            "INSERT INTO t VALUES (1abc, 'a')",
            "INSERT INTO t VALUES (1, 'a') -- comment",
            "INSERT INTO t /* c */ VALUES (1, 'a')",
            "INSERT INTO t VALUES (1, 'a'",
            "INSERT INTO t SELECT 1, 'a'",
            "INSERT INTO t VALUES (1, 'unterminated)",
            "INSERT INTO t VALUES (.5, 'a')",
            "INSERT INTO t VALUES (1., 'a')",
        ] {
            assert!(parse(&padded(sql)).is_none(), "{sql}");
        }
    }

    #[test]
    fn short_statements_agree_whether_their_prefix_is_cached_or_not() {
        for sql in [
            "INSERT INTO t VALUES (1, 'a')",
            "INSERT INTO t VALUES (2, 'b')",
            "INSERT INTO t VALUES (3, NULL), (4, 'd')",
            "insert into t values (5, 'e')",
            "INSERT INTO t (a) VALUES (6)",
            "INSERT INTO t VALUES (7, 'g')",
        ] {
            for _ in 0..2 {
                let fast = parse(sql).unwrap_or_else(|| panic!("no fast path for {sql}"));
                assert_eq!(fast, slow(sql), "{sql}");
                assert_eq!(spans(&fast), spans(&slow(sql)), "{sql}");
            }
        }
        // More prefixes than the cache holds: old ones are parsed again.
        for i in 0..2 * CACHED_PREFIXES {
            let sql = format!("INSERT INTO t{i} VALUES ({i})");
            assert_eq!(parse(&sql).unwrap(), slow(&sql));
        }
        assert!(PREFIXES.with_borrow(Vec::len) <= CACHED_PREFIXES);
        // A prefix sqlparser rejects is never cached, nor taken.
        assert!(parse("INSERT INTO VALUES (1)").is_none());
    }

    proptest::proptest! {
        /// Random rows never panic the scanner, and whenever the fast path
        /// answers, sqlparser agrees on the tree and the spans.
        #[test]
        fn random_rows_agree_with_sqlparser(rows in proptest::collection::vec(
            proptest::collection::vec(
                proptest::prop_oneof![
                    "-?[0-9]{1,12}(\\.[0-9]{1,4})?",
                    "'[a-zé' \\\\\n-]{0,8}'",
                    "NULL|null|TRUE|false|DEFAULT|x|1e5|1\\.|--|/\\*",
                    "[ -~]{0,3}",
                ],
                1..4,
            ),
            1..30,
        )) {
            let body: Vec<String> = rows.iter().map(|r| format!("({})", r.join(", "))).collect();
            let sql = padded(&format!("INSERT INTO t VALUES {}", body.join(",\n ")));
            if let Some(fast) = parse(&sql) {
                let dialect = PostgreSqlDialect {};
                let slow = Parser::parse_sql(&dialect, &sql).expect("sqlparser accepts what the fast path accepts");
                proptest::prop_assert_eq!(slow.len(), 1);
                proptest::prop_assert_eq!(&fast, &slow[0]);
                proptest::prop_assert_eq!(spans(&fast), spans(&slow[0]));
            }
        }
    }

    fn literal() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::strategy::Strategy;
        proptest::prop_oneof![
            "-?[0-9]{1,12}(\\.[0-9]{1,4})?([eE][+-]?[0-9]{1,2})?",
            "[a-z' é\n-]{0,8}".prop_map(|c| format!("'{}'", c.replace('\'', "''"))),
            "NULL|null|TRUE|true|FALSE|false",
        ]
    }

    proptest::proptest! {
        /// Valid literal rows: the fast path takes them, and agrees with
        /// sqlparser on the tree and the spans.
        #[test]
        fn literal_rows_take_the_fast_path_and_agree(rows in proptest::collection::vec(
            proptest::collection::vec(literal(), 1..5),
            1..20,
        ), sep in "[ \n\t]{0,3}") {
            let body: Vec<String> = rows.iter().map(|r| format!("({})", r.join(&format!(",{sep}")))).collect();
            let sql = padded(&format!("INSERT INTO t VALUES{sep}{}", body.join(&format!(",{sep}"))));
            let fast = parse(&sql);
            proptest::prop_assert!(fast.is_some(), "no fast path for {}", sql);
            let dialect = PostgreSqlDialect {};
            let slow = Parser::parse_sql(&dialect, &sql).expect("valid SQL");
            let fast = fast.expect("checked");
            proptest::prop_assert_eq!(&fast, &slow[0]);
            proptest::prop_assert_eq!(spans(&fast), spans(&slow[0]));
        }
    }
}
