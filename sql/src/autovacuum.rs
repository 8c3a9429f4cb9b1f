//! Autovacuum: one pass over every database, vacuuming the tables whose
//! dead row versions passed PostgreSQL's threshold and analyzing those
//! changed enough since their last ANALYZE. The BackgroundWorker that
//! runs it lives in actors/; this is the work itself.
//!
//! Rules, as PostgreSQL's autovacuum:
//! 1. A table is vacuumed when its dead row versions exceed
//!    `autovacuum_vacuum_threshold + autovacuum_vacuum_scale_factor ×
//!    live rows`, and analyzed when the rows inserted, updated or
//!    deleted since its last ANALYZE exceed
//!    `autovacuum_analyze_threshold + autovacuum_analyze_scale_factor ×
//!    reltuples` (a table never analyzed counts as empty). The analysis
//!    is the ANALYZE statement, run by a session of the worker's own.
//! 2. It takes ShareUpdateExclusiveLock without waiting: a table that a
//!    session is dropping, truncating or altering is skipped this pass.
//! 3. After taking the lock it reads the catalog again, so it never
//!    vacuums a relation file that DROP or TRUNCATE just replaced.

use std::sync::Arc;
use std::time::Duration;

use actorgres_memory::Interrupts;
use actorgres_storage::lock::{LockMode, LockTag, WaitPolicy};
use actorgres_storage::xact::NoTxn;

use crate::catalog::{system, Catalog};
use crate::cluster::Cluster;
use crate::error::Result;
use crate::guc::Settings;

/// The lock owner id of the autovacuum worker (backends have pids from
/// 10000 up; bootstrap uses 0).
pub const AUTOVACUUM_OWNER: i32 = -1;

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PassReport {
    /// Tables looked at.
    pub examined: usize,
    /// Tables vacuumed.
    pub vacuumed: usize,
    /// Dead row versions removed.
    pub removed: usize,
    /// Tables analyzed.
    pub analyzed: usize,
}

/// Runs one autovacuum pass with `settings`' thresholds. `interrupts`
/// stops it between tables (shutdown).
pub fn run_pass(
    cluster: &Arc<Cluster>,
    settings: &Settings,
    interrupts: &Interrupts,
) -> Result<PassReport> {
    let threshold = settings.int("autovacuum_vacuum_threshold").max(0) as f64;
    let scale = settings.real("autovacuum_vacuum_scale_factor").max(0.0);
    let engine = &cluster.engine;
    let stats: std::collections::HashMap<_, _> = engine.rel_stats().into_iter().collect();
    let mut report = PassReport::default();
    let own = NoTxn;
    let databases = Catalog::new(engine, 0, &own).databases()?;
    let an_threshold = settings.int("autovacuum_analyze_threshold").max(0) as f64;
    let an_scale = settings.real("autovacuum_analyze_scale_factor").max(0.0);
    for db in databases {
        let catalog = Catalog::new(engine, db.oid, &own);
        // Tables changed enough since their last ANALYZE.
        let to_analyze: Vec<(u32, String)> = catalog
            .tables()?
            .into_iter()
            .filter(|t| {
                !t.system
                    && !t.rel.is_temp()
                    && matches!(t.relkind(), 'r' | 'm')
                    && stats.get(&t.rel).is_some_and(|s| {
                        s.changed as f64
                            > an_threshold + an_scale * f64::from(t.stats.tuples.max(0.0))
                    })
            })
            .map(|t| (t.namespace, t.name))
            .collect();
        if !to_analyze.is_empty() {
            report.analyzed += analyze(
                cluster,
                settings,
                interrupts,
                &db.name,
                &catalog,
                &to_analyze,
            )?;
        }
        let mut tables = catalog.tables()?;
        for t in system::PER_DATABASE {
            if let Some(d) = catalog.table(Some("pg_catalog"), t.name)? {
                tables.push(d);
            }
        }
        for t in tables {
            // Temporary tables live in their sessions' local buffers.
            if t.rel.is_temp() {
                continue;
            }
            report.examined += 1;
            let Some(s) = stats.get(&t.rel) else { continue };
            if (s.dead as f64) <= threshold + scale * s.live.max(0) as f64 {
                continue;
            }
            interrupts.check().map_err(crate::expr::interrupt_error)?;
            let tag = LockTag::Relation {
                db: db.oid,
                rel: t.oid,
            };
            let policy = WaitPolicy {
                interrupts,
                deadlock_timeout: Duration::from_secs(1),
                lock_timeout: Some(Duration::ZERO),
            };
            if engine
                .locks
                .acquire(
                    AUTOVACUUM_OWNER,
                    tag,
                    LockMode::ShareUpdateExclusive,
                    &policy,
                )
                .is_err()
            {
                tracing::debug!(table = %t.name, "autovacuum: table is locked; skipping it this time");
                continue;
            }
            let result = match Catalog::new(engine, db.oid, &own).table_by_oid(t.oid) {
                Ok(Some(now)) if now.rel == t.rel => engine
                    .vacuum(t.rel)
                    .and_then(|stats| {
                        for index in &now.indexes {
                            engine.index_vacuum(index.rel)?;
                        }
                        Ok(stats)
                    })
                    .map(Some)
                    .map_err(Into::into),
                Ok(_) => Ok(None),
                Err(e) => Err(e),
            };
            engine
                .locks
                .release(AUTOVACUUM_OWNER, tag, LockMode::ShareUpdateExclusive);
            if let Some(v) = result? {
                engine.maintained(t.rel, actorgres_storage::Maintenance::Autovacuum);
                tracing::debug!(table = %t.name, removed = v.removed, pages = v.pages, "automatic vacuum");
                report.vacuumed += 1;
                report.removed += v.removed;
            }
        }
    }
    Ok(report)
}

/// Runs ANALYZE on `tables` ((namespace, name)) of database `db` in a
/// session of the worker's own, each table in its own transaction; a
/// table another session holds a conflicting lock on is skipped this
/// pass (lock_timeout), as PostgreSQL's autovacuum skips it. Returns how
/// many were analyzed.
fn analyze(
    cluster: &Arc<Cluster>,
    settings: &Settings,
    interrupts: &Interrupts,
    db: &str,
    catalog: &Catalog<'_>,
    tables: &[(u32, String)],
) -> Result<usize> {
    let info = crate::host::SessionInfo {
        pid: AUTOVACUUM_OWNER,
        user: crate::catalog::roles::BOOTSTRAP_SUPERUSER_NAME.to_owned(),
        database: db.to_owned(),
    };
    let mut session = crate::session::Session::new(
        info,
        Arc::new(crate::host::NoHost),
        Arc::clone(cluster),
        interrupts.clone(),
        settings,
        &[],
    )?;
    let mut sink = crate::result::CollectSink::default();
    session.simple_query("SET lock_timeout = '10ms'", &mut sink)?;
    let schemas = catalog.namespaces()?;
    let mut done = 0;
    for (ns, name) in tables {
        interrupts.check().map_err(crate::expr::interrupt_error)?;
        let Some(schema) = crate::catalog::schema_name(&schemas, *ns) else {
            continue;
        };
        let sql = format!(
            "ANALYZE {}.{}",
            crate::func::quote_ident(schema),
            crate::func::quote_ident(name)
        );
        match session.simple_query(&sql, &mut sink) {
            Ok(()) => {
                tracing::debug!(table = %name, "automatic analyze");
                done += 1;
            }
            // Dropped or locked meanwhile: next pass.
            Err(e) => {
                tracing::debug!(table = %name, error = %e.message(), "automatic analyze skipped")
            }
        }
    }
    Ok(done)
}
