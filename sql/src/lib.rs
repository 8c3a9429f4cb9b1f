//! SQL for actorgres: parse, bind, plan and execute with PostgreSQL's
//! types, rules and answers.
//!
//! ```text
//! text ─parser::parse─► sqlparser AST ─binder::Binder─► Plan + Expr (typed)
//!      ─exec::build─► nodes ─next()─► rows ─ResultSink─► Backend ─► client
//! ```
//!
//! Who calls it: the Backend actor, through [`Session`], on an executor
//! thread. It depends on storage/ (tables, transactions, the catalog's
//! rows), memory/ (budgets, interrupts) and, for SQLSTATE codes only,
//! protocol/; it knows nothing of actix or sockets.
//!
//! Every error a client can cause is a [`SqlError`] with PostgreSQL's
//! SQLSTATE, message and position; panics are for broken invariants only.

pub mod acl;
pub mod autovacuum;
mod binder;
mod cast;
pub mod catalog;
mod cluster;
mod copy;
mod ddl;
mod deparse;
mod error;
mod exec;
mod expr;
mod func;
pub mod guc;
mod host;
pub mod notify;
pub mod parser;
mod plan;
mod planner;
mod plpgsql;
mod result;
mod routine;
mod sequence;
mod session;
pub mod stack;
mod statistics;
mod table;
mod txn;
mod types;
mod usertype;
pub mod value;

pub use binder::truncate_identifier;
pub use cluster::{populate, Cluster};
pub use error::{errors, Level, NoticeFilter, Report, Result, SqlError, SqlState};
pub use func::system::version_string;
pub use host::{Activity, Host, NoHost, SessionInfo, SignalOutcome};
pub use plan::OutputColumn;
pub use result::{CollectSink, CopyChannel, Event, ResultSink};
pub use session::{Session, TxStatus};
pub use types::{DataType, Oid, TypeCategory};
