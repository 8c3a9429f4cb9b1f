//! The binder: sqlparser syntax to typed plans, by PostgreSQL's rules.
//!
//! It resolves every name against the scope (the FROM clause's columns),
//! types every expression (literal typing, operator and function
//! resolution, implicit coercion of unknown literals) and reports the
//! errors PostgreSQL reports at parse analysis, with their positions.
//!
//! Rules:
//! 1. Unknown-typed literals ('abc', NULL) stay unknown until context
//!    gives them a type; a literal that cannot be read as that type fails
//!    here, at the literal's position, as in PostgreSQL.
//! 2. Recursion is bounded: every recursive step checks the stack it has
//!    left ([`crate::stack::check`]); too deep is 54001 "stack depth limit
//!    exceeded", never a crashed thread. Long left-deep chains cost time
//!    linear in their length: positions come from [`span`]'s walks down
//!    one edge of the tree, never from sqlparser's whole-subtree spans, and
//!    AND / OR chains are flattened without recursion.
//! 3. A select-list item that stays unknown is output as text.

mod expr;
mod group;
mod inherit;
mod locking;
mod names;
mod plpgsql;
mod regname;
mod routine;
mod search_cycle;
mod select;
mod span;
mod srf;
mod subquery;
mod tsrf;
mod viewdef;
mod window;

use sqlparser::tokenizer::Location;

pub(crate) use locking::lock_strength;
pub use names::{figure_colname, ident, object_name, sql_type, sql_type_with, truncate_identifier};
pub(crate) use plpgsql::{compile_trigger, foreach_variable, TriggerShape};
pub(crate) use regname::{qualified_name, type_by_name};
pub(crate) use routine::{bind_sql_body, body_error};
pub(crate) use select::{infinite_view_recursion, split_equi_keys};
pub(crate) use tsrf::mentions_srf;
pub(crate) use viewdef::view_definition;

/// Whether a call of `name` aggregates rows or returns a set (a view
/// whose select list has one is not automatically updatable).
pub(crate) fn aggregates_or_returns_set(name: &str) -> bool {
    group::is_aggregate(name) || srf::is_srf(name)
}

/// The system column every computed catalog relation has: the relation's
/// OID. It is hidden from `*` but found by name.
pub(crate) const SYSTEM_TABLEOID: &str = "tableoid";

use std::sync::Arc;

use crate::catalog::TableDef;
use crate::error::{Result, SqlError, SqlState};
use crate::types::DataType;
use crate::value::OutputStyle;

/// Where the binder finds tables: the session's catalog, locking each
/// table it returns (AccessShare) until the transaction ends.
pub trait TableSource {
    /// The table `schema.name`, or None.
    fn table(&mut self, schema: Option<&str>, name: &str) -> Result<Option<Arc<TableDef>>>;

    /// The primary key attribute numbers of table `oid` (empty if none
    /// or unknown).
    fn primary_key(&mut self, _oid: u32) -> Vec<i16> {
        Vec::new()
    }

    /// The index `schema.name`: its OID and schema, or None.
    fn index(&mut self, _schema: Option<&str>, _name: &str) -> Option<(u32, u32)> {
        None
    }

    /// The table with OID `oid` (a partition of a table being read),
    /// locked for reading, or None.
    fn table_by_oid(&mut self, _oid: u32) -> Result<Option<Arc<TableDef>>> {
        Ok(None)
    }

    /// The user-defined type named by `parts` (unqualified or
    /// `schema.name`), or None.
    fn user_type(&mut self, _parts: &[String]) -> Result<Option<DataType>> {
        Ok(None)
    }

    /// The user-defined functions named by `parts` (unqualified: in the
    /// search path's schemas, in its order).
    fn functions(&mut self, _parts: &[String]) -> Result<Vec<Arc<crate::routine::UserFunction>>> {
        Ok(Vec::new())
    }

    /// The statement calls txid_current() or pg_current_xact_id(): its
    /// transaction takes an xid now if it has none (where there is a
    /// transaction).
    fn assign_xid(&mut self) -> Result<()> {
        Ok(())
    }

    /// The database's schemas, (oid, name).
    fn namespaces(&mut self) -> Vec<(u32, String)> {
        vec![
            (crate::catalog::system::PG_CATALOG_NS, "pg_catalog".into()),
            (crate::catalog::system::PUBLIC_NS, "public".into()),
        ]
    }

    /// The RETURNING rows of data-modifying WITH query `name`, run
    /// before the statement.
    fn dml_cte(&mut self, _name: &str) -> Option<DmlCte> {
        None
    }

    /// The cluster's roles.
    fn roles(&mut self) -> Vec<crate::catalog::roles::Role> {
        crate::catalog::roles::Role::builtin()
    }

    /// 42501 unless `role` (None: the current user) holds `privs` on
    /// relation `def`.
    fn check_privileges(&mut self, _def: &TableDef, _privs: u32, _role: Option<u32>) -> Result<()> {
        Ok(())
    }

    /// Which columns of relation `def` `role` (None: the current user)
    /// may read: None for all of them (SELECT on the relation), else the
    /// attribute numbers its column privileges allow; 42501 for none.
    fn readable_columns(
        &mut self,
        _def: &TableDef,
        _role: Option<u32>,
    ) -> Result<Option<Vec<i16>>> {
        Ok(None)
    }

    /// 42501 unless the current user may use schema `schema` (USAGE), for
    /// a name qualified with it.
    fn check_schema_usage(&mut self, _schema: &str) -> Result<()> {
        Ok(())
    }

    /// 42501 unless the current user may call function `f` (EXECUTE).
    fn check_execute(&mut self, _f: &crate::routine::UserFunction) -> Result<()> {
        Ok(())
    }

    /// The name of the owner of function `oid` (a SECURITY DEFINER
    /// function's body is bound and run as it).
    fn function_owner(&mut self, _oid: u32) -> Option<String> {
        None
    }

    /// Makes `role` (None: back to no SET ROLE) the current user while a
    /// SECURITY DEFINER body is bound; returns the setting it replaced.
    fn swap_role(&mut self, _role: &str) -> String {
        String::new()
    }

    /// The owner of relation `oid`.
    fn relation_owner(&mut self, _oid: u32) -> u32 {
        crate::catalog::roles::BOOTSTRAP_SUPERUSER
    }
}

/// The result of a data-modifying WITH query: its RETURNING columns and
/// rows.
#[derive(Debug, Clone)]
pub struct DmlCte {
    /// The WITH query's name.
    pub name: String,
    /// RETURNING's columns (renamed by the WITH query's column list).
    pub columns: Vec<crate::plan::OutputColumn>,
    /// The rows.
    pub rows: Arc<Vec<Vec<crate::value::Value>>>,
}

/// No tables at all (tests, expressions outside statements).
pub struct NoTables;

impl TableSource for NoTables {
    fn table(&mut self, _: Option<&str>, _: &str) -> Result<Option<Arc<TableDef>>> {
        Ok(None)
    }
}

/// The most parameters a statement may have: Bind carries their count
/// in 16 bits (PostgreSQL's PQ_QUERY_PARAM_MAX_LIMIT).
pub const MAX_PARAMS: usize = 65535;

/// One column visible to expressions.
#[derive(Debug, Clone)]
pub struct ScopeColumn {
    /// The table name or alias it can be qualified with.
    pub table: Option<String>,
    /// Column name.
    pub name: String,
    /// Type.
    pub ty: DataType,
    /// Type modifier.
    pub typmod: i32,
    /// Source table OID (for RowDescription), or 0.
    pub table_oid: u32,
    /// Source attribute number, or 0.
    pub attnum: i16,
    /// Reachable only qualified, and not part of `*` (the two originals
    /// of a JOIN USING column).
    pub hidden: bool,
    /// The one result column of a function whose result is not a row
    /// (json_array_elements' `value`): a whole-row reference to its FROM
    /// item reads the value itself, as in PostgreSQL.
    pub scalar: bool,
}

impl ScopeColumn {
    /// The hidden `tableoid` system column of `table`, read from the row
    /// (scans of several tables, rows routed to partitions).
    pub fn tableoid(table: Option<String>, table_oid: u32) -> ScopeColumn {
        ScopeColumn {
            table,
            name: SYSTEM_TABLEOID.into(),
            ty: DataType::Oid,
            typmod: -1,
            table_oid,
            attnum: -6,
            hidden: true,
            scalar: false,
        }
    }
}

/// The columns of the input rows an expression is evaluated against, in
/// row order.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// Columns, indexed as in the row.
    pub columns: Vec<ScopeColumn>,
}

/// The columns of stored table `def`, qualified by `alias` or its name.
pub fn table_scope(def: &TableDef, alias: Option<&str>) -> Scope {
    let table = alias.unwrap_or(&def.name).to_owned();
    Scope {
        columns: def
            .live()
            .map(|(i, c)| ScopeColumn {
                table: Some(table.clone()),
                name: c.name.clone(),
                ty: c.ty,
                typmod: c.typmod,
                table_oid: def.oid,
                attnum: (i + 1) as i16,
                hidden: false,
                scalar: false,
            })
            .collect(),
    }
}

/// Binds statements of one query string.
pub struct Binder<'a> {
    /// The whole query text, for error positions.
    text: span::Text<'a>,
    /// Expression starts and ends.
    spans: span::Spans,
    /// Session output settings (reading literals such as 'now').
    style: OutputStyle,
    /// Types of $n parameters: given by the client or inferred here.
    params: Vec<DataType>,
    /// A `$n` beyond `params` adds an untyped parameter (a Parse message
    /// that leaves types to the server) instead of failing with 42P02.
    variable_params: bool,
    /// Where tables come from.
    tables: &'a mut dyn TableSource,
    /// Scopes of the queries around the one being bound, innermost last,
    /// each with whether the subquery bound inside it reads any of them.
    outer: Vec<(Scope, bool)>,
    /// Why an aggregate is not allowed here (the 42803 message), if not.
    no_aggs: Option<&'static str>,
    /// For each subquery of an expression being bound: the length of
    /// `outer` with its enclosing query's scope pushed, and why that
    /// query refuses aggregates where the subquery stands, if it does
    /// (an aggregate of that query written inside the subquery is
    /// refused the same).
    agg_levels: Vec<(usize, Option<&'static str>)>,
    /// WITH queries in scope, innermost last.
    ctes: Vec<srf::CteDef>,
    /// Next recursive CTE work table id.
    next_worktable: usize,
    /// While a select list, ORDER BY, GROUP BY or DISTINCT ON is bound:
    /// the width of the scope whose expressions may hold set-returning
    /// calls. None where such calls are not allowed.
    srf_width: Option<usize>,
    /// A window function's arguments are being bound.
    in_window_args: bool,
    /// The views being expanded, innermost last (a view reaching itself
    /// is 42P17).
    expanding_views: Vec<u32>,
    /// Whose privileges relations are checked with: None for the current
    /// user; a view's owner while its query is bound (PostgreSQL checks
    /// a view's relations as its owner).
    check_as: Option<u32>,
    /// Relations the user may read only some columns of (column
    /// privileges without the table's): OID, name and the attribute
    /// numbers allowed. A reference to another column is 42501.
    restricted: Vec<(u32, String, Vec<i16>)>,
    /// Privileges are not checked (a view's query at CREATE VIEW: it is
    /// checked as its owner when used).
    unchecked: bool,
    /// Why set-returning calls are refused in the clause being bound
    /// (HAVING, VALUES, a FROM function's arguments), if by name.
    srf_refused: Option<&'static str>,
    /// An aggregate's arguments are being bound.
    in_aggregate: bool,
    /// Window functions are allowed here (select list, ORDER BY).
    windows_ok: bool,
    /// Binding a window's PARTITION BY / ORDER BY / frame (a window call
    /// there is "not allowed in window definitions").
    in_window_definition: bool,
    /// The WINDOW clause of the SELECT being bound: name → definition.
    named_windows: Vec<(String, sqlparser::ast::WindowSpec)>,
    /// While rewriting over a GROUPING SETS aggregate: constants that are
    /// group expressions become their (sometimes NULL) group column too.
    group_consts: bool,
    /// The next SELECT's list is a set operation's operand: its unknown
    /// literals stay unknown for the operation to resolve (PostgreSQL's
    /// resolve_unknowns = false), so `SELECT 1 UNION SELECT NULL` is
    /// integer.
    set_operand: bool,
    /// FOR UPDATE / SHARE of the SELECT being bound.
    locking: locking::Locking,
    /// The names of every FROM item of the FROM clauses being bound,
    /// innermost last: a reference to one that is not in scope there is
    /// PostgreSQL's "invalid reference to FROM-clause entry".
    from_names: Vec<Vec<String>>,
    /// The query is a cursor's: its rows keep the tuple ids of the table
    /// rows they come from (WHERE CURRENT OF).
    cursor_positions: bool,
    /// Those tables, whose tuple ids follow the query's columns in each
    /// row, and whether the cursor locks its rows.
    cursor_tables: Option<(Vec<u32>, bool)>,
    /// Binding a SQL function's body: the index in `outer` of the level
    /// whose columns are its arguments (`$n` reads them).
    function_params: Option<usize>,
    /// The user-defined functions whose bodies are being bound, outermost
    /// first.
    calling: Vec<u32>,
    /// A set-returning user-defined call is wanted as its array of rows
    /// (a FROM item unnests it).
    bare_set_calls: bool,
    /// Binding CALL's procedure call: only procedures are called.
    procedure_call: bool,
}

impl<'a> Binder<'a> {
    /// Refuses aggregate (and window) calls from here on with `why`
    /// (PostgreSQL's 42803 message for the clause being bound, such as
    /// "aggregate functions are not allowed in RETURNING"); returns what
    /// was refused before, for [`Binder::allow_aggregates`].
    pub(crate) fn refuse_aggregates(&mut self, why: &'static str) -> Option<&'static str> {
        self.no_aggs.replace(why)
    }

    /// Restores what [`Binder::refuse_aggregates`] returned.
    pub(crate) fn allow_aggregates(&mut self, before: Option<&'static str>) {
        self.no_aggs = before;
    }

    /// A type name as the session sees it: built-in, or user-defined on
    /// the search path.
    #[inline(never)]
    pub(crate) fn resolve_type(&mut self, t: &sqlparser::ast::DataType) -> Result<(DataType, i32)> {
        let tables = &mut *self.tables;
        sql_type_with(t, &mut |parts| tables.user_type(parts))
    }

    /// A binder for `sql` with parameter types `params` (empty for a
    /// simple query), finding tables in `tables`.
    pub fn new(
        sql: &'a str,
        style: OutputStyle,
        params: Vec<DataType>,
        tables: &'a mut dyn TableSource,
    ) -> Self {
        Binder {
            text: span::Text::new(sql),
            spans: span::Spans::new(sql.len()),
            style,
            params,
            variable_params: false,
            tables,
            outer: Vec::new(),
            no_aggs: None,
            agg_levels: Vec::new(),
            ctes: Vec::new(),
            next_worktable: 0,
            srf_width: None,
            in_window_args: false,
            expanding_views: Vec::new(),
            check_as: None,
            restricted: Vec::new(),
            unchecked: false,
            srf_refused: None,
            in_aggregate: false,
            windows_ok: false,
            in_window_definition: false,
            named_windows: Vec::new(),
            group_consts: false,
            set_operand: false,
            locking: locking::Locking::default(),
            from_names: Vec::new(),
            cursor_positions: false,
            cursor_tables: None,
            function_params: None,
            calling: Vec::new(),
            bare_set_calls: false,
            procedure_call: false,
        }
    }

    /// Lets `$n` beyond the given parameter types add untyped ones, whose
    /// types the binding infers (the extended protocol's Parse).
    pub fn with_variable_params(mut self, on: bool) -> Self {
        self.variable_params = on;
        self
    }

    /// Binds a cursor's query: rows keep their tables' tuple ids after
    /// the visible columns (see [`Binder::cursor_tables`]).
    pub fn for_cursor(mut self) -> Self {
        self.cursor_positions = true;
        self
    }

    /// After a cursor's query is bound: the OIDs of the tables whose tuple
    /// ids follow the visible columns of each row, and whether the rows
    /// are locked (FOR UPDATE / SHARE).
    pub fn cursor_tables(&self) -> Option<(Vec<u32>, bool)> {
        self.cursor_tables.clone()
    }

    /// The parameter types at the end of binding.
    pub fn into_params(self) -> Vec<DataType> {
        self.params
    }

    /// 1-based character position of a location, if it has one.
    fn pos(&self, loc: Location) -> Option<u32> {
        self.text.position(loc)
    }

    /// Position where a syntax node starts.
    pub(crate) fn pos_of(&self, node: &impl span::Start) -> Option<u32> {
        self.pos(node.start())
    }

    /// Position where an expression starts (remembered along long chains).
    pub(crate) fn expr_pos(&self, e: &sqlparser::ast::Expr) -> Option<u32> {
        self.pos(self.spans.start(e))
    }

    /// Position of the first non-blank character at or after the end of
    /// `node`: where an infix operator or `::` stands.
    fn pos_after(&self, node: &sqlparser::ast::Expr) -> Option<u32> {
        let end = self.pos(self.spans.end(node))? as usize;
        let skipped = self.text.count_from(end, |c| c.is_whitespace() || c == ')');
        let casts = span::trailing_casts(node);
        u32::try_from(self.text.skip_casts(end + skipped, casts)).ok()
    }

    /// Resolves a (possibly schema-qualified) table name; 42P01 if absent.
    pub(crate) fn lookup_table(
        &mut self,
        parts: &[String],
        pos: Option<u32>,
    ) -> Result<Arc<TableDef>> {
        let (schema, name) = match parts {
            [name] => (None, name.as_str()),
            [schema, name] => (Some(schema.as_str()), name.as_str()),
            [_db, schema, name] => (Some(schema.as_str()), name.as_str()),
            _ => return Err(SqlError::internal("empty table name")),
        };
        if let Some(t) = self.tables.table(schema, name)? {
            if let (Some(s), false) = (schema, self.unchecked) {
                self.tables.check_schema_usage(s).map_err(|e| e.at(pos))?;
            }
            return Ok(t);
        }
        // A composite type has a pg_class row but no rows.
        if let Ok(Some(DataType::Composite(_))) = self.tables.user_type(parts) {
            return Err(SqlError::new(
                SqlState::WRONG_OBJECT_TYPE,
                format!("\"{name}\" is a composite type"),
            )
            .at(pos));
        }
        Err(SqlError::new(
            SqlState::UNDEFINED_TABLE,
            format!("relation \"{}\" does not exist", parts.join(".")),
        )
        .at(pos))
    }

    /// Binds without checking privileges.
    pub(crate) fn unchecked(mut self) -> Self {
        self.unchecked = true;
        self
    }

    /// Lets the statement read only columns `allowed` of relation `oid`
    /// (a DML target whose reading needs SELECT).
    pub(crate) fn restrict(&mut self, oid: u32, name: &str, allowed: Vec<i16>) {
        self.restricted.push((oid, name.to_owned(), allowed));
    }

    /// 42501 unless column `attnum` of relation `oid` may be read.
    pub(crate) fn check_column_readable(&self, oid: u32, attnum: i16) -> Result<()> {
        match self.restricted.iter().find(|(o, _, _)| *o == oid) {
            Some((_, name, allowed)) if attnum > 0 && !allowed.contains(&attnum) => {
                Err(crate::session::privilege::denied("table", name))
            }
            _ => Ok(()),
        }
    }

    /// Enters one level of nesting: 54001 when the stack is used up.
    fn enter(&mut self) -> Result<()> {
        crate::stack::check()
    }
}
