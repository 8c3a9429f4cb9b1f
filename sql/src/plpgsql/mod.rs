//! PL/pgSQL: LANGUAGE plpgsql functions.
//!
//! A body is read by [`parse`] into blocks of statements whose SQL parts
//! stay text; the binder compiles it where the function is called
//! (`binder/plpgsql.rs`): every variable gets a slot of one row, and each
//! expression or query is bound as a query whose enclosing level is that
//! row, so a variable is an outer reference. [`run`] interprets the
//! compiled statements, evaluating each plan with the current row pushed
//! as the outer level.
//!
//! Rules:
//! 1. What PostgreSQL reports while compiling (unknown variables,
//!    syntax) is reported at the call, not at CREATE FUNCTION (only the
//!    statement syntax is checked there).
//! 2. Statements that change data (INSERT, UPDATE, DELETE) or run
//!    dynamic SQL are not supported yet: reaching one is 0A000; a
//!    function that never reaches one runs.
//! 3. An error inside the function gets PostgreSQL's context line
//!    `PL/pgSQL function f(integer) line N at <statement>`.

mod conditions;
pub mod parse;
mod run;

pub use run::run;
pub(crate) use run::{condition_name, raise_format};

use crate::error::SqlState;
use crate::plan::Plan;
use crate::types::DataType;

/// A compiled function body.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// `name(argtypes)` as error contexts print it.
    pub signature: String,
    /// Each slot's type and typmod (arguments first).
    pub slots: Vec<(DataType, i32)>,
    /// The slots of the input arguments, in order.
    pub input_slots: Vec<usize>,
    /// Arguments of a row type: the slot the row arrives in and its
    /// fields' slots, filled from it when the body starts.
    pub row_inputs: Vec<(usize, Vec<usize>)>,
    /// The declared result (its elements for SETOF).
    pub ret: DataType,
    /// SETOF / RETURNS TABLE.
    pub retset: bool,
    /// The OUT / TABLE argument slots (a bare RETURN [NEXT] returns them).
    pub out_slots: Vec<usize>,
    /// The slot of FOUND.
    pub found: usize,
    /// The outermost block.
    pub body: Step,
}

impl Compiled {
    /// Whether a statement of the body cannot run per row (it changes
    /// data, runs dynamic SQL, or did not compile): the body must run
    /// at statement level.
    pub fn needs_session(&self) -> bool {
        fn any(steps: &[Step]) -> bool {
            steps.iter().any(one)
        }
        fn one(s: &Step) -> bool {
            match &s.op {
                Op::Unsupported(_) | Op::Fail(_) => true,
                Op::Block { body, handlers, .. } => {
                    any(body) || handlers.iter().any(|(_, h, _, _)| any(h))
                }
                Op::If {
                    branches,
                    otherwise,
                } => branches.iter().any(|(_, b)| any(b)) || otherwise.as_deref().is_some_and(any),
                Op::Loop { body, .. }
                | Op::ForInt { body, .. }
                | Op::ForQuery { body, .. }
                | Op::ForEach { body, .. } => any(body),
                _ => false,
            }
        }
        one(&self.body)
    }

    /// A body that did not compile: running it raises `error` (Op::Fail).
    pub fn failing(
        func: &crate::routine::UserFunction,
        ret: DataType,
        error: crate::error::SqlError,
    ) -> Compiled {
        let inputs = func.input_types();
        Compiled {
            signature: format!(
                "{}({})",
                func.name,
                inputs
                    .iter()
                    .map(|t| t.to_string())
                    .collect::<Vec<_>>()
                    .join(",")
            ),
            slots: vec![(DataType::Unknown, -1); inputs.len() + 1],
            input_slots: (0..inputs.len()).collect(),
            row_inputs: Vec::new(),
            ret,
            retset: func.retset,
            out_slots: Vec::new(),
            found: inputs.len(),
            body: Step {
                line: 1,
                what: "compilation",
                op: Op::Fail(error),
            },
        }
    }
}

/// One compiled statement.
#[derive(Debug, Clone)]
pub struct Step {
    /// Its line in the body.
    pub line: u32,
    /// What context lines call it ("assignment", "RAISE", ...).
    pub what: &'static str,
    /// What it does.
    pub op: Op,
}

/// A RAISE level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RaiseLevel {
    /// DEBUG, LOG: not sent at the default client_min_messages.
    Debug,
    /// INFO.
    Info,
    /// NOTICE.
    Notice,
    /// WARNING.
    Warning,
    /// EXCEPTION: an error.
    Exception,
}

/// An exception handler's condition.
#[derive(Debug, Clone)]
pub enum Condition {
    /// OTHERS: every error but a cancel.
    Others,
    /// One SQLSTATE.
    State(SqlState),
    /// A class (the first two characters).
    Class(String),
}

/// An expression or query of the body with the context line an error
/// in it gets (`SQL expression "x > 1"`).
#[derive(Debug, Clone)]
pub struct Frag {
    /// The bound plan (one column for an expression).
    pub plan: Plan,
    /// The context line, if any.
    pub context: Option<String>,
}

/// The compiled statement forms.
#[derive(Debug, Clone)]
pub enum Op {
    /// A block: its variables' initial values, statements, handlers.
    Block {
        /// (slot, default value or None for NULL, name).
        inits: Vec<(usize, Option<Frag>, String)>,
        /// Statements.
        body: Vec<Step>,
        /// Exception handlers: conditions, statements, and the slots of
        /// SQLSTATE and SQLERRM.
        handlers: Vec<(Vec<Condition>, Vec<Step>, usize, usize)>,
        /// The block's label.
        label: Option<String>,
    },
    /// `slot := value` (value coerced to the slot's type).
    Assign { slot: usize, value: Frag },
    /// `record := row value`: its fields into `slots`, in order.
    AssignFields { slots: Vec<usize>, value: Frag },
    /// IF / ELSIF / ELSE (CASE compiles to this too).
    If {
        /// (condition, statements).
        branches: Vec<(Frag, Vec<Step>)>,
        /// ELSE; None for a CASE without ELSE (case_not_found).
        otherwise: Option<Vec<Step>>,
    },
    /// LOOP / WHILE.
    Loop {
        /// Its label.
        label: Option<String>,
        /// WHILE's condition.
        cond: Option<Frag>,
        /// Statements.
        body: Vec<Step>,
    },
    /// FOR i IN lo .. hi [BY step].
    ForInt {
        /// Its label.
        label: Option<String>,
        /// The loop variable's slot.
        slot: usize,
        /// Lower bound.
        lo: Box<Frag>,
        /// Upper bound.
        hi: Box<Frag>,
        /// BY.
        step: Option<Frag>,
        /// REVERSE.
        reverse: bool,
        /// Statements.
        body: Vec<Step>,
    },
    /// FOR target IN query.
    ForQuery {
        /// Its label.
        label: Option<String>,
        /// Slots the columns go to.
        slots: Vec<usize>,
        /// The query.
        query: Frag,
        /// Statements.
        body: Vec<Step>,
    },
    /// FOREACH x IN ARRAY a.
    ForEach {
        /// Its label.
        label: Option<String>,
        /// The element variable.
        slot: usize,
        /// SLICE n (0: each element).
        slice: i32,
        /// The array.
        array: Frag,
        /// Statements.
        body: Vec<Step>,
    },
    /// EXIT / CONTINUE.
    Exit {
        /// CONTINUE.
        cont: bool,
        /// The loop named.
        label: Option<String>,
        /// WHEN.
        cond: Option<Frag>,
    },
    /// RETURN [value] (None: the OUT arguments, or nothing).
    Return(Option<Frag>),
    /// RETURN NEXT [value].
    ReturnNext(Option<Frag>),
    /// RETURN QUERY.
    ReturnQuery(Frag),
    /// RAISE.
    Raise {
        /// Level.
        level: RaiseLevel,
        /// The format string (`%` placeholders).
        format: Option<String>,
        /// Its arguments.
        args: Vec<Frag>,
        /// SQLSTATE.
        state: SqlState,
        /// USING options (message, detail, hint, errcode).
        options: Vec<(String, Frag)>,
    },
    /// A bare RAISE: the error the innermost running handler caught.
    Reraise,
    /// PERFORM / a SELECT without INTO: run, set FOUND.
    Perform(Frag),
    /// SELECT ... INTO targets.
    Into {
        /// The query.
        query: Frag,
        /// Target slots, one per column.
        slots: Vec<usize>,
        /// INTO STRICT.
        strict: bool,
    },
    /// ASSERT.
    Assert {
        /// The condition.
        cond: Frag,
        /// The message.
        message: Option<Frag>,
    },
    /// GET [STACKED] DIAGNOSTICS slot = item, ...
    Diagnostics(Vec<(usize, String)>),
    /// What cannot run here yet (0A000 when reached).
    Unsupported(String),
    /// A body that did not compile for running per row (one whose
    /// statements only bind where they run, at statement level): its
    /// error, raised if it is run this way.
    Fail(crate::error::SqlError),
    /// NULL.
    Null,
}

/// A GET [STACKED] DIAGNOSTICS item's value: `row_count`, or a field of
/// the error a handler caught (`caught`); `here` is the PG_CONTEXT line.
/// None for an item PostgreSQL does not have.
pub fn diagnostic(
    item: &str,
    row_count: i64,
    caught: Option<&crate::error::SqlError>,
    here: &str,
) -> Option<crate::value::Value> {
    use crate::value::Value;
    let text = |s: Option<&String>| Value::Text(s.cloned().unwrap_or_default());
    let r = caught.map(|e| e.report());
    Some(match item {
        "row_count" => Value::Int8(row_count),
        "pg_context" => Value::Text(here.to_owned()),
        "returned_sqlstate" => Value::Text(r.map_or(String::new(), |r| r.code.code().to_owned())),
        "message_text" => Value::Text(r.map_or(String::new(), |r| r.message.clone())),
        "pg_exception_detail" => text(r.and_then(|r| r.detail.as_ref())),
        "pg_exception_hint" => text(r.and_then(|r| r.hint.as_ref())),
        "pg_exception_context" => text(r.and_then(|r| r.context.as_ref())),
        "column_name" => text(r.and_then(|r| r.column.as_ref())),
        "constraint_name" => text(r.and_then(|r| r.constraint.as_ref())),
        "pg_datatype_name" => text(r.and_then(|r| r.datatype.as_ref())),
        "table_name" => text(r.and_then(|r| r.table.as_ref())),
        "schema_name" => text(r.and_then(|r| r.schema.as_ref())),
        _ => return None,
    })
}

/// The value of a function that ended (the flow its body ended with as
/// `returned`: Some(value) for RETURN): void, the returned value, the OUT
/// arguments' row, or 2F005 when it ended without RETURN.
pub fn finish(
    ret: DataType,
    returned: Option<Option<crate::value::Value>>,
    outputs: Option<crate::value::Value>,
    signature: &str,
) -> crate::error::Result<crate::value::Value> {
    use crate::value::Value;
    match returned {
        _ if ret == DataType::Void => Ok(Value::Void),
        Some(Some(v)) => Ok(v),
        Some(None) => Ok(Value::Null),
        None => outputs.ok_or_else(|| {
            crate::error::SqlError::new(
                SqlState::FUNCTION_EXECUTED_NO_RETURN_STATEMENT,
                "control reached end of function without RETURN",
            )
            .with_context(format!("PL/pgSQL function {signature}"))
        }),
    }
}

/// FOREACH's values of `array`: its elements (`slice` 0), or its
/// sub-arrays of the last `slice` dimensions, keeping their lower bounds
/// (array_create_iterator); 2202E past the array's dimensions, 22004 for
/// NULL.
pub fn foreach_items(
    array: crate::value::Value,
    slice: i32,
) -> crate::error::Result<Vec<crate::value::Value>> {
    use crate::value::{ArrayRef, Value};
    let a = match array {
        Value::Array(a) => a,
        Value::Null => {
            return Err(crate::error::SqlError::new(
                SqlState::NULL_VALUE_NOT_ALLOWED,
                "FOREACH expression must not be null",
            ))
        }
        _ => {
            return Err(crate::error::SqlError::new(
                SqlState::DATATYPE_MISMATCH,
                "FOREACH expression must yield an array, not type",
            ))
        }
    };
    let dims = a.dims();
    let ndims = dims.len() as i32;
    if slice < 0 || slice > ndims {
        return Err(crate::error::SqlError::new(
            SqlState::ARRAY_SUBSCRIPT_ERROR,
            format!("slice dimension ({slice}) is out of the valid range 0..{ndims}"),
        ));
    }
    if slice == 0 {
        return Ok(a.items().to_vec());
    }
    let inner = dims[(ndims - slice) as usize..].to_vec();
    let size: usize = inner.iter().map(|d| d.len.max(0) as usize).product();
    if size == 0 {
        return Ok(Vec::new());
    }
    Ok(a.items()
        .chunks(size)
        .map(|c| Value::Array(ArrayRef::with_dims(inner.clone(), c.to_vec())))
        .collect())
}

/// The names a body's records go by: (record, its field slots), and the
/// records that are a NULL row as a whole (a trigger's OLD on INSERT).
pub struct RecordNames<'a> {
    /// Records, innermost last.
    pub records: &'a mut Vec<(String, Vec<usize>)>,
    /// Records NULL as a whole.
    pub null_rows: &'a mut Vec<String>,
    /// Names in force, innermost last.
    pub visible: &'a mut Vec<(String, usize)>,
}

impl RecordNames<'_> {
    /// `name ALIAS FOR rec` where `rec` is a record: the alias names its
    /// fields (and `slot`, the slot its name alone reads). False when
    /// `rec` is no record.
    pub fn alias(&mut self, rec: &str, name: &str, slot: Option<usize>) -> bool {
        let Some((_, fields)) = self.records.iter().rev().find(|(r, _)| r == rec) else {
            return false;
        };
        let fields = fields.clone();
        if self.null_rows.iter().any(|n| n == rec) {
            self.null_rows.push(name.to_owned());
        }
        if let Some(s) = slot {
            self.visible.push((name.to_owned(), s));
        }
        self.records.push((name.to_owned(), fields));
        true
    }
}

/// A bare RAISE: the caught error again, or PostgreSQL's 0Z002 outside a
/// handler.
pub fn reraise(caught: Option<&crate::error::SqlError>) -> crate::error::SqlError {
    caught.cloned().unwrap_or_else(|| {
        crate::error::SqlError::new(
            SqlState::STACKED_DIAGNOSTICS_ACCESSED_WITHOUT_ACTIVE_HANDLER,
            "RAISE without parameters cannot be used outside an exception handler",
        )
    })
}

/// An integer FOR loop's bound (`which`: lower bound, upper bound, BY
/// value): 22004 when NULL.
pub fn loop_bound(v: crate::value::Value, which: &str) -> crate::error::Result<i64> {
    match v {
        crate::value::Value::Int4(i) => Ok(i64::from(i)),
        _ => Err(crate::error::SqlError::new(
            SqlState::NULL_VALUE_NOT_ALLOWED,
            format!("{which} of FOR loop cannot be null"),
        )),
    }
}

/// 22023 for a BY value below one.
pub fn loop_step_error() -> crate::error::SqlError {
    crate::error::SqlError::new(
        SqlState::INVALID_PARAMETER_VALUE,
        "BY value of FOR loop must be greater than zero",
    )
}

/// INTO STRICT's error for a query that gave `rows` rows (P0002 for none,
/// P0003 for more than one).
pub fn strict_into_error(rows: usize) -> Option<crate::error::SqlError> {
    match rows {
        0 => Some(crate::error::SqlError::new(
            SqlState::NO_DATA_FOUND,
            "query returned no rows",
        )),
        1 => None,
        _ => Some(
            crate::error::SqlError::new(
                SqlState::TOO_MANY_ROWS,
                "query returned more than one row",
            )
            .with_hint("Make sure the query returns a single row, or use LIMIT 1."),
        ),
    }
}

impl Compiled {
    /// Every plan in the body, for the planner.
    pub fn plans_mut(&mut self) -> Vec<&mut Plan> {
        let mut out = Vec::new();
        self.body.frags_mut(&mut out);
        out.into_iter().map(|f| &mut f.plan).collect()
    }
}

impl Step {
    fn frags_mut<'a>(&'a mut self, out: &mut Vec<&'a mut Frag>) {
        let each = |v: &'a mut Vec<Step>, out: &mut Vec<&'a mut Frag>| {
            for s in v {
                s.frags_mut(out);
            }
        };
        match &mut self.op {
            Op::Block {
                inits,
                body,
                handlers,
                ..
            } => {
                out.extend(inits.iter_mut().filter_map(|(_, p, _)| p.as_mut()));
                each(body, out);
                for (_, h, _, _) in handlers {
                    each(h, out);
                }
            }
            Op::Assign { value, .. } | Op::AssignFields { value, .. } => out.push(value),
            Op::If {
                branches,
                otherwise,
            } => {
                for (c, b) in branches {
                    out.push(c);
                    each(b, out);
                }
                if let Some(o) = otherwise {
                    each(o, out);
                }
            }
            Op::Loop { cond, body, .. } => {
                out.extend(cond.as_mut());
                each(body, out);
            }
            Op::ForInt {
                lo, hi, step, body, ..
            } => {
                out.push(lo);
                out.push(hi);
                out.extend(step.as_mut());
                each(body, out);
            }
            Op::ForQuery { query, body, .. } => {
                out.push(query);
                each(body, out);
            }
            Op::ForEach { array, body, .. } => {
                out.push(array);
                each(body, out);
            }
            Op::Exit { cond, .. } => out.extend(cond.as_mut()),
            Op::Return(p) | Op::ReturnNext(p) => out.extend(p.as_mut()),
            Op::ReturnQuery(p) | Op::Perform(p) => out.push(p),
            Op::Raise { args, options, .. } => {
                out.extend(args.iter_mut());
                out.extend(options.iter_mut().map(|(_, p)| p));
            }
            Op::Into { query, .. } => out.push(query),
            Op::Assert { cond, message } => {
                out.push(cond);
                out.extend(message.as_mut());
            }
            Op::Diagnostics(_) | Op::Unsupported(_) | Op::Fail(_) | Op::Reraise | Op::Null => {}
        }
    }
}
