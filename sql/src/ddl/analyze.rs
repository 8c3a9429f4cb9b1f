//! ANALYZE [VERBOSE] | ANALYZE (options) [table [(column, ...)] [, ...]]
//! (and VACUUM ANALYZE): samples each table's rows and keeps what
//! statistics.rs computes of every column in pg_statistic, and the
//! table's size in pg_class (relpages, reltuples), for the planner's
//! estimates and pg_stats.
//!
//! The sample is PostgreSQL's size, 300 × the largest statistics target
//! of the columns analyzed (default_statistics_target, or the column's
//! ALTER COLUMN SET STATISTICS), drawn uniformly from the rows the
//! statement's snapshot sees (reservoir sampling) and put back in
//! physical order; a smaller table is read whole, which gives exactly
//! PostgreSQL's figures. A partitioned table or a parent of inheritance
//! children also gets statistics of its whole tree (stainherit), its
//! partitions their own.

use std::sync::Arc;

use actorgres_storage::lock::LockMode;
use sqlparser::ast::ObjectName;

use super::{split_name, undefined_table};
use crate::binder::object_name;
use crate::catalog::{system, TableDef};
use crate::error::{Result, SqlError, SqlState};
use crate::result::ResultSink;
use crate::session::Stmt;
use crate::statistics::{self, ColumnStats};
use crate::types::DataType;
use crate::value::{OutputStyle, Value};

/// A table to analyze and its columns (attribute indexes; empty: all).
type Target = (Arc<TableDef>, Vec<usize>);

/// ANALYZE: checks the options and names as PostgreSQL does, then
/// analyzes each table in turn.
pub fn analyze(
    ctx: &mut Stmt<'_>,
    options: &[String],
    tables: &[(ObjectName, Vec<String>)],
    sink: &mut dyn ResultSink,
) -> Result<()> {
    let mut verbose = false;
    for o in options {
        match o.as_str() {
            "verbose" => verbose = true,
            "skip_locked" | "buffer_usage_limit" => {}
            _ => {
                return Err(SqlError::new(
                    SqlState::SYNTAX_ERROR,
                    format!("unrecognized ANALYZE option \"{o}\""),
                ))
            }
        }
    }
    let targets = resolve(ctx, tables, "ANALYZE")?;
    analyze_targets(ctx, &targets, verbose)?;
    sink.command_complete("ANALYZE")
}

/// The tables a VACUUM or ANALYZE names, locked, with their columns
/// checked (42703 unknown, 42701 named twice); every table of the
/// database for an empty list. Relations that cannot be analyzed are
/// skipped (with PostgreSQL's WARNING when named).
pub(super) fn resolve(
    ctx: &mut Stmt<'_>,
    tables: &[(ObjectName, Vec<String>)],
    what: &str,
) -> Result<Vec<Target>> {
    let mut out = Vec::new();
    if tables.is_empty() {
        for d in ctx.catalog().tables()? {
            if let Some(d) =
                ctx.open_table_in(d.namespace, &d.name, LockMode::ShareUpdateExclusive)?
            {
                if matches!(d.relkind(), 'r' | 'm' | 'p') && d.partition_of.is_none() {
                    out.push((d, Vec::new()));
                }
            }
        }
        return Ok(out);
    }
    for (name, columns) in tables {
        let parts = object_name(name);
        let (schema, table) = split_name(ctx, &parts)?;
        let Some(def) = ctx.open_table(schema, table, LockMode::ShareUpdateExclusive)? else {
            // A catalog computed from the stored one: nothing to sample
            // (PostgreSQL analyzes its catalogs silently); its views are
            // skipped with the WARNING.
            match crate::catalog::SystemView::lookup(&parts) {
                Some(v) if v.relkind() == 'v' => ctx.notices.push(skipping(table)),
                Some(_) => {}
                None => return Err(undefined_table("relation", table)),
            }
            continue;
        };
        let mut attrs = Vec::new();
        for c in columns {
            let attr = def.find(c).ok_or_else(|| {
                SqlError::new(
                    SqlState::UNDEFINED_COLUMN,
                    format!("column \"{c}\" of relation \"{}\" does not exist", def.name),
                )
            })?;
            if attrs.contains(&attr) {
                return Err(SqlError::new(
                    SqlState::DUPLICATE_COLUMN,
                    format!(
                        "column \"{c}\" of relation \"{}\" appears more than once",
                        def.name
                    ),
                ));
            }
            attrs.push(attr);
        }
        // The catalogs' rows are computed from the stored catalog: there
        // is nothing to sample, and PostgreSQL analyzes them silently.
        if def.system {
            continue;
        }
        if !matches!(def.relkind(), 'r' | 'm' | 'p') {
            if what == "ANALYZE" || !columns.is_empty() {
                ctx.notices.push(skipping(&def.name));
            }
            continue;
        }
        out.push((def, attrs));
    }
    Ok(out)
}

/// PostgreSQL's WARNING for a relation ANALYZE cannot sample.
fn skipping(name: &str) -> SqlError {
    SqlError::warning(
        SqlState::WARNING,
        format!("skipping \"{name}\" --- cannot analyze non-tables or special system tables"),
    )
}

/// Analyzes each target (after VACUUM's pass when VACUUM ANALYZE).
pub(super) fn analyze_targets(ctx: &mut Stmt<'_>, targets: &[Target], verbose: bool) -> Result<()> {
    for (def, attrs) in targets {
        // Other sessions' temporary tables are skipped, as PostgreSQL.
        if ctx.check_own_temp(def).is_err() {
            continue;
        }
        analyze_tree(ctx, def, attrs, verbose)?;
    }
    Ok(())
}

/// Analyzes `def`, its partitions, and for a partitioned table or a
/// parent its whole tree.
fn analyze_tree(
    ctx: &mut Stmt<'_>,
    def: &Arc<TableDef>,
    attrs: &[usize],
    verbose: bool,
) -> Result<()> {
    let members = tree(ctx, def)?;
    if def.partition_key.is_none() {
        analyze_one(ctx, def, attrs, std::slice::from_ref(def), false, verbose)?;
    }
    if members.len() > 1 || def.partition_key.is_some() {
        analyze_one(ctx, def, attrs, &members, true, verbose)?;
    }
    for part in members.iter().filter(|m| m.oid != def.oid) {
        if part.partition_of.is_some() && part.partition_key.is_none() {
            let attrs = same_columns(def, part, attrs);
            analyze_one(
                ctx,
                part,
                &attrs,
                std::slice::from_ref(part),
                false,
                verbose,
            )?;
        }
    }
    Ok(())
}

/// `def` and every table below it (partitions and inheritance children,
/// at any depth) that holds rows.
fn tree(ctx: &mut Stmt<'_>, def: &Arc<TableDef>) -> Result<Vec<Arc<TableDef>>> {
    let mut out = vec![Arc::clone(def)];
    let mut at = 0;
    while at < out.len() && out.len() < 10_000 {
        let t = Arc::clone(&out[at]);
        at += 1;
        for &oid in t.partitions.iter().chain(&t.inheritors) {
            if out.iter().any(|o| o.oid == oid) {
                continue;
            }
            if let Some(c) = ctx.open_table_by_oid(oid, LockMode::ShareUpdateExclusive)? {
                out.push(c);
            }
        }
    }
    Ok(out)
}

/// The attributes of `child` named as `attrs` are in `parent`.
fn same_columns(parent: &TableDef, child: &TableDef, attrs: &[usize]) -> Vec<usize> {
    attrs
        .iter()
        .filter_map(|&a| child.find(&parent.columns[a].name))
        .collect()
}

/// Samples the rows of `members` (their columns matched to `def`'s by
/// name), computes the statistics of `def`'s columns and stores them;
/// with `inherit` they are the tree's (stainherit), else `def`'s own,
/// and its pg_class size is updated.
fn analyze_one(
    ctx: &mut Stmt<'_>,
    def: &Arc<TableDef>,
    attrs: &[usize],
    members: &[Arc<TableDef>],
    inherit: bool,
    verbose: bool,
) -> Result<()> {
    let schema = ctx.namespace_name(def.namespace)?;
    if verbose {
        ctx.notices.push(SqlError::info(if inherit {
            format!("analyzing \"{schema}.{}\" inheritance tree", def.name)
        } else {
            format!("analyzing \"{schema}.{}\"", def.name)
        }));
    }
    let default_target = ctx.settings.int("default_statistics_target").max(1) as usize;
    // (attribute, type, target) of each column to analyze.
    let columns: Vec<(usize, DataType, usize)> = def
        .live()
        .filter(|(a, _)| attrs.is_empty() || attrs.contains(a))
        .map(|(a, c)| {
            let target = match c.tuning.stattarget {
                Some(t) if t >= 0 => t as usize,
                _ => default_target,
            };
            (a, c.ty, target)
        })
        .filter(|(_, _, t)| *t > 0)
        .collect();
    let sample_size = 300 * columns.iter().map(|c| c.2).max().unwrap_or(default_target);
    let mut sample = Sample::new(sample_size, def.oid);
    let mut pages = 0u32;
    let mut scanned = Vec::new();
    for m in members {
        if m.partition_key.is_some() || m.view.is_some() {
            continue;
        }
        pages += sample_rows(ctx, m, scanned.len() as u32, &mut sample)?;
        scanned.push(Arc::clone(m));
    }
    let (rows, total) = sample.finish();
    if verbose && !inherit {
        ctx.notices.push(SqlError::info(format!(
            "\"{}\": scanned {pages} of {pages} pages, containing {total} live rows and 0 dead rows; {} rows in sample, {total} estimated total rows",
            def.name,
            rows.len()
        )));
    }
    // The kept rows decoded: each analyzed column's values, in sample
    // order, matched by name in each member (NULL where one lacks it).
    let mut values: Vec<Vec<Value>> = vec![Vec::with_capacity(rows.len()); columns.len()];
    let layouts: Vec<(
        Vec<crate::table::row::StoredAttr>,
        Vec<Option<usize>>,
        usize,
    )> = scanned
        .iter()
        .map(|m| {
            let attrs: Vec<Option<usize>> = columns
                .iter()
                .map(|&(a, _, _)| m.find(&def.columns[a].name))
                .collect();
            let upto = attrs.iter().flatten().max().map_or(0, |a| a + 1);
            (m.stored(), attrs, upto)
        })
        .collect();
    let mut decoded = Vec::new();
    for (member, data) in &rows {
        let (stored, attrs, upto) = &layouts[*member as usize];
        crate::table::row::decode_prefix(stored, data, *upto, &mut decoded)?;
        for (out, a) in values.iter_mut().zip(attrs) {
            out.push(
                a.and_then(|a| decoded.get_mut(a).map(std::mem::take))
                    .unwrap_or(Value::Null),
            );
        }
    }
    drop(rows);
    let mut computed: Vec<(usize, ColumnStats)> = Vec::new();
    for (&(attr, ty, target), values) in columns.iter().zip(&values) {
        let sortable = !matches!(ty, DataType::Json);
        if let Some(s) = statistics::compute(values, ty, sortable, total as f64, target) {
            computed.push((attr, s));
        }
        ctx.interrupts
            .check()
            .map_err(crate::expr::interrupt_error)?;
    }
    store(ctx, def, &computed, inherit, pages, total)
}

/// Offers every row of `m` (member number `member`) the statement's
/// snapshot sees to `sample`, which copies the stored bytes of the rows
/// it keeps. Returns `m`'s blocks.
fn sample_rows(ctx: &mut Stmt<'_>, m: &TableDef, member: u32, sample: &mut Sample) -> Result<u32> {
    let eval = ctx.eval_ctx();
    let storage = eval
        .storage
        .as_ref()
        .ok_or_else(|| SqlError::internal("ANALYZE without a snapshot"))?;
    let nblocks = storage.engine.nblocks(m.rel)?;
    let mut page = actorgres_storage::PageRows::default();
    for block in 0..nblocks {
        storage
            .engine
            .scan_block_rows(m.rel, block, storage.snapshot, storage.own, &mut page)?;
        for &(_, start, end) in &page.items {
            sample.offer(member, &page.data[start..end]);
        }
        if block % 64 == 63 {
            eval.check_interrupts()?;
        }
    }
    Ok(nblocks)
}

/// Replaces the pg_statistic rows of the analyzed columns and, for a
/// table's own statistics, its pg_class relpages and reltuples (a
/// partitioned table has no pages: -1).
fn store(
    ctx: &mut Stmt<'_>,
    def: &TableDef,
    computed: &[(usize, ColumnStats)],
    inherit: bool,
    pages: u32,
    total: u64,
) -> Result<()> {
    let xid = ctx.write_xid("ANALYZE")?;
    let cat = ctx.catalog();
    let who = ctx.actor(xid);
    let style = OutputStyle::default();
    for (tid, r) in cat.rows_where(&system::PG_STATISTIC, 0, def.oid)? {
        let attnum = match r[1] {
            Value::Int2(n) => n as usize,
            _ => 0,
        };
        let same_kind = r[2] == Value::Bool(inherit);
        if same_kind && computed.iter().any(|(a, _)| a + 1 == attnum) {
            cat.delete(&system::PG_STATISTIC, tid, &who)?;
        }
    }
    for (attr, s) in computed {
        cat.insert(
            &system::PG_STATISTIC,
            &[
                Value::Oid(def.oid),
                Value::Int2(*attr as i16 + 1),
                Value::Bool(inherit),
                Value::Float4(s.null_frac),
                Value::Int4(s.width),
                Value::Float4(s.distinct),
                statistics::text_array(&s.mcv, &style),
                statistics::float_array(&s.mcf),
                statistics::text_array(&s.histogram, &style),
                s.correlation.map_or(Value::Null, Value::Float4),
            ],
            &who,
        )?;
    }
    let partitioned = def.partition_key.is_some();
    if !inherit {
        ctx.engine().analyzed(def.rel);
        // The autovacuum worker's session runs auto-analyze.
        let what = if ctx.info.pid == crate::autovacuum::AUTOVACUUM_OWNER {
            actorgres_storage::Maintenance::Autoanalyze
        } else {
            actorgres_storage::Maintenance::Analyze
        };
        ctx.engine().maintained(def.rel, what);
    }
    if !inherit || partitioned {
        let pages = if partitioned { -1 } else { pages as i32 };
        record_size(ctx, xid, def.oid, pages, total as f32)?;
    }
    ctx.catalog_changed();
    // CommandCounterIncrement: a table analyzed twice in one statement
    // (named twice, or a partition after its tree) sees its new rows.
    ctx.txn.cid += 1;
    Ok(())
}

/// Sets relation `oid`'s pg_class relpages and reltuples (ANALYZE,
/// VACUUM and CREATE INDEX do, as in PostgreSQL).
pub(super) fn record_size(
    ctx: &mut Stmt<'_>,
    xid: u32,
    oid: u32,
    pages: i32,
    tuples: f32,
) -> Result<()> {
    let cat = ctx.catalog();
    let who = ctx.actor(xid);
    if let Some((tid, mut row)) = cat.class_tid(oid)? {
        row.resize(system::PG_CLASS.columns.len(), Value::Null);
        row[12] = Value::Int4(pages);
        row[13] = Value::Float4(tuples);
        cat.update(&system::PG_CLASS, tid, &row, &who)?;
    }
    ctx.catalog_changed();
    Ok(())
}

/// A uniform sample of at most `size` rows of a stream (Vitter's
/// reservoir, algorithm R, with a fixed seed: the same table gives the
/// same sample), kept as their stored bytes with the member table they
/// came from, returned in the order the rows came.
struct Sample {
    size: usize,
    rows: Vec<(u64, u32, Vec<u8>)>,
    seen: u64,
    rng: u64,
}

impl Sample {
    fn new(size: usize, seed: u32) -> Sample {
        Sample {
            size: size.max(1),
            rows: Vec::new(),
            seen: 0,
            rng: 0x9E37_79B9_7F4A_7C15 ^ u64::from(seed),
        }
    }

    /// Offers the next row: copied when it is kept (into the buffer of
    /// the row it replaces).
    fn offer(&mut self, member: u32, data: &[u8]) {
        self.seen += 1;
        if self.rows.len() < self.size {
            self.rows.push((self.seen, member, data.to_vec()));
            return;
        }
        // xorshift64*
        self.rng ^= self.rng >> 12;
        self.rng ^= self.rng << 25;
        self.rng ^= self.rng >> 27;
        let r = self.rng.wrapping_mul(0x2545_F491_4F6C_DD1D);
        let j = (r % self.seen) as usize;
        if j < self.size {
            let slot = &mut self.rows[j];
            slot.0 = self.seen;
            slot.1 = member;
            slot.2.clear();
            slot.2.extend_from_slice(data);
        }
    }

    /// The kept rows in arrival order ((member, stored bytes)), and how
    /// many rows were seen.
    fn finish(mut self) -> (Vec<(u32, Vec<u8>)>, u64) {
        self.rows.sort_by_key(|(n, _, _)| *n);
        (
            self.rows.into_iter().map(|(_, m, d)| (m, d)).collect(),
            self.seen,
        )
    }
}
