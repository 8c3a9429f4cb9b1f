//! Temporary tables: each session's own schema `pg_temp_<pid>`, searched
//! first, dropped with everything in it when the session ends (or at
//! DISCARD TEMP), and the tables' ON COMMIT actions.
//!
//! Rules, as PostgreSQL's namespace.c:
//! 1. The schema is created by the first CREATE TEMP ... of the session,
//!    in that statement's transaction (a rollback forgets it).
//! 2. Unqualified names look in it before pg_catalog and the search
//!    path; `pg_temp` names it explicitly; other sessions do not see it
//!    on their path.
//! 3. ON COMMIT DELETE ROWS empties, ON COMMIT DROP drops, the table at
//!    each commit, before the commit record.
//!
//! 4. A temporary relation's pages live in the backend's local buffers
//!    (temp_buffers, opened at the first temporary relation and charged
//!    to the backend's local memory), never in shared buffers, and are
//!    not WAL-logged (storage's local.rs). Its catalog rows are ordinary
//!    ones: a session that dies without ending (kill -9) leaves its schema
//!    behind, visible as pg_temp_<pid>, and the next session to create a
//!    temporary schema drops it; start-up removes the files.

use std::cell::{Cell, RefCell};

use super::{Session, Stmt};
use crate::error::{Result, SqlError, SqlState};
use crate::value::Value;

/// The session's temporary schema and its tables' ON COMMIT actions.
#[derive(Debug, Default)]
pub(crate) struct TempSchema {
    /// pg_temp_<pid>'s OID, once created.
    ns: Cell<Option<u32>>,
    /// Created by the open transaction (rule 1).
    created_in_txn: Cell<bool>,
    /// Tables with ON COMMIT DELETE ROWS (false) or DROP (true), by OID.
    on_commit: RefCell<Vec<(u32, bool)>>,
    /// The local buffers' memory, held while they are open (rule 4).
    buffers: RefCell<Option<actorgres_memory::Budget>>,
}

/// The name of backend `pid`'s temporary schema.
pub(crate) fn temp_schema_name(pid: i32) -> String {
    format!("pg_temp_{pid}")
}

impl TempSchema {
    /// The transaction ends: a schema it created is gone if it rolled
    /// back.
    pub(super) fn end_transaction(&self, commit: bool) {
        if !commit && self.created_in_txn.get() {
            self.ns.set(None);
            self.on_commit.borrow_mut().clear();
        }
        self.created_in_txn.set(false);
    }

    /// Whether a table has ON COMMIT DELETE ROWS or DROP.
    pub(super) fn has_on_commit_actions(&self) -> bool {
        !self.on_commit.borrow().is_empty()
    }

    /// The schema's OID, if the session has one.
    pub(crate) fn namespace(&self) -> Option<u32> {
        self.ns.get()
    }

    /// Records table `oid`'s ON COMMIT action.
    pub(crate) fn on_commit(&self, oid: u32, drop: bool) {
        self.on_commit.borrow_mut().push((oid, drop));
    }
}

impl Stmt<'_> {
    /// Creates the file of new relation `oid` in schema `ns`: a temporary
    /// one, in the local buffers, when `ns` is the session's temporary
    /// schema (rule 4).
    pub(crate) fn create_relation_file(
        &mut self,
        xid: u32,
        ns: u32,
        oid: u32,
    ) -> Result<actorgres_storage::smgr::RelId> {
        let engine = self.engine();
        if self.temp.namespace() != Some(ns) {
            return Ok(engine.create_relation(xid, self.db, oid)?);
        }
        self.open_local_buffers()?;
        self.txn.accessed_temp = true;
        Ok(engine.create_temp_relation(self.db, oid, self.info.pid)?)
    }

    /// Opens the backend's local buffers (temp_buffers) unless open,
    /// charging their pages to its local memory (53200 past its limit).
    fn open_local_buffers(&mut self) -> Result<()> {
        let engine = self.engine();
        if engine.local_buffers(self.info.pid).is_some() {
            return Ok(());
        }
        let frames = (self.settings.bytes("temp_buffers") / 8192).max(16) as usize;
        let mut budget = self.memory.hard_budget();
        budget
            .reserve_hard(frames as u64 * 8192)
            .map_err(|e| crate::error::errors::out_of_memory(e, "LocalBufferContext"))?;
        let frames = engine.open_local_buffers(self.info.pid, frames);
        self.memory.set_temp_buffers(frames as u64 * 8192);
        *self.temp.buffers.borrow_mut() = Some(budget);
        Ok(())
    }

    /// The session's temporary schema, created now if it has none.
    pub(crate) fn temp_namespace(&mut self) -> Result<u32> {
        if let Some(ns) = self.temp.ns.get() {
            return Ok(ns);
        }
        let name = temp_schema_name(self.info.pid);
        self.drop_orphan_temp_schemas()?;
        let ns = match crate::catalog::schema_oid(&self.namespaces()?, &name) {
            Some(oid) => oid,
            None => {
                let xid = self.write_xid("CREATE TABLE")?;
                let oid = self.engine().new_oid()?;
                let who = self.actor(xid);
                self.catalog().insert(
                    &crate::catalog::system::PG_NAMESPACE,
                    &[Value::Oid(oid), Value::Text(name)],
                    &who,
                )?;
                self.catalog_changed();
                self.temp.created_in_txn.set(true);
                oid
            }
        };
        self.temp.ns.set(Some(ns));
        Ok(ns)
    }

    /// Drops the temporary schemas of backends that no longer exist (the
    /// server was killed while they ran), as PostgreSQL's autovacuum
    /// removes orphaned temporary tables; quietly, in this transaction.
    /// Called only while this session has no temporary schema.
    fn drop_orphan_temp_schemas(&mut self) -> Result<()> {
        let live: Vec<i32> = self.host.activity().iter().map(|a| a.pid).collect();
        let orphans: Vec<String> = self
            .namespaces()?
            .iter()
            .filter_map(|(_, n)| {
                let pid = crate::catalog::temp_schema_owner(n)?;
                // This session has none yet: one with its own pid is a
                // leftover of an earlier server run too (pids restart).
                (pid == self.info.pid || !live.contains(&pid)).then(|| n.clone())
            })
            .collect();
        if orphans.is_empty() {
            return Ok(());
        }
        let names: Vec<sqlparser::ast::ObjectName> = orphans
            .into_iter()
            .map(|n| sqlparser::ast::ObjectName::from(vec![sqlparser::ast::Ident::new(n)]))
            .collect();
        let notices = self.notices.len();
        crate::ddl::drop(
            self,
            sqlparser::ast::ObjectType::Schema,
            true,
            true,
            &names,
            &mut super::context::Internal::default(),
        )?;
        self.notices.truncate(notices);
        // CommandCounterIncrement: what follows must not see them.
        self.txn.cid += 1;
        Ok(())
    }

    /// `schema` as written, with `pg_temp` meaning the session's own
    /// temporary schema.
    pub(crate) fn temp_alias<'a>(&self, schema: &'a str) -> std::borrow::Cow<'a, str> {
        if schema == "pg_temp" {
            std::borrow::Cow::Owned(temp_schema_name(self.info.pid))
        } else {
            std::borrow::Cow::Borrowed(schema)
        }
    }
}

impl Session {
    /// Runs the ON COMMIT actions of the session's temporary tables in
    /// the committing transaction (rule 3).
    pub(super) fn temp_on_commit(&mut self) -> Result<()> {
        let actions = self.temp.on_commit.borrow().clone();
        if actions.is_empty() || self.txn.as_ref().is_none_or(|t| t.failed) {
            return Ok(());
        }
        let schema = temp_schema_name(self.info.pid);
        let dropped = self.in_statement("COMMIT", true, |ctx| {
            let mut dropped = Vec::new();
            for (oid, drop) in actions {
                let Some(t) = ctx.catalog().table_by_oid(oid)? else {
                    dropped.push(oid);
                    continue;
                };
                let name = format!(
                    "{}.{}",
                    crate::func::quote_ident(&schema),
                    crate::func::quote_ident(&t.name)
                );
                if drop {
                    let parts = sqlparser::ast::ObjectName::from(vec![
                        sqlparser::ast::Ident::new(schema.clone()),
                        sqlparser::ast::Ident::new(t.name.clone()),
                    ]);
                    crate::ddl::drop(
                        ctx,
                        sqlparser::ast::ObjectType::Table,
                        true,
                        true,
                        &[parts],
                        &mut super::context::Internal::default(),
                    )?;
                    dropped.push(oid);
                } else {
                    ctx.run_internal(&format!("DELETE FROM {name}"), &[], &[])?;
                }
            }
            Ok(dropped)
        })?;
        self.temp
            .on_commit
            .borrow_mut()
            .retain(|(oid, _)| !dropped.contains(oid));
        Ok(())
    }

    /// The transaction ended: a schema it created is forgotten on
    /// rollback (rule 1).
    pub(super) fn temp_end_transaction(&mut self, commit: bool) {
        self.temp.end_transaction(commit);
    }

    /// Drops the session's temporary schema and everything in it (session
    /// end, DISCARD TEMP, DISCARD ALL).
    pub(crate) fn drop_temp_schema(&mut self) -> Result<()> {
        if self.temp.ns.get().is_none() {
            return Ok(());
        }
        let sql = format!(
            "DROP SCHEMA IF EXISTS {} CASCADE",
            temp_schema_name(self.info.pid)
        );
        self.simple_query(&sql, &mut super::context::Internal::default())?;
        self.temp.ns.set(None);
        self.temp.on_commit.borrow_mut().clear();
        Ok(())
    }

    /// Closes the local buffers (session end: the temporary schema is
    /// dropped) and gives their memory back.
    pub(super) fn close_local_buffers(&mut self) {
        if self.temp.buffers.borrow().is_none() {
            // Never opened (most sessions): nothing to take the locks for.
            return;
        }
        self.cluster.engine.close_local_buffers(self.info.pid);
        self.temp.buffers.borrow_mut().take();
        self.memory.set_temp_buffers(0);
    }
}

/// 42P16 for a temporary relation named into another schema.
pub(crate) fn not_temporary_schema() -> SqlError {
    SqlError::new(
        SqlState::INVALID_TABLE_DEFINITION,
        "cannot create temporary relation in non-temporary schema",
    )
}
