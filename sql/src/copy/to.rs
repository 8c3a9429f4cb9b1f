//! COPY TO: writing a table's rows, or a query's, to the client, a file
//! or a program.

use std::io::Write;
use std::process::{Child, Command, Stdio};

use bytes::BytesMut;

use super::binary::{header, write_row, TRAILER};
use super::from::{os_message, program_failed};
use super::options::{CopyOptions, Encoding, ForceQuote, Format, Header};
use super::text::{write_csv_field, write_text_field};
use super::{column_list, find_column, open_table};
use crate::error::{Result, SqlError, SqlState};
use crate::exec;
use crate::parser::{CopySource, CopyStatement, CopyTarget};
use crate::plan::OutputColumn;
use crate::result::{CopyChannel, ResultSink};
use crate::session::{Session, Stmt};
use crate::types::DataType;
use actorgres_storage::lock::LockMode;

/// Where COPY TO writes.
enum Output<'a> {
    /// The client (a CopyData message per row).
    Client(&'a mut dyn CopyChannel),
    /// A file on the server.
    File(std::io::BufWriter<std::fs::File>, String),
    /// A program's standard input.
    Program(Child, String),
}

impl Output<'_> {
    /// Writes one row's bytes (or the binary header or trailer).
    fn write(&mut self, data: &[u8]) -> Result<()> {
        let failed = |e: std::io::Error| {
            SqlError::new(
                SqlState::IO_ERROR,
                format!("could not write to COPY file: {}", os_message(&e)),
            )
        };
        match self {
            Output::Client(c) => c.copy_out_data(data),
            Output::File(f, _) => f.write_all(data).map_err(failed),
            Output::Program(child, _) => match child.stdin.as_mut() {
                Some(w) => w.write_all(data).map_err(failed),
                None => Ok(()),
            },
        }
    }

    /// Ends the output: CopyDone, the file flushed, the program's exit.
    fn finish(self) -> Result<()> {
        match self {
            Output::Client(c) => c.copy_out_done(),
            Output::File(mut f, name) => f.flush().map_err(|e| {
                SqlError::new(
                    SqlState::IO_ERROR,
                    format!("could not write to file \"{name}\": {}", os_message(&e)),
                )
            }),
            Output::Program(mut child, command) => {
                drop(child.stdin.take());
                let status = child.wait().map_err(|e| {
                    SqlError::new(
                        SqlState::SYSTEM_ERROR,
                        format!("could not wait for program \"{command}\": {e}"),
                    )
                })?;
                if status.success() {
                    Ok(())
                } else {
                    Err(program_failed(&command, status))
                }
            }
        }
    }
}

/// Opens a file or program for COPY TO.
fn open_output<'a>(target: &CopyTarget) -> Result<Output<'a>> {
    match target {
        CopyTarget::Client => Err(SqlError::internal("the client is not a file")),
        CopyTarget::File(name) => {
            if !std::path::Path::new(name).is_absolute() {
                return Err(SqlError::new(
                    SqlState::INVALID_NAME,
                    "relative path not allowed for COPY to file",
                ));
            }
            std::fs::File::create(name)
                .map(|f| Output::File(std::io::BufWriter::with_capacity(64 * 1024, f), name.clone()))
                .map_err(|e| {
                    let code = match e.kind() {
                        std::io::ErrorKind::NotFound => SqlState::UNDEFINED_FILE,
                        std::io::ErrorKind::PermissionDenied => SqlState::INSUFFICIENT_PRIVILEGE,
                        _ => SqlState::IO_ERROR,
                    };
                    SqlError::new(
                        code,
                        format!("could not open file \"{name}\" for writing: {}", os_message(&e)),
                    )
                    .with_hint("COPY TO instructs the PostgreSQL server process to write a file. You may want a client-side facility such as psql's \\copy.")
                })
        }
        CopyTarget::Program(command) => Command::new("/bin/sh")
            .arg("-c")
            .arg(command)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .map(|c| Output::Program(c, command.clone()))
            .map_err(|e| {
                SqlError::new(
                    SqlState::SYSTEM_ERROR,
                    format!(
                        "could not execute command \"{command}\": {}",
                        os_message(&e)
                    ),
                )
            }),
    }
}

/// The text of `s` in the output encoding (22P05 for a character
/// LATIN1 cannot hold).
fn encoded<'s>(s: &'s str, encoding: Encoding) -> Result<std::borrow::Cow<'s, [u8]>> {
    match encoding {
        Encoding::Utf8 => Ok(std::borrow::Cow::Borrowed(s.as_bytes())),
        Encoding::Latin1 => {
            let mut out = Vec::with_capacity(s.len());
            for c in s.chars() {
                match u8::try_from(u32::from(c)) {
                    Ok(b) => out.push(b),
                    Err(_) => {
                        let mut buf = [0u8; 4];
                        let bytes: Vec<String> = c
                            .encode_utf8(&mut buf)
                            .bytes()
                            .map(|b| format!("0x{b:02x}"))
                            .collect();
                        return Err(SqlError::new(
                            SqlState::UNTRANSLATABLE_CHARACTER,
                            format!(
                                "character with byte sequence {} in encoding \"UTF8\" has no equivalent in encoding \"LATIN1\"",
                                bytes.join(" ")
                            ),
                        ));
                    }
                }
            }
            Ok(std::borrow::Cow::Owned(out))
        }
    }
}

/// COPY table [(columns)] | (query) TO ...
pub(super) fn copy_to(
    ctx: &mut Stmt<'_>,
    stmt: &CopyStatement,
    opts: &CopyOptions,
    sink: &mut dyn ResultSink,
) -> Result<()> {
    let (plan, columns, listed) = match &stmt.source {
        CopySource::Table { name, columns } => {
            let def = open_table(ctx, name, LockMode::AccessShare, "from")?;
            let attrs = column_list(&def, columns)?;
            for c in force_quote_names(opts) {
                let i = find_column(&def, c)?;
                if !attrs.contains(&i) {
                    return Err(not_referenced(c));
                }
            }
            let cols: Vec<String> = attrs
                .iter()
                .map(|&i| {
                    sqlparser::ast::Ident::with_quote('"', def.columns[i].name.clone()).to_string()
                })
                .collect();
            let sql = format!("SELECT {} FROM {}", cols.join(", "), name);
            let query = match crate::parser::parse(&sql)?.pop() {
                Some(crate::parser::Parsed::Sql(s)) => match s.into_statement() {
                    sqlparser::ast::Statement::Query(q) => q,
                    _ => return Err(SqlError::internal("COPY's query is not a query")),
                },
                _ => return Err(SqlError::internal("COPY's query did not parse")),
            };
            let (plan, columns) = Session::plan_query(ctx, &query)?;
            (plan, columns, true)
        }
        CopySource::Query(q) if matches!(q.body.as_ref(), sqlparser::ast::SetExpr::Merge(_)) => {
            return Err(SqlError::new(
                crate::error::SqlState::FEATURE_NOT_SUPPORTED,
                "MERGE not supported in COPY",
            ));
        }
        CopySource::Query(q) => match crate::session::run_returning(ctx, q)? {
            // INSERT / UPDATE / DELETE ... RETURNING: run, its rows copied.
            Some((columns, rows, notices)) => {
                for n in &notices {
                    sink.notice(n)?;
                }
                let plan = crate::plan::Plan::Values(
                    rows.into_iter()
                        .map(|r| {
                            r.into_iter()
                                .zip(&columns)
                                .map(|(v, c)| crate::expr::Expr::constant(v, c.ty))
                                .collect()
                        })
                        .collect(),
                );
                (plan, columns, false)
            }
            None => {
                let (plan, columns) = Session::plan_query(ctx, q)?;
                (plan, columns, false)
            }
        },
    };
    if !listed {
        for c in force_quote_names(opts) {
            if !columns.iter().any(|col| &col.name == c) {
                return Err(not_referenced(c));
            }
        }
    }
    let forced: Vec<bool> = columns
        .iter()
        .map(|c| match &opts.force_quote {
            ForceQuote::None => false,
            ForceQuote::All => true,
            ForceQuote::Columns(names) => names.contains(&c.name),
        })
        .collect();
    let binary = opts.format == Format::Binary;
    let mut output = match &stmt.target {
        CopyTarget::Client => {
            let Some(channel) = sink.copy() else {
                return Err(SqlError::unsupported("COPY TO STDOUT here"));
            };
            channel.copy_out_start(binary, columns.len())?;
            Output::Client(channel)
        }
        other => open_output(other)?,
    };
    let types: Vec<DataType> = columns.iter().map(|c| c.ty).collect();
    let mut eval = ctx.eval_ctx();
    let style = eval.style().clone();
    let mut line: Vec<u8> = Vec::with_capacity(256);
    let mut text = String::new();
    let mut bin = BytesMut::new();
    if binary {
        bin.extend_from_slice(&header());
    } else if opts.header == Header::Yes {
        header_line(&columns, opts, &mut line)?;
        write_line(&mut output, &line, opts.encoding)?;
    }
    let mut root = exec::build(&plan);
    let mut count: u64 = 0;
    while let Some(row) = root.next(&mut eval)? {
        if binary {
            write_row(&mut bin, &row, &types)?;
            output.write(&bin)?;
            bin.clear();
        } else {
            line.clear();
            for (i, v) in row.iter().enumerate() {
                if i > 0 {
                    line.push(opts.delimiter);
                }
                if v.is_null() {
                    line.extend_from_slice(opts.null.as_bytes());
                    continue;
                }
                text.clear();
                v.write_text(&style, &mut text);
                if opts.format == Format::Csv {
                    write_csv_field(&mut line, &text, opts, forced[i], row.len() == 1);
                } else {
                    write_text_field(&mut line, &text, opts.delimiter);
                }
            }
            line.push(b'\n');
            write_line(&mut output, &line, opts.encoding)?;
        }
        count += 1;
        if count.is_multiple_of(1024) {
            eval.check_interrupts()?;
        }
    }
    if binary {
        if !bin.is_empty() {
            output.write(&bin)?;
        }
        output.write(&TRAILER)?;
    }
    output.finish()?;
    sink.command_complete(&format!("COPY {count}"))
}

/// Writes a line assembled in UTF-8 (escapes add ASCII only) in the
/// output encoding.
fn write_line(output: &mut Output<'_>, line: &[u8], encoding: Encoding) -> Result<()> {
    if encoding == Encoding::Utf8 {
        return output.write(line);
    }
    let text = String::from_utf8_lossy(line);
    output.write(&encoded(&text, encoding)?)
}

/// The header line of text or CSV output.
fn header_line(columns: &[OutputColumn], opts: &CopyOptions, line: &mut Vec<u8>) -> Result<()> {
    for (i, c) in columns.iter().enumerate() {
        if i > 0 {
            line.push(opts.delimiter);
        }
        if opts.format == Format::Csv {
            write_csv_field(line, &c.name, opts, false, columns.len() == 1);
        } else {
            write_text_field(line, &c.name, opts.delimiter);
        }
    }
    line.push(b'\n');
    Ok(())
}

/// The FORCE_QUOTE column names, if any.
fn force_quote_names(opts: &CopyOptions) -> &[String] {
    match &opts.force_quote {
        ForceQuote::Columns(c) => c,
        _ => &[],
    }
}

/// 42P10 for a FORCE_QUOTE column outside the COPY's columns.
fn not_referenced(name: &str) -> SqlError {
    SqlError::new(
        SqlState::INVALID_COLUMN_REFERENCE,
        format!("FORCE_QUOTE column \"{name}\" not referenced by COPY"),
    )
}
