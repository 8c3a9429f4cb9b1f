//! Reading a partitioned table: the rows of its leaf partitions, each
//! scan's columns put in the parent's order, with the system column
//! tableoid naming the partition a row came from.

use std::sync::Arc;

use super::{Binder, Scope, ScopeColumn, SYSTEM_TABLEOID};
use crate::catalog::TableDef;
use crate::error::{Result, SqlError};
use crate::expr::{Expr, ExprKind};
use crate::plan::{PartitionPruning, Plan};
use crate::table::partition::Router;
use crate::types::DataType;
use crate::value::Value;

impl Binder<'_> {
    /// The plan reading partitioned table `def` (known as `name`): an
    /// Append of its leaves in partition order; `scope` gains tableoid.
    pub(super) fn partitioned_scan(
        &mut self,
        def: &Arc<TableDef>,
        name: &str,
        scope: &mut Scope,
    ) -> Result<Plan> {
        let mut probe = Scope::default();
        if self.lock_scan(def, name, &mut probe) {
            return Err(SqlError::unsupported(
                "SELECT FOR UPDATE/SHARE on a partitioned table",
            ));
        }
        let style = self.style.clone();
        let tables = &mut *self.tables;
        let router = Router::new(Arc::clone(def), &mut |oid| tables.table_by_oid(oid), &style)?;
        let columns: Vec<(DataType, i32)> = def.live().map(|(_, c)| (c.ty, c.typmod)).collect();
        let mut inputs = Vec::new();
        // Pruning knows the bounds of one level of partitions.
        let flat = router.parts.iter().all(|p| p.sub.is_none());
        let parts = match (&def.partition_key, flat) {
            (Some(key), true) => Some(Arc::new(PartitionPruning {
                strategy: key.strategy,
                key: key
                    .columns
                    .iter()
                    .map(|c| def.live().position(|(i, _)| i == *c).unwrap_or(usize::MAX))
                    .collect(),
                bounds: router.parts.iter().map(|p| p.bound.clone()).collect(),
                types: crate::table::partition::key_types(def, key),
                alias: name.to_owned(),
            })),
            _ => None,
        };
        for (leaf, map) in router.leaves() {
            let mut exprs: Vec<Expr> = columns
                .iter()
                .enumerate()
                .map(|(p, &(ty, typmod))| Expr {
                    kind: match map.iter().position(|&m| m == p) {
                        Some(j) => ExprKind::Column(j),
                        None => ExprKind::Const(Value::Null),
                    },
                    ty,
                    typmod,
                    pos: None,
                })
                .collect();
            exprs.push(Expr::constant(Value::Oid(leaf.oid), DataType::Oid));
            inputs.push(Plan::Project {
                input: Box::new(Plan::SeqScan {
                    table: leaf,
                    with_tid: false,
                    needed: None,
                    alias: None,
                }),
                exprs,
            });
        }
        scope.columns.push(ScopeColumn {
            table: Some(name.to_owned()),
            name: SYSTEM_TABLEOID.into(),
            ty: DataType::Oid,
            typmod: -1,
            table_oid: def.oid,
            attnum: -6,
            hidden: true,
            scalar: false,
        });
        Ok(match inputs.len() {
            0 => {
                let nulls = columns
                    .iter()
                    .map(|&(ty, _)| Expr::constant(Value::Null, ty))
                    .chain(std::iter::once(Expr::constant(Value::Null, DataType::Oid)))
                    .collect();
                Plan::Filter {
                    input: Box::new(Plan::Project {
                        input: Box::new(Plan::OneRow),
                        exprs: nulls,
                    }),
                    predicate: Expr::constant(Value::Bool(false), DataType::Bool),
                }
            }
            _ => Plan::Append { inputs, parts },
        })
    }
}
