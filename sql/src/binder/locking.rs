//! The locking clause of SELECT: FOR UPDATE, FOR NO KEY UPDATE, FOR
//! SHARE, FOR KEY SHARE [OF name, ...] [NOWAIT | SKIP LOCKED].
//!
//! The tables it locks are the stored tables of the SELECT's own FROM
//! (all of them, or those OF names by their alias). Their scans carry
//! each row's tuple id as a hidden column, which the select list passes
//! up as a resjunk column to the LockRows node between the sort and
//! LIMIT, where PostgreSQL puts it.

use std::sync::Arc;

use sqlparser::ast;

use super::names::ident;
use super::{Binder, Scope, ScopeColumn};
use crate::catalog::TableDef;
use crate::error::{Result, SqlError, SqlState};
use crate::expr::{Expr, ExprKind};
use crate::parser::{KEY_SHARE_MARK, NO_KEY_MARK};
use crate::plan::{LockWait, RowMarks};
use crate::types::DataType;

/// The name of the hidden tuple-id column of a locked table's scan.
const TID_COLUMN: &str = "\0tid";

/// A SELECT's locking clauses, merged.
#[derive(Debug, Clone)]
pub(crate) struct LockSpec {
    /// Rows are locked (false: a cursor's query only keeps its rows'
    /// tuple ids, for WHERE CURRENT OF).
    pub(super) lock: bool,
    /// The first clause's strength as written ("FOR UPDATE"), for errors.
    pub strength: &'static str,
    /// What to do about rows others hold.
    pub wait: LockWait,
    /// The tables named by OF (None: every table in FROM), with the
    /// position of each name.
    of: Option<Vec<(String, Option<u32>)>>,
}

/// The tables of a FROM being bound that LockRows will lock.
#[derive(Debug, Default)]
pub(crate) struct Locking {
    /// The clause, while the SELECT it belongs to is bound.
    spec: Option<LockSpec>,
    /// While its FROM is bound: the clause again (cleared in subqueries).
    scanning: Option<LockSpec>,
    /// The tables whose scans carry tuple ids, by the name FROM gives them.
    locked: Vec<(Arc<TableDef>, String)>,
    /// The row marks the SELECT's select list produced.
    marks: Option<RowMarks>,
    /// The tables read for a locked table with partitions or inheritance
    /// children, by the name FROM gives it.
    pub(super) members: Vec<(String, Vec<Arc<TableDef>>)>,
}

/// The first locking clause as written ("FOR NO KEY UPDATE"), if any.
pub(crate) fn lock_strength(locks: &[ast::LockClause]) -> Option<&'static str> {
    let c = locks.first()?;
    let marker =
        c.of.as_ref()
            .and_then(|n| n.0.first())
            .and_then(|p| p.as_ident())
            .map(|i| i.value.as_str());
    Some(match (c.lock_type, marker) {
        (ast::LockType::Update, Some(NO_KEY_MARK)) => "FOR NO KEY UPDATE",
        (ast::LockType::Update, _) => "FOR UPDATE",
        (ast::LockType::Share, Some(KEY_SHARE_MARK)) => "FOR KEY SHARE",
        (ast::LockType::Share, _) => "FOR SHARE",
    })
}

impl Binder<'_> {
    /// Reads a query's locking clauses.
    pub(super) fn lock_spec(&self, locks: &[ast::LockClause]) -> Option<LockSpec> {
        let strength = lock_strength(locks)?;
        let mut wait = LockWait::Block;
        let mut of = Some(Vec::new());
        for c in locks {
            match c.nonblock {
                Some(ast::NonBlock::Nowait) => wait = LockWait::NoWait,
                Some(ast::NonBlock::SkipLocked) if wait == LockWait::Block => {
                    wait = LockWait::SkipLocked
                }
                _ => {}
            }
            let names: Vec<&ast::ObjectNamePart> =
                c.of.iter()
                    .flat_map(|n| n.0.iter())
                    .filter(|p| {
                        !p.as_ident()
                            .is_some_and(|i| i.value == NO_KEY_MARK || i.value == KEY_SHARE_MARK)
                    })
                    .collect();
            match (names.last(), of.as_mut()) {
                (None, _) => of = None,
                (Some(p), Some(list)) => {
                    if let Some(i) = p.as_ident() {
                        list.push((ident(i), self.pos(i.span.start)));
                    }
                }
                (Some(_), None) => {}
            }
        }
        Some(LockSpec {
            lock: true,
            strength,
            wait,
            of,
        })
    }

    /// A cursor's query without a locking clause: every table of its FROM
    /// keeps its rows' tuple ids, locking nothing.
    pub(super) fn position_spec() -> LockSpec {
        LockSpec {
            lock: false,
            strength: "",
            wait: LockWait::Block,
            of: None,
        }
    }

    /// Makes `spec` the locking clause of the SELECT about to be bound;
    /// returns what it replaces.
    pub(super) fn set_locking(&mut self, spec: Option<LockSpec>) -> Locking {
        std::mem::replace(
            &mut self.locking,
            Locking {
                spec,
                ..Locking::default()
            },
        )
    }

    /// Puts back the locking state of the query around; returns the row
    /// marks of the SELECT just bound.
    pub(super) fn restore_locking(&mut self, outer: Locking) -> Option<RowMarks> {
        std::mem::replace(&mut self.locking, outer).marks
    }

    /// A nested query (subquery, view, CTE) locks nothing of the SELECT
    /// around it: its binding runs with the state cleared.
    pub(super) fn hide_locking(&mut self) -> Locking {
        std::mem::take(&mut self.locking)
    }

    /// Puts back the state [`Binder::hide_locking`] took.
    pub(super) fn unhide_locking(&mut self, saved: Locking) {
        self.locking = saved;
    }

    /// While the FROM of a locking SELECT is bound.
    pub(super) fn begin_lock_scan(&mut self) {
        self.locking.scanning = self.locking.spec.clone();
    }

    /// The FROM is bound.
    pub(super) fn end_lock_scan(&mut self) {
        self.locking.scanning = None;
    }

    /// Whether the scan of `def`, named `name` in FROM, carries tuple ids
    /// for a lock; if so its hidden tuple-id column joins `scope`.
    pub(super) fn lock_scan(&mut self, def: &Arc<TableDef>, name: &str, scope: &mut Scope) -> bool {
        let Some(spec) = &self.locking.scanning else {
            return false;
        };
        let wanted = match &spec.of {
            None => true,
            Some(list) => list.iter().any(|(n, _)| n == name),
        };
        if !wanted {
            return false;
        }
        scope.columns.push(ScopeColumn {
            table: Some(name.to_owned()),
            name: TID_COLUMN.into(),
            ty: DataType::Int8,
            typmod: -1,
            table_oid: def.oid,
            attnum: 0,
            hidden: true,
            scalar: false,
        });
        self.locking.locked.push((Arc::clone(def), name.to_owned()));
        true
    }

    /// Checks a locking SELECT and adds each locked table's tuple id to
    /// its select list (resjunk columns); the row marks wait for
    /// [`Binder::restore_locking`]. `predicate` is the WHERE: a SELECT
    /// over one stored table keeps it to recheck rows updated
    /// concurrently.
    pub(super) fn mark_rows(
        &mut self,
        scope: &Scope,
        (exprs, columns): (&mut Vec<Expr>, &mut Vec<crate::plan::OutputColumn>),
        restrictions: &[(bool, &str)],
        predicate: Option<&Expr>,
    ) -> Result<()> {
        let Some(spec) = self.locking.spec.clone() else {
            return Ok(());
        };
        if !spec.lock && restrictions.iter().any(|(applies, _)| *applies) {
            // Not a simple scan: no row stands for a table row.
            return Ok(());
        }
        for (applies, what) in restrictions {
            if *applies {
                return Err(SqlError::new(
                    SqlState::FEATURE_NOT_SUPPORTED,
                    format!("{} is not allowed with {what}", spec.strength),
                ));
            }
        }
        if let Some(list) = &spec.of {
            for (name, pos) in list {
                if !self.locking.locked.iter().any(|(_, n)| n == name) {
                    let in_from = scope
                        .columns
                        .iter()
                        .any(|c| c.table.as_deref() == Some(name.as_str()));
                    return Err(if in_from {
                        SqlError::new(
                            SqlState::FEATURE_NOT_SUPPORTED,
                            format!("{} cannot be applied to a function", spec.strength),
                        )
                    } else {
                        SqlError::new(
                            SqlState::UNDEFINED_TABLE,
                            format!(
                                "relation \"{name}\" in {} clause not found in FROM clause",
                                spec.strength
                            ),
                        )
                        .at(*pos)
                    });
                }
            }
        }
        let mut targets = Vec::new();
        let mut members = Vec::new();
        let locked = std::mem::take(&mut self.locking.locked);
        let expanded = std::mem::take(&mut self.locking.members);
        let mut tids = scope
            .columns
            .iter()
            .enumerate()
            .filter(|(_, c)| c.name == TID_COLUMN);
        for (def, name) in locked {
            members.push(
                expanded
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, m)| m.clone())
                    .unwrap_or_default(),
            );
            let Some((i, _)) = tids.next() else {
                return Err(SqlError::internal("a locked table without its tuple id"));
            };
            let e = Expr {
                kind: ExprKind::Column(i),
                ty: DataType::Int8,
                typmod: -1,
                pos: None,
            };
            columns.push(crate::plan::OutputColumn {
                name: "?resjunk?".into(),
                ty: DataType::Int8,
                typmod: -1,
                table_oid: 0,
                attnum: 0,
            });
            exprs.push(e);
            targets.push((def, exprs.len() - 1));
        }
        // One table alone in FROM: its scan's row is the whole scope.
        let single =
            matches!(&targets[..], [(def, _)] if scope.columns.len() == def.live().count() + 1);
        let recheck = single.then(|| (predicate.cloned(), exprs.clone()));
        self.locking.marks = Some(RowMarks {
            lock: spec.lock,
            targets,
            members,
            strength: spec.strength,
            wait: spec.wait,
            recheck,
        });
        Ok(())
    }
}
