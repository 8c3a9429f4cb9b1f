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

/// A database's user-defined functions.
pub type UserFunctions = Arc<Vec<Arc<crate::routine::UserFunction>>>;

/// One value per database (its schemas, its user types), kept until the
/// catalog changes.
pub struct PerDatabase<T>(Mutex<HashMap<u32, T>>);

impl<T> Default for PerDatabase<T> {
    fn default() -> Self {
        PerDatabase(Mutex::new(HashMap::new()))
    }
}

impl<T: Clone> PerDatabase<T> {
    /// Database `db`'s value, if cached.
    pub fn get(&self, db: u32) -> Option<T> {
        self.0.lock().get(&db).cloned()
    }
}

/// Cached definitions by (database, schema, name).
#[derive(Default)]
pub struct CatalogCache {
    /// Bumped by every transaction that changed the catalog.
    version: AtomicU64,
    /// The definitions.
    tables: Mutex<HashMap<(u32, String, String), Arc<TableDef>>>,
    /// Each database's schemas, (oid, name).
    pub namespaces: PerDatabase<Schemas>,
    /// Each database's user-defined types.
    pub types: PerDatabase<UserTypes>,
    /// Each database's user-defined functions.
    pub functions: PerDatabase<UserFunctions>,
    /// Each database's stored owners and privileges.
    pub privileges: PerDatabase<Arc<super::privs::Privileges>>,
    /// By role name: the roles whose privileges it has (None for a
    /// superuser).
    acting: Mutex<HashMap<String, Option<Arc<Vec<u32>>>>>,
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

    /// Caches database `db`'s value in `map`, read at `version`, unless
    /// the catalog changed since.
    pub fn put_per_database<T>(&self, map: &PerDatabase<T>, version: u64, db: u32, value: T) {
        let mut m = map.0.lock();
        if self.version() == version {
            m.insert(db, value);
        }
    }

    /// Forgets everything (a catalog-changing transaction ended).
    pub fn invalidate(&self) {
        let mut t = self.tables.lock();
        let mut n = self.namespaces.0.lock();
        let mut u = self.types.0.lock();
        let mut f = self.functions.0.lock();
        let mut p = self.privileges.0.lock();
        let mut a = self.acting.lock();
        self.version.fetch_add(1, Ordering::AcqRel);
        t.clear();
        n.clear();
        u.clear();
        f.clear();
        p.clear();
        a.clear();
    }

    /// The cached acting roles of role `name`.
    pub fn acting(&self, name: &str) -> Option<Option<Arc<Vec<u32>>>> {
        self.acting.lock().get(name).cloned()
    }

    /// Caches the acting roles of role `name`, read at `version`, unless
    /// the catalog changed since.
    pub fn put_acting(&self, version: u64, name: &str, roles: Option<Arc<Vec<u32>>>) {
        let mut m = self.acting.lock();
        if self.version() == version {
            m.insert(name.to_owned(), roles);
        }
    }
}
