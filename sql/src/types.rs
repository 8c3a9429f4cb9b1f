//! SQL data types as PostgreSQL's pg_type knows them: OID, length,
//! category and preferred flag drive RowDescription and operator
//! resolution.

use std::fmt;

/// An object identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Oid(pub u32);

/// pg_type.typcategory: groups types for implicit-cast preference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeCategory {
    /// 'A'
    Array,
    /// 'B'
    Boolean,
    /// 'C'
    Composite,
    /// 'D'
    DateTime,
    /// 'E'
    Enum,
    /// 'G'
    Geometric,
    /// 'I'
    Network,
    /// 'V'
    BitString,
    /// 'N'
    Numeric,
    /// 'P'
    Pseudo,
    /// 'R'
    Range,
    /// 'S'
    String,
    /// 'T'
    Timespan,
    /// 'U'
    User,
    /// 'X'
    Unknown,
    /// 'Z'
    Internal,
}

impl TypeCategory {
    /// The letter pg_type.typcategory stores.
    pub fn code(self) -> char {
        match self {
            TypeCategory::Array => 'A',
            TypeCategory::Boolean => 'B',
            TypeCategory::Composite => 'C',
            TypeCategory::DateTime => 'D',
            TypeCategory::Enum => 'E',
            TypeCategory::Geometric => 'G',
            TypeCategory::Network => 'I',
            TypeCategory::BitString => 'V',
            TypeCategory::Numeric => 'N',
            TypeCategory::Pseudo => 'P',
            TypeCategory::Range => 'R',
            TypeCategory::String => 'S',
            TypeCategory::Timespan => 'T',
            TypeCategory::User => 'U',
            TypeCategory::Unknown => 'X',
            TypeCategory::Internal => 'Z',
        }
    }
}

/// A data type. Modifiers (varchar length, numeric precision) travel
/// separately as a typmod, as in PostgreSQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum DataType {
    Bool,
    Bytea,
    Char,
    Name,
    Int8,
    Int2,
    Int4,
    Regproc,
    Text,
    Oid,
    Xid,
    /// xid8: a 64-bit transaction id (epoch and xid).
    Xid8,
    Json,
    Float4,
    Float8,
    Unknown,
    Inet,
    /// cidr: a network (no bits right of the mask); binary-coercible to
    /// inet.
    Cidr,
    /// macaddr (EUI-48) and macaddr8 (EUI-64).
    MacAddr,
    MacAddr8,
    /// bit(n) (typmod n; `bit` alone is bit(1)) and bit varying(n).
    Bit,
    VarBit,
    /// pg_lsn: a WAL position.
    PgLsn,
    /// pg_snapshot and the older txid_snapshot.
    PgSnapshot,
    TxidSnapshot,
    Bpchar,
    Varchar,
    Date,
    Time,
    /// time with time zone: a time of day and a UTC offset.
    TimeTz,
    Timestamp,
    TimestampTz,
    Interval,
    Numeric,
    Regclass,
    Regtype,
    /// regnamespace, regrole, regprocedure, regoper: OIDs that print as
    /// the object's name.
    Regnamespace,
    Regrole,
    Regprocedure,
    Regoper,
    /// int2vector and oidvector: arrays printed space-separated, indexed
    /// from 0 (pg_index.indkey, pg_proc.proargtypes).
    Int2Vector,
    OidVector,
    /// aclitem: one privilege grant, as text (`postgres=arwdDxt/postgres`).
    AclItem,
    /// pg_node_tree: a stored expression; actorgres keeps it as SQL text.
    PgNodeTree,
    Record,
    Void,
    Uuid,
    /// money: cents as a 64-bit integer, printed as lc_monetary C prints
    /// it (`$1,234.56`).
    Money,
    Jsonb,
    /// Pseudo-type "any": accepts every argument as it is, unknown too.
    Any,
    /// Pseudo-type of polymorphic functions: any type.
    AnyElement,
    /// Pseudo-type: any non-array type.
    AnyNonArray,
    /// Pseudo-type: any array type.
    AnyArray,
    /// Pseudo-type: any enum type.
    AnyEnum,
    /// Pseudo-type anycompatible: the arguments' common type.
    AnyCompatible,
    /// Pseudo-type anycompatiblearray: an array of that common type.
    AnyCompatibleArray,
    /// Pseudo-types anycompatiblenonarray, anycompatiblerange and
    /// anycompatiblemultirange.
    AnyCompatibleNonArray,
    AnyCompatibleRange,
    AnyCompatibleMultirange,
    /// An array of the element type.
    Array(&'static DataType),
    /// A built-in range type over the element type (int4range,
    /// int8range, numrange, daterange, tsrange, tstzrange).
    Range(&'static DataType),
    /// Pseudo-type anyrange: any range type.
    AnyRange,
    /// A multirange type over the range type (int4multirange over
    /// int4range ...).
    Multirange(&'static DataType),
    /// A range type of CREATE TYPE ... AS RANGE, by its pg_type OID.
    UserRange(u32),
    /// The text search types and the configurations' OID alias.
    TsVector,
    TsQuery,
    RegConfig,
    /// The geometric types.
    Point,
    Lseg,
    Path,
    GeoBox,
    Polygon,
    Line,
    Circle,
    /// Pseudo-type anymultirange: any multirange type.
    AnyMultirange,
    /// Pseudo-type trigger: what a trigger function returns.
    Trigger,
    /// jsonpath: an SQL/JSON path, kept as its normalized text.
    JsonPath,
    /// An enum type (CREATE TYPE ... AS ENUM), by its pg_type OID.
    Enum(u32),
    /// A domain (CREATE DOMAIN), by its pg_type OID. Only a type name
    /// resolves to it (and catalog output): columns and expressions of
    /// a domain carry its base type, the domain's constraints are
    /// checked where a value is cast or assigned to it.
    Domain(u32),
    /// A composite type (CREATE TYPE ... AS (fields)), by its pg_type
    /// OID; its values are row values with its field names.
    Composite(u32),
}

impl DataType {
    /// pg_type.oid.
    pub fn oid(&self) -> Oid {
        use DataType::*;
        crate::types::Oid(match self {
            Bool => 16,
            Bytea => 17,
            Char => 18,
            Name => 19,
            Int8 => 20,
            Int2 => 21,
            Int4 => 23,
            Regproc => 24,
            Text => 25,
            Oid => 26,
            Xid => 28,
            Xid8 => 5069,
            Json => 114,
            Float4 => 700,
            Float8 => 701,
            Unknown => 705,
            Inet => 869,
            Cidr => 650,
            MacAddr => 829,
            MacAddr8 => 774,
            Bit => 1560,
            VarBit => 1562,
            PgLsn => 3220,
            PgSnapshot => 5038,
            TxidSnapshot => 2970,
            Bpchar => 1042,
            Varchar => 1043,
            Date => 1082,
            Time => 1083,
            TimeTz => 1266,
            Timestamp => 1114,
            TimestampTz => 1184,
            Interval => 1186,
            Numeric => 1700,
            Regclass => 2205,
            Regtype => 2206,
            Regnamespace => 4089,
            Regrole => 4096,
            Regprocedure => 2202,
            Regoper => 2203,
            Int2Vector => 22,
            OidVector => 30,
            AclItem => 1033,
            PgNodeTree => 194,
            Record => 2249,
            Void => 2278,
            Uuid => 2950,
            Money => 790,
            Jsonb => 3802,
            Any => 2276,
            AnyElement => 2283,
            AnyNonArray => 2776,
            AnyArray => 2277,
            AnyEnum => 3500,
            AnyCompatible => 5077,
            AnyCompatibleArray => 5078,
            AnyCompatibleNonArray => 5079,
            AnyCompatibleRange => 5080,
            AnyCompatibleMultirange => 4538,
            AnyRange => 3831,
            AnyMultirange => 4537,
            TsVector => 3614,
            TsQuery => 3615,
            RegConfig => 3734,
            Point => 600,
            Lseg => 601,
            Path => 602,
            GeoBox => 603,
            Polygon => 604,
            Line => 628,
            Circle => 718,
            Trigger => 2279,
            JsonPath => 4072,
            Range(elem) => range_oids(elem).0,
            Array(Range(elem)) => range_oids(elem).1,
            Multirange(Range(elem)) => multirange_oids(elem).0,
            Array(Multirange(Range(elem))) => multirange_oids(elem).1,
            Multirange(UserRange(oid)) => crate::usertype::multirange_oid(*oid),
            Array(Multirange(UserRange(oid))) => {
                crate::usertype::array_oid(crate::usertype::multirange_oid(*oid))
            }
            Multirange(_) => 4537,
            Enum(oid) | Domain(oid) | Composite(oid) | UserRange(oid) => *oid,
            Array(Enum(oid) | Composite(oid) | UserRange(oid)) => crate::usertype::array_oid(*oid),
            Array(elem) => match elem {
                Bool => 1000,
                Bytea => 1001,
                TsVector => 3643,
                TsQuery => 3645,
                RegConfig => 3735,
                Point => 1017,
                Lseg => 1018,
                Path => 1019,
                GeoBox => 1020,
                Polygon => 1027,
                Line => 629,
                Circle => 719,
                Char => 1002,
                Inet => 1041,
                Cidr => 651,
                MacAddr => 1040,
                MacAddr8 => 775,
                Bit => 1561,
                VarBit => 1563,
                PgLsn => 3221,
                PgSnapshot => 5039,
                TxidSnapshot => 2949,
                Name => 1003,
                Int2 => 1005,
                Int4 => 1007,
                Text => 1009,
                Bpchar => 1014,
                Varchar => 1015,
                Int8 => 1016,
                Float4 => 1021,
                Float8 => 1022,
                Oid => 1028,
                Timestamp => 1115,
                Date => 1182,
                Time => 1183,
                TimeTz => 1270,
                TimestampTz => 1185,
                Interval => 1187,
                Numeric => 1231,
                Uuid => 2951,
                Money => 791,
                Jsonb => 3807,
                Json => 199,
                Regtype => 2211,
                Regclass => 2210,
                Regproc => 1008,
                Regnamespace => 4090,
                Regrole => 4097,
                Regprocedure => 2207,
                Regoper => 2208,
                AclItem => 1034,
                Int2Vector => 1006,
                OidVector => 1013,
                Xid => 1011,
                Xid8 => 271,
                Record => 2287,
                JsonPath => 4073,
                _ => 2277,
            },
        })
    }

    /// pg_type.typlen: bytes, or -1 for variable length, -2 for C strings.
    pub fn typlen(&self) -> i16 {
        use DataType::*;
        match self {
            Domain(_) => self.base().typlen(),
            Bool | Char => 1,
            Int2 => 2,
            Int4 | Oid | Xid | Regproc | Regclass | Regtype | Regnamespace | Regrole
            | Regprocedure | Regoper | Float4 | Date | Void | Any | AnyElement | AnyNonArray
            | AnyEnum | AnyCompatible | AnyRange | Trigger | Enum(_) => 4,
            AclItem | TimeTz => 12,
            Int8 | Xid8 | Float8 | Time | Timestamp | TimestampTz | Money | MacAddr8 | PgLsn => 8,
            Interval | Uuid | Point => 16,
            Lseg | GeoBox => 32,
            Line | Circle => 24,
            MacAddr => 6,
            Name => 64,
            Unknown => -2,
            _ => -1,
        }
    }

    /// pg_type.typname, the name used in messages and column names.
    pub fn name(&self) -> &'static str {
        use DataType::*;
        match self {
            Bool => "bool",
            Bytea => "bytea",
            Char => "char",
            Name => "name",
            Int8 => "int8",
            Int2 => "int2",
            Int4 => "int4",
            Regproc => "regproc",
            Text => "text",
            Oid => "oid",
            Xid => "xid",
            Xid8 => "xid8",
            Json => "json",
            Float4 => "float4",
            Float8 => "float8",
            Unknown => "unknown",
            Inet => "inet",
            Cidr => "cidr",
            MacAddr => "macaddr",
            MacAddr8 => "macaddr8",
            Bit => "bit",
            VarBit => "varbit",
            PgLsn => "pg_lsn",
            PgSnapshot => "pg_snapshot",
            TxidSnapshot => "txid_snapshot",
            Bpchar => "bpchar",
            Varchar => "varchar",
            Date => "date",
            Time => "time",
            TimeTz => "timetz",
            Timestamp => "timestamp",
            TimestampTz => "timestamptz",
            Interval => "interval",
            Numeric => "numeric",
            Regclass => "regclass",
            Regtype => "regtype",
            Regnamespace => "regnamespace",
            Regrole => "regrole",
            Regprocedure => "regprocedure",
            Regoper => "regoper",
            Int2Vector => "int2vector",
            OidVector => "oidvector",
            AclItem => "aclitem",
            PgNodeTree => "pg_node_tree",
            Record => "record",
            Void => "void",
            Uuid => "uuid",
            Money => "money",
            Jsonb => "jsonb",
            Any => "any",
            AnyElement => "anyelement",
            AnyNonArray => "anynonarray",
            AnyArray => "anyarray",
            AnyEnum => "anyenum",
            AnyCompatible => "anycompatible",
            AnyCompatibleArray => "anycompatiblearray",
            AnyCompatibleNonArray => "anycompatiblenonarray",
            AnyCompatibleRange => "anycompatiblerange",
            AnyCompatibleMultirange => "anycompatiblemultirange",
            AnyRange => "anyrange",
            AnyMultirange => "anymultirange",
            TsVector => "tsvector",
            TsQuery => "tsquery",
            RegConfig => "regconfig",
            Point => "point",
            Lseg => "lseg",
            Path => "path",
            GeoBox => "box",
            Polygon => "polygon",
            Line => "line",
            Circle => "circle",
            Trigger => "trigger",
            JsonPath => "jsonpath",
            Range(elem) => range_names(elem).0,
            Array(Range(elem)) => range_names(elem).1,
            Multirange(Range(elem)) => multirange_names(elem).0,
            Array(Multirange(Range(elem))) => multirange_names(elem).1,
            Multirange(UserRange(oid)) => {
                crate::usertype::static_name(crate::usertype::multirange_oid(*oid))
            }
            Multirange(_) => "anymultirange",
            Enum(oid) | Domain(oid) | Composite(oid) | UserRange(oid) => {
                crate::usertype::static_name(*oid)
            }
            Array(elem) => match elem {
                Bool => "_bool",
                Bytea => "_bytea",
                TsVector => "_tsvector",
                TsQuery => "_tsquery",
                RegConfig => "_regconfig",
                Point => "_point",
                Lseg => "_lseg",
                Path => "_path",
                GeoBox => "_box",
                Polygon => "_polygon",
                Line => "_line",
                Circle => "_circle",
                Char => "_char",
                Inet => "_inet",
                Cidr => "_cidr",
                MacAddr => "_macaddr",
                MacAddr8 => "_macaddr8",
                Bit => "_bit",
                VarBit => "_varbit",
                PgLsn => "_pg_lsn",
                PgSnapshot => "_pg_snapshot",
                TxidSnapshot => "_txid_snapshot",
                Name => "_name",
                Int2 => "_int2",
                Int4 => "_int4",
                Int8 => "_int8",
                Text => "_text",
                Bpchar => "_bpchar",
                Varchar => "_varchar",
                Float4 => "_float4",
                Float8 => "_float8",
                Oid => "_oid",
                Timestamp => "_timestamp",
                Date => "_date",
                Time => "_time",
                TimeTz => "_timetz",
                TimestampTz => "_timestamptz",
                Interval => "_interval",
                Numeric => "_numeric",
                Uuid => "_uuid",
                Money => "_money",
                Jsonb => "_jsonb",
                Json => "_json",
                Regtype => "_regtype",
                Regclass => "_regclass",
                Regproc => "_regproc",
                Regnamespace => "_regnamespace",
                Regrole => "_regrole",
                Regprocedure => "_regprocedure",
                Regoper => "_regoper",
                AclItem => "_aclitem",
                Int2Vector => "_int2vector",
                OidVector => "_oidvector",
                Xid => "_xid",
                Xid8 => "_xid8",
                Record => "_record",
                JsonPath => "_jsonpath",
                _ => "anyarray",
            },
        }
    }

    /// The name format_type() prints ("integer", "character varying").
    pub fn sql_name(&self) -> String {
        use DataType::*;
        match self {
            Bool => "boolean".into(),
            Int2 => "smallint".into(),
            Int4 => "integer".into(),
            Int8 => "bigint".into(),
            Float4 => "real".into(),
            Float8 => "double precision".into(),
            Bpchar => "character".into(),
            Varchar => "character varying".into(),
            VarBit => "bit varying".into(),
            Time => "time without time zone".into(),
            TimeTz => "time with time zone".into(),
            Timestamp => "timestamp without time zone".into(),
            TimestampTz => "timestamp with time zone".into(),
            Char => "\"char\"".into(),
            Array(elem) => format!("{}[]", elem.sql_name()),
            Enum(oid) | Domain(oid) | Composite(oid) | UserRange(oid) => crate::usertype::get(*oid)
                .map_or_else(
                    || "???".to_owned(),
                    |t| crate::func::catalog::quote_ident(&t.name),
                ),
            Multirange(UserRange(oid)) => {
                crate::usertype::get(crate::usertype::multirange_oid(*oid)).map_or_else(
                    || "???".to_owned(),
                    |t| crate::func::catalog::quote_ident(&t.name),
                )
            }
            other => other.name().into(),
        }
    }

    /// pg_type.typcategory.
    pub fn category(&self) -> TypeCategory {
        use DataType::*;
        match self {
            Bool => TypeCategory::Boolean,
            Int2 | Int4 | Int8 | Float4 | Float8 | Numeric | Oid | Regproc | Regclass | Regtype
            | Regnamespace | Regrole | Regprocedure | Regoper | RegConfig | Money => {
                TypeCategory::Numeric
            }
            TsVector | TsQuery => TypeCategory::User,
            Int2Vector | OidVector => TypeCategory::Array,
            PgNodeTree => TypeCategory::String,
            Text | Name | Bpchar | Varchar => TypeCategory::String,
            Date | Time | TimeTz | Timestamp | TimestampTz => TypeCategory::DateTime,
            Interval => TypeCategory::Timespan,
            Inet | Cidr => TypeCategory::Network,
            Point | Lseg | Path | GeoBox | Polygon | Line | Circle => TypeCategory::Geometric,
            Bit | VarBit => TypeCategory::BitString,
            Unknown => TypeCategory::Unknown,
            Char => TypeCategory::Internal,
            Record
            | Void
            | Any
            | AnyElement
            | AnyNonArray
            | AnyArray
            | AnyEnum
            | AnyCompatible
            | AnyCompatibleArray
            | AnyCompatibleNonArray
            | AnyCompatibleRange
            | AnyCompatibleMultirange
            | AnyRange
            | AnyMultirange
            | Trigger => TypeCategory::Pseudo,
            Range(_) | Multirange(_) | UserRange(_) => TypeCategory::Range,
            Enum(_) => TypeCategory::Enum,
            Composite(_) => TypeCategory::Composite,
            Domain(_) => match self.base() {
                Domain(_) => TypeCategory::User,
                base => base.category(),
            },
            // record[] is a pseudo-type, as in PostgreSQL.
            Array(Record) => TypeCategory::Pseudo,
            Array(_) => TypeCategory::Array,
            Bytea | Xid | Xid8 | Json | Jsonb | JsonPath | Uuid | AclItem | MacAddr | MacAddr8
            | PgLsn | PgSnapshot | TxidSnapshot => TypeCategory::User,
        }
    }

    /// pg_type.typispreferred.
    pub fn is_preferred(&self) -> bool {
        use DataType::*;
        matches!(
            self,
            Bool | Text | Oid | Float8 | Inet | TimestampTz | Interval | VarBit
        )
    }

    /// The OID alias types that print as an object's name (all but
    /// regtype, whose names actorgres knows without the catalog).
    pub fn is_catalog_name(&self) -> bool {
        use DataType::*;
        matches!(
            self,
            Regclass | Regproc | Regnamespace | Regrole | Regprocedure | Regoper
        )
    }

    /// A domain's base type (itself for any other type).
    pub fn base(&self) -> DataType {
        match self {
            DataType::Domain(oid) => crate::usertype::get(*oid)
                .and_then(|t| t.domain.as_ref().map(|d| d.base))
                .unwrap_or(DataType::Unknown),
            other => *other,
        }
    }

    /// The OID of the user type this type is, or is an array of.
    pub fn user_type_oid(&self) -> Option<u32> {
        match self {
            DataType::Enum(oid)
            | DataType::Domain(oid)
            | DataType::Composite(oid)
            | DataType::UserRange(oid) => Some(*oid),
            DataType::Array(e) | DataType::Multirange(e) => e.user_type_oid(),
            _ => None,
        }
    }

    /// True for the pseudo-types that match many types.
    pub fn is_polymorphic(&self) -> bool {
        matches!(
            self,
            DataType::Any
                | DataType::AnyRange
                | DataType::AnyMultirange
                | DataType::AnyElement
                | DataType::AnyNonArray
                | DataType::AnyArray
                | DataType::AnyEnum
                | DataType::AnyCompatible
                | DataType::AnyCompatibleArray
                | DataType::AnyCompatibleNonArray
                | DataType::AnyCompatibleRange
                | DataType::AnyCompatibleMultirange
        )
    }

    /// The built-in types pg_type lists: base and pseudo types, then the
    /// arrays of the base types that have one.
    pub fn builtin() -> impl Iterator<Item = DataType> {
        ALL.iter()
            .copied()
            .chain(RANGES.iter().copied())
            .chain(MULTIRANGES.iter().copied())
            .chain(ARRAYS.iter().copied())
    }

    /// This type's array type, if it has one.
    pub fn array_type(&self) -> Option<DataType> {
        if let DataType::Enum(oid) | DataType::Composite(oid) | DataType::UserRange(oid) = self {
            return Some(DataType::Array(crate::usertype::element(*oid)));
        }
        if let DataType::Multirange(DataType::UserRange(oid)) = self {
            let m = crate::usertype::multirange_oid(*oid);
            return Some(DataType::Array(crate::usertype::element(m)));
        }
        ARRAYS
            .iter()
            .find(|a| matches!(a, DataType::Array(e) if *e == self))
            .copied()
    }

    /// pg_type.typarray: this type's array type, or 0.
    pub fn array_oid(&self) -> u32 {
        if let DataType::Enum(oid) | DataType::Composite(oid) | DataType::UserRange(oid) = self {
            return crate::usertype::array_oid(*oid);
        }
        if let DataType::Multirange(DataType::UserRange(oid)) = self {
            return crate::usertype::array_oid(crate::usertype::multirange_oid(*oid));
        }
        ARRAYS
            .iter()
            .find(|a| matches!(a, DataType::Array(e) if *e == self))
            .map_or(0, |a| a.oid().0)
    }

    /// pg_type.typelem: an array's element type; `name` is stored as a
    /// fixed array of `char`, as in PostgreSQL.
    pub fn element_oid(&self) -> u32 {
        match self {
            DataType::Array(e) => e.oid().0,
            DataType::Name => DataType::Char.oid().0,
            _ => 0,
        }
    }

    /// pg_type.typbyval.
    pub fn by_value(&self) -> bool {
        if let DataType::Domain(_) = self {
            return self.base().by_value();
        }
        !matches!(self, DataType::Name | DataType::MacAddr8)
            && matches!(self.typlen(), 1 | 2 | 4 | 8)
    }

    /// pg_type.typtype: 'b' base, 'p' pseudo, 'e' enum.
    pub fn typtype(&self) -> char {
        if let DataType::Enum(_) = self {
            'e'
        } else if let DataType::Domain(_) = self {
            'd'
        } else if let DataType::Composite(_) = self {
            'c'
        } else if let DataType::Range(_) | DataType::UserRange(_) = self {
            'r'
        } else if let DataType::Multirange(_) = self {
            'm'
        } else if matches!(self.category(), TypeCategory::Pseudo) || *self == DataType::Unknown {
            'p'
        } else {
            'b'
        }
    }

    /// The range type over `elem`, if there is a built-in one.
    pub fn range_of(elem: DataType) -> Option<DataType> {
        RANGES
            .iter()
            .copied()
            .find(|r| matches!(r, DataType::Range(e) if **e == elem))
    }

    /// Whether the type has an equality operator of a default B-tree or
    /// hash operator class (what DISTINCT, GROUP BY, UNION and
    /// count(DISTINCT) need; PostgreSQL's typcache lookup).
    pub fn has_equality(&self) -> bool {
        use DataType::*;
        match self {
            Json | JsonPath | Point | Lseg | Line | GeoBox | Path | Polygon | Circle
            | PgSnapshot | TxidSnapshot | Void => false,
            Array(e) => e.has_equality(),
            Domain(_) => self.base().has_equality(),
            UserRange(_) => crate::value::range::element(*self).has_equality(),
            _ => true,
        }
    }

    /// Whether the type has an ordering operator (a default B-tree
    /// operator class: what ORDER BY and merge joins need).
    pub fn has_ordering(&self) -> bool {
        use DataType::*;
        match self {
            AclItem | Xid => false,
            Array(e) => e.has_ordering(),
            Domain(_) => self.base().has_ordering(),
            UserRange(_) => crate::value::range::element(*self).has_ordering(),
            t => t.has_equality(),
        }
    }

    /// The multirange type over range type `range`.
    pub fn multirange_of(range: DataType) -> Option<DataType> {
        if let DataType::UserRange(oid) = range {
            return Some(DataType::Multirange(crate::usertype::element(oid)));
        }
        MULTIRANGES
            .iter()
            .copied()
            .find(|m| matches!(m, DataType::Multirange(r) if **r == range))
    }

    /// A multirange's range type (a range's own type), for the
    /// polymorphic functions over both.
    pub fn range_part(self) -> DataType {
        match self {
            DataType::Multirange(r) => *r,
            other => other,
        }
    }

    /// The type with this OID, if actorgres has it.
    pub fn from_oid(oid: u32) -> Option<DataType> {
        Self::builtin()
            .find(|t| t.oid().0 == oid)
            .or_else(|| {
                [
                    DataType::Any,
                    DataType::AnyElement,
                    DataType::AnyArray,
                    DataType::AnyNonArray,
                    DataType::AnyEnum,
                    DataType::AnyCompatible,
                    DataType::AnyCompatibleArray,
                    DataType::AnyCompatibleNonArray,
                    DataType::AnyCompatibleRange,
                    DataType::AnyCompatibleMultirange,
                    DataType::AnyRange,
                    DataType::AnyMultirange,
                    DataType::Trigger,
                ]
                .into_iter()
                .find(|t| t.oid().0 == oid)
            })
            .or_else(|| crate::usertype::data_type(oid))
    }

    /// A type named as SQL text, after the grammar's aliases (integer →
    /// int4); `None` if unknown.
    pub fn from_name(name: &str) -> Option<DataType> {
        use DataType::*;
        Some(match name {
            "bool" | "boolean" => Bool,
            "bytea" => Bytea,
            "char" => Char,
            "name" => Name,
            "int8" | "bigint" => Int8,
            "int2" | "smallint" => Int2,
            "int4" | "int" | "integer" => Int4,
            "regproc" => Regproc,
            "text" => Text,
            "oid" => Oid,
            "xid" => Xid,
            "xid8" => Xid8,
            "json" => Json,
            "float4" | "real" => Float4,
            "float8" | "double precision" | "float" => Float8,
            "unknown" => Unknown,
            "inet" => Inet,
            "cidr" => Cidr,
            "macaddr" => MacAddr,
            "macaddr8" => MacAddr8,
            "bit" => Bit,
            "varbit" | "bit varying" => VarBit,
            "pg_lsn" => PgLsn,
            "pg_snapshot" => PgSnapshot,
            "txid_snapshot" => TxidSnapshot,
            "bpchar" | "character" => Bpchar,
            "varchar" | "character varying" => Varchar,
            "date" => Date,
            "time" | "time without time zone" => Time,
            "timetz" | "time with time zone" => TimeTz,
            "timestamp" | "timestamp without time zone" => Timestamp,
            "timestamptz" | "timestamp with time zone" => TimestampTz,
            "interval" => Interval,
            "numeric" | "decimal" => Numeric,
            "regclass" => Regclass,
            "regtype" => Regtype,
            "regnamespace" => Regnamespace,
            "regrole" => Regrole,
            "regprocedure" => Regprocedure,
            "regoper" => Regoper,
            "int2vector" => Int2Vector,
            "oidvector" => OidVector,
            "aclitem" => AclItem,
            "pg_node_tree" => PgNodeTree,
            "record" => Record,
            "void" => Void,
            "uuid" => Uuid,
            "money" => Money,
            "int4range" => Range(&Int4),
            "int8range" => Range(&Int8),
            "numrange" => Range(&Numeric),
            "daterange" => Range(&Date),
            "tsrange" => Range(&Timestamp),
            "tstzrange" => Range(&TimestampTz),
            "anyrange" => AnyRange,
            "tsvector" => TsVector,
            "tsquery" => TsQuery,
            "regconfig" => RegConfig,
            "point" => Point,
            "lseg" => Lseg,
            "path" => Path,
            "box" => GeoBox,
            "polygon" => Polygon,
            "line" => Line,
            "circle" => Circle,
            "int4multirange" => Multirange(&Range(&Int4)),
            "int8multirange" => Multirange(&Range(&Int8)),
            "nummultirange" => Multirange(&Range(&Numeric)),
            "datemultirange" => Multirange(&Range(&Date)),
            "tsmultirange" => Multirange(&Range(&Timestamp)),
            "tstzmultirange" => Multirange(&Range(&TimestampTz)),
            "anymultirange" => AnyMultirange,
            "trigger" => Trigger,
            "jsonpath" => JsonPath,
            "jsonb" => Jsonb,
            "anyelement" => AnyElement,
            "anynonarray" => AnyNonArray,
            "anyarray" => AnyArray,
            "anyenum" => AnyEnum,
            "anycompatible" => AnyCompatible,
            "anycompatiblearray" => AnyCompatibleArray,
            "anycompatiblenonarray" => AnyCompatibleNonArray,
            "anycompatiblerange" => AnyCompatibleRange,
            "anycompatiblemultirange" => AnyCompatibleMultirange,
            // `_int4`: the array type's own name.
            _ => {
                return name
                    .strip_prefix('_')
                    .and_then(DataType::from_name)
                    .filter(|e| !matches!(e, Array(_)) && e.name() == &name[1..])
                    .and_then(|e| e.array_type())
            }
        })
    }
}

/// Every non-array type, for lookups by OID.
const ALL: &[DataType] = &[
    DataType::Bool,
    DataType::Bytea,
    DataType::Char,
    DataType::Name,
    DataType::Int8,
    DataType::Int2,
    DataType::Int4,
    DataType::Regproc,
    DataType::Text,
    DataType::Oid,
    DataType::Xid,
    DataType::Xid8,
    DataType::Json,
    DataType::Float4,
    DataType::Float8,
    DataType::Unknown,
    DataType::Inet,
    DataType::Cidr,
    DataType::MacAddr,
    DataType::MacAddr8,
    DataType::Bit,
    DataType::VarBit,
    DataType::PgLsn,
    DataType::PgSnapshot,
    DataType::TxidSnapshot,
    DataType::Bpchar,
    DataType::Varchar,
    DataType::Date,
    DataType::Time,
    DataType::TimeTz,
    DataType::Timestamp,
    DataType::TimestampTz,
    DataType::Interval,
    DataType::Numeric,
    DataType::Regclass,
    DataType::Regtype,
    DataType::Regnamespace,
    DataType::Regrole,
    DataType::Regprocedure,
    DataType::Regoper,
    DataType::Int2Vector,
    DataType::OidVector,
    DataType::AclItem,
    DataType::PgNodeTree,
    DataType::Record,
    DataType::Void,
    DataType::Uuid,
    DataType::Money,
    DataType::Jsonb,
    DataType::JsonPath,
    DataType::Point,
    DataType::Lseg,
    DataType::Path,
    DataType::GeoBox,
    DataType::Polygon,
    DataType::Line,
    DataType::Circle,
    DataType::TsVector,
    DataType::TsQuery,
    DataType::RegConfig,
];

/// The built-in range types.
static RANGES: &[DataType] = &[
    DataType::Range(&DataType::Int4),
    DataType::Range(&DataType::Numeric),
    DataType::Range(&DataType::Timestamp),
    DataType::Range(&DataType::TimestampTz),
    DataType::Range(&DataType::Date),
    DataType::Range(&DataType::Int8),
];

/// The built-in multirange types.
static MULTIRANGES: &[DataType] = &[
    DataType::Multirange(&DataType::Range(&DataType::Int4)),
    DataType::Multirange(&DataType::Range(&DataType::Numeric)),
    DataType::Multirange(&DataType::Range(&DataType::Timestamp)),
    DataType::Multirange(&DataType::Range(&DataType::TimestampTz)),
    DataType::Multirange(&DataType::Range(&DataType::Date)),
    DataType::Multirange(&DataType::Range(&DataType::Int8)),
];

/// A multirange type's OID and its array type's (by range element).
fn multirange_oids(elem: &DataType) -> (u32, u32) {
    match elem {
        DataType::Int4 => (4451, 6150),
        DataType::Numeric => (4532, 6151),
        DataType::Timestamp => (4533, 6152),
        DataType::TimestampTz => (4534, 6153),
        DataType::Date => (4535, 6155),
        DataType::Int8 => (4536, 6157),
        _ => (4537, 2277),
    }
}

/// A multirange type's name and its array type's (by range element).
fn multirange_names(elem: &DataType) -> (&'static str, &'static str) {
    match elem {
        DataType::Int4 => ("int4multirange", "_int4multirange"),
        DataType::Numeric => ("nummultirange", "_nummultirange"),
        DataType::Timestamp => ("tsmultirange", "_tsmultirange"),
        DataType::TimestampTz => ("tstzmultirange", "_tstzmultirange"),
        DataType::Date => ("datemultirange", "_datemultirange"),
        DataType::Int8 => ("int8multirange", "_int8multirange"),
        _ => ("anymultirange", "anyarray"),
    }
}

/// A range type's OID and its array type's (by element).
fn range_oids(elem: &DataType) -> (u32, u32) {
    match elem {
        DataType::Int4 => (3904, 3905),
        DataType::Numeric => (3906, 3907),
        DataType::Timestamp => (3908, 3909),
        DataType::TimestampTz => (3910, 3911),
        DataType::Date => (3912, 3913),
        DataType::Int8 => (3926, 3927),
        _ => (3831, 2277),
    }
}

/// A range type's name and its array type's (by element).
fn range_names(elem: &DataType) -> (&'static str, &'static str) {
    match elem {
        DataType::Int4 => ("int4range", "_int4range"),
        DataType::Numeric => ("numrange", "_numrange"),
        DataType::Timestamp => ("tsrange", "_tsrange"),
        DataType::TimestampTz => ("tstzrange", "_tstzrange"),
        DataType::Date => ("daterange", "_daterange"),
        DataType::Int8 => ("int8range", "_int8range"),
        _ => ("anyrange", "anyarray"),
    }
}

/// Array types with their own pg_type rows.
static ARRAYS: &[DataType] = &[
    DataType::Array(&DataType::Bool),
    DataType::Array(&DataType::Bytea),
    DataType::Array(&DataType::Char),
    DataType::Array(&DataType::Name),
    DataType::Array(&DataType::Int2),
    DataType::Array(&DataType::Int4),
    DataType::Array(&DataType::Int8),
    DataType::Array(&DataType::Text),
    DataType::Array(&DataType::Bpchar),
    DataType::Array(&DataType::Varchar),
    DataType::Array(&DataType::Float4),
    DataType::Array(&DataType::Float8),
    DataType::Array(&DataType::Oid),
    DataType::Array(&DataType::Timestamp),
    DataType::Array(&DataType::Date),
    DataType::Array(&DataType::Time),
    DataType::Array(&DataType::TimeTz),
    DataType::Array(&DataType::TimestampTz),
    DataType::Array(&DataType::Interval),
    DataType::Array(&DataType::Numeric),
    DataType::Array(&DataType::Inet),
    DataType::Array(&DataType::Cidr),
    DataType::Array(&DataType::MacAddr),
    DataType::Array(&DataType::MacAddr8),
    DataType::Array(&DataType::Bit),
    DataType::Array(&DataType::VarBit),
    DataType::Array(&DataType::PgLsn),
    DataType::Array(&DataType::PgSnapshot),
    DataType::Array(&DataType::TxidSnapshot),
    DataType::Array(&DataType::Uuid),
    DataType::Array(&DataType::Money),
    DataType::Array(&DataType::Jsonb),
    DataType::Array(&DataType::Json),
    DataType::Array(&DataType::Regtype),
    DataType::Array(&DataType::Regclass),
    DataType::Array(&DataType::Regproc),
    DataType::Array(&DataType::Regnamespace),
    DataType::Array(&DataType::Regrole),
    DataType::Array(&DataType::Regprocedure),
    DataType::Array(&DataType::Regoper),
    DataType::Array(&DataType::AclItem),
    DataType::Array(&DataType::Int2Vector),
    DataType::Array(&DataType::OidVector),
    DataType::Array(&DataType::Xid),
    DataType::Array(&DataType::Xid8),
    DataType::Array(&DataType::Record),
    DataType::Array(&DataType::JsonPath),
    DataType::Array(&DataType::Range(&DataType::Int4)),
    DataType::Array(&DataType::Range(&DataType::Numeric)),
    DataType::Array(&DataType::Range(&DataType::Timestamp)),
    DataType::Array(&DataType::Range(&DataType::TimestampTz)),
    DataType::Array(&DataType::Range(&DataType::Date)),
    DataType::Array(&DataType::Range(&DataType::Int8)),
    DataType::Array(&DataType::Multirange(&DataType::Range(&DataType::Int4))),
    DataType::Array(&DataType::Multirange(&DataType::Range(&DataType::Numeric))),
    DataType::Array(&DataType::Multirange(&DataType::Range(
        &DataType::Timestamp,
    ))),
    DataType::Array(&DataType::Multirange(&DataType::Range(
        &DataType::TimestampTz,
    ))),
    DataType::Array(&DataType::Multirange(&DataType::Range(&DataType::Date))),
    DataType::Array(&DataType::Multirange(&DataType::Range(&DataType::Int8))),
    DataType::Array(&DataType::Point),
    DataType::Array(&DataType::Lseg),
    DataType::Array(&DataType::Path),
    DataType::Array(&DataType::GeoBox),
    DataType::Array(&DataType::Polygon),
    DataType::Array(&DataType::Line),
    DataType::Array(&DataType::Circle),
    DataType::Array(&DataType::TsVector),
    DataType::Array(&DataType::TsQuery),
    DataType::Array(&DataType::RegConfig),
];

impl fmt::Display for DataType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.sql_name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oids_and_lengths_match_pg_type() {
        // (type, oid, typlen, category, preferred) as pg_type in PostgreSQL 15.
        let table = [
            (DataType::Bool, 16, 1, TypeCategory::Boolean, true),
            (DataType::Int4, 23, 4, TypeCategory::Numeric, false),
            (DataType::Int8, 20, 8, TypeCategory::Numeric, false),
            (DataType::Text, 25, -1, TypeCategory::String, true),
            (DataType::Float8, 701, 8, TypeCategory::Numeric, true),
            (DataType::Numeric, 1700, -1, TypeCategory::Numeric, false),
            (DataType::Unknown, 705, -2, TypeCategory::Unknown, false),
            (DataType::Void, 2278, 4, TypeCategory::Pseudo, false),
            (DataType::Name, 19, 64, TypeCategory::String, false),
            (DataType::Inet, 869, -1, TypeCategory::Network, true),
            (DataType::Cidr, 650, -1, TypeCategory::Network, false),
            (DataType::TimestampTz, 1184, 8, TypeCategory::DateTime, true),
            (DataType::Interval, 1186, 16, TypeCategory::Timespan, true),
        ];
        for (t, oid, len, cat, pref) in table {
            assert_eq!(t.oid().0, oid, "{t:?}");
            assert_eq!(t.typlen(), len, "{t:?}");
            assert_eq!(t.category(), cat, "{t:?}");
            assert_eq!(t.is_preferred(), pref, "{t:?}");
            assert_eq!(DataType::from_oid(oid), Some(t));
        }
        assert_eq!(DataType::Array(&DataType::Int4).oid().0, 1007);
    }

    #[test]
    fn grammar_aliases() {
        assert_eq!(DataType::from_name("integer"), Some(DataType::Int4));
        assert_eq!(
            DataType::from_name("double precision"),
            Some(DataType::Float8)
        );
        assert_eq!(DataType::from_name("nosuch"), None);
    }
}
