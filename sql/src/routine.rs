//! User-defined functions (CREATE FUNCTION): what the catalog holds of
//! one, read from its pg_proc row.
//!
//! A LANGUAGE sql function runs as PostgreSQL's non-inlined SQL functions
//! do: its body is bound where it is called (against the catalog the
//! calling statement sees) with the arguments as the columns of an
//! enclosing query level, planned with the call, and run once per call
//! with the evaluated arguments as that level's row (`exec::user_call`).
//!
//! Rules:
//! 1. The catalog is the truth: functions are found by name through the
//!    session's catalog and search path, like tables.
//! 2. A stored expression (a domain's CHECK, a column default) reads
//!    functions through the server-wide registry here, which every
//!    catalog read of a database's functions replaces.
//! 3. Bodies in other languages are stored (pg_proc, \df, DROP) but a
//!    call is 0A000.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use parking_lot::RwLock;

use crate::func::Volatility;
use crate::types::DataType;

/// pg_proc.proargmodes: how an argument passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgMode {
    /// IN (the default).
    In,
    /// OUT: a result column.
    Out,
    /// INOUT: both.
    InOut,
    /// VARIADIC: the last IN argument, an array of the rest.
    Variadic,
    /// A column of RETURNS TABLE.
    Table,
}

impl ArgMode {
    /// The pg_proc letter.
    pub fn code(self) -> char {
        match self {
            ArgMode::In => 'i',
            ArgMode::Out => 'o',
            ArgMode::InOut => 'b',
            ArgMode::Variadic => 'v',
            ArgMode::Table => 't',
        }
    }

    /// From the pg_proc letter.
    pub fn from_code(c: char) -> ArgMode {
        match c {
            'o' => ArgMode::Out,
            'b' => ArgMode::InOut,
            'v' => ArgMode::Variadic,
            't' => ArgMode::Table,
            _ => ArgMode::In,
        }
    }

    /// Passed by the caller.
    pub fn is_input(self) -> bool {
        matches!(self, ArgMode::In | ArgMode::InOut | ArgMode::Variadic)
    }

    /// Part of the result.
    pub fn is_output(self) -> bool {
        matches!(self, ArgMode::Out | ArgMode::InOut | ArgMode::Table)
    }
}

/// One declared argument.
#[derive(Debug, Clone)]
pub struct Param {
    /// Its name, if it has one.
    pub name: Option<String>,
    /// Its type.
    pub ty: DataType,
    /// How it passes.
    pub mode: ArgMode,
}

/// A user-defined function as its pg_proc row holds it.
#[derive(Debug, Clone)]
pub struct UserFunction {
    /// pg_proc.oid.
    pub oid: u32,
    /// The database it belongs to.
    pub db: u32,
    /// proname.
    pub name: String,
    /// pronamespace.
    pub namespace: u32,
    /// prolang's name (sql, plpgsql, ...).
    pub language: String,
    /// provolatile.
    pub volatility: Volatility,
    /// proisstrict: a NULL argument makes the result NULL without a call.
    pub strict: bool,
    /// proretset: SETOF / RETURNS TABLE.
    pub retset: bool,
    /// prorettype (record for several OUT arguments).
    pub ret: DataType,
    /// Every argument in order, IN and OUT.
    pub params: Vec<Param>,
    /// The defaults of the last IN arguments, as SQL text.
    pub defaults: Vec<String>,
    /// prosrc: the body.
    pub body: String,
    /// SECURITY DEFINER: the body runs as the function's owner.
    pub security_definer: bool,
    /// A procedure (CREATE PROCEDURE, prokind 'p'), run by CALL.
    pub procedure: bool,
    /// An aggregate (CREATE AGGREGATE, prokind 'a'): its definition.
    pub aggregate: Option<AggDef>,
}

/// A user aggregate's definition (pg_aggregate's row, kept in prosrc).
#[derive(Debug, Clone)]
pub struct AggDef {
    /// aggtransfn, by name (as written, qualified or not).
    pub sfunc: Vec<String>,
    /// aggtranstype.
    pub stype: DataType,
    /// aggfinalfn, by name.
    pub finalfunc: Option<Vec<String>>,
    /// agginitval, as text.
    pub initcond: Option<String>,
}

impl AggDef {
    /// The prosrc form: fields separated by U+001F, the initial value
    /// last (absent: no fourth field).
    pub fn encode(&self) -> String {
        let mut s = format!(
            "{}\u{1f}{}\u{1f}{}",
            self.sfunc.join("."),
            self.stype.oid().0,
            self.finalfunc
                .as_ref()
                .map(|f| f.join("."))
                .unwrap_or_default()
        );
        if let Some(i) = &self.initcond {
            s.push('\u{1f}');
            s.push_str(i);
        }
        s
    }

    /// Reads [`AggDef::encode`]'s form (None if it is not one).
    pub fn decode(text: &str, type_of: impl Fn(u32) -> DataType) -> Option<AggDef> {
        let mut parts = text.splitn(4, '\u{1f}');
        let sfunc: Vec<String> = parts.next()?.split('.').map(str::to_owned).collect();
        let stype = type_of(parts.next()?.parse().ok()?);
        let finalfunc = parts
            .next()
            .filter(|f| !f.is_empty())
            .map(|f| f.split('.').map(str::to_owned).collect());
        let initcond = parts.next().map(str::to_owned);
        Some(AggDef {
            sfunc,
            stype,
            finalfunc,
            initcond,
        })
    }
}

impl UserFunction {
    /// pg_proc.prokind: 'a' aggregate, 'p' procedure, 'f' function.
    pub fn prokind(&self) -> &'static str {
        if self.aggregate.is_some() {
            "a"
        } else if self.procedure {
            "p"
        } else {
            "f"
        }
    }

    /// The arguments a call passes, in order. A procedure's OUT
    /// arguments are passed too (CALL p(1, NULL)), and start with the
    /// value passed, as PostgreSQL's since version 14.
    pub fn inputs(&self) -> impl Iterator<Item = &Param> {
        self.params.iter().filter(|p| self.passes(p))
    }

    /// Whether a call passes a value for `p` (see [`UserFunction::inputs`]).
    pub fn passes(&self, p: &Param) -> bool {
        p.mode.is_input() || self.procedure
    }

    /// The result columns of a function with OUT arguments (or RETURNS
    /// TABLE), in order; empty for one without.
    pub fn outputs(&self) -> Vec<(String, DataType)> {
        self.params
            .iter()
            .filter(|p| p.mode.is_output())
            .enumerate()
            .map(|(i, p)| {
                (
                    p.name.clone().unwrap_or_else(|| format!("column{}", i + 1)),
                    p.ty,
                )
            })
            .collect()
    }

    /// The input argument types.
    pub fn input_types(&self) -> Vec<DataType> {
        self.inputs().map(|p| p.ty).collect()
    }

    /// `name(type, ...)` as PostgreSQL's messages name it.
    pub fn signature(&self) -> String {
        format!(
            "{}({})",
            self.name,
            self.input_types()
                .iter()
                .map(|t| t.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

/// The row type of function `oid` with several OUT arguments `outputs`:
/// an anonymous composite type keyed by the function's OID (printed as
/// `record`), published so its values have field names and types.
pub fn out_record(db: u32, oid: u32, outputs: &[(String, DataType)]) -> DataType {
    let t = Arc::new(crate::usertype::UserType {
        oid,
        db,
        schema: "pg_catalog".into(),
        name: "record".into(),
        namespace: crate::catalog::system::PG_CATALOG_NS,
        array_oid: 0,
        labels: Vec::new(),
        domain: None,
        composite: Some(crate::usertype::Composite {
            relid: 0,
            names: outputs.iter().map(|(n, _)| n.clone()).collect(),
            types: outputs.iter().map(|(_, t)| (*t, -1)).collect(),
        }),
        range: None,
        multirange_of: None,
    });
    crate::usertype::publish(std::slice::from_ref(&t));
    DataType::Composite(oid)
}

/// The functions of one database, as last read from its catalog.
static REGISTRY: LazyLock<RwLock<HashMap<u32, crate::catalog::UserFunctions>>> =
    LazyLock::new(|| RwLock::new(HashMap::new()));

/// Publishes what a read of database `db`'s catalog found.
pub fn publish(db: u32, functions: &crate::catalog::UserFunctions) {
    REGISTRY.write().insert(db, Arc::clone(functions));
}

/// The functions of database `db` named `name` (any schema), from the
/// registry: for stored expressions, which bind without a catalog.
pub fn registered(db: u32, name: &str) -> Vec<Arc<UserFunction>> {
    REGISTRY
        .read()
        .get(&db)
        .map(|all| all.iter().filter(|f| f.name == name).cloned().collect())
        .unwrap_or_default()
}
