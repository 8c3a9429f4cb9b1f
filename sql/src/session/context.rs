//! The context one statement runs in: the session's pieces it may touch,
//! borrowed for the statement's duration, with the helpers DDL and DML
//! share (locking, xid assignment, catalog access, evaluation).

use std::sync::Arc;
use std::time::Duration;

use actorgres_memory::Interrupts;
use actorgres_storage::lock::{LockMode, LockTag, WaitPolicy};
use actorgres_storage::{Actor, Engine};

use crate::binder::{Binder, TableSource};
use crate::catalog::{Catalog, TableDef};
use crate::cluster::Cluster;
use crate::error::{Result, SqlError, SqlState};
use crate::expr::{EvalCtx, StorageCtx};
use crate::guc::Settings;
use crate::host::{Host, SessionInfo};
use crate::txn::{Isolation, Transaction};
use crate::value::OutputStyle;

/// Everything a statement may use.
pub struct Stmt<'s> {
    /// Storage and caches.
    pub cluster: &'s Cluster,
    /// The session's database.
    pub db: u32,
    /// Who is running it.
    pub info: &'s SessionInfo,
    /// This backend's interrupt flag.
    pub interrupts: &'s Interrupts,
    /// Session settings.
    pub settings: &'s mut Settings,
    /// How values print.
    pub style: &'s OutputStyle,
    /// The server.
    pub host: &'s dyn Host,
    /// The transaction.
    pub txn: &'s mut Transaction,
    /// The whole query text (error positions).
    pub sql: &'s str,
    /// Warnings and notices to send.
    pub notices: Vec<SqlError>,
    /// EXPLAIN ANALYZE of INSERT / UPDATE / DELETE: the statement runs
    /// with its source plans measured here, and they are kept to print.
    pub measured: Option<crate::exec::explain::Measuring>,
    /// statement_timestamp().
    pub statement_start: i64,
    /// Whether the statement is the only one of its query string (some
    /// statements cannot run inside a transaction block).
    pub alone: bool,
    /// The backend's local memory (work_mem budgets).
    pub memory: &'s actorgres_memory::LocalMemory,
    /// The database's temp file counters.
    pub temp_stats: std::sync::Arc<crate::exec::spill::TempStats>,
    /// Bound parameter values ($1 is index 0); empty for a simple query.
    pub params: &'s [crate::value::Value],
    /// Parameter types: fixed when a prepared statement runs; while a
    /// Parse message is analysed, inferred by binding ([`Stmt::binder`]
    /// starts from them, [`Binder::into_params`] hands them back).
    pub param_types: Vec<crate::types::DataType>,
    /// `$n` past `param_types` adds an untyped parameter (Parse) instead
    /// of failing with 42P02.
    pub variable_params: bool,
    /// The session's prepared statements.
    pub prepared: &'s super::PreparedTable,
    /// The session's currval / lastval memory.
    pub sequences: &'s crate::sequence::SessionSequences,
    /// The session's temporary schema.
    pub(crate) temp: &'s super::temp::TempSchema,
    /// The session's SQL cursors (pg_cursors).
    pub(crate) cursors: &'s super::Cursors,
    /// Inside a routine: whether COMMIT and ROLLBACK may end the
    /// transaction (a procedure called by CALL, or a DO block, outside a
    /// transaction block, through CALLs only); None in a statement of the
    /// client's own.
    pub(crate) txn_control: Option<bool>,
    /// The RETURNING rows of the statement's data-modifying WITH queries,
    /// run before it (`WITH d AS (DELETE ... RETURNING *) SELECT ...`).
    pub(crate) dml_ctes: Vec<crate::binder::DmlCte>,
    /// The transition tables of the trigger whose body runs here
    /// (`REFERENCING NEW TABLE AS n`), read as its queries' relations.
    pub(crate) transition: Vec<crate::binder::DmlCte>,
    /// Transition rows a statement's row loop kept for its AFTER
    /// statement triggers, by (table OID, event): (old rows, new rows).
    pub(crate) captured: Vec<((u32, i16), crate::table::trigger::Captured)>,
}

impl<'s> Stmt<'s> {
    /// A binder for this statement's text, with its parameter types.
    pub fn binder(&mut self) -> Binder<'_> {
        let sql = self.sql;
        let style = self.style.clone();
        let params = self.param_types.clone();
        let variable = self.variable_params;
        Binder::new(sql, style, params, self).with_variable_params(variable)
    }

    /// The current user: SET ROLE's role, else the session user.
    pub fn current_user(&self) -> String {
        let role = self.settings.str("role");
        if role == "none" {
            self.settings.str("session_authorization")
        } else {
            role
        }
    }

    /// 42704 unless role `name` exists.
    pub fn check_role_exists(&self, name: &str) -> Result<()> {
        if self.catalog().role(name)?.is_some() {
            return Ok(());
        }
        Err(SqlError::new(
            crate::error::SqlState::UNDEFINED_OBJECT,
            format!("role \"{name}\" does not exist"),
        ))
    }

    /// The current user's role; a login name the catalog does not know
    /// (sessions are not authenticated) acts as the bootstrap superuser.
    pub fn current_role(&self) -> Result<crate::catalog::roles::Role> {
        let name = self.current_user();
        Ok(match self.catalog().role(&name)? {
            Some((_, r)) => r,
            None => crate::catalog::roles::Role {
                name,
                ..crate::catalog::roles::Role::builtin().remove(0)
            },
        })
    }

    /// The storage engine.
    pub fn engine(&self) -> &'s Engine {
        &self.cluster.engine
    }

    /// How this backend waits for locks.
    pub fn policy(&self) -> WaitPolicy<'s> {
        let lock_timeout = self.settings.duration("lock_timeout");
        WaitPolicy {
            interrupts: self.interrupts,
            deadlock_timeout: self
                .settings
                .duration("deadlock_timeout")
                .max(Duration::from_millis(1)),
            lock_timeout: (!lock_timeout.is_zero()).then_some(lock_timeout),
        }
    }

    /// Takes a lock held until the transaction ends.
    pub fn lock(&mut self, tag: LockTag, mode: LockMode) -> Result<()> {
        let policy = self.policy();
        self.engine()
            .locks
            .acquire(self.info.pid, tag, mode, &policy)
            .map_err(|e| SqlError::from(actorgres_storage::StorageError::from(e)))?;
        self.txn.locks.push((tag, mode));
        Ok(())
    }

    /// Fails with 25006 in a read-only transaction.
    pub fn check_writable(&self, what: &str) -> Result<()> {
        if self.txn.read_only {
            return Err(SqlError::new(
                SqlState::READ_ONLY_SQL_TRANSACTION,
                format!("cannot execute {what} in a read-only transaction"),
            ));
        }
        Ok(())
    }

    /// The xid to stamp writes with, assigning the transaction's (and the
    /// current savepoint's) on first use.
    pub fn write_xid(&mut self, what: &str) -> Result<u32> {
        self.check_writable(what)?;
        let (need_top, need_sub) = self.txn.needs_xids();
        let policy = self.policy();
        let engine = self.engine();
        let top = if need_top {
            Some(engine.assign_xid(self.info.pid, &policy)?)
        } else {
            None
        };
        let sub = if need_sub {
            Some(engine.assign_xid(self.info.pid, &policy)?)
        } else {
            None
        };
        self.txn.set_xids(top, sub);
        self.txn
            .current_xid()
            .ok_or_else(|| SqlError::internal("no xid after assignment"))
    }

    /// The actor for heap changes (after [`Stmt::write_xid`]).
    pub fn actor(&self, xid: u32) -> Actor<'_> {
        Actor {
            xid,
            backend: self.info.pid,
            own: &*self.txn,
            wait: self.policy(),
        }
    }

    /// Catalog access without a search path (roles, privileges: what
    /// computing the path itself reads).
    pub fn bare_catalog(&self) -> Catalog<'_> {
        Catalog::new(self.engine(), self.db, &*self.txn)
    }

    /// Catalog access for this database as this transaction sees it.
    pub fn catalog(&self) -> Catalog<'_> {
        // A catalog that cannot be read for the schemas fails again at
        // the caller's first read; until then the default path stands.
        let path = self.search_path().unwrap_or_else(|_| {
            vec![
                crate::catalog::system::PG_CATALOG_NS,
                crate::catalog::system::PUBLIC_NS,
            ]
        });
        Catalog::new(self.engine(), self.db, &*self.txn).with_path(path)
    }

    /// This database's schemas, (oid, name), as this transaction sees
    /// them.
    pub fn namespaces(&self) -> Result<Arc<Vec<(u32, String)>>> {
        self.per_database(&self.cluster.cache.namespaces, |c| c.namespaces())
    }

    /// The database's user-defined types (cached like its schemas).
    pub fn user_types(&self) -> Result<crate::catalog::UserTypes> {
        self.per_database(&self.cluster.cache.types, |c| c.user_types())
    }

    /// The database's user-defined functions, also published to the
    /// registry stored expressions read (routine.rs rule 2); the row types
    /// of relations they take or return are published with them.
    pub fn user_functions(&self) -> Result<crate::catalog::UserFunctions> {
        // Cached: published when it was read (this runs for every call
        // the binder resolves, so a hit does nothing more).
        if !self.txn.catalog_changed {
            if let Some(all) = self.cluster.cache.functions.get(self.db) {
                return Ok(all);
            }
        }
        self.user_types()?;
        let all = self.per_database(&self.cluster.cache.functions, |c| c.functions())?;
        for f in all.iter() {
            for ty in f.params.iter().map(|p| p.ty).chain([f.ret]) {
                if let crate::types::DataType::Composite(o) = ty {
                    if crate::usertype::fields(o).is_none() {
                        if let Some(def) = self.catalog().table_by_oid(o)? {
                            self.publish_row_type(&def)?;
                        }
                    }
                }
            }
        }
        crate::routine::publish(self.db, &all);
        Ok(all)
    }

    /// The functions named by `parts` that the session can call: in the
    /// named schema, or in each schema of the search path in order.
    pub fn find_functions(
        &self,
        parts: &[String],
    ) -> Result<Vec<Arc<crate::routine::UserFunction>>> {
        let all = self.user_functions()?;
        let Some(name) = parts.last() else {
            return Ok(Vec::new());
        };
        if !all.iter().any(|f| f.name == *name) {
            return Ok(Vec::new());
        }
        let (path, name) = match parts {
            [name] => (self.search_path()?, name),
            [schema, name] | [_, schema, name] => {
                match crate::catalog::schema_oid(&Stmt::namespaces(self)?, schema) {
                    Some(ns) => (vec![ns], name),
                    None => return Ok(Vec::new()),
                }
            }
            _ => return Ok(Vec::new()),
        };
        Ok(path
            .iter()
            .flat_map(|ns| {
                all.iter()
                    .filter(move |f| f.namespace == *ns && f.name == *name)
                    .cloned()
            })
            .collect())
    }

    /// A value of `map` for this database: cached, unless this
    /// transaction changed the catalog (then read as it sees it), else
    /// read with `read` and cached.
    pub(crate) fn per_database<T>(
        &self,
        map: &crate::catalog::PerDatabase<Arc<T>>,
        read: impl FnOnce(&Catalog<'_>) -> Result<T>,
    ) -> Result<Arc<T>> {
        if !self.txn.catalog_changed {
            if let Some(v) = map.get(self.db) {
                return Ok(v);
            }
        }
        let version = self.cluster.cache.version();
        let v = Arc::new(read(&Catalog::new(self.engine(), self.db, &*self.txn))?);
        if !self.txn.catalog_changed {
            self.cluster
                .cache
                .put_per_database(map, version, self.db, Arc::clone(&v));
        }
        Ok(v)
    }

    /// The user type named by `parts` (`name` searched on the path, or
    /// `schema.name`), with the namespace it was found in.
    pub fn find_user_type(
        &self,
        parts: &[String],
    ) -> Result<Option<Arc<crate::usertype::UserType>>> {
        self.pick_user_type(&self.user_types()?, parts)
    }

    /// The type of `types` named by `parts` as the session's path finds
    /// it.
    pub fn pick_user_type(
        &self,
        types: &[Arc<crate::usertype::UserType>],
        parts: &[String],
    ) -> Result<Option<Arc<crate::usertype::UserType>>> {
        if types.is_empty() {
            return Ok(None);
        }
        let (path, name) = match parts {
            [name] => (self.search_path()?, name),
            [schema, name] => match crate::catalog::schema_oid(&self.namespaces()?, schema) {
                Some(ns) => (vec![ns], name),
                None => return Ok(None),
            },
            _ => return Ok(None),
        };
        Ok(path.iter().find_map(|ns| {
            types
                .iter()
                .find(|t| t.namespace == *ns && t.name == *name)
                .cloned()
        }))
    }

    /// The user-defined type (or, spelled `_name`, its array type) named
    /// by `parts`.
    pub fn user_data_type(&self, parts: &[String]) -> Result<Option<crate::types::DataType>> {
        if let Some((last, head)) = parts.split_last() {
            if let Some(elem) = last.strip_prefix('_') {
                let mut p = head.to_vec();
                p.push(elem.to_owned());
                if let Some(t) = self.find_user_type(&p)? {
                    return Ok(t.data_type().array_type());
                }
            }
        }
        if let Some(t) = self.find_user_type(parts)? {
            return Ok(Some(t.data_type()));
        }
        self.relation_row_type(parts)
    }

    /// The row type of the table or view `parts` names (every relation has
    /// one in PostgreSQL: `NULL::t`, `ROW(...)::t`): a composite type
    /// keyed by the relation's OID, its fields the live columns,
    /// published for this use.
    fn relation_row_type(&self, parts: &[String]) -> Result<Option<crate::types::DataType>> {
        let (schema, name) = match parts {
            [name] => (None, name.as_str()),
            [schema, name] => (Some(schema.as_str()), name.as_str()),
            _ => return Ok(None),
        };
        let schema = schema.map(|s| self.temp_alias(s));
        let Some(def) = self.catalog().table(schema.as_deref(), name)? else {
            return Ok(None);
        };
        self.publish_row_type(&def).map(Some)
    }

    /// Publishes the row type of relation `def` (see
    /// [`Stmt::relation_row_type`]).
    pub(crate) fn publish_row_type(&self, def: &TableDef) -> Result<crate::types::DataType> {
        let (names, types): (Vec<String>, Vec<(crate::types::DataType, i32)>) = def
            .live()
            .map(|(_, c)| {
                let ty = c.domain.map_or(c.ty, crate::types::DataType::Domain);
                (c.name.clone(), (ty, c.typmod))
            })
            .unzip();
        let t = Arc::new(crate::usertype::UserType {
            oid: def.oid,
            db: self.db,
            schema: self.namespace_name(def.namespace)?,
            name: def.name.clone(),
            namespace: def.namespace,
            array_oid: 0,
            labels: Vec::new(),
            domain: None,
            composite: Some(crate::usertype::Composite {
                relid: def.oid,
                names: names.into(),
                types,
            }),
            range: None,
            multirange_of: None,
        });
        crate::usertype::publish(std::slice::from_ref(&t));
        Ok(crate::types::DataType::Composite(def.oid))
    }

    /// A type name as the session sees it (built-in or user-defined).
    pub fn sql_type(&self, t: &sqlparser::ast::DataType) -> Result<(crate::types::DataType, i32)> {
        crate::binder::sql_type_with(t, &mut |parts| self.user_data_type(parts))
    }

    /// The schemas the session's search_path searches, in order.
    pub fn search_path(&self) -> Result<Vec<u32>> {
        // The session's temporary schema comes first (temp.rs rule 2).
        let path = crate::catalog::temp_search_path(
            &self.settings.str("search_path"),
            &self.current_user(),
            &self.namespaces()?,
            self.temp.namespace(),
        );
        // Schemas the user may not use are left out, as PostgreSQL's
        // fetch_search_path does.
        if self.acting_roles()?.is_none() {
            return Ok(path);
        }
        let temp = self.temp.namespace();
        let mut out = Vec::with_capacity(path.len());
        for ns in path {
            if Some(ns) == temp || self.check_schema(ns, crate::acl::USAGE).is_ok() {
                out.push(ns);
            }
        }
        Ok(out)
    }

    /// The relation `name` of schema `ns`, locked in `mode` (None if it
    /// does not exist).
    pub fn open_table_in(
        &mut self,
        ns: u32,
        name: &str,
        mode: LockMode,
    ) -> Result<Option<Arc<TableDef>>> {
        let schema = self.namespace_name(ns)?;
        self.open_table(Some(&schema), name, mode)
    }

    /// 0A000 for another session's temporary table: its pages are in that
    /// backend's local buffers (reading or writing it; dropping or
    /// locking it is allowed, as in PostgreSQL).
    pub fn check_own_temp(&mut self, def: &TableDef) -> Result<()> {
        self.check_own_temp_for(def, "access")
    }

    /// [`Stmt::check_own_temp`] for statement kind `what` ("truncate",
    /// "alter", "create indexes on": PostgreSQL's wordings).
    pub fn check_own_temp_for(&mut self, def: &TableDef, what: &str) -> Result<()> {
        if !def.rel.is_temp() {
            return Ok(());
        }
        self.txn.accessed_temp = true;
        if def.rel.backend != self.info.pid {
            return Err(SqlError::new(
                crate::error::SqlState::FEATURE_NOT_SUPPORTED,
                format!("cannot {what} temporary tables of other sessions"),
            ));
        }
        Ok(())
    }

    /// A schema's name by OID ("" if it does not exist).
    pub fn namespace_name(&self, ns: u32) -> Result<String> {
        if let Some(name) = crate::catalog::schema_name(&self.namespaces()?, ns) {
            return Ok(name.to_owned());
        }
        // The session's temporary schema, made by its first temporary
        // relation in this statement, is not in the list read before.
        if self.temp.namespace() == Some(ns) {
            return Ok(super::temp_schema_name(self.info.pid));
        }
        Ok(
            crate::catalog::schema_name(&self.catalog().namespaces()?, ns)
                .unwrap_or_default()
                .to_owned(),
        )
    }

    /// The definition of the relation with OID `oid`, locked in `mode`
    /// (None if there is none): found by name, so the shared definition
    /// cache serves it.
    pub fn open_table_by_oid(&mut self, oid: u32, mode: LockMode) -> Result<Option<Arc<TableDef>>> {
        let Some((_, class)) = self.catalog().class_tid(oid)? else {
            return Ok(None);
        };
        let name = crate::catalog::text_of(&class[1]);
        let schema = self.namespace_name(crate::catalog::oid_of(&class[2]))?;
        Ok(self
            .open_table(Some(&schema), &name, mode)?
            .filter(|d| d.oid == oid))
    }

    /// The definition of table `schema.name`, locked in `mode` (None if
    /// it does not exist). After waiting for the lock the catalog is read
    /// again, in case the table changed meanwhile.
    pub fn open_table(
        &mut self,
        schema: Option<&str>,
        name: &str,
        mode: LockMode,
    ) -> Result<Option<Arc<TableDef>>> {
        loop {
            let version = self.cluster.cache.version();
            // Unqualified names resolve through the session's search_path
            // (the cache is emptied when any schema changes).
            let path_key = format!(
                "{}\u{0}{}\u{0}{:?}",
                self.settings.str("search_path"),
                self.current_user(),
                self.temp.namespace()
            );
            let schema = schema.map(|s| self.temp_alias(s));
            let schema = schema.as_deref();
            let key_schema = schema.unwrap_or(&path_key);
            let cached = if self.txn.catalog_changed {
                None
            } else {
                self.cluster.cache.get(self.db, key_schema, name)
            };
            let def = match cached {
                Some(d) => d,
                None => match self.catalog().table(schema, name)? {
                    Some(d) => {
                        let d = Arc::new(d);
                        if !self.txn.catalog_changed {
                            self.cluster.cache.put(
                                version,
                                self.db,
                                key_schema,
                                name,
                                Arc::clone(&d),
                            );
                        }
                        d
                    }
                    None => return Ok(None),
                },
            };
            self.lock(
                LockTag::Relation {
                    db: self.db,
                    rel: def.oid,
                },
                mode,
            )?;
            if self.txn.catalog_changed || self.cluster.cache.version() == version {
                return Ok(Some(def));
            }
        }
    }

    /// Marks the catalog changed by this transaction.
    pub fn catalog_changed(&mut self) {
        self.txn.catalog_changed = true;
    }

    /// Where this statement's operators spill.
    pub fn spill_ctx<'x>(
        cluster: &'x Cluster,
        memory: &'x actorgres_memory::LocalMemory,
        info: &SessionInfo,
        temp_stats: &'x crate::exec::spill::TempStats,
    ) -> crate::exec::spill::SpillCtx<'x> {
        crate::exec::spill::SpillCtx {
            memory,
            dir: crate::exec::spill::temp_dir(cluster.engine.root()),
            pid: info.pid,
            db_stats: temp_stats,
            all_stats: &cluster.temp_stats,
        }
    }

    /// An evaluation context with this transaction's snapshot.
    pub fn eval_ctx(&mut self) -> EvalCtx<'_> {
        self.eval_and_txn().0
    }

    /// An evaluation context and, beside it, the transaction (for the
    /// [`Actor`] of a statement that writes while it evaluates).
    pub fn eval_and_txn(&mut self) -> (EvalCtx<'_>, &crate::txn::Transaction) {
        let txn: &crate::txn::Transaction = &*self.txn;
        let storage = txn.snapshot.as_ref().map(|snapshot| StorageCtx {
            engine: &self.cluster.engine,
            snapshot,
            own: txn,
            db: self.db,
            xid: txn.current_xid(),
        });
        let eval = EvalCtx {
            settings: &mut *self.settings,
            style: self.style,
            host: self.host,
            interrupts: self.interrupts,
            info: self.info,
            statement_start: self.statement_start,
            transaction_start: txn.started,
            params: self.params,
            notices: &mut self.notices,
            storage,
            outer: Vec::new(),
            initplans: Default::default(),
            hashed_initplans: Default::default(),
            catalog_rows: Default::default(),
            spill: Some(Self::spill_ctx(
                self.cluster,
                self.memory,
                self.info,
                &self.temp_stats,
            )),
            worktables: Default::default(),
            ctescans: Default::default(),
            prepared: Some(self.prepared),
            cursors: Some(self.cursors),
            temp_namespace: self.temp.namespace(),
            notify: Some(crate::expr::NotifyCtx {
                hub: &self.cluster.notify,
                pending: &txn.notifies,
            }),
            sequences: Some(self.sequences),
        };
        (eval, txn)
    }
}

impl TableSource for Stmt<'_> {
    fn assign_xid(&mut self) -> Result<()> {
        self.write_xid("txid_current()").map(|_| ())
    }

    fn table(&mut self, schema: Option<&str>, name: &str) -> Result<Option<Arc<TableDef>>> {
        let def = self.open_table(schema, name, LockMode::AccessShare)?;
        if let Some(d) = &def {
            self.check_own_temp(d)?;
        }
        Ok(def)
    }

    fn table_by_oid(&mut self, oid: u32) -> Result<Option<Arc<TableDef>>> {
        let Some(def) = self.open_table_by_oid(oid, LockMode::AccessShare)? else {
            return Ok(None);
        };
        self.check_own_temp(&def)?;
        Ok(Some(def))
    }

    fn index(&mut self, schema: Option<&str>, name: &str) -> Option<(u32, u32)> {
        let (index, table) = self.catalog().index_named(schema, name).ok()??;
        let table = self.catalog().table_by_oid(table).ok()??;
        Some((index.oid, table.namespace))
    }

    fn dml_cte(&mut self, name: &str) -> Option<crate::binder::DmlCte> {
        self.dml_ctes
            .iter()
            .chain(&self.transition)
            .find(|c| c.name == name)
            .cloned()
    }

    fn namespaces(&mut self) -> Vec<(u32, String)> {
        Stmt::namespaces(self)
            .map(|n| n.as_ref().clone())
            .unwrap_or_default()
    }

    fn roles(&mut self) -> Vec<crate::catalog::roles::Role> {
        self.catalog()
            .roles()
            .map(|r| r.into_iter().map(|(_, r)| r).collect())
            .unwrap_or_else(|_| crate::catalog::roles::Role::builtin())
    }

    fn user_type(&mut self, parts: &[String]) -> Result<Option<crate::types::DataType>> {
        self.user_data_type(parts)
    }

    fn functions(&mut self, parts: &[String]) -> Result<Vec<Arc<crate::routine::UserFunction>>> {
        self.find_functions(parts)
    }

    fn check_privileges(&mut self, def: &TableDef, privs: u32, role: Option<u32>) -> Result<()> {
        match role {
            None => self.check_relation(def, privs),
            Some(owner) => self.check_relation_as(def, privs, owner),
        }
    }

    fn readable_columns(&mut self, def: &TableDef, role: Option<u32>) -> Result<Option<Vec<i16>>> {
        self.readable_columns_as(def, role)
    }

    fn check_schema_usage(&mut self, schema: &str) -> Result<()> {
        if self.acting_roles()?.is_none() {
            return Ok(());
        }
        match crate::catalog::schema_oid(&Stmt::namespaces(self)?, schema) {
            Some(ns) if Some(ns) != self.temp.namespace() => {
                self.check_schema(ns, crate::acl::USAGE)
            }
            _ => Ok(()),
        }
    }

    fn check_execute(&mut self, f: &crate::routine::UserFunction) -> Result<()> {
        self.check_function(f)
    }

    fn function_owner(&mut self, oid: u32) -> Option<String> {
        self.owner_name(crate::catalog::privs::PROC, oid).ok()
    }

    fn swap_role(&mut self, role: &str) -> String {
        self.settings.swap("role", role)
    }

    fn relation_owner(&mut self, oid: u32) -> u32 {
        self.privileges()
            .map(|p| p.owner(crate::catalog::privs::CLASS, oid))
            .unwrap_or(crate::catalog::roles::BOOTSTRAP_SUPERUSER)
    }

    fn primary_key(&mut self, oid: u32) -> Vec<i16> {
        match self.catalog().table_by_oid(oid) {
            Ok(Some(t)) => t
                .indexes
                .iter()
                .find(|i| i.primary)
                .map(|i| i.columns.iter().map(|&c| c as i16 + 1).collect())
                .unwrap_or_default(),
            _ => Vec::new(),
        }
    }
}

/// What an internal statement returned.
#[derive(Debug, Default)]
pub(crate) struct Internal {
    /// Its rows.
    pub rows: Vec<Vec<crate::value::Value>>,
    /// Its command tag.
    pub tag: String,
    /// Its result columns (a query's, RETURNING's).
    pub columns: Vec<crate::plan::OutputColumn>,
    /// The notices it sent while it ran.
    pub notices: Vec<SqlError>,
}

impl crate::result::ResultSink for Internal {
    fn row_description(&mut self, columns: &[crate::plan::OutputColumn]) -> Result<()> {
        self.columns = columns.to_vec();
        Ok(())
    }
    fn data_row(&mut self, row: &[crate::value::Value], _: &OutputStyle) -> Result<()> {
        self.rows.push(row.to_vec());
        Ok(())
    }
    fn command_complete(&mut self, tag: &str) -> Result<()> {
        self.tag = tag.to_owned();
        Ok(())
    }
    fn empty_query(&mut self) -> Result<()> {
        Ok(())
    }
    fn notice(&mut self, notice: &SqlError) -> Result<()> {
        self.notices.push(notice.clone());
        Ok(())
    }
    fn portal_suspended(&mut self) -> Result<()> {
        Ok(())
    }
    fn copy(&mut self) -> Option<&mut dyn crate::result::CopyChannel> {
        None
    }
}

impl Stmt<'_> {
    /// Runs `f` as the body of a routine: a procedure called by CALL
    /// (`procedure`) may end the transaction when the client's statement
    /// could (outside a transaction block, alone in its query string) or
    /// its caller could; a function never may.
    pub(crate) fn in_routine<R>(
        &mut self,
        procedure: bool,
        f: impl FnOnce(&mut Stmt<'_>) -> Result<R>,
    ) -> Result<R> {
        let allowed = procedure
            && match self.txn_control {
                None => !self.txn.explicit && self.alone,
                Some(allowed) => allowed,
            };
        let saved = self.txn_control.replace(allowed);
        let result = f(self);
        self.txn_control = saved;
        result
    }

    /// COMMIT or ROLLBACK inside a procedure (PostgreSQL's transaction
    /// management in procedures): the transaction ends as the client's
    /// COMMIT or ROLLBACK would end it, and the procedure goes on in a
    /// new one with a fresh snapshot.
    pub(crate) fn end_transaction_in_routine(&mut self, commit: bool, chain: bool) -> Result<()> {
        let invalid =
            |msg: &str| SqlError::new(SqlState::INVALID_TRANSACTION_TERMINATION, msg.to_owned());
        if self.txn_control != Some(true) {
            return Err(invalid("invalid transaction termination"));
        }
        if !self.txn.subs.is_empty() {
            return Err(invalid(if commit {
                "cannot commit while a subtransaction is active"
            } else {
                "cannot roll back while a subtransaction is active"
            }));
        }
        if self.temp.has_on_commit_actions() {
            return Err(SqlError::unsupported(
                "COMMIT or ROLLBACK in a procedure while temporary tables with ON COMMIT actions exist",
            ));
        }
        let commit = commit && !self.txn.failed;
        if commit && !self.txn.deferred_checks.is_empty() {
            crate::table::fire_deferred(self, None)?;
        }
        let pid = self.info.pid;
        let engine = &self.cluster.engine;
        // AND CHAIN: the new transaction has the old one's
        // characteristics, else the defaults.
        let (isolation, read_only) = if chain {
            (self.txn.isolation, self.txn.read_only)
        } else {
            (
                Isolation::parse(&self.settings.str("default_transaction_isolation")),
                self.settings.bool("default_transaction_read_only"),
            )
        };
        let placeholder = Transaction::new(false, isolation, read_only, self.settings, 0);
        let mut t = std::mem::replace(&mut *self.txn, placeholder);
        // set_config(..., false) and SET made so far are the session's
        // once this commits.
        for (name, value) in self.settings.take_session_sets() {
            let _ = t
                .session_settings
                .set(&name, Some(&value), crate::guc::Source::Session);
        }
        self.temp.end_transaction(commit);
        let sync = self.settings.str("synchronous_commit") != "off";
        let result = super::finish_transaction(self.cluster, self.host, pid, &t, commit, sync);
        self.settings.restore(if commit {
            &t.session_settings
        } else {
            &t.settings_at_start
        });
        let mut fresh = Transaction::new(
            false,
            isolation,
            read_only,
            self.settings,
            crate::value::datetime::now_micros(),
        );
        // The session learns of LISTEN / UNLISTEN at its own commit
        // (applying them again changes nothing).
        fresh.listens = t.listens.clone();
        *self.txn = fresh;
        engine.txns.release_snapshots(pid);
        self.txn.snapshot = Some(engine.txns.snapshot(pid));
        result.map_err(SqlError::from)
    }

    /// Runs `sql`, one SELECT, INSERT, UPDATE or DELETE, inside this
    /// statement with parameters `params` of `types`, as PostgreSQL's
    /// referential actions run theirs: it sees everything done so far (a
    /// new command id) and its notices join this statement's.
    pub(crate) fn run_internal(
        &mut self,
        sql: &str,
        params: &[crate::value::Value],
        types: &[crate::types::DataType],
    ) -> Result<Internal> {
        use sqlparser::ast::Statement;
        self.txn.cid += 1;
        let parsed = crate::parser::parse_cached(sql)?;
        let [one] = parsed.as_slice() else {
            return Err(SqlError::internal(format!(
                "an internal statement is not one statement: {sql}"
            )));
        };
        // Any statement but SET counts as the transaction's first query
        // (SET TRANSACTION ISOLATION LEVEL must come before it).
        if !matches!(one, crate::parser::Parsed::Sql(s) if matches!(s.as_ref(), Statement::Set(_)))
        {
            self.txn.did_query = true;
        }
        let mut out = Internal::default();
        let mut inner = Stmt {
            cluster: self.cluster,
            db: self.db,
            info: self.info,
            interrupts: self.interrupts,
            settings: &mut *self.settings,
            style: self.style,
            host: self.host,
            txn: &mut *self.txn,
            sql,
            notices: Vec::new(),
            measured: None,
            statement_start: self.statement_start,
            alone: false,
            memory: self.memory,
            temp_stats: Arc::clone(&self.temp_stats),
            params,
            param_types: types.to_vec(),
            variable_params: false,
            prepared: self.prepared,
            cursors: self.cursors,
            temp: self.temp,
            sequences: self.sequences,
            dml_ctes: Vec::new(),
            transition: self.transition.clone(),
            captured: Vec::new(),
            txn_control: self.txn_control,
        };
        let result = match one {
            crate::parser::Parsed::Sql(stmt) => match stmt.as_ref() {
                Statement::Query(q) => super::Session::select(&mut inner, q, &mut out),
                Statement::Insert(i) => crate::table::insert(&mut inner, i, &mut out),
                Statement::Update(u) => crate::table::update(&mut inner, u, &mut out),
                Statement::Delete(d) => crate::table::delete(&mut inner, d, &mut out),
                // Other statements (EXECUTE of PL/pgSQL runs any): as the
                // session would.
                _ => super::dispatch(&mut inner, one, &mut out).map(|_| ()),
            },
            // DO, COPY, CREATE PROCEDURE and the other statements read
            // beside sqlparser.
            other => super::dispatch(&mut inner, other, &mut out).map(|_| ()),
        };
        // What it sent as it ran (a CALL's procedure), then the rest.
        self.notices.append(&mut out.notices);
        let notices = std::mem::take(&mut inner.notices);
        self.notices.extend(notices);
        result.map(|()| out)
    }
}
