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
}

/// A CHECK constraint.
#[derive(Debug, Clone)]
pub struct CheckDef {
    /// Its name.
    pub name: String,
    /// Its expression, as SQL text.
    pub expr: String,
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
}

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
    /// Columns in attribute order, dropped ones included.
    pub columns: Vec<ColumnDef>,
    /// CHECK constraints, sorted by name (the order PostgreSQL checks them).
    pub checks: Vec<CheckDef>,
    /// True for system catalogs (no DDL on them).
    pub system: bool,
    /// For a view: its query, as SQL text (it has no relation file).
    pub view: Option<String>,
    /// Its indexes, by name.
    pub indexes: Vec<IndexDef>,
    /// For a sequence: its options (its relation holds its state).
    pub sequence: Option<SequenceDef>,
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
    /// pg_class.relkind: 'r', 'v' or 'S'.
    pub fn relkind(&self) -> char {
        if self.view.is_some() {
            'v'
        } else if self.sequence.is_some() {
            'S'
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
