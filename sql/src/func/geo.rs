//! Geometric functions and operators (PostgreSQL's geo_ops.c): the
//! constructors and conversions between point, lseg, line, box, path,
//! polygon and circle, their measures, the position and containment
//! tests, intersections, closest points and distances. The algorithms
//! themselves are in [`crate::value::geo`].

use std::sync::Arc;

use super::{f, FuncDef};
use crate::error::{Result, SqlError, SqlState};
use crate::types::DataType::{self, *};
use crate::value::geo::{
    div, fp_eq, fp_ge, fp_gt, fp_le, fp_lt, fp_ne, fp_zero, hypot, mi, mul, pl, plist_same,
    point_inside, Circle, Geo, GeoBox, Line, Lseg, Path, Point, Polygon,
};
use crate::value::Value;

fn geo(v: &Value) -> Result<&Geo> {
    match v {
        Value::Geo(g) => Ok(g),
        _ => Err(SqlError::internal("a geometric function got another value")),
    }
}

fn wrong() -> SqlError {
    SqlError::internal("a geometric function got another geometric type")
}

fn pt(v: &Value) -> Result<Point> {
    match geo(v)? {
        Geo::Point(p) => Ok(*p),
        _ => Err(wrong()),
    }
}
fn seg(v: &Value) -> Result<Lseg> {
    match geo(v)? {
        Geo::Lseg(l) => Ok(*l),
        _ => Err(wrong()),
    }
}
fn line(v: &Value) -> Result<Line> {
    match geo(v)? {
        Geo::Line(l) => Ok(*l),
        _ => Err(wrong()),
    }
}
fn bx(v: &Value) -> Result<GeoBox> {
    match geo(v)? {
        Geo::Box(b) => Ok(*b),
        _ => Err(wrong()),
    }
}
fn path(v: &Value) -> Result<&Path> {
    match geo(v)? {
        Geo::Path(p) => Ok(p),
        _ => Err(wrong()),
    }
}
fn poly(v: &Value) -> Result<&Polygon> {
    match geo(v)? {
        Geo::Polygon(p) => Ok(p),
        _ => Err(wrong()),
    }
}
fn circ(v: &Value) -> Result<Circle> {
    match geo(v)? {
        Geo::Circle(c) => Ok(*c),
        _ => Err(wrong()),
    }
}

fn val(g: Geo) -> Value {
    Value::Geo(Arc::new(g))
}
fn vpt(p: Point) -> Value {
    val(Geo::Point(p))
}
fn vbox(b: GeoBox) -> Value {
    val(Geo::Box(b))
}
fn b(v: bool) -> Result<Value> {
    Ok(Value::Bool(v))
}
fn f8(v: f64) -> Result<Value> {
    Ok(Value::Float8(v))
}
/// A closest point, NULL when it could not be found (NaN distance).
fn closest((d, p): (f64, Point)) -> Result<Value> {
    Ok(if d.is_nan() { Value::Null } else { vpt(p) })
}

// ---- Measures and conversions ----

/// circle_ar.
fn circle_area(c: &Circle) -> Result<f64> {
    mul(mul(c.radius, c.radius)?, std::f64::consts::PI)
}

/// path_area: NULL for an open path.
fn path_area(p: &Path) -> Result<Value> {
    if !p.closed {
        return Ok(Value::Null);
    }
    let n = p.p.len();
    let mut area = 0.0;
    for i in 0..n {
        let j = (i + 1) % n;
        area = pl(area, mul(p.p[i].x, p.p[j].y)?)?;
        area = mi(area, mul(p.p[i].y, p.p[j].x)?)?;
    }
    f8(div(area.abs(), 2.0)?)
}

/// path_length.
fn path_length(p: &Path) -> Result<f64> {
    let mut r = 0.0;
    for s in p.segments() {
        r = pl(r, s.length()?)?;
    }
    Ok(r)
}

/// poly_to_circle: the points' centroid and their mean distance to it.
fn poly_circle(p: &Polygon) -> Result<Circle> {
    let mut c = Point { x: 0.0, y: 0.0 };
    for q in &p.p {
        c = c.add(q)?;
    }
    let n = p.p.len() as f64;
    c.x = div(c.x, n)?;
    c.y = div(c.y, n)?;
    let mut r = 0.0;
    for q in &p.p {
        r = pl(r, q.dist(&c)?)?;
    }
    Ok(Circle {
        center: c,
        radius: div(r, n)?,
    })
}

/// box_poly.
fn box_poly(b: &GeoBox) -> Polygon {
    let p = vec![
        b.low,
        Point {
            x: b.low.x,
            y: b.high.y,
        },
        b.high,
        Point {
            x: b.high.x,
            y: b.low.y,
        },
    ];
    Polygon {
        p,
        bbox: GeoBox::new(&b.high, &b.low),
    }
}

/// circle_poly: `npts` points around the circle.
fn circle_poly(npts: i32, c: &Circle) -> Result<Polygon> {
    if fp_zero(c.radius) {
        return Err(SqlError::new(
            SqlState::FEATURE_NOT_SUPPORTED,
            "cannot convert circle with radius zero to polygon",
        ));
    }
    if npts < 2 {
        return Err(SqlError::new(
            SqlState::INVALID_PARAMETER_VALUE,
            "must request at least 2 points",
        ));
    }
    let step = div(2.0 * std::f64::consts::PI, f64::from(npts))?;
    let mut p = Vec::with_capacity(npts as usize);
    for i in 0..npts {
        let angle = mul(step, f64::from(i))?;
        p.push(Point {
            x: mi(c.center.x, mul(c.radius, angle.cos())?)?,
            y: pl(c.center.y, mul(c.radius, angle.sin())?)?,
        });
    }
    Ok(Polygon::new(p))
}

/// circle_box: the box inscribed in the circle.
fn circle_box(c: &Circle) -> Result<GeoBox> {
    let delta = div(c.radius, 2f64.sqrt())?;
    Ok(GeoBox {
        high: Point {
            x: pl(c.center.x, delta)?,
            y: pl(c.center.y, delta)?,
        },
        low: Point {
            x: mi(c.center.x, delta)?,
            y: mi(c.center.y, delta)?,
        },
    })
}

/// box_circle: the circle through the box's corners.
fn box_circle(b: &GeoBox) -> Result<Circle> {
    let center = b.center()?;
    Ok(Circle {
        center,
        radius: center.dist(&b.high)?,
    })
}

/// path_poly: 22023 for an open path.
fn path_poly(p: &Path) -> Result<Polygon> {
    if !p.closed {
        return Err(SqlError::new(
            SqlState::INVALID_PARAMETER_VALUE,
            "open path cannot be converted to polygon",
        ));
    }
    Ok(Polygon::new(p.p.clone()))
}

// ---- Distances ----

/// dist_ppath: the distance to the nearest segment (0 for a path of no
/// segments, as PostgreSQL answers).
fn dist_ppath(p: &Point, path: &Path) -> Result<f64> {
    let mut result: Option<f64> = None;
    for s in path.segments() {
        let d = s.closept_point(p)?.0;
        if result.is_none_or(|r| lt(d, r)) {
            result = Some(d);
        }
    }
    Ok(result.unwrap_or(0.0))
}

/// float8_lt.
fn lt(a: f64, b: f64) -> bool {
    if a.is_nan() {
        false
    } else {
        b.is_nan() || a < b
    }
}

/// dist_ppoly_internal.
fn dist_ppoly(p: &Point, poly: &Polygon) -> Result<f64> {
    if point_inside(p, &poly.p)? != 0 {
        return Ok(0.0);
    }
    let n = poly.p.len();
    let mut result = Lseg::new(poly.p[0], poly.p[n - 1]).closept_point(p)?.0;
    for i in 0..n - 1 {
        let d = Lseg::new(poly.p[i], poly.p[i + 1]).closept_point(p)?.0;
        if lt(d, result) {
            result = d;
        }
    }
    Ok(result)
}

/// dist_cpoly_internal.
fn dist_cpoly(c: &Circle, poly: &Polygon) -> Result<f64> {
    Ok(mi(dist_ppoly(&c.center, poly)?, c.radius)?.max(0.0))
}

/// dist_pc.
fn dist_pc(p: &Point, c: &Circle) -> Result<f64> {
    let r = mi(p.dist(&c.center)?, c.radius)?;
    Ok(if r < 0.0 { 0.0 } else { r })
}

/// The smallest distance between the segments of two paths (None when
/// either has none).
fn segments_distance(a: &[Lseg], b: &[Lseg]) -> Result<Option<f64>> {
    let mut min: Option<f64> = None;
    for s1 in a {
        for s2 in b {
            let d = s1.closept_lseg(s2)?.0;
            if min.is_none_or(|m| lt(d, m)) {
                min = Some(d);
            }
        }
    }
    Ok(min)
}

fn poly_segments(p: &Polygon) -> Vec<Lseg> {
    Path {
        closed: true,
        p: p.p.clone(),
    }
    .segments()
}

/// poly_overlap_internal.
fn poly_overlap(a: &Polygon, b: &Polygon) -> Result<bool> {
    if !a.bbox.overlaps(&b.bbox) {
        return Ok(false);
    }
    let mut sa0 = a.p[a.p.len() - 1];
    for pa in &a.p {
        let sa = Lseg::new(sa0, *pa);
        let mut sb0 = b.p[b.p.len() - 1];
        for pb in &b.p {
            if sa.interpt(&Lseg::new(sb0, *pb))?.is_some() {
                return Ok(true);
            }
            sb0 = *pb;
        }
        sa0 = *pa;
    }
    Ok(point_inside(&a.p[0], &b.p)? != 0 || point_inside(&b.p[0], &a.p)? != 0)
}

/// touched_lseg_inside_poly.
fn touched_lseg_inside_poly(
    a: &Point,
    bp: &Point,
    s: &Lseg,
    poly: &Polygon,
    start: usize,
) -> Result<bool> {
    let t = Lseg::new(*a, *bp);
    if a.same(&s.p[0]) {
        if t.contains(&s.p[1])? {
            return lseg_inside_poly(bp, &s.p[1], poly, start);
        }
    } else if a.same(&s.p[1]) {
        if t.contains(&s.p[0])? {
            return lseg_inside_poly(bp, &s.p[0], poly, start);
        }
    } else if t.contains(&s.p[0])? {
        return lseg_inside_poly(bp, &s.p[0], poly, start);
    } else if t.contains(&s.p[1])? {
        return lseg_inside_poly(bp, &s.p[1], poly, start);
    }
    Ok(true)
}

/// lseg_inside_poly: whether the segment a-b lies inside the polygon.
fn lseg_inside_poly(a: &Point, bp: &Point, poly: &Polygon, start: usize) -> Result<bool> {
    crate::stack::check()?;
    let t = Lseg::new(*a, *bp);
    let n = poly.p.len();
    let mut s0 = poly.p[if start == 0 { n - 1 } else { start - 1 }];
    let mut res = true;
    let mut intersection = false;
    let mut i = start;
    while i < n && res {
        let s = Lseg::new(s0, poly.p[i]);
        if s.contains(&t.p[0])? {
            if s.contains(&t.p[1])? {
                return Ok(true);
            }
            res = touched_lseg_inside_poly(&t.p[0], &t.p[1], &s, poly, i + 1)?;
        } else if s.contains(&t.p[1])? {
            res = touched_lseg_inside_poly(&t.p[1], &t.p[0], &s, poly, i + 1)?;
        } else if let Some(interpt) = t.interpt(&s)? {
            intersection = true;
            res = lseg_inside_poly(&t.p[0], &interpt, poly, i + 1)?;
            if res {
                res = lseg_inside_poly(&t.p[1], &interpt, poly, i + 1)?;
            }
        }
        s0 = s.p[1];
        i += 1;
    }
    if res && !intersection {
        let p = Point {
            x: div(pl(t.p[0].x, t.p[1].x)?, 2.0)?,
            y: div(pl(t.p[0].y, t.p[1].y)?, 2.0)?,
        };
        res = point_inside(&p, &poly.p)? != 0;
    }
    Ok(res)
}

/// poly_contain_poly.
fn poly_contains(outer: &Polygon, inner: &Polygon) -> Result<bool> {
    if !outer.bbox.contains_box(&inner.bbox) {
        return Ok(false);
    }
    let mut s0 = inner.p[inner.p.len() - 1];
    for p in &inner.p {
        if !lseg_inside_poly(&s0, p, outer, 0)? {
            return Ok(false);
        }
        s0 = *p;
    }
    Ok(true)
}

/// path_inter: whether two paths cross.
fn path_inter(p1: &Path, p2: &Path) -> Result<bool> {
    if !p1.bound_box().overlaps(&p2.bound_box()) {
        return Ok(false);
    }
    for s1 in p1.segments() {
        for s2 in p2.segments() {
            if s1.interpt(&s2)?.is_some() {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// on_ppath.
fn on_ppath(p: &Point, path: &Path) -> Result<bool> {
    if !path.closed {
        let mut a = p.dist(&path.p[0])?;
        for i in 0..path.p.len() - 1 {
            let bd = p.dist(&path.p[i + 1])?;
            if fp_eq(pl(a, bd)?, path.p[i].dist(&path.p[i + 1])?) {
                return Ok(true);
            }
            a = bd;
        }
        return Ok(false);
    }
    Ok(point_inside(p, &path.p)? != 0)
}

/// A path with `op` applied to each point.
fn path_map(v: &Value, p: &Point, op: fn(&Point, &Point) -> Result<Point>) -> Result<Value> {
    let path = path(v)?;
    let pts = path.p.iter().map(|q| op(q, p)).collect::<Result<_>>()?;
    Ok(val(Geo::Path(Path {
        closed: path.closed,
        p: pts,
    })))
}

/// A box's corners through `op`, made a box again.
fn box_map(v: &Value, p: &Point, op: fn(&Point, &Point) -> Result<Point>) -> Result<Value> {
    let b = bx(v)?;
    Ok(vbox(GeoBox::new(&op(&b.high, p)?, &op(&b.low, p)?)))
}

const P: DataType = Point;
const S: DataType = Lseg;
const L: DataType = Line;
const B: DataType = GeoBox;
const H: DataType = Path;
const G: DataType = Polygon;
const C: DataType = Circle;
const F: DataType = Float8;

operator_tables! {
    // point
    "+" "point_add" [P, P] P => |a, _| Ok(vpt(pt(&a[0])?.add(&pt(&a[1])?)?));
    "-" "point_sub" [P, P] P => |a, _| Ok(vpt(pt(&a[0])?.sub(&pt(&a[1])?)?));
    "*" "point_mul" [P, P] P => |a, _| Ok(vpt(pt(&a[0])?.mul(&pt(&a[1])?)?));
    "/" "point_div" [P, P] P => |a, _| Ok(vpt(pt(&a[0])?.div(&pt(&a[1])?)?));
    "<->" "point_distance" [P, P] F => |a, _| f8(pt(&a[0])?.dist(&pt(&a[1])?)?);
    "<<" "point_left" [P, P] Bool => |a, _| b(fp_lt(pt(&a[0])?.x, pt(&a[1])?.x));
    ">>" "point_right" [P, P] Bool => |a, _| b(fp_gt(pt(&a[0])?.x, pt(&a[1])?.x));
    "<^" "point_below" [P, P] Bool => |a, _| b(fp_lt(pt(&a[0])?.y, pt(&a[1])?.y));
    ">^" "point_above" [P, P] Bool => |a, _| b(fp_gt(pt(&a[0])?.y, pt(&a[1])?.y));
    "<<|" "point_below" [P, P] Bool => |a, _| b(fp_lt(pt(&a[0])?.y, pt(&a[1])?.y));
    "|>>" "point_above" [P, P] Bool => |a, _| b(fp_gt(pt(&a[0])?.y, pt(&a[1])?.y));
    "?-" "point_horiz" [P, P] Bool => |a, _| b(fp_eq(pt(&a[0])?.y, pt(&a[1])?.y));
    "?|" "point_vert" [P, P] Bool => |a, _| b(fp_eq(pt(&a[0])?.x, pt(&a[1])?.x));
    "~=" "point_eq" [P, P] Bool => |a, _| b(pt(&a[0])?.same(&pt(&a[1])?));
    "<>" "point_ne" [P, P] Bool => |a, _| b(!pt(&a[0])?.same(&pt(&a[1])?));
    // point against the others
    "<@" "on_pb" [P, B] Bool => |a, _| b(bx(&a[1])?.contains_point(&pt(&a[0])?));
    "@>" "box_contain_pt" [B, P] Bool => |a, _| b(bx(&a[0])?.contains_point(&pt(&a[1])?));
    "<@" "on_ps" [P, S] Bool => |a, _| b(seg(&a[1])?.contains(&pt(&a[0])?)?);
    "<@" "on_pl" [P, L] Bool => |a, _| b(line(&a[1])?.contains(&pt(&a[0])?)?);
    "<@" "on_ppath" [P, H] Bool => |a, _| b(on_ppath(&pt(&a[0])?, path(&a[1])?)?);
    "@>" "path_contain_pt" [H, P] Bool => |a, _| b(on_ppath(&pt(&a[1])?, path(&a[0])?)?);
    "<@" "pt_contained_poly" [P, G] Bool => |a, _| b(point_inside(&pt(&a[0])?, &poly(&a[1])?.p)? != 0);
    "@>" "poly_contain_pt" [G, P] Bool => |a, _| b(point_inside(&pt(&a[1])?, &poly(&a[0])?.p)? != 0);
    "<@" "pt_contained_circle" [P, C] Bool => |a, _| {
        let c = circ(&a[1])?;
        b(c.center.dist(&pt(&a[0])?)? <= c.radius)
    };
    "@>" "circle_contain_pt" [C, P] Bool => |a, _| {
        let c = circ(&a[0])?;
        b(c.center.dist(&pt(&a[1])?)? <= c.radius)
    };
    "<->" "dist_pl" [P, L] F => |a, _| f8(line(&a[1])?.closept_point(&pt(&a[0])?)?.0);
    "<->" "dist_lp" [L, P] F => |a, _| f8(line(&a[0])?.closept_point(&pt(&a[1])?)?.0);
    "<->" "dist_ps" [P, S] F => |a, _| f8(seg(&a[1])?.closept_point(&pt(&a[0])?)?.0);
    "<->" "dist_sp" [S, P] F => |a, _| f8(seg(&a[0])?.closept_point(&pt(&a[1])?)?.0);
    "<->" "dist_pb" [P, B] F => |a, _| f8(bx(&a[1])?.closept_point(&pt(&a[0])?)?.0);
    "<->" "dist_bp" [B, P] F => |a, _| f8(bx(&a[0])?.closept_point(&pt(&a[1])?)?.0);
    "<->" "dist_ppath" [P, H] F => |a, _| f8(dist_ppath(&pt(&a[0])?, path(&a[1])?)?);
    "<->" "dist_pathp" [H, P] F => |a, _| f8(dist_ppath(&pt(&a[1])?, path(&a[0])?)?);
    "<->" "dist_ppoly" [P, G] F => |a, _| f8(dist_ppoly(&pt(&a[0])?, poly(&a[1])?)?);
    "<->" "dist_polyp" [G, P] F => |a, _| f8(dist_ppoly(&pt(&a[1])?, poly(&a[0])?)?);
    "<->" "dist_pc" [P, C] F => |a, _| f8(dist_pc(&pt(&a[0])?, &circ(&a[1])?)?);
    "<->" "dist_cpoint" [C, P] F => |a, _| f8(dist_pc(&pt(&a[1])?, &circ(&a[0])?)?);
    "<->" "dist_sl" [S, L] F => |a, _| f8(seg(&a[0])?.closept_line(&line(&a[1])?)?.0);
    "<->" "dist_ls" [L, S] F => |a, _| f8(seg(&a[1])?.closept_line(&line(&a[0])?)?.0);
    "<->" "dist_sb" [S, B] F => |a, _| f8(bx(&a[1])?.closept_lseg(&seg(&a[0])?)?.0);
    "<->" "dist_bs" [B, S] F => |a, _| f8(bx(&a[0])?.closept_lseg(&seg(&a[1])?)?.0);
    "<->" "dist_cpoly" [C, G] F => |a, _| f8(dist_cpoly(&circ(&a[0])?, poly(&a[1])?)?);
    "<->" "dist_polyc" [G, C] F => |a, _| f8(dist_cpoly(&circ(&a[1])?, poly(&a[0])?)?);
    "##" "close_pl" [P, L] P => |a, _| closest(line(&a[1])?.closept_point(&pt(&a[0])?)?);
    "##" "close_ps" [P, S] P => |a, _| closest(seg(&a[1])?.closept_point(&pt(&a[0])?)?);
    "##" "close_pb" [P, B] P => |a, _| closest(bx(&a[1])?.closept_point(&pt(&a[0])?)?);
    "##" "close_sb" [S, B] P => |a, _| closest(bx(&a[1])?.closept_lseg(&seg(&a[0])?)?);
    "##" "close_ls" [L, S] P => |a, _| {
        let (l, s) = (line(&a[0])?, seg(&a[1])?);
        if s.slope()? == l.slope()? {
            return Ok(Value::Null);
        }
        closest(s.closept_line(&l)?)
    };
    "##" "close_lseg" [S, S] P => |a, _| {
        let (l1, l2) = (seg(&a[0])?, seg(&a[1])?);
        if l1.slope()? == l2.slope()? {
            return Ok(Value::Null);
        }
        closest(l2.closept_lseg(&l1)?)
    };
    // lseg
    "<->" "lseg_distance" [S, S] F => |a, _| f8(seg(&a[0])?.closept_lseg(&seg(&a[1])?)?.0);
    "?#" "lseg_intersect" [S, S] Bool => |a, _| b(seg(&a[0])?.interpt(&seg(&a[1])?)?.is_some());
    "#" "lseg_interpt" [S, S] P => |a, _| {
        Ok(seg(&a[0])?.interpt(&seg(&a[1])?)?.map_or(Value::Null, vpt))
    };
    "?||" "lseg_parallel" [S, S] Bool => |a, _| b(fp_eq(seg(&a[0])?.slope()?, seg(&a[1])?.slope()?));
    "?-|" "lseg_perp" [S, S] Bool => |a, _| b(fp_eq(seg(&a[0])?.slope()?, seg(&a[1])?.inv_slope()?));
    "=" "lseg_eq" [S, S] Bool => |a, _| {
        let (l1, l2) = (seg(&a[0])?, seg(&a[1])?);
        b(l1.p[0].same(&l2.p[0]) && l1.p[1].same(&l2.p[1]))
    };
    "<>" "lseg_ne" [S, S] Bool => |a, _| {
        let (l1, l2) = (seg(&a[0])?, seg(&a[1])?);
        b(!l1.p[0].same(&l2.p[0]) || !l1.p[1].same(&l2.p[1]))
    };
    "<" "lseg_lt" [S, S] Bool => |a, _| b(fp_lt(seg(&a[0])?.length()?, seg(&a[1])?.length()?));
    "<=" "lseg_le" [S, S] Bool => |a, _| b(fp_le(seg(&a[0])?.length()?, seg(&a[1])?.length()?));
    ">" "lseg_gt" [S, S] Bool => |a, _| b(fp_gt(seg(&a[0])?.length()?, seg(&a[1])?.length()?));
    ">=" "lseg_ge" [S, S] Bool => |a, _| b(fp_ge(seg(&a[0])?.length()?, seg(&a[1])?.length()?));
    "<@" "on_sl" [S, L] Bool => |a, _| {
        let (s, l) = (seg(&a[0])?, line(&a[1])?);
        b(l.contains(&s.p[0])? && l.contains(&s.p[1])?)
    };
    "<@" "on_sb" [S, B] Bool => |a, _| {
        let (s, x) = (seg(&a[0])?, bx(&a[1])?);
        b(x.contains_point(&s.p[0]) && x.contains_point(&s.p[1]))
    };
    "?#" "inter_sl" [S, L] Bool => |a, _| b(seg(&a[0])?.interpt_line(&line(&a[1])?)?.is_some());
    "?#" "inter_sb" [S, B] Bool => |a, _| b(bx(&a[1])?.interpt_lseg(&seg(&a[0])?)?.is_some());
    "?#" "inter_lb" [L, B] Bool => |a, _| b(bx(&a[1])?.meets_line(&line(&a[0])?)?);
    // line
    "<->" "line_distance" [L, L] F => |a, _| f8(line(&a[0])?.distance(&line(&a[1])?)?);
    "?#" "line_intersect" [L, L] Bool => |a, _| b(line(&a[0])?.interpt(&line(&a[1])?)?.is_some());
    "?||" "line_parallel" [L, L] Bool => |a, _| b(line(&a[0])?.interpt(&line(&a[1])?)?.is_none());
    "?-|" "line_perp" [L, L] Bool => |a, _| b(line(&a[0])?.perpendicular(&line(&a[1])?)?);
    "=" "line_eq" [L, L] Bool => |a, _| b(line(&a[0])?.same(&line(&a[1])?)?);
    "#" "line_interpt" [L, L] P => |a, _| {
        Ok(line(&a[0])?.interpt(&line(&a[1])?)?.map_or(Value::Null, vpt))
    };
    // box
    "+" "box_add" [B, P] B => |a, _| {
        let (x, p) = (bx(&a[0])?, pt(&a[1])?);
        Ok(vbox(GeoBox { high: x.high.add(&p)?, low: x.low.add(&p)? }))
    };
    "-" "box_sub" [B, P] B => |a, _| {
        let (x, p) = (bx(&a[0])?, pt(&a[1])?);
        Ok(vbox(GeoBox { high: x.high.sub(&p)?, low: x.low.sub(&p)? }))
    };
    "*" "box_mul" [B, P] B => |a, _| box_map(&a[0], &pt(&a[1])?, Point::mul);
    "/" "box_div" [B, P] B => |a, _| box_map(&a[0], &pt(&a[1])?, Point::div);
    "<->" "box_distance" [B, B] F => |a, _| f8(bx(&a[0])?.center()?.dist(&bx(&a[1])?.center()?)?);
    "~=" "box_same" [B, B] Bool => |a, _| {
        let (x, y) = (bx(&a[0])?, bx(&a[1])?);
        b(x.high.same(&y.high) && x.low.same(&y.low))
    };
    "&&" "box_overlap" [B, B] Bool => |a, _| b(bx(&a[0])?.overlaps(&bx(&a[1])?));
    "?#" "box_overlap" [B, B] Bool => |a, _| b(bx(&a[0])?.overlaps(&bx(&a[1])?));
    "<<" "box_left" [B, B] Bool => |a, _| b(fp_lt(bx(&a[0])?.high.x, bx(&a[1])?.low.x));
    "&<" "box_overleft" [B, B] Bool => |a, _| b(fp_le(bx(&a[0])?.high.x, bx(&a[1])?.high.x));
    ">>" "box_right" [B, B] Bool => |a, _| b(fp_gt(bx(&a[0])?.low.x, bx(&a[1])?.high.x));
    "&>" "box_overright" [B, B] Bool => |a, _| b(fp_ge(bx(&a[0])?.low.x, bx(&a[1])?.low.x));
    "<<|" "box_below" [B, B] Bool => |a, _| b(fp_lt(bx(&a[0])?.high.y, bx(&a[1])?.low.y));
    "&<|" "box_overbelow" [B, B] Bool => |a, _| b(fp_le(bx(&a[0])?.high.y, bx(&a[1])?.high.y));
    "|>>" "box_above" [B, B] Bool => |a, _| b(fp_gt(bx(&a[0])?.low.y, bx(&a[1])?.high.y));
    "|&>" "box_overabove" [B, B] Bool => |a, _| b(fp_ge(bx(&a[0])?.low.y, bx(&a[1])?.low.y));
    "<^" "box_below_eq" [B, B] Bool => |a, _| b(fp_le(bx(&a[0])?.high.y, bx(&a[1])?.low.y));
    ">^" "box_above_eq" [B, B] Bool => |a, _| b(fp_ge(bx(&a[0])?.low.y, bx(&a[1])?.high.y));
    "<@" "box_contained" [B, B] Bool => |a, _| b(bx(&a[1])?.contains_box(&bx(&a[0])?));
    "@>" "box_contain" [B, B] Bool => |a, _| b(bx(&a[0])?.contains_box(&bx(&a[1])?));
    "<" "box_lt" [B, B] Bool => |a, _| b(fp_lt(bx(&a[0])?.area()?, bx(&a[1])?.area()?));
    ">" "box_gt" [B, B] Bool => |a, _| b(fp_gt(bx(&a[0])?.area()?, bx(&a[1])?.area()?));
    "=" "box_eq" [B, B] Bool => |a, _| b(fp_eq(bx(&a[0])?.area()?, bx(&a[1])?.area()?));
    "<=" "box_le" [B, B] Bool => |a, _| b(fp_le(bx(&a[0])?.area()?, bx(&a[1])?.area()?));
    ">=" "box_ge" [B, B] Bool => |a, _| b(fp_ge(bx(&a[0])?.area()?, bx(&a[1])?.area()?));
    "#" "box_intersect" [B, B] B => |a, _| {
        let (x, y) = (bx(&a[0])?, bx(&a[1])?);
        if !x.overlaps(&y) {
            return Ok(Value::Null);
        }
        Ok(vbox(GeoBox {
            high: Point { x: x.high.x.min(y.high.x), y: x.high.y.min(y.high.y) },
            low: Point { x: x.low.x.max(y.low.x), y: x.low.y.max(y.low.y) },
        }))
    };
    // path
    "+" "path_add" [H, H] H => |a, _| {
        let (p1, p2) = (path(&a[0])?, path(&a[1])?);
        if p1.closed || p2.closed {
            return Ok(Value::Null);
        }
        let pts = p1.p.iter().chain(&p2.p).copied().collect();
        Ok(val(Geo::Path(Path { closed: false, p: pts })))
    };
    "+" "path_add_pt" [H, P] H => |a, _| path_map(&a[0], &pt(&a[1])?, Point::add);
    "-" "path_sub_pt" [H, P] H => |a, _| path_map(&a[0], &pt(&a[1])?, Point::sub);
    "*" "path_mul_pt" [H, P] H => |a, _| path_map(&a[0], &pt(&a[1])?, Point::mul);
    "/" "path_div_pt" [H, P] H => |a, _| path_map(&a[0], &pt(&a[1])?, Point::div);
    "<->" "path_distance" [H, H] F => |a, _| {
        let d = segments_distance(&path(&a[0])?.segments(), &path(&a[1])?.segments())?;
        Ok(d.map_or(Value::Null, Value::Float8))
    };
    "?#" "path_inter" [H, H] Bool => |a, _| b(path_inter(path(&a[0])?, path(&a[1])?)?);
    "<" "path_n_lt" [H, H] Bool => |a, _| b(path(&a[0])?.p.len() < path(&a[1])?.p.len());
    ">" "path_n_gt" [H, H] Bool => |a, _| b(path(&a[0])?.p.len() > path(&a[1])?.p.len());
    "=" "path_n_eq" [H, H] Bool => |a, _| b(path(&a[0])?.p.len() == path(&a[1])?.p.len());
    "<=" "path_n_le" [H, H] Bool => |a, _| b(path(&a[0])?.p.len() <= path(&a[1])?.p.len());
    ">=" "path_n_ge" [H, H] Bool => |a, _| b(path(&a[0])?.p.len() >= path(&a[1])?.p.len());
    // polygon
    "<<" "poly_left" [G, G] Bool => |a, _| b(poly(&a[0])?.bbox.high.x < poly(&a[1])?.bbox.low.x);
    "&<" "poly_overleft" [G, G] Bool => |a, _| b(poly(&a[0])?.bbox.high.x <= poly(&a[1])?.bbox.high.x);
    ">>" "poly_right" [G, G] Bool => |a, _| b(poly(&a[0])?.bbox.low.x > poly(&a[1])?.bbox.high.x);
    "&>" "poly_overright" [G, G] Bool => |a, _| b(poly(&a[0])?.bbox.low.x >= poly(&a[1])?.bbox.low.x);
    "<<|" "poly_below" [G, G] Bool => |a, _| b(poly(&a[0])?.bbox.high.y < poly(&a[1])?.bbox.low.y);
    "&<|" "poly_overbelow" [G, G] Bool => |a, _| b(poly(&a[0])?.bbox.high.y <= poly(&a[1])?.bbox.high.y);
    "|>>" "poly_above" [G, G] Bool => |a, _| b(poly(&a[0])?.bbox.low.y > poly(&a[1])?.bbox.high.y);
    "|&>" "poly_overabove" [G, G] Bool => |a, _| b(poly(&a[0])?.bbox.low.y >= poly(&a[1])?.bbox.low.y);
    "~=" "poly_same" [G, G] Bool => |a, _| b(plist_same(&poly(&a[0])?.p, &poly(&a[1])?.p));
    "&&" "poly_overlap" [G, G] Bool => |a, _| b(poly_overlap(poly(&a[0])?, poly(&a[1])?)?);
    "@>" "poly_contain" [G, G] Bool => |a, _| b(poly_contains(poly(&a[0])?, poly(&a[1])?)?);
    "<@" "poly_contained" [G, G] Bool => |a, _| b(poly_contains(poly(&a[1])?, poly(&a[0])?)?);
    "<->" "poly_distance" [G, G] F => |a, _| {
        let (p1, p2) = (poly(&a[0])?, poly(&a[1])?);
        if poly_overlap(p1, p2)? {
            return f8(0.0);
        }
        let d = segments_distance(&poly_segments(p1), &poly_segments(p2))?;
        Ok(d.map_or(Value::Null, Value::Float8))
    };
    // circle
    "+" "circle_add_pt" [C, P] C => |a, _| {
        let c = circ(&a[0])?;
        Ok(val(Geo::Circle(Circle { center: c.center.add(&pt(&a[1])?)?, radius: c.radius })))
    };
    "-" "circle_sub_pt" [C, P] C => |a, _| {
        let c = circ(&a[0])?;
        Ok(val(Geo::Circle(Circle { center: c.center.sub(&pt(&a[1])?)?, radius: c.radius })))
    };
    "*" "circle_mul_pt" [C, P] C => |a, _| {
        let (c, p) = (circ(&a[0])?, pt(&a[1])?);
        Ok(val(Geo::Circle(Circle {
            center: c.center.mul(&p)?,
            radius: mul(c.radius, hypot(p.x, p.y)?)?,
        })))
    };
    "/" "circle_div_pt" [C, P] C => |a, _| {
        let (c, p) = (circ(&a[0])?, pt(&a[1])?);
        Ok(val(Geo::Circle(Circle {
            center: c.center.div(&p)?,
            radius: div(c.radius, hypot(p.x, p.y)?)?,
        })))
    };
    "~=" "circle_same" [C, C] Bool => |a, _| {
        let (c1, c2) = (circ(&a[0])?, circ(&a[1])?);
        b(((c1.radius.is_nan() && c2.radius.is_nan()) || fp_eq(c1.radius, c2.radius))
            && c1.center.same(&c2.center))
    };
    "&&" "circle_overlap" [C, C] Bool => |a, _| {
        let (c1, c2) = (circ(&a[0])?, circ(&a[1])?);
        b(fp_le(c1.center.dist(&c2.center)?, pl(c1.radius, c2.radius)?))
    };
    "&<" "circle_overleft" [C, C] Bool => |a, _| {
        let (c1, c2) = (circ(&a[0])?, circ(&a[1])?);
        b(fp_le(pl(c1.center.x, c1.radius)?, pl(c2.center.x, c2.radius)?))
    };
    "<<" "circle_left" [C, C] Bool => |a, _| {
        let (c1, c2) = (circ(&a[0])?, circ(&a[1])?);
        b(fp_lt(pl(c1.center.x, c1.radius)?, mi(c2.center.x, c2.radius)?))
    };
    ">>" "circle_right" [C, C] Bool => |a, _| {
        let (c1, c2) = (circ(&a[0])?, circ(&a[1])?);
        b(fp_gt(mi(c1.center.x, c1.radius)?, pl(c2.center.x, c2.radius)?))
    };
    "&>" "circle_overright" [C, C] Bool => |a, _| {
        let (c1, c2) = (circ(&a[0])?, circ(&a[1])?);
        b(fp_ge(mi(c1.center.x, c1.radius)?, mi(c2.center.x, c2.radius)?))
    };
    "<@" "circle_contained" [C, C] Bool => |a, _| {
        let (c1, c2) = (circ(&a[0])?, circ(&a[1])?);
        b(fp_le(c1.center.dist(&c2.center)?, mi(c2.radius, c1.radius)?))
    };
    "@>" "circle_contain" [C, C] Bool => |a, _| {
        let (c1, c2) = (circ(&a[0])?, circ(&a[1])?);
        b(fp_le(c1.center.dist(&c2.center)?, mi(c1.radius, c2.radius)?))
    };
    "<<|" "circle_below" [C, C] Bool => |a, _| {
        let (c1, c2) = (circ(&a[0])?, circ(&a[1])?);
        b(fp_lt(pl(c1.center.y, c1.radius)?, mi(c2.center.y, c2.radius)?))
    };
    "|>>" "circle_above" [C, C] Bool => |a, _| {
        let (c1, c2) = (circ(&a[0])?, circ(&a[1])?);
        b(fp_gt(mi(c1.center.y, c1.radius)?, pl(c2.center.y, c2.radius)?))
    };
    "&<|" "circle_overbelow" [C, C] Bool => |a, _| {
        let (c1, c2) = (circ(&a[0])?, circ(&a[1])?);
        b(fp_le(pl(c1.center.y, c1.radius)?, pl(c2.center.y, c2.radius)?))
    };
    "|&>" "circle_overabove" [C, C] Bool => |a, _| {
        let (c1, c2) = (circ(&a[0])?, circ(&a[1])?);
        b(fp_ge(mi(c1.center.y, c1.radius)?, mi(c2.center.y, c2.radius)?))
    };
    "=" "circle_eq" [C, C] Bool => |a, _| b(fp_eq(circle_area(&circ(&a[0])?)?, circle_area(&circ(&a[1])?)?));
    "<>" "circle_ne" [C, C] Bool => |a, _| b(fp_ne(circle_area(&circ(&a[0])?)?, circle_area(&circ(&a[1])?)?));
    "<" "circle_lt" [C, C] Bool => |a, _| b(fp_lt(circle_area(&circ(&a[0])?)?, circle_area(&circ(&a[1])?)?));
    ">" "circle_gt" [C, C] Bool => |a, _| b(fp_gt(circle_area(&circ(&a[0])?)?, circle_area(&circ(&a[1])?)?));
    "<=" "circle_le" [C, C] Bool => |a, _| b(fp_le(circle_area(&circ(&a[0])?)?, circle_area(&circ(&a[1])?)?));
    ">=" "circle_ge" [C, C] Bool => |a, _| b(fp_ge(circle_area(&circ(&a[0])?)?, circle_area(&circ(&a[1])?)?));
    "<->" "circle_distance" [C, C] F => |a, _| {
        let (c1, c2) = (circ(&a[0])?, circ(&a[1])?);
        let r = mi(c1.center.dist(&c2.center)?, pl(c1.radius, c2.radius)?)?;
        f8(if r < 0.0 { 0.0 } else { r })
    };
    // prefix operators
    "@@" "box_center" [B] P => |a, _| Ok(vpt(bx(&a[0])?.center()?));
    "@@" "lseg_center" [S] P => |a, _| Ok(vpt(seg(&a[0])?.center()?));
    "@@" "poly_center" [G] P => |a, _| Ok(vpt(poly_circle(poly(&a[0])?)?.center));
    "@@" "circle_center" [C] P => |a, _| Ok(vpt(circ(&a[0])?.center));
    "@-@" "lseg_length" [S] F => |a, _| f8(seg(&a[0])?.length()?);
    "@-@" "path_length" [H] F => |a, _| f8(path_length(path(&a[0])?)?);
    "#" "path_npoints" [H] Int4 => |a, _| Ok(Value::Int4(path(&a[0])?.p.len() as i32));
    "#" "poly_npoints" [G] Int4 => |a, _| Ok(Value::Int4(poly(&a[0])?.p.len() as i32));
    "?-" "lseg_horizontal" [S] Bool => |a, _| { let s = seg(&a[0])?; b(fp_eq(s.p[0].y, s.p[1].y)) };
    "?|" "lseg_vertical" [S] Bool => |a, _| { let s = seg(&a[0])?; b(fp_eq(s.p[0].x, s.p[1].x)) };
    "?-" "line_horizontal" [L] Bool => |a, _| b(fp_zero(line(&a[0])?.a));
    "?|" "line_vertical" [L] Bool => |a, _| b(fp_zero(line(&a[0])?.b));
}

/// The named functions: constructors, conversions (also the casts'
/// functions) and measures.
pub(super) static FUNCTIONS: &[FuncDef] = &[
    f("point", &[F, F], P, |a, _| {
        Ok(vpt(Point {
            x: arg_f8(&a[0])?,
            y: arg_f8(&a[1])?,
        }))
    }),
    f("point", &[B], P, |a, _| Ok(vpt(bx(&a[0])?.center()?))),
    f("point", &[S], P, |a, _| Ok(vpt(seg(&a[0])?.center()?))),
    f("point", &[G], P, |a, _| {
        Ok(vpt(poly_circle(poly(&a[0])?)?.center))
    }),
    f("point", &[C], P, |a, _| Ok(vpt(circ(&a[0])?.center))),
    f("lseg", &[P, P], S, |a, _| {
        Ok(val(Geo::Lseg(Lseg::new(pt(&a[0])?, pt(&a[1])?))))
    }),
    f("lseg", &[B], S, |a, _| {
        let x = bx(&a[0])?;
        Ok(val(Geo::Lseg(Lseg::new(x.high, x.low))))
    }),
    f("diagonal", &[B], S, |a, _| {
        let x = bx(&a[0])?;
        Ok(val(Geo::Lseg(Lseg::new(x.high, x.low))))
    }),
    f("line", &[P, P], L, |a, _| {
        Ok(val(Geo::Line(Line::from_points(&pt(&a[0])?, &pt(&a[1])?)?)))
    }),
    f("box", &[P, P], B, |a, _| {
        Ok(vbox(GeoBox::new(&pt(&a[0])?, &pt(&a[1])?)))
    }),
    f("box", &[P], B, |a, _| {
        let p = pt(&a[0])?;
        Ok(vbox(GeoBox { high: p, low: p }))
    }),
    f("box", &[G], B, |a, _| Ok(vbox(poly(&a[0])?.bbox))),
    f("box", &[C], B, |a, _| Ok(vbox(circle_box(&circ(&a[0])?)?))),
    f("bound_box", &[B, B], B, |a, _| {
        let (x, y) = (bx(&a[0])?, bx(&a[1])?);
        Ok(vbox(GeoBox {
            high: Point {
                x: x.high.x.max(y.high.x),
                y: x.high.y.max(y.high.y),
            },
            low: Point {
                x: x.low.x.min(y.low.x),
                y: x.low.y.min(y.low.y),
            },
        }))
    }),
    f("path", &[G], H, |a, _| {
        Ok(val(Geo::Path(Path {
            closed: true,
            p: poly(&a[0])?.p.clone(),
        })))
    }),
    f("polygon", &[B], G, |a, _| {
        Ok(val(Geo::Polygon(box_poly(&bx(&a[0])?))))
    }),
    f("polygon", &[H], G, |a, _| {
        Ok(val(Geo::Polygon(path_poly(path(&a[0])?)?)))
    }),
    f("polygon", &[C], G, |a, _| {
        Ok(val(Geo::Polygon(circle_poly(12, &circ(&a[0])?)?)))
    }),
    f("polygon", &[Int4, C], G, |a, _| {
        let Value::Int4(n) = a[0] else {
            return Err(wrong());
        };
        Ok(val(Geo::Polygon(circle_poly(n, &circ(&a[1])?)?)))
    }),
    f("circle", &[P, F], C, |a, _| {
        Ok(val(Geo::Circle(Circle {
            center: pt(&a[0])?,
            radius: arg_f8(&a[1])?,
        })))
    }),
    f("circle", &[B], C, |a, _| {
        Ok(val(Geo::Circle(box_circle(&bx(&a[0])?)?)))
    }),
    f("circle", &[G], C, |a, _| {
        Ok(val(Geo::Circle(poly_circle(poly(&a[0])?)?)))
    }),
    f("area", &[B], F, |a, _| f8(bx(&a[0])?.area()?)),
    f("area", &[H], F, |a, _| path_area(path(&a[0])?)),
    f("area", &[C], F, |a, _| f8(circle_area(&circ(&a[0])?)?)),
    f("center", &[B], P, |a, _| Ok(vpt(bx(&a[0])?.center()?))),
    f("center", &[C], P, |a, _| Ok(vpt(circ(&a[0])?.center))),
    f("width", &[B], F, |a, _| f8(bx(&a[0])?.width()?)),
    f("height", &[B], F, |a, _| f8(bx(&a[0])?.height()?)),
    f("diameter", &[C], F, |a, _| {
        f8(mul(circ(&a[0])?.radius, 2.0)?)
    }),
    f("radius", &[C], F, |a, _| f8(circ(&a[0])?.radius)),
    f("length", &[S], F, |a, _| f8(seg(&a[0])?.length()?)),
    f("length", &[H], F, |a, _| f8(path_length(path(&a[0])?)?)),
    f("npoints", &[H], Int4, |a, _| {
        Ok(Value::Int4(path(&a[0])?.p.len() as i32))
    }),
    f("npoints", &[G], Int4, |a, _| {
        Ok(Value::Int4(poly(&a[0])?.p.len() as i32))
    }),
    f("isclosed", &[H], Bool, |a, _| b(path(&a[0])?.closed)),
    f("isopen", &[H], Bool, |a, _| b(!path(&a[0])?.closed)),
    f("pclose", &[H], H, |a, _| {
        Ok(val(Geo::Path(Path {
            closed: true,
            p: path(&a[0])?.p.clone(),
        })))
    }),
    f("popen", &[H], H, |a, _| {
        Ok(val(Geo::Path(Path {
            closed: false,
            p: path(&a[0])?.p.clone(),
        })))
    }),
    f("slope", &[P, P], F, |a, _| {
        f8(pt(&a[0])?.slope(&pt(&a[1])?)?)
    }),
    f("isvertical", &[P, P], Bool, |a, _| {
        b(fp_eq(pt(&a[0])?.x, pt(&a[1])?.x))
    }),
    f("ishorizontal", &[P, P], Bool, |a, _| {
        b(fp_eq(pt(&a[0])?.y, pt(&a[1])?.y))
    }),
    f("isvertical", &[S], Bool, |a, _| {
        let s = seg(&a[0])?;
        b(fp_eq(s.p[0].x, s.p[1].x))
    }),
    f("ishorizontal", &[S], Bool, |a, _| {
        let s = seg(&a[0])?;
        b(fp_eq(s.p[0].y, s.p[1].y))
    }),
    f("isvertical", &[L], Bool, |a, _| b(fp_zero(line(&a[0])?.b))),
    f("ishorizontal", &[L], Bool, |a, _| {
        b(fp_zero(line(&a[0])?.a))
    }),
    f("isparallel", &[S, S], Bool, |a, _| {
        b(fp_eq(seg(&a[0])?.slope()?, seg(&a[1])?.slope()?))
    }),
    f("isparallel", &[L, L], Bool, |a, _| {
        b(line(&a[0])?.interpt(&line(&a[1])?)?.is_none())
    }),
    f("isperp", &[S, S], Bool, |a, _| {
        b(fp_eq(seg(&a[0])?.slope()?, seg(&a[1])?.inv_slope()?))
    }),
    f("isperp", &[L, L], Bool, |a, _| {
        b(line(&a[0])?.perpendicular(&line(&a[1])?)?)
    }),
];

fn arg_f8(v: &Value) -> Result<f64> {
    match v {
        Value::Float8(x) => Ok(*x),
        _ => Err(wrong()),
    }
}

/// A cast between geometric types (pg_cast's castfunc for each pair
/// [`cast_context`](crate::cast::cast_context) allows).
pub fn cast(v: &Value, to: DataType) -> Result<Value> {
    let g = geo(v)?;
    Ok(match (g, to) {
        (Geo::Point(p), GeoBox) => vbox(GeoBox { high: *p, low: *p }),
        (Geo::Lseg(s), Point) => vpt(s.center()?),
        (Geo::Path(p), Polygon) => val(Geo::Polygon(path_poly(p)?)),
        (Geo::Box(x), Point) => vpt(x.center()?),
        (Geo::Box(x), Lseg) => val(Geo::Lseg(Lseg::new(x.high, x.low))),
        (Geo::Box(x), Polygon) => val(Geo::Polygon(box_poly(x))),
        (Geo::Box(x), Circle) => val(Geo::Circle(box_circle(x)?)),
        (Geo::Polygon(p), Point) => vpt(poly_circle(p)?.center),
        (Geo::Polygon(p), Path) => val(Geo::Path(Path {
            closed: true,
            p: p.p.clone(),
        })),
        (Geo::Polygon(p), GeoBox) => vbox(p.bbox),
        (Geo::Polygon(p), Circle) => val(Geo::Circle(poly_circle(p)?)),
        (Geo::Circle(c), Point) => vpt(c.center),
        (Geo::Circle(c), GeoBox) => vbox(circle_box(c)?),
        (Geo::Circle(c), Polygon) => val(Geo::Polygon(circle_poly(12, c)?)),
        _ => return Err(SqlError::internal("no geometric cast")),
    })
}

/// Subscripts: a point's coordinates (0 and 1), a box's corners and a
/// segment's end points. None for any other type or subscript.
pub fn subscript(v: &Value, i: i64) -> Option<Value> {
    let Value::Geo(g) = v else { return None };
    let i = usize::try_from(i).ok().filter(|i| *i < 2)?;
    Some(match &**g {
        Geo::Point(p) => Value::Float8(if i == 0 { p.x } else { p.y }),
        Geo::Box(x) => vpt(if i == 0 { x.high } else { x.low }),
        Geo::Lseg(s) => vpt(s.p[i]),
        _ => return None,
    })
}
