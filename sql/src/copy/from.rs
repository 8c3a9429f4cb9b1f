//! COPY FROM: reading rows from the client, a file or a program into a
//! table.

use std::io::Read;
use std::process::{Child, Command, Stdio};

use actorgres_storage::lock::LockMode;
use actorgres_storage::Actor;
use bytes::Bytes;

use super::binary::{Reader, Tuple};
use super::options::{CopyOptions, Encoding, Format, Header};
use super::text::{bad_format, is_end_marker, split_csv, split_text, Field, Lines};
use super::{column_list, find_column, open_table, printout};
use crate::binder::table_scope;
use crate::cast::apply_typmod;
use crate::catalog::ColumnDef;
use crate::catalog::TriggerDef;
use crate::error::{Result, SqlError, SqlState};
use crate::expr::{EvalCtx, Expr};
use crate::parser::{CopySource, CopyStatement, CopyTarget};
use crate::result::{CopyChannel, ResultSink};
use crate::session::Stmt;
use crate::table::Loader;
use crate::types::DataType;
use crate::value::binary::read_binary;
use crate::value::{OutputStyle, Value};

/// Bytes read from a file or program at a time.
const READ_CHUNK: usize = 64 * 1024;

/// Where COPY FROM reads.
enum Input<'a> {
    /// The client (CopyData messages).
    Client(&'a mut dyn CopyChannel),
    /// A file on the server.
    File(std::fs::File),
    /// A program's standard output.
    Program(Child, String),
}

impl Input<'_> {
    /// The next piece of input; None at its end.
    fn read(&mut self) -> Result<Option<Bytes>> {
        let from = |r: &mut dyn Read| -> Result<Option<Bytes>> {
            let mut buf = vec![0u8; READ_CHUNK];
            let n = r.read(&mut buf).map_err(|e| {
                SqlError::new(
                    SqlState::IO_ERROR,
                    format!("could not read from COPY file: {e}"),
                )
            })?;
            buf.truncate(n);
            Ok((n > 0).then(|| Bytes::from(buf)))
        };
        match self {
            Input::Client(c) => c.copy_in_read(),
            Input::File(f) => from(f),
            Input::Program(child, _) => match child.stdout.as_mut() {
                Some(out) => from(out),
                None => Ok(None),
            },
        }
    }

    /// Ends the input: a program must have exited with status 0.
    fn finish(self) -> Result<()> {
        if let Input::Program(mut child, command) = self {
            drop(child.stdout.take());
            let status = child.wait().map_err(|e| {
                SqlError::new(
                    SqlState::SYSTEM_ERROR,
                    format!("could not wait for program \"{command}\": {e}"),
                )
            })?;
            if !status.success() {
                return Err(program_failed(&command, status));
            }
        }
        Ok(())
    }
}

/// 38000 for a program that did not exit with status 0.
pub(super) fn program_failed(command: &str, status: std::process::ExitStatus) -> SqlError {
    let detail = match status.code() {
        Some(code) => format!("child process exited with exit code {code}"),
        None => "child process was terminated by a signal".to_owned(),
    };
    SqlError::new(
        SqlState::EXTERNAL_ROUTINE_EXCEPTION,
        format!("program \"{command}\" failed"),
    )
    .with_detail(detail)
}

/// Opens the input of a COPY FROM whose target is not the client.
fn open_input<'a>(target: &CopyTarget, data_dir: &std::path::Path) -> Result<Input<'a>> {
    match target {
        CopyTarget::Client => Err(SqlError::internal("the client is not a file")),
        CopyTarget::File(name) => {
            let path = data_dir.join(name);
            std::fs::File::open(&path).map(Input::File).map_err(|e| {
                let code = match e.kind() {
                    std::io::ErrorKind::NotFound => SqlState::UNDEFINED_FILE,
                    std::io::ErrorKind::PermissionDenied => SqlState::INSUFFICIENT_PRIVILEGE,
                    _ => SqlState::IO_ERROR,
                };
                SqlError::new(
                    code,
                    format!("could not open file \"{name}\" for reading: {}", os_message(&e)),
                )
                .with_hint("COPY FROM instructs the PostgreSQL server process to read a file. You may want a client-side facility such as psql's \\copy.")
            })
        }
        CopyTarget::Program(command) => Command::new("/bin/sh")
            .arg("-c")
            .arg(command)
            .current_dir(data_dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .map(|c| Input::Program(c, command.clone()))
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

/// An OS error as C's strerror words it ("No such file or directory").
pub(super) fn os_message(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_owned(),
        None => s,
    }
}

/// What one column needs to read its values.
struct Target<'a> {
    /// The column.
    col: &'a ColumnDef,
    /// CSV FORCE_NOT_NULL: never NULL.
    force_not_null: bool,
    /// CSV FORCE_NULL: a quoted NULL string is NULL too.
    force_null: bool,
}

/// Reads the text of one field as the column's type (rule 2's value
/// context is added by the caller).
fn convert(
    bytes: &[u8],
    col: &ColumnDef,
    style: &OutputStyle,
    encoding: Encoding,
) -> Result<Value> {
    let owned;
    let text = match encoding {
        Encoding::Utf8 => match std::str::from_utf8(bytes) {
            Ok(s) => s,
            Err(_) => {
                owned = crate::error::errors::utf8(bytes)?;
                owned.as_str()
            }
        },
        Encoding::Latin1 => {
            owned = bytes.iter().map(|&b| char::from(b)).collect();
            owned.as_str()
        }
    };
    if col.typmod >= 4 && matches!(col.ty, DataType::Bpchar | DataType::Varchar) && text.is_ascii()
    {
        // The common case of char(n) / varchar(n): the padded text in one
        // allocation (bpcharin's work).
        let limit = (col.typmod - 4) as usize;
        if text.len() <= limit {
            let pad = if col.ty == DataType::Bpchar {
                limit
            } else {
                text.len()
            };
            let mut s = String::with_capacity(pad);
            s.push_str(text);
            crate::cast::push_spaces(&mut s, pad - text.len());
            return Ok(Value::Text(s));
        }
    }
    let v = crate::cast::parse_text_typmod(text, col.ty, col.typmod, style)?;
    apply_typmod(v, col.ty, col.typmod, false)
}

/// The state of a load, shared by the formats.
struct Load<'t> {
    /// The table's name, for CONTEXT lines.
    table: String,
    /// The target columns.
    targets: Vec<Target<'t>>,
    /// Lines (or binary tuples) read so far.
    line: u64,
    /// Rows loaded.
    rows: u64,
    /// The options.
    opts: &'t CopyOptions,
}

impl Load<'_> {
    /// CONTEXT for an error about the current line as a whole.
    fn at_line(&self, e: SqlError, text: Option<&[u8]>) -> SqlError {
        self.at(e, self.line, text)
    }

    /// CONTEXT for an error about line `line`.
    fn at(&self, e: SqlError, line: u64, text: Option<&[u8]>) -> SqlError {
        match text {
            Some(t) => e.with_context(format!(
                "COPY {}, line {line}: \"{}\"",
                self.table,
                printout(t)
            )),
            None => e.with_context(format!("COPY {}, line {line}", self.table)),
        }
    }

    /// CONTEXT for an error about one value of the current line.
    fn at_column(&self, e: SqlError, col: &str, value: Option<&[u8]>) -> SqlError {
        match value {
            Some(v) => e.with_context(format!(
                "COPY {}, line {}, column {col}: \"{}\"",
                self.table,
                self.line,
                printout(v)
            )),
            None => e.with_context(format!(
                "COPY {}, line {}, column {col}",
                self.table, self.line
            )),
        }
    }
}

/// COPY table [(columns)] FROM ...
pub(super) fn copy_from(
    ctx: &mut Stmt<'_>,
    stmt: &CopyStatement,
    opts: &CopyOptions,
    sink: &mut dyn ResultSink,
) -> Result<()> {
    let CopySource::Table { name, columns } = &stmt.source else {
        return Err(SqlError::syntax("syntax error at or near \"from\"", None));
    };
    let def = open_table(ctx, name, LockMode::RowExclusive, "to")?;
    if def.system {
        return Err(SqlError::new(
            SqlState::INSUFFICIENT_PRIVILEGE,
            format!("permission denied: \"{}\" is a system catalog", def.name),
        ));
    }
    let attrs = column_list(&def, columns)?;
    // INSERT on the table, or on each column copied (COPY TO's query
    // checks SELECT as any query does).
    let attnums: Vec<i32> = attrs.iter().map(|&i| i as i32 + 1).collect();
    ctx.check_relation_columns(&def, crate::acl::INSERT, Some(&attnums))?;
    for name in opts.force_not_null.iter().chain(&opts.force_null) {
        let i = find_column(&def, name)?;
        if !attrs.contains(&i) {
            let which = if opts.force_not_null.contains(name) {
                "FORCE_NOT_NULL"
            } else {
                "FORCE_NULL"
            };
            return Err(SqlError::new(
                SqlState::INVALID_COLUMN_REFERENCE,
                format!("{which} column \"{name}\" not referenced by COPY"),
            ));
        }
    }
    let filter = match &stmt.where_clause {
        Some(w) => {
            let scope = table_scope(&def, None);
            let mut b = ctx.binder();
            let e = b.expr(w, &scope)?;
            Some(b.boolean(e, "WHERE")?)
        }
        None => None,
    };
    let xid = ctx.write_xid("COPY FROM")?;
    let cid = ctx.txn.cid;
    let in_transaction_files = ctx.txn.creates.contains(&def.rel);
    let engine = ctx.engine();
    let data_dir = engine.root().to_path_buf();
    let targets: Vec<Target<'_>> = attrs
        .iter()
        .map(|&i| {
            let col = &def.columns[i];
            Target {
                col,
                force_not_null: opts.force_not_null.contains(&col.name),
                force_null: opts.force_null.contains(&col.name),
            }
        })
        .collect();
    let binary = opts.format == Format::Binary;
    let mut input = match &stmt.target {
        CopyTarget::Client => {
            let Some(channel) = sink.copy() else {
                return Err(SqlError::unsupported("COPY FROM STDIN here"));
            };
            channel.copy_in_start(binary, targets.len())?;
            Input::Client(channel)
        }
        other => open_input(other, &data_dir)?,
    };
    if opts.freeze && !in_transaction_files {
        return Err(SqlError::new(
            SqlState::OBJECT_NOT_IN_PREREQUISITE_STATE,
            "cannot perform COPY FREEZE because the table was not created or truncated in the current subtransaction",
        ));
    }
    let mut load = Load {
        table: def.name.clone(),
        targets,
        line: 0,
        rows: 0,
        opts,
    };
    let policy = ctx.policy();
    let pid = ctx.info.pid;
    let mut loader: Loader<u64> = Loader::new(
        def.clone(),
        &attrs,
        ctx.style,
        xid,
        cid,
        &mut crate::table::CatalogTables(ctx.catalog()),
    )?;
    crate::table::fire_statement(ctx, &def, TriggerDef::INSERT, true, None)?;
    loader.fire_triggers(ctx)?;
    let (mut eval, own) = ctx.eval_and_txn();
    let who = Actor {
        xid,
        backend: pid,
        own,
        wait: policy,
    };
    // For WHERE: where each live column's value is in a given row.
    let live_sources = def
        .live()
        .map(|(i, _)| attrs.iter().position(|&a| a == i))
        .collect();
    let mut sinks = Sinks {
        loader: &mut loader,
        engine,
        who: &who,
        filter: filter.as_ref(),
        live_sources,
    };
    let result = if binary {
        read_binary_rows(&mut input, &mut load, &mut sinks, &mut eval)
    } else {
        read_text_rows(&mut input, &mut load, &mut sinks, &mut eval)
    };
    result?;
    sinks
        .loader
        .flush(engine, eval.style(), &who)
        .map_err(|(e, line)| load.at(e, line, None))?;
    input.finish()?;
    for (table, queue) in loader.take_queues() {
        if !queue.is_empty() {
            crate::table::fire_foreign_keys(ctx, &table, queue)?;
        }
    }
    crate::table::trigger::fire_after_all(ctx, loader.take_triggers())?;
    crate::table::fire_statement(ctx, &def, TriggerDef::INSERT, false, None)?;
    sink.command_complete(&format!("COPY {}", load.rows))
}

/// Where rows go: the WHERE filter, then the loader.
struct Sinks<'a, 'e> {
    /// The loader.
    loader: &'a mut Loader<u64>,
    /// The engine.
    engine: &'e actorgres_storage::Engine,
    /// The inserting transaction.
    who: &'a Actor<'a>,
    /// COPY FROM ... WHERE.
    filter: Option<&'a Expr>,
    /// For each live column, where its value is in a given row.
    live_sources: Vec<Option<usize>>,
}

impl Sinks<'_, '_> {
    /// Adds one row of target values; line-level errors get CONTEXT
    /// (`text`: the line, if it has one).
    fn add(
        &mut self,
        mut values: Vec<Value>,
        load: &mut Load<'_>,
        text: Option<&[u8]>,
        eval: &mut EvalCtx<'_>,
    ) -> Result<()> {
        if let Some(f) = self.filter {
            // WHERE sees the whole row: given values, the rest NULL (no
            // default is computed for a row it drops).
            let row: Vec<Value> = self
                .live_sources
                .iter()
                .map(|p| p.map_or(Value::Null, |p| values[p].clone()))
                .collect();
            if f.eval(&row, eval).map_err(|e| load.at_line(e, text))? != Value::Bool(true) {
                return Ok(());
            }
        }
        let added = self
            .loader
            .add(&mut values, load.line, self.engine, eval, self.who)
            .map_err(|(e, line)| {
                // A row written with an earlier batch: its line only.
                let text = if line == load.line { text } else { None };
                load.at(e, line, text)
            })?;
        if added {
            load.rows += 1;
        }
        Ok(())
    }
}

/// Text and CSV input: line by line (rules 1 and 2 of text.rs).
fn read_text_rows(
    input: &mut Input<'_>,
    load: &mut Load<'_>,
    sinks: &mut Sinks<'_, '_>,
    eval: &mut EvalCtx<'_>,
) -> Result<()> {
    let opts = load.opts;
    let mut lines = Lines::new(opts);
    let mut done = false;
    let mut at_end = false;
    let style = eval.style().clone();
    while !at_end {
        match input.read().map_err(|e| load.at(e, load.line + 1, None))? {
            Some(chunk) if !done => lines.push(&chunk),
            Some(_) => continue,
            None => at_end = true,
        }
        if done {
            continue;
        }
        loop {
            let range = match lines.next_line(at_end) {
                Ok(Some(r)) => r,
                Ok(None) => break,
                Err(e) => {
                    // An open quote shows what it swallowed; a wrong
                    // line ending shows no line, as in PostgreSQL.
                    let pending = lines.pending();
                    let quote = e.message() == "unterminated CSV quoted field";
                    let text = (quote && !pending.is_empty()).then_some(pending);
                    return Err(load.at(e, load.line + 1, text));
                }
            };
            load.line += 1;
            let line = lines.get(range);
            if is_end_marker(line) {
                done = true;
                break;
            }
            if load.line == 1 && opts.header != Header::No {
                if opts.header == Header::Match {
                    check_header(line, load)?;
                }
                continue;
            }
            let values = line_values(line, load, &style)?;
            sinks.add(values, load, Some(line), eval)?;
            if load.rows.is_multiple_of(4096) {
                eval.check_interrupts()?;
            }
        }
    }
    Ok(())
}

/// The values of one text or CSV line for the target columns.
fn line_values(line: &[u8], load: &Load<'_>, style: &OutputStyle) -> Result<Vec<Value>> {
    let opts = load.opts;
    let mut fields: Vec<(Field<'_>, bool)> = Vec::with_capacity(load.targets.len() + 1);
    if opts.format == Format::Csv {
        split_csv(line, opts, &mut fields).map_err(|e| load.at_line(e, Some(line)))?;
    } else {
        let mut plain = Vec::with_capacity(load.targets.len() + 1);
        split_text(line, opts, &mut plain).map_err(|e| load.at_line(e, Some(line)))?;
        fields.extend(plain.into_iter().map(|f| (f, false)));
    }
    if fields.len() > load.targets.len() {
        return Err(load.at_line(
            bad_format("extra data after last expected column"),
            Some(line),
        ));
    }
    if fields.len() < load.targets.len() {
        let missing = &load.targets[fields.len()].col.name;
        return Err(load.at_line(
            bad_format(format!("missing data for column \"{missing}\"")),
            Some(line),
        ));
    }
    let mut values = Vec::with_capacity(fields.len());
    for ((field, quoted), t) in fields.into_iter().zip(&load.targets) {
        let field = match field {
            None if t.force_not_null => Some(std::borrow::Cow::Borrowed(&b""[..])),
            Some(f) if quoted && t.force_null && *f == *opts.null.as_bytes() => None,
            other => other,
        };
        values.push(match field {
            None => Value::Null,
            Some(f) => convert(&f, t.col, style, opts.encoding)
                .map_err(|e| load.at_column(e, &t.col.name, Some(&f)))?,
        });
    }
    Ok(values)
}

/// HEADER MATCH: the header's names must be the columns'.
fn check_header(line: &[u8], load: &Load<'_>) -> Result<()> {
    let opts = load.opts;
    let names: Vec<Option<Vec<u8>>> = if opts.format == Format::Csv {
        let mut f = Vec::new();
        split_csv(line, opts, &mut f).map_err(|e| load.at_line(e, Some(line)))?;
        f.into_iter()
            .map(|(x, _)| x.map(|c| c.into_owned()))
            .collect()
    } else {
        let mut f = Vec::new();
        split_text(line, opts, &mut f).map_err(|e| load.at_line(e, Some(line)))?;
        f.into_iter().map(|x| x.map(|c| c.into_owned())).collect()
    };
    if names.len() != load.targets.len() {
        return Err(load.at_line(
            bad_format(format!(
                "wrong number of fields in header line: got {}, expected {}",
                names.len(),
                load.targets.len()
            )),
            Some(line),
        ));
    }
    for (i, (name, t)) in names.iter().zip(&load.targets).enumerate() {
        match name {
            None => {
                return Err(load.at_line(
                    bad_format(format!(
                        "column name mismatch in header line field {}: got null value (\"{}\"), expected \"{}\"",
                        i + 1,
                        opts.null,
                        t.col.name
                    )),
                    Some(line),
                ))
            }
            Some(n) if n != t.col.name.as_bytes() => {
                return Err(load.at_line(
                    bad_format(format!(
                        "column name mismatch in header line field {}: got \"{}\", expected \"{}\"",
                        i + 1,
                        String::from_utf8_lossy(n),
                        t.col.name
                    )),
                    Some(line),
                ))
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// Binary input: tuple by tuple.
fn read_binary_rows(
    input: &mut Input<'_>,
    load: &mut Load<'_>,
    sinks: &mut Sinks<'_, '_>,
    eval: &mut EvalCtx<'_>,
) -> Result<()> {
    let mut reader = Reader::default();
    let mut at_end = false;
    let mut ended = false;
    while !at_end {
        match input.read().map_err(|e| load.at(e, load.line + 1, None))? {
            Some(chunk) => {
                if ended {
                    if !chunk.is_empty() {
                        return Err(bad_format("received copy data after EOF marker"));
                    }
                    continue;
                }
                reader.push(&chunk);
            }
            None => at_end = true,
        }
        if ended {
            continue;
        }
        loop {
            let next = reader.next(load.targets.len(), at_end).map_err(|e| {
                load.line += 1;
                load.at_line(e, None)
            })?;
            match next {
                None => break,
                Some(Tuple::End) => {
                    ended = true;
                    if reader.has_input() {
                        return Err(bad_format("received copy data after EOF marker"));
                    }
                    break;
                }
                Some(Tuple::Row(fields)) => {
                    load.line += 1;
                    let mut values = Vec::with_capacity(fields.len());
                    for (f, t) in fields.iter().zip(&load.targets) {
                        values.push(match f {
                            None => Value::Null,
                            Some(bytes) => read_binary(t.col.ty, bytes)
                                .map_err(|e| e.for_copy())
                                .and_then(|v| apply_typmod(v, t.col.ty, t.col.typmod, false))
                                .map_err(|e| load.at_column(e, &t.col.name, None))?,
                        });
                    }
                    sinks.add(values, load, None, eval)?;
                    if load.rows.is_multiple_of(4096) {
                        eval.check_interrupts()?;
                    }
                }
            }
        }
    }
    // Input that ends between tuples without the trailer is complete as
    // far as it goes, as in PostgreSQL.
    Ok(())
}
