//! SELECT ... FOR UPDATE / NO KEY UPDATE / SHARE / KEY SHARE: the LockRows
//! node. Every row its input returns has, for each locked table, the
//! tuple id of the version it came from; that version gets this
//! transaction's row lock (its xmax, marked lock-only) before the row
//! goes up. A row another transaction holds is waited for, or with NOWAIT
//! is 55P03, or with SKIP LOCKED is left out. In READ COMMITTED a row a
//! concurrent transaction updated meanwhile is followed to its newest
//! version, which is rechecked against WHERE and recomputed (PostgreSQL's
//! EvalPlanQual, for queries over one table); in REPEATABLE READ and
//! SERIALIZABLE it is 40001.
//!
//! Row locks have one strength here: a locked row is held against every
//! other locker and writer, so two FOR SHARE lockers of one row take
//! turns where PostgreSQL lets them share it.

use std::time::Duration;

use actorgres_storage::lock::WaitPolicy;
use actorgres_storage::StorageError;
use actorgres_storage::{Actor, Modify};

use super::{tid_of, tid_value};
use crate::error::{Result, SqlError, SqlState};
use crate::exec::{Node, Row};
use crate::expr::EvalCtx;
use crate::plan::{LockWait, RowMarks};
use crate::value::Value;

/// The running LockRows node.
pub struct LockRows<'p> {
    /// Input rows.
    pub input: Box<dyn Node + 'p>,
    /// What to lock.
    pub marks: &'p RowMarks,
    /// The statement's settings for waiting, read at the first row.
    pub waits: Option<Waits>,
}

/// The settings a row lock waits by, read once per statement.
#[derive(Clone, Copy)]
pub struct Waits {
    /// READ COMMITTED (a row updated meanwhile is rechecked).
    read_committed: bool,
    /// lock_timeout (zero: none).
    lock_timeout: Duration,
    /// deadlock_timeout.
    deadlock_timeout: Duration,
}

/// What locking one row came to.
enum Locked {
    /// Locked; the row (recomputed if its table's row changed).
    Row(Row),
    /// Left out: skipped, deleted, or no longer matching WHERE.
    Skip,
}

impl Node for LockRows<'_> {
    fn next(&mut self, ctx: &mut EvalCtx<'_>) -> Result<Option<Row>> {
        while let Some(row) = self.input.next(ctx)? {
            if let Locked::Row(row) = self.lock(row, ctx)? {
                return Ok(Some(row));
            }
            ctx.check_interrupts()?;
        }
        Ok(None)
    }
}

impl LockRows<'_> {
    /// Locks every target's version behind `row`.
    fn lock(&mut self, mut row: Row, ctx: &mut EvalCtx<'_>) -> Result<Locked> {
        let Waits {
            read_committed,
            lock_timeout,
            deadlock_timeout,
        } = *self.waits.get_or_insert_with(|| Waits {
            read_committed: ctx.settings.str("transaction_isolation") == "read committed",
            lock_timeout: ctx.settings.duration("lock_timeout"),
            deadlock_timeout: ctx
                .settings
                .duration("deadlock_timeout")
                .max(Duration::from_millis(1)),
        });
        let storage = ctx
            .storage
            .as_ref()
            .ok_or_else(|| SqlError::internal("FOR UPDATE without a transaction"))?;
        let xid = storage
            .xid
            .ok_or_else(|| SqlError::internal("FOR UPDATE without a transaction id"))?;
        let engine = storage.engine;
        let own = storage.own;
        for (n, (def, col)) in self.marks.targets.iter().enumerate() {
            // The nullable side of an outer join had no row to lock.
            let Some(mut tid) = row.get(*col).and_then(tid_of) else {
                continue;
            };
            // Read through partitions or children: the member the marked
            // tuple id names.
            let def = match self.marks.members.get(n).filter(|m| !m.is_empty()) {
                Some(m) => {
                    let k = row.get(*col).map_or(0, super::partition::tid_member);
                    m.get(k).unwrap_or(def)
                }
                None => def,
            };
            loop {
                let who = Actor {
                    xid,
                    backend: ctx.info.pid,
                    own,
                    wait: WaitPolicy {
                        interrupts: ctx.interrupts,
                        deadlock_timeout,
                        lock_timeout: match self.marks.wait {
                            LockWait::Block => (!lock_timeout.is_zero()).then_some(lock_timeout),
                            LockWait::NoWait | LockWait::SkipLocked => Some(Duration::ZERO),
                        },
                    },
                };
                let outcome = match engine.heap_lock(def.rel, tid, &who) {
                    Err(StorageError::LockTimeout) if self.marks.wait == LockWait::SkipLocked => {
                        return Ok(Locked::Skip)
                    }
                    Err(StorageError::LockTimeout) if self.marks.wait == LockWait::NoWait => {
                        return Err(SqlError::new(
                            SqlState::LOCK_NOT_AVAILABLE,
                            format!("could not obtain lock on row in relation \"{}\"", def.name),
                        ))
                    }
                    other => other?,
                };
                match outcome {
                    Modify::Done(_) | Modify::SelfModified => break,
                    Modify::Invisible => return Ok(Locked::Skip),
                    Modify::Deleted if read_committed => return Ok(Locked::Skip),
                    Modify::Updated { next, xmax } if read_committed => {
                        let Some(recheck) = &self.marks.recheck else {
                            return Err(concurrent_update());
                        };
                        // EvalPlanQual: the newest version, if it still
                        // passes WHERE, recomputed.
                        let Some(newer) = engine.heap_fetch(def.rel, next)? else {
                            return Ok(Locked::Skip);
                        };
                        if newer.header.xmin != xmax {
                            return Ok(Locked::Skip);
                        }
                        let mut scratch = Vec::new();
                        super::row::decode(&def.stored(), &newer.data, &mut scratch)?;
                        let mut table_row: Row =
                            def.live().map(|(i, _)| scratch[i].clone()).collect();
                        table_row.push(tid_value(next));
                        let (predicate, exprs) = recheck;
                        if let Some(p) = predicate {
                            if p.eval(&table_row, ctx)? != Value::Bool(true) {
                                return Ok(Locked::Skip);
                            }
                        }
                        row = exprs
                            .iter()
                            .map(|e| e.eval(&table_row, ctx))
                            .collect::<Result<Row>>()?;
                        tid = next;
                    }
                    Modify::Deleted | Modify::Updated { .. } => return Err(concurrent_update()),
                }
            }
        }
        Ok(Locked::Row(row))
    }
}

/// 40001 for a row changed by a transaction this snapshot cannot see.
fn concurrent_update() -> SqlError {
    SqlError::new(
        SqlState::SERIALIZATION_FAILURE,
        "could not serialize access due to concurrent update",
    )
}
