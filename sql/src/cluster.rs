//! What every session of a server shares: the storage engine and the
//! catalog cache.

use crate::exec::spill::TempStats;
use std::path::Path;
use std::sync::Arc;

use actorgres_storage::{Engine, EngineConfig};

use crate::catalog::CatalogCache;
use crate::error::Result;
use crate::guc::Settings;

/// The database cluster a server runs.
pub struct Cluster {
    /// Storage.
    pub engine: Arc<Engine>,
    /// Table definitions.
    pub cache: CatalogCache,
    /// temp_files / temp_bytes per database OID (pg_stat_database).
    pub temp_stats: parking_lot::Mutex<std::collections::HashMap<u32, Arc<TempStats>>>,
    /// LISTEN / NOTIFY.
    pub notify: crate::notify::NotifyHub,
}

/// Fills a new data directory: storage files and the bootstrap catalogs
/// (for `DataDir::init_with`).
pub fn populate(root: &Path) -> std::result::Result<(), String> {
    crate::catalog::bootstrap(root).map_err(|e| e.to_string())
}

impl Cluster {
    /// Opens (and recovers) the cluster in `root` with the server's
    /// settings.
    pub fn open(root: &Path, settings: &Settings) -> Result<Arc<Cluster>> {
        let config = EngineConfig {
            shared_buffers: (settings.bytes("shared_buffers") / 8192) as usize,
            fsync: settings.bool("fsync"),
            full_page_writes: settings.bool("full_page_writes"),
        };
        let engine = Engine::open(root, &config)?;
        // A data directory from an earlier build gets the catalogs added
        // since.
        crate::catalog::add_missing_catalogs(&engine)?;
        let limit = settings.bytes("max_wal_size") as f64
            / (1.0 + settings.real("checkpoint_completion_target"));
        engine.set_checkpoint_wal_limit(limit as u64);
        crate::exec::spill::remove_leftovers(root);
        Ok(Arc::new(Cluster {
            engine,
            cache: CatalogCache::default(),
            temp_stats: Default::default(),
            notify: Default::default(),
        }))
    }

    /// The temp file counters of database `db`.
    pub fn temp_stats(&self, db: u32) -> Arc<TempStats> {
        Arc::clone(self.temp_stats.lock().entry(db).or_default())
    }
}
