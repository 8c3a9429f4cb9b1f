//! COPY's options, checked as PostgreSQL's ProcessCopyOptions checks
//! them, with its messages and SQLSTATEs.

use crate::error::{Result, SqlError, SqlState};
use crate::parser::{CopyArg, CopyOption};

/// The data format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Tab-separated text with backslash escapes.
    Text,
    /// Comma-separated values.
    Csv,
    /// PostgreSQL's binary COPY format.
    Binary,
}

/// Whether the data has a header line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Header {
    /// No header.
    No,
    /// A header line (skipped on input).
    Yes,
    /// A header line whose names must match the columns (COPY FROM).
    Match,
}

/// Which columns CSV output always quotes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ForceQuote {
    /// Only values that need it.
    None,
    /// Every non-NULL value (`*`).
    All,
    /// These columns.
    Columns(Vec<String>),
}

/// The input or output encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF8 (the server's): no conversion.
    Utf8,
    /// LATIN1: one byte per character.
    Latin1,
}

/// Checked options, with the defaults filled in.
#[derive(Debug, Clone)]
pub struct CopyOptions {
    /// FORMAT.
    pub format: Format,
    /// FREEZE.
    pub freeze: bool,
    /// DELIMITER, one byte.
    pub delimiter: u8,
    /// NULL: the text of a NULL value.
    pub null: String,
    /// HEADER.
    pub header: Header,
    /// QUOTE (CSV).
    pub quote: u8,
    /// ESCAPE (CSV).
    pub escape: u8,
    /// FORCE_QUOTE (CSV, COPY TO).
    pub force_quote: ForceQuote,
    /// FORCE_NOT_NULL (CSV, COPY FROM): these columns never read NULL.
    pub force_not_null: Vec<String>,
    /// FORCE_NULL (CSV, COPY FROM): a quoted NULL string is NULL too.
    pub force_null: Vec<String>,
    /// ENCODING.
    pub encoding: Encoding,
}

fn redundant(o: &CopyOption) -> SqlError {
    SqlError::syntax("conflicting or redundant options", o.position)
}

fn unsupported(message: &str) -> SqlError {
    SqlError::new(SqlState::FEATURE_NOT_SUPPORTED, message)
}

fn invalid(message: String) -> SqlError {
    SqlError::new(SqlState::INVALID_PARAMETER_VALUE, message)
}

/// defGetBoolean: no argument is true.
fn boolean(o: &CopyOption) -> Result<bool> {
    let word = match &o.arg {
        None => return Ok(true),
        Some(CopyArg::Word(w)) => w.clone(),
        Some(CopyArg::Str(s)) => s.to_lowercase(),
        _ => String::new(),
    };
    match word.as_str() {
        "true" | "on" | "1" => Ok(true),
        "false" | "off" | "0" => Ok(false),
        _ => Err(SqlError::syntax(
            format!("{} requires a Boolean value", o.name),
            None,
        )),
    }
}

/// defGetString.
fn string(o: &CopyOption) -> Result<String> {
    match &o.arg {
        Some(CopyArg::Word(w)) => Ok(w.clone()),
        Some(CopyArg::Str(s)) => Ok(s.clone()),
        Some(CopyArg::Star) => Ok("*".into()),
        Some(CopyArg::Columns(_)) | None => Err(SqlError::syntax(
            format!("{} requires a parameter", o.name),
            None,
        )),
    }
}

/// A column list argument.
fn columns(o: &CopyOption, star_ok: bool) -> Result<Option<Vec<String>>> {
    match &o.arg {
        Some(CopyArg::Columns(c)) => Ok(Some(c.clone())),
        Some(CopyArg::Star) if star_ok => Ok(None),
        _ => Err(invalid(format!(
            "argument to option \"{}\" must be a list of column names",
            o.name
        ))
        .at(o.position)),
    }
}

/// The encodings PostgreSQL knows, by their normalised names (letters
/// and digits, lower case).
const ENCODINGS: &[&str] = &[
    "sqlascii",
    "eucjp",
    "euccn",
    "euckr",
    "euctw",
    "eucjis2004",
    "utf8",
    "unicode",
    "muleinternal",
    "latin1",
    "latin2",
    "latin3",
    "latin4",
    "latin5",
    "latin6",
    "latin7",
    "latin8",
    "latin9",
    "latin10",
    "win1256",
    "win1258",
    "win866",
    "win874",
    "koi8r",
    "win1251",
    "win1252",
    "iso88595",
    "iso88596",
    "iso88597",
    "iso88598",
    "win1250",
    "win1253",
    "win1254",
    "win1255",
    "win1257",
    "koi8u",
    "sjis",
    "big5",
    "gbk",
    "uhc",
    "gb18030",
    "johab",
    "shiftjis2004",
    "iso88591",
    "alt",
    "win",
    "mskanji",
    "shiftjis",
    "tcvn",
    "tcvn5712",
    "vscii",
    "windows1250",
    "windows1251",
    "windows1252",
];

impl CopyOptions {
    /// Checks `options` for a COPY FROM (`from`) or TO.
    pub fn parse(options: &[CopyOption], from: bool) -> Result<CopyOptions> {
        let mut format: Option<Format> = None;
        let mut freeze = None;
        let mut delimiter: Option<String> = None;
        let mut null: Option<String> = None;
        let mut header: Option<Header> = None;
        let mut quote: Option<String> = None;
        let mut escape: Option<String> = None;
        let mut force_quote: Option<ForceQuote> = None;
        let mut force_not_null: Option<Vec<String>> = None;
        let mut force_null: Option<Vec<String>> = None;
        let mut encoding: Option<Encoding> = None;
        for o in options {
            match o.name.as_str() {
                "format" => {
                    if format.is_some() {
                        return Err(redundant(o));
                    }
                    let f = string(o)?;
                    format = Some(match f.as_str() {
                        "text" => Format::Text,
                        "csv" => Format::Csv,
                        "binary" => Format::Binary,
                        _ => {
                            return Err(invalid(format!("COPY format \"{f}\" not recognized"))
                                .at(o.position))
                        }
                    });
                }
                "freeze" => {
                    if freeze.is_some() {
                        return Err(redundant(o));
                    }
                    freeze = Some(boolean(o)?);
                }
                "delimiter" => {
                    if delimiter.is_some() {
                        return Err(redundant(o));
                    }
                    delimiter = Some(string(o)?);
                }
                "null" => {
                    if null.is_some() {
                        return Err(redundant(o));
                    }
                    null = Some(string(o)?);
                }
                "header" => {
                    if header.is_some() {
                        return Err(redundant(o));
                    }
                    let is_match = matches!(&o.arg, Some(CopyArg::Word(w)) if w == "match")
                        || matches!(&o.arg, Some(CopyArg::Str(s)) if s.eq_ignore_ascii_case("match"));
                    header = Some(if is_match {
                        if !from {
                            return Err(unsupported("cannot use \"match\" with HEADER in COPY TO"));
                        }
                        Header::Match
                    } else {
                        match boolean(o) {
                            Ok(true) => Header::Yes,
                            Ok(false) => Header::No,
                            Err(_) => {
                                return Err(SqlError::syntax(
                                    "header requires a Boolean value or \"match\"",
                                    None,
                                ))
                            }
                        }
                    });
                }
                "quote" => {
                    if quote.is_some() {
                        return Err(redundant(o));
                    }
                    quote = Some(string(o)?);
                }
                "escape" => {
                    if escape.is_some() {
                        return Err(redundant(o));
                    }
                    escape = Some(string(o)?);
                }
                "force_quote" => {
                    if force_quote.is_some() {
                        return Err(redundant(o));
                    }
                    force_quote = Some(match columns(o, true)? {
                        Some(c) => ForceQuote::Columns(c),
                        None => ForceQuote::All,
                    });
                }
                "force_not_null" => {
                    if force_not_null.is_some() {
                        return Err(redundant(o));
                    }
                    force_not_null = columns(o, false)?;
                }
                "force_null" => {
                    if force_null.is_some() {
                        return Err(SqlError::syntax("conflicting or redundant options", None));
                    }
                    force_null = columns(o, false)?;
                }
                "encoding" => {
                    if encoding.is_some() {
                        return Err(redundant(o));
                    }
                    let name: String = string(o)?
                        .chars()
                        .filter(char::is_ascii_alphanumeric)
                        .map(|c| c.to_ascii_lowercase())
                        .collect();
                    if !ENCODINGS.contains(&name.as_str()) {
                        return Err(invalid(
                            "argument to option \"encoding\" must be a valid encoding name".into(),
                        )
                        .at(o.position));
                    }
                    encoding = Some(match name.as_str() {
                        "utf8" | "unicode" | "sqlascii" => Encoding::Utf8,
                        "latin1" | "iso88591" => Encoding::Latin1,
                        _ => {
                            return Err(unsupported(
                                "COPY supports the encodings UTF8 and LATIN1 only",
                            ))
                        }
                    });
                }
                other => {
                    return Err(SqlError::syntax(
                        format!("option \"{other}\" not recognized"),
                        o.position,
                    ))
                }
            }
        }
        let format = format.unwrap_or(Format::Text);
        let binary = format == Format::Binary;
        let csv = format == Format::Csv;
        if binary && delimiter.is_some() {
            return Err(SqlError::syntax(
                "cannot specify DELIMITER in BINARY mode",
                None,
            ));
        }
        if binary && null.is_some() {
            return Err(SqlError::syntax("cannot specify NULL in BINARY mode", None));
        }
        if binary && header.is_some_and(|h| h != Header::No) {
            return Err(unsupported("cannot specify HEADER in BINARY mode"));
        }
        let delimiter = delimiter.unwrap_or_else(|| if csv { "," } else { "\t" }.into());
        let null = null.unwrap_or_else(|| if csv { "" } else { "\\N" }.into());
        let (quote_given, escape_given) = (quote.is_some(), escape.is_some());
        let quote = quote.unwrap_or_else(|| "\"".into());
        let escape = escape.unwrap_or_else(|| quote.clone());
        if delimiter.len() != 1 {
            return Err(unsupported(
                "COPY delimiter must be a single one-byte character",
            ));
        }
        let delim = delimiter.as_bytes()[0];
        if delim == b'\r' || delim == b'\n' {
            return Err(invalid(
                "COPY delimiter cannot be newline or carriage return".into(),
            ));
        }
        if null.contains(['\r', '\n']) {
            return Err(invalid(
                "COPY null representation cannot use newline or carriage return".into(),
            ));
        }
        if !csv && b"\\.abcdefghijklmnopqrstuvwxyz0123456789".contains(&delim) {
            return Err(invalid(format!("COPY delimiter cannot be \"{delimiter}\"")));
        }
        if !csv && quote_given {
            return Err(unsupported("COPY quote available only in CSV mode"));
        }
        if csv && quote.len() != 1 {
            return Err(unsupported(
                "COPY quote must be a single one-byte character",
            ));
        }
        if csv && delim == quote.as_bytes()[0] {
            return Err(invalid("COPY delimiter and quote must be different".into()));
        }
        if !csv && escape_given {
            return Err(unsupported("COPY escape available only in CSV mode"));
        }
        if csv && escape.len() != 1 {
            return Err(unsupported(
                "COPY escape must be a single one-byte character",
            ));
        }
        let force_quote = force_quote.unwrap_or(ForceQuote::None);
        if !csv && force_quote != ForceQuote::None {
            return Err(unsupported("COPY force quote available only in CSV mode"));
        }
        if force_quote != ForceQuote::None && from {
            return Err(unsupported("COPY force quote only available using COPY TO"));
        }
        if !csv && force_not_null.is_some() {
            return Err(unsupported(
                "COPY force not null available only in CSV mode",
            ));
        }
        if force_not_null.is_some() && !from {
            return Err(unsupported(
                "COPY force not null only available using COPY FROM",
            ));
        }
        if !csv && force_null.is_some() {
            return Err(unsupported("COPY force null available only in CSV mode"));
        }
        if force_null.is_some() && !from {
            return Err(unsupported(
                "COPY force null only available using COPY FROM",
            ));
        }
        if null.as_bytes().contains(&delim) {
            return Err(unsupported(
                "COPY delimiter must not appear in the NULL specification",
            ));
        }
        if csv && null.as_bytes().contains(&quote.as_bytes()[0]) {
            return Err(unsupported(
                "CSV quote character must not appear in the NULL specification",
            ));
        }
        Ok(CopyOptions {
            format,
            freeze: freeze.unwrap_or(false),
            delimiter: delim,
            null,
            header: header.unwrap_or(Header::No),
            quote: quote.as_bytes().first().copied().unwrap_or(b'"'),
            escape: escape.as_bytes().first().copied().unwrap_or(b'"'),
            force_quote,
            force_not_null: force_not_null.unwrap_or_default(),
            force_null: force_null.unwrap_or_default(),
            encoding: encoding.unwrap_or(Encoding::Utf8),
        })
    }
}
