//! The server-wide cache of table definitions (PostgreSQL's relcache,
//! with one global invalidation counter instead of sinval messages).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use parking_lot::Mutex;

use super::schema::TableDef;

/// A database's schemas, (oid, name).
pub type Schemas = Arc<Vec<(u32, String)>>;

/// A database's user-defined types.
pub type UserTypes = Arc<Vec<Arc<crate::usertype::UserType>>>;

/// Cached definitions by (database, schema, name).
#[derive(Default)]
pub struct CatalogCache {
    /// Bumped by every transaction that changed the catalog.
    version: AtomicU64,
    /// The definitions.
    tables: Mutex<HashMap<(u32, String, String), Arc<TableDef>>>,
    /// Each database's schemas, (oid, name).
    namespaces: Mutex<HashMap<u32, Schemas>>,
    /// Each database's user-defined types.
    types: Mutex<HashMap<u32, UserTypes>>,
}

impl CatalogCache {
    /// The current version (read before a lookup).
    pub fn version(&self) -> u64 {
        self.version.load(Ordering::Acquire)
    }

    /// A cached definition.
    pub fn get(&self, db: u32, schema: &str, name: &str) -> Option<Arc<TableDef>> {
        self.tables
            .lock()
            .get(&(db, schema.to_owned(), name.to_owned()))
            .cloned()
    }

    /// Caches `def`, read at `version`, unless the catalog changed since.
    pub fn put(&self, version: u64, db: u32, schema: &str, name: &str, def: Arc<TableDef>) {
        let mut t = self.tables.lock();
        if self.version() == version {
            t.insert((db, schema.to_owned(), name.to_owned()), def);
        }
    }

    /// Database `db`'s cached schemas.
    pub fn namespaces(&self, db: u32) -> Option<Schemas> {
        self.namespaces.lock().get(&db).cloned()
    }

    /// Caches database `db`'s schemas, read at `version`, unless the
    /// catalog changed since.
    pub fn put_namespaces(&self, version: u64, db: u32, schemas: Schemas) {
        let mut n = self.namespaces.lock();
        if self.version() == version {
            n.insert(db, schemas);
        }
    }

    /// Database `db`'s cached user-defined types.
    pub fn user_types(&self, db: u32) -> Option<UserTypes> {
        self.types.lock().get(&db).cloned()
    }

    /// Caches database `db`'s user-defined types, read at `version`,
    /// unless the catalog changed since.
    pub fn put_user_types(&self, version: u64, db: u32, types: UserTypes) {
        let mut t = self.types.lock();
        if self.version() == version {
            t.insert(db, types);
        }
    }

    /// Forgets everything (a catalog-changing transaction ended).
    pub fn invalidate(&self) {
        let mut t = self.tables.lock();
        let mut n = self.namespaces.lock();
        let mut u = self.types.lock();
        self.version.fetch_add(1, Ordering::AcqRel);
        t.clear();
        n.clear();
        u.clear();
    }
}
