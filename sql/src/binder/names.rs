//! Names the binder derives from syntax: result column names
//! (PostgreSQL's FigureColname) and SQL type names.

use sqlparser::ast::{self, DataType as AstType, ExactNumberInfo, Expr as AstExpr};

use crate::error::{Result, SqlError, SqlState};
use crate::types::DataType;

/// An identifier as PostgreSQL folds it: unquoted names go to lower case.
pub fn ident(i: &ast::Ident) -> String {
    let mut name = if i.quote_style.is_some() {
        i.value.clone()
    } else {
        i.value.to_lowercase()
    };
    truncate_identifier(&mut name);
    name
}

/// PostgreSQL's NAMEDATALEN - 1: the most bytes a name keeps.
pub const MAX_IDENTIFIER_BYTES: usize = 63;

/// Cuts `name` to [`MAX_IDENTIFIER_BYTES`] on a character boundary, as
/// truncate_identifier does; true when it was longer.
pub fn truncate_identifier(name: &mut String) -> bool {
    if name.len() <= MAX_IDENTIFIER_BYTES {
        return false;
    }
    let mut end = MAX_IDENTIFIER_BYTES;
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    name.truncate(end);
    true
}

/// The parts of a dotted name, folded.
pub fn object_name(name: &ast::ObjectName) -> Vec<String> {
    name.0
        .iter()
        .map(|p| match p.as_ident() {
            Some(i) => ident(i),
            None => p.to_string().to_lowercase(),
        })
        .collect()
}

/// FigureColname: the name PostgreSQL gives a select-list item without
/// an alias. `None` means `?column?`.
pub fn figure_colname(e: &AstExpr) -> Option<String> {
    let mut e = e;
    loop {
        match e {
            AstExpr::Cast { data_type, .. } => {
                // A cast keeps a strong inner name (a column or function);
                // over a weak one (a literal, CASE, another cast) its type
                // names the column, as FigureColnameInternal's strengths
                // do. Chains of casts are walked, not recursed into.
                let mut base = e;
                while let AstExpr::Cast { expr, .. } | AstExpr::Nested(expr) = base {
                    base = expr;
                }
                return strong_colname(base).or_else(|| Some(type_colname(data_type)));
            }
            AstExpr::Nested(inner) | AstExpr::Collate { expr: inner, .. } => e = inner,
            // `a[1]` is named after `a`.
            AstExpr::CompoundFieldAccess { root, access_chain }
                if matches!(access_chain.last(), Some(ast::AccessExpr::Subscript(_))) =>
            {
                e = root
            }
            // `(v).f` is named after the field.
            AstExpr::CompoundFieldAccess { access_chain, .. }
                if matches!(
                    access_chain.last(),
                    Some(ast::AccessExpr::Dot(AstExpr::Identifier(_)))
                ) =>
            {
                if let Some(ast::AccessExpr::Dot(AstExpr::Identifier(id))) = access_chain.last() {
                    return Some(super::ident(id));
                }
            }
            AstExpr::TypedString(ts) => return Some(type_colname(&ts.data_type)),
            AstExpr::Interval(_) => return Some("interval".into()),
            // CASE is named after a strong ELSE result (a column or
            // function), else "case".
            AstExpr::Case { else_result, .. } => {
                // Through parentheses and casts, as a cast keeps a strong
                // inner name.
                let mut r = else_result.as_deref();
                while let Some(AstExpr::Nested(inner) | AstExpr::Cast { expr: inner, .. }) = r {
                    r = Some(inner);
                }
                return r.and_then(strong_colname).or_else(|| Some("case".into()));
            }
            other => return strong_colname(other),
        }
    }
}

/// The names of strength 2: columns, functions and the like.
fn strong_colname(e: &AstExpr) -> Option<String> {
    match e {
        AstExpr::Identifier(i) => Some(ident(i)),
        AstExpr::CompoundIdentifier(parts) => parts.last().map(ident),
        AstExpr::Function(f) => object_name(&f.name).pop(),
        AstExpr::Collate { expr, .. } => figure_colname(expr),
        AstExpr::Exists { .. } => Some("exists".into()),
        AstExpr::Array(_) => Some("array".into()),
        // `(a, b)`: a row constructor (RowExpr).
        AstExpr::Tuple(_) => Some("row".into()),
        AstExpr::Substring {
            shorthand: true, ..
        } => Some("substr".into()),
        AstExpr::Substring { .. } => Some("substring".into()),
        AstExpr::Position { .. } => Some("position".into()),
        AstExpr::AtTimeZone { .. } => Some("timezone".into()),
        AstExpr::Trim { trim_where, .. } => Some(
            match trim_where {
                Some(ast::TrimWhereField::Leading) => "ltrim",
                Some(ast::TrimWhereField::Trailing) => "rtrim",
                _ => "btrim",
            }
            .into(),
        ),
        AstExpr::Extract { .. } => Some("extract".into()),
        AstExpr::Overlay { .. } => Some("overlay".into()),
        AstExpr::Ceil { .. } => Some("ceil".into()),
        AstExpr::Floor { .. } => Some("floor".into()),
        AstExpr::Subquery(q) => subquery_colname(q),
        _ => None,
    }
}

/// A scalar subquery is named after its single output column.
fn subquery_colname(q: &ast::Query) -> Option<String> {
    if let ast::SetExpr::Select(s) = q.body.as_ref() {
        match s.projection.first()? {
            ast::SelectItem::UnnamedExpr(e) => figure_colname(e),
            ast::SelectItem::ExprWithAlias { alias, .. } => Some(ident(alias)),
            _ => None,
        }
    } else {
        None
    }
}

/// The column name of a bare cast: the type's internal name ("int4").
fn type_colname(t: &AstType) -> String {
    match (sql_type(t), t) {
        // `int[]` is named after its element type, as PostgreSQL names
        // a cast after the last word of its type name.
        (
            _,
            AstType::Array(
                ast::ArrayElemTypeDef::AngleBracket(e)
                | ast::ArrayElemTypeDef::SquareBracket(e, _)
                | ast::ArrayElemTypeDef::Parenthesis(e),
            ),
        ) => type_colname(e),
        (Ok((ty, _)), _) => ty.name().to_owned(),
        // A user type: its own name, without the schema.
        (Err(_), AstType::Custom(name, _)) => object_name(name).pop().unwrap_or_default(),
        (Err(_), _) => t.to_string().to_lowercase(),
    }
}

/// Maps a sqlparser type to a type and typmod; 42704 for unknown names.
/// Only built-in types: see [`sql_type_with`] for user-defined ones.
pub fn sql_type(t: &AstType) -> Result<(DataType, i32)> {
    sql_type_with(t, &mut |_| Ok(None))
}

/// Finds a user-defined type by its name's parts.
pub type UserTypeLookup<'a> = dyn FnMut(&[String]) -> Result<Option<DataType>> + 'a;

/// Maps a sqlparser type to a type and typmod, looking names that are
/// not built-in up with `user`; 42704 for unknown names.
pub fn sql_type_with(t: &AstType, user: &mut UserTypeLookup<'_>) -> Result<(DataType, i32)> {
    use DataType as D;
    // anychar_typmodin's bounds, with its messages.
    let char_len = |l: &Option<ast::CharacterLength>, name: &str| match l {
        Some(ast::CharacterLength::IntegerLength { length, .. }) => {
            if *length < 1 {
                return Err(SqlError::new(
                    SqlState::INVALID_PARAMETER_VALUE,
                    format!("length for type {name} must be at least 1"),
                ));
            }
            if *length > 10_485_760 {
                return Err(SqlError::new(
                    SqlState::INVALID_PARAMETER_VALUE,
                    format!("length for type {name} cannot exceed 10485760"),
                ));
            }
            Ok(i32::try_from(*length).ok().map(|n| n + 4))
        }
        _ => Ok(None),
    };
    Ok(match t {
        AstType::Boolean | AstType::Bool => (D::Bool, -1),
        AstType::SmallInt(_) | AstType::Int2(_) => (D::Int2, -1),
        AstType::Int(_) | AstType::Integer(_) | AstType::Int4(_) => (D::Int4, -1),
        AstType::BigInt(_) | AstType::Int8(_) => (D::Int8, -1),
        AstType::Real | AstType::Float4 => (D::Float4, -1),
        AstType::Double(_) | AstType::DoublePrecision | AstType::Float8 => (D::Float8, -1),
        AstType::Float(info) => match info {
            ExactNumberInfo::Precision(p) | ExactNumberInfo::PrecisionAndScale(p, _)
                if *p <= 24 =>
            {
                if *p == 0 {
                    return Err(SqlError::new(
                        SqlState::INVALID_PARAMETER_VALUE,
                        "precision for type float must be at least 1 bit",
                    ));
                }
                (D::Float4, -1)
            }
            ExactNumberInfo::Precision(p) | ExactNumberInfo::PrecisionAndScale(p, _) if *p > 53 => {
                return Err(SqlError::new(
                    SqlState::INVALID_PARAMETER_VALUE,
                    "precision for type float must be less than 54 bits",
                ))
            }
            _ => (D::Float8, -1),
        },
        AstType::Numeric(info) | AstType::Decimal(info) | AstType::Dec(info) => {
            let (p, s) = match info {
                ExactNumberInfo::None => return Ok((D::Numeric, -1)),
                ExactNumberInfo::Precision(p) => (*p as i64, 0),
                ExactNumberInfo::PrecisionAndScale(p, s) => (*p as i64, *s),
            };
            if !(1..=1000).contains(&p) {
                return Err(SqlError::new(
                    SqlState::INVALID_PARAMETER_VALUE,
                    format!("NUMERIC precision {p} must be between 1 and 1000"),
                ));
            }
            if !(-1000..=1000).contains(&s) {
                return Err(SqlError::new(
                    SqlState::INVALID_PARAMETER_VALUE,
                    format!("NUMERIC scale {s} must be between -1000 and 1000"),
                ));
            }
            (D::Numeric, (((p as i32) << 16) | (s as i32 & 0xffff)) + 4)
        }
        AstType::Text | AstType::String(_) => (D::Text, -1),
        AstType::Varchar(l) | AstType::CharacterVarying(l) | AstType::CharVarying(l) => {
            (D::Varchar, char_len(l, "varchar")?.unwrap_or(-1))
        }
        AstType::Char(l) | AstType::Character(l) => {
            (D::Bpchar, char_len(l, "char")?.unwrap_or(1 + 4))
        }
        AstType::Bytea => (D::Bytea, -1),
        AstType::Date => (D::Date, -1),
        AstType::Time(p, tz) => match tz {
            ast::TimezoneInfo::WithTimeZone | ast::TimezoneInfo::Tz => {
                (D::TimeTz, time_precision(*p, "TIME")?)
            }
            _ => (D::Time, time_precision(*p, "TIME")?),
        },
        AstType::Timestamp(p, tz) => match tz {
            ast::TimezoneInfo::WithTimeZone | ast::TimezoneInfo::Tz => {
                (D::TimestampTz, time_precision(*p, "TIMESTAMP")?)
            }
            _ => (D::Timestamp, time_precision(*p, "TIMESTAMP")?),
        },
        AstType::Interval { fields, precision } => (
            D::Interval,
            interval_typmod(fields.as_ref(), precision.map(|p| p as i64))?,
        ),
        AstType::Uuid => (D::Uuid, -1),
        AstType::Bit(n) => (D::Bit, bit_length(*n, "bit")?.unwrap_or(1)),
        AstType::BitVarying(n) | AstType::VarBit(n) => {
            (D::VarBit, bit_length(*n, "varbit")?.unwrap_or(-1))
        }
        AstType::Trigger => (D::Trigger, -1),
        AstType::JSON => (D::Json, -1),
        AstType::JSONB => (D::Jsonb, -1),
        AstType::Regclass => (D::Regclass, -1),
        AstType::TsVector => (D::TsVector, -1),
        AstType::TsQuery => (D::TsQuery, -1),
        AstType::GeometricType(kind) => (
            match kind {
                ast::GeometricTypeKind::Point => D::Point,
                ast::GeometricTypeKind::Line => D::Line,
                ast::GeometricTypeKind::LineSegment => D::Lseg,
                ast::GeometricTypeKind::GeometricBox => D::GeoBox,
                ast::GeometricTypeKind::GeometricPath => D::Path,
                ast::GeometricTypeKind::Polygon => D::Polygon,
                ast::GeometricTypeKind::Circle => D::Circle,
            },
            -1,
        ),
        AstType::Custom(name, mods) => {
            let parts = object_name(name);
            let last = parts.last().cloned().unwrap_or_default();
            let schema_ok = parts.len() == 1 || (parts.len() == 2 && parts[0] == "pg_catalog");
            let ty = match DataType::from_name(&last).filter(|_| schema_ok) {
                Some(ty) => ty,
                None => user(&parts)?.ok_or_else(|| {
                    SqlError::new(
                        SqlState::UNDEFINED_OBJECT,
                        format!("type \"{}\" does not exist", parts.join(".")),
                    )
                })?,
            };
            let typmod = match (ty, mods.as_slice()) {
                (D::Varchar | D::Bpchar, [ast::TypeModifier::Number(n, _)]) => {
                    n.parse::<i32>().map(|n| n + 4).unwrap_or(-1)
                }
                (D::Bpchar, []) if last == "bpchar" => -1,
                (D::Bpchar, []) => 5,
                _ => -1,
            };
            (ty, typmod)
        }
        AstType::Array(elem) => {
            let inner = match elem {
                ast::ArrayElemTypeDef::AngleBracket(t)
                | ast::ArrayElemTypeDef::SquareBracket(t, _)
                | ast::ArrayElemTypeDef::Parenthesis(t) => t,
                _ => return Err(SqlError::unsupported(format!("the array type {t}"))),
            };
            // An array's typmod is its elements' (`char(10)[]`).
            let (e, typmod) = sql_type_with(inner, user)?;
            (array_of(e)?, typmod)
        }
        other => {
            return Err(SqlError::new(
                SqlState::UNDEFINED_OBJECT,
                format!(
                    "type \"{}\" does not exist",
                    other.to_string().to_lowercase()
                ),
            ))
        }
    })
}

/// The typmod of `bit(n)` / `bit varying(n)`: n (bittypmodin's bounds).
fn bit_length(n: Option<u64>, name: &str) -> Result<Option<i32>> {
    match n {
        None => Ok(None),
        Some(0) => Err(SqlError::new(
            SqlState::INVALID_PARAMETER_VALUE,
            format!("length for type {name} must be at least 1"),
        )),
        Some(n) if n > 83_886_080 => Err(SqlError::new(
            SqlState::INVALID_PARAMETER_VALUE,
            format!("length for type {name} cannot exceed 83886080"),
        )),
        Some(n) => Ok(Some(n as i32)),
    }
}

/// The typmod of `time(p)` / `timestamp(p)`: p itself, -1 without one
/// (22023 for a negative one; past 6 it is 6, as PostgreSQL's warning
/// says).
fn time_precision(p: Option<u64>, what: &str) -> Result<i32> {
    match p {
        None => Ok(-1),
        Some(p) if p > 6 => {
            let _ = what;
            Ok(6)
        }
        Some(p) => Ok(p as i32),
    }
}

/// The array type over `elem`, for the element types that have one.
pub fn array_of(elem: DataType) -> Result<DataType> {
    use DataType as D;
    if let D::Array(_) = elem {
        // int4[][] is int4[]: arrays of any dimensionality are one type.
        return Ok(elem);
    }
    if let D::Enum(_) = elem {
        return elem
            .array_type()
            .ok_or_else(|| SqlError::internal("enum without an array type"));
    }
    elem.array_type()
        .ok_or_else(|| SqlError::unsupported(format!("arrays of {}", elem.sql_name())))
}

/// Built-in functions with named parameters (and defaults), as pg_proc
/// declares them: (function, [(parameter, default)]).
type Parameters = &'static [(&'static str, Option<&'static str>)];

/// The jsonb_path functions' parameters.
const JSONB_PATH: Parameters = &[
    ("target", None),
    ("path", None),
    ("vars", Some("'{}'")),
    ("silent", Some("false")),
];

/// (function, its parameters).
const NAMED_PARAMETERS: &[(&str, Parameters)] = &[
    (
        "jsonb_set_lax",
        &[
            ("target", None),
            ("path", None),
            ("new_value", None),
            ("create_if_missing", Some("true")),
            ("null_value_treatment", Some("'use_json_null'")),
        ],
    ),
    ("jsonb_path_exists", JSONB_PATH),
    ("jsonb_path_match", JSONB_PATH),
    ("jsonb_path_query", JSONB_PATH),
    ("jsonb_path_query_array", JSONB_PATH),
    ("jsonb_path_query_first", JSONB_PATH),
    (
        "make_interval",
        &[
            ("years", Some("0")),
            ("months", Some("0")),
            ("weeks", Some("0")),
            ("days", Some("0")),
            ("hours", Some("0")),
            ("mins", Some("0")),
            ("secs", Some("0.0")),
        ],
    ),
    (
        "make_date",
        &[("year", None), ("month", None), ("day", None)],
    ),
    ("make_time", &[("hour", None), ("min", None), ("sec", None)]),
    (
        "make_timestamp",
        &[
            ("year", None),
            ("month", None),
            ("mday", None),
            ("hour", None),
            ("min", None),
            ("sec", None),
        ],
    ),
];

/// The arguments of a call to a function with named parameters, in
/// parameter order with defaults filled in (PostgreSQL's named and mixed
/// notation); None for other functions, or a call of positional
/// arguments only that needs no default.
pub(crate) fn named_arguments(
    function: &str,
    args: &[ast::FunctionArg],
) -> Result<Option<Vec<AstExpr>>> {
    let Some((_, params)) = NAMED_PARAMETERS.iter().find(|(f, _)| *f == function) else {
        return Ok(None);
    };
    let named = args
        .iter()
        .any(|a| !matches!(a, ast::FunctionArg::Unnamed(_)));
    if !named && args.len() == params.len() {
        return Ok(None);
    }
    let not_found = || {
        SqlError::new(
            SqlState::UNDEFINED_FUNCTION,
            format!("function {function} does not exist"),
        )
        .with_hint(
            "No function matches the given name and argument types. You might need to add explicit type casts.",
        )
    };
    let mut slots: Vec<Option<AstExpr>> = vec![None; params.len()];
    let mut seen_named = false;
    for (i, a) in args.iter().enumerate() {
        let (slot, e) = match a {
            ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(e)) if !seen_named => (i, e),
            ast::FunctionArg::Unnamed(_) => {
                return Err(SqlError::syntax(
                    "positional argument cannot follow named argument",
                    None,
                ))
            }
            ast::FunctionArg::Named {
                name,
                arg: ast::FunctionArgExpr::Expr(e),
                ..
            }
            | ast::FunctionArg::ExprNamed {
                name: AstExpr::Identifier(name),
                arg: ast::FunctionArgExpr::Expr(e),
                ..
            } => {
                seen_named = true;
                let n = ident(name);
                let slot = params
                    .iter()
                    .position(|(p, _)| *p == n)
                    .ok_or_else(not_found)?;
                (slot, e)
            }
            _ => return Err(not_found()),
        };
        match slots.get_mut(slot) {
            Some(s @ None) => *s = Some(e.clone()),
            Some(Some(_)) => {
                return Err(SqlError::syntax(
                    format!("argument name \"{}\" used more than once", params[slot].0),
                    None,
                ))
            }
            None => return Err(not_found()),
        }
    }
    let mut out = Vec::with_capacity(params.len());
    for (slot, (_, default)) in slots.into_iter().zip(params.iter()) {
        match (slot, default) {
            (Some(e), _) => out.push(e),
            (None, Some(d)) => out.push(crate::parser::parse_expr(d)?),
            (None, None) => return Err(not_found()),
        }
    }
    Ok(Some(out))
}

/// PostgreSQL's interval typmod of `interval [fields] [(p)]`; -1 for
/// plain `interval`. A precision above 6 is reduced to 6, as
/// intervaltypmodin does (with its warning).
pub(super) fn interval_typmod(
    fields: Option<&ast::IntervalFields>,
    precision: Option<i64>,
) -> Result<i32> {
    use crate::value::interval_in::{
        typmod, DAY, FULL_PRECISION, FULL_RANGE, HOUR, MINUTE, MONTH, SECOND, YEAR,
    };
    use ast::IntervalFields as F;
    let range = match fields {
        None => FULL_RANGE,
        Some(F::Year) => YEAR,
        Some(F::Month) => MONTH,
        Some(F::Day) => DAY,
        Some(F::Hour) => HOUR,
        Some(F::Minute) => MINUTE,
        Some(F::Second) => SECOND,
        Some(F::YearToMonth) => YEAR | MONTH,
        Some(F::DayToHour) => DAY | HOUR,
        Some(F::DayToMinute) => DAY | HOUR | MINUTE,
        Some(F::DayToSecond) => DAY | HOUR | MINUTE | SECOND,
        Some(F::HourToMinute) => HOUR | MINUTE,
        Some(F::HourToSecond) => HOUR | MINUTE | SECOND,
        Some(F::MinuteToSecond) => MINUTE | SECOND,
    };
    let precision = match precision {
        None => {
            if range == FULL_RANGE {
                return Ok(-1);
            }
            FULL_PRECISION
        }
        Some(p) if p < 0 => {
            return Err(SqlError::new(
                SqlState::INVALID_PARAMETER_VALUE,
                format!("INTERVAL({p}) precision must not be negative"),
            ))
        }
        Some(p) => p.min(6) as i32,
    };
    Ok(typmod(range, precision))
}

/// The typmod of an interval literal's qualifier (`INTERVAL '1' DAY TO
/// SECOND(3)`, `INTERVAL '1.5' SECOND(1)`).
pub(super) fn interval_literal_typmod(iv: &ast::Interval) -> Result<i32> {
    use ast::{DateTimeField as D, IntervalFields as F};
    let bad = || SqlError::syntax("syntax error in interval field qualifier", None);
    let fields = match (&iv.leading_field, &iv.last_field) {
        (None, None) => None,
        (Some(D::Year), None) => Some(F::Year),
        (Some(D::Month), None) => Some(F::Month),
        (Some(D::Day), None) => Some(F::Day),
        (Some(D::Hour), None) => Some(F::Hour),
        (Some(D::Minute), None) => Some(F::Minute),
        (Some(D::Second), None) => Some(F::Second),
        (Some(D::Year), Some(D::Month)) => Some(F::YearToMonth),
        (Some(D::Day), Some(D::Hour)) => Some(F::DayToHour),
        (Some(D::Day), Some(D::Minute)) => Some(F::DayToMinute),
        (Some(D::Day), Some(D::Second)) => Some(F::DayToSecond),
        (Some(D::Hour), Some(D::Minute)) => Some(F::HourToMinute),
        (Some(D::Hour), Some(D::Second)) => Some(F::HourToSecond),
        (Some(D::Minute), Some(D::Second)) => Some(F::MinuteToSecond),
        _ => return Err(bad()),
    };
    // `SECOND(p)` is the fractional precision; no other field takes one.
    let precision = match (
        &iv.leading_field,
        iv.leading_precision,
        iv.fractional_seconds_precision,
    ) {
        (Some(D::Second), p, None) => p,
        (_, None, p) => p,
        _ => return Err(bad()),
    };
    interval_typmod(fields.as_ref(), precision.map(|p| p as i64))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(sql: &str) -> Option<String> {
        let stmts = crate::parser::parse(&format!("SELECT {sql}")).unwrap();
        let crate::parser::Parsed::Sql(ast) = &stmts[0] else {
            panic!("not SQL")
        };
        let ast::Statement::Query(q) = ast.as_ref() else {
            panic!("not a query")
        };
        let ast::SetExpr::Select(s) = q.body.as_ref() else {
            panic!("not a select")
        };
        let ast::SelectItem::UnnamedExpr(e) = &s.projection[0] else {
            panic!("not an expression")
        };
        figure_colname(e)
    }

    #[test]
    fn row_constructors_are_named_row() {
        // As PostgreSQL 15 names them.
        assert_eq!(name("(1, 2)").as_deref(), Some("row"));
        assert_eq!(name("(1, 2)::record").as_deref(), Some("row"));
        assert_eq!(name("'(1,2)'::record").as_deref(), Some("record"));
        assert_eq!(name("1 + 2"), None);
    }
}
