//! The text and CSV formats of COPY: splitting input into lines and
//! fields, and writing values out, as PostgreSQL's copyfromparse.c and
//! copyto.c do.
//!
//! Text: one line per row, fields split by the delimiter, backslash
//! escapes (`\t`, `\n`, `\\`, octal `\101`, hex `\x41`), `\N` for NULL.
//! CSV: fields quoted with `"` when they hold the delimiter, a quote or a
//! newline; a quote inside is doubled (or preceded by ESCAPE); an
//! unquoted empty field is NULL. In both, a line `\.` ends the data.
//!
//! Rules:
//! 1. The first line's ending (`\n`, `\r\n` or `\r`) is the data's: a
//!    different one later is 22P04 ("literal newline found in data").
//! 2. NULL is recognised on the raw field, before escapes are read: text
//!    `\N` (or the NULL option's string) unquoted; in CSV a quoted NULL
//!    string is a value, unless FORCE_NULL.

use std::borrow::Cow;

use super::options::{CopyOptions, Format};
use crate::error::{Result, SqlError, SqlState};

/// How lines end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Eol {
    /// `\n`.
    Nl,
    /// `\r\n`.
    CrNl,
    /// `\r`.
    Cr,
}

/// 22P04 with `message`.
pub fn bad_format(message: impl Into<String>) -> SqlError {
    SqlError::new(SqlState::BAD_COPY_FILE_FORMAT, message)
}

/// Cuts input into lines (rule 1). Bytes are pushed as they arrive;
/// complete lines are taken out in order.
#[derive(Debug)]
pub struct Lines {
    /// Bytes not yet taken as lines.
    buf: Vec<u8>,
    /// Where the next line starts in `buf`.
    start: usize,
    /// Where the search for the line's end resumes.
    scan: usize,
    /// Inside a CSV quoted field at `scan`.
    in_quote: bool,
    /// The data's line ending, once seen.
    eol: Option<Eol>,
    /// CSV (quotes may hide line ends).
    csv: bool,
    /// CSV quote and escape characters.
    quote: u8,
    /// See `quote`.
    escape: u8,
}

impl Lines {
    /// A splitter for data in `opts`' format.
    pub fn new(opts: &CopyOptions) -> Lines {
        Lines {
            buf: Vec::new(),
            start: 0,
            scan: 0,
            in_quote: false,
            eol: None,
            csv: opts.format == Format::Csv,
            quote: opts.quote,
            escape: opts.escape,
        }
    }

    /// Adds input.
    pub fn push(&mut self, data: &[u8]) {
        if self.start > 0 && self.start == self.buf.len() {
            self.buf.clear();
            self.scan -= self.start;
            self.start = 0;
        } else if self.start > 64 * 1024 && self.start * 2 > self.buf.len() {
            self.buf.drain(..self.start);
            self.scan -= self.start;
            self.start = 0;
        }
        self.buf.extend_from_slice(data);
    }

    /// Where the next complete line is (without its ending; read it with
    /// [`Lines::get`] before pushing more), if one is buffered; at the
    /// end of input (`last`), also what is left (a last line without an
    /// ending). Errors: rule 1, an unterminated CSV quote at the end.
    pub fn next_line(&mut self, last: bool) -> Result<Option<std::ops::Range<usize>>> {
        let bytes = &self.buf;
        let mut i = self.scan;
        while i < bytes.len() {
            let c = bytes[i];
            if self.csv && self.in_quote {
                if c == self.escape && self.escape != self.quote && i + 1 < bytes.len() {
                    let n = bytes[i + 1];
                    if n == self.quote || n == self.escape {
                        i += 2;
                        continue;
                    }
                } else if c == self.escape && self.escape != self.quote && !last {
                    // The escaped character is not here yet.
                    self.scan = i;
                    return Ok(None);
                }
                if c == self.quote {
                    self.in_quote = false;
                }
                i += 1;
                continue;
            }
            if self.csv && c == self.quote {
                self.in_quote = true;
                i += 1;
                continue;
            }
            if !self.csv && c == b'\\' {
                // A backslash escapes the next byte, a line end too.
                if i + 1 >= bytes.len() && !last {
                    self.scan = i;
                    return Ok(None);
                }
                i = (i + 2).min(bytes.len());
                continue;
            }
            if c == b'\n' || c == b'\r' {
                let (eol, len) = if c == b'\n' {
                    (Eol::Nl, 1)
                } else if i + 1 < bytes.len() {
                    if bytes[i + 1] == b'\n' {
                        (Eol::CrNl, 2)
                    } else {
                        (Eol::Cr, 1)
                    }
                } else if !last {
                    // `\r` at the end of what arrived: `\n` may follow.
                    self.scan = i;
                    return Ok(None);
                } else {
                    (Eol::Cr, 1)
                };
                match self.eol {
                    None => self.eol = Some(eol),
                    Some(e) if e == eol => {}
                    Some(e) => return Err(eol_error(e, eol, self.csv)),
                }
                let line_start = self.start;
                self.start = i + len;
                self.scan = self.start;
                return Ok(Some(line_start..i));
            }
            i += 1;
        }
        self.scan = i;
        if last && self.start < self.buf.len() {
            if self.csv && self.in_quote {
                return Err(bad_format("unterminated CSV quoted field"));
            }
            let line_start = self.start;
            self.start = self.buf.len();
            self.scan = self.start;
            return Ok(Some(line_start..self.buf.len()));
        }
        Ok(None)
    }

    /// A line [`Lines::next_line`] found.
    pub fn get(&self, range: std::ops::Range<usize>) -> &[u8] {
        &self.buf[range]
    }

    /// The bytes of an unfinished line (for an error's CONTEXT).
    pub fn pending(&self) -> &[u8] {
        &self.buf[self.start..]
    }
}

/// Rule 1's errors, by what the data's ending is and what was found.
fn eol_error(expected: Eol, found: Eol, csv: bool) -> SqlError {
    let cr = matches!(found, Eol::Cr | Eol::CrNl) && expected == Eol::Nl
        || (expected == Eol::CrNl && found == Eol::Cr);
    let (what, hint) = if cr {
        (
            "literal carriage return found in data",
            if csv {
                "Use quoted CSV field to represent carriage return."
            } else {
                "Use \"\\r\" to represent carriage return."
            },
        )
    } else {
        (
            "literal newline found in data",
            if csv {
                "Use quoted CSV field to represent newline."
            } else {
                "Use \"\\n\" to represent newline."
            },
        )
    };
    bad_format(what).with_hint(hint)
}

/// One field of an input line: None is NULL.
pub type Field<'a> = Option<Cow<'a, [u8]>>;

/// True if `line` is the end-of-data marker `\.`.
pub fn is_end_marker(line: &[u8]) -> bool {
    line == b"\\."
}

/// Splits a text-format line into fields (rule 2 for NULL); `\.`
/// anywhere but alone on a line is 22P04.
pub fn split_text<'a>(line: &'a [u8], opts: &CopyOptions, out: &mut Vec<Field<'a>>) -> Result<()> {
    out.clear();
    let null = opts.null.as_bytes();
    let delim = opts.delimiter;
    let mut start = 0;
    loop {
        // The field's raw end: the next delimiter not escaped.
        let mut i = start;
        let mut escaped = false;
        while i < line.len() && line[i] != delim {
            if line[i] == b'\\' {
                escaped = true;
                i += 1;
            }
            i += 1;
        }
        let end = i.min(line.len());
        let raw = &line[start..end];
        if raw == null {
            out.push(None);
        } else if !escaped {
            out.push(Some(Cow::Borrowed(raw)));
        } else {
            out.push(Some(Cow::Owned(unescape(raw)?)));
        }
        if end >= line.len() {
            return Ok(());
        }
        start = end + 1;
    }
}

/// Reads the backslash escapes of a text-format field.
fn unescape(raw: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let c = raw[i];
        if c != b'\\' {
            out.push(c);
            i += 1;
            continue;
        }
        i += 1;
        let Some(&e) = raw.get(i) else {
            // A backslash at the end of the line stands for itself.
            out.push(b'\\');
            break;
        };
        i += 1;
        match e {
            b'0'..=b'7' => {
                let mut v = u32::from(e - b'0');
                for _ in 0..2 {
                    match raw.get(i) {
                        Some(d @ b'0'..=b'7') => {
                            v = v * 8 + u32::from(d - b'0');
                            i += 1;
                        }
                        _ => break,
                    }
                }
                out.push((v & 0xff) as u8);
            }
            b'x' => match raw.get(i).and_then(|d| (*d as char).to_digit(16)) {
                Some(h) => {
                    i += 1;
                    let mut v = h;
                    if let Some(l) = raw.get(i).and_then(|d| (*d as char).to_digit(16)) {
                        v = v * 16 + l;
                        i += 1;
                    }
                    out.push(v as u8);
                }
                None => out.push(b'x'),
            },
            b'b' => out.push(8),
            b'f' => out.push(12),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'v' => out.push(11),
            b'.' => return Err(bad_format("end-of-copy marker corrupt")),
            other => out.push(other),
        }
    }
    Ok(out)
}

/// Splits a CSV line into fields (rule 2 for NULL): the second value of
/// each field says whether it was quoted.
pub fn split_csv<'a>(
    line: &'a [u8],
    opts: &CopyOptions,
    out: &mut Vec<(Field<'a>, bool)>,
) -> Result<()> {
    out.clear();
    let (delim, quote, escape) = (opts.delimiter, opts.quote, opts.escape);
    let null = opts.null.as_bytes();
    let mut i = 0;
    loop {
        let start = i;
        let mut quoted = false;
        let mut value: Option<Vec<u8>> = None;
        let mut plain_end = start;
        while i < line.len() && line[i] != delim {
            if line[i] == quote {
                quoted = true;
                let v = value.get_or_insert_with(|| line[start..i].to_vec());
                i += 1;
                loop {
                    let Some(&c) = line.get(i) else {
                        return Err(bad_format("unterminated CSV quoted field"));
                    };
                    if c == escape
                        && line.get(i + 1).is_some_and(|&n| n == quote || n == escape)
                        && (escape != quote || line.get(i + 1) == Some(&quote))
                    {
                        v.push(line[i + 1]);
                        i += 2;
                        continue;
                    }
                    if c == quote {
                        i += 1;
                        break;
                    }
                    v.push(c);
                    i += 1;
                }
                continue;
            }
            if let Some(v) = &mut value {
                v.push(line[i]);
            }
            i += 1;
            plain_end = i;
        }
        let field = match value {
            Some(v) => Some(Cow::Owned(v)),
            None => {
                let raw = &line[start..plain_end.max(start)];
                if raw == null {
                    None
                } else {
                    Some(Cow::Borrowed(raw))
                }
            }
        };
        out.push((field, quoted));
        if i >= line.len() {
            return Ok(());
        }
        i += 1;
    }
}

/// Appends a value in text format (its escapes).
pub fn write_text_field(out: &mut Vec<u8>, s: &str, delim: u8) {
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &c) in bytes.iter().enumerate() {
        let esc = match c {
            b'\\' => b'\\',
            b'\n' => b'n',
            b'\r' => b'r',
            b'\t' if delim == b'\t' => b't',
            b'\t' => b't',
            8 => b'b',
            12 => b'f',
            11 => b'v',
            c if c == delim => c,
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        out.push(b'\\');
        out.push(esc);
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
}

/// Appends a value in CSV format, quoted when `force`d, when it looks
/// like the NULL string, when it holds the delimiter, a quote or a line
/// ending, or when it is `\.` alone in a one-column row.
pub fn write_csv_field(out: &mut Vec<u8>, s: &str, opts: &CopyOptions, force: bool, single: bool) {
    let (delim, quote, escape) = (opts.delimiter, opts.quote, opts.escape);
    let bytes = s.as_bytes();
    let needs = force
        || s == opts.null
        || (single && s == "\\.")
        || bytes
            .iter()
            .any(|&c| c == delim || c == quote || c == b'\n' || c == b'\r');
    if !needs {
        out.extend_from_slice(bytes);
        return;
    }
    out.push(quote);
    for &c in bytes {
        if c == quote || c == escape {
            out.push(escape);
        }
        out.push(c);
    }
    out.push(quote);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parser::{CopyArg, CopyOption};

    fn opts(format: &str) -> CopyOptions {
        CopyOptions::parse(
            &[CopyOption {
                name: "format".into(),
                arg: Some(CopyArg::Word(format.into())),
                position: None,
            }],
            true,
        )
        .unwrap()
    }

    fn lines(o: &CopyOptions, chunks: &[&[u8]]) -> Result<Vec<Vec<u8>>> {
        let mut l = Lines::new(o);
        let mut out = Vec::new();
        for (n, c) in chunks.iter().enumerate() {
            l.push(c);
            let last = n + 1 == chunks.len();
            while let Some(line) = l.next_line(last)? {
                out.push(l.get(line).to_vec());
            }
        }
        Ok(out)
    }

    #[test]
    fn lines_split_across_chunks_and_endings_are_checked() {
        let t = opts("text");
        assert_eq!(
            lines(&t, &[b"1\ta\n2\t", b"b\n3\tc"]).unwrap(),
            [b"1\ta".to_vec(), b"2\tb".to_vec(), b"3\tc".to_vec()]
        );
        assert_eq!(
            lines(&t, &[b"1\r", b"\n2\r\n"]).unwrap(),
            [b"1".to_vec(), b"2".to_vec()]
        );
        let e = lines(&t, &[b"1\r\n2\n"]).unwrap_err();
        assert_eq!(e.message(), "literal newline found in data");
        let e = lines(&t, &[b"1\n2\r\n"]).unwrap_err();
        assert_eq!(e.message(), "literal carriage return found in data");
        let c = opts("csv");
        assert_eq!(
            lines(&c, &[b"1,\"a\nb\"\n2,\"", b"x\"\"y\"\n"]).unwrap(),
            [b"1,\"a\nb\"".to_vec(), b"2,\"x\"\"y\"".to_vec()]
        );
        let e = lines(&c, &[b"1,\"open\n"]).unwrap_err();
        assert_eq!(e.message(), "unterminated CSV quoted field");
    }

    fn text_fields(line: &[u8]) -> Vec<Option<Vec<u8>>> {
        let mut out = Vec::new();
        split_text(line, &opts("text"), &mut out).unwrap();
        out.into_iter().map(|f| f.map(|c| c.into_owned())).collect()
    }

    #[test]
    fn text_fields_nulls_and_escapes() {
        assert_eq!(
            text_fields(b"1\t\\N\ta\\tb\t\\x41\\101\\b\t"),
            [
                Some(b"1".to_vec()),
                None,
                Some(b"a\tb".to_vec()),
                Some(b"AA\x08".to_vec()),
                Some(Vec::new())
            ]
        );
        let mut out = Vec::new();
        let e = split_text(b"a\\.b", &opts("text"), &mut out).unwrap_err();
        assert_eq!(e.message(), "end-of-copy marker corrupt");
    }

    #[test]
    fn csv_fields_quotes_and_nulls() {
        let mut out = Vec::new();
        split_csv(b"5,\"q,\"\"x\"\"\",,\"\",a b", &opts("csv"), &mut out).unwrap();
        let got: Vec<(Option<Vec<u8>>, bool)> = out
            .into_iter()
            .map(|(f, q)| (f.map(|c| c.into_owned()), q))
            .collect();
        assert_eq!(
            got,
            [
                (Some(b"5".to_vec()), false),
                (Some(b"q,\"x\"".to_vec()), true),
                (None, false),
                (Some(Vec::new()), true),
                (Some(b"a b".to_vec()), false)
            ]
        );
    }

    #[test]
    fn output_escapes_and_quotes() {
        let mut out = Vec::new();
        write_text_field(&mut out, "a\tb\\c\nd", b'\t');
        assert_eq!(out, b"a\\tb\\\\c\\nd");
        let o = opts("csv");
        for (s, force, want) in [
            ("plain", false, "plain"),
            ("", false, "\"\""),
            ("q,\"x\"", false, "\"q,\"\"x\"\"\""),
            ("x", true, "\"x\""),
            ("x\ny", false, "\"x\ny\""),
        ] {
            let mut out = Vec::new();
            write_csv_field(&mut out, s, &o, force, false);
            assert_eq!(String::from_utf8(out).unwrap(), want, "{s}");
        }
    }
}
