//! Stored tables: the row format, the scan node and INSERT, UPDATE and
//! DELETE.

mod fkey;
pub mod index;
mod instead;
mod load;
mod lockrows;
mod merge;
mod modify;
mod parallel;
pub mod partition;
mod partition_hash;
mod routing;
pub mod row;
mod scan;
pub(crate) mod trigger;
pub(crate) use trigger::fire_statement;
mod view_dml;
pub use view_dml::view_updatable;

pub(crate) use fkey::{fire as fire_foreign_keys, fire_deferred, qualified, Deferred, RiQueue};
pub use load::Loader;
pub use lockrows::LockRows;
pub use merge::{explain_merge, merge};
pub use modify::{
    bind_delete, bind_insert, bind_update, delete, explain_analyze_change, explain_insert,
    explain_modify, insert, run_insert, run_modify, update, BoundInsert, BoundModify,
};
pub(crate) use modify::{
    bind_stored, bind_stored_with, checks, stored_columns, stored_sql, target, CatalogTables,
    RowCheck, StoredNames,
};
pub use parallel::{partial_aggregate, Gather, ParallelAgg};
pub use scan::{IndexScan, SeqScan};

use actorgres_storage::page::Tid;

use crate::value::{OutputStyle, Value};

/// A tuple id carried as a hidden value through a plan.
pub fn tid_value(t: Tid) -> Value {
    Value::Int8((i64::from(t.block) << 16) | i64::from(t.offset))
}

/// The tuple id of a hidden tid value.
pub fn tid_of(v: &Value) -> Option<Tid> {
    match v {
        Value::Int8(x) if *x >= 0 => Some(Tid {
            block: (*x >> 16) as u32,
            offset: (*x & 0xffff) as u16,
        }),
        _ => None,
    }
}

/// A row as PostgreSQL prints it in "Failing row contains (...)"
/// (ExecBuildSlotValueDescription): each value's text as it is, NULL as
/// `null`, joined by ", ".
pub fn record_text(values: &[Value], style: &OutputStyle) -> String {
    let parts: Vec<String> = values
        .iter()
        .map(|v| v.to_text(style).unwrap_or_else(|| "null".into()))
        .collect();
    format!("({})", parts.join(", "))
}
