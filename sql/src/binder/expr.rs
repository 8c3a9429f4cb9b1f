//! Binding expressions: names, literals, operators, functions, casts.

use sqlparser::ast::{
    self, BinaryOperator, CastKind, Expr as AstExpr, FunctionArg, FunctionArgExpr,
    FunctionArguments, UnaryOperator, Value as AstValue,
};

use super::names::{ident, object_name};
use super::{Binder, Scope, MAX_PARAMS};
use crate::cast::{can_coerce, cast_value, CoercionContext};
use crate::error::{Result, SqlError, SqlState};
use crate::expr::{Expr, ExprKind};
use crate::func::{self, CallKind, FuncDef, ResolveError, Resolved};
use crate::types::DataType;
use crate::value::{Numeric, Value};

impl Binder<'_> {
    /// Binds one expression against `scope`.
    pub fn expr(&mut self, e: &AstExpr, scope: &Scope) -> Result<Expr> {
        self.enter()?;
        let mut x = self.expr_inner(e, scope)?;
        if x.pos.is_none() {
            x.pos = self.expr_pos(e);
        }
        Ok(x)
    }

    fn expr_inner(&mut self, e: &AstExpr, scope: &Scope) -> Result<Expr> {
        match e {
            AstExpr::Identifier(id) => {
                self.column(None, &ident(id), scope, self.pos(id.span.start))
            }
            AstExpr::CompoundIdentifier(parts) => {
                let names: Vec<String> = parts.iter().map(ident).collect();
                let pos = parts.first().and_then(|p| self.pos(p.span.start));
                match names.as_slice() {
                    [.., table, column] => self.column(Some(table), column, scope, pos),
                    _ => Err(SqlError::internal("empty compound identifier")),
                }
            }
            AstExpr::Value(v) => self.literal(&v.value, self.expr_pos(e)),
            AstExpr::Nested(inner) => self.expr(inner, scope),
            AstExpr::BinaryOp { left, op, right } => self.binary(left, op, right, scope),
            AstExpr::UnaryOp { op, expr } => self.unary(op, expr, scope, self.expr_pos(e)),
            AstExpr::Cast {
                kind,
                expr,
                data_type,
                format: None,
            } => {
                let (ty, typmod) = self.resolve_type(data_type).map_err(|err| {
                    // PostgreSQL points at the type after `::`.
                    let at = match kind {
                        CastKind::DoubleColon => self.pos_after(expr.as_ref()).map(|p| {
                            let p = p as usize + 2;
                            let blanks = self.text.count_from(p, char::is_whitespace);
                            u32::try_from(p + blanks).unwrap_or(u32::MAX)
                        }),
                        _ => self.expr_pos(e),
                    };
                    err.at(at)
                })?;
                let pos = match kind {
                    CastKind::DoubleColon => self.pos_after(expr.as_ref()),
                    _ => self.expr_pos(e),
                };
                if let Some(empty) = empty_array_cast(expr, ty) {
                    return Ok(empty);
                }
                let arg = self.expr(expr, scope)?;
                self.explicit_cast(arg, ty, typmod, pos)
            }
            AstExpr::TypedString(ts) => {
                let (ty, typmod) = self.resolve_type(&ts.data_type)?;
                let lit = self.literal(&ts.value.value, self.pos_of(&ts.value))?;
                self.explicit_cast(lit, ty, typmod, self.expr_pos(e))
            }
            AstExpr::Interval(iv) => {
                let typmod = super::names::interval_literal_typmod(iv)
                    .map_err(|err| err.at(self.expr_pos(e)))?;
                let v = self.expr(&iv.value, scope)?;
                self.explicit_cast(v, DataType::Interval, typmod, self.expr_pos(e))
            }
            AstExpr::IsNull(x) | AstExpr::IsNotNull(x) => {
                let arg = self.expr(x, scope)?;
                Ok(typed(
                    ExprKind::IsNull {
                        arg: Box::new(arg),
                        negated: matches!(e, AstExpr::IsNotNull(_)),
                    },
                    DataType::Bool,
                ))
            }
            AstExpr::IsTrue(x)
            | AstExpr::IsNotTrue(x)
            | AstExpr::IsFalse(x)
            | AstExpr::IsNotFalse(x)
            | AstExpr::IsUnknown(x)
            | AstExpr::IsNotUnknown(x) => {
                let (value, negated, what) = match e {
                    AstExpr::IsTrue(_) => (Some(true), false, "IS TRUE"),
                    AstExpr::IsNotTrue(_) => (Some(true), true, "IS NOT TRUE"),
                    AstExpr::IsFalse(_) => (Some(false), false, "IS FALSE"),
                    AstExpr::IsNotFalse(_) => (Some(false), true, "IS NOT FALSE"),
                    AstExpr::IsUnknown(_) => (None, false, "IS UNKNOWN"),
                    _ => (None, true, "IS NOT UNKNOWN"),
                };
                let arg = self.expr(x, scope)?;
                let arg = self.boolean(arg, what)?;
                Ok(typed(
                    ExprKind::IsBool {
                        arg: Box::new(arg),
                        value,
                        negated,
                    },
                    DataType::Bool,
                ))
            }
            AstExpr::IsDistinctFrom(l, r) | AstExpr::IsNotDistinctFrom(l, r) => {
                let pos = self.pos_after(l.as_ref());
                let (left, right) = (self.expr(l, scope)?, self.expr(r, scope)?);
                let (eq, left, right) = self.comparison("=", left, right, pos)?;
                Ok(typed(
                    ExprKind::DistinctFrom {
                        left: Box::new(left),
                        right: Box::new(right),
                        eq,
                        negated: matches!(e, AstExpr::IsNotDistinctFrom(..)),
                    },
                    DataType::Bool,
                ))
            }
            AstExpr::Between {
                expr,
                negated,
                low,
                high,
            } => {
                // PostgreSQL rewrites BETWEEN into two comparisons.
                let pos = self.pos_after(expr.as_ref());
                let (lo_op, hi_op) = if *negated { ("<", ">") } else { (">=", "<=") };
                let a = self.expr(expr, scope)?;
                let lo = self.expr(low, scope)?;
                let hi = self.expr(high, scope)?;
                let first = self.operator(lo_op, vec![a.clone(), lo], pos)?;
                let second = self.operator(hi_op, vec![a, hi], pos)?;
                let both = vec![first, second];
                Ok(typed(
                    if *negated {
                        ExprKind::Or(both)
                    } else {
                        ExprKind::And(both)
                    },
                    DataType::Bool,
                ))
            }
            AstExpr::In {
                expr,
                target: ast::InTarget::List(list),
                negated,
                ..
            } => self.in_list(expr, list, *negated, scope),
            AstExpr::In {
                expr,
                target: ast::InTarget::Subquery(q),
                negated,
                ..
            } => {
                let pos = self.pos_after(expr.as_ref());
                let any = self.quantified(expr, "=", q, true, scope, pos)?;
                Ok(if *negated {
                    typed(ExprKind::Not(Box::new(any)), DataType::Bool)
                } else {
                    any
                })
            }
            AstExpr::In { .. } => {
                Err(SqlError::unsupported("this form of IN").at(self.expr_pos(e)))
            }
            AstExpr::Subquery(q) => self.scalar_subquery(q, scope),
            AstExpr::Exists { subquery, negated } => {
                let exists = self.exists(subquery, scope)?;
                Ok(if *negated {
                    typed(ExprKind::Not(Box::new(exists)), DataType::Bool)
                } else {
                    exists
                })
            }
            AstExpr::AnyOp {
                left,
                compare_op,
                right,
                ..
            }
            | AstExpr::AllOp {
                left,
                compare_op,
                right,
            } => {
                let op = compare_op.to_string();
                let pos = self.pos_after(left.as_ref());
                let any = matches!(e, AstExpr::AnyOp { .. });
                match right.as_ref() {
                    AstExpr::Subquery(q) => self.quantified(left, &op, q, any, scope, pos),
                    array => self.array_op(left, &op, array, any, scope, pos),
                }
            }
            AstExpr::Case {
                operand,
                conditions,
                else_result,
                ..
            } => self.case(
                operand.as_deref(),
                conditions,
                else_result.as_deref(),
                scope,
            ),
            AstExpr::Function(f) => self.function(f, scope, self.expr_pos(e)),
            AstExpr::Array(arr) => {
                let pos = self.expr_pos(e);
                let mut items = Vec::with_capacity(arr.elem.len());
                for x in &arr.elem {
                    items.push(self.expr(x, scope)?);
                }
                if items.is_empty() {
                    return Err(SqlError::new(
                        SqlState::INDETERMINATE_DATATYPE,
                        "cannot determine type of empty array",
                    )
                    .with_hint(
                        "Explicitly cast to the desired type, for example ARRAY[]::integer[].",
                    )
                    .at(pos));
                }
                let refs: Vec<&Expr> = items.iter().collect();
                let elem = self.common_type(&refs, "ARRAY")?;
                let mut coerced = Vec::with_capacity(items.len());
                for x in items {
                    coerced.push(self.coerce(x, elem, -1, CoercionContext::Implicit)?);
                }
                func::array_constructor(coerced, elem).map_err(|err| err.at(pos))
            }
            AstExpr::CompoundFieldAccess { root, access_chain } => {
                self.compound_access(e, root, access_chain, scope)
            }
            AstExpr::Collate { expr, collation } => {
                let name = object_name(collation).join(".");
                let bare = name.strip_prefix("pg_catalog.").unwrap_or(&name);
                if !matches!(bare, "C" | "POSIX" | "default" | "ucs_basic" | "C.utf8") {
                    return Err(SqlError::new(
                        SqlState::UNDEFINED_OBJECT,
                        format!("collation \"{name}\" for encoding \"UTF8\" does not exist"),
                    )
                    .at(self.expr_pos(e)));
                }
                self.expr(expr, scope)
            }
            AstExpr::Substring {
                expr,
                substring_from,
                substring_for,
                ..
            } => {
                let mut args = vec![self.expr(expr, scope)?];
                args.push(match substring_from {
                    Some(f) => self.expr(f, scope)?,
                    None => Expr::constant(Value::Int4(1), DataType::Int4),
                });
                if let Some(n) = substring_for {
                    args.push(self.expr(n, scope)?);
                }
                self.call("substring", args, self.expr_pos(e))
            }
            AstExpr::Like {
                negated,
                any,
                expr,
                pattern,
                escape_char: None,
            }
            | AstExpr::ILike {
                negated,
                any,
                expr,
                pattern,
                escape_char: None,
            } if *any || quantified_call(pattern).is_some() => {
                let ci = matches!(e, AstExpr::ILike { .. });
                self.like_quantified(ci, *negated, *any, expr, pattern, scope)
            }
            AstExpr::Like {
                negated,
                any: false,
                expr,
                pattern,
                escape_char,
            }
            | AstExpr::ILike {
                negated,
                any: false,
                expr,
                pattern,
                escape_char,
            } => {
                let ci = matches!(e, AstExpr::ILike { .. });
                let mut pat = self.expr(pattern, scope)?;
                if let Some(esc) = escape_char {
                    let esc = self.expr(esc, scope)?;
                    pat = self.call("like_escape", vec![pat, esc], self.expr_pos(e))?;
                }
                let op = match (ci, *negated) {
                    (false, false) => "~~",
                    (false, true) => "!~~",
                    (true, false) => "~~*",
                    (true, true) => "!~~*",
                };
                let args = vec![self.expr(expr, scope)?, pat];
                self.operator(op, args, self.pos_after(expr.as_ref()))
            }
            AstExpr::SimilarTo {
                negated,
                expr,
                pattern,
                escape_char,
            } => self.similar_to(e, *negated, expr, pattern, escape_char.as_deref(), scope),
            AstExpr::Ceil {
                expr,
                field: ast::CeilFloorKind::DateTimeField(ast::DateTimeField::NoDateTime),
            }
            | AstExpr::Floor {
                expr,
                field: ast::CeilFloorKind::DateTimeField(ast::DateTimeField::NoDateTime),
            } => {
                let name = if matches!(e, AstExpr::Ceil { .. }) {
                    "ceil"
                } else {
                    "floor"
                };
                let args = vec![self.expr(expr, scope)?];
                self.call(name, args, self.expr_pos(e))
            }
            AstExpr::Extract { field, expr, .. } => {
                let unit = field.to_string().to_lowercase();
                let args = vec![
                    Expr::constant(Value::Text(unit), DataType::Text),
                    self.expr(expr, scope)?,
                ];
                self.call("extract", args, self.expr_pos(e))
            }
            AstExpr::Trim {
                expr,
                trim_where,
                trim_what,
                trim_characters,
            } => {
                let func = match trim_where {
                    Some(ast::TrimWhereField::Leading) => "ltrim",
                    Some(ast::TrimWhereField::Trailing) => "rtrim",
                    _ => "btrim",
                };
                let mut args = vec![self.expr(expr, scope)?];
                if let Some(w) = trim_what {
                    args.push(self.expr(w, scope)?);
                } else if let Some([c]) = trim_characters.as_deref() {
                    args.push(self.expr(c, scope)?);
                }
                self.call(func, args, self.expr_pos(e))
            }
            AstExpr::AtTimeZone {
                timestamp,
                time_zone,
            } => self.at_time_zone(timestamp, time_zone, scope, self.expr_pos(e)),
            AstExpr::Tuple(items) => self.row_value(items, scope),
            AstExpr::Position { expr, r#in } => {
                let args = vec![self.expr(r#in, scope)?, self.expr(expr, scope)?];
                self.call("strpos", args, self.expr_pos(e))
            }
            AstExpr::Overlay {
                expr,
                overlay_what,
                overlay_from,
                overlay_for,
            } => {
                let mut parts = vec![expr.as_ref(), overlay_what.as_ref(), overlay_from.as_ref()];
                parts.extend(overlay_for.as_deref());
                self.call_with("overlay", &parts, scope, self.expr_pos(e))
            }
            // `t.*` in an expression: t's whole row.
            AstExpr::QualifiedWildcard(name, _) => {
                let parts = super::object_name(name);
                let table = parts.last().cloned().unwrap_or_default();
                self.whole_row(&table, scope)?.ok_or_else(|| {
                    SqlError::new(
                        SqlState::UNDEFINED_TABLE,
                        format!("missing FROM-clause entry for table \"{table}\""),
                    )
                    .at(self.expr_pos(e))
                })
            }
            other => Err(SqlError::unsupported(format!(
                "the expression \"{}\"",
                truncate(&other.to_string())
            ))
            .at(self.expr_pos(e))),
        }
    }

    /// `ts AT TIME ZONE zone` as timezone(zone, ts). Apart from
    /// [`Self::expr`], whose stack frame every level of a long expression
    /// chain pays for.
    #[inline(never)]
    fn at_time_zone(
        &mut self,
        timestamp: &AstExpr,
        zone: &AstExpr,
        scope: &Scope,
        pos: Option<u32>,
    ) -> Result<Expr> {
        let args = vec![self.expr(zone, scope)?, self.expr(timestamp, scope)?];
        self.call("timezone", args, pos)
    }

    /// A column reference: unqualified or `table.column`.
    fn column(
        &mut self,
        table: Option<&String>,
        name: &str,
        scope: &Scope,
        pos: Option<u32>,
    ) -> Result<Expr> {
        let matches = |c: &super::ScopeColumn| {
            c.name == name
                && match table {
                    Some(t) => c.table.as_deref() == Some(t.as_str()),
                    None => !c.hidden || c.name == super::SYSTEM_TABLEOID,
                }
        };
        let mut found = scope.columns.iter().enumerate().filter(|(_, c)| matches(c));
        let Some((index, col)) = found.next() else {
            // Not here: a column of an enclosing query makes this
            // subquery (and every one between) correlated.
            let levels = self.outer.len();
            for k in (0..levels).rev() {
                let hit = self.outer[k]
                    .0
                    .columns
                    .iter()
                    .enumerate()
                    .find(|(_, c)| matches(c))
                    .map(|(i, c)| (i, c.ty, c.typmod));
                if let Some((i, ty, typmod)) = hit {
                    let (oid, attnum) = {
                        let c = &self.outer[k].0.columns[i];
                        (c.table_oid, c.attnum)
                    };
                    self.check_column_readable(oid, attnum)?;
                    for level in &mut self.outer[k..] {
                        level.1 = true;
                    }
                    return Ok(Expr {
                        kind: ExprKind::Outer {
                            depth: levels - k,
                            index: i,
                        },
                        ty,
                        typmod,
                        pos,
                    });
                }
            }
            if table.is_none() {
                if let Some(row) = self.whole_row(name, scope)? {
                    return Ok(Expr { pos, ..row });
                }
                // SQL value functions sqlparser reads as names
                // (CURRENT_ROLE, CURRENT_CATALOG), unless a column has
                // the name.
                if matches!(name, "current_role" | "current_catalog" | "current_schema") {
                    return self.sql_value_function(name, pos);
                }
            }
            if name == super::SYSTEM_TABLEOID {
                if let Some(oid) = plain_tableoid(table, scope)? {
                    return Ok(Expr {
                        pos,
                        ..Expr::constant(Value::Oid(oid), DataType::Oid)
                    });
                }
            }
            return Err(match table {
                Some(t)
                    if !scope
                        .columns
                        .iter()
                        .chain(self.outer.iter().flat_map(|o| o.0.columns.iter()))
                        .any(|c| c.table.as_deref() == Some(t.as_str())) =>
                {
                    self.missing_from_entry(t)
                }
                Some(t) => with_column_hint(
                    SqlError::new(
                        SqlState::UNDEFINED_COLUMN,
                        format!("column {t}.{name} does not exist"),
                    ),
                    (Some(t.as_str()), name),
                    scope.columns.iter(),
                ),
                None => with_column_hint(
                    SqlError::new(
                        SqlState::UNDEFINED_COLUMN,
                        format!("column \"{name}\" does not exist"),
                    ),
                    (None, name),
                    scope.columns.iter().filter(|c| !c.hidden),
                ),
            }
            .at(pos));
        };
        if found.next().is_some() {
            return Err(SqlError::new(
                SqlState::AMBIGUOUS_COLUMN,
                format!("column reference \"{name}\" is ambiguous"),
            )
            .at(pos));
        }
        self.check_column_readable(col.table_oid, col.attnum)?;
        Ok(Expr {
            kind: ExprKind::Column(index),
            ty: col.ty,
            typmod: col.typmod,
            pos,
        })
    }

    /// A literal: integers by size, other numbers numeric, strings unknown.
    fn literal(&mut self, v: &AstValue, pos: Option<u32>) -> Result<Expr> {
        let mut e = match v {
            AstValue::Number(s, _) => number_literal(s)?,
            AstValue::SingleQuotedString(s)
            | AstValue::EscapedStringLiteral(s)
            | AstValue::NationalStringLiteral(s)
            | AstValue::UnicodeStringLiteral(s)
            | AstValue::TripleSingleQuotedString(s) => {
                Expr::constant(Value::Text(s.clone()), DataType::Unknown)
            }
            AstValue::DollarQuotedString(d) => {
                Expr::constant(Value::Text(d.value.clone()), DataType::Unknown)
            }
            AstValue::Boolean(b) => Expr::constant(Value::Bool(*b), DataType::Bool),
            // B'0101' and X'1F': bit string constants (type bit).
            AstValue::SingleQuotedByteStringLiteral(s) | AstValue::HexStringLiteral(s) => {
                let prefix = if matches!(v, AstValue::HexStringLiteral(_)) {
                    "x"
                } else {
                    "b"
                };
                let bits =
                    crate::value::Bits::parse(&format!("{prefix}{s}")).map_err(|e| e.at(pos))?;
                Expr::constant(Value::Bits(std::sync::Arc::new(bits)), DataType::Bit)
            }
            AstValue::Null => Expr::constant(Value::Null, DataType::Unknown),
            AstValue::Placeholder(p) => {
                let n: usize = p
                    .strip_prefix('$')
                    .and_then(|n| n.parse().ok())
                    .filter(|n| *n >= 1)
                    .ok_or_else(|| {
                        SqlError::syntax(format!("syntax error at or near \"{p}\""), pos)
                    })?;
                if let Some(k) = self.function_params {
                    // A SQL function's argument: a column of the level
                    // its call supplies.
                    let levels = self.outer.len();
                    let arg = self.outer.get(k).and_then(|o| o.0.columns.get(n - 1));
                    let Some((ty, typmod)) = arg.map(|c| (c.ty, c.typmod)) else {
                        return Err(SqlError::new(
                            SqlState::UNDEFINED_PARAMETER,
                            format!("there is no parameter ${n}"),
                        )
                        .at(pos));
                    };
                    for level in &mut self.outer[k..] {
                        level.1 = true;
                    }
                    return Ok(Expr {
                        kind: ExprKind::Outer {
                            depth: levels - k,
                            index: n - 1,
                        },
                        ty,
                        typmod,
                        pos,
                    });
                }
                if n > self.params.len() && self.variable_params && n <= MAX_PARAMS {
                    self.params.resize(n, DataType::Unknown);
                }
                if n > self.params.len() {
                    return Err(SqlError::new(
                        SqlState::UNDEFINED_PARAMETER,
                        format!("there is no parameter ${n}"),
                    )
                    .at(pos));
                }
                Expr {
                    kind: ExprKind::Param(n - 1),
                    ty: self.params[n - 1],
                    typmod: -1,
                    pos,
                }
            }
            other => {
                return Err(SqlError::unsupported(format!("the literal {other}")).at(pos));
            }
        };
        e.pos = pos;
        Ok(e)
    }

    fn binary(
        &mut self,
        left: &AstExpr,
        op: &BinaryOperator,
        right: &AstExpr,
        scope: &Scope,
    ) -> Result<Expr> {
        let pos = self.pos_after(left);
        if let (Some(l), Some(r), false) = (
            row_fields(left),
            row_fields(right),
            matches!(op, BinaryOperator::Overlaps),
        ) {
            // Two row constructors compare field by field (NULL fields
            // make the answer NULL); other composite values compare as
            // whole records (record_eq).
            return self.row_comparison(&l, op, &r, scope, pos);
        }
        let name = match op {
            BinaryOperator::And | BinaryOperator::Or => {
                return self.bool_chain(left, op, right, scope);
            }
            BinaryOperator::Overlaps => return self.overlaps(left, right, scope, pos),
            BinaryOperator::Plus => "+",
            BinaryOperator::Minus => "-",
            BinaryOperator::Multiply => "*",
            BinaryOperator::Divide => "/",
            BinaryOperator::Modulo => "%",
            BinaryOperator::StringConcat => "||",
            BinaryOperator::Gt => ">",
            BinaryOperator::Lt => "<",
            BinaryOperator::GtEq => ">=",
            BinaryOperator::LtEq => "<=",
            BinaryOperator::Eq => "=",
            BinaryOperator::NotEq => "<>",
            BinaryOperator::PGExp => "^",
            BinaryOperator::BitwiseAnd => "&",
            BinaryOperator::BitwiseOr => "|",
            BinaryOperator::PGBitwiseXor => "#",
            BinaryOperator::PGBitwiseShiftLeft => "<<",
            BinaryOperator::PGBitwiseShiftRight => ">>",
            BinaryOperator::PGRegexMatch => "~",
            BinaryOperator::PGRegexIMatch => "~*",
            BinaryOperator::PGRegexNotMatch => "!~",
            BinaryOperator::PGRegexNotIMatch => "!~*",
            BinaryOperator::PGLikeMatch => "~~",
            BinaryOperator::PGILikeMatch => "~~*",
            BinaryOperator::PGNotLikeMatch => "!~~",
            BinaryOperator::PGNotILikeMatch => "!~~*",
            BinaryOperator::PGStartsWith => "^@",
            BinaryOperator::Arrow => "->",
            BinaryOperator::LongArrow => "->>",
            BinaryOperator::HashArrow => "#>",
            BinaryOperator::HashLongArrow => "#>>",
            BinaryOperator::AtArrow => "@>",
            BinaryOperator::ArrowAt => "<@",
            BinaryOperator::HashMinus => "#-",
            BinaryOperator::Question => "?",
            BinaryOperator::QuestionAnd => "?&",
            BinaryOperator::QuestionPipe => "?|",
            BinaryOperator::AtQuestion => "@?",
            BinaryOperator::AtAt => "@@",
            BinaryOperator::PGOverlap => "&&",
            BinaryOperator::AndLt => "&<",
            BinaryOperator::AndGt => "&>",
            // The geometric operators.
            BinaryOperator::DoubleHash => "##",
            BinaryOperator::LtDashGt => "<->",
            BinaryOperator::LtLtPipe => "<<|",
            BinaryOperator::PipeGtGt => "|>>",
            BinaryOperator::AndLtPipe => "&<|",
            BinaryOperator::PipeAndGt => "|&>",
            BinaryOperator::LtCaret => "<^",
            BinaryOperator::GtCaret => ">^",
            BinaryOperator::QuestionHash => "?#",
            BinaryOperator::QuestionDash => "?-",
            BinaryOperator::QuestionDashPipe => "?-|",
            BinaryOperator::QuestionDoublePipe => "?||",
            BinaryOperator::TildeEq => "~=",
            // OPERATOR(pg_catalog.op) names a built-in operator.
            BinaryOperator::PGCustomBinaryOperator(parts)
                if parts.len() == 1 || (parts.len() == 2 && parts[0] == "pg_catalog") =>
            {
                let l = self.expr(left, scope)?;
                let r = self.expr(right, scope)?;
                let op = parts[parts.len() - 1].clone();
                return self.operator(&op, vec![l, r], pos);
            }
            // Operators sqlparser keeps as written (`-|-`, `&<`, `&>`):
            // resolved by their symbol like any other.
            BinaryOperator::Custom(symbol) => {
                let l = self.expr(left, scope)?;
                let r = self.expr(right, scope)?;
                return self.operator(symbol, vec![l, r], pos);
            }
            other => {
                return Err(SqlError::unsupported(format!("the operator {other}")).at(pos));
            }
        };
        let l = self.expr(left, scope)?;
        let r = self.expr(right, scope)?;
        self.operator(name, vec![l, r], pos)
    }

    /// `a AND b AND c ...` (or OR) as one n-ary node, as PostgreSQL's
    /// makeAndExpr flattens it. sqlparser builds the chain left-deep; it
    /// is walked down its left edge in a loop, so a chain of any length
    /// binds in linear time and constant stack.
    fn bool_chain(
        &mut self,
        left: &AstExpr,
        op: &BinaryOperator,
        right: &AstExpr,
        scope: &Scope,
    ) -> Result<Expr> {
        let is_and = matches!(op, BinaryOperator::And);
        let what = if is_and { "AND" } else { "OR" };
        // Operands right to left along the left edge, then reversed.
        let mut operands = vec![right];
        let mut first = left;
        while let Some((l, r)) = same_bool_op(first, is_and) {
            operands.push(r);
            first = l;
        }
        operands.push(first);
        operands.reverse();
        let mut items = Vec::with_capacity(operands.len());
        for operand in operands {
            let bound = self.expr(operand, scope)?;
            let bound = self.boolean(bound, what)?;
            match bound.kind {
                ExprKind::And(v) if is_and => items.extend(v),
                ExprKind::Or(v) if !is_and => items.extend(v),
                _ => items.push(bound),
            }
        }
        let kind = if is_and {
            ExprKind::And(items)
        } else {
            ExprKind::Or(items)
        };
        Ok(typed(kind, DataType::Bool))
    }

    fn unary(
        &mut self,
        op: &UnaryOperator,
        arg: &AstExpr,
        scope: &Scope,
        pos: Option<u32>,
    ) -> Result<Expr> {
        match op {
            UnaryOperator::Minus => {
                // The grammar folds "-" into a numeric literal (doNegate).
                if let Some(s) = numeric_literal_text(arg) {
                    let mut e = number_literal(&format!("-{s}"))?;
                    e.pos = pos;
                    return Ok(e);
                }
                let a = self.expr(arg, scope)?;
                self.operator("-", vec![a], pos)
            }
            UnaryOperator::Plus => {
                let a = self.expr(arg, scope)?;
                self.operator("+", vec![a], pos)
            }
            UnaryOperator::PGAbs => {
                let a = self.expr(arg, scope)?;
                self.operator("@", vec![a], pos)
            }
            UnaryOperator::BitwiseNot => {
                let a = self.expr(arg, scope)?;
                self.operator("~", vec![a], pos)
            }
            UnaryOperator::PGSquareRoot | UnaryOperator::PGCubeRoot => {
                let a = self.expr(arg, scope)?;
                let root = if matches!(op, UnaryOperator::PGSquareRoot) {
                    "sqrt"
                } else {
                    "cbrt"
                };
                self.call(root, vec![a], pos)
            }
            UnaryOperator::AtDashAt
            | UnaryOperator::DoubleAt
            | UnaryOperator::Hash
            | UnaryOperator::QuestionDash
            | UnaryOperator::QuestionPipe
            | UnaryOperator::PGPrefixFactorial => {
                let a = self.expr(arg, scope)?;
                self.operator(&op.to_string(), vec![a], pos)
            }
            UnaryOperator::Not => {
                let a = self.expr(arg, scope)?;
                let a = self.boolean(a, "NOT")?;
                Ok(typed(ExprKind::Not(Box::new(a)), DataType::Bool))
            }
            other => Err(SqlError::unsupported(format!("the operator {other}")).at(pos)),
        }
    }

    /// Resolves and builds an operator call.
    pub(crate) fn operator(&mut self, op: &str, args: Vec<Expr>, pos: Option<u32>) -> Result<Expr> {
        let types: Vec<DataType> = args.iter().map(|a| a.ty).collect();
        let resolved = func::resolve(op, &types, CallKind::Operator)
            .map_err(|e| func::operator_error(op, &types, e).at(pos))?;
        let mut e = self.apply(resolved, args)?;
        e.pos = pos;
        Ok(e)
    }

    /// Resolves `op` for a comparison and returns it with both sides
    /// coerced to its argument types.
    pub(super) fn comparison(
        &mut self,
        op: &str,
        left: Expr,
        right: Expr,
        pos: Option<u32>,
    ) -> Result<(&'static FuncDef, Expr, Expr)> {
        let types = [left.ty, right.ty];
        let r = func::resolve(op, &types, CallKind::Operator)
            .map_err(|e| func::operator_error(op, &types, e).at(pos))?;
        let left = self.coerce(left, r.arg_types[0], -1, CoercionContext::Implicit)?;
        let right = self.coerce(right, r.arg_types[1], -1, CoercionContext::Implicit)?;
        Ok((r.def, left, right))
    }

    /// `left op ANY/ALL (array)`: the operator between `left` and the
    /// array's element type (PostgreSQL's ScalarArrayOpExpr).
    fn array_op(
        &mut self,
        left: &AstExpr,
        op: &str,
        array: &AstExpr,
        any: bool,
        scope: &Scope,
        pos: Option<u32>,
    ) -> Result<Expr> {
        let l = self.expr(left, scope)?;
        let mut arr = self.expr(array, scope)?;
        if arr.ty == DataType::Unknown {
            let elem = if l.ty == DataType::Unknown {
                DataType::Text
            } else {
                l.ty
            };
            let to = elem
                .array_type()
                .unwrap_or(DataType::Array(&DataType::Text));
            arr = self.coerce(arr, to, -1, CoercionContext::Implicit)?;
        }
        let elem = match arr.ty {
            DataType::Array(e) => *e,
            DataType::Int2Vector => DataType::Int2,
            DataType::OidVector => DataType::Oid,
            other => {
                return Err(SqlError::new(
                    SqlState::WRONG_OBJECT_TYPE,
                    "op ANY/ALL (array) requires array on right side",
                )
                .at(pos)
                .with_detail(format!("found type {other}")))
            }
        };
        let element = Expr {
            kind: ExprKind::Const(Value::Null),
            ty: elem,
            typmod: -1,
            pos: None,
        };
        let (def, l, elem_expr) = self.comparison(op, l, element, pos)?;
        if def.ret != DataType::Bool {
            return Err(SqlError::new(
                SqlState::WRONG_OBJECT_TYPE,
                "op ANY/ALL (array) requires operator to yield boolean",
            )
            .at(pos));
        }
        // The elements must already have the operator's right type.
        let _ = elem_expr;
        if elem != def.args[1] && !def.args[1].is_polymorphic() {
            let to = def.args[1].array_type().unwrap_or(arr.ty);
            arr = self.coerce(arr, to, -1, CoercionContext::Implicit)?;
        }
        Ok(Expr {
            kind: ExprKind::ArrayOp {
                arg: Box::new(l),
                array: Box::new(arr),
                op: def,
                any,
            },
            ty: DataType::Bool,
            typmod: -1,
            pos,
        })
    }

    /// `ROW(...)` or `(a, b, ...)`: a row value with fields f1, f2 ...
    #[inline(never)]
    fn row_value(&mut self, items: &[AstExpr], scope: &Scope) -> Result<Expr> {
        let mut fields = Vec::with_capacity(items.len());
        for item in items {
            let e = self.expr(item, scope)?;
            // An untyped literal in a row is text.
            let e = if e.ty == DataType::Unknown {
                self.coerce(e, DataType::Text, -1, CoercionContext::Implicit)?
            } else {
                e
            };
            fields.push(e);
        }
        let names = (1..=fields.len()).map(|i| format!("f{i}")).collect();
        Ok(func::row_constructor(names, fields))
    }

    /// A whole-row reference: the columns of FROM item `name` as a row
    /// value named after them; None if no FROM item is called so.
    pub(super) fn whole_row(&mut self, name: &str, scope: &Scope) -> Result<Option<Expr>> {
        let Some(row) = self.whole_row_of(name, scope) else {
            return self.outer_whole_row(name);
        };
        // Every column of the row must be readable.
        for c in scope
            .columns
            .iter()
            .filter(|c| c.table.as_deref() == Some(name) && c.name != super::SYSTEM_TABLEOID)
        {
            self.check_column_readable(c.table_oid, c.attnum)?;
        }
        Ok(Some(row))
    }

    /// A whole-row reference to a FROM item of an enclosing query: its
    /// columns as outer references (the subquery becomes correlated).
    fn outer_whole_row(&mut self, name: &str) -> Result<Option<Expr>> {
        let levels = self.outer.len();
        for k in (0..levels).rev() {
            let Some(row) = self.whole_row_of(name, &self.outer[k].0.clone()) else {
                continue;
            };
            for c in
                self.outer[k].0.columns.clone().iter().filter(|c| {
                    c.table.as_deref() == Some(name) && c.name != super::SYSTEM_TABLEOID
                })
            {
                self.check_column_readable(c.table_oid, c.attnum)?;
            }
            for level in &mut self.outer[k..] {
                level.1 = true;
            }
            let mut row = row;
            let depth = levels - k;
            let mut to_outer = |e: &mut Expr| {
                if let ExprKind::Column(index) = e.kind {
                    e.kind = ExprKind::Outer { depth, index };
                }
            };
            match &mut row.kind {
                ExprKind::Column(_) => to_outer(&mut row),
                ExprKind::Call { args, .. } => args.iter_mut().for_each(&mut to_outer),
                _ => return Ok(None),
            }
            return Ok(Some(row));
        }
        Ok(None)
    }

    fn whole_row_of(&mut self, name: &str, scope: &Scope) -> Option<Expr> {
        let columns: Vec<(usize, &super::ScopeColumn)> = scope
            .columns
            .iter()
            .enumerate()
            .filter(|(_, c)| c.table.as_deref() == Some(name) && c.name != super::SYSTEM_TABLEOID)
            .collect();
        if columns.is_empty() {
            return None;
        }
        if let [(i, c)] = columns.as_slice() {
            if c.scalar {
                return Some(Expr {
                    kind: ExprKind::Column(*i),
                    ty: c.ty,
                    typmod: c.typmod,
                    pos: None,
                });
            }
        }
        let names = columns.iter().map(|(_, c)| c.name.clone()).collect();
        let fields = columns
            .iter()
            .map(|(i, c)| Expr {
                kind: ExprKind::Column(*i),
                ty: c.ty,
                typmod: c.typmod,
                pos: None,
            })
            .collect();
        Some(func::row_constructor(names, fields))
    }

    /// `(a, b) op (c, d)`: = and <> field by field (AND / OR), the order
    /// operators lexicographically, as PostgreSQL compares rows.
    #[inline(never)]
    fn row_comparison(
        &mut self,
        left: &[AstExpr],
        op: &BinaryOperator,
        right: &[AstExpr],
        scope: &Scope,
        pos: Option<u32>,
    ) -> Result<Expr> {
        if left.len() != right.len() {
            return Err(SqlError::syntax(
                "unequal number of entries in row expressions",
                pos,
            ));
        }
        if left.is_empty() {
            return Err(SqlError::new(
                SqlState::FEATURE_NOT_SUPPORTED,
                "cannot compare rows of zero length",
            )
            .at(pos));
        }
        let name = match op {
            BinaryOperator::Eq => "=",
            BinaryOperator::NotEq => "<>",
            BinaryOperator::Lt => "<",
            BinaryOperator::LtEq => "<=",
            BinaryOperator::Gt => ">",
            BinaryOperator::GtEq => ">=",
            other => return Err(SqlError::unsupported(format!("the row operator {other}")).at(pos)),
        };
        let mut pairs = Vec::with_capacity(left.len());
        for (l, r) in left.iter().zip(right) {
            pairs.push((self.expr(l, scope)?, self.expr(r, scope)?));
        }
        let cmp = |b: &mut Self, op: &str, l: &Expr, r: &Expr| -> Result<Expr> {
            b.operator(op, vec![l.clone(), r.clone()], pos)
        };
        if matches!(name, "=" | "<>") {
            let mut items = Vec::with_capacity(pairs.len());
            for (l, r) in &pairs {
                items.push(cmp(self, name, l, r)?);
            }
            let kind = if name == "=" {
                ExprKind::And(items)
            } else {
                ExprKind::Or(items)
            };
            return Ok(typed(kind, DataType::Bool));
        }
        // a < c OR (a = c AND (b < d OR (b = d AND ...))), the last pair
        // with the operator itself (<= keeps its equality there).
        let strict = match name {
            "<=" => "<",
            ">=" => ">",
            other => other,
        };
        let Some(((last_l, last_r), rest)) = pairs.split_last() else {
            return Err(SqlError::syntax("a row comparison needs fields", pos));
        };
        let mut acc = cmp(self, name, last_l, last_r)?;
        for (l, r) in rest.iter().rev() {
            let less = cmp(self, strict, l, r)?;
            let equal = cmp(self, "=", l, r)?;
            acc = typed(
                ExprKind::Or(vec![
                    less,
                    typed(ExprKind::And(vec![equal, acc]), DataType::Bool),
                ]),
                DataType::Bool,
            );
        }
        Ok(acc)
    }

    /// `(a, b) [NOT] IN ((1, 2), (3, 4))`: OR of row equalities.
    #[inline(never)]
    fn row_in_list(
        &mut self,
        arg: &AstExpr,
        list: &[AstExpr],
        negated: bool,
        scope: &Scope,
        pos: Option<u32>,
    ) -> Result<Expr> {
        let AstExpr::Tuple(left) = arg else {
            return Err(SqlError::internal("row IN without a row"));
        };
        let mut alternatives = Vec::with_capacity(list.len());
        for item in list {
            let AstExpr::Tuple(right) = item else {
                return Err(SqlError::unsupported("IN of a row and a non-row").at(pos));
            };
            alternatives.push(self.row_comparison(left, &BinaryOperator::Eq, right, scope, pos)?);
        }
        let any = typed(ExprKind::Or(alternatives), DataType::Bool);
        Ok(if negated {
            typed(ExprKind::Not(Box::new(any)), DataType::Bool)
        } else {
            any
        })
    }

    /// `(s1, e1) OVERLAPS (s2, e2)`: overlaps(s1, e1, s2, e2), where an
    /// end that is an interval counts from its start.
    #[inline(never)]
    fn overlaps(
        &mut self,
        left: &AstExpr,
        right: &AstExpr,
        scope: &Scope,
        pos: Option<u32>,
    ) -> Result<Expr> {
        fn pair(e: &AstExpr) -> Option<(&AstExpr, &AstExpr)> {
            match e {
                AstExpr::Tuple(items) if items.len() == 2 => Some((&items[0], &items[1])),
                AstExpr::Nested(inner) => pair(inner),
                _ => None,
            }
        }
        let (Some((s1, e1)), Some((s2, e2))) = (pair(left), pair(right)) else {
            return Err(SqlError::syntax(
                "wrong number of parameters on left side of OVERLAPS expression",
                pos,
            ));
        };
        let mut args = Vec::with_capacity(4);
        for (s, e) in [(s1, e1), (s2, e2)] {
            let start = self.expr(s, scope)?;
            let end = self.expr(e, scope)?;
            let end = if end.ty == DataType::Interval {
                self.operator("+", vec![start.clone(), end], pos)?
            } else {
                end
            };
            args.push(start);
            args.push(end);
        }
        self.call("overlaps", args, pos)
    }

    /// `name(args)` for syntax the grammar spells otherwise (OVERLAY).
    #[inline(never)]
    fn call_with(
        &mut self,
        name: &str,
        args: &[&AstExpr],
        scope: &Scope,
        pos: Option<u32>,
    ) -> Result<Expr> {
        let mut bound = Vec::with_capacity(args.len());
        for a in args {
            bound.push(self.expr(a, scope)?);
        }
        self.call(name, bound, pos)
    }

    /// `x [NOT] SIMILAR TO p [ESCAPE e]`: `x ~ similar_to_escape(p, e)`,
    /// as PostgreSQL's grammar rewrites it.
    /// `x[i]`, `t.col[1:2]`, `(expr).field`: the root, then each access.
    #[inline(never)]
    fn compound_access(
        &mut self,
        e: &AstExpr,
        root: &AstExpr,
        access_chain: &[ast::AccessExpr],
        scope: &Scope,
    ) -> Result<Expr> {
        let pos = self.expr_pos(e);
        // `t.col[i]`: leading `.name` parts extend the column
        // reference before the subscripts.
        let mut path: Vec<ast::Ident> = match root {
            AstExpr::Identifier(id) => vec![id.clone()],
            AstExpr::CompoundIdentifier(ids) => ids.clone(),
            _ => Vec::new(),
        };
        let mut rest = access_chain;
        while let (false, Some((ast::AccessExpr::Dot(AstExpr::Identifier(id)), tail))) =
            (path.is_empty(), rest.split_first())
        {
            path.push(id.clone());
            rest = tail;
        }
        let mut out = if rest.len() < access_chain.len() {
            self.expr(&AstExpr::CompoundIdentifier(path), scope)?
        } else {
            self.expr(root, scope)?
        };
        while let Some((first, tail)) = rest.split_first() {
            // Consecutive subscripts are one reference: `a[1][2]`,
            // `a[1:2][3]` (jsonb takes its subscripts one by one).
            let n = if out.ty == DataType::Jsonb {
                0
            } else {
                rest.iter()
                    .take_while(|a| matches!(a, ast::AccessExpr::Subscript(_)))
                    .count()
            };
            if n > 0 {
                out = self.array_access(out, &rest[..n], scope, pos)?;
                rest = &rest[n..];
            } else {
                out = self.access(out, first, scope, pos)?;
                rest = tail;
            }
        }
        Ok(out)
    }
    /// A call of a user-defined function, if `parts` names one that takes
    /// these arguments: a built-in function of the same name is preferred
    /// unless a user-defined one takes the arguments without conversion
    /// (or the name is qualified by a schema other than pg_catalog). A
    /// set-returning one stands where generate_series may, as an
    /// unnesting of the array of its rows.
    #[inline(never)]
    fn maybe_user_function(
        &mut self,
        parts: &[String],
        f: &ast::Function,
        scope: &Scope,
        pos: Option<u32>,
    ) -> Result<Option<Expr>> {
        let FunctionArguments::List(list) = &f.args else {
            if !matches!(f.args, FunctionArguments::None) || parts.len() < 2 {
                return Ok(None);
            }
            return self.user_function_call(parts, &[], scope, pos, false);
        };
        if f.over.is_some() || f.filter.is_some() || !f.within_group.is_empty() {
            return Ok(None);
        }
        if list.duplicate_treatment.is_some() || !list.clauses.is_empty() {
            return Ok(None);
        }
        let name = parts.last().map(String::as_str).unwrap_or_default();
        let qualified = matches!(parts, [schema, _] | [_, schema, _] if schema != "pg_catalog");
        let builtin = !qualified
            && (func::exists(name)
                || super::group::is_aggregate(name)
                || super::srf::is_srf(name)
                || matches!(
                    name,
                    "row"
                        | "coalesce"
                        | "greatest"
                        | "least"
                        | "nullif"
                        | "concat"
                        | "concat_ws"
                        | "pg_typeof"
                        | "format"
                        | "num_nulls"
                        | "num_nonnulls"
                ));
        let Some(call) = self.user_function_call(parts, &list.args, scope, pos, builtin)? else {
            return Ok(None);
        };
        let ExprKind::UserCall(c) = &call.kind else {
            return Ok(Some(call));
        };
        if !c.func.retset || self.bare_set_calls {
            return Ok(Some(call));
        }
        self.srf_allowed(scope, pos)?;
        let elem = match call.ty {
            DataType::Array(e) => *e,
            other => other,
        };
        Ok(Some(Expr {
            kind: ExprKind::SetCall {
                func: crate::plan::Srf::Unnest("unnest"),
                args: vec![call],
            },
            ty: elem,
            typmod: -1,
            pos,
        }))
    }

    /// A set-returning call in a select list, ORDER BY, GROUP BY or
    /// DISTINCT ON: a [`ExprKind::SetCall`] node, moved into a ProjectSet
    /// when the select is planned (elsewhere PostgreSQL's 0A000).
    #[inline(never)]
    fn nested_srf(
        &mut self,
        name: &str,
        f: &ast::Function,
        scope: &Scope,
        pos: Option<u32>,
    ) -> Result<Expr> {
        self.srf_allowed(scope, pos)?;
        let ast::FunctionArguments::List(list) = &f.args else {
            return Err(self.srf_not_here(None, pos));
        };
        if f.over.is_some() {
            return Err(super::select::not_a_window_function(name).at(pos));
        }
        let (func, args, ty) = self.srf_call(name, &list.args, scope, pos)?;
        Ok(Expr {
            kind: ExprKind::SetCall { func, args },
            ty,
            typmod: -1,
            pos,
        })
    }

    /// PostgreSQL's refusal of a set-returning call where the clause
    /// being bound cannot take one.
    fn srf_not_here(&self, no_aggs: Option<&str>, pos: Option<u32>) -> SqlError {
        let refused = self.srf_refused;
        let msg = match no_aggs.and_then(|m| m.strip_prefix("aggregate functions ")) {
            _ if refused.is_some() => refused.unwrap_or_default().to_owned(),
            Some(rest) if rest.starts_with("are not allowed in ") => {
                format!("set-returning functions {rest}")
            }
            _ => "set-returning functions are only supported in FROM and at the top level of a select list".into(),
        };
        SqlError::new(SqlState::FEATURE_NOT_SUPPORTED, msg).at(pos)
    }

    /// Whether a set-returning call may stand here (a select list's top
    /// level, ORDER BY, GROUP BY ...), else PostgreSQL's error.
    fn srf_allowed(&self, scope: &Scope, pos: Option<u32>) -> Result<()> {
        if self.in_window_args {
            return Err(SqlError::new(
                SqlState::FEATURE_NOT_SUPPORTED,
                "window function calls cannot contain set-returning function calls",
            )
            .with_hint(
                "You might be able to move the set-returning function into a LATERAL FROM item.",
            )
            .at(pos));
        }
        if self.in_aggregate {
            return Err(SqlError::new(
                SqlState::FEATURE_NOT_SUPPORTED,
                "aggregate function calls cannot contain set-returning function calls",
            )
            .with_hint(
                "You might be able to move the set-returning function into a LATERAL FROM item.",
            )
            .at(pos));
        }
        if self.srf_width != Some(scope.columns.len()) {
            return Err(self.srf_not_here(self.no_aggs, pos));
        }
        Ok(())
    }

    /// A call whose last argument is `VARIADIC array`: functions taking
    /// VARIADIC "any" spread the array at run time, the others (VARIADIC
    /// text[] and the like) take it as their array parameter.
    #[inline(never)]
    fn variadic_call(&mut self, name: &str, mut args: Vec<Expr>, pos: Option<u32>) -> Result<Expr> {
        let Some(last) = args.pop() else {
            return Err(SqlError::internal("VARIADIC without an argument"));
        };
        let last = if last.ty == DataType::Unknown {
            self.coerce(
                last,
                DataType::Array(&DataType::Text),
                -1,
                CoercionContext::Implicit,
            )?
        } else {
            last
        };
        if !matches!(last.ty, DataType::Array(_)) {
            return Err(SqlError::new(
                SqlState::DATATYPE_MISMATCH,
                "VARIADIC argument must be an array",
            )
            .at(last.pos.or(pos)));
        }
        if func::variadic_array_call(name, Vec::new()).is_none() {
            args.push(last);
            return self.call(name, args, pos);
        }
        let mut fixed = Vec::with_capacity(args.len() + 1);
        for a in args {
            fixed.push(if a.ty == DataType::Unknown {
                self.coerce(a, DataType::Text, -1, CoercionContext::Implicit)?
            } else {
                a
            });
        }
        fixed.push(last);
        match func::variadic_array_call(name, fixed) {
            Some(call) => Ok(Expr { pos, ..call }),
            None => Err(SqlError::internal("VARIADIC call")),
        }
    }

    /// `x [NOT] [I]LIKE ANY | SOME | ALL (array)`.
    #[inline(never)]
    fn like_quantified(
        &mut self,
        ci: bool,
        negated: bool,
        any: bool,
        expr: &AstExpr,
        pattern: &AstExpr,
        scope: &Scope,
    ) -> Result<Expr> {
        let op = match (ci, negated) {
            (false, false) => "~~",
            (false, true) => "!~~",
            (true, false) => "~~*",
            (true, true) => "!~~*",
        };
        let (array, any) = match quantified_call(pattern) {
            Some((arg, is_any)) if !any => (arg, is_any),
            _ => (pattern, true),
        };
        let pos = self.pos_after(expr);
        self.array_op(expr, op, array, any, scope, pos)
    }

    #[inline(never)]
    fn similar_to(
        &mut self,
        e: &AstExpr,
        negated: bool,
        expr: &AstExpr,
        pattern: &AstExpr,
        escape: Option<&AstExpr>,
        scope: &Scope,
    ) -> Result<Expr> {
        let pos = self.expr_pos(e);
        let mut args = vec![self.expr(pattern, scope)?];
        if let Some(esc) = escape {
            args.push(self.expr(esc, scope)?);
        }
        let regex = self.call("similar_to_escape", args, pos)?;
        let left = self.expr(expr, scope)?;
        let op = if negated { "!~" } else { "~" };
        self.operator(op, vec![left, regex], self.pos_after(expr))
    }

    /// `jsonb[key]`: a text key or an integer index (PostgreSQL 14's jsonb
    /// subscripting, read side), as `#>` with a one-element path.
    #[inline(never)]
    fn jsonb_access(
        &mut self,
        out: Expr,
        access: &ast::AccessExpr,
        scope: &Scope,
        pos: Option<u32>,
    ) -> Result<Expr> {
        let mismatch = |msg: String| SqlError::new(SqlState::DATATYPE_MISMATCH, msg).at(pos);
        let ast::AccessExpr::Subscript(ast::Subscript::Index { index }) = access else {
            return Err(mismatch("jsonb subscript does not support slices".into()));
        };
        let index = self.jsonb_key(index, scope).map_err(|e| e.at(pos))?;
        Ok(Expr {
            kind: ExprKind::Call {
                def: &crate::func::jsonb::JSONB_SUBSCRIPT,
                args: vec![out, index],
            },
            ty: DataType::Jsonb,
            typmod: -1,
            pos,
        })
    }

    /// The subscripts of one array reference, bound: each index, or for
    /// a slice (when any subscript is one) a (lower, upper) pair per
    /// subscript, `[i]` meaning `[1:i]` and an omitted bound a void
    /// constant.
    #[inline(never)]
    pub(crate) fn subscripts(
        &mut self,
        subs: &[&ast::Subscript],
        scope: &Scope,
    ) -> Result<(Vec<Expr>, bool)> {
        if subs.len() > crate::value::array::MAXDIM {
            return Err(crate::value::array::too_many_dims(subs.len()));
        }
        let is_slice = subs
            .iter()
            .any(|s| matches!(s, ast::Subscript::Slice { .. }));
        let bound = |b: &mut Self, e: Option<&AstExpr>, _: i32| -> Result<Expr> {
            match e {
                Some(e) => {
                    // Any type with an assignment cast to integer, as
                    // PostgreSQL's transformArraySubscripts (bigint, numeric).
                    let x = b.expr(e, scope)?;
                    let at = b.expr_pos(e);
                    b.coerce(x, DataType::Int4, -1, CoercionContext::Assignment)
                        .map_err(|err| {
                            if err.code() == SqlState::CANNOT_COERCE
                                || err.code() == SqlState::DATATYPE_MISMATCH
                            {
                                SqlError::new(
                                    SqlState::DATATYPE_MISMATCH,
                                    "array subscript must have type integer",
                                )
                                .at(at)
                            } else {
                                err
                            }
                        })
                }
                None => Ok(typed(ExprKind::Const(Value::Void), DataType::Int4)),
            }
        };
        let mut out = Vec::with_capacity(subs.len() * 2);
        for s in subs {
            match s {
                ast::Subscript::Index { index } if is_slice => {
                    out.push(typed(ExprKind::Const(Value::Int4(1)), DataType::Int4));
                    out.push(bound(self, Some(index), 0)?);
                }
                ast::Subscript::Index { index } => out.push(bound(self, Some(index), 0)?),
                ast::Subscript::Slice {
                    lower_bound,
                    upper_bound,
                    stride: None,
                } => {
                    out.push(bound(self, lower_bound.as_ref(), i32::MIN)?);
                    out.push(bound(self, upper_bound.as_ref(), i32::MAX)?);
                }
                other => {
                    return Err(SqlError::unsupported(format!("the subscript \"{other}\"")));
                }
            }
        }
        Ok((out, is_slice))
    }

    /// `a[i][j]...` or a slice of an array (or `name[i]`; 42804 for a
    /// type without subscripts).
    #[inline(never)]
    fn array_access(
        &mut self,
        out: Expr,
        accesses: &[ast::AccessExpr],
        scope: &Scope,
        pos: Option<u32>,
    ) -> Result<Expr> {
        let subs: Vec<&ast::Subscript> = accesses
            .iter()
            .filter_map(|a| match a {
                ast::AccessExpr::Subscript(s) => Some(s),
                _ => None,
            })
            .collect();
        let (bounds, is_slice) = self.subscripts(&subs, scope).map_err(|e| e.at(pos))?;
        if is_slice {
            func::slice(out, bounds)
        } else {
            func::subscript(out, bounds)
        }
        .map_err(|err| err.at(pos))
    }

    /// A jsonb subscript: text (a key) or an integer (an index).
    #[inline(never)]
    pub(crate) fn jsonb_key(&mut self, index: &AstExpr, scope: &Scope) -> Result<Expr> {
        let index = self.expr(index, scope)?;
        match index.ty {
            DataType::Unknown | DataType::Text | DataType::Varchar | DataType::Bpchar => {
                self.coerce(index, DataType::Text, -1, CoercionContext::Implicit)
            }
            DataType::Int2 | DataType::Int4 | DataType::Int8 => Ok(index),
            other => Err(SqlError::new(
                SqlState::DATATYPE_MISMATCH,
                format!("subscript type {other} is not supported"),
            )
            .with_hint("jsonb subscript must be coercible to either integer or text.")),
        }
    }

    /// One access of `out` that is not an array subscript: a jsonb
    /// subscript, else unsupported.
    #[inline(never)]
    fn access(
        &mut self,
        out: Expr,
        access: &ast::AccessExpr,
        scope: &Scope,
        pos: Option<u32>,
    ) -> Result<Expr> {
        if out.ty == DataType::Jsonb {
            return self.jsonb_access(out, access, scope, pos);
        }
        if let (DataType::Composite(oid), ast::AccessExpr::Dot(AstExpr::Identifier(id))) =
            (out.ty, access)
        {
            return self.field_select(out, oid, &ident(id), pos);
        }
        if let ast::AccessExpr::Dot(AstExpr::Identifier(id)) = access {
            // A field of a row constructor: the field's own expression.
            if let Some((names, fields)) = crate::func::row_constructor_fields(&out) {
                let name = ident(id);
                return match names.iter().position(|n| *n == name) {
                    Some(i) => Ok(Expr {
                        pos,
                        ..fields[i].clone()
                    }),
                    None => Err(SqlError::new(
                        SqlState::UNDEFINED_COLUMN,
                        format!("could not identify column \"{name}\" in record data type"),
                    )
                    .at(pos)),
                };
            }
        }
        Err(SqlError::unsupported(format!("the expression \"{access}\"")).at(pos))
    }

    /// `(v).name` of a value of composite type `oid`: 42703 for a field
    /// the type does not have.
    #[inline(never)]
    fn field_select(&mut self, v: Expr, oid: u32, name: &str, pos: Option<u32>) -> Result<Expr> {
        let (names, types) = crate::usertype::fields(oid).unwrap_or_default();
        let Some(i) = names.iter().position(|n| n == name) else {
            return Err(SqlError::new(
                SqlState::UNDEFINED_COLUMN,
                format!(
                    "column \"{name}\" not found in data type {}",
                    DataType::Composite(oid).sql_name()
                ),
            )
            .at(pos));
        };
        self.record_field(v, i, types[i], pos)
    }

    /// Field `i` (of type and typmod `ty`) of composite value `v`.
    pub(super) fn record_field(
        &mut self,
        v: Expr,
        i: usize,
        ty: (DataType, i32),
        pos: Option<u32>,
    ) -> Result<Expr> {
        let index = Expr::constant(Value::Int4(i as i32), DataType::Int4);
        let mut e = self.call("pg_record_field", vec![v, index], pos)?;
        (e.ty, e.typmod) = ty;
        Ok(e)
    }

    /// A cast to domain `oid`: to its base type, then its constraints
    /// checked (the result has the base type).
    #[inline(never)]
    pub(crate) fn domain_cast(&mut self, e: Expr, oid: u32, pos: Option<u32>) -> Result<Expr> {
        let (base, typmod, _) = crate::ddl::types::domain_parts(DataType::Domain(oid), -1);
        let inner = self.explicit_cast(e, base, typmod, pos)?;
        let domain = Expr {
            kind: ExprKind::Const(Value::Oid(oid)),
            ty: DataType::Oid,
            typmod: -1,
            pos: None,
        };
        self.call("pg_domain_check", vec![inner, domain], pos)
    }

    /// Resolves and builds a function call by name.
    pub(crate) fn call(
        &mut self,
        name: &str,
        mut args: Vec<Expr>,
        pos: Option<u32>,
    ) -> Result<Expr> {
        if matches!(name, "txid_current" | "pg_current_xact_id") {
            self.tables.assign_xid()?;
        }
        if let Some(oid) = func::enum_type_argument(name, &args)
            .or_else(|| func::composite_type_argument(name, &args))
        {
            args.push(Expr {
                kind: ExprKind::Const(Value::Oid(oid)),
                ty: DataType::Oid,
                typmod: -1,
                pos: None,
            });
        }
        if (name == "format" && !args.is_empty())
            || matches!(
                name,
                "json_build_object"
                    | "json_build_array"
                    | "jsonb_build_object"
                    | "jsonb_build_array"
                    | "num_nulls"
                    | "num_nonnulls"
            )
        {
            // VARIADIC "any" (format's first argument is its text):
            // untyped literals are text.
            let mut typed = Vec::with_capacity(args.len());
            for (i, a) in args.into_iter().enumerate() {
                let to_text = a.ty == DataType::Unknown || (name == "format" && i == 0);
                typed.push(if to_text {
                    self.coerce(a, DataType::Text, -1, CoercionContext::Implicit)?
                } else {
                    a
                });
            }
            return func::variadic_call(name, typed).map_err(|e| e.at(pos));
        }
        if matches!(
            name,
            "json_extract_path"
                | "json_extract_path_text"
                | "jsonb_extract_path"
                | "jsonb_extract_path_text"
        ) && !(args.len() == 2 && matches!(args[1].ty, DataType::Array(_)))
            && !args.is_empty()
        {
            args = self.variadic_text(args)?;
        }
        // int4multirange(VARIADIC int4range[]) and its kind: two or more
        // ranges are its array.
        if let Some(DataType::Multirange(range)) = DataType::from_name(name) {
            if args.len() > 1 {
                let mut items = Vec::with_capacity(args.len());
                for a in std::mem::take(&mut args) {
                    items.push(self.coerce(a, *range, -1, CoercionContext::Implicit)?);
                }
                args.push(func::array_constructor(items, *range)?);
            }
        }
        if crate::usertype::any() && !func::exists(name) {
            if let Some(
                ty @ (DataType::UserRange(_) | DataType::Multirange(DataType::UserRange(_))),
            ) = self.tables.user_type(&[name.to_owned()])?
            {
                return self.user_range_constructor(name, ty, args, pos);
            }
        }
        let types: Vec<DataType> = args.iter().map(|a| a.ty).collect();
        // A type's name called on one untyped literal is a cast even when
        // functions of that name exist (cidr('10.1/16') is the cidr
        // input, not cidr(inet)), as PostgreSQL's func_get_detail.
        if let [arg] = args.as_slice() {
            if arg.ty == DataType::Unknown && matches!(arg.kind, ExprKind::Const(_)) {
                if let Some(ty) = DataType::from_name(name).filter(|t| t.name() == name) {
                    if let Some(arg) = args.pop() {
                        return self.explicit_cast(arg, ty, -1, pos);
                    }
                }
            }
        }
        match func::resolve(name, &types, CallKind::Function) {
            Ok(resolved) => self.apply(resolved, args),
            Err(ResolveError::NotFound) if args.len() == 1 => {
                // A function-style cast: int4('5'), text(5).
                match DataType::from_name(name) {
                    Some(ty) if can_coerce(types[0], ty, CoercionContext::Explicit) => {
                        let arg = args
                            .into_iter()
                            .next()
                            .ok_or_else(|| SqlError::internal("no argument"))?;
                        self.explicit_cast(arg, ty, -1, pos)
                    }
                    _ => Err(func::function_error(name, &types, ResolveError::NotFound).at(pos)),
                }
            }
            Err(e) => Err(func::function_error(name, &types, e).at(pos)),
        }
    }

    /// The constructor of a user range type (`name(lower, upper [,
    /// bounds])`) or of its multirange type (`name()`, `name(range)`,
    /// `name(VARIADIC ranges)`): 42883 for other arguments.
    #[inline(never)]
    fn user_range_constructor(
        &mut self,
        name: &str,
        ty: DataType,
        args: Vec<Expr>,
        pos: Option<u32>,
    ) -> Result<Expr> {
        let types: Vec<DataType> = args.iter().map(|a| a.ty).collect();
        let missing = || func::function_error(name, &types, ResolveError::NotFound).at(pos);
        let mut coerced = Vec::with_capacity(args.len());
        let def = match ty {
            DataType::Multirange(range) => {
                let n = args.len();
                let one_array = n == 1 && matches!(types[0], DataType::Array(_));
                for a in args {
                    let to = if one_array {
                        DataType::Array(range)
                    } else {
                        *range
                    };
                    if !matches!(a.ty, DataType::Unknown) && a.ty != to {
                        return Err(missing());
                    }
                    coerced.push(self.coerce(a, to, -1, CoercionContext::Implicit)?);
                }
                if n > 1 {
                    coerced = vec![func::array_constructor(coerced, *range)?];
                }
                &func::USER_MULTIRANGE_CONSTRUCTORS[match n {
                    0 => 0,
                    1 if !one_array => 1,
                    _ => 2,
                }]
            }
            _ => {
                if !(2..=3).contains(&args.len()) {
                    return Err(missing());
                }
                let sub = crate::value::range::element(ty);
                for (i, a) in args.into_iter().enumerate() {
                    let to = if i == 2 { DataType::Text } else { sub };
                    if !can_coerce(a.ty, to, CoercionContext::Implicit) {
                        return Err(missing());
                    }
                    coerced.push(self.coerce(a, to, -1, CoercionContext::Implicit)?);
                }
                &func::USER_RANGE_CONSTRUCTORS[coerced.len() - 2]
            }
        };
        Ok(typed(ExprKind::Call { def, args: coerced }, ty))
    }

    /// VARIADIC text[]: the arguments after the first as one text array.
    #[inline(never)]
    fn variadic_text(&mut self, mut args: Vec<Expr>) -> Result<Vec<Expr>> {
        let rest = args.split_off(1);
        let mut items = Vec::with_capacity(rest.len());
        for a in rest {
            items.push(self.coerce(a, DataType::Text, -1, CoercionContext::Implicit)?);
        }
        args.push(func::array_constructor(items, DataType::Text)?);
        Ok(args)
    }

    /// Coerces arguments to the resolved types and builds the call.
    fn apply(&mut self, r: Resolved, args: Vec<Expr>) -> Result<Expr> {
        let mut coerced = Vec::with_capacity(args.len());
        for (a, t) in args.into_iter().zip(&r.arg_types) {
            coerced.push(self.coerce(a, *t, -1, CoercionContext::Implicit)?);
        }
        Ok(typed(
            ExprKind::Call {
                def: r.def,
                args: coerced,
            },
            r.ret,
        ))
    }

    /// Coerces `e` to `to` in `ctx`. Unknown literals are read right away
    /// (errors at the literal's position). 42804 when impossible.
    pub(crate) fn coerce(
        &mut self,
        e: Expr,
        to: DataType,
        typmod: i32,
        ctx: CoercionContext,
    ) -> Result<Expr> {
        if e.ty == to && (typmod < 0 || e.typmod == typmod) {
            return Ok(e);
        }
        let e = match self.reg_coerce(e, to)? {
            Ok(done) => return Ok(done),
            Err(e) => e,
        };
        if to == DataType::Any || (to.is_polymorphic() && e.ty != DataType::Unknown) {
            return Ok(e);
        }
        let to = if to.is_polymorphic() {
            DataType::Text
        } else {
            to
        };
        if let (ExprKind::Param(i), DataType::Unknown) = (&e.kind, e.ty) {
            // An untyped parameter takes the type its context wants.
            self.params[*i] = to;
            return Ok(Expr { ty: to, ..e });
        }
        if let Some(v) = e.as_const() {
            if e.ty == DataType::Unknown || v.is_null() {
                let value = match v {
                    Value::Null => Value::Null,
                    Value::Text(s) => {
                        let parsed = crate::cast::parse_text_typmod(s, to, typmod, &self.style)
                            .map_err(|err| err.at(e.pos))?;
                        cast_value(
                            parsed,
                            to,
                            to,
                            typmod,
                            ctx == CoercionContext::Explicit,
                            &self.style,
                        )
                        .map_err(|err| err.at(e.pos))?
                    }
                    other => other.clone(),
                };
                return Ok(Expr {
                    kind: ExprKind::Const(value),
                    ty: to,
                    typmod,
                    pos: e.pos,
                });
            }
        }
        if can_coerce(e.ty, to, ctx) {
            let pos = e.pos;
            return Ok(Expr {
                kind: ExprKind::Cast {
                    arg: Box::new(e),
                    explicit: ctx == CoercionContext::Explicit,
                },
                ty: to,
                typmod,
                pos,
            });
        }
        Err(SqlError::new(
            SqlState::DATATYPE_MISMATCH,
            format!("cannot cast type {} to {}", e.ty, to),
        )
        .at(e.pos))
    }

    /// CAST / `::`: 42846 "cannot cast type x to y" when no cast exists.
    fn explicit_cast(
        &mut self,
        e: Expr,
        to: DataType,
        typmod: i32,
        pos: Option<u32>,
    ) -> Result<Expr> {
        if let DataType::Domain(oid) = to {
            return self.domain_cast(e, oid, pos);
        }
        if !can_coerce(e.ty, to, CoercionContext::Explicit) {
            return Err(SqlError::new(
                SqlState::CANNOT_COERCE,
                format!("cannot cast type {} to {}", e.ty, to),
            )
            .at(pos));
        }
        let mut out = self
            .coerce(e, to, typmod, CoercionContext::Explicit)
            .map_err(|err| err.at(pos))?;
        if out.ty == to && out.typmod != typmod && typmod >= 0 {
            // Same type, new typmod: varchar(10)::varchar(3), numeric scales.
            out = Expr {
                pos: out.pos,
                kind: ExprKind::Cast {
                    arg: Box::new(out),
                    explicit: true,
                },
                ty: to,
                typmod,
            };
        }
        Ok(out)
    }

    /// An argument of AND/OR/NOT/WHERE/IS TRUE...: must be boolean.
    pub(crate) fn boolean(&mut self, e: Expr, what: &str) -> Result<Expr> {
        if super::tsrf::has_srf(&e) {
            // At the expression's leftmost token, as exprLocation.
            let mut at = e.pos;
            e.visit(&mut |x| {
                if let Some(p) = x.pos {
                    at = Some(at.map_or(p, |a| a.min(p)));
                }
            });
            return Err(SqlError::new(
                SqlState::DATATYPE_MISMATCH,
                format!("argument of {what} must not return a set"),
            )
            .at(at));
        }
        if e.ty == DataType::Bool {
            return Ok(e);
        }
        if e.ty == DataType::Unknown {
            return self.coerce(e, DataType::Bool, -1, CoercionContext::Implicit);
        }
        Err(SqlError::new(
            SqlState::DATATYPE_MISMATCH,
            format!("argument of {what} must be type boolean, not type {}", e.ty),
        )
        .at(e.pos))
    }

    /// PostgreSQL's select_common_type: the type CASE branches, COALESCE
    /// arguments or IN-list members are brought to.
    pub(crate) fn common_type(&self, exprs: &[&Expr], context: &str) -> Result<DataType> {
        let mut known = exprs.iter().filter(|e| e.ty != DataType::Unknown);
        let Some(first) = known.next() else {
            return Ok(DataType::Text);
        };
        let mut ptype = first.ty;
        for e in known {
            let t = e.ty;
            if t == ptype {
                continue;
            }
            if t.category() != ptype.category() {
                return Err(SqlError::new(
                    SqlState::DATATYPE_MISMATCH,
                    format!("{context} types {ptype} and {t} cannot be matched"),
                )
                .at(e.pos));
            }
            if !ptype.is_preferred()
                && can_coerce(ptype, t, CoercionContext::Implicit)
                && !can_coerce(t, ptype, CoercionContext::Implicit)
            {
                ptype = t;
            }
        }
        Ok(ptype)
    }

    fn in_list(
        &mut self,
        arg: &AstExpr,
        list: &[AstExpr],
        negated: bool,
        scope: &Scope,
    ) -> Result<Expr> {
        let pos = self.pos_after(arg);
        if let AstExpr::Tuple(_) = arg {
            return self.row_in_list(arg, list, negated, scope, pos);
        }
        let a = self.expr(arg, scope)?;
        let mut items = Vec::with_capacity(list.len());
        for item in list {
            items.push(self.expr(item, scope)?);
        }
        let mut all: Vec<&Expr> = vec![&a];
        all.extend(items.iter());
        let bound = match self.common_type(&all, "IN") {
            Ok(common) => {
                let a = self.coerce(a, common, -1, CoercionContext::Implicit)?;
                let (eq, a, _) = self.comparison("=", a.clone(), a, pos)?;
                let mut list = Vec::with_capacity(items.len());
                for item in items {
                    list.push((
                        self.coerce(item, common, -1, CoercionContext::Implicit)?,
                        eq,
                    ));
                }
                (a, list)
            }
            // No common type: compare pairwise, each with its own "=".
            Err(_) => {
                let mut list = Vec::with_capacity(items.len());
                let mut lhs = a.clone();
                for item in items {
                    let (eq, l, r) = self.comparison("=", a.clone(), item, pos)?;
                    lhs = l;
                    list.push((r, eq));
                }
                (lhs, list)
            }
        };
        Ok(typed(
            ExprKind::InList {
                arg: Box::new(bound.0),
                list: bound.1,
                negated,
            },
            DataType::Bool,
        ))
    }

    fn case(
        &mut self,
        operand: Option<&AstExpr>,
        conditions: &[ast::CaseWhen],
        otherwise: Option<&AstExpr>,
        scope: &Scope,
    ) -> Result<Expr> {
        let operand = operand.map(|o| self.expr(o, scope)).transpose()?;
        let mut conds = Vec::with_capacity(conditions.len());
        let mut results = Vec::with_capacity(conditions.len());
        for w in conditions {
            let c = self.expr(&w.condition, scope)?;
            let c = match &operand {
                Some(o) => {
                    let pos = c.pos;
                    self.operator("=", vec![o.clone(), c], pos)?
                }
                None => self.boolean(c, "CASE/WHEN")?,
            };
            conds.push(c);
            results.push(self.expr(&w.result, scope)?);
        }
        let otherwise = otherwise.map(|e| self.expr(e, scope)).transpose()?;
        // The ELSE result comes first, as in PostgreSQL's
        // transformCaseExpr (it leads the common type and its messages).
        let mut all: Vec<&Expr> = otherwise.iter().collect();
        all.extend(results.iter());
        let ty = self.common_type(&all, "CASE")?;
        let mut whens = Vec::with_capacity(conds.len());
        for (c, r) in conds.into_iter().zip(results) {
            whens.push((c, self.coerce(r, ty, -1, CoercionContext::Implicit)?));
        }
        let otherwise = match otherwise {
            Some(e) => Some(Box::new(self.coerce(
                e,
                ty,
                -1,
                CoercionContext::Implicit,
            )?)),
            None => None,
        };
        let case = typed(ExprKind::Case { whens, otherwise }, ty);
        no_conditional_srf(&case, "CASE")?;
        Ok(case)
    }

    /// The error for an aggregate's clause (DISTINCT, ORDER BY, FILTER,
    /// WITHIN GROUP) on a call of a function that is not an aggregate:
    /// the call's own error when the function does not exist, else 42809
    /// (ParseFuncOrColumn's).
    fn not_an_aggregate(
        &mut self,
        name: &str,
        f: &ast::Function,
        scope: &Scope,
        pos: Option<u32>,
    ) -> SqlError {
        let mut plain = f.clone();
        plain.filter = None;
        plain.within_group.clear();
        let (mut distinct, mut order) = (false, false);
        if let FunctionArguments::List(list) = &mut plain.args {
            distinct = list.duplicate_treatment.take().is_some();
            order = list
                .clauses
                .iter()
                .any(|c| matches!(c, ast::FunctionArgumentClause::OrderBy(_)));
            list.clauses.clear();
            // WITHIN GROUP's keys are arguments too.
            for o in &f.within_group {
                list.args
                    .push(FunctionArg::Unnamed(FunctionArgExpr::Expr(o.expr.clone())));
            }
        }
        if let Err(e) = self.function(&plain, scope, pos) {
            return e;
        }
        let what = if distinct {
            "DISTINCT"
        } else if !f.within_group.is_empty() {
            "WITHIN GROUP"
        } else if order {
            "ORDER BY"
        } else if f.filter.is_some() {
            "FILTER"
        } else {
            return SqlError::unsupported(format!("the clauses of {name}")).at(pos);
        };
        SqlError::new(
            SqlState::WRONG_OBJECT_TYPE,
            format!("{what} specified, but {name} is not an aggregate function"),
        )
        .at(pos)
    }

    fn function(&mut self, f: &ast::Function, scope: &Scope, pos: Option<u32>) -> Result<Expr> {
        let parts = object_name(&f.name);
        let last = parts.last().map(String::as_str).unwrap_or_default();
        if !super::group::is_aggregate(last) {
            if let Some(call) = self.user_aggregate_call(&parts, f, scope, pos)? {
                return Ok(call);
            }
        }
        if let Some(call) = self.maybe_user_function(&parts, f, scope, pos)? {
            return Ok(call);
        }
        let name = match parts.as_slice() {
            [n] => n.clone(),
            [schema, n] if schema == "pg_catalog" => n.clone(),
            _ => {
                return Err(SqlError::new(
                    SqlState::UNDEFINED_FUNCTION,
                    format!("function {}() does not exist", parts.join(".")),
                )
                .at(pos))
            }
        };
        // FUNC_MAX_ARGS; COALESCE, GREATEST and LEAST are not functions.
        if let FunctionArguments::List(list) = &f.args {
            if list.args.len() > 100 && !matches!(name.as_str(), "coalesce" | "greatest" | "least")
            {
                return Err(SqlError::new(
                    SqlState::TOO_MANY_ARGUMENTS,
                    "cannot pass more than 100 arguments to a function",
                )
                .at(pos));
            }
        }
        if f.over.is_some() {
            return self.window_function(&name, f, scope, pos);
        }
        if !f.within_group.is_empty()
            && matches!(
                name.as_str(),
                "rank" | "dense_rank" | "percent_rank" | "cume_dist"
            )
        {
            if let Some(msg) = self.no_aggs {
                return Err(SqlError::new(SqlState::GROUPING_ERROR, msg).at(pos));
            }
            let outer = std::mem::replace(&mut self.in_aggregate, true);
            let r = self.hypothetical(&name, f, scope, pos);
            self.in_aggregate = outer;
            return r;
        }
        if matches!(
            name.as_str(),
            "row_number"
                | "rank"
                | "dense_rank"
                | "percent_rank"
                | "cume_dist"
                | "ntile"
                | "lag"
                | "lead"
                | "first_value"
                | "nth_value"
                | "last_value"
        ) {
            return Err(SqlError::new(
                SqlState::WRONG_OBJECT_TYPE,
                format!("window function {name} requires an OVER clause"),
            )
            .at(pos));
        }
        if super::group::is_aggregate(&name) {
            let outer = std::mem::replace(&mut self.in_aggregate, true);
            let r = self.aggregate(&name, f, scope, pos);
            self.in_aggregate = outer;
            return r;
        }
        if super::srf::is_srf(&name) {
            return self.nested_srf(&name, f, scope, pos);
        }
        if f.filter.is_some() || !f.within_group.is_empty() {
            return Err(self.not_an_aggregate(&name, f, scope, pos));
        }
        if let (
            "current_time" | "current_timestamp" | "localtime" | "localtimestamp",
            FunctionArguments::List(list),
        ) = (name.as_str(), &f.args)
        {
            return self.sql_value_function_precision(&name, list, pos);
        }
        let filled_args: Vec<AstExpr>;
        let args: Vec<&AstExpr> = match &f.args {
            FunctionArguments::None => {
                return self.sql_value_function(&name, pos);
            }
            FunctionArguments::Subquery(q) if name == "array" => {
                return self.array_subquery(q, scope);
            }
            FunctionArguments::Subquery(_) => {
                return Err(SqlError::unsupported("subqueries as function arguments").at(pos))
            }
            FunctionArguments::List(list) => {
                if list.duplicate_treatment.is_some() || !list.clauses.is_empty() {
                    return Err(self.not_an_aggregate(&name, f, scope, pos));
                }
                if let Some(filled) = super::names::named_arguments(&name, &list.args)? {
                    filled_args = filled;
                    filled_args.iter().collect()
                } else if name == "row"
                    && list.args.iter().any(|a| {
                        matches!(
                            a,
                            FunctionArg::Unnamed(
                                FunctionArgExpr::QualifiedWildcard(_) | FunctionArgExpr::Wildcard
                            )
                        )
                    })
                {
                    filled_args = row_star_arguments(&list.args, scope)?;
                    filled_args.iter().collect()
                } else if list.args.iter().any(|a| {
                    matches!(
                        a,
                        FunctionArg::Unnamed(FunctionArgExpr::QualifiedWildcard(_))
                    )
                }) {
                    // `f(t.*)` passes the whole row of t (even where t
                    // also names one of its columns).
                    filled_args = list
                        .args
                        .iter()
                        .map(|a| match a {
                            FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => Ok(e.clone()),
                            FunctionArg::Unnamed(FunctionArgExpr::QualifiedWildcard(n)) => {
                                Ok(AstExpr::QualifiedWildcard(
                                    n.clone(),
                                    sqlparser::ast::helpers::attached_token::AttachedToken::empty(),
                                ))
                            }
                            other => Err(SqlError::unsupported(format!(
                                "the argument {other} of {name}"
                            ))
                            .at(pos)),
                        })
                        .collect::<Result<_>>()?;
                    filled_args.iter().collect()
                } else {
                    let mut out = Vec::with_capacity(list.args.len());
                    for a in &list.args {
                        match a {
                            FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => out.push(e),
                            _ => {
                                return Err(SqlError::unsupported(format!(
                                    "the argument {a} of {name}"
                                ))
                                .at(pos))
                            }
                        }
                    }
                    out
                }
            }
        };
        // `f(..., VARIADIC arr)`.
        let (args, variadic) = match args.split_last() {
            Some((last, head)) => match variadic_inner(last) {
                Some(inner) => {
                    let mut v = head.to_vec();
                    v.push(inner);
                    (v, true)
                }
                None => (args, false),
            },
            None => (args, false),
        };
        let mut bound = Vec::with_capacity(args.len());
        for a in args {
            bound.push(self.expr(a, scope)?);
        }
        if variadic {
            return self.variadic_call(&name, bound, pos);
        }
        match name.as_str() {
            "row" => {
                let mut fields = Vec::with_capacity(bound.len());
                for b in bound {
                    fields.push(if b.ty == DataType::Unknown {
                        self.coerce(b, DataType::Text, -1, CoercionContext::Implicit)?
                    } else {
                        b
                    });
                }
                let names = (1..=fields.len()).map(|i| format!("f{i}")).collect();
                Ok(func::row_constructor(names, fields))
            }
            "coalesce" | "greatest" | "least" => {
                let context = name.to_uppercase();
                let refs: Vec<&Expr> = bound.iter().collect();
                let ty = self.common_type(&refs, &context)?;
                let mut items = Vec::with_capacity(bound.len());
                for b in bound {
                    items.push(self.coerce(b, ty, -1, CoercionContext::Implicit)?);
                }
                if name == "coalesce" {
                    let e = typed(ExprKind::Coalesce(items), ty);
                    no_conditional_srf(&e, "COALESCE")?;
                    return Ok(e);
                }
                let op = if name == "greatest" { ">" } else { "<" };
                let r = func::resolve(op, &[ty, ty], CallKind::Operator)
                    .map_err(|e| func::operator_error(op, &[ty, ty], e).at(pos))?;
                Ok(typed(
                    ExprKind::MinMax {
                        args: items,
                        cmp: r.def,
                    },
                    ty,
                ))
            }
            "nullif" if bound.len() == 2 => {
                let mut it = bound.into_iter();
                let (l, r) = (it.next(), it.next());
                let (Some(l), Some(r)) = (l, r) else {
                    return Err(SqlError::internal("nullif arguments"));
                };
                let ty = if l.ty == DataType::Unknown {
                    DataType::Text
                } else {
                    l.ty
                };
                let (eq, left, right) = self.comparison("=", l, r, pos)?;
                let left = self.coerce(left, ty, -1, CoercionContext::Implicit)?;
                Ok(typed(
                    ExprKind::NullIf {
                        left: Box::new(left),
                        right: Box::new(right),
                        eq,
                    },
                    ty,
                ))
            }
            "concat" | "concat_ws" => {
                // Variadic "any": every argument in its output form (as
                // the type prints it), NULLs skipped.
                let mut items = Vec::with_capacity(bound.len());
                for b in bound {
                    items.push(if b.ty == DataType::Unknown {
                        self.coerce(b, DataType::Text, -1, CoercionContext::Implicit)?
                    } else {
                        b
                    });
                }
                if name == "concat_ws" && items.is_empty() {
                    return Err(SqlError::new(
                        SqlState::UNDEFINED_FUNCTION,
                        "function concat_ws() does not exist",
                    )
                    .at(pos));
                }
                Ok(typed(
                    ExprKind::Call {
                        def: if name == "concat" {
                            &func::string::CONCAT
                        } else {
                            &func::string::CONCAT_WS
                        },
                        args: items,
                    },
                    DataType::Text,
                ))
            }
            // to_json(anyelement) is PostgreSQL's only one: an unknown
            // literal has no type to take.
            "to_json" | "to_jsonb" if bound.len() == 1 && bound[0].ty == DataType::Unknown => {
                Err(SqlError::new(
                    SqlState::DATATYPE_MISMATCH,
                    "could not determine polymorphic type because input has type unknown",
                ))
            }
            "pg_typeof" if bound.len() == 1 => {
                let ty = Expr::constant(Value::Regtype(bound[0].ty.oid().0), DataType::Regtype);
                if !super::tsrf::has_srf(&bound[0]) {
                    return Ok(ty);
                }
                // The set-returning call must still run: one type per row.
                let arg = bound.into_iter().next().unwrap_or_else(|| ty.clone());
                Ok(typed(
                    ExprKind::Call {
                        def: &func::string::TYPEOF_OF_SET,
                        args: vec![arg, ty],
                    },
                    DataType::Regtype,
                ))
            }
            _ => self.call(&name, bound, pos),
        }
    }

    /// 42P01 for a table qualifier not in scope: "invalid reference" when
    /// it names a FROM item that this part of the query cannot see.
    pub(super) fn missing_from_entry(&self, t: &str) -> SqlError {
        if self.in_some_from(t) {
            return SqlError::new(
                SqlState::UNDEFINED_TABLE,
                format!("invalid reference to FROM-clause entry for table \"{t}\""),
            )
            .with_hint(format!(
                "There is an entry for table \"{t}\", but it cannot be referenced from this part of the query."
            ));
        }
        SqlError::new(
            SqlState::UNDEFINED_TABLE,
            format!("missing FROM-clause entry for table \"{t}\""),
        )
    }

    /// CURRENT_TIME(p), CURRENT_TIMESTAMP(p), LOCALTIME(p) and
    /// LOCALTIMESTAMP(p): the value rounded to p fractional digits (at
    /// most 6, without PostgreSQL's warning past that; a negative p is
    /// 22023).
    fn sql_value_function_precision(
        &mut self,
        name: &str,
        list: &ast::FunctionArgumentList,
        pos: Option<u32>,
    ) -> Result<Expr> {
        let [ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(arg))] = list.args.as_slice()
        else {
            return Err(SqlError::syntax(
                format!("syntax error at or near \"{name}\""),
                pos,
            ));
        };
        let Some(p) = numeric_literal_text(arg).and_then(|t| t.parse::<i32>().ok()) else {
            // The grammar takes only an integer constant here.
            let near = match arg {
                AstExpr::UnaryOp { op, .. } => op.to_string(),
                other => other
                    .to_string()
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .to_owned(),
            };
            return Err(SqlError::syntax(
                format!("syntax error at or near \"{near}\""),
                self.pos_of(arg),
            ));
        };
        let value = self.sql_value_function(name, pos)?;
        let what = match value.ty {
            DataType::TimeTz => "TIME(%d) WITH TIME ZONE",
            DataType::Time => "TIME(%d)",
            DataType::Timestamp => "TIMESTAMP(%d)",
            _ => "TIMESTAMP(%d) WITH TIME ZONE",
        };
        if p < 0 {
            return Err(SqlError::new(
                SqlState::INVALID_PARAMETER_VALUE,
                format!(
                    "{} precision must not be negative",
                    what.replace("%d", &p.to_string())
                ),
            )
            .at(pos));
        }
        let ty = value.ty;
        self.coerce(value, ty, p.min(6), CoercionContext::Assignment)
    }

    /// CURRENT_TIMESTAMP, CURRENT_USER and the other SQL value functions
    /// written without parentheses.
    fn sql_value_function(&mut self, name: &str, pos: Option<u32>) -> Result<Expr> {
        let (func, cast) = match name {
            "current_timestamp" => ("now", None),
            "current_date" => ("now", Some(DataType::Date)),
            "localtimestamp" => ("now", Some(DataType::Timestamp)),
            "current_time" => ("now", Some(DataType::TimeTz)),
            "localtime" => ("now", Some(DataType::Time)),
            "current_user" | "user" | "current_role" => ("current_user", None),
            "session_user" => ("session_user", None),
            "current_catalog" => ("current_database", None),
            "current_schema" => ("current_schema", None),
            other => {
                return Err(SqlError::new(
                    SqlState::UNDEFINED_COLUMN,
                    format!("column \"{other}\" does not exist"),
                )
                .at(pos))
            }
        };
        let call = self.call(func, Vec::new(), pos)?;
        match cast {
            Some(ty) => self.coerce(call, ty, -1, CoercionContext::Assignment),
            None => Ok(call),
        }
    }
}

/// An expression node with no position yet.
fn typed(kind: ExprKind, ty: DataType) -> Expr {
    Expr {
        kind,
        ty,
        typmod: -1,
        pos: None,
    }
}

/// PostgreSQL's literal typing: int4 if it fits, else int8, else numeric;
/// anything with a point or exponent is numeric.
fn number_literal(s: &str) -> Result<Expr> {
    if !s.contains(['.', 'e', 'E']) {
        if let Ok(v) = s.parse::<i32>() {
            return Ok(Expr::constant(Value::Int4(v), DataType::Int4));
        }
        if let Ok(v) = s.parse::<i64>() {
            return Ok(Expr::constant(Value::Int8(v), DataType::Int8));
        }
    }
    Ok(Expr::constant(
        Value::Numeric(Numeric::parse(s)?),
        DataType::Numeric,
    ))
}

/// The digits of a (possibly parenthesized) numeric literal.
fn numeric_literal_text(e: &AstExpr) -> Option<&str> {
    match e {
        AstExpr::Value(v) => match &v.value {
            AstValue::Number(s, _) => Some(s),
            _ => None,
        },
        AstExpr::Nested(inner) => numeric_literal_text(inner),
        _ => None,
    }
}

/// Shortens syntax quoted in a message.
fn truncate(s: &str) -> String {
    if s.chars().count() > 60 {
        let short: String = s.chars().take(57).collect();
        format!("{short}...")
    } else {
        s.to_owned()
    }
}

/// The operands of `e` when it is (in parentheses or not) an AND (`is_and`)
/// or an OR.
fn same_bool_op(e: &AstExpr, is_and: bool) -> Option<(&AstExpr, &AstExpr)> {
    let mut e = e;
    while let AstExpr::Nested(inner) = e {
        e = inner;
    }
    match e {
        AstExpr::BinaryOp { left, op, right }
            if (is_and && op == &BinaryOperator::And) || (!is_and && op == &BinaryOperator::Or) =>
        {
            Some((left, right))
        }
        _ => None,
    }
}

/// `ALL (array)` / `ANY (array)` / `SOME (array)` as sqlparser reads a
/// LIKE pattern: the array and whether it is ANY.
fn quantified_call(e: &AstExpr) -> Option<(&AstExpr, bool)> {
    let AstExpr::Function(f) = e else {
        return None;
    };
    let name = f.name.to_string().to_lowercase();
    let is_any = match name.as_str() {
        "all" => false,
        "any" | "some" => true,
        _ => return None,
    };
    let ast::FunctionArguments::List(list) = &f.args else {
        return None;
    };
    match list.args.as_slice() {
        [ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(a))] => Some((a, is_any)),
        _ => None,
    }
}

/// `ARRAY[]::int[]`: the cast gives the empty array its type.
#[inline(never)]
fn empty_array_cast(expr: &AstExpr, ty: DataType) -> Option<Expr> {
    match (expr, ty) {
        (AstExpr::Array(a), DataType::Array(_)) if a.elem.is_empty() => {
            let empty = Value::Array(crate::value::ArrayRef::new(Vec::new()));
            Some(typed(ExprKind::Const(empty), ty))
        }
        _ => None,
    }
}

/// The array of a `VARIADIC array` argument (marked by the parser).
pub(super) fn variadic_inner(e: &AstExpr) -> Option<&AstExpr> {
    let AstExpr::Function(f) = e else {
        return None;
    };
    let [part] = f.name.0.as_slice() else {
        return None;
    };
    if part.as_ident().map(|i| i.value.as_str()) != Some(crate::parser::VARIADIC_MARK) {
        return None;
    }
    let ast::FunctionArguments::List(list) = &f.args else {
        return None;
    };
    match list.args.as_slice() {
        [ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(a))] => Some(a),
        _ => None,
    }
}

/// PostgreSQL's hint for a misspelt column: the column of the FROM items
/// whose name is closest to `name` (Levenshtein distance at most 3 and at
/// most half its length; for `t.name` the distance of `t` to the item's
/// name counts too), or the two equally close; nothing when more are as
/// close.
fn with_column_hint<'c>(
    err: SqlError,
    (qualifier, name): (Option<&str>, &str),
    columns: impl Iterator<Item = &'c super::ScopeColumn>,
) -> SqlError {
    let mut best = 4usize;
    let mut found: Vec<String> = Vec::new();
    let mut crowded = false;
    for c in columns {
        let Some(table) = &c.table else { continue };
        if c.name.starts_with('\0') || c.name == super::SYSTEM_TABLEOID {
            continue;
        }
        let penalty = qualifier.map_or(0, |q| levenshtein(table, q));
        if penalty > best {
            continue;
        }
        let d = levenshtein(&c.name, name);
        // More than half of the name written different: no suggestion.
        if d > name.len() / 2 {
            continue;
        }
        let d = d + penalty;
        let shown = format!("{table}.{}", c.name);
        if d < best {
            best = d;
            found = vec![shown];
            crowded = false;
        } else if d == best && !found.is_empty() && !found.contains(&shown) {
            if found.len() == 2 {
                found.clear();
                crowded = true;
            } else {
                found.push(shown);
            }
        }
    }
    if crowded {
        return err;
    }
    match found.as_slice() {
        [one] => err.with_hint(format!(
            "Perhaps you meant to reference the column \"{one}\"."
        )),
        [a, b] => err.with_hint(format!(
            "Perhaps you meant to reference the column \"{a}\" or the column \"{b}\"."
        )),
        _ => err,
    }
}

/// Edit distance between two strings (insert, delete, substitute: 1).
fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = Vec::with_capacity(b.len() + 1);
        cur.push(i + 1);
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// `ROW(t.*, x)`: `t.*` stands for the columns of `t`, each as a
/// qualified column reference (a bare `*` is PostgreSQL's 42601).
#[inline(never)]
fn row_star_arguments(args: &[FunctionArg], scope: &Scope) -> Result<Vec<AstExpr>> {
    let mut out = Vec::new();
    for a in args {
        match a {
            FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => out.push(e.clone()),
            FunctionArg::Unnamed(FunctionArgExpr::QualifiedWildcard(t)) => {
                let table = super::names::object_name(t).pop().unwrap_or_default();
                let mut any = false;
                for c in scope.columns.iter().filter(|c| !c.hidden) {
                    if c.table.as_deref() == Some(table.as_str()) {
                        any = true;
                        out.push(AstExpr::CompoundIdentifier(vec![
                            ast::Ident::with_quote('"', table.clone()),
                            ast::Ident::with_quote('"', c.name.clone()),
                        ]));
                    }
                }
                if !any {
                    return Err(SqlError::new(
                        SqlState::UNDEFINED_TABLE,
                        format!("missing FROM-clause entry for table \"{table}\""),
                    ));
                }
            }
            FunctionArg::Unnamed(FunctionArgExpr::Wildcard) => {
                return Err(SqlError::syntax("syntax error at or near \"*\"", None));
            }
            other => {
                return Err(SqlError::unsupported(format!(
                    "the argument {other} of row"
                )))
            }
        }
    }
    Ok(out)
}

/// The system column tableoid of a stored table read alone (no
/// partitions or children): its OID, the same on every row. The table
/// is the one `table` names, or the only stored table in scope (42702
/// when there are several).
fn plain_tableoid(table: Option<&String>, scope: &super::Scope) -> Result<Option<u32>> {
    let mut found: Option<(&str, u32)> = None;
    for c in scope
        .columns
        .iter()
        .filter(|c| c.attnum > 0 && c.table_oid != 0)
    {
        let Some(name) = c.table.as_deref() else {
            continue;
        };
        if table.is_some_and(|t| t != name) {
            continue;
        }
        match found {
            None => found = Some((name, c.table_oid)),
            Some((n, _)) if n == name => {}
            Some(_) => {
                return Err(SqlError::new(
                    SqlState::AMBIGUOUS_COLUMN,
                    "column reference \"tableoid\" is ambiguous",
                ))
            }
        }
    }
    Ok(found.map(|(_, oid)| oid))
}

/// The fields of a row constructor, `(a, b)` or `ROW(a, ...)`.
fn row_fields(e: &AstExpr) -> Option<Vec<AstExpr>> {
    match e {
        AstExpr::Tuple(v) => Some(v.clone()),
        AstExpr::Function(f)
            if f.over.is_none()
                && f.filter.is_none()
                && f.name.0.len() == 1
                && f.name.0[0].as_ident().is_some_and(|i| {
                    i.quote_style.is_none() && i.value.eq_ignore_ascii_case("row")
                }) =>
        {
            let FunctionArguments::List(list) = &f.args else {
                return None;
            };
            if list.duplicate_treatment.is_some() || !list.clauses.is_empty() {
                return None;
            }
            list.args
                .iter()
                .map(|a| match a {
                    FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => Some(e.clone()),
                    _ => None,
                })
                .collect()
        }
        _ => None,
    }
}

/// PostgreSQL's refusal of a set-returning call inside CASE or COALESCE,
/// whose branches are evaluated conditionally (0A000 at the call).
fn no_conditional_srf(e: &Expr, construct: &str) -> Result<()> {
    let mut found = None;
    e.visit(&mut |x| {
        if matches!(x.kind, ExprKind::SetCall { .. }) && found.is_none() {
            found = Some(x.pos);
        }
    });
    match found {
        Some(pos) => Err(SqlError::new(
            SqlState::FEATURE_NOT_SUPPORTED,
            format!("set-returning functions are not allowed in {construct}"),
        )
        .with_hint("You might be able to move the set-returning function into a LATERAL FROM item.")
        .at(pos)),
        None => Ok(()),
    }
}

/// `t.*` as a function argument: the whole row of t, as `t` (an
/// identifier, or a qualified one for `s.t.*`).
pub(super) fn whole_row(n: &ast::ObjectName) -> ast::Expr {
    match n.0.as_slice() {
        [one] => ast::Expr::Identifier(
            one.as_ident()
                .cloned()
                .unwrap_or_else(|| ast::Ident::new("")),
        ),
        parts => ast::Expr::CompoundIdentifier(
            parts.iter().filter_map(|p| p.as_ident().cloned()).collect(),
        ),
    }
}
