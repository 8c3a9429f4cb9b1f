//! The targets of a statement that writes through a partitioned table:
//! each leaf with what writing a row into it needs (its codec attributes,
//! its constraints, the map between its columns and the target's), and
//! the partition constraint of a target that is itself a partition.

use std::collections::HashMap;
use std::sync::Arc;

use super::modify::{check_row, checks, new_tuple, RowCheck};
use super::partition::{PartitionCheck, Router};
use super::row::StoredAttr;
use crate::catalog::TableDef;
use crate::error::Result;
use crate::session::Stmt;

/// One leaf partition, ready for writes.
pub(crate) struct Leaf {
    /// Its definition.
    pub def: Arc<TableDef>,
    /// Its stored attributes.
    pub attrs: Vec<StoredAttr>,
    /// Its CHECK, NOT NULL, domain and generated-column checks.
    pub checks: Vec<RowCheck>,
    /// For each of its live columns, the position in the target's row.
    pub map: Vec<usize>,
    /// The map is the identity.
    pub identity: bool,
}

impl Leaf {
    /// Checks a row of this leaf's layout (its generated columns filled
    /// in) and writes it: heap, then index entries.
    pub fn insert(
        &self,
        engine: &actorgres_storage::Engine,
        row: &mut [crate::value::Value],
        (xid, cid): (u32, u32),
        who: &actorgres_storage::Actor<'_>,
        eval: &mut crate::expr::EvalCtx<'_>,
    ) -> Result<actorgres_storage::page::Tid> {
        check_row(&self.def, row, &self.checks, eval)?;
        let tid = engine.heap_insert_tuple(
            self.def.rel,
            xid,
            cid,
            new_tuple(&self.def, row, &self.attrs),
            self.def.fillfactor,
        )?;
        super::index::insert_entries(engine, &self.def, row, tid, who, eval.style())?;
        Ok(tid)
    }
}

/// The routing of a statement's rows.
#[derive(Default)]
pub(crate) struct Routing {
    /// The target's partitions, when it is partitioned.
    pub router: Option<Router>,
    /// Its leaves by OID.
    pub leaves: HashMap<u32, Leaf>,
    /// The target's partition constraint, when it is a partition.
    pub check: Option<PartitionCheck>,
}

impl Routing {
    /// The routing of writes to `def`.
    pub fn new(ctx: &mut Stmt<'_>, def: &Arc<TableDef>) -> Result<Routing> {
        if def.partition_key.is_none() && def.partition_of.is_none() {
            return Ok(Routing::default());
        }
        let style = ctx.style.clone();
        let mut open = |oid: u32| -> Result<Option<Arc<TableDef>>> {
            ctx.open_table_by_oid(oid, actorgres_storage::lock::LockMode::RowExclusive)
        };
        let check = PartitionCheck::new(def, &mut open, &style)?;
        let router = match def.partition_key {
            Some(_) => Some(Router::new(Arc::clone(def), &mut open, &style)?),
            None => None,
        };
        let mut leaves = HashMap::new();
        if let Some(r) = &router {
            let width = def.live().count();
            for (leaf, map) in r.leaves() {
                let leaf_checks = checks(&leaf, &style)?;
                leaves.insert(
                    leaf.oid,
                    Leaf {
                        attrs: leaf.stored(),
                        checks: leaf_checks,
                        identity: super::partition::is_identity(&map, width),
                        map,
                        def: leaf,
                    },
                );
            }
        }
        Ok(Routing {
            router,
            leaves,
            check,
        })
    }
}

/// The tables a statement on `def` reaches, in the order reads expand
/// them (a member's place in it marks its tuple ids): the leaves of a
/// partitioned table, or the table itself then its descendants level by
/// level; `def` alone otherwise. Each with the map from its live columns
/// to `def`'s; partitions and children are locked in `mode`.
pub(crate) fn members(
    ctx: &mut Stmt<'_>,
    def: &Arc<TableDef>,
    mode: actorgres_storage::lock::LockMode,
) -> Result<Vec<(Arc<TableDef>, Vec<usize>)>> {
    let width = def.live().count();
    if def.partition_key.is_some() {
        let style = ctx.style.clone();
        let router = Router::new(
            Arc::clone(def),
            &mut |oid| ctx.open_table_by_oid(oid, mode),
            &style,
        )?;
        return Ok(router.leaves());
    }
    let mut out = vec![(Arc::clone(def), (0..width).collect())];
    if def.inheritors.is_empty() {
        return Ok(out);
    }
    for (child, _) in crate::ddl::inherit::descendants(ctx, def, true, mode)? {
        let map = super::partition::column_map(def, &child);
        out.push((child, map));
    }
    Ok(out)
}
