//! The built-in background jobs: autovacuum and the WAL writer. Each is
//! a thin [`Job`] over work that lives in sql/ or storage/.

use std::sync::Arc;
use std::time::Duration;

use actorgres_memory::Interrupts;
use actorgres_sql::guc::Settings;
use actorgres_sql::Cluster;

use crate::worker::{Job, WorkerSpec};

/// Vacuums tables whose dead row versions passed the threshold, every
/// `autovacuum_naptime`.
pub struct Autovacuum {
    cluster: Arc<Cluster>,
    settings: Settings,
}

impl Job for Autovacuum {
    fn name(&self) -> &str {
        "autovacuum"
    }

    fn interval(&self) -> Duration {
        self.settings.duration("autovacuum_naptime")
    }

    fn run(&self, interrupts: &Interrupts) -> Result<String, String> {
        let r = actorgres_sql::autovacuum::run_pass(&self.cluster, &self.settings, interrupts)
            .map_err(|e| e.to_string())?;
        Ok(format!(
            "examined {} tables, vacuumed {}, removed {} dead row versions, analyzed {}",
            r.examined, r.vacuumed, r.removed, r.analyzed
        ))
    }
}

/// WAL segments the WAL writer keeps ready past the current one: at
/// 100 MB/s of WAL and the default 200ms wal_writer_delay a writer uses
/// about one and a half per round.
const WAL_SEGMENTS_AHEAD: u64 = 3;

/// Flushes WAL written by asynchronous commits every `wal_writer_delay`,
/// bounding what synchronous_commit=off can lose, and keeps the next WAL
/// segments preallocated.
pub struct WalWriter {
    cluster: Arc<Cluster>,
    delay: Duration,
}

impl Job for WalWriter {
    fn name(&self) -> &str {
        "wal_writer"
    }

    fn interval(&self) -> Duration {
        self.delay
    }

    fn run(&self, _: &Interrupts) -> Result<String, String> {
        let engine = &self.cluster.engine;
        let lsn = engine.wal_insert_lsn();
        engine.flush_wal(lsn).map_err(|e| e.to_string())?;
        let ready = engine
            .preallocate_wal(WAL_SEGMENTS_AHEAD)
            .map_err(|e| format!("could not preallocate WAL segments: {e}"))?;
        Ok(format!(
            "flushed to {:X}/{:X}, {ready} segment(s) preallocated",
            lsn >> 32,
            lsn as u32
        ))
    }
}

/// The workers a server starts: the WAL writer always, autovacuum when
/// `autovacuum` is on.
pub fn builtin(cluster: &Arc<Cluster>, settings: &Settings) -> Vec<WorkerSpec> {
    let restart_interval = Duration::from_secs(1);
    let mut specs = vec![WorkerSpec {
        job: Arc::new(WalWriter {
            cluster: Arc::clone(cluster),
            delay: settings.duration("wal_writer_delay"),
        }),
        restart_interval,
    }];
    if settings.bool("autovacuum") {
        specs.push(WorkerSpec {
            job: Arc::new(Autovacuum {
                cluster: Arc::clone(cluster),
                settings: settings.clone(),
            }),
            restart_interval,
        });
    }
    specs
}
