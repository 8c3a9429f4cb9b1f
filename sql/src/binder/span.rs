//! Error positions in time independent of the expression's size.
//!
//! sqlparser's `Spanned::span` of an expression unions the spans of its
//! whole subtree, recursively. The binder asks for the position of every
//! node it binds, so over a chain `1+1+...+1` that is quadratic work and,
//! for a long enough chain, a recursion deeper than any stack. The walks
//! here follow one edge instead: where an expression starts is where its
//! leftmost operand starts, and where it ends is where its rightmost one
//! ends, for every form whose operands stand in that order in the text.
//! Other forms ask sqlparser, whose span of them is bounded by their own
//! (checked) nesting.
//!
//! Character positions are counted from the statement's text once per
//! line (multi-line text) and read by index afterwards.

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;

use sqlparser::ast::{CastKind, Expr as AstExpr, SetExpr, Spanned};
use sqlparser::tokenizer::Location;

/// The one operand of a prefix or postfix form (`-x`, `(x)`, `x IS
/// NULL`...), whose span is the form's.
fn sole_operand(e: &AstExpr) -> Option<&AstExpr> {
    Some(match e {
        AstExpr::IsNull(x)
        | AstExpr::IsNotNull(x)
        | AstExpr::IsTrue(x)
        | AstExpr::IsNotTrue(x)
        | AstExpr::IsFalse(x)
        | AstExpr::IsNotFalse(x)
        | AstExpr::IsUnknown(x)
        | AstExpr::IsNotUnknown(x)
        | AstExpr::Nested(x)
        | AstExpr::UnaryOp { expr: x, .. } => x,
        _ => return None,
    })
}

/// The operand whose start is `e`'s start, if `e` has one.
fn first_operand(e: &AstExpr) -> Option<&AstExpr> {
    if let Some(x) = sole_operand(e) {
        return Some(x);
    }
    Some(match e {
        AstExpr::BinaryOp { left, .. }
        | AstExpr::IsDistinctFrom(left, _)
        | AstExpr::IsNotDistinctFrom(left, _)
        | AstExpr::AnyOp { left, .. }
        | AstExpr::AllOp { left, .. } => left,
        AstExpr::Collate { expr: x, .. }
        | AstExpr::Like { expr: x, .. }
        | AstExpr::ILike { expr: x, .. }
        | AstExpr::SimilarTo { expr: x, .. }
        | AstExpr::Between { expr: x, .. } => x,
        AstExpr::Cast {
            kind: CastKind::DoubleColon,
            expr,
            ..
        } => expr,
        _ => return None,
    })
}

/// The operand whose end is `e`'s end, if `e` has one.
fn last_operand(e: &AstExpr) -> Option<&AstExpr> {
    if let Some(x) = sole_operand(e) {
        return Some(x);
    }
    Some(match e {
        AstExpr::BinaryOp { right, .. }
        | AstExpr::IsDistinctFrom(_, right)
        | AstExpr::IsNotDistinctFrom(_, right) => right,
        AstExpr::Cast { expr: x, .. } => x,
        AstExpr::Function(f)
            if f.filter.is_none() && f.over.is_none() && f.within_group.is_empty() =>
        {
            let sqlparser::ast::FunctionArguments::List(list) = &f.args else {
                return None;
            };
            if !list.clauses.is_empty() {
                return None;
            }
            match list.args.last() {
                Some(sqlparser::ast::FunctionArg::Unnamed(
                    sqlparser::ast::FunctionArgExpr::Expr(x),
                )) => x,
                _ => return None,
            }
        }
        _ => return None,
    })
}

/// Where a node without a first operand starts: from its first token
/// where sqlparser's span would visit the whole subtree.
fn leaf_start(e: &AstExpr, deep_text: usize) -> Location {
    match e {
        AstExpr::Function(f) => f.name.span().start,
        AstExpr::Case { case_token, .. } => case_token.0.span.start,
        AstExpr::Subquery(q) | AstExpr::Exists { subquery: q, .. } if q.with.is_none() => {
            set_start(&q.body, deep_text)
        }
        other => guarded_span(other, deep_text).start,
    }
}

/// Where a node without a last operand ends.
fn leaf_end(e: &AstExpr, deep_text: usize) -> Location {
    match e {
        AstExpr::Case { end_token, .. } => end_token.0.span.end,
        other => guarded_span(other, deep_text).end,
    }
}

/// Where a query body starts: its first SELECT keyword.
fn set_start(body: &SetExpr, deep_text: usize) -> Location {
    let mut e = body;
    loop {
        match e {
            SetExpr::SetOperation { left, .. } => e = left,
            SetExpr::Query(q) if q.with.is_none() => e = &q.body,
            SetExpr::Select(s) => return s.select_token.0.span.start,
            other => return guarded_span(other, deep_text).start,
        }
    }
}

/// sqlparser's span of `node`, which recurses through the whole subtree:
/// on a stack sized from the statement's text when that is long.
fn guarded_span(node: &impl Spanned, deep_text: usize) -> sqlparser::tokenizer::Span {
    if deep_text == 0 {
        node.span()
    } else {
        let size = deep_text
            .saturating_mul(SPAN_STACK_PER_BYTE)
            .min(MAX_SPAN_STACK);
        stacker::grow(size, || node.span())
    }
}

/// Text longer than this may nest deeper than sqlparser's recursive span
/// can go on an executor thread's stack.
const DEEP_TEXT: usize = 32 * 1024;

/// The most address space such a stack takes.
const MAX_SPAN_STACK: usize = 1 << 30;

/// Stack per byte of text for sqlparser's span of a long statement (one
/// nesting level per two bytes at most, a frame of ~1 kB each).
const SPAN_STACK_PER_BYTE: usize = if cfg!(debug_assertions) { 2048 } else { 768 };

/// Walks past this many operands are remembered, so that asking for
/// every node of a long chain costs time linear in its length.
const REMEMBER_AFTER: usize = 16;

/// Starts and ends of expressions, with the long walks remembered (by
/// node address; the statement outlives the binder).
#[derive(Default)]
pub(super) struct Spans {
    /// The text's length when over [`DEEP_TEXT`], else 0.
    deep_text: usize,
    /// Starts found by walks longer than [`REMEMBER_AFTER`].
    starts: RefCell<HashMap<usize, Location>>,
    /// Ends found likewise.
    ends: RefCell<HashMap<usize, Location>>,
}

impl Spans {
    /// For a statement of `text_len` bytes.
    pub(super) fn new(text_len: usize) -> Spans {
        Spans {
            deep_text: if text_len > DEEP_TEXT { text_len } else { 0 },
            ..Spans::default()
        }
    }

    /// The start of `e` as sqlparser would compute it.
    pub(super) fn start(&self, e: &AstExpr) -> Location {
        let deep = self.deep_text;
        walk(
            e,
            first_operand,
            |leaf| leaf_start(leaf, deep),
            &self.starts,
        )
    }

    /// The end of `e` as sqlparser would compute it.
    pub(super) fn end(&self, e: &AstExpr) -> Location {
        let deep = self.deep_text;
        walk(e, last_operand, |leaf| leaf_end(leaf, deep), &self.ends)
    }
}

/// Follows `next` from `e` to a node without one and asks `at` there;
/// long walks record their answer for every node they passed.
fn walk(
    e: &AstExpr,
    next: fn(&AstExpr) -> Option<&AstExpr>,
    at: impl Fn(&AstExpr) -> Location,
    memo: &RefCell<HashMap<usize, Location>>,
) -> Location {
    let key = |e: &AstExpr| e as *const AstExpr as usize;
    let mut passed = Vec::new();
    let mut cur = e;
    let found = loop {
        if passed.len() >= REMEMBER_AFTER {
            if let Some(loc) = memo.borrow().get(&key(cur)) {
                break *loc;
            }
        }
        match next(cur) {
            Some(n) => {
                passed.push(key(cur));
                cur = n;
            }
            None => break at(cur),
        }
    };
    if passed.len() >= REMEMBER_AFTER {
        memo.borrow_mut()
            .extend(passed.into_iter().map(|k| (k, found)));
    }
    found
}

/// How many `::` casts end `e` (they are missing from its span); 0
/// past a short walk, so that binding a long chain stays linear (its
/// positions then point at the first cast).
pub(super) fn trailing_casts(e: &AstExpr) -> usize {
    const MAX_WALK: usize = 32;
    let mut n = 0;
    let mut cur = e;
    for _ in 0..MAX_WALK {
        let Some(next) = last_operand(cur) else {
            return n;
        };
        if matches!(
            cur,
            AstExpr::Cast {
                kind: CastKind::DoubleColon,
                ..
            }
        ) {
            n += 1;
        }
        cur = next;
    }
    0
}

/// The start of `e` as sqlparser would compute it (no memory).
pub(super) fn expr_start(e: &AstExpr) -> Location {
    Spans::default().start(e)
}

/// Where a syntax node starts, without walking more than one edge of a
/// chain.
pub(crate) trait Start {
    /// The node's first location.
    fn start(&self) -> Location;
}

impl Start for AstExpr {
    fn start(&self) -> Location {
        expr_start(self)
    }
}

impl Start for SetExpr {
    fn start(&self) -> Location {
        set_start(self, 0)
    }
}

impl Start for sqlparser::ast::SelectItem {
    fn start(&self) -> Location {
        match self {
            sqlparser::ast::SelectItem::UnnamedExpr(e)
            | sqlparser::ast::SelectItem::ExprWithAlias { expr: e, .. } => expr_start(e),
            other => other.span().start,
        }
    }
}

impl Start for sqlparser::ast::OrderByExpr {
    fn start(&self) -> Location {
        expr_start(&self.expr)
    }
}

impl Start for sqlparser::ast::Query {
    fn start(&self) -> Location {
        match &self.with {
            None => set_start(&self.body, 0),
            Some(_) => self.span().start,
        }
    }
}

macro_rules! start_by_span {
    ($($t:ty),*) => {
        $(impl Start for $t {
            fn start(&self) -> Location {
                self.span().start
            }
        })*
    };
}

start_by_span!(
    sqlparser::ast::ObjectName,
    sqlparser::ast::ValueWithSpan,
    sqlparser::ast::TableFactor,
    sqlparser::ast::FunctionArg
);

/// The span of `e`, by the walks above.
#[cfg(test)]
fn expr_span(e: &AstExpr) -> sqlparser::tokenizer::Span {
    let spans = Spans::default();
    sqlparser::tokenizer::Span::new(spans.start(e), spans.end(e))
}

/// The statement's text, for 1-based character positions.
pub(super) struct Text<'a> {
    /// The text.
    sql: &'a str,
    /// Characters before each line (built on the first position past
    /// line 1).
    line_starts: OnceCell<Vec<u64>>,
    /// The text as characters, when it is not ASCII (built on the first
    /// look past a position).
    chars: OnceCell<Vec<char>>,
}

impl<'a> Text<'a> {
    /// Positions in `sql`.
    pub(super) fn new(sql: &'a str) -> Self {
        Text {
            sql,
            line_starts: OnceCell::new(),
            chars: OnceCell::new(),
        }
    }

    /// 1-based character position of `loc`; None for an empty location.
    pub(super) fn position(&self, loc: Location) -> Option<u32> {
        if loc.line == 0 {
            return None;
        }
        let before = if loc.line == 1 {
            0
        } else {
            let starts = self.line_starts.get_or_init(|| {
                let mut starts = vec![0u64];
                for (i, c) in self.sql.chars().enumerate() {
                    if c == '\n' {
                        starts.push(i as u64 + 1);
                    }
                }
                starts
            });
            let line = usize::try_from(loc.line - 1).ok()?;
            *starts.get(line).or(starts.last())?
        };
        u32::try_from(before + loc.column).ok()
    }

    /// The character at 1-based position `pos`.
    pub(super) fn char_at(&self, pos: usize) -> Option<char> {
        let at = pos.checked_sub(1)?;
        if self.sql.is_ascii() {
            self.sql.as_bytes().get(at).map(|&b| char::from(b))
        } else {
            let chars = self.chars.get_or_init(|| self.sql.chars().collect());
            chars.get(at).copied()
        }
    }

    /// Where `n` `::type` suffixes starting at 1-based `pos` end:
    /// sqlparser's spans end a cast at its operand, while PostgreSQL's
    /// positions (an operator after a cast) come after the type name, its
    /// modifiers and array bounds.
    pub(super) fn skip_casts(&self, mut pos: usize, n: usize) -> usize {
        let word = |c: char| c.is_alphanumeric() || matches!(c, '_' | '.' | '"' | '$');
        let blank = |c: char| c.is_whitespace();
        for _ in 0..n {
            if self.char_at(pos) != Some(':') || self.char_at(pos + 1) != Some(':') {
                break;
            }
            pos += 2;
            pos += self.count_from(pos, blank);
            loop {
                pos += self.count_from(pos, word);
                let gap = self.count_from(pos, blank);
                match self.char_at(pos + gap) {
                    Some('(') => pos += gap + self.count_from(pos + gap, |c| c != ')') + 1,
                    Some('[') => pos += gap + self.count_from(pos + gap, |c| c != ']') + 1,
                    Some(_) => {
                        let len = self.count_from(pos + gap, word);
                        let next: String = (0..len)
                            .filter_map(|i| self.char_at(pos + gap + i))
                            .collect::<String>()
                            .to_lowercase();
                        if matches!(
                            next.as_str(),
                            "precision" | "varying" | "with" | "without" | "time" | "zone"
                        ) {
                            pos += gap;
                        } else {
                            break;
                        }
                    }
                    None => break,
                }
            }
            pos += self.count_from(pos, |c| c.is_whitespace() || c == ')');
        }
        pos
    }

    /// How many characters from 1-based position `pos` on satisfy `keep`.
    pub(super) fn count_from(&self, pos: usize, keep: impl Fn(char) -> bool) -> usize {
        let from = pos.saturating_sub(1);
        if self.sql.is_ascii() {
            let bytes = self.sql.as_bytes();
            bytes
                .get(from..)
                .unwrap_or_default()
                .iter()
                .take_while(|&&b| keep(char::from(b)))
                .count()
        } else {
            let chars = self.chars.get_or_init(|| self.sql.chars().collect());
            chars
                .get(from..)
                .unwrap_or_default()
                .iter()
                .take_while(|&&c| keep(c))
                .count()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parser::char_position;
    use sqlparser::dialect::PostgreSqlDialect;
    use sqlparser::parser::Parser;

    fn parse_expr(sql: &str) -> AstExpr {
        Parser::new(&PostgreSqlDialect {})
            .try_with_sql(sql)
            .unwrap()
            .parse_expr()
            .unwrap()
    }

    #[test]
    fn walks_agree_with_sqlparser() {
        for sql in [
            "1 + 2 * 3",
            "a::int + b",
            "(a + b) IS NULL",
            "-x || 'y' COLLATE \"C\"",
            "a LIKE 'b%' AND c BETWEEN 1 AND f(2)",
            "a IS DISTINCT FROM\n  b",
            "x = ANY(SELECT 1)",
            "f(a, b + c) * 2",
            "CASE WHEN a THEN b END + 1",
            "(SELECT 1) + x",
            "1 + abs(1 + 2)",
        ] {
            let e = parse_expr(sql);
            assert_eq!(expr_span(&e), e.span(), "{sql}");
        }
    }

    #[test]
    fn positions_agree_with_counting_from_the_start() {
        let sql = "SELECT 1,\n  'é' +\n\n   x";
        let text = Text::new(sql);
        for (line, column) in [(1, 1), (2, 3), (2, 7), (4, 4)] {
            let loc = Location::new(line, column);
            assert_eq!(text.position(loc), char_position(sql, loc));
        }
        assert_eq!(text.count_from(11, |c| c == ' '), 2);
    }

    #[test]
    fn a_long_chain_has_its_span_and_drops_without_overflow() {
        let sql = format!("SELECT {}", vec!["1"; 200_000].join("+"));
        let parsed = crate::parser::parse(&sql).unwrap();
        let [crate::parser::Parsed::Sql(ast)] = parsed.as_slice() else {
            panic!("one statement");
        };
        let sqlparser::ast::Statement::Query(q) = &**ast else {
            panic!("a query");
        };
        let SetExpr::Select(select) = q.body.as_ref() else {
            panic!("a select");
        };
        let sqlparser::ast::SelectItem::UnnamedExpr(e) = &select.projection[0] else {
            panic!("an expression");
        };
        let span = expr_span(e);
        assert_eq!(span.start, Location::new(1, 8));
        assert_eq!(span.end.column, 400_007);
        drop(parsed);
    }
}
