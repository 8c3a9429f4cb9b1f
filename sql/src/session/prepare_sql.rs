//! SQL's PREPARE, EXECUTE, DEALLOCATE and DISCARD: the same statement
//! table the extended protocol's Parse fills (pg_prepared_statements
//! lists both).

use sqlparser::ast::{self, DiscardObject, Statement};

use super::{Dispatched, Session};
use crate::binder::{ident, object_name, sql_type, Scope};
use crate::cast::{can_coerce, CoercionContext};
use crate::error::{Result, SqlError, SqlState};
use crate::parser::Parsed;
use crate::result::ResultSink;
use crate::types::DataType;

impl Session {
    /// Runs PREPARE, EXECUTE, DEALLOCATE or DISCARD; None for other
    /// statements.
    pub(super) fn prepared_sql(
        &mut self,
        sql: &str,
        stmt: &Statement,
        alone: bool,
        sink: &mut dyn ResultSink,
    ) -> Option<Result<()>> {
        Some(match stmt {
            Statement::Prepare {
                name,
                data_types,
                statement,
            } => self.prepare_sql(sql, name, data_types, statement, sink),
            Statement::Execute {
                name: Some(name),
                parameters,
                immediate: false,
                ..
            } => self.execute_sql(sql, name, parameters, alone, sink),
            Statement::Deallocate { name, .. } => {
                let n = ident(name);
                if name.quote_style.is_none() && n == "all" {
                    self.deallocate_all();
                    sink.command_complete("DEALLOCATE ALL")
                } else {
                    self.statement_named(&n)
                        .map(|_| {
                            self.close_statement(&n);
                        })
                        .and_then(|()| sink.command_complete("DEALLOCATE"))
                }
            }
            Statement::Discard { object_type } => self.discard(*object_type, alone, sink),
            _ => return None,
        })
    }

    /// PREPARE name [(types)] AS statement.
    fn prepare_sql(
        &mut self,
        sql: &str,
        name: &ast::Ident,
        data_types: &[ast::DataType],
        statement: &Statement,
        sink: &mut dyn ResultSink,
    ) -> Result<()> {
        let name = ident(name);
        self.check_new_statement(&name)?;
        let mut types = Vec::with_capacity(data_types.len());
        for t in data_types {
            types.push(sql_type(t)?.0);
        }
        let parsed = Parsed::Sql(crate::parser::Ast::new(statement.clone(), sql.len()));
        self.store_prepared(&name, sql, Some(parsed), types, true)?;
        sink.command_complete("PREPARE")
    }

    /// EXECUTE name [(values)]: the values bound and coerced to the
    /// statement's parameter types, then the statement runs as if it
    /// were this one.
    fn execute_sql(
        &mut self,
        sql: &str,
        name: &ast::ObjectName,
        parameters: &[ast::Expr],
        alone: bool,
        sink: &mut dyn ResultSink,
    ) -> Result<()> {
        let name = object_name(name).join(".");
        let statement = self.statement_named(&name)?;
        let types = statement.param_types();
        if parameters.len() != types.len() {
            return Err(wrong_parameter_count(&name, types.len(), parameters.len()));
        }
        let values = {
            let Some(mut ctx) = self.stmt_context(sql, alone, &[]) else {
                return Err(SqlError::internal("EXECUTE without a transaction"));
            };
            let mut exprs = Vec::with_capacity(parameters.len());
            {
                let mut b = ctx.binder();
                for (i, (p, &ty)) in parameters.iter().zip(types).enumerate() {
                    let e = b.expr(p, &Scope::default())?;
                    if e.ty != DataType::Unknown
                        && !can_coerce(e.ty, ty, CoercionContext::Assignment)
                    {
                        return Err(SqlError::new(
                            SqlState::DATATYPE_MISMATCH,
                            format!(
                                "parameter ${} of type {} cannot be coerced to the expected type {}",
                                i + 1,
                                e.ty,
                                ty
                            ),
                        )
                        .with_hint("You will need to rewrite or cast the expression.")
                        .at(e.pos));
                    }
                    exprs.push(b.coerce(e, ty, -1, CoercionContext::Assignment)?);
                }
            }
            let mut eval = ctx.eval_ctx();
            let mut values = Vec::with_capacity(exprs.len());
            for e in &exprs {
                values.push(e.eval(&[], &mut eval)?);
            }
            values
        };
        let (result, notices) = {
            let Some(mut ctx) = self.stmt_context(sql, alone, &values) else {
                return Err(SqlError::internal("EXECUTE without a transaction"));
            };
            ctx.param_types = statement.param_types().to_vec();
            let result = statement.run(&mut ctx, None, sink);
            (result, std::mem::take(&mut ctx.notices))
        };
        for n in &notices {
            sink.notice(n)?;
        }
        self.after_dispatch(result?)
    }

    /// DISCARD ALL | PLANS | SEQUENCES | TEMP.
    fn discard(
        &mut self,
        what: DiscardObject,
        alone: bool,
        sink: &mut dyn ResultSink,
    ) -> Result<()> {
        match what {
            DiscardObject::ALL => {
                if !alone || self.txn.as_ref().is_some_and(|t| t.explicit) {
                    return Err(SqlError::new(
                        SqlState::ACTIVE_SQL_TRANSACTION,
                        "DISCARD ALL cannot run inside a transaction block",
                    ));
                }
                self.deallocate_all();
                self.drop_portals();
                self.sequences.discard();
                self.drop_temp_schema()?;
                self.settings.reset_all();
                if let Some(t) = &mut self.txn {
                    t.session_settings.reset_all();
                }
                self.settings_changed();
                sink.command_complete("DISCARD ALL")
            }
            DiscardObject::PLANS => {
                self.discard_plans();
                sink.command_complete("DISCARD PLANS")
            }
            DiscardObject::SEQUENCES => {
                self.sequences.discard();
                sink.command_complete("DISCARD SEQUENCES")
            }
            DiscardObject::TEMP => {
                self.drop_temp_schema()?;
                sink.command_complete("DISCARD TEMP")
            }
        }
    }
}

impl Session {
    /// What a dispatched statement asks of the session afterwards.
    pub(super) fn after_dispatch(&mut self, d: Dispatched) -> Result<()> {
        match d {
            Dispatched::Done => {}
            Dispatched::SettingsChanged => self.settings_changed(),
            Dispatched::CommitNow => self.commit()?,
            Dispatched::CommitThenDropDatabase(oid) => {
                // The catalog row goes first and durably; then the files.
                self.commit()?;
                self.cluster.engine.drop_database(oid)?;
            }
        }
        Ok(())
    }
}

/// 42601 for EXECUTE (or EXPLAIN EXECUTE) with another number of values
/// than the statement's parameters.
pub(super) fn wrong_parameter_count(name: &str, expected: usize, got: usize) -> SqlError {
    SqlError::syntax(
        format!("wrong number of parameters for prepared statement \"{name}\""),
        None,
    )
    .with_detail(format!("Expected {expected} parameters but got {got}."))
}
