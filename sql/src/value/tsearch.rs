//! The text search types: tsvector (sorted, distinct lexemes, each with
//! positions and weights) and tsquery (lexemes joined by `& | ! <->`),
//! read and printed as PostgreSQL's tsvector.c / tsquery.c do, and
//! matched as tsvector_op.c's TS_execute does, phrase positions too.

use std::cmp::Ordering;

use crate::error::{Result, SqlError, SqlState};

/// MAXENTRYPOS: positions run 1 to 16383.
pub const MAX_POS: u16 = (1 << 14) - 1;
/// MAXNUMPOS: positions kept per lexeme.
const MAX_NUM_POS: usize = 256;
/// The deepest tsquery tree kept: the walks over a query (printing,
/// matching, comparing, dropping) recurse, so deeper queries end with
/// 54001 as PostgreSQL's check_stack_depth would, not a stack overflow.
pub const MAX_DEPTH: usize = 2000;

/// MAXSTRLEN: the longest lexeme, in bytes.
const MAX_LEXEME: usize = (1 << 11) - 1;

/// A position with its weight (0 = D ... 3 = A) in the top two bits, as
/// WordEntryPos.
pub type Pos = u16;

/// The position part.
pub fn pos_of(p: Pos) -> u16 {
    p & 0x3fff
}
/// The weight part (0 = D, 3 = A).
pub fn weight_of(p: Pos) -> u8 {
    (p >> 14) as u8
}
/// A position with a weight.
pub fn make_pos(pos: u16, weight: u8) -> Pos {
    (u16::from(weight) << 14) | pos.min(MAX_POS)
}

/// One lexeme of a tsvector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lexeme {
    /// The lexeme.
    pub word: String,
    /// Its positions, ascending (empty when stripped or given none).
    pub pos: Vec<Pos>,
}

/// A tsvector: lexemes in byte order, each once.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TsVector {
    /// The lexemes.
    pub lexemes: Vec<Lexeme>,
}

/// One node of a tsquery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QNode {
    /// A lexeme: weights as a bit set (A = 8, B = 4, C = 2, D = 1; 0 any),
    /// prefix match.
    Val {
        /// The lexeme.
        word: String,
        /// Weights to match.
        weight: u8,
        /// `:*`.
        prefix: bool,
    },
    /// `!q`.
    Not(Box<QNode>),
    /// `a & b`.
    And(Box<QNode>, Box<QNode>),
    /// `a | b`.
    Or(Box<QNode>, Box<QNode>),
    /// `a <n> b`.
    Phrase(Box<QNode>, Box<QNode>, u16),
}

/// A tsquery (None: the empty query).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TsQuery {
    /// The root.
    pub root: Option<QNode>,
}

fn syntax(msg: String) -> SqlError {
    SqlError::new(SqlState::SYNTAX_ERROR, msg)
}

/// The token reader shared by tsvector and tsquery input
/// (gettoken_tsvector): a word, quoted or not, with backslash escapes;
/// in a tsquery operators end it.
struct Tokens<'a> {
    s: &'a [char],
    i: usize,
    text: &'a str,
    query: bool,
}

fn is_operator(c: char) -> bool {
    matches!(c, '!' | '&' | '|' | '(' | ')' | '<')
}

impl Tokens<'_> {
    fn peek(&self) -> Option<char> {
        self.s.get(self.i).copied()
    }

    fn bad(&self) -> SqlError {
        if self.query {
            syntax(format!("syntax error in tsquery: \"{}\"", self.text))
        } else {
            syntax(format!("syntax error in tsvector: \"{}\"", self.text))
        }
    }

    /// The next word (None at the end), and for a tsvector its
    /// positions.
    fn word(&mut self) -> Result<Option<(String, Vec<Pos>)>> {
        let mut w = String::new();
        // Skip blanks.
        loop {
            match self.peek() {
                None => return Ok(None),
                Some(c) if c.is_whitespace() => self.i += 1,
                _ => break,
            }
        }
        let Some(c) = self.peek() else {
            return Ok(None);
        };
        if c == '\'' {
            self.i += 1;
            loop {
                match self.peek() {
                    None => return Err(self.bad()),
                    Some('\'') if self.s.get(self.i + 1) == Some(&'\'') => {
                        w.push('\'');
                        self.i += 2;
                    }
                    Some('\'') => {
                        self.i += 1;
                        break;
                    }
                    Some('\\') => {
                        self.i += 1;
                        w.push(self.escaped()?);
                    }
                    Some(c) => {
                        w.push(c);
                        self.i += 1;
                    }
                }
            }
            if w.is_empty() {
                return Err(self.bad());
            }
        } else {
            if self.query && is_operator(c) {
                return Err(self.bad());
            }
            loop {
                match self.peek() {
                    Some('\\') => {
                        self.i += 1;
                        w.push(self.escaped()?);
                    }
                    None => break,
                    Some(c) if c.is_whitespace() => break,
                    Some(c) if self.query && is_operator(c) => break,
                    Some(':') => break,
                    Some(c) => {
                        w.push(c);
                        self.i += 1;
                    }
                }
            }
            if w.is_empty() {
                return Err(self.bad());
            }
        }
        if w.len() > MAX_LEXEME {
            return Err(syntax(format!(
                "word is too long ({} bytes, max {MAX_LEXEME} bytes)",
                w.len()
            )));
        }
        if self.query || self.peek() != Some(':') {
            return Ok(Some((w, Vec::new())));
        }
        // Positions: `:1A,2,3B`.
        self.i += 1;
        let mut pos: Vec<Pos> = Vec::new();
        loop {
            let start = self.i;
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.i += 1;
            }
            if self.i == start {
                return Err(self.bad());
            }
            let digits: String = self.s[start..self.i].iter().collect();
            let n: u64 = digits.parse().unwrap_or(u64::MAX);
            let p = n.min(u64::from(MAX_POS)) as u16;
            if p == 0 {
                return Err(syntax(format!(
                    "wrong position info in tsvector: \"{}\"",
                    self.text
                )));
            }
            // Weight letters (a second only over D, as WEP_GETWEIGHT
            // is 0 for D) and stray digits, as gettoken_tsvector.
            let mut weight = 0u8;
            loop {
                match self.peek() {
                    Some(c @ ('a' | 'A' | '*' | 'b' | 'B' | 'c' | 'C' | 'd' | 'D')) => {
                        if weight != 0 {
                            return Err(self.bad());
                        }
                        weight = match c {
                            'a' | 'A' | '*' => 3,
                            'b' | 'B' => 2,
                            'c' | 'C' => 1,
                            _ => 0,
                        };
                        self.i += 1;
                    }
                    Some(c) if c.is_ascii_digit() => self.i += 1,
                    _ => break,
                }
            }
            pos.push(make_pos(p, weight));
            match self.peek() {
                Some(',') => self.i += 1,
                None => break,
                Some(c) if c.is_whitespace() => break,
                _ => return Err(self.bad()),
            }
        }
        Ok(Some((w, pos)))
    }

    fn escaped(&mut self) -> Result<char> {
        match self.peek() {
            Some(c) => {
                self.i += 1;
                Ok(c)
            }
            None => Err(syntax(format!(
                "there is no escaped character: \"{}\"",
                self.text
            ))),
        }
    }
}

/// uniquePos: positions sorted, one per position (the highest weight),
/// at most 256.
fn unique_pos(mut p: Vec<Pos>) -> Vec<Pos> {
    if p.len() <= 1 {
        return p;
    }
    p.sort_by_key(|x| pos_of(*x));
    let mut out: Vec<Pos> = Vec::with_capacity(p.len());
    for x in p {
        match out.last_mut() {
            Some(last) if pos_of(*last) == pos_of(x) => {
                if weight_of(x) > weight_of(*last) {
                    *last = x;
                }
            }
            _ => {
                if out.len() >= MAX_NUM_POS || out.last().is_some_and(|l| pos_of(*l) == MAX_POS) {
                    break;
                }
                out.push(x);
            }
        }
    }
    out
}

impl TsVector {
    /// A tsvector of these words and positions: sorted, duplicates'
    /// positions merged (uniqueentry).
    pub fn from_words(mut words: Vec<(String, Vec<Pos>)>) -> TsVector {
        words.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        let mut lexemes: Vec<Lexeme> = Vec::with_capacity(words.len());
        for (w, p) in words {
            match lexemes.last_mut() {
                Some(last) if last.word == w => last.pos.extend(p),
                _ => lexemes.push(Lexeme { word: w, pos: p }),
            }
        }
        for l in &mut lexemes {
            l.pos = unique_pos(std::mem::take(&mut l.pos));
        }
        TsVector { lexemes }
    }

    /// tsvectorin.
    pub fn parse(text: &str) -> Result<TsVector> {
        let chars: Vec<char> = text.chars().collect();
        let mut t = Tokens {
            s: &chars,
            i: 0,
            text,
            query: false,
        };
        let mut words = Vec::new();
        while let Some(w) = t.word()? {
            words.push(w);
        }
        Ok(TsVector::from_words(words))
    }

    /// tsvectorout.
    pub fn write(&self, out: &mut String) {
        for (i, l) in self.lexemes.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            quote_lexeme(&l.word, out);
            for (k, p) in l.pos.iter().enumerate() {
                out.push(if k == 0 { ':' } else { ',' });
                out.push_str(&pos_of(*p).to_string());
                match weight_of(*p) {
                    3 => out.push('A'),
                    2 => out.push('B'),
                    1 => out.push('C'),
                    _ => {}
                }
            }
        }
    }

    /// The lexeme `word`, if present.
    pub fn find(&self, word: &str) -> Option<&Lexeme> {
        self.lexemes
            .binary_search_by(|l| l.word.as_bytes().cmp(word.as_bytes()))
            .ok()
            .map(|i| &self.lexemes[i])
    }

    /// The lexemes starting with `prefix` (in order).
    fn with_prefix<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = &'a Lexeme> + 'a {
        let start = self
            .lexemes
            .partition_point(|l| l.word.as_bytes() < prefix.as_bytes());
        self.lexemes[start..]
            .iter()
            .take_while(move |l| l.word.as_bytes().starts_with(prefix.as_bytes()))
    }

    /// silly_cmp_tsvector: by the stored size, the number of lexemes,
    /// then lexeme by lexeme (with positions first), bytes, positions.
    pub fn compare(&self, other: &TsVector) -> Ordering {
        let stored = |v: &TsVector| -> usize {
            let mut total = 0usize;
            for l in &v.lexemes {
                total += l.word.len();
                if !l.pos.is_empty() {
                    total = total.div_ceil(2) * 2 + 2 + 2 * l.pos.len();
                }
            }
            8 + 4 * v.lexemes.len() + total
        };
        stored(self)
            .cmp(&stored(other))
            .then(self.lexemes.len().cmp(&other.lexemes.len()))
            .then_with(|| {
                for (a, b) in self.lexemes.iter().zip(&other.lexemes) {
                    let o = (!b.pos.is_empty())
                        .cmp(&!a.pos.is_empty())
                        .then_with(|| a.word.as_bytes().cmp(b.word.as_bytes()))
                        .then(a.pos.len().cmp(&b.pos.len()))
                        .then_with(|| {
                            a.pos
                                .iter()
                                .zip(&b.pos)
                                .map(|(x, y)| {
                                    pos_of(*x)
                                        .cmp(&pos_of(*y))
                                        .then(weight_of(*x).cmp(&weight_of(*y)))
                                })
                                .find(|o| o.is_ne())
                                .unwrap_or(Ordering::Equal)
                        });
                    if o.is_ne() {
                        return o;
                    }
                }
                Ordering::Equal
            })
    }

    /// The largest position (for `||`'s shift).
    pub fn max_pos(&self) -> u16 {
        self.lexemes
            .iter()
            .flat_map(|l| l.pos.iter().map(|p| pos_of(*p)))
            .max()
            .unwrap_or(0)
    }

    /// `a || b`: b's positions shifted past a's.
    pub fn concat(&self, b: &TsVector) -> TsVector {
        let shift = self.max_pos();
        let mut words: Vec<(String, Vec<Pos>)> = self
            .lexemes
            .iter()
            .map(|l| (l.word.clone(), l.pos.clone()))
            .collect();
        for l in &b.lexemes {
            let pos = l
                .pos
                .iter()
                .map(|p| make_pos(pos_of(*p).saturating_add(shift).min(MAX_POS), weight_of(*p)))
                .collect();
            words.push((l.word.clone(), pos));
        }
        TsVector::from_words(words)
    }

    /// `tsvector @@ tsquery` (ts_match_vq).
    pub fn matches(&self, q: &TsQuery) -> bool {
        let check = |n: &QNode, data: Option<&mut Phrase>| match n {
            QNode::Val {
                word,
                weight,
                prefix,
            } => check_val(self, word, *weight, *prefix, data),
            _ => Tri::No,
        };
        match &q.root {
            None => false,
            Some(root) => execute(root, &check) == Tri::Yes,
        }
    }
}

/// A lexeme quoted as tsvectorout / tsqueryout print it.
fn quote_lexeme(w: &str, out: &mut String) {
    out.push('\'');
    for c in w.chars() {
        if c == '\'' || c == '\\' {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
}

/// Operator priorities (tsearch_op_priority).
fn priority(n: &QNode) -> i32 {
    match n {
        QNode::Val { .. } => 5,
        QNode::Not(_) => 4,
        QNode::Phrase(..) => 3,
        QNode::And(..) => 2,
        QNode::Or(..) => 1,
    }
}

/// The operators of the tsquery parser's stack.
#[derive(Clone, Copy, PartialEq)]
enum Op {
    Not,
    And,
    Or,
    Phrase(u16),
}

fn op_priority(o: Op) -> i32 {
    match o {
        Op::Not => 4,
        Op::Phrase(_) => 3,
        Op::And => 2,
        Op::Or => 1,
    }
}

/// to_tsquery's dictionaries: an operand's lexemes.
pub type Normalize<'n> = dyn FnMut(&str) -> Vec<String> + 'n;

/// The tsquery parser (parse_tsquery's makepol): operands are pushed,
/// operators applied by priority, `!` right-associative.
struct QueryParser<'a, 'n> {
    t: Tokens<'a>,
    vals: Vec<QNode>,
    depth: i32,
    /// Lexemes are passed through this (to_tsquery's dictionaries);
    /// None keeps them as written.
    normalize: Option<&'n mut Normalize<'n>>,
}

/// The depth of a query tree, without recursion.
pub fn depth(root: &QNode) -> usize {
    let mut max = 0;
    let mut stack = vec![(root, 1usize)];
    while let Some((n, d)) = stack.pop() {
        max = max.max(d);
        match n {
            QNode::Val { .. } => {}
            QNode::Not(a) => stack.push((a, d + 1)),
            QNode::And(a, b) | QNode::Or(a, b) | QNode::Phrase(a, b, _) => {
                stack.push((a, d + 1));
                stack.push((b, d + 1));
            }
        }
    }
    max
}

/// 54001 for a query deeper than [`MAX_DEPTH`].
pub fn check_depth(root: &QNode) -> Result<()> {
    if depth(root) > MAX_DEPTH {
        return Err(crate::stack::too_deep());
    }
    Ok(())
}

impl QueryParser<'_, '_> {
    fn apply(&mut self, op: Op) -> Result<()> {
        let bad = || syntax(format!("syntax error in tsquery: \"{}\"", self.t.text));
        let r = self.vals.pop().ok_or_else(bad)?;
        let node = match op {
            Op::Not => QNode::Not(Box::new(r)),
            _ => {
                let l = self.vals.pop().ok_or_else(bad)?;
                match op {
                    Op::And => QNode::And(Box::new(l), Box::new(r)),
                    Op::Or => QNode::Or(Box::new(l), Box::new(r)),
                    Op::Phrase(d) => QNode::Phrase(Box::new(l), Box::new(r), d),
                    Op::Not => unreachable!(),
                }
            }
        };
        self.vals.push(node);
        Ok(())
    }

    fn clean(&mut self, stack: &mut Vec<Op>, op: Op) -> Result<()> {
        let p = op_priority(op);
        while let Some(&top) = stack.last() {
            let top_p = op_priority(top);
            if (op != Op::Not && p > top_p) || (op == Op::Not && p >= top_p) {
                break;
            }
            stack.pop();
            self.apply(top)?;
        }
        Ok(())
    }

    /// `:*ABCD` after an operand (get_modifiers).
    fn modifiers(&mut self) -> (u8, bool) {
        let (mut weight, mut prefix) = (0u8, false);
        if self.t.peek() != Some(':') {
            return (0, false);
        }
        self.t.i += 1;
        loop {
            match self.t.peek() {
                Some('a' | 'A') => weight |= 1 << 3,
                Some('b' | 'B') => weight |= 1 << 2,
                Some('c' | 'C') => weight |= 1 << 1,
                Some('d' | 'D') => weight |= 1,
                Some('*') => prefix = true,
                _ => break,
            }
            self.t.i += 1;
        }
        (weight, prefix)
    }

    fn skip_space(&mut self) {
        while self.t.peek().is_some_and(char::is_whitespace) {
            self.t.i += 1;
        }
    }

    /// `<->` or `<n>` after the `<`.
    fn phrase(&mut self) -> Result<u16> {
        let bad = || syntax(format!("syntax error in tsquery: \"{}\"", self.t.text));
        self.t.i += 1;
        if self.t.peek() == Some('-') && self.t.s.get(self.t.i + 1) == Some(&'>') {
            self.t.i += 2;
            return Ok(1);
        }
        let start = self.t.i;
        while self.t.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.t.i += 1;
        }
        if self.t.i == start || self.t.peek() != Some('>') {
            return Err(bad());
        }
        let digits: String = self.t.s[start..self.t.i].iter().collect();
        self.t.i += 1;
        match digits.parse::<u32>() {
            Ok(n) if n <= u32::from(MAX_POS) + 1 => Ok(n.min(u32::from(MAX_POS)) as u16),
            _ => Err(syntax(
                "distance in phrase operator must be an integer value between zero and 16384 inclusive"
                    .into(),
            )),
        }
    }

    /// makepol: one level (inside one pair of parentheses).
    fn level(&mut self, first: bool) -> Result<()> {
        crate::stack::check()?;
        if self.depth as usize > MAX_DEPTH {
            return Err(crate::stack::too_deep());
        }
        let mut stack: Vec<Op> = Vec::new();
        let mut want_operand = true;
        let mut first = first;
        loop {
            self.skip_space();
            if want_operand {
                match self.t.peek() {
                    Some('!') => {
                        self.t.i += 1;
                        self.clean(&mut stack, Op::Not)?;
                        stack.push(Op::Not);
                        first = false;
                    }
                    Some('(') => {
                        self.t.i += 1;
                        self.depth += 1;
                        self.level(false)?;
                        want_operand = false;
                        first = false;
                    }
                    Some(':') => return Err(self.t.bad()),
                    None if first => break,
                    None => {
                        return Err(syntax(format!(
                            "no operand in tsquery: \"{}\"",
                            self.t.text
                        )))
                    }
                    Some(_) => {
                        let Some((w, _)) = self.t.word()? else {
                            return Err(syntax(format!(
                                "no operand in tsquery: \"{}\"",
                                self.t.text
                            )));
                        };
                        let (weight, prefix) = self.modifiers();
                        self.push_operand(w, weight, prefix);
                        want_operand = false;
                        first = false;
                    }
                }
            } else {
                let op = match self.t.peek() {
                    Some('|') => {
                        self.t.i += 1;
                        Op::Or
                    }
                    Some('&') => {
                        self.t.i += 1;
                        Op::And
                    }
                    Some('<') => Op::Phrase(self.phrase()?),
                    Some(')') => {
                        self.t.i += 1;
                        self.depth -= 1;
                        if self.depth < 0 {
                            return Err(self.t.bad());
                        }
                        self.clean(&mut stack, Op::Or)?;
                        while let Some(o) = stack.pop() {
                            self.apply(o)?;
                        }
                        return Ok(());
                    }
                    None => {
                        if self.depth != 0 {
                            return Err(self.t.bad());
                        }
                        break;
                    }
                    Some(_) => return Err(self.t.bad()),
                };
                self.clean(&mut stack, op)?;
                stack.push(op);
                want_operand = true;
            }
        }
        self.clean(&mut stack, Op::Or)?;
        while let Some(o) = stack.pop() {
            self.apply(o)?;
        }
        Ok(())
    }

    /// An operand, through the dictionaries when there are any: none
    /// left (a stop word) pushes a placeholder that cleanup removes,
    /// several are joined by `&` (or `<->` for to_tsquery's compound
    /// words, as PostgreSQL's pushval_morph).
    fn push_operand(&mut self, w: String, weight: u8, prefix: bool) {
        let words = match self.normalize.as_mut() {
            None => vec![w],
            Some(f) => f(&w),
        };
        let mut it = words.into_iter();
        let Some(first) = it.next() else {
            self.vals.push(QNode::Val {
                word: String::new(),
                weight: 0xff,
                prefix,
            });
            return;
        };
        let mut node = QNode::Val {
            word: first,
            weight,
            prefix,
        };
        for w in it {
            node = QNode::Phrase(
                Box::new(node),
                Box::new(QNode::Val {
                    word: w,
                    weight,
                    prefix,
                }),
                1,
            );
        }
        self.vals.push(node);
    }
}

/// Removes stop-word placeholders (clean_stopwords): an operator with
/// one side gone becomes the other side, a NOT of nothing is nothing;
/// a phrase operator's distance grows by the placeholders it spans.
fn clean_stopwords(n: QNode) -> Option<QNode> {
    match n {
        QNode::Val { weight: 0xff, .. } => None,
        v @ QNode::Val { .. } => Some(v),
        QNode::Not(a) => clean_stopwords(*a).map(|a| QNode::Not(Box::new(a))),
        QNode::And(a, b) => pair(clean_stopwords(*a), clean_stopwords(*b), QNode::And),
        QNode::Or(a, b) => pair(clean_stopwords(*a), clean_stopwords(*b), QNode::Or),
        QNode::Phrase(a, b, d) => {
            let (l, r) = (clean_stopwords(*a), clean_stopwords(*b));
            match (l, r) {
                (Some(l), Some(r)) => Some(QNode::Phrase(Box::new(l), Box::new(r), d)),
                (l, r) => l.or(r),
            }
        }
    }
}

fn pair(
    l: Option<QNode>,
    r: Option<QNode>,
    make: fn(Box<QNode>, Box<QNode>) -> QNode,
) -> Option<QNode> {
    match (l, r) {
        (Some(l), Some(r)) => Some(make(Box::new(l), Box::new(r))),
        (l, r) => l.or(r),
    }
}

impl TsQuery {
    /// tsqueryin (`normalize`: to_tsquery's dictionaries). An empty
    /// query is allowed (with a NOTICE from the caller).
    pub fn parse<'n>(text: &str, normalize: Option<&'n mut Normalize<'n>>) -> Result<TsQuery> {
        let chars: Vec<char> = text.chars().collect();
        let cleans = normalize.is_some();
        let mut p = QueryParser {
            t: Tokens {
                s: &chars,
                i: 0,
                text,
                query: true,
            },
            vals: Vec::new(),
            depth: 0,
            normalize,
        };
        p.level(true)?;
        let root = p.vals.pop();
        if !p.vals.is_empty() {
            return Err(syntax(format!("syntax error in tsquery: \"{text}\"")));
        }
        if let Some(r) = &root {
            check_depth(r)?;
        }
        let root = if cleans {
            root.and_then(clean_stopwords)
        } else {
            root
        };
        Ok(TsQuery { root })
    }

    /// tsqueryout.
    pub fn write(&self, out: &mut String) {
        if let Some(r) = &self.root {
            infix(r, -1, false, out);
        }
    }

    /// The distinct lexemes, sorted (collectTSQueryValues).
    pub fn values(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self
            .root
            .as_ref()
            .map(|r| {
                operand_nodes(r)
                    .into_iter()
                    .map(|n| val_parts(n).0)
                    .collect()
            })
            .unwrap_or_default();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// CompareTSQ: by the number of nodes, the stored size, then node
    /// by node (QTNodeCompare, lexemes by their legacy CRC first).
    pub fn compare(&self, other: &TsQuery) -> Ordering {
        let size = |q: &TsQuery| q.numnode();
        let bytes = |q: &TsQuery| -> usize {
            q.root
                .as_ref()
                .map(|r| {
                    operand_nodes(r)
                        .iter()
                        .map(|n| val_parts(n).0.len() + 1)
                        .sum()
                })
                .unwrap_or(0)
        };
        size(self)
            .cmp(&size(other))
            .then(bytes(self).cmp(&bytes(other)))
            .then_with(|| match (&self.root, &other.root) {
                (Some(a), Some(b)) => node_compare(a, b),
                _ => Ordering::Equal,
            })
    }

    /// numnode: the number of nodes.
    pub fn numnode(&self) -> i32 {
        fn count(n: &QNode) -> i32 {
            match n {
                QNode::Val { .. } => 1,
                QNode::Not(a) => 1 + count(a),
                QNode::And(a, b) | QNode::Or(a, b) | QNode::Phrase(a, b, _) => {
                    1 + count(a) + count(b)
                }
            }
        }
        self.root.as_ref().map_or(0, count)
    }
}

/// tsquery.c's infix: operands quoted, parentheses where a lower
/// priority sits under a higher one (and a phrase on a phrase's right).
fn infix(n: &QNode, parent: i32, right_phrase: bool, out: &mut String) {
    match n {
        QNode::Val {
            word,
            weight,
            prefix,
        } => {
            quote_lexeme(word, out);
            if *weight != 0 || *prefix {
                out.push(':');
                if *prefix {
                    out.push('*');
                }
                for (bit, c) in [(8, 'A'), (4, 'B'), (2, 'C'), (1, 'D')] {
                    if weight & bit != 0 {
                        out.push(c);
                    }
                }
            }
        }
        QNode::Not(a) => {
            let p = priority(n);
            if p < parent {
                out.push_str("( ");
            }
            out.push('!');
            infix(a, p, false, out);
            if p < parent {
                out.push_str(" )");
            }
        }
        QNode::And(a, b) | QNode::Or(a, b) | QNode::Phrase(a, b, _) => {
            let p = priority(n);
            let is_phrase = matches!(n, QNode::Phrase(..));
            let paren = p < parent || (is_phrase && right_phrase);
            if paren {
                out.push_str("( ");
            }
            infix(a, p, false, out);
            match n {
                QNode::Or(..) => out.push_str(" | "),
                QNode::And(..) => out.push_str(" & "),
                QNode::Phrase(_, _, 1) => out.push_str(" <-> "),
                QNode::Phrase(_, _, d) => {
                    out.push_str(&format!(" <{d}> "));
                }
                _ => {}
            }
            infix(b, p, is_phrase, out);
            if paren {
                out.push_str(" )");
            }
        }
    }
}

/// TSTernaryValue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tri {
    No,
    Yes,
    Maybe,
}

/// ExecPhraseData: matching positions, how wide the match is, and
/// whether the positions are where it does NOT match.
#[derive(Default)]
struct Phrase {
    pos: Vec<u16>,
    width: i32,
    negate: bool,
}

/// checkcondition_str: whether the vector has the operand (and with
/// `data`, at which positions).
fn check_val(v: &TsVector, word: &str, weight: u8, prefix: bool, data: Option<&mut Phrase>) -> Tri {
    let class = |l: &Lexeme, want_pos: bool, out: &mut Vec<u16>| -> Tri {
        if l.pos.is_empty() {
            return if want_pos { Tri::Maybe } else { Tri::Yes };
        }
        let mut any = false;
        for p in &l.pos {
            if weight == 0 || weight & (1 << weight_of(*p)) != 0 {
                any = true;
                if want_pos {
                    out.push(pos_of(*p));
                } else {
                    break;
                }
            }
        }
        if any {
            Tri::Yes
        } else {
            Tri::No
        }
    };
    let want = data.is_some();
    let mut positions = Vec::new();
    let mut res = Tri::No;
    if prefix {
        for l in v.with_prefix(word) {
            match class(l, want, &mut positions) {
                Tri::Maybe => return Tri::Maybe,
                Tri::Yes => {
                    res = Tri::Yes;
                    if !want {
                        break;
                    }
                }
                Tri::No => {}
            }
        }
        positions.sort_unstable();
        positions.dedup();
    } else if let Some(l) = v.find(word) {
        res = class(l, want, &mut positions);
    }
    if let Some(d) = data {
        if res == Tri::Yes {
            d.pos = positions;
        }
    }
    res
}

/// TS_execute_recurse.
/// How an operand matches: its answer, and with `data` its positions.
type Check<'c> = dyn Fn(&QNode, Option<&mut Phrase>) -> Tri + 'c;

fn execute(n: &QNode, v: &Check<'_>) -> Tri {
    match n {
        QNode::Val { .. } => v(n, None),
        QNode::Not(a) => match execute(a, v) {
            Tri::No => Tri::Yes,
            Tri::Yes => Tri::No,
            Tri::Maybe => Tri::Maybe,
        },
        QNode::And(a, b) => {
            let l = execute(a, v);
            if l == Tri::No {
                return Tri::No;
            }
            match execute(b, v) {
                Tri::No => Tri::No,
                Tri::Yes => l,
                Tri::Maybe => Tri::Maybe,
            }
        }
        QNode::Or(a, b) => {
            let l = execute(a, v);
            if l == Tri::Yes {
                return Tri::Yes;
            }
            match execute(b, v) {
                Tri::No => l,
                Tri::Yes => Tri::Yes,
                Tri::Maybe => Tri::Maybe,
            }
        }
        QNode::Phrase(..) => match phrase_execute(n, v, None) {
            Tri::Yes => Tri::Yes,
            _ => Tri::No,
        },
    }
}

/// Emit flags of TS_phrase_output.
const BOTH: u8 = 1;
const L_ONLY: u8 = 2;
const R_ONLY: u8 = 4;

/// TS_phrase_output: merges two position lists.
fn phrase_output(
    data: Option<&mut Phrase>,
    l: &Phrase,
    r: &Phrase,
    emit: u8,
    loff: i32,
    roff: i32,
) -> Tri {
    let (mut li, mut ri) = (0, 0);
    let mut out = Vec::new();
    let want = data.is_some();
    while li < l.pos.len() || ri < r.pos.len() {
        let lpos = if li < l.pos.len() {
            i32::from(l.pos[li]) + loff
        } else {
            if emit & R_ONLY == 0 {
                break;
            }
            i32::MAX
        };
        let rpos = if ri < r.pos.len() {
            i32::from(r.pos[ri]) + roff
        } else {
            if emit & L_ONLY == 0 {
                break;
            }
            i32::MAX
        };
        let mut output = 0;
        match lpos.cmp(&rpos) {
            Ordering::Less => {
                if emit & L_ONLY != 0 {
                    output = lpos;
                }
                li += 1;
            }
            Ordering::Equal => {
                if emit & BOTH != 0 {
                    output = rpos;
                }
                li += 1;
                ri += 1;
            }
            Ordering::Greater => {
                if emit & R_ONLY != 0 {
                    output = rpos;
                }
                ri += 1;
            }
        }
        if output > 0 {
            if !want {
                return Tri::Yes;
            }
            out.push(output.min(i32::from(u16::MAX)) as u16);
        }
    }
    match data {
        Some(d) if !out.is_empty() => {
            d.pos = out;
            Tri::Yes
        }
        _ => Tri::No,
    }
}

/// TS_phrase_execute.
fn phrase_execute(n: &QNode, v: &Check<'_>, data: Option<&mut Phrase>) -> Tri {
    match n {
        QNode::Val { .. } => v(n, data),
        QNode::Not(a) => {
            let mut inner = Phrase::default();
            match phrase_execute(a, v, Some(&mut inner)) {
                Tri::No => {
                    if let Some(d) = data {
                        *d = Phrase {
                            negate: true,
                            ..Phrase::default()
                        };
                    }
                    Tri::Yes
                }
                Tri::Yes => {
                    if !inner.pos.is_empty() {
                        if let Some(d) = data {
                            *d = Phrase {
                                negate: !inner.negate,
                                ..inner
                            };
                        }
                        Tri::Yes
                    } else {
                        // A negated empty set: nowhere does it not match.
                        Tri::No
                    }
                }
                Tri::Maybe => Tri::Maybe,
            }
        }
        QNode::And(a, b) | QNode::Phrase(a, b, _) => {
            let mut l = Phrase::default();
            let mut r = Phrase::default();
            let lm = phrase_execute(a, v, Some(&mut l));
            if lm == Tri::No {
                return Tri::No;
            }
            let rm = phrase_execute(b, v, Some(&mut r));
            if rm == Tri::No {
                return Tri::No;
            }
            if lm == Tri::Maybe || rm == Tri::Maybe {
                return Tri::Maybe;
            }
            let (loff, roff, width) = match n {
                QNode::Phrase(_, _, d) => {
                    let d = i32::from(*d);
                    (d + r.width, 0, d + l.width + r.width)
                }
                _ => {
                    let w = l.width.max(r.width);
                    (w - l.width, w - r.width, w)
                }
            };
            let mut out = Phrase {
                width,
                ..Phrase::default()
            };
            let res = if l.negate && r.negate {
                phrase_output(Some(&mut out), &l, &r, BOTH | L_ONLY | R_ONLY, loff, roff);
                out.negate = true;
                Tri::Yes
            } else if l.negate {
                phrase_output(Some(&mut out), &l, &r, R_ONLY, loff, roff)
            } else if r.negate {
                phrase_output(Some(&mut out), &l, &r, L_ONLY, loff, roff)
            } else {
                phrase_output(Some(&mut out), &l, &r, BOTH, loff, roff)
            };
            if let Some(d) = data {
                *d = out;
            }
            res
        }
        QNode::Or(a, b) => {
            let mut l = Phrase::default();
            let mut r = Phrase::default();
            let lm = phrase_execute(a, v, Some(&mut l));
            let rm = phrase_execute(b, v, Some(&mut r));
            if lm == Tri::No && rm == Tri::No {
                return Tri::No;
            }
            if lm == Tri::Maybe || rm == Tri::Maybe {
                return Tri::Maybe;
            }
            if lm == Tri::No {
                l.width = 0;
            }
            if rm == Tri::No {
                r.width = 0;
            }
            let w = l.width.max(r.width);
            let (loff, roff) = (w - l.width, w - r.width);
            let mut out = Phrase {
                width: w,
                ..Phrase::default()
            };
            let res = if l.negate && r.negate {
                phrase_output(Some(&mut out), &l, &r, BOTH, loff, roff);
                out.negate = true;
                Tri::Yes
            } else if l.negate {
                phrase_output(Some(&mut out), &l, &r, L_ONLY, loff, roff);
                out.negate = true;
                Tri::Yes
            } else if r.negate {
                phrase_output(Some(&mut out), &l, &r, R_ONLY, loff, roff);
                out.negate = true;
                Tri::Yes
            } else {
                phrase_output(Some(&mut out), &l, &r, BOTH | L_ONLY | R_ONLY, loff, roff)
            };
            if let Some(d) = data {
                *d = out;
            }
            res
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(t: &str) -> String {
        let mut s = String::new();
        TsVector::parse(t).unwrap().write(&mut s);
        s
    }

    fn q(t: &str) -> String {
        let mut s = String::new();
        TsQuery::parse(t, None).unwrap().write(&mut s);
        s
    }

    #[test]
    fn text_forms_as_postgresql() {
        assert_eq!(
            v("a b:89  ca:23A,64b d:34c"),
            "'a' 'b':89 'ca':23A,64B 'd':34C"
        );
        assert_eq!(v("a:1 a:2B a:1C"), "'a':1C,2B");
        assert_eq!(q("1&(2&(4&(5|!6)))"), "'1' & '2' & '4' & ( '5' | !'6' )");
        assert_eq!(
            q("a:* & nbb:*ac | doo:a* | goo"),
            "'a':* & 'nbb':*AC | 'doo':*A | 'goo'"
        );
        assert_eq!(q("!!b"), "!!'b'");
        assert_eq!(q("a <-> b <2> c"), "'a' <-> 'b' <2> 'c'");
        assert_eq!(q("a & (b | c)"), "'a' & ( 'b' | 'c' )");
        assert!(TsQuery::parse("a &", None).is_err());
    }

    #[test]
    fn matching_with_phrases() {
        let vec = TsVector::parse("1:1 2:2 3:3 1:4").unwrap();
        let m = |t: &str| vec.matches(&TsQuery::parse(t, None).unwrap());
        assert!(m("1 <-> 2"));
        assert!(!m("1 <2> 2"));
        assert!(m("1 <2> 3"));
        assert!(!m("1 <-> 3"));
        assert!(m("1 & !5"));
    }
}

// ---- Ranking (tsrank.c) ----

/// The default weights of D, C, B, A.
pub const DEFAULT_WEIGHTS: [f32; 4] = [0.1, 0.2, 0.4, 1.0];

/// The operand nodes of `root`, in polish order.
fn operand_nodes(root: &QNode) -> Vec<&QNode> {
    fn walk<'a>(n: &'a QNode, out: &mut Vec<&'a QNode>) {
        match n {
            QNode::Val { .. } => out.push(n),
            QNode::Not(a) => walk(a, out),
            QNode::And(a, b) | QNode::Or(a, b) | QNode::Phrase(a, b, _) => {
                walk(b, out);
                walk(a, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(root, &mut out);
    out
}

fn val_parts(n: &QNode) -> (&str, u8, bool) {
    match n {
        QNode::Val {
            word,
            weight,
            prefix,
        } => (word, *weight, *prefix),
        _ => ("", 0, false),
    }
}

/// find_wordentry: the indexes of the lexemes an operand matches.
fn entries(v: &TsVector, word: &str, prefix: bool) -> Vec<usize> {
    if prefix {
        let start = v
            .lexemes
            .partition_point(|l| l.word.as_bytes() < word.as_bytes());
        (start..v.lexemes.len())
            .take_while(|&i| v.lexemes[i].word.as_bytes().starts_with(word.as_bytes()))
            .collect()
    } else {
        v.lexemes
            .binary_search_by(|l| l.word.as_bytes().cmp(word.as_bytes()))
            .map(|i| vec![i])
            .unwrap_or_default()
    }
}

/// SortAndUniqItems: the operands, sorted and distinct by lexeme.
fn unique_operands(root: &QNode) -> Vec<(&str, bool)> {
    let mut items: Vec<(&str, bool)> = operand_nodes(root)
        .into_iter()
        .map(|n| {
            let (w, _, p) = val_parts(n);
            (w, p)
        })
        .collect();
    if items.len() < 2 {
        return items;
    }
    items.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    items.dedup_by(|a, b| a.0 == b.0);
    items
}

/// word_distance.
fn word_distance(w: i32) -> f32 {
    if w > 100 {
        return 1e-30;
    }
    (1.0 / (1.005 + 0.05 * (f64::from(w as f32) / 1.5 - 2.0).exp())) as f32
}

/// cnt_length: positions counted, a lexeme without any as one.
fn cnt_length(v: &TsVector) -> i32 {
    v.lexemes.iter().map(|l| l.pos.len().max(1) as i32).sum()
}

fn calc_rank_or(w: &[f32; 4], v: &TsVector, root: &QNode) -> f32 {
    let items = unique_operands(root);
    let mut res: f32 = 0.0;
    for (word, prefix) in &items {
        for e in entries(v, word, *prefix) {
            let pos: &[Pos] = &v.lexemes[e].pos;
            let null = [0u16];
            let pos = if pos.is_empty() { &null[..] } else { pos };
            let mut resj: f32 = 0.0;
            let mut wjm: f32 = -1.0;
            let mut jm = 0i32;
            for (j, p) in pos.iter().enumerate() {
                let wp = w[usize::from(weight_of(*p))];
                let d = ((j + 1) * (j + 1)) as f32;
                resj += wp / d;
                if wp > wjm {
                    wjm = wp;
                    jm = j as i32;
                }
            }
            let jmd = ((jm + 1) * (jm + 1)) as f32;
            res = (f64::from(res) + f64::from(wjm + resj - wjm / jmd) / 1.64493406685) as f32;
        }
    }
    if !items.is_empty() {
        res /= items.len() as f32;
    }
    res
}

fn calc_rank_and(w: &[f32; 4], v: &TsVector, root: &QNode) -> f32 {
    let items = unique_operands(root);
    if items.len() < 2 {
        return calc_rank_or(w, v, root);
    }
    let null = [make_pos(MAX_POS, 0)];
    // For each operand: the positions of its last matching lexeme, and
    // whether they are the stand-in for a lexeme without positions.
    let mut pos: Vec<Option<(&[Pos], bool)>> = vec![None; items.len()];
    let mut res: f32 = -1.0;
    for (i, (word, prefix)) in items.iter().enumerate() {
        for e in entries(v, word, *prefix) {
            let p: &[Pos] = &v.lexemes[e].pos;
            pos[i] = Some(if p.is_empty() {
                (&null[..], true)
            } else {
                (p, false)
            });
            let (post, post_null) = pos[i].unwrap_or((&null[..], true));
            for &(ct, ct_null) in pos[..i].iter().flatten() {
                for l in post {
                    for c in ct {
                        let mut dist = (i32::from(pos_of(*l)) - i32::from(pos_of(*c))).abs();
                        if dist != 0 || post_null || ct_null {
                            if dist == 0 {
                                dist = i32::from(MAX_POS) + 1;
                            }
                            let wl = w[usize::from(weight_of(*l))];
                            let wc = w[usize::from(weight_of(*c))];
                            let curw = f64::from(wl * wc * word_distance(dist)).sqrt() as f32;
                            res = if res < 0.0 {
                                curw
                            } else {
                                (1.0 - (1.0 - f64::from(res)) * (1.0 - f64::from(curw))) as f32
                            };
                        }
                    }
                }
            }
        }
    }
    res
}

/// Normalization flags.
const NORM_LOGLENGTH: i32 = 0x01;
const NORM_LENGTH: i32 = 0x02;
const NORM_EXTDIST: i32 = 0x04;
const NORM_UNIQ: i32 = 0x08;
const NORM_LOGUNIQ: i32 = 0x10;
const NORM_RDIVRPLUS1: i32 = 0x20;

/// ts_rank.
pub fn rank(w: &[f32; 4], v: &TsVector, q: &TsQuery, method: i32) -> f32 {
    let Some(root) = &q.root else { return 0.0 };
    if v.lexemes.is_empty() {
        return 0.0;
    }
    let mut res = if matches!(root, QNode::And(..) | QNode::Phrase(..)) {
        calc_rank_and(w, v, root)
    } else {
        calc_rank_or(w, v, root)
    };
    if res < 0.0 {
        res = 1e-20;
    }
    let size = v.lexemes.len();
    if method & NORM_LOGLENGTH != 0 {
        res = (f64::from(res) / ((f64::from(cnt_length(v) + 1)).ln() / 2f64.ln())) as f32;
    }
    if method & NORM_LENGTH != 0 {
        let len = cnt_length(v);
        if len > 0 {
            res /= len as f32;
        }
    }
    if method & NORM_UNIQ != 0 {
        res /= size as f32;
    }
    if method & NORM_LOGUNIQ != 0 {
        res = (f64::from(res) / (((size + 1) as f64).ln() / 2f64.ln())) as f32;
    }
    if method & NORM_RDIVRPLUS1 != 0 {
        res /= res + 1.0;
    }
    res
}

/// One entry of get_docrep's document: a position (with weight), the
/// lexeme it is of, and the query operands (by index) it matches.
struct DocEntry {
    pos: Pos,
    lexeme: usize,
    items: Vec<usize>,
}

/// ts_rank_cd (cover density).
pub fn rank_cd(w: &[f32; 4], v: &TsVector, q: &TsQuery, method: i32) -> f32 {
    let Some(root) = &q.root else { return 0.0 };
    let invws: Vec<f64> = w.iter().map(|x| 1.0 / f64::from(*x)).collect();
    let nodes = operand_nodes(root);
    // get_docrep.
    let mut doc: Vec<DocEntry> = Vec::new();
    for (i, n) in nodes.iter().enumerate() {
        let (word, weight, prefix) = val_parts(n);
        for e in entries(v, word, prefix) {
            for p in &v.lexemes[e].pos {
                if weight == 0 || weight & (1 << weight_of(*p)) != 0 {
                    doc.push(DocEntry {
                        pos: *p,
                        lexeme: e,
                        items: vec![i],
                    });
                }
            }
        }
    }
    if doc.is_empty() {
        return 0.0;
    }
    doc.sort_by(|a, b| {
        pos_of(a.pos)
            .cmp(&pos_of(b.pos))
            .then(weight_of(a.pos).cmp(&weight_of(b.pos)))
            .then(a.lexeme.cmp(&b.lexeme))
    });
    let mut merged: Vec<DocEntry> = Vec::with_capacity(doc.len());
    for d in doc {
        match merged.last_mut() {
            Some(last) if last.pos == d.pos && last.lexeme == d.lexeme => {
                last.items.extend(d.items)
            }
            _ => merged.push(d),
        }
    }
    let doc = merged;
    let mut ext = CoverExt::default();
    let (mut wdoc, mut sum_dist, mut prev_ext_pos) = (0.0f64, 0.0f64, 0.0f64);
    let mut n_extent = 0;
    while cover(&doc, root, &nodes, &mut ext) {
        let mut inv_sum = 0.0;
        for d in &doc[ext.begin..=ext.end] {
            inv_sum += invws[usize::from(weight_of(d.pos))];
        }
        let span = (ext.end - ext.begin) as i32;
        let cpos = f64::from(span + 1) / inv_sum;
        let mut n_noise = (ext.q - ext.p) - span;
        if n_noise < 0 {
            n_noise = span / 2;
        }
        wdoc += cpos / f64::from(1 + n_noise);
        let cur_ext_pos = f64::from(ext.q + ext.p) / 2.0;
        if n_extent > 0 && cur_ext_pos > prev_ext_pos {
            sum_dist += 1.0 / (cur_ext_pos - prev_ext_pos);
        }
        prev_ext_pos = cur_ext_pos;
        n_extent += 1;
    }
    let size = v.lexemes.len();
    if method & NORM_LOGLENGTH != 0 {
        wdoc /= f64::from(cnt_length(v) + 1).ln();
    }
    if method & NORM_LENGTH != 0 {
        let len = cnt_length(v);
        if len > 0 {
            wdoc /= f64::from(len);
        }
    }
    if method & NORM_EXTDIST != 0 && n_extent > 0 && sum_dist > 0.0 {
        wdoc /= f64::from(n_extent) / sum_dist;
    }
    if method & NORM_UNIQ != 0 {
        wdoc /= size as f64;
    }
    if method & NORM_LOGUNIQ != 0 {
        wdoc /= ((size + 1) as f64).ln() / 2f64.ln();
    }
    if method & NORM_RDIVRPLUS1 != 0 {
        wdoc /= wdoc + 1.0;
    }
    wdoc as f32
}

/// CoverExt: where the next cover search starts, and the last cover
/// found (positions p..q, document entries begin..=end).
#[derive(Default)]
struct CoverExt {
    pos: usize,
    p: i32,
    q: i32,
    begin: usize,
    end: usize,
}

/// Cover: the next shortest stretch of the document that satisfies the
/// query.
fn cover(doc: &[DocEntry], root: &QNode, nodes: &[&QNode], ext: &mut CoverExt) -> bool {
    loop {
        // Forward: the first entry after which the query holds.
        let mut data: Vec<Vec<u16>> = vec![Vec::new(); nodes.len()];
        ext.p = i32::MAX;
        ext.q = 0;
        let mut lastpos = ext.pos;
        let mut found = false;
        let mut i = ext.pos;
        while i < doc.len() {
            fill(&mut data, &doc[i], false);
            if holds(root, nodes, &data) {
                if i32::from(pos_of(doc[i].pos)) > ext.q {
                    ext.q = i32::from(pos_of(doc[i].pos));
                    ext.end = i;
                    lastpos = i;
                    found = true;
                }
                break;
            }
            i += 1;
        }
        if !found {
            return false;
        }
        // Backward from there: the last entry before which it holds.
        let mut data: Vec<Vec<u16>> = vec![Vec::new(); nodes.len()];
        let mut j = lastpos as isize;
        while j >= ext.pos as isize {
            let d = &doc[j as usize];
            fill(&mut data, d, true);
            if holds(root, nodes, &data) {
                if i32::from(pos_of(d.pos)) < ext.p {
                    ext.begin = j as usize;
                    ext.p = i32::from(pos_of(d.pos));
                }
                break;
            }
            j -= 1;
        }
        if ext.p <= ext.q {
            ext.pos = (j + 1) as usize;
            return true;
        }
        ext.pos += 1;
    }
}

/// fillQueryRepresentationData: the entry's positions for its operands
/// (prepended when walking backwards, so each list stays ascending).
fn fill(data: &mut [Vec<u16>], d: &DocEntry, reverse: bool) {
    let p = pos_of(d.pos);
    for &i in &d.items {
        let list = &mut data[i];
        let last = if reverse { list.first() } else { list.last() };
        if last == Some(&p) {
            continue;
        }
        if reverse {
            list.insert(0, p);
        } else {
            list.push(p);
        }
    }
}

/// TS_execute over the operands' positions gathered so far.
fn holds(root: &QNode, nodes: &[&QNode], data: &[Vec<u16>]) -> bool {
    let check = |n: &QNode, out: Option<&mut Phrase>| -> Tri {
        let Some(i) = nodes.iter().position(|x| std::ptr::eq(*x, n)) else {
            return Tri::No;
        };
        if data[i].is_empty() {
            return Tri::No;
        }
        if let Some(o) = out {
            o.pos = data[i].clone();
        }
        Tri::Yes
    };
    execute(root, &check) == Tri::Yes
}

/// PostgreSQL's legacy CRC-32 (COMP_LEGACY_CRC32 over the reflected
/// table), as tsquery operands keep it.
fn legacy_crc32(s: &[u8]) -> i32 {
    let table = |i: u32| -> u32 {
        let mut c = i;
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
        c
    };
    let mut crc: u32 = 0xFFFF_FFFF;
    for b in s {
        crc = table(((crc >> 24) ^ u32::from(*b)) & 0xFF) ^ (crc << 8);
    }
    (crc ^ 0xFFFF_FFFF) as i32
}

/// QTNodeCompare: values before operators, operators by code (higher
/// first), children right to left, phrase distances; lexemes by CRC,
/// then bytes.
fn node_compare(a: &QNode, b: &QNode) -> Ordering {
    let kind = |n: &QNode| match n {
        QNode::Val { .. } => 1,
        _ => 2,
    };
    let code = |n: &QNode| match n {
        QNode::Not(_) => 1,
        QNode::And(..) => 2,
        QNode::Or(..) => 3,
        QNode::Phrase(..) => 4,
        QNode::Val { .. } => 0,
    };
    fn children(n: &QNode) -> Vec<&QNode> {
        match n {
            QNode::Not(x) => vec![&**x],
            QNode::And(l, r) | QNode::Or(l, r) | QNode::Phrase(l, r, _) => vec![&**r, &**l],
            QNode::Val { .. } => Vec::new(),
        }
    }
    if kind(a) != kind(b) {
        return kind(b).cmp(&kind(a));
    }
    if let (QNode::Val { word: wa, .. }, QNode::Val { word: wb, .. }) = (a, b) {
        let (ca, cb) = (legacy_crc32(wa.as_bytes()), legacy_crc32(wb.as_bytes()));
        if ca != cb {
            return cb.cmp(&ca);
        }
        return wa.as_bytes().cmp(wb.as_bytes());
    }
    if code(a) != code(b) {
        return code(b).cmp(&code(a));
    }
    let (ca, cb) = (children(a), children(b));
    if ca.len() != cb.len() {
        return cb.len().cmp(&ca.len());
    }
    for (x, y) in ca.iter().zip(&cb) {
        let o = node_compare(x, y);
        if o != Ordering::Equal {
            return o;
        }
    }
    if let (QNode::Phrase(_, _, da), QNode::Phrase(_, _, db)) = (a, b) {
        return db.cmp(da);
    }
    Ordering::Equal
}
