//! Transaction control: BEGIN, COMMIT, ROLLBACK, SAVEPOINT, RELEASE,
//! ROLLBACK TO, with PostgreSQL's warnings, errors and command tags.

use sqlparser::ast::{self, Statement};

use super::Session;
use crate::error::{Result, SqlError, SqlState};
use crate::result::ResultSink;
use crate::txn::Isolation;

/// True for the statements handled here (they run even in a failed
/// block, or decide that themselves).
pub(super) fn is_transaction_control(s: &Statement) -> bool {
    matches!(
        s,
        Statement::StartTransaction { .. }
            | Statement::Commit { .. }
            | Statement::Rollback { .. }
            | Statement::Savepoint { .. }
            | Statement::ReleaseSavepoint { .. }
    )
}

/// An isolation level from the syntax (SERIALIZABLE runs as REPEATABLE
/// READ: snapshot isolation without predicate locks).
pub(super) fn isolation(level: &ast::TransactionIsolationLevel) -> Isolation {
    match level {
        ast::TransactionIsolationLevel::ReadUncommitted => Isolation::ReadUncommitted,
        ast::TransactionIsolationLevel::ReadCommitted => Isolation::ReadCommitted,
        ast::TransactionIsolationLevel::RepeatableRead => Isolation::RepeatableRead,
        _ => Isolation::Serializable,
    }
}

fn no_transaction() -> SqlError {
    SqlError::warning(
        SqlState::NO_ACTIVE_SQL_TRANSACTION,
        "there is no transaction in progress",
    )
}

impl Session {
    /// PREPARE TRANSACTION, COMMIT PREPARED, ROLLBACK PREPARED with
    /// PostgreSQL's default max_prepared_transactions = 0: a block that
    /// would be prepared ends rolled back with 55000 (0A000 first when it
    /// used temporary tables); no prepared transaction exists to finish.
    pub(super) fn two_phase(
        &mut self,
        kind: crate::parser::TwoPhase,
        gid: &str,
        sink: &mut dyn ResultSink,
    ) -> Result<()> {
        use crate::parser::TwoPhase;
        if kind != TwoPhase::Prepare {
            let block = self.txn.as_ref().filter(|t| t.explicit);
            let what = if kind == TwoPhase::Commit {
                "COMMIT PREPARED"
            } else {
                "ROLLBACK PREPARED"
            };
            if block.is_some() {
                return Err(SqlError::new(
                    SqlState::ACTIVE_SQL_TRANSACTION,
                    format!("{what} cannot run inside a transaction block"),
                ));
            }
            return Err(SqlError::new(
                SqlState::UNDEFINED_OBJECT,
                format!("prepared transaction with identifier \"{gid}\" does not exist"),
            ));
        }
        // A query string's implicit transaction is prepared as a block,
        // after the warning.
        let Some(t) = self.txn.as_ref() else {
            sink.notice(&no_transaction())?;
            return sink.command_complete("ROLLBACK");
        };
        if !t.explicit {
            sink.notice(&no_transaction())?;
        }
        let (failed, temp) = (t.failed, t.accessed_temp);
        self.abort()?;
        if failed {
            return sink.command_complete("ROLLBACK");
        }
        if temp {
            return Err(SqlError::new(
                SqlState::FEATURE_NOT_SUPPORTED,
                "cannot PREPARE a transaction that has operated on temporary objects",
            ));
        }
        Err(SqlError::new(
            SqlState::OBJECT_NOT_IN_PREREQUISITE_STATE,
            "prepared transactions are disabled",
        )
        .with_hint("Set max_prepared_transactions to a nonzero value."))
    }

    pub(super) fn transaction_control(
        &mut self,
        stmt: &Statement,
        sink: &mut dyn ResultSink,
    ) -> Result<()> {
        match stmt {
            Statement::StartTransaction { modes, begin, .. } => {
                let tag = if *begin { "BEGIN" } else { "START TRANSACTION" };
                match &mut self.txn {
                    Some(t) if t.explicit => {
                        sink.notice(&SqlError::warning(
                            SqlState::ACTIVE_SQL_TRANSACTION,
                            "there is already a transaction in progress",
                        ))?;
                    }
                    // BEGIN inside a query string's implicit transaction
                    // turns it into a block.
                    Some(t) => t.explicit = true,
                    None => {}
                }
                let t = self.ensure_txn(true);
                for m in modes {
                    match m {
                        ast::TransactionMode::IsolationLevel(level) => {
                            t.isolation = isolation(level)
                        }
                        ast::TransactionMode::AccessMode(mode) => {
                            t.read_only = matches!(mode, ast::TransactionAccessMode::ReadOnly)
                        }
                    }
                }
                self.sync_txn_settings();
                sink.command_complete(tag)
            }
            Statement::Commit { .. } => {
                let failed = match &self.txn {
                    None => {
                        sink.notice(&no_transaction())?;
                        return sink.command_complete("COMMIT");
                    }
                    Some(t) => {
                        if !t.explicit {
                            sink.notice(&no_transaction())?;
                        }
                        t.failed
                    }
                };
                if failed {
                    // COMMIT of a failed block rolls it back.
                    self.abort()?;
                    return sink.command_complete("ROLLBACK");
                }
                self.commit()?;
                sink.command_complete("COMMIT")
            }
            Statement::Rollback {
                savepoint: None, ..
            } => {
                match &self.txn {
                    None => sink.notice(&no_transaction())?,
                    Some(t) if !t.explicit => sink.notice(&no_transaction())?,
                    Some(_) => {}
                }
                self.abort()?;
                sink.command_complete("ROLLBACK")
            }
            Statement::Rollback {
                savepoint: Some(name),
                ..
            } => {
                let name = crate::binder::ident(name);
                let Some(t) = self.txn.as_mut().filter(|t| t.explicit) else {
                    return Err(SqlError::new(
                        SqlState::NO_ACTIVE_SQL_TRANSACTION,
                        "ROLLBACK TO SAVEPOINT can only be used in transaction blocks",
                    ));
                };
                let undo = t.rollback_to(&name)?;
                let catalog_changed = t.catalog_changed;
                let pid = self.info.pid;
                let engine = &self.cluster.engine;
                engine.abort(pid, &undo.xids, &undo.creates, false)?;
                for (tag, mode) in undo.locks {
                    engine.locks.release(pid, tag, mode);
                }
                let settings = undo.settings;
                if catalog_changed {
                    self.cluster.cache.invalidate();
                }
                self.restore_settings(settings);
                sink.command_complete("ROLLBACK")
            }
            Statement::Savepoint { name } => {
                let name = crate::binder::ident(name);
                let settings = self.settings.clone();
                match self.txn.as_mut().filter(|t| t.explicit) {
                    None => Err(SqlError::new(
                        SqlState::NO_ACTIVE_SQL_TRANSACTION,
                        "SAVEPOINT can only be used in transaction blocks",
                    )),
                    Some(t) if t.failed => Err(failed_block()),
                    Some(t) => {
                        t.savepoint(&name, &settings);
                        sink.command_complete("SAVEPOINT")
                    }
                }
            }
            Statement::ReleaseSavepoint { name } => {
                let name = crate::binder::ident(name);
                match self.txn.as_mut().filter(|t| t.explicit) {
                    None => Err(SqlError::new(
                        SqlState::NO_ACTIVE_SQL_TRANSACTION,
                        "RELEASE SAVEPOINT can only be used in transaction blocks",
                    )),
                    Some(t) if t.failed => Err(failed_block()),
                    Some(t) => {
                        t.release(&name)?;
                        sink.command_complete("RELEASE")
                    }
                }
            }
            _ => Err(SqlError::internal("not a transaction control statement")),
        }
    }
}

fn failed_block() -> SqlError {
    SqlError::new(
        SqlState::IN_FAILED_SQL_TRANSACTION,
        "current transaction is aborted, commands ignored until end of transaction block",
    )
}
