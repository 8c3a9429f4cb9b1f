//! Reading a partitioned table: the rows of its leaf partitions, each
//! scan's columns put in the parent's order, with the system column
//! tableoid naming the partition a row came from.

use std::sync::Arc;

use super::{Binder, Scope, ScopeColumn};
use crate::catalog::TableDef;
use crate::error::Result;
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
        // FOR UPDATE: each member's tuple id, marked with its place.
        let mut tid_scope = Scope::default();
        let with_tid = self.lock_scan(def, name, &mut tid_scope);
        let plan = if def.partition_key.is_none() {
            self.inheritance_scan(def, name, scope, with_tid)?
        } else {
            self.partition_scan_of(def, name, scope, with_tid)?
        };
        scope.columns.extend(tid_scope.columns);
        Ok(plan)
    }

    /// [`Binder::partitioned_scan`] of a partitioned table.
    fn partition_scan_of(
        &mut self,
        def: &Arc<TableDef>,
        name: &str,
        scope: &mut Scope,
        with_tid: bool,
    ) -> Result<Plan> {
        let style = self.style.clone();
        let tables = &mut *self.tables;
        let router = Router::new(Arc::clone(def), &mut |oid| tables.table_by_oid(oid), &style)?;
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
        let leaves = router.leaves();
        Ok(self.member_scans(def, name, scope, leaves, parts, with_tid))
    }

    /// The Append of the member tables' scans ([`append_scans`]); with
    /// tuple ids, the members are remembered for FOR UPDATE.
    fn member_scans(
        &mut self,
        def: &Arc<TableDef>,
        name: &str,
        scope: &mut Scope,
        leaves: Vec<(Arc<TableDef>, Vec<usize>)>,
        parts: Option<Arc<PartitionPruning>>,
        with_tid: bool,
    ) -> Plan {
        if with_tid {
            let list = leaves.iter().map(|(t, _)| Arc::clone(t)).collect();
            self.locking.members.push((name.to_owned(), list));
        }
        append_scans(def, name, scope, leaves, parts, with_tid)
    }

    /// The plan reading table `def` and every table inheriting from it:
    /// its own rows first, then each descendant's (PostgreSQL's order).
    fn inheritance_scan(
        &mut self,
        def: &Arc<TableDef>,
        name: &str,
        scope: &mut Scope,
        with_tid: bool,
    ) -> Result<Plan> {
        let mut leaves = vec![(
            Arc::clone(def),
            (0..def.live().count()).collect::<Vec<usize>>(),
        )];
        // Level by level, as PostgreSQL expands an inheritance tree.
        let mut todo: std::collections::VecDeque<u32> = def.inheritors.iter().copied().collect();
        while let Some(oid) = todo.pop_front() {
            if leaves.iter().any(|(t, _)| t.oid == oid) || leaves.len() > 10_000 {
                continue;
            }
            let Some(child) = self.tables.table_by_oid(oid)? else {
                continue;
            };
            todo.extend(child.inheritors.iter());
            let map = crate::table::partition::column_map(def, &child);
            leaves.push((child, map));
        }
        let parts = Some(Arc::new(PartitionPruning {
            strategy: 'i',
            key: Vec::new(),
            bounds: vec![crate::table::partition::Bound::Default; leaves.len()],
            types: Vec::new(),
            alias: name.to_owned(),
        }));
        Ok(self.member_scans(def, name, scope, leaves, parts, with_tid))
    }
}

/// An Append of the scans of `leaves` (each with the map from its live
/// columns to `def`'s), their rows in `def`'s layout with tableoid last;
/// `scope` gains tableoid.
fn append_scans(
    def: &Arc<TableDef>,
    name: &str,
    scope: &mut Scope,
    leaves: Vec<(Arc<TableDef>, Vec<usize>)>,
    parts: Option<Arc<PartitionPruning>>,
    with_tid: bool,
) -> Plan {
    let columns: Vec<(DataType, i32)> = def.live().map(|(_, c)| (c.ty, c.typmod)).collect();
    let mut inputs = Vec::new();
    for (k, (leaf, map)) in leaves.into_iter().enumerate() {
        let leaf_width = leaf.live().count();
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
        if with_tid {
            exprs.push(crate::table::partition::member_tid(leaf_width, k));
        }
        inputs.push(Plan::Project {
            input: Box::new(Plan::SeqScan {
                table: leaf,
                with_tid,
                needed: None,
                alias: None,
            }),
            exprs,
        });
    }
    scope
        .columns
        .push(ScopeColumn::tableoid(Some(name.to_owned()), def.oid));
    match inputs.len() {
        0 => {
            let nulls = columns
                .iter()
                .map(|&(ty, _)| Expr::constant(Value::Null, ty))
                .chain(std::iter::once(Expr::constant(Value::Null, DataType::Oid)))
                .chain(with_tid.then(|| Expr::constant(Value::Null, DataType::Int8)))
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
    }
}

/// `pg_partition_tree(rel)` in FROM: the relation and every partition
/// below it, level by level (relid, parentrelid, isleaf, level), as a
/// recursive query over pg_inherits; no rows for a relation that is
/// neither partitioned nor a partition.
pub(super) fn partition_tree(
    args: &[sqlparser::ast::FunctionArg],
    alias: Option<&sqlparser::ast::TableAlias>,
) -> Option<sqlparser::ast::TableFactor> {
    use sqlparser::ast;
    let [ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(arg))] = args else {
        return None;
    };
    let text = format!(
        "WITH RECURSIVE tree(relid, parentrelid, isleaf, level) AS (\
         SELECT c.oid::pg_catalog.regclass, i.inhparent::pg_catalog.regclass, \
         c.relkind NOT IN ('p', 'I'), 0 \
         FROM pg_catalog.pg_class c LEFT JOIN pg_catalog.pg_inherits i ON i.inhrelid = c.oid \
         WHERE c.oid = ({arg})::pg_catalog.regclass::pg_catalog.oid \
         AND (c.relkind IN ('p', 'I') OR c.relispartition) \
         UNION ALL \
         SELECT c.oid::pg_catalog.regclass, i.inhparent::pg_catalog.regclass, \
         c.relkind NOT IN ('p', 'I'), t.level + 1 \
         FROM tree t JOIN pg_catalog.pg_inherits i ON i.inhparent = t.relid::pg_catalog.oid \
         JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid) \
         SELECT relid, parentrelid, isleaf, level FROM tree"
    );
    let dialect = sqlparser::dialect::PostgreSqlDialect {};
    let mut stmts = sqlparser::parser::Parser::parse_sql(&dialect, &text).ok()?;
    let Some(ast::Statement::Query(q)) = stmts.pop() else {
        return None;
    };
    let alias = alias.cloned().unwrap_or(ast::TableAlias {
        explicit: false,
        name: ast::Ident::new("pg_partition_tree"),
        columns: Vec::new(),
        at: None,
    });
    Some(ast::TableFactor::Derived {
        lateral: false,
        subquery: q,
        alias: Some(alias),
        sample: None,
    })
}
