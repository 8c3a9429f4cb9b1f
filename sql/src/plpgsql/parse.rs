//! PL/pgSQL's statement syntax, read into [`Block`]s whose SQL parts
//! (expressions, queries) stay text for the binder.
//!
//! The lexer knows only what decides where a statement or an SQL
//! fragment ends: quotes ('...', "...", $tag$...$tag$), comments,
//! parentheses and brackets, `;`, `:=`, `..`, and words; a fragment is the
//! body's text between two tokens, so what sqlparser reads is exactly what
//! was written.

use crate::error::{Result, SqlError, SqlState};

/// One token: its kind, its byte range in the body, its line (1-based).
#[derive(Debug, Clone)]
struct Tok {
    kind: Kind,
    start: usize,
    end: usize,
    line: u32,
}

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    /// A word (identifier or keyword), lowercased unless quoted.
    Word(String),
    /// A quoted identifier.
    Quoted(String),
    /// A string literal (any quoting).
    Str,
    /// Any other single character, or `:=` / `..` / `::`.
    Punct(&'static str),
    /// Numbers, operators and whatever else.
    Other,
}

fn lex(text: &str) -> Result<Vec<Tok>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut line = 1u32;
    let syntax = |msg: &str| SqlError::syntax(msg.to_owned(), None);
    while i < b.len() {
        let c = b[i];
        if c == b'\n' {
            line += 1;
            i += 1;
            continue;
        }
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let start_line = line;
        // `#variable_conflict ...`, `#print_strict_params ...`: compiler
        // options, to the end of their line.
        let kind = if (c == b'#' && out.is_empty()) || (c == b'-' && b.get(i + 1) == Some(&b'-')) {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
            continue;
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                    depth += 1;
                    i += 2;
                } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if b[i] == b'\n' {
                        line += 1;
                    }
                    i += 1;
                }
            }
            continue;
        } else if c == b'\'' {
            i += 1;
            loop {
                match b.get(i) {
                    None => return Err(syntax("unterminated quoted string")),
                    Some(b'\'') if b.get(i + 1) == Some(&b'\'') => i += 2,
                    Some(b'\'') => {
                        i += 1;
                        break;
                    }
                    Some(b'\\') if start > 0 && matches!(b[start - 1], b'e' | b'E') => i += 2,
                    Some(b'\n') => {
                        line += 1;
                        i += 1
                    }
                    Some(_) => i += 1,
                }
            }
            Kind::Str
        } else if c == b'"' {
            i += 1;
            let mut name = String::new();
            loop {
                match b.get(i) {
                    None => return Err(syntax("unterminated quoted identifier")),
                    Some(b'"') if b.get(i + 1) == Some(&b'"') => {
                        name.push('"');
                        i += 2
                    }
                    Some(b'"') => {
                        i += 1;
                        break;
                    }
                    Some(_) => {
                        let ch = text[i..].chars().next().unwrap_or(' ');
                        name.push(ch);
                        i += ch.len_utf8();
                    }
                }
            }
            Kind::Quoted(name)
        } else if c == b'$' && !b.get(i + 1).is_some_and(u8::is_ascii_digit) {
            // $tag$ ... $tag$
            let tag_end = text[i + 1..].find('$').map(|p| i + 1 + p);
            let Some(tag_end) = tag_end else {
                i += 1;
                out.push(Tok {
                    kind: Kind::Other,
                    start,
                    end: i,
                    line: start_line,
                });
                continue;
            };
            let tag = &text[i..=tag_end];
            let close = text[tag_end + 1..]
                .find(tag)
                .ok_or_else(|| syntax("unterminated dollar-quoted string"))?;
            let stop = tag_end + 1 + close + tag.len();
            line += text[i..stop].matches('\n').count() as u32;
            i = stop;
            Kind::Str
        } else if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 {
            while i < b.len()
                && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'$' || b[i] >= 0x80)
            {
                i += 1;
            }
            Kind::Word(text[start..i].to_lowercase())
        } else if c == b':' && b.get(i + 1) == Some(&b'=') {
            i += 2;
            Kind::Punct(":=")
        } else if c == b':' && b.get(i + 1) == Some(&b':') {
            i += 2;
            Kind::Punct("::")
        } else if c == b'.' && b.get(i + 1) == Some(&b'.') {
            i += 2;
            Kind::Punct("..")
        } else if c == b'<' && b.get(i + 1) == Some(&b'<') {
            i += 2;
            Kind::Punct("<<")
        } else if c == b'>' && b.get(i + 1) == Some(&b'>') {
            i += 2;
            Kind::Punct(">>")
        } else if c.is_ascii_digit() {
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            // 1.5, 1e3 (but not 1..5)
            if b.get(i) == Some(&b'.') && b.get(i + 1) != Some(&b'.') {
                i += 1;
                while i < b.len() && b[i].is_ascii_alphanumeric() {
                    i += 1;
                }
            }
            Kind::Other
        } else {
            i += 1;
            match c {
                b';' => Kind::Punct(";"),
                b'(' => Kind::Punct("("),
                b')' => Kind::Punct(")"),
                b'[' => Kind::Punct("["),
                b']' => Kind::Punct("]"),
                b',' => Kind::Punct(","),
                b'=' => Kind::Punct("="),
                b'.' => Kind::Punct("."),
                _ => {
                    // Skip the rest of a multi-byte character.
                    while i < b.len() && !text.is_char_boundary(i) {
                        i += 1;
                    }
                    Kind::Other
                }
            }
        };
        out.push(Tok {
            kind,
            start,
            end: i,
            line: start_line,
        });
    }
    Ok(out)
}

/// A block: declarations, statements, exception handlers.
#[derive(Debug, Clone, Default)]
pub struct Block {
    /// `<<label>>`.
    pub label: Option<String>,
    /// DECLARE items.
    pub decls: Vec<Decl>,
    /// The statements.
    pub body: Vec<Stmt>,
    /// EXCEPTION WHEN conditions THEN statements.
    pub handlers: Vec<(Vec<String>, Vec<Stmt>)>,
}

/// One DECLARE item.
#[derive(Debug, Clone)]
pub struct Decl {
    /// The variable's name.
    pub name: String,
    /// Its type as written (`integer`, `t%rowtype`, `record`).
    pub ty: String,
    /// NOT NULL.
    pub not_null: bool,
    /// `:= expr` / `DEFAULT expr`.
    pub default: Option<String>,
    /// `ALIAS FOR $n` / `ALIAS FOR name`.
    pub alias: Option<String>,
    /// Its line.
    pub line: u32,
}

/// A statement with its line.
#[derive(Debug, Clone)]
pub struct Stmt {
    /// Line in the body (1-based).
    pub line: u32,
    /// What it is.
    pub kind: StmtKind,
}

/// The statement forms.
#[derive(Debug, Clone)]
pub enum StmtKind {
    /// `target := expr`.
    Assign { target: String, expr: String },
    /// IF / ELSIF / ELSE.
    If {
        branches: Vec<(String, Vec<Stmt>)>,
        otherwise: Vec<Stmt>,
    },
    /// CASE [expr] WHEN ... THEN ... [ELSE ...] END CASE.
    Case {
        subject: Option<String>,
        branches: Vec<(String, Vec<Stmt>)>,
        otherwise: Option<Vec<Stmt>>,
    },
    /// LOOP / WHILE cond LOOP.
    Loop {
        label: Option<String>,
        cond: Option<String>,
        body: Vec<Stmt>,
    },
    /// FOR var IN [REVERSE] lo .. hi [BY step] LOOP.
    ForInt {
        label: Option<String>,
        var: String,
        lo: String,
        hi: String,
        step: Option<String>,
        reverse: bool,
        body: Vec<Stmt>,
    },
    /// FOR target IN query LOOP (EXECUTE: the query is computed, its
    /// parameters the USING expressions).
    ForQuery {
        label: Option<String>,
        targets: Vec<String>,
        query: String,
        dynamic: bool,
        using: Vec<String>,
        body: Vec<Stmt>,
    },
    /// FOREACH var [SLICE n] IN ARRAY expr LOOP.
    ForEach {
        label: Option<String>,
        var: String,
        /// SLICE n (0: the elements).
        slice: i32,
        array: String,
        body: Vec<Stmt>,
    },
    /// EXIT / CONTINUE [label] [WHEN cond].
    Exit {
        cont: bool,
        label: Option<String>,
        cond: Option<String>,
    },
    /// RETURN [expr].
    Return(Option<String>),
    /// RETURN NEXT [expr].
    ReturnNext(Option<String>),
    /// RETURN QUERY query (EXECUTE: computed, with USING parameters).
    ReturnQuery {
        query: String,
        dynamic: bool,
        using: Vec<String>,
    },
    /// RAISE.
    Raise {
        level: String,
        format: Option<String>,
        args: Vec<String>,
        condition: Option<String>,
        options: Vec<(String, String)>,
    },
    /// PERFORM query.
    Perform(String),
    /// An SQL statement, with its INTO targets (SELECT ... INTO).
    Sql {
        text: String,
        into: Vec<String>,
        strict: bool,
    },
    /// EXECUTE expr [INTO targets] [USING exprs].
    Execute {
        expr: String,
        into: Vec<String>,
        strict: bool,
        using: Vec<String>,
    },
    /// GET DIAGNOSTICS target = item, ...
    GetDiagnostics(Vec<(String, String)>),
    /// ASSERT cond [, message].
    Assert {
        cond: String,
        message: Option<String>,
    },
    /// A nested block.
    Block(Block),
    /// NULL;
    Null,
}

/// Reads a function body: `[<<label>>] [DECLARE ...] BEGIN ... END [label] [;]`.
pub fn parse(text: &str) -> Result<Block> {
    let toks = lex(text)?;
    let mut p = Parser { text, toks, pos: 0 };
    let block = p.block(None)?;
    if p.peek_punct(";") {
        p.pos += 1;
    }
    if let Some(t) = p.toks.get(p.pos) {
        return Err(p.error_at(t.start));
    }
    Ok(block)
}

struct Parser<'a> {
    text: &'a str,
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser<'_> {
    fn word(&self, k: usize) -> Option<&str> {
        match &self.toks.get(self.pos + k)?.kind {
            Kind::Word(w) => Some(w),
            _ => None,
        }
    }

    fn is_word(&self, w: &str) -> bool {
        self.word(0) == Some(w)
    }

    fn peek_punct(&self, p: &str) -> bool {
        matches!(self.toks.get(self.pos), Some(Tok { kind: Kind::Punct(x), .. }) if *x == p)
    }

    fn eat_word(&mut self, w: &str) -> bool {
        if self.is_word(w) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn error_at(&self, offset: usize) -> SqlError {
        let near: String = self.text[offset..]
            .split(|c: char| c.is_whitespace() || c == ';')
            .next()
            .unwrap_or("")
            .to_owned();
        SqlError::syntax(format!("syntax error at or near \"{near}\""), None)
    }

    fn error_here(&self) -> SqlError {
        match self.toks.get(self.pos) {
            Some(t) => self.error_at(t.start),
            None => SqlError::syntax("syntax error at end of input", None),
        }
    }

    fn expect_word(&mut self, w: &str) -> Result<()> {
        if self.eat_word(w) {
            Ok(())
        } else {
            Err(self.error_here())
        }
    }

    fn expect_punct(&mut self, p: &str) -> Result<()> {
        if self.peek_punct(p) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error_here())
        }
    }

    fn line(&self) -> u32 {
        self.toks
            .get(self.pos)
            .or_else(|| self.toks.last())
            .map_or(1, |t| t.line)
    }

    /// An identifier (word or quoted).
    fn ident(&mut self) -> Result<String> {
        match self.toks.get(self.pos).map(|t| &t.kind) {
            Some(Kind::Word(w)) => {
                let w = w.clone();
                self.pos += 1;
                Ok(w)
            }
            Some(Kind::Quoted(q)) => {
                let q = q.clone();
                self.pos += 1;
                Ok(q)
            }
            _ => Err(self.error_here()),
        }
    }

    /// The text from the current token up to (not including) the first
    /// token at depth 0 for which `stop` holds; the position moves there.
    fn fragment(&mut self, stop: &dyn Fn(&Parser<'_>) -> bool) -> Result<String> {
        let first = self.pos;
        let mut depth = 0i32;
        while self.pos < self.toks.len() {
            if depth == 0 && stop(self) {
                break;
            }
            match &self.toks[self.pos].kind {
                Kind::Punct("(") | Kind::Punct("[") => depth += 1,
                Kind::Punct(")") | Kind::Punct("]") => depth -= 1,
                Kind::Word(w) if w == "case" => depth += 1,
                Kind::Word(w) if w == "end" && depth > 0 => depth -= 1,
                _ => {}
            }
            self.pos += 1;
        }
        if self.pos == first {
            return Err(self.error_here());
        }
        let start = self.toks[first].start;
        let end = self.toks[self.pos - 1].end;
        Ok(self.text[start..end].to_owned())
    }

    /// Text up to the statement's `;` (consumed).
    fn until_semicolon(&mut self) -> Result<String> {
        let s = self.fragment(&|p| p.peek_punct(";"))?;
        self.expect_punct(";")?;
        Ok(s)
    }

    fn label(&mut self) -> Result<Option<String>> {
        if self.peek_punct("<<") {
            self.pos += 1;
            let l = self.ident()?;
            self.expect_punct(">>")?;
            return Ok(Some(l));
        }
        Ok(None)
    }

    fn block(&mut self, label: Option<String>) -> Result<Block> {
        let label = match label {
            Some(l) => Some(l),
            None => self.label()?,
        };
        let mut decls = Vec::new();
        if self.eat_word("declare") {
            while !self.is_word("begin") {
                if self.pos >= self.toks.len() {
                    return Err(self.error_here());
                }
                if self.eat_word("declare") {
                    continue;
                }
                decls.push(self.decl()?);
            }
        }
        self.expect_word("begin")?;
        let body = self.statements(&["end", "exception"])?;
        let mut handlers = Vec::new();
        if self.eat_word("exception") {
            while self.eat_word("when") {
                let mut conds = Vec::new();
                loop {
                    if self.eat_word("sqlstate") {
                        let t = self.fragment(&|p| p.is_word("or") || p.is_word("then"))?;
                        conds.push(format!("sqlstate {}", t.trim_matches('\'')));
                    } else {
                        conds.push(self.ident()?);
                    }
                    if !self.eat_word("or") {
                        break;
                    }
                }
                self.expect_word("then")?;
                let stmts = self.statements(&["when", "end"])?;
                handlers.push((conds, stmts));
            }
        }
        self.expect_word("end")?;
        if !self.peek_punct(";") && self.pos < self.toks.len() {
            // END label
            self.ident()?;
        }
        Ok(Block {
            label,
            decls,
            body,
            handlers,
        })
    }

    fn decl(&mut self) -> Result<Decl> {
        let line = self.line();
        let name = self.ident()?;
        if self.eat_word("alias") {
            self.expect_word("for")?;
            let target = self.until_semicolon()?;
            return Ok(Decl {
                name,
                ty: String::new(),
                not_null: false,
                default: None,
                alias: Some(target.trim().to_owned()),
                line,
            });
        }
        // CONSTANT is accepted; assignments to it are not refused yet.
        self.eat_word("constant");
        let ty = self.fragment(&|p| {
            p.peek_punct(";")
                || p.peek_punct(":=")
                || p.peek_punct("=")
                || p.is_word("default")
                || (p.is_word("not") && p.word(1) == Some("null"))
                || p.is_word("collate")
        })?;
        if self.eat_word("collate") {
            self.ident()?;
        }
        let not_null = if self.is_word("not") {
            self.pos += 2;
            true
        } else {
            false
        };
        let default = if self.peek_punct(":=") || self.peek_punct("=") || self.is_word("default") {
            self.pos += 1;
            Some(self.fragment(&|p| p.peek_punct(";"))?)
        } else {
            None
        };
        self.expect_punct(";")?;
        Ok(Decl {
            name,
            ty,
            not_null,
            default,
            alias: None,
            line,
        })
    }

    /// Statements until one of `ends` (a word) starts.
    fn statements(&mut self, ends: &[&str]) -> Result<Vec<Stmt>> {
        let mut out = Vec::new();
        loop {
            if self.pos >= self.toks.len() {
                return Err(SqlError::syntax("syntax error at end of input", None));
            }
            if ends.iter().any(|e| self.is_word(e)) {
                // `END IF` / `END LOOP` close an inner construct, not a block.
                return Ok(out);
            }
            out.push(self.statement()?);
        }
    }

    fn statement(&mut self) -> Result<Stmt> {
        let line = self.line();
        let label = self.label()?;
        let Some(w) = self.word(0).map(str::to_owned) else {
            if self.peek_punct(";") {
                self.pos += 1;
                return Ok(Stmt {
                    line,
                    kind: StmtKind::Null,
                });
            }
            return Err(self.error_here());
        };
        let kind = match w.as_str() {
            "declare" | "begin" => StmtKind::Block(self.block_statement(label)?),
            "if" => {
                self.pos += 1;
                let mut branches = Vec::new();
                let cond = self.fragment(&|p| p.is_word("then"))?;
                self.expect_word("then")?;
                let body = self.statements(&["elsif", "elseif", "else", "end"])?;
                branches.push((cond, body));
                let mut otherwise = Vec::new();
                loop {
                    if self.eat_word("elsif") || self.eat_word("elseif") {
                        let cond = self.fragment(&|p| p.is_word("then"))?;
                        self.expect_word("then")?;
                        let body = self.statements(&["elsif", "elseif", "else", "end"])?;
                        branches.push((cond, body));
                    } else if self.eat_word("else") {
                        otherwise = self.statements(&["end"])?;
                    } else {
                        break;
                    }
                }
                self.expect_word("end")?;
                self.expect_word("if")?;
                self.expect_punct(";")?;
                StmtKind::If {
                    branches,
                    otherwise,
                }
            }
            "case" => {
                self.pos += 1;
                let subject = if self.is_word("when") {
                    None
                } else {
                    Some(self.fragment(&|p| p.is_word("when"))?)
                };
                let mut branches = Vec::new();
                while self.eat_word("when") {
                    let cond = self.fragment(&|p| p.is_word("then"))?;
                    self.expect_word("then")?;
                    let body = self.statements(&["when", "else", "end"])?;
                    branches.push((cond, body));
                }
                let otherwise = if self.eat_word("else") {
                    Some(self.statements(&["end"])?)
                } else {
                    None
                };
                self.expect_word("end")?;
                self.expect_word("case")?;
                self.expect_punct(";")?;
                StmtKind::Case {
                    subject,
                    branches,
                    otherwise,
                }
            }
            "loop" => {
                self.pos += 1;
                let body = self.loop_body()?;
                StmtKind::Loop {
                    label,
                    cond: None,
                    body,
                }
            }
            "while" => {
                self.pos += 1;
                let cond = self.fragment(&|p| p.is_word("loop"))?;
                self.expect_word("loop")?;
                let body = self.loop_body()?;
                StmtKind::Loop {
                    label,
                    cond: Some(cond),
                    body,
                }
            }
            "for" => {
                self.pos += 1;
                self.for_loop(label)?
            }
            "foreach" => {
                self.pos += 1;
                let var = self.ident()?;
                let slice = if self.eat_word("slice") {
                    let n = self.fragment(&|p| p.is_word("in"))?;
                    n.trim().parse::<i32>().map_err(|_| {
                        SqlError::syntax(format!("syntax error at or near \"{}\"", n.trim()), None)
                    })?
                } else {
                    0
                };
                self.expect_word("in")?;
                self.expect_word("array")?;
                let array = self.fragment(&|p| p.is_word("loop"))?;
                self.expect_word("loop")?;
                let body = self.loop_body()?;
                StmtKind::ForEach {
                    label,
                    var,
                    slice,
                    array,
                    body,
                }
            }
            "exit" | "continue" => {
                self.pos += 1;
                let label = if !self.is_word("when") && !self.peek_punct(";") {
                    Some(self.ident()?)
                } else {
                    None
                };
                let cond = if self.eat_word("when") {
                    Some(self.fragment(&|p| p.peek_punct(";"))?)
                } else {
                    None
                };
                self.expect_punct(";")?;
                StmtKind::Exit {
                    cont: w == "continue",
                    label,
                    cond,
                }
            }
            "return" => {
                self.pos += 1;
                if self.eat_word("next") {
                    let e = if self.peek_punct(";") {
                        None
                    } else {
                        Some(self.fragment(&|p| p.peek_punct(";"))?)
                    };
                    self.expect_punct(";")?;
                    StmtKind::ReturnNext(e)
                } else if self.eat_word("query") {
                    let dynamic = self.eat_word("execute");
                    let query =
                        self.fragment(&|p| p.peek_punct(";") || (dynamic && p.is_word("using")))?;
                    let using = self.using(&|p| p.peek_punct(";"))?;
                    self.expect_punct(";")?;
                    StmtKind::ReturnQuery {
                        query,
                        dynamic,
                        using,
                    }
                } else if self.peek_punct(";") {
                    self.pos += 1;
                    StmtKind::Return(None)
                } else {
                    StmtKind::Return(Some(self.until_semicolon()?))
                }
            }
            "raise" => {
                self.pos += 1;
                self.raise()?
            }
            "perform" => {
                self.pos += 1;
                StmtKind::Perform(self.until_semicolon()?)
            }
            "null"
                if matches!(
                    self.toks.get(self.pos + 1),
                    Some(Tok {
                        kind: Kind::Punct(";"),
                        ..
                    })
                ) =>
            {
                self.pos += 2;
                StmtKind::Null
            }
            "execute" => {
                self.pos += 1;
                let expr = self
                    .fragment(&|p| p.peek_punct(";") || p.is_word("into") || p.is_word("using"))?;
                let mut into = Vec::new();
                let mut strict = false;
                let mut using = Vec::new();
                loop {
                    if self.eat_word("into") {
                        strict = self.eat_word("strict");
                        into = self.targets()?;
                    } else if self.eat_word("using") {
                        loop {
                            using.push(self.fragment(&|p| {
                                p.peek_punct(";") || p.peek_punct(",") || p.is_word("into")
                            })?);
                            if self.peek_punct(",") {
                                self.pos += 1;
                            } else {
                                break;
                            }
                        }
                    } else {
                        break;
                    }
                }
                self.expect_punct(";")?;
                StmtKind::Execute {
                    expr,
                    into,
                    strict,
                    using,
                }
            }
            "get" => {
                self.pos += 1;
                self.eat_word("current");
                self.eat_word("stacked");
                self.expect_word("diagnostics")?;
                let mut items = Vec::new();
                loop {
                    let target = self.ident()?;
                    if !self.peek_punct(":=") {
                        self.expect_punct("=")?;
                    } else {
                        self.pos += 1;
                    }
                    let item = self.ident()?;
                    items.push((target, item));
                    if self.peek_punct(",") {
                        self.pos += 1;
                    } else {
                        break;
                    }
                }
                self.expect_punct(";")?;
                StmtKind::GetDiagnostics(items)
            }
            "assert" => {
                self.pos += 1;
                let cond = self.fragment(&|p| p.peek_punct(";") || p.peek_punct(","))?;
                let message = if self.peek_punct(",") {
                    self.pos += 1;
                    Some(self.fragment(&|p| p.peek_punct(";"))?)
                } else {
                    None
                };
                self.expect_punct(";")?;
                StmtKind::Assert { cond, message }
            }
            _ => self.assignment_or_sql()?,
        };
        Ok(Stmt { line, kind })
    }

    fn block_statement(&mut self, label: Option<String>) -> Result<Block> {
        let b = self.block(label)?;
        self.expect_punct(";")?;
        Ok(b)
    }

    /// A loop's statements through `END LOOP [label];`.
    fn loop_body(&mut self) -> Result<Vec<Stmt>> {
        let body = self.statements(&["end"])?;
        self.expect_word("end")?;
        self.expect_word("loop")?;
        if !self.peek_punct(";") {
            self.ident()?;
        }
        self.expect_punct(";")?;
        Ok(body)
    }

    fn for_loop(&mut self, label: Option<String>) -> Result<StmtKind> {
        let targets = self.targets()?;
        self.expect_word("in")?;
        if self.eat_word("execute") {
            let query = self.fragment(&|p| p.is_word("loop") || p.is_word("using"))?;
            let using = self.using(&|p| p.is_word("loop"))?;
            self.expect_word("loop")?;
            let body = self.loop_body()?;
            return Ok(StmtKind::ForQuery {
                label,
                targets,
                query,
                dynamic: true,
                using,
                body,
            });
        }
        let reverse = self.eat_word("reverse");
        // An integer range has `..` at depth 0 before LOOP.
        let save = self.pos;
        let first = self.fragment(&|p| p.peek_punct("..") || p.is_word("loop"))?;
        if self.peek_punct("..") {
            self.pos += 1;
            let hi = self.fragment(&|p| p.is_word("by") || p.is_word("loop"))?;
            let step = if self.eat_word("by") {
                Some(self.fragment(&|p| p.is_word("loop"))?)
            } else {
                None
            };
            self.expect_word("loop")?;
            let body = self.loop_body()?;
            let [var] = targets.as_slice() else {
                return Err(SqlError::syntax(
                    "integer FOR loop must have only one target variable",
                    None,
                ));
            };
            return Ok(StmtKind::ForInt {
                label,
                var: var.clone(),
                lo: first,
                hi,
                step,
                reverse,
                body,
            });
        }
        if reverse {
            self.pos = save;
            return Err(self.error_here());
        }
        self.expect_word("loop")?;
        let body = self.loop_body()?;
        Ok(StmtKind::ForQuery {
            label,
            targets,
            query: first,
            dynamic: false,
            using: Vec::new(),
            body,
        })
    }

    /// `USING expr, ...` before `end` (none without USING).
    fn using(&mut self, end: &dyn Fn(&Parser<'_>) -> bool) -> Result<Vec<String>> {
        let mut out = Vec::new();
        if !self.eat_word("using") {
            return Ok(out);
        }
        loop {
            out.push(self.fragment(&|p| end(p) || p.peek_punct(","))?);
            if self.peek_punct(",") {
                self.pos += 1;
            } else {
                return Ok(out);
            }
        }
    }

    /// `a, b.c, d` (assignment targets).
    fn targets(&mut self) -> Result<Vec<String>> {
        let mut out = Vec::new();
        loop {
            let mut t = self.ident()?;
            while self.peek_punct(".") {
                self.pos += 1;
                t.push('.');
                t.push_str(&self.ident()?);
            }
            out.push(t);
            if self.peek_punct(",") {
                self.pos += 1;
            } else {
                return Ok(out);
            }
        }
    }

    fn raise(&mut self) -> Result<StmtKind> {
        let level = match self.word(0) {
            Some(l @ ("debug" | "log" | "info" | "notice" | "warning" | "exception")) => {
                let l = l.to_owned();
                self.pos += 1;
                l
            }
            _ => "exception".to_owned(),
        };
        let mut format = None;
        let mut args = Vec::new();
        let mut condition = None;
        match self.toks.get(self.pos).map(|t| t.kind.clone()) {
            Some(Kind::Str) => {
                let t = &self.toks[self.pos];
                format = Some(self.text[t.start..t.end].to_owned());
                self.pos += 1;
                while self.peek_punct(",") {
                    self.pos += 1;
                    args.push(self.fragment(&|p| {
                        p.peek_punct(",") || p.peek_punct(";") || p.is_word("using")
                    })?);
                }
            }
            Some(Kind::Word(w)) if w == "sqlstate" => {
                self.pos += 1;
                let t = &self.toks[self.pos.min(self.toks.len() - 1)];
                condition = Some(format!(
                    "sqlstate {}",
                    self.text[t.start..t.end].trim_matches('\'')
                ));
                self.pos += 1;
            }
            Some(Kind::Word(w)) if w != "using" => {
                condition = Some(w);
                self.pos += 1;
            }
            _ => {}
        }
        let mut options = Vec::new();
        if self.eat_word("using") {
            loop {
                let name = self.ident()?;
                if !self.peek_punct(":=") {
                    self.expect_punct("=")?;
                } else {
                    self.pos += 1;
                }
                let value = self.fragment(&|p| p.peek_punct(",") || p.peek_punct(";"))?;
                options.push((name, value));
                if self.peek_punct(",") {
                    self.pos += 1;
                } else {
                    break;
                }
            }
        }
        self.expect_punct(";")?;
        Ok(StmtKind::Raise {
            level,
            format,
            args,
            condition,
            options,
        })
    }

    /// `target := expr;` or an SQL statement (SELECT ... INTO targets).
    fn assignment_or_sql(&mut self) -> Result<StmtKind> {
        // target [.field | [subscript]] := expr
        let save = self.pos;
        if let Ok(t) = self.assign_target() {
            if self.peek_punct(":=") || self.peek_punct("=") {
                self.pos += 1;
                let expr = self.until_semicolon()?;
                return Ok(StmtKind::Assign { target: t, expr });
            }
        }
        self.pos = save;
        let first = self.pos;
        let mut into = Vec::new();
        let mut strict = false;
        let mut pieces = Vec::new();
        let mut from = self.toks[first].start;
        let mut depth = 0;
        let is_select = matches!(self.word(0), Some("select" | "with"));
        let is_dml = matches!(self.word(0), Some("insert" | "update" | "delete" | "merge"));
        while self.pos < self.toks.len() {
            match &self.toks[self.pos].kind {
                Kind::Punct(";") if depth == 0 => break,
                Kind::Punct("(") | Kind::Punct("[") => depth += 1,
                Kind::Punct(")") | Kind::Punct("]") => depth -= 1,
                Kind::Word(w) if w == "into" && depth == 0 && into.is_empty() => {
                    // INSERT INTO is not a target list.
                    let prev = self
                        .pos
                        .checked_sub(1)
                        .and_then(|k| match &self.toks[k].kind {
                            Kind::Word(p) => Some(p.as_str()),
                            _ => None,
                        });
                    if (is_select || (is_dml && prev != Some("insert") && prev != Some("merge")))
                        && prev != Some("insert")
                    {
                        pieces.push(self.text[from..self.toks[self.pos].start].to_owned());
                        self.pos += 1;
                        strict = self.eat_word("strict");
                        into = self.targets()?;
                        from = self.toks.get(self.pos).map_or(self.text.len(), |t| t.start);
                        continue;
                    }
                }
                _ => {}
            }
            self.pos += 1;
        }
        let end = self.toks.get(self.pos).map_or(self.text.len(), |t| t.start);
        pieces.push(self.text[from..end].to_owned());
        self.expect_punct(";")?;
        Ok(StmtKind::Sql {
            text: pieces.join(" "),
            into,
            strict,
        })
    }

    fn assign_target(&mut self) -> Result<String> {
        let start = self.toks.get(self.pos).map_or(0, |t| t.start);
        self.ident()?;
        loop {
            if self.peek_punct(".") {
                self.pos += 1;
                self.ident()?;
            } else if self.peek_punct("[") {
                let mut depth = 0;
                while self.pos < self.toks.len() {
                    match self.toks[self.pos].kind {
                        Kind::Punct("[") => depth += 1,
                        Kind::Punct("]") => {
                            depth -= 1;
                            if depth == 0 {
                                self.pos += 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
        let end = self.toks[self.pos - 1].end;
        Ok(self.text[start..end].to_owned())
    }
}

/// A RAISE / EXCEPTION condition name's SQLSTATE (the common ones).
pub fn condition_state(name: &str) -> Option<SqlState> {
    if let Some(code) = name.strip_prefix("sqlstate ") {
        return SqlState::from_code(code);
    }
    Some(match name {
        "division_by_zero" => SqlState::DIVISION_BY_ZERO,
        "unique_violation" => SqlState::UNIQUE_VIOLATION,
        "not_null_violation" => SqlState::NOT_NULL_VIOLATION,
        "foreign_key_violation" => SqlState::FOREIGN_KEY_VIOLATION,
        "check_violation" => SqlState::CHECK_VIOLATION,
        "numeric_value_out_of_range" => SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
        "invalid_text_representation" => SqlState::INVALID_TEXT_REPRESENTATION,
        "raise_exception" => SqlState::RAISE_EXCEPTION,
        "no_data_found" => SqlState::NO_DATA_FOUND,
        "too_many_rows" => SqlState::TOO_MANY_ROWS,
        "undefined_table" => SqlState::UNDEFINED_TABLE,
        "undefined_column" => SqlState::UNDEFINED_COLUMN,
        "undefined_function" => SqlState::UNDEFINED_FUNCTION,
        "syntax_error" => SqlState::SYNTAX_ERROR,
        "data_exception" => SqlState::DATA_EXCEPTION,
        "string_data_right_truncation" => SqlState::STRING_DATA_RIGHT_TRUNCATION,
        "invalid_parameter_value" => SqlState::INVALID_PARAMETER_VALUE,
        "feature_not_supported" => SqlState::FEATURE_NOT_SUPPORTED,
        "assert_failure" => SqlState::ASSERT_FAILURE,
        "query_canceled" => SqlState::QUERY_CANCELED,
        "wrong_object_type" => SqlState::WRONG_OBJECT_TYPE,
        "null_value_not_allowed" => SqlState::NULL_VALUE_NOT_ALLOWED,
        "cardinality_violation" => SqlState::CARDINALITY_VIOLATION,
        "integrity_constraint_violation" => SqlState::INTEGRITY_CONSTRAINT_VIOLATION,
        "invalid_datetime_format" => SqlState::INVALID_DATETIME_FORMAT,
        "datetime_field_overflow" => SqlState::DATETIME_FIELD_OVERFLOW,
        other => {
            return super::conditions::CONDITIONS
                .iter()
                .find(|(n, _)| *n == other)
                .and_then(|(_, code)| SqlState::from_code(code))
        }
    })
}

/// Which words of a statement name something rather than read a value,
/// so a variable of the same name does not replace them: a column alias
/// (`AS x`), the column list of INSERT INTO t (...), of ON CONFLICT
/// (...) and of a FROM item's alias (`g(i)`), and UPDATE's SET targets.
fn names_not_references(toks: &[Tok]) -> Vec<bool> {
    let word = |k: usize| match toks.get(k).map(|t| &t.kind) {
        Some(Kind::Word(w)) => Some(w.as_str()),
        _ => None,
    };
    let punct = |k: usize, p: &str| {
        toks.get(k)
            .is_some_and(|t| matches!(t.kind, Kind::Punct(q) if q == p))
    };
    let update = word(0) == Some("update");
    let mut names = vec![false; toks.len()];
    // Open parentheses: whether each one holds a list of names.
    let mut lists: Vec<bool> = Vec::new();
    let mut in_set = false;
    for (i, is_name) in names.iter_mut().enumerate() {
        if punct(i, "(") {
            let list = i >= 1
                && match (i.checked_sub(2).and_then(&word), word(i - 1)) {
                    // INSERT INTO t (cols), ON CONFLICT (cols)
                    (Some("into"), Some(_)) | (_, Some("conflict")) => true,
                    // alias (cols): a word (not a keyword that opens a
                    // list of values) after `)` or AS
                    (_, Some(w))
                        if !matches!(
                            w,
                            "as" | "values"
                                | "in"
                                | "exists"
                                | "any"
                                | "all"
                                | "some"
                                | "array"
                                | "row"
                                | "select"
                                | "where"
                                | "and"
                                | "or"
                                | "not"
                                | "on"
                                | "using"
                                | "when"
                                | "then"
                                | "else"
                                | "by"
                                | "with"
                                | "returning"
                                | "set"
                                | "from"
                                | "join"
                        ) =>
                    {
                        (i >= 2 && punct(i - 2, ")")) || matches!(word(i - 2), Some("as"))
                    }
                    _ => false,
                };
            lists.push(list);
            continue;
        }
        if punct(i, ")") {
            lists.pop();
            continue;
        }
        if word(i).is_none() {
            continue;
        }
        if lists.last() == Some(&true) {
            *is_name = true;
        }
        if i >= 1 && word(i - 1) == Some("as") {
            *is_name = true;
        }
        if update {
            match word(i) {
                Some("set") => in_set = true,
                Some("where" | "from" | "returning") => in_set = false,
                _ => {}
            }
            let after = i >= 1 && (word(i - 1) == Some("set") || punct(i - 1, ","));
            if in_set && lists.is_empty() && after && punct(i + 1, "=") {
                *is_name = true;
            }
        }
    }
    names
}

/// `text` with each variable reference replaced by what `var` makes of
/// it: a word not qualifying or qualified by another (`t.col` stays),
/// or `name.field` as one reference. Strings, quoted identifiers and
/// comments are kept as written.
pub fn substitute(
    text: &str,
    var: &dyn Fn(&str, Option<&str>) -> Option<String>,
) -> Result<String> {
    let toks = lex(text)?;
    let names = names_not_references(&toks);
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        let after_dot = i > 0 && toks[i - 1].kind == Kind::Punct(".");
        if let (Kind::Word(w), false, false) = (&t.kind, after_dot, names[i]) {
            // `w.field`, `w.*`
            let field = match (toks.get(i + 1), toks.get(i + 2)) {
                (
                    Some(d),
                    Some(Tok {
                        kind: Kind::Word(f),
                        ..
                    }),
                ) if d.kind == Kind::Punct(".") => Some(f.as_str()),
                (Some(d), Some(s))
                    if d.kind == Kind::Punct(".")
                        && s.kind == Kind::Other
                        && &text[s.start..s.end] == "*" =>
                {
                    Some("*")
                }
                _ => None,
            };
            if let Some(f) = field {
                if let Some(rep) = var(w, Some(f)) {
                    out.push_str(&text[last..t.start]);
                    out.push_str(&rep);
                    last = toks[i + 2].end;
                    i += 3;
                    continue;
                }
            }
            let next_is_dot = toks.get(i + 1).is_some_and(|d| d.kind == Kind::Punct("."));
            let next_is_paren = toks.get(i + 1).is_some_and(|d| d.kind == Kind::Punct("("));
            if !next_is_dot && !next_is_paren {
                if let Some(rep) = var(w, None) {
                    out.push_str(&text[last..t.start]);
                    out.push_str(&rep);
                    last = t.end;
                }
            }
        }
        i += 1;
    }
    out.push_str(&text[last..]);
    Ok(out)
}
