//! initdb's catalog step: the system catalogs of template1 and the
//! cluster-wide pg_database, then template0 and postgres copied from
//! template1.

use std::path::Path;
use std::time::Duration;

use actorgres_memory::Interrupts;
use actorgres_storage::lock::WaitPolicy;
use actorgres_storage::xact::{OwnTxn, OwnXids};
use actorgres_storage::{Actor, CheckpointKind, Engine, EngineConfig};

use super::store::Catalog;
use super::system::{self, SysTable};
use crate::error::Result;
use crate::value::Value;

/// The bootstrap transaction.
struct Boot(u32);

impl OwnTxn for Boot {
    fn is_own(&self, xid: u32) -> bool {
        xid == self.0
    }
    fn command_id(&self) -> u32 {
        0
    }
    fn to_owned_txn(&self) -> OwnXids {
        OwnXids {
            xids: vec![self.0],
            cid: 0,
        }
    }
}

fn class_row(t: &SysTable) -> Vec<Value> {
    vec![
        Value::Oid(t.oid),
        Value::Text(t.name.into()),
        Value::Oid(system::PG_CATALOG_NS),
        Value::Text("r".into()),
        Value::Oid(t.oid),
        Value::Int2(t.columns.len() as i16),
        Value::Null,
        Value::Bool(false),
        Value::Bool(false),
    ]
}

/// Creates the storage and catalogs of a new cluster in `root` (which
/// already holds PG_VERSION).
pub fn bootstrap(root: &Path) -> Result<()> {
    Engine::create(root, true)?;
    let engine = Engine::open(
        root,
        &EngineConfig {
            shared_buffers: 256,
            fsync: true,
            full_page_writes: true,
        },
    )?;
    let interrupts = Interrupts::new();
    let policy = || WaitPolicy {
        interrupts: &interrupts,
        deadlock_timeout: Duration::from_secs(1),
        lock_timeout: None,
    };
    let xid = engine.assign_xid(0, &policy())?;
    let own = Boot(xid);
    let who = Actor {
        xid,
        backend: 0,
        own: &own,
        wait: policy(),
    };
    engine.create_relation(xid, 0, system::PG_DATABASE.oid)?;
    engine.create_relation(xid, 0, super::roles::PG_AUTHID.oid)?;
    engine.create_relation(xid, 0, super::roles::PG_AUTH_MEMBERS.oid)?;
    for t in system::PER_DATABASE {
        engine.create_relation(xid, system::TEMPLATE1, t.oid)?;
    }
    let cat = Catalog::new(&engine, system::TEMPLATE1, &own);
    for (oid, name) in [
        (system::PG_CATALOG_NS, "pg_catalog"),
        (system::PUBLIC_NS, "public"),
    ] {
        cat.insert(
            &system::PG_NAMESPACE,
            &[Value::Oid(oid), Value::Text(name.into())],
            &who,
        )?;
    }
    for ty in crate::types::DataType::builtin() {
        cat.insert(
            &system::PG_TYPE,
            &[
                Value::Oid(ty.oid().0),
                Value::Text(ty.name().into()),
                Value::Oid(system::PG_CATALOG_NS),
                Value::Int2(ty.typlen()),
                Value::Bool(ty.by_value()),
                Value::Text(ty.typtype().to_string()),
                Value::Text(ty.category().code().to_string()),
                Value::Bool(ty.is_preferred()),
                Value::Oid(ty.element_oid()),
                Value::Oid(ty.array_oid()),
                Value::Oid(0),
                Value::Int4(-1),
            ],
            &who,
        )?;
    }
    for t in system::ALL {
        cat.insert(&system::PG_CLASS, &class_row(t), &who)?;
        for (i, (name, ty)) in t.columns.iter().enumerate() {
            cat.insert(
                &system::PG_ATTRIBUTE,
                &[
                    Value::Oid(t.oid),
                    Value::Text((*name).into()),
                    Value::Oid(ty.oid().0),
                    Value::Int4(-1),
                    Value::Int2(i as i16 + 1),
                    Value::Bool(true),
                    Value::Bool(false),
                    Value::Bool(false),
                    Value::Null,
                    Value::Int2(ty.typlen()),
                    Value::Text(String::new()),
                ],
                &who,
            )?;
        }
    }
    for (oid, name, template, allow) in [
        (system::TEMPLATE1, "template1", true, true),
        (system::TEMPLATE0, "template0", true, false),
        (system::POSTGRES, "postgres", false, true),
    ] {
        cat.insert(
            &system::PG_DATABASE,
            &[
                Value::Oid(oid),
                Value::Text(name.into()),
                Value::Bool(template),
                Value::Bool(allow),
            ],
            &who,
        )?;
    }
    engine.commit(0, &[xid], &[], true)?;
    engine.create_database(system::TEMPLATE1, system::TEMPLATE0)?;
    engine.create_database(system::TEMPLATE1, system::POSTGRES)?;
    engine.checkpoint(CheckpointKind::Shutdown)?;
    Ok(())
}

/// Gives every database the per-database catalogs a data directory made
/// by an earlier build lacks (pg_statistic came later): an empty
/// relation file each, created in one logged transaction at start.
pub fn add_missing_catalogs(engine: &Engine) -> Result<()> {
    let none = actorgres_storage::xact::NoTxn;
    let missing: Vec<(u32, u32)> = Catalog::new(engine, 0, &none)
        .databases()?
        .iter()
        .flat_map(|db| system::PER_DATABASE.iter().map(move |t| (db.oid, t.oid)))
        .filter(|&(db, oid)| !engine.relation_exists(actorgres_storage::smgr::RelId::new(db, oid)))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let interrupts = Interrupts::new();
    let policy = WaitPolicy {
        interrupts: &interrupts,
        deadlock_timeout: Duration::from_secs(1),
        lock_timeout: None,
    };
    let xid = engine.assign_xid(0, &policy)?;
    for (db, oid) in missing {
        engine.create_relation(xid, db, oid)?;
    }
    engine.commit(0, &[xid], &[], true)?;
    Ok(())
}
