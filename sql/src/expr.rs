//! Bound expressions and their evaluation.
//!
//! The binder turns sqlparser's syntax into an [`Expr`] whose every node
//! has a resolved type; evaluation never looks a name up again. NULL
//! follows SQL's three-valued logic: strict functions return NULL for a
//! NULL argument, AND/OR use the truth tables below.
//!
//! ```text
//!  AND  | t  f  n        OR  | t  f  n
//!  -----+---------       -----+---------
//!   t   | t  f  n         t   | t  t  t
//!   f   | f  f  f         f   | t  f  n
//!   n   | n  f  n         n   | t  n  n
//! ```

use actorgres_memory::{Interrupt, Interrupts};

use crate::cast::cast_value;
use crate::error::{Result, SqlError, SqlState};
use crate::func::FuncDef;
use crate::guc::Settings;
use crate::host::{Host, SessionInfo};
use crate::types::DataType;
use crate::value::{OutputStyle, Value};

/// Access to stored tables for scans: the engine, the statement's
/// snapshot and the transaction reading.
pub struct StorageCtx<'a> {
    /// The engine.
    pub engine: &'a std::sync::Arc<actorgres_storage::Engine>,
    /// The snapshot rows are read with.
    pub snapshot: &'a actorgres_storage::xact::Snapshot,
    /// The reading transaction (its own changes are visible).
    pub own: &'a dyn actorgres_storage::xact::OwnTxn,
    /// The session's database.
    pub db: u32,
    /// The transaction's xid, once it has one (row locks stamp it).
    pub xid: Option<u32>,
}

/// What pg_notify and pg_listening_channels reach.
#[derive(Clone, Copy)]
pub struct NotifyCtx<'a> {
    /// The server's channels.
    pub hub: &'a crate::notify::NotifyHub,
    /// The transaction's queued notifications.
    pub pending: &'a parking_lot::Mutex<Vec<(String, String)>>,
}

/// What evaluation may touch: the session around the statement.
pub struct EvalCtx<'a> {
    /// Session settings (current_setting, set_config).
    pub settings: &'a mut Settings,
    /// Output settings, for casts to text.
    pub style: &'a OutputStyle,
    /// The server (pg_stat_activity, pg_cancel_backend).
    pub host: &'a dyn Host,
    /// This backend's interrupt flag.
    pub interrupts: &'a Interrupts,
    /// Who this session is.
    pub info: &'a SessionInfo,
    /// statement_timestamp(), microseconds since 2000-01-01 UTC.
    pub statement_start: i64,
    /// now() / transaction_timestamp().
    pub transaction_start: i64,
    /// Bound parameter values ($1 is index 0).
    pub params: &'a [Value],
    /// Warnings and notices raised during evaluation, sent before the
    /// statement's result ends.
    pub notices: &'a mut Vec<SqlError>,
    /// Stored tables, when the statement reads any.
    pub storage: Option<StorageCtx<'a>>,
    /// Rows of the enclosing queries while a correlated subquery runs,
    /// innermost last.
    pub outer: Vec<Vec<Value>>,
    /// Results of uncorrelated subqueries, computed once per statement,
    /// by the subquery's address in the plan.
    pub initplans: std::collections::HashMap<usize, std::sync::Arc<Vec<Vec<Value>>>>,
    /// The values of uncorrelated `x IN (subquery)` subqueries, hashed
    /// once per statement (PostgreSQL's hashed SubPlan).
    pub hashed_initplans:
        std::collections::HashMap<usize, std::sync::Arc<crate::exec::HashedValues>>,
    /// Rows of the computed catalog relations (pg_class, pg_attribute ...)
    /// by relation OID, computed once per statement: a correlated
    /// subquery over pg_attrdef must not rebuild the catalog per row.
    pub catalog_rows: std::collections::HashMap<u32, std::sync::Arc<Vec<Vec<Value>>>>,
    /// Where sorts and hashes spill beyond work_mem (None: never).
    pub spill: Option<crate::exec::spill::SpillCtx<'a>>,
    /// Rows of the current round of each recursive CTE, by work table id.
    pub worktables: std::collections::HashMap<usize, std::sync::Arc<Vec<Vec<Value>>>>,
    /// Rows of each materialized WITH query, by its id (Plan::CteScan).
    pub ctescans: std::collections::HashMap<u64, std::sync::Arc<Vec<Vec<Value>>>>,
    /// The session's prepared statements (pg_prepared_statements); None
    /// where there is no session (parallel workers).
    pub prepared: Option<&'a crate::session::PreparedTable>,
    /// The session's currval / lastval memory; None where there is no
    /// session (parallel workers never call nextval: it is volatile).
    pub sequences: Option<&'a crate::sequence::SessionSequences>,
    /// LISTEN / NOTIFY: the server's hub and the transaction's queued
    /// notifications (pg_notify, pg_listening_channels).
    pub notify: Option<NotifyCtx<'a>>,
    /// The session's temporary schema, if it has one.
    pub temp_namespace: Option<u32>,
    /// The session's SQL cursors (pg_cursors); None where there are none.
    pub(crate) cursors: Option<&'a crate::session::Cursors>,
}

/// Evaluates `e` on `row` outside any session, as an index expression
/// or predicate is (immutable: it reads no setting, table or clock), with
/// the built-in settings.
pub fn eval_detached(e: &Expr, row: &[Value], style: &OutputStyle) -> Result<Value> {
    struct Detached {
        settings: Settings,
        interrupts: Interrupts,
        info: SessionInfo,
    }
    static DETACHED: std::sync::OnceLock<Detached> = std::sync::OnceLock::new();
    let d = DETACHED.get_or_init(|| Detached {
        settings: Settings::new(),
        interrupts: Interrupts::new(),
        info: SessionInfo {
            pid: 0,
            user: String::new(),
            database: String::new(),
        },
    });
    let mut settings = d.settings.clone();
    let mut notices = Vec::new();
    let mut ctx = EvalCtx {
        settings: &mut settings,
        style,
        host: &crate::host::NoHost,
        interrupts: &d.interrupts,
        info: &d.info,
        statement_start: 0,
        transaction_start: 0,
        params: &[],
        notices: &mut notices,
        storage: None,
        outer: Vec::new(),
        initplans: Default::default(),
        hashed_initplans: Default::default(),
        catalog_rows: Default::default(),
        spill: None,
        worktables: Default::default(),
        ctescans: Default::default(),
        prepared: None,
        sequences: None,
        cursors: None,
        temp_namespace: None,
        notify: None,
    };
    e.eval(row, &mut ctx)
}

impl EvalCtx<'_> {
    /// The output style.
    pub fn style(&self) -> &OutputStyle {
        self.style
    }

    /// Queues a WARNING or NOTICE for the client.
    pub fn warn(&mut self, notice: SqlError) {
        self.notices.push(notice);
    }

    /// CHECK_FOR_INTERRUPTS.
    pub fn check_interrupts(&self) -> Result<()> {
        self.interrupts.check().map_err(interrupt_error)
    }

    /// Whether a value of about `bytes` about to be built (a padded
    /// array, a filled one) fits in the backend's memory: 53200 past the
    /// per-backend or the server-wide limit, before it is allocated.
    pub fn check_memory(&self, bytes: u64, context: &str) -> Result<()> {
        let Some(spill) = self.spill.as_ref() else {
            return Ok(());
        };
        let mut budget = spill.memory.hard_budget();
        budget
            .reserve_hard(bytes)
            .map_err(|e| crate::error::errors::out_of_memory(e, context))
    }
}

/// `arg op ANY/ALL (items)`: true (ANY) or false (ALL) at the first
/// deciding comparison; with none, NULL if a comparison was NULL; an
/// empty set gives false (ANY) or true (ALL) whatever `arg` is.
pub(crate) fn quantified(
    op: &FuncDef,
    arg: &Value,
    items: impl Iterator<Item = Value>,
    any: bool,
    ctx: &mut EvalCtx<'_>,
) -> Result<Value> {
    let mut items = items.peekable();
    if items.peek().is_none() {
        return Ok(Value::Bool(!any));
    }
    if arg.is_null() {
        return Ok(Value::Null);
    }
    let mut saw_null = false;
    for v in items {
        let r = if v.is_null() {
            Value::Null
        } else {
            (op.imp)(&[arg.clone(), v], ctx)?
        };
        match r {
            Value::Bool(b) if b == any => return Ok(Value::Bool(any)),
            Value::Bool(_) => {}
            _ => saw_null = true,
        }
    }
    Ok(if saw_null {
        Value::Null
    } else {
        Value::Bool(!any)
    })
}

/// The error a raised interrupt ends the statement with.
pub fn interrupt_error(reason: Interrupt) -> SqlError {
    match reason {
        Interrupt::Cancel => SqlError::new(
            SqlState::QUERY_CANCELED,
            "canceling statement due to user request",
        ),
        Interrupt::Timeout => SqlError::new(
            SqlState::QUERY_CANCELED,
            "canceling statement due to statement timeout",
        ),
        Interrupt::ClientGone => {
            SqlError::fatal(SqlState::CONNECTION_FAILURE, "connection to client lost")
        }
        Interrupt::Terminate => SqlError::fatal(
            SqlState::ADMIN_SHUTDOWN,
            "terminating connection due to administrator command",
        ),
    }
}

/// A typed expression.
#[derive(Debug, Clone)]
pub struct Expr {
    /// What it computes.
    pub kind: ExprKind,
    /// Its result type.
    pub ty: DataType,
    /// Its result typmod (-1 if none).
    pub typmod: i32,
    /// Where it starts in the query text, for errors found while binding.
    pub pos: Option<u32>,
}

/// The expression forms.
#[derive(Debug, Clone)]
pub enum ExprKind {
    /// A constant.
    Const(Value),
    /// Column `n` of the input row.
    Column(usize),
    /// Parameter `$n+1`.
    Param(usize),
    /// Column `index` of the row of the query `depth` levels out (1: the
    /// query directly around this subquery).
    Outer {
        /// How many query levels out.
        depth: usize,
        /// Column in that query's row.
        index: usize,
    },
    /// A subquery used as a value (scalar, EXISTS, IN, ANY, ALL).
    SubLink(Box<SubLink>),
    /// An aggregate call. It exists only while a grouped query is bound:
    /// the binder replaces it by a column of the Aggregate node's output.
    Aggregate(Box<crate::plan::AggCall>),
    /// A window function call; only while a query is bound: the binder
    /// replaces it by a column of the Window node's output.
    Window(Box<crate::plan::WindowCall>),
    /// A set-returning call in a select list, ORDER BY or GROUP BY; only
    /// while a query is bound: the binder moves it into a ProjectSet node
    /// and replaces it by that node's column.
    SetCall {
        /// The function.
        func: crate::plan::Srf,
        /// Its arguments.
        args: Vec<Expr>,
    },
    /// A call of a user-defined LANGUAGE sql function: its body runs per
    /// call, the argument values the row one level out
    /// ([`crate::exec::user_call`]).
    UserCall(Box<UserCall>),
    /// A function or operator call.
    Call {
        /// The resolved function.
        def: &'static FuncDef,
        /// Arguments, already coerced to the declared types.
        args: Vec<Expr>,
    },
    /// A cast to this node's type and typmod.
    Cast {
        /// The value to convert.
        arg: Box<Expr>,
        /// CAST/:: (truncates strings) rather than assignment.
        explicit: bool,
    },
    /// AND of all.
    And(Vec<Expr>),
    /// OR of all.
    Or(Vec<Expr>),
    /// NOT.
    Not(Box<Expr>),
    /// IS [NOT] NULL.
    IsNull {
        /// Tested value.
        arg: Box<Expr>,
        /// IS NOT NULL.
        negated: bool,
    },
    /// IS [NOT] TRUE / FALSE / UNKNOWN.
    IsBool {
        /// Tested value.
        arg: Box<Expr>,
        /// Some(true) TRUE, Some(false) FALSE, None UNKNOWN.
        value: Option<bool>,
        /// IS NOT.
        negated: bool,
    },
    /// a IS [NOT] DISTINCT FROM b, with the `=` to compare non-NULLs.
    DistinctFrom {
        /// Left side.
        left: Box<Expr>,
        /// Right side.
        right: Box<Expr>,
        /// The equality operator.
        eq: &'static FuncDef,
        /// IS NOT DISTINCT FROM.
        negated: bool,
    },
    /// CASE [operand] WHEN ... THEN ... ELSE ... END; with an operand the
    /// conditions are already `operand = value` calls.
    Case {
        /// (condition, result) pairs.
        whens: Vec<(Expr, Expr)>,
        /// ELSE (NULL if absent).
        otherwise: Option<Box<Expr>>,
    },
    /// COALESCE.
    Coalesce(Vec<Expr>),
    /// NULLIF(a, b) with its `=`.
    NullIf {
        /// a.
        left: Box<Expr>,
        /// b.
        right: Box<Expr>,
        /// The equality operator.
        eq: &'static FuncDef,
    },
    /// GREATEST / LEAST with the comparison `>` or `<`.
    MinMax {
        /// Arguments.
        args: Vec<Expr>,
        /// `>` for GREATEST, `<` for LEAST.
        cmp: &'static FuncDef,
    },
    /// x [NOT] IN (list) with the `=` for each element.
    InList {
        /// Tested value.
        arg: Box<Expr>,
        /// (element, equality operator) pairs.
        list: Vec<(Expr, &'static FuncDef)>,
        /// NOT IN.
        negated: bool,
    },
    /// `arg op ANY (array)` / `arg op ALL (array)`.
    ArrayOp {
        /// Left operand.
        arg: Box<Expr>,
        /// The array.
        array: Box<Expr>,
        /// The comparison, applied as op(arg, element).
        op: &'static FuncDef,
        /// ANY (true) or ALL.
        any: bool,
    },
}

/// A call of a user-defined LANGUAGE sql function.
#[derive(Debug, Clone)]
pub struct UserCall {
    /// The function.
    pub func: std::sync::Arc<crate::routine::UserFunction>,
    /// Its input arguments, coerced to the declared types.
    pub args: Vec<Expr>,
    /// The body as bound for this call.
    pub body: CallBody,
    /// For a SECURITY DEFINER function: its owner, the role the body
    /// runs as.
    pub run_as: Option<String>,
}

/// A user-defined function's body, bound for one call.
#[derive(Debug, Clone)]
pub enum CallBody {
    /// LANGUAGE sql: a plan yielding the call's value as its one column:
    /// the first row's, or every row's as an array for a set-returning
    /// function.
    Sql(crate::plan::Plan),
    /// LANGUAGE plpgsql.
    PlPgSql(Box<crate::plpgsql::Compiled>),
    /// LANGUAGE sql whose statements change data: its statements' text,
    /// run only at statement level (a top-level `SELECT f(...)`).
    SqlStatements(Vec<String>),
}

/// A subquery inside an expression (PostgreSQL's SubLink).
#[derive(Debug, Clone)]
pub struct SubLink {
    /// What the subquery's rows become.
    pub kind: SubLinkKind,
    /// The subquery.
    pub plan: crate::plan::Plan,
    /// It reads columns of enclosing queries, so it runs again for each
    /// row; otherwise it runs once per statement (an InitPlan).
    pub correlated: bool,
}

/// The forms of [`SubLink`].
#[derive(Debug, Clone)]
pub enum SubLinkKind {
    /// EXISTS (subquery).
    Exists,
    /// (subquery): its single value, NULL without rows; 21000 for more
    /// than one row.
    Scalar,
    /// ARRAY(subquery): the first column of every row, as an array.
    Array,
    /// `arg op ANY (subquery)`; IN is `= ANY`.
    Any {
        /// Left operand.
        arg: Box<Expr>,
        /// The comparison, applied as op(arg, row value).
        op: &'static FuncDef,
    },
    /// `arg op ALL (subquery)`.
    All {
        /// Left operand.
        arg: Box<Expr>,
        /// The comparison.
        op: &'static FuncDef,
    },
}

impl Expr {
    /// The AND of some conditions; None for none.
    pub fn and_all(mut conds: Vec<Expr>) -> Option<Expr> {
        match conds.len() {
            0 => None,
            1 => conds.pop(),
            _ => Some(Expr {
                kind: ExprKind::And(conds),
                ty: DataType::Bool,
                typmod: -1,
                pos: None,
            }),
        }
    }

    /// A NULL boolean constant (a stand-in while an expression is rebuilt).
    pub fn null_bool() -> Expr {
        Expr {
            kind: ExprKind::Const(Value::Null),
            ty: DataType::Bool,
            typmod: -1,
            pos: None,
        }
    }

    /// The highest input column this expression reads, if any. A
    /// correlated subquery sees the whole row.
    pub fn max_column(&self) -> Option<usize> {
        let mut max: Option<usize> = None;
        self.visit(&mut |e| match &e.kind {
            ExprKind::Column(n) => max = Some(max.map_or(*n, |m| m.max(*n))),
            ExprKind::SubLink(s) if s.correlated => max = Some(usize::MAX),
            _ => {}
        });
        max
    }

    /// Whether a parallel worker may evaluate it: no subqueries, no
    /// outer references, no volatile functions (PostgreSQL's
    /// parallel-safety test, with volatile standing for parallel-unsafe).
    pub fn parallel_safe(&self) -> bool {
        let mut safe = true;
        self.visit(&mut |e| match &e.kind {
            ExprKind::SubLink(_)
            | ExprKind::Outer { .. }
            | ExprKind::Aggregate(_)
            | ExprKind::Window(_)
            | ExprKind::UserCall(_)
            | ExprKind::SetCall { .. } => safe = false,
            k if k.volatility() == Some(crate::func::Volatility::Volatile) => safe = false,
            _ => {}
        });
        safe
    }

    /// Whether `e` calls a volatile function (random(), nextval, a
    /// volatile user function) in its own nodes, not inside subqueries.
    pub fn calls_volatile(&self) -> bool {
        let mut found = false;
        self.visit(&mut |x| {
            found |= x.kind.volatility() == Some(crate::func::Volatility::Volatile);
        });
        found
    }

    /// Calls `f` on this node and every node below it (not inside
    /// subqueries' plans).
    pub fn visit(&self, f: &mut dyn FnMut(&Expr)) {
        f(self);
        match &self.kind {
            ExprKind::Const(_)
            | ExprKind::Column(_)
            | ExprKind::Param(_)
            | ExprKind::Outer { .. } => {}
            ExprKind::UserCall(c) => c.args.iter().for_each(|e| e.visit(f)),
            ExprKind::Call { args: v, .. }
            | ExprKind::SetCall { args: v, .. }
            | ExprKind::And(v)
            | ExprKind::Or(v)
            | ExprKind::Coalesce(v)
            | ExprKind::MinMax { args: v, .. } => v.iter().for_each(|e| e.visit(f)),
            ExprKind::Cast { arg, .. }
            | ExprKind::Not(arg)
            | ExprKind::IsNull { arg, .. }
            | ExprKind::IsBool { arg, .. } => arg.visit(f),
            ExprKind::DistinctFrom { left, right, .. } | ExprKind::NullIf { left, right, .. } => {
                left.visit(f);
                right.visit(f);
            }
            ExprKind::InList { arg, list, .. } => {
                arg.visit(f);
                list.iter().for_each(|(e, _)| e.visit(f));
            }
            ExprKind::ArrayOp { arg, array, .. } => {
                arg.visit(f);
                array.visit(f);
            }
            ExprKind::Case { whens, otherwise } => {
                for (c, r) in whens {
                    c.visit(f);
                    r.visit(f);
                }
                if let Some(e) = otherwise {
                    e.visit(f);
                }
            }
            ExprKind::SubLink(s) => match &s.kind {
                SubLinkKind::Any { arg, .. } | SubLinkKind::All { arg, .. } => arg.visit(f),
                SubLinkKind::Exists | SubLinkKind::Scalar | SubLinkKind::Array => {}
            },
            ExprKind::Aggregate(a) => {
                a.args.iter().for_each(|e| e.visit(f));
                if let Some(e) = &a.filter {
                    e.visit(f);
                }
            }
            ExprKind::Window(w) => {
                w.args.iter().for_each(|e| e.visit(f));
                w.partition.iter().for_each(|e| e.visit(f));
                w.order.iter().for_each(|(e, _, _)| e.visit(f));
                if let crate::plan::WindowFunc::Agg(a) = &w.func {
                    a.args.iter().for_each(|e| e.visit(f));
                    if let Some(e) = &a.filter {
                        e.visit(f);
                    }
                }
            }
        }
    }
}

impl Expr {
    /// The expression with each column reference `Column(i)` replaced by
    /// what `f` makes of it (given `i` and the reference itself); other
    /// nodes keep their shape. Used to move expressions onto another
    /// row layout.
    pub fn replace_columns(self, f: &mut dyn FnMut(usize, Expr) -> Expr) -> Result<Expr> {
        crate::stack::check()?;
        if let ExprKind::Column(i) = self.kind {
            return Ok(f(i, self));
        }
        let Expr {
            kind,
            ty,
            typmod,
            pos,
        } = self;
        Ok(Expr {
            kind: kind.map_children(|c| c.replace_columns(f))?,
            ty,
            typmod,
            pos,
        })
    }
}

impl Expr {
    /// The expression with every position removed, as text: two
    /// expressions with the same fingerprint compute the same thing
    /// (GROUP BY matching, ORDER BY reuse of select-list items).
    pub fn fingerprint(&self) -> String {
        fn strip(e: Expr) -> Result<Expr> {
            Ok(Expr {
                kind: e.kind.map_children(strip)?,
                pos: None,
                ..e
            })
        }
        match strip(self.clone()) {
            Ok(e) => format!("{:?}", e.kind),
            Err(_) => String::new(),
        }
    }
}

impl ExprKind {
    /// The volatility of a function call node (built-in or
    /// user-defined); None for every other node.
    pub fn volatility(&self) -> Option<crate::func::Volatility> {
        match self {
            ExprKind::Call { def, .. } => Some(def.volatility),
            ExprKind::UserCall(c) => Some(c.func.volatility),
            _ => None,
        }
    }

    /// Rebuilds the node with `f` applied to each child expression.
    pub fn map_children(self, mut f: impl FnMut(Expr) -> Result<Expr>) -> Result<ExprKind> {
        let mut each = |v: Vec<Expr>| v.into_iter().map(&mut f).collect::<Result<Vec<_>>>();
        Ok(match self {
            k @ (ExprKind::Const(_)
            | ExprKind::Column(_)
            | ExprKind::Param(_)
            | ExprKind::Outer { .. }) => k,
            ExprKind::SubLink(mut s) => {
                s.kind = match s.kind {
                    SubLinkKind::Any { arg, op } => SubLinkKind::Any {
                        arg: Box::new(f(*arg)?),
                        op,
                    },
                    SubLinkKind::All { arg, op } => SubLinkKind::All {
                        arg: Box::new(f(*arg)?),
                        op,
                    },
                    k => k,
                };
                ExprKind::SubLink(s)
            }
            ExprKind::Aggregate(mut a) => {
                a.args = a.args.into_iter().map(&mut f).collect::<Result<Vec<_>>>()?;
                a.filter = match a.filter {
                    Some(e) => Some(f(e)?),
                    None => None,
                };
                ExprKind::Aggregate(a)
            }
            ExprKind::Window(mut w) => {
                w.args = w.args.into_iter().map(&mut f).collect::<Result<Vec<_>>>()?;
                w.partition = w
                    .partition
                    .into_iter()
                    .map(&mut f)
                    .collect::<Result<Vec<_>>>()?;
                w.order = w
                    .order
                    .into_iter()
                    .map(|(e, d, n)| Ok((f(e)?, d, n)))
                    .collect::<Result<Vec<_>>>()?;
                if let crate::plan::WindowFunc::Agg(a) = &mut w.func {
                    let args = std::mem::take(&mut a.args);
                    a.args = args.into_iter().map(&mut f).collect::<Result<Vec<_>>>()?;
                    a.filter = match a.filter.take() {
                        Some(e) => Some(f(e)?),
                        None => None,
                    };
                }
                ExprKind::Window(w)
            }
            ExprKind::Call { def, args } => ExprKind::Call {
                def,
                args: each(args)?,
            },
            ExprKind::UserCall(mut c) => {
                c.args = each(std::mem::take(&mut c.args))?;
                ExprKind::UserCall(c)
            }
            ExprKind::SetCall { func, args } => ExprKind::SetCall {
                func,
                args: each(args)?,
            },
            ExprKind::And(v) => ExprKind::And(each(v)?),
            ExprKind::Or(v) => ExprKind::Or(each(v)?),
            ExprKind::Coalesce(v) => ExprKind::Coalesce(each(v)?),
            ExprKind::MinMax { args, cmp } => ExprKind::MinMax {
                args: each(args)?,
                cmp,
            },
            ExprKind::Cast { arg, explicit } => ExprKind::Cast {
                arg: Box::new(f(*arg)?),
                explicit,
            },
            ExprKind::Not(arg) => ExprKind::Not(Box::new(f(*arg)?)),
            ExprKind::IsNull { arg, negated } => ExprKind::IsNull {
                arg: Box::new(f(*arg)?),
                negated,
            },
            ExprKind::IsBool {
                arg,
                value,
                negated,
            } => ExprKind::IsBool {
                arg: Box::new(f(*arg)?),
                value,
                negated,
            },
            ExprKind::DistinctFrom {
                left,
                right,
                eq,
                negated,
            } => ExprKind::DistinctFrom {
                left: Box::new(f(*left)?),
                right: Box::new(f(*right)?),
                eq,
                negated,
            },
            ExprKind::NullIf { left, right, eq } => ExprKind::NullIf {
                left: Box::new(f(*left)?),
                right: Box::new(f(*right)?),
                eq,
            },
            ExprKind::ArrayOp {
                arg,
                array,
                op,
                any,
            } => ExprKind::ArrayOp {
                arg: Box::new(f(*arg)?),
                array: Box::new(f(*array)?),
                op,
                any,
            },
            ExprKind::InList { arg, list, negated } => ExprKind::InList {
                arg: Box::new(f(*arg)?),
                list: list
                    .into_iter()
                    .map(|(e, eq)| Ok((f(e)?, eq)))
                    .collect::<Result<Vec<_>>>()?,
                negated,
            },
            ExprKind::Case { whens, otherwise } => ExprKind::Case {
                whens: whens
                    .into_iter()
                    .map(|(c, r)| Ok((f(c)?, f(r)?)))
                    .collect::<Result<Vec<_>>>()?,
                otherwise: match otherwise {
                    Some(e) => Some(Box::new(f(*e)?)),
                    None => None,
                },
            },
        })
    }
}

impl Expr {
    /// A constant of `ty`.
    pub fn constant(value: Value, ty: DataType) -> Expr {
        Expr {
            kind: ExprKind::Const(value),
            ty,
            typmod: -1,
            pos: None,
        }
    }

    /// The constant value, if this is one.
    pub fn as_const(&self) -> Option<&Value> {
        match &self.kind {
            ExprKind::Const(v) => Some(v),
            _ => None,
        }
    }

    /// PostgreSQL's eval_const_expressions, in small: computes at plan
    /// time every subexpression whose inputs are constants and whose
    /// functions are immutable, so `SELECT 1/0` fails before any row is
    /// described, as in PostgreSQL. CASE arms behind a constant false
    /// condition are not computed.
    pub fn fold(self, ctx: &mut EvalCtx<'_>) -> Result<Expr> {
        crate::stack::check()?;
        let Expr {
            kind,
            ty,
            typmod,
            pos,
        } = self;
        let kind = match kind {
            ExprKind::Case { whens, otherwise } => {
                let mut kept = Vec::with_capacity(whens.len());
                let mut otherwise = otherwise;
                for (cond, result) in whens {
                    let cond = cond.fold(ctx)?;
                    match cond.as_const() {
                        Some(Value::Bool(false) | Value::Null) => continue,
                        Some(Value::Bool(true)) if kept.is_empty() => {
                            return result.fold(ctx);
                        }
                        Some(Value::Bool(true)) => {
                            otherwise = Some(Box::new(result));
                            break;
                        }
                        _ => kept.push((cond, result.fold(ctx)?)),
                    }
                }
                let otherwise = match otherwise {
                    Some(e) => Some(Box::new(e.fold(ctx)?)),
                    None => None,
                };
                if kept.is_empty() {
                    return Ok(match otherwise {
                        Some(e) => *e,
                        None => Expr {
                            kind: ExprKind::Const(Value::Null),
                            ty,
                            typmod,
                            pos,
                        },
                    });
                }
                ExprKind::Case {
                    whens: kept,
                    otherwise,
                }
            }
            // Arguments after the first non-null constant are never
            // computed (PostgreSQL drops them unsimplified), nor are those
            // after a constant that decides AND / OR.
            ExprKind::Coalesce(args) => {
                let mut kept = Vec::with_capacity(args.len());
                for a in args {
                    let a = a.fold(ctx)?;
                    match a.as_const() {
                        Some(Value::Null) => continue,
                        Some(_) => {
                            kept.push(a);
                            break;
                        }
                        None => kept.push(a),
                    }
                }
                match kept.len() {
                    0 => ExprKind::Const(Value::Null),
                    1 if kept[0].as_const().is_some() => {
                        let only = kept
                            .pop()
                            .unwrap_or_else(|| Expr::constant(Value::Null, ty));
                        return Ok(Expr { pos, ..only });
                    }
                    _ => ExprKind::Coalesce(kept),
                }
            }
            ExprKind::And(args) => match fold_connective(args, true, ctx)? {
                Ok(kept) => ExprKind::And(kept),
                Err(decided) => ExprKind::Const(decided),
            },
            ExprKind::Or(args) => match fold_connective(args, false, ctx)? {
                Ok(kept) => ExprKind::Or(kept),
                Err(decided) => ExprKind::Const(decided),
            },
            other => other.map_children(|e| e.fold(ctx))?,
        };
        // A strict function of a NULL constant is NULL, whatever its
        // other arguments or volatility (evaluate_function).
        if let ExprKind::Call { def, args } = &kind {
            if def.strict
                && args
                    .iter()
                    .any(|a| matches!(a.kind, ExprKind::Const(Value::Null)))
            {
                return Ok(Expr {
                    kind: ExprKind::Const(Value::Null),
                    ty,
                    typmod,
                    pos,
                });
            }
        }
        let folded = Expr {
            kind,
            ty,
            typmod,
            pos,
        };
        if folded.is_foldable() {
            let v = folded.eval(&[], ctx)?;
            return Ok(Expr {
                kind: ExprKind::Const(v),
                ..folded
            });
        }
        Ok(folded)
    }

    /// True when every direct input is a constant and the node itself is
    /// immutable.
    fn is_foldable(&self) -> bool {
        let all_const = |v: &[Expr]| v.iter().all(|e| e.as_const().is_some());
        match &self.kind {
            ExprKind::Const(_)
            | ExprKind::Column(_)
            | ExprKind::Param(_)
            | ExprKind::Outer { .. }
            | ExprKind::SubLink(_)
            | ExprKind::UserCall(_)
            | ExprKind::Window(_)
            | ExprKind::SetCall { .. }
            | ExprKind::Aggregate(_) => false,
            ExprKind::Call { def, args } => {
                def.volatility == crate::func::Volatility::Immutable && all_const(args)
            }
            ExprKind::Cast { arg, .. } => arg.as_const().is_some() && !stable_cast(arg.ty, self.ty),
            ExprKind::Not(arg) => arg.as_const().is_some(),
            ExprKind::IsNull { arg, .. } | ExprKind::IsBool { arg, .. } => arg.as_const().is_some(),
            ExprKind::And(v) | ExprKind::Or(v) | ExprKind::Coalesce(v) => all_const(v),
            ExprKind::MinMax { args, .. } => all_const(args),
            ExprKind::DistinctFrom { left, right, .. } | ExprKind::NullIf { left, right, .. } => {
                left.as_const().is_some() && right.as_const().is_some()
            }
            ExprKind::InList { arg, list, .. } => {
                arg.as_const().is_some() && list.iter().all(|(e, _)| e.as_const().is_some())
            }
            ExprKind::ArrayOp { arg, array, .. } => {
                arg.as_const().is_some() && array.as_const().is_some()
            }
            ExprKind::Case { .. } => false,
        }
    }

    /// Evaluates against one input row.
    pub fn eval(&self, row: &[Value], ctx: &mut EvalCtx<'_>) -> Result<Value> {
        match &self.kind {
            ExprKind::Const(v) => Ok(v.clone()),
            ExprKind::Column(i) => row
                .get(*i)
                .cloned()
                .ok_or_else(|| SqlError::internal(format!("no column {i} in row"))),
            ExprKind::Outer { depth, index } => ctx
                .outer
                .len()
                .checked_sub(*depth)
                .and_then(|level| ctx.outer.get(level))
                .and_then(|r| r.get(*index))
                .cloned()
                .ok_or_else(|| SqlError::internal("outer reference without an outer row")),
            ExprKind::SubLink(s) => crate::exec::sublink(s, row, ctx),
            ExprKind::Aggregate(_) => {
                Err(SqlError::internal("aggregate outside an Aggregate node"))
            }
            ExprKind::Window(_) => Err(SqlError::internal("window function outside a Window node")),
            ExprKind::SetCall { .. } => Err(SqlError::internal(
                "set-returning function outside a ProjectSet node",
            )),
            ExprKind::Param(i) => ctx.params.get(*i).cloned().ok_or_else(|| {
                SqlError::new(
                    SqlState::UNDEFINED_PARAMETER,
                    format!("there is no parameter ${}", i + 1),
                )
            }),
            ExprKind::UserCall(c) => crate::exec::user_call(c, row, ctx),
            ExprKind::Call { def, args } if args.len() <= 4 => {
                // Most calls are operators: arguments on the stack, not in
                // a vector allocated per row.
                let mut values = [Value::Null, Value::Null, Value::Null, Value::Null];
                for (slot, a) in values.iter_mut().zip(args) {
                    let v = a.eval(row, ctx)?;
                    if def.strict && v.is_null() {
                        return Ok(Value::Null);
                    }
                    *slot = v;
                }
                (def.imp)(&values[..args.len()], ctx)
            }
            ExprKind::Call { def, args } => {
                let mut values = Vec::with_capacity(args.len());
                for a in args {
                    let v = a.eval(row, ctx)?;
                    if def.strict && v.is_null() {
                        return Ok(Value::Null);
                    }
                    values.push(v);
                }
                (def.imp)(&values, ctx)
            }
            ExprKind::Cast { arg, explicit } => {
                let v = arg.eval(row, ctx)?;
                // Widening integer casts (sum, avg, mixed arithmetic)
                // without the general conversion.
                match (&v, self.ty) {
                    (Value::Int4(i), DataType::Int8) => return Ok(Value::Int8(i64::from(*i))),
                    (Value::Int2(i), DataType::Int8) => return Ok(Value::Int8(i64::from(*i))),
                    (Value::Int2(i), DataType::Int4) => return Ok(Value::Int4(i32::from(*i))),
                    (Value::Int4(i), DataType::Float8) => return Ok(Value::Float8(f64::from(*i))),
                    _ => {}
                }
                cast_value(v, arg.ty, self.ty, self.typmod, *explicit, ctx.style)
            }
            ExprKind::And(items) => {
                let mut saw_null = false;
                for e in items {
                    match e.eval(row, ctx)? {
                        Value::Bool(false) => return Ok(Value::Bool(false)),
                        Value::Null => saw_null = true,
                        _ => {}
                    }
                }
                Ok(if saw_null {
                    Value::Null
                } else {
                    Value::Bool(true)
                })
            }
            ExprKind::Or(items) => {
                let mut saw_null = false;
                for e in items {
                    match e.eval(row, ctx)? {
                        Value::Bool(true) => return Ok(Value::Bool(true)),
                        Value::Null => saw_null = true,
                        _ => {}
                    }
                }
                Ok(if saw_null {
                    Value::Null
                } else {
                    Value::Bool(false)
                })
            }
            ExprKind::Not(e) => Ok(match e.eval(row, ctx)? {
                Value::Bool(b) => Value::Bool(!b),
                _ => Value::Null,
            }),
            ExprKind::IsNull { arg, negated } => Ok(Value::Bool(match arg.eval(row, ctx)? {
                // A row IS NULL when every field is, IS NOT NULL when
                // none is.
                Value::Record(fields) => {
                    let fields = fields.items();
                    if *negated {
                        fields.iter().all(|f| !f.is_null())
                    } else {
                        fields.iter().all(Value::is_null)
                    }
                }
                v => v.is_null() != *negated,
            })),
            ExprKind::IsBool {
                arg,
                value,
                negated,
            } => {
                let v = match arg.eval(row, ctx)? {
                    Value::Bool(b) => Some(b),
                    _ => None,
                };
                Ok(Value::Bool((v == *value) != *negated))
            }
            ExprKind::DistinctFrom {
                left,
                right,
                eq,
                negated,
            } => {
                let (l, r) = (left.eval(row, ctx)?, right.eval(row, ctx)?);
                let distinct = match (l.is_null(), r.is_null()) {
                    (true, true) => false,
                    (true, false) | (false, true) => true,
                    (false, false) => (eq.imp)(&[l, r], ctx)? != Value::Bool(true),
                };
                Ok(Value::Bool(distinct != *negated))
            }
            ExprKind::Case { whens, otherwise } => {
                for (cond, result) in whens {
                    if cond.eval(row, ctx)? == Value::Bool(true) {
                        return result.eval(row, ctx);
                    }
                }
                match otherwise {
                    Some(e) => e.eval(row, ctx),
                    None => Ok(Value::Null),
                }
            }
            ExprKind::Coalesce(items) => {
                for e in items {
                    let v = e.eval(row, ctx)?;
                    if !v.is_null() {
                        return Ok(v);
                    }
                }
                Ok(Value::Null)
            }
            ExprKind::NullIf { left, right, eq } => {
                let l = left.eval(row, ctx)?;
                let r = right.eval(row, ctx)?;
                if !l.is_null()
                    && !r.is_null()
                    && (eq.imp)(&[l.clone(), r], ctx)? == Value::Bool(true)
                {
                    Ok(Value::Null)
                } else {
                    Ok(l)
                }
            }
            ExprKind::MinMax { args, cmp } => {
                let mut best = Value::Null;
                for e in args {
                    let v = e.eval(row, ctx)?;
                    if v.is_null() {
                        continue;
                    }
                    if best.is_null()
                        || (cmp.imp)(&[v.clone(), best.clone()], ctx)? == Value::Bool(true)
                    {
                        best = v;
                    }
                }
                Ok(best)
            }
            ExprKind::ArrayOp {
                arg,
                array,
                op,
                any,
            } => {
                let items = match array.eval(row, ctx)? {
                    Value::Array(items) => items,
                    _ => return Ok(Value::Null),
                };
                let v = arg.eval(row, ctx)?;
                quantified(op, &v, items.items().iter().cloned(), *any, ctx)
            }
            ExprKind::InList { arg, list, negated } => {
                let v = arg.eval(row, ctx)?;
                if v.is_null() {
                    return Ok(Value::Null);
                }
                let mut saw_null = false;
                for (e, eq) in list {
                    let item = e.eval(row, ctx)?;
                    if item.is_null() {
                        saw_null = true;
                        continue;
                    }
                    if (eq.imp)(&[v.clone(), item], ctx)? == Value::Bool(true) {
                        return Ok(Value::Bool(!negated));
                    }
                }
                Ok(if saw_null {
                    Value::Null
                } else {
                    Value::Bool(*negated)
                })
            }
        }
    }
}

/// The arguments of AND (`and`) or OR folded in order: Err(the result)
/// once one is the constant that decides it (false for AND, true for
/// OR), the later ones never computed.
#[allow(clippy::type_complexity)]
fn fold_connective(
    args: Vec<Expr>,
    and: bool,
    ctx: &mut EvalCtx<'_>,
) -> Result<std::result::Result<Vec<Expr>, Value>> {
    let decides = Value::Bool(!and);
    let mut kept = Vec::with_capacity(args.len());
    for a in args {
        let a = a.fold(ctx)?;
        if a.as_const() == Some(&decides) {
            return Ok(Err(decides));
        }
        kept.push(a);
    }
    Ok(Ok(kept))
}

/// Whether a cast depends on session settings (DateStyle, IntervalStyle,
/// TimeZone), so PostgreSQL marks it stable and computes it when the
/// statement runs rather than when it is planned: text to and from the
/// date/time types, and the conversions between local and zoned times.
fn stable_cast(from: DataType, to: DataType) -> bool {
    use DataType as T;
    let datetime = |t: DataType| {
        matches!(
            t,
            T::Date | T::Time | T::TimeTz | T::Timestamp | T::TimestampTz | T::Interval
        )
    };
    let text = |t: DataType| matches!(t, T::Text | T::Varchar | T::Bpchar | T::Name | T::Unknown);
    (text(from) && datetime(to))
        || (datetime(from) && text(to) && !matches!(from, T::Time | T::TimeTz))
        || matches!(
            (from, to),
            (T::Timestamp, T::TimestampTz)
                | (T::TimestampTz, T::Timestamp | T::Date | T::Time | T::TimeTz)
                | (T::Date, T::TimestampTz)
                | (T::Time, T::TimeTz)
        )
}
