//! Definitions read from the catalog.

use actorgres_storage::smgr::RelId;

use crate::table::row::StoredAttr;
use crate::types::DataType;
use crate::value::Value;

/// A column, at its attribute number (index + 1).
#[derive(Debug, Clone)]
pub struct ColumnDef {
    /// Name (`........pg.dropped.N........` once dropped).
    pub name: String,
    /// Type.
    pub ty: DataType,
    /// Type modifier.
    pub typmod: i32,
    /// NOT NULL.
    pub not_null: bool,
    /// Dropped (still stored in old tuples).
    pub dropped: bool,
    /// DEFAULT expression, as SQL text.
    pub default: Option<String>,
    /// What tuples written before the column existed hold.
    pub missing: Value,
    /// GENERATED ALWAYS ('a') or BY DEFAULT ('d') AS IDENTITY; its
    /// default is then `nextval` of the sequence it owns.
    pub identity: Option<char>,
    /// GENERATED ALWAYS AS (expr) STORED: `default` holds the expression
    /// (pg_attrdef, as PostgreSQL keeps it); stored as attidentity 's'.
    pub generated: bool,
    /// The domain the column is of (its `ty` is the domain's base type;
    /// pg_attribute.atttypid holds the domain).
    pub domain: Option<u32>,
    /// Settings that change no value: SET STATISTICS, SET STORAGE, SET
    /// (options).
    pub tuning: ColumnTuning,
    /// Whether the table defines it and how many parents give it.
    pub origin: ColumnOrigin,
}

/// Where a column comes from (pg_attribute's attislocal and
/// attinhcount): a column its parents give cannot be dropped or renamed
/// in the child alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnOrigin {
    /// The table's own definition has it.
    pub local: bool,
    /// How many parents give it.
    pub inherited: i32,
}

impl Default for ColumnOrigin {
    fn default() -> Self {
        ColumnOrigin {
            local: true,
            inherited: 0,
        }
    }
}

impl ColumnOrigin {
    /// A column only parents give.
    pub fn inherited(count: i32) -> ColumnOrigin {
        ColumnOrigin {
            local: false,
            inherited: count,
        }
    }
}

/// A column's statistics target, storage and options (pg_attribute's
/// attstattarget, attstorage and attoptions).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnTuning {
    /// SET STATISTICS n (None: the default, -1).
    pub stattarget: Option<i16>,
    /// SET STORAGE: 'p', 'e', 'x' or 'm' (None: the type's).
    pub storage: Option<char>,
    /// SET (n_distinct = ...): `name=value` texts.
    pub options: Vec<String>,
}

impl ColumnDef {
    /// pg_attribute.atttypid: the domain, else the type.
    pub fn type_oid(&self) -> u32 {
        self.domain.unwrap_or(self.ty.oid().0)
    }
}

/// A CHECK constraint.
#[derive(Debug, Clone)]
pub struct CheckDef {
    /// Its name.
    pub name: String,
    /// Its expression, as SQL text.
    pub expr: String,
    /// False when added NOT VALID and not validated since (rows written
    /// before it are not known to meet it).
    pub validated: bool,
    /// NO INHERIT: children do not get it.
    pub no_inherit: bool,
}

impl CheckDef {
    /// A validated, inheritable CHECK.
    pub fn new(name: String, expr: String) -> CheckDef {
        CheckDef {
            name,
            expr,
            validated: true,
            no_inherit: false,
        }
    }
}

/// A B-tree index on a table's columns (pg_index with its pg_class row).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexDef {
    /// pg_class.oid of the index.
    pub oid: u32,
    /// Name (also the name of its PRIMARY KEY or UNIQUE constraint).
    pub name: String,
    /// The index file.
    pub rel: RelId,
    /// Attribute indexes (attnum - 1) of the key columns, in key order.
    pub columns: Vec<usize>,
    /// UNIQUE (or PRIMARY KEY).
    pub unique: bool,
    /// PRIMARY KEY.
    pub primary: bool,
    /// Expression keys and the WHERE predicate of an index that has
    /// either; `columns` then lists only its plain key columns, and the
    /// keys come from [`IndexExprs::keys`].
    pub exprs: Option<std::sync::Arc<IndexExprs>>,
    /// pg_index.indoption of each key column (1: DESC, 2: NULLS FIRST);
    /// empty when all are ASC NULLS LAST. Entries are kept in ascending
    /// order whatever the option (a scan reads them either way).
    pub options: Vec<i16>,
    /// INCLUDE columns (attribute indexes): kept beside the key for
    /// index-only reads in PostgreSQL, not part of the key here.
    pub include: Vec<usize>,
    /// ALTER TABLE ... CLUSTER ON this index.
    pub clustered: bool,
    /// REPLICA IDENTITY USING INDEX this index.
    pub replident: bool,
    /// SET STATISTICS of each key column (empty: all -1).
    pub stattargets: Vec<i16>,
    /// Storage parameters (pg_class.reloptions of the index).
    pub reloptions: Vec<String>,
    /// The access method (pg_am OID): B-tree (403) and hash (405) keep
    /// their entries in a B-tree; gin, gist, spgist and brin indexes are
    /// recorded but hold no entries, so no plan reads them.
    pub method: u32,
    /// The operator class named for each key column (0: the default).
    pub opclasses: Vec<u32>,
}

impl IndexDef {
    /// Whether the index holds entries (B-tree or hash).
    pub fn has_entries(&self) -> bool {
        self.method == 403 || self.method == 405
    }
}

impl IndexDef {
    /// The key columns of an index on plain columns with no predicate:
    /// the indexes a foreign key, a unique constraint or the planner's
    /// column matching may use.
    pub fn plain_columns(&self) -> Option<&[usize]> {
        self.exprs.is_none().then_some(&self.columns[..])
    }

    /// Its number of key columns (pg_index.indnatts).
    pub fn natts(&self) -> usize {
        self.exprs
            .as_ref()
            .map_or(self.columns.len(), |x| x.keys.len())
    }
}

/// What an expression or partial index adds to its key columns, as SQL
/// text over the table's columns (PostgreSQL's indexprs and indpred).
#[derive(Debug, Default)]
pub struct IndexExprs {
    /// Each key column: its attribute index, or None for the next of
    /// `exprs`.
    pub keys: Vec<Option<usize>>,
    /// The key expressions, in key order.
    pub exprs: Vec<String>,
    /// The WHERE predicate: only rows it holds for have an entry.
    pub predicate: Option<String>,
    /// The expressions and predicate bound against the table's live
    /// columns, once per definition (table/index.rs).
    pub bound: std::sync::OnceLock<crate::error::Result<BoundIndex>>,
}

/// [`IndexExprs`] bound: evaluated on a row of live-column values.
#[derive(Debug)]
pub struct BoundIndex {
    /// The key expressions, in key order.
    pub exprs: Vec<crate::expr::Expr>,
    /// The predicate.
    pub predicate: Option<crate::expr::Expr>,
}

impl PartialEq for IndexExprs {
    fn eq(&self, other: &IndexExprs) -> bool {
        (&self.keys, &self.exprs, &self.predicate) == (&other.keys, &other.exprs, &other.predicate)
    }
}

impl Eq for IndexExprs {}

/// A table (or catalog) definition.
#[derive(Debug, Clone)]
pub struct TableDef {
    /// pg_class.oid.
    pub oid: u32,
    /// Name.
    pub name: String,
    /// Namespace OID.
    pub namespace: u32,
    /// The relation file.
    pub rel: RelId,
    /// Fillfactor, 10..=100.
    pub fillfactor: u8,
    /// Storage parameters as pg_class.reloptions lists them
    /// (`fillfactor=70`, `autovacuum_enabled=off`).
    pub options: Vec<String>,
    /// pg_class.relreplident: 'd' default, 'f' full, 'n' nothing, 'i'
    /// an index.
    pub replident: char,
    /// Columns in attribute order, dropped ones included.
    pub columns: Vec<ColumnDef>,
    /// CHECK constraints, sorted by name (the order PostgreSQL checks them).
    pub checks: Vec<CheckDef>,
    /// True for system catalogs (no DDL on them).
    pub system: bool,
    /// For a view: its query, as SQL text (it has no relation file).
    pub view: Option<String>,
    /// For a materialized view: its query, as SQL text (its rows are
    /// stored in its relation as a table's).
    pub matview: Option<String>,
    /// False for a materialized view made WITH NO DATA and not refreshed
    /// since (pg_class.relispopulated).
    pub populated: bool,
    /// A typed table's composite type (`CREATE TABLE t OF type`).
    pub of_type: Option<u32>,
    /// Its indexes, by name.
    pub indexes: Vec<IndexDef>,
    /// For a sequence: its options (its relation holds its state).
    pub sequence: Option<SequenceDef>,
    /// FOREIGN KEY constraints of this table, by name.
    pub foreign_keys: Vec<ForeignKeyDef>,
    /// FOREIGN KEY constraints of other tables (or this one) that
    /// reference this table, by name.
    pub referenced_by: Vec<ForeignKeyDef>,
    /// For a partitioned table (relkind 'p'): how it divides its rows.
    pub partition_key: Option<PartitionKey>,
    /// For a partition: its parent and its bound (pg_inherits with
    /// relpartbound).
    pub partition_of: Option<PartitionOf>,
    /// The partitions of a partitioned table, by OID.
    pub partitions: Vec<u32>,
    /// The tables it inherits from (INHERITS), in order.
    pub parents: Vec<u32>,
    /// The tables that inherit from it, by OID.
    pub inheritors: Vec<u32>,
    /// What the last ANALYZE found (relpages, reltuples, pg_statistic).
    pub stats: std::sync::Arc<crate::statistics::TableStats>,
    /// Its triggers (pg_trigger), by name: the order they fire in.
    pub triggers: Vec<TriggerDef>,
    /// For a partition: the row triggers of its partitioned ancestors,
    /// which fire for its rows too (PostgreSQL clones them onto it).
    pub ancestor_triggers: Vec<TriggerDef>,
}

/// A trigger (pg_trigger row).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TriggerDef {
    /// pg_trigger.oid.
    pub oid: u32,
    /// Its name.
    pub name: String,
    /// The trigger function's OID.
    pub func: u32,
    /// tgtype: PostgreSQL's bits ([`TriggerDef::ROW`] ...).
    pub tgtype: i16,
    /// tgenabled: 'O' origin (enabled), 'D' disabled, 'R' replica, 'A'
    /// always.
    pub enabled: char,
    /// The arguments given in CREATE TRIGGER, as strings.
    pub args: Vec<String>,
    /// UPDATE OF columns (attnums), in the order written.
    pub columns: Vec<i16>,
    /// WHEN condition, as SQL text over `new` and `old`.
    pub when: Option<String>,
    /// REFERENCING OLD TABLE AS name.
    pub old_table: Option<String>,
    /// REFERENCING NEW TABLE AS name.
    pub new_table: Option<String>,
    /// CREATE CONSTRAINT TRIGGER: (deferrable, initially deferred).
    pub constraint: Option<(bool, bool)>,
}

impl TriggerDef {
    /// FOR EACH ROW.
    pub const ROW: i16 = 1;
    /// BEFORE.
    pub const BEFORE: i16 = 2;
    /// INSERT.
    pub const INSERT: i16 = 4;
    /// DELETE.
    pub const DELETE: i16 = 8;
    /// UPDATE.
    pub const UPDATE: i16 = 16;
    /// TRUNCATE.
    pub const TRUNCATE: i16 = 32;
    /// INSTEAD OF.
    pub const INSTEAD: i16 = 64;

    /// Whether it fires FOR EACH ROW.
    pub fn row(&self) -> bool {
        self.tgtype & Self::ROW != 0
    }

    /// BEFORE, AFTER or INSTEAD OF, as TG_WHEN says it.
    pub fn timing(&self) -> &'static str {
        if self.tgtype & Self::INSTEAD != 0 {
            "INSTEAD OF"
        } else if self.tgtype & Self::BEFORE != 0 {
            "BEFORE"
        } else {
            "AFTER"
        }
    }

    /// Whether it fires for `event` (one of the event bits).
    pub fn on(&self, event: i16) -> bool {
        self.tgtype & event != 0
    }

    /// Whether it is enabled in the session (replication roles aside: a
    /// session is an origin).
    pub fn enabled(&self) -> bool {
        matches!(self.enabled, 'O' | 'A')
    }
}

/// How a partitioned table divides its rows (pg_partitioned_table).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionKey {
    /// 'r' range, 'l' list, 'h' hash (partstrat).
    pub strategy: char,
    /// The key columns' attribute indexes (attnum - 1), in key order.
    pub columns: Vec<usize>,
}

impl PartitionKey {
    /// The strategy as PostgreSQL names it in DDL and messages.
    pub fn strategy_name(&self) -> &'static str {
        match self.strategy {
            'l' => "LIST",
            'h' => "HASH",
            _ => "RANGE",
        }
    }
}

/// A partition's place under its parent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionOf {
    /// The partitioned table's OID.
    pub parent: u32,
    /// The bound as pg_get_expr(relpartbound) prints it
    /// (`FOR VALUES FROM (1) TO (10)`, `DEFAULT` ...).
    pub bound: String,
}

/// A FOREIGN KEY constraint, with the names its messages use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignKeyDef {
    /// pg_constraint.oid.
    pub oid: u32,
    /// Its name.
    pub name: String,
    /// The referencing table's OID and name.
    pub table: (u32, String),
    /// The referencing table's schema.
    pub schema: String,
    /// Referencing attribute indexes (attnum - 1), with their names.
    pub columns: Vec<(usize, String)>,
    /// The referenced table's OID and name.
    pub ref_table: (u32, String),
    /// The referenced table's schema.
    pub ref_schema: String,
    /// Referenced attribute indexes, with their names.
    pub ref_columns: Vec<(usize, String)>,
    /// The referencing columns' types.
    pub types: Vec<DataType>,
    /// The referenced columns' types.
    pub ref_types: Vec<DataType>,
    /// ON UPDATE: 'a' no action, 'r' restrict, 'c' cascade, 'n' set
    /// null, 'd' set default (pg_constraint.confupdtype).
    pub on_update: char,
    /// ON DELETE, as `on_update`.
    pub on_delete: char,
    /// MATCH FULL ('f') or SIMPLE ('s').
    pub match_type: char,
    /// DEFERRABLE.
    pub deferrable: bool,
    /// INITIALLY DEFERRED.
    pub deferred: bool,
    /// Checked against every existing row (not NOT VALID).
    pub validated: bool,
}

impl ForeignKeyDef {
    /// The definition as pg_get_constraintdef prints it; `qualify` names
    /// the referenced table with its schema (not on the search path).
    pub fn definition(&self, qualify: bool) -> String {
        let schema = if qualify {
            format!("{}.", crate::func::quote_ident(&self.ref_schema))
        } else {
            String::new()
        };
        let q = |cols: &[(usize, String)]| {
            cols.iter()
                .map(|(_, n)| crate::func::quote_ident(n))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut out = format!(
            "FOREIGN KEY ({}) REFERENCES {}{}({})",
            q(&self.columns),
            schema,
            crate::func::quote_ident(&self.ref_table.1),
            q(&self.ref_columns)
        );
        if self.match_type == 'f' {
            out.push_str(" MATCH FULL");
        }
        let word = |c: char| match c {
            'r' => "RESTRICT",
            'c' => "CASCADE",
            'n' => "SET NULL",
            'd' => "SET DEFAULT",
            _ => "",
        };
        if self.on_update != 'a' {
            out.push_str(&format!(" ON UPDATE {}", word(self.on_update)));
        }
        if self.on_delete != 'a' {
            out.push_str(&format!(" ON DELETE {}", word(self.on_delete)));
        }
        if self.deferrable {
            out.push_str(" DEFERRABLE");
        }
        if self.deferred {
            out.push_str(" INITIALLY DEFERRED");
        }
        if !self.validated {
            out.push_str(" NOT VALID");
        }
        out
    }

    /// The stored form (pg_constraint.conbin of a 'f' row): the
    /// referenced table and the key columns, actions and flags.
    pub fn encode(&self) -> String {
        let nums = |cols: &[(usize, String)]| {
            cols.iter()
                .map(|(i, _)| (i + 1).to_string())
                .collect::<Vec<_>>()
                .join(" ")
        };
        format!(
            "confrelid={};conkey={};confkey={};upd={};del={};match={};deferrable={};deferred={};validated={}",
            self.ref_table.0,
            nums(&self.columns),
            nums(&self.ref_columns),
            self.on_update,
            self.on_delete,
            self.match_type,
            self.deferrable,
            self.deferred,
            self.validated
        )
    }
}

/// The parts of a stored foreign key ([`ForeignKeyDef::encode`]), before
/// names are attached: (confrelid, conkey, confkey, upd, del, match,
/// deferrable, deferred, validated).
pub(crate) type StoredForeignKey = (
    u32,
    Vec<usize>,
    Vec<usize>,
    char,
    char,
    char,
    bool,
    bool,
    bool,
);

/// Reads [`ForeignKeyDef::encode`]'s text (None if damaged).
pub(crate) fn decode_foreign_key(text: &str) -> Option<StoredForeignKey> {
    let mut f = std::collections::HashMap::new();
    for part in text.split(';') {
        let (k, v) = part.split_once('=')?;
        f.insert(k, v);
    }
    let cols = |k: &str| -> Option<Vec<usize>> {
        f.get(k)?
            .split_whitespace()
            .map(|n| n.parse::<usize>().ok()?.checked_sub(1))
            .collect()
    };
    let ch = |k: &str| f.get(k).and_then(|v| v.chars().next());
    Some((
        f.get("confrelid")?.parse().ok()?,
        cols("conkey")?,
        cols("confkey")?,
        ch("upd")?,
        ch("del")?,
        ch("match").unwrap_or('s'),
        *f.get("deferrable")? == "true",
        *f.get("deferred")? == "true",
        *f.get("validated")? == "true",
    ))
}

/// A sequence's options (pg_sequence).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SequenceDef {
    /// AS type: int2, int4 or int8.
    pub ty: DataType,
    /// START.
    pub start: i64,
    /// INCREMENT.
    pub increment: i64,
    /// MINVALUE.
    pub min: i64,
    /// MAXVALUE.
    pub max: i64,
    /// CACHE.
    pub cache: i64,
    /// CYCLE.
    pub cycle: bool,
    /// OWNED BY: the table's OID and the column's attribute number.
    pub owner: Option<(u32, i16)>,
}

impl TableDef {
    /// pg_class.relkind: 'r', 'p', 'v' or 'S'.
    pub fn relkind(&self) -> char {
        if self.view.is_some() {
            'v'
        } else if self.matview.is_some() {
            'm'
        } else if self.sequence.is_some() {
            'S'
        } else if self.partition_key.is_some() {
            'p'
        } else {
            'r'
        }
    }

    /// The stored attributes, for the row codec.
    pub fn stored(&self) -> Vec<StoredAttr> {
        self.columns
            .iter()
            .map(|c| StoredAttr {
                ty: c.ty,
                missing: c.missing.clone(),
            })
            .collect()
    }

    /// (attribute index, column) for the live columns, in order.
    pub fn live(&self) -> impl Iterator<Item = (usize, &ColumnDef)> {
        self.columns.iter().enumerate().filter(|(_, c)| !c.dropped)
    }

    /// The attribute index of live column `name`.
    pub fn find(&self, name: &str) -> Option<usize> {
        self.live().find(|(_, c)| c.name == name).map(|(i, _)| i)
    }
}

/// A database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseDef {
    /// OID (its directory under base/).
    pub oid: u32,
    /// Name.
    pub name: String,
    /// datallowconn.
    pub allow_connections: bool,
    /// datistemplate.
    pub is_template: bool,
}
