//! The geometric types (point, lseg, line, box, path, polygon, circle)
//! as PostgreSQL's geo_ops.c keeps, reads, prints and computes them:
//! double precision coordinates, "fuzzy" comparisons within EPSILON,
//! and float8's overflow, underflow and division-by-zero errors in
//! every computation. The algorithms follow geo_ops.c step by step so
//! that results agree to the last bit.

use super::OutputStyle;
use crate::error::{errors, Result, SqlError, SqlState};
use crate::types::DataType;

/// geo_decls.h's EPSILON.
const EPSILON: f64 = 1.0e-6;

/// FPzero.
pub fn fp_zero(a: f64) -> bool {
    a.abs() <= EPSILON
}
/// FPeq.
pub fn fp_eq(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= EPSILON
}
/// FPne.
pub fn fp_ne(a: f64, b: f64) -> bool {
    a != b && (a - b).abs() > EPSILON
}
/// FPlt.
pub fn fp_lt(a: f64, b: f64) -> bool {
    a + EPSILON < b
}
/// FPle.
pub fn fp_le(a: f64, b: f64) -> bool {
    a <= b + EPSILON
}
/// FPgt.
pub fn fp_gt(a: f64, b: f64) -> bool {
    a > b + EPSILON
}
/// FPge.
pub fn fp_ge(a: f64, b: f64) -> bool {
    a + EPSILON >= b
}

/// float8_lt: NaN sorts above every number.
fn f_lt(a: f64, b: f64) -> bool {
    if a.is_nan() {
        false
    } else {
        b.is_nan() || a < b
    }
}
/// float8_gt.
fn f_gt(a: f64, b: f64) -> bool {
    if a.is_nan() {
        !b.is_nan()
    } else {
        !b.is_nan() && a > b
    }
}
/// float8_eq: NaN equals NaN.
fn f_eq(a: f64, b: f64) -> bool {
    if a.is_nan() {
        b.is_nan()
    } else {
        !b.is_nan() && a == b
    }
}
fn f_min(a: f64, b: f64) -> f64 {
    if f_lt(a, b) {
        a
    } else {
        b
    }
}
fn f_max(a: f64, b: f64) -> f64 {
    if f_gt(a, b) {
        a
    } else {
        b
    }
}

fn overflow() -> SqlError {
    errors::out_of_range("value out of range: overflow")
}
fn underflow() -> SqlError {
    errors::out_of_range("value out of range: underflow")
}

/// float8_pl.
pub fn pl(a: f64, b: f64) -> Result<f64> {
    let r = a + b;
    if r.is_infinite() && !a.is_infinite() && !b.is_infinite() {
        return Err(overflow());
    }
    Ok(r)
}
/// float8_mi.
pub fn mi(a: f64, b: f64) -> Result<f64> {
    let r = a - b;
    if r.is_infinite() && !a.is_infinite() && !b.is_infinite() {
        return Err(overflow());
    }
    Ok(r)
}
/// float8_mul.
pub fn mul(a: f64, b: f64) -> Result<f64> {
    let r = a * b;
    if r.is_infinite() && !a.is_infinite() && !b.is_infinite() {
        return Err(overflow());
    }
    if r == 0.0 && a != 0.0 && b != 0.0 {
        return Err(underflow());
    }
    Ok(r)
}
/// float8_div.
pub fn div(a: f64, b: f64) -> Result<f64> {
    if b == 0.0 && !a.is_nan() {
        return Err(errors::division_by_zero());
    }
    let r = a / b;
    if r.is_infinite() && !a.is_infinite() {
        return Err(overflow());
    }
    if r == 0.0 && a != 0.0 && !b.is_infinite() {
        return Err(underflow());
    }
    Ok(r)
}

/// pg_hypot: the length of (x, y) without needless overflow.
pub fn hypot(x: f64, y: f64) -> Result<f64> {
    if x.is_infinite() || y.is_infinite() {
        return Ok(f64::INFINITY);
    }
    if x.is_nan() || y.is_nan() {
        return Ok(f64::NAN);
    }
    let (mut x, mut y) = (x.abs(), y.abs());
    if x < y {
        std::mem::swap(&mut x, &mut y);
    }
    if y == 0.0 {
        return Ok(x);
    }
    let yx = y / x;
    let r = x * (1.0 + yx * yx).sqrt();
    if r.is_infinite() {
        return Err(overflow());
    }
    if r == 0.0 {
        return Err(underflow());
    }
    Ok(r)
}

/// A point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// x.
    pub x: f64,
    /// y.
    pub y: f64,
}

/// A line `Ax + By + C = 0`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Line {
    /// A.
    pub a: f64,
    /// B.
    pub b: f64,
    /// C.
    pub c: f64,
}

/// A line segment between two points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lseg {
    /// The end points.
    pub p: [Point; 2],
}

/// A box: its upper right and lower left corners.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GeoBox {
    /// The upper right corner.
    pub high: Point,
    /// The lower left corner.
    pub low: Point,
}

/// A path: points, open or closed.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    /// A closed path joins its last point to its first.
    pub closed: bool,
    /// The points (at least one).
    pub p: Vec<Point>,
}

/// A polygon: its points and their bounding box.
#[derive(Debug, Clone, PartialEq)]
pub struct Polygon {
    /// The points (at least one).
    pub p: Vec<Point>,
    /// The bounding box.
    pub bbox: GeoBox,
}

/// A circle.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Circle {
    /// The center.
    pub center: Point,
    /// The radius (not negative).
    pub radius: f64,
}

/// A value of one of the geometric types.
#[derive(Debug, Clone, PartialEq)]
pub enum Geo {
    /// point.
    Point(Point),
    /// lseg.
    Lseg(Lseg),
    /// line.
    Line(Line),
    /// box.
    Box(GeoBox),
    /// path.
    Path(Path),
    /// polygon.
    Polygon(Polygon),
    /// circle.
    Circle(Circle),
}

impl Point {
    /// point_eq_point: equal within EPSILON (NaN equal to NaN).
    pub fn same(&self, o: &Point) -> bool {
        if self.x.is_nan() || self.y.is_nan() || o.x.is_nan() || o.y.is_nan() {
            return f_eq(self.x, o.x) && f_eq(self.y, o.y);
        }
        fp_eq(self.x, o.x) && fp_eq(self.y, o.y)
    }

    /// point_dt: the distance.
    pub fn dist(&self, o: &Point) -> Result<f64> {
        hypot(mi(self.x, o.x)?, mi(self.y, o.y)?)
    }

    /// point_sl: the slope of the line through both.
    pub fn slope(&self, o: &Point) -> Result<f64> {
        if fp_eq(self.x, o.x) {
            return Ok(f64::INFINITY);
        }
        if fp_eq(self.y, o.y) {
            return Ok(0.0);
        }
        div(mi(self.y, o.y)?, mi(self.x, o.x)?)
    }

    /// point_invsl: the slope of the perpendicular.
    pub fn inv_slope(&self, o: &Point) -> Result<f64> {
        if fp_eq(self.x, o.x) {
            return Ok(0.0);
        }
        if fp_eq(self.y, o.y) {
            return Ok(f64::INFINITY);
        }
        div(mi(self.x, o.x)?, mi(o.y, self.y)?)
    }

    /// point_add_point.
    pub fn add(&self, o: &Point) -> Result<Point> {
        Ok(Point {
            x: pl(self.x, o.x)?,
            y: pl(self.y, o.y)?,
        })
    }

    /// point_sub_point.
    pub fn sub(&self, o: &Point) -> Result<Point> {
        Ok(Point {
            x: mi(self.x, o.x)?,
            y: mi(self.y, o.y)?,
        })
    }

    /// point_mul_point: as complex numbers.
    pub fn mul(&self, o: &Point) -> Result<Point> {
        Ok(Point {
            x: mi(mul(self.x, o.x)?, mul(self.y, o.y)?)?,
            y: pl(mul(self.x, o.y)?, mul(self.y, o.x)?)?,
        })
    }

    /// point_div_point: as complex numbers.
    pub fn div(&self, o: &Point) -> Result<Point> {
        let d = pl(mul(o.x, o.x)?, mul(o.y, o.y)?)?;
        Ok(Point {
            x: div(pl(mul(self.x, o.x)?, mul(self.y, o.y)?)?, d)?,
            y: div(mi(mul(self.y, o.x)?, mul(self.x, o.y)?)?, d)?,
        })
    }
}

impl Line {
    /// line_construct: the line through `pt` with slope `m`.
    pub fn through(pt: &Point, m: f64) -> Result<Line> {
        Ok(if m.is_infinite() {
            Line {
                a: -1.0,
                b: 0.0,
                c: pt.x,
            }
        } else if m == 0.0 {
            Line {
                a: 0.0,
                b: -1.0,
                c: pt.y,
            }
        } else {
            let mut c = mi(pt.y, mul(m, pt.x)?)?;
            if c == 0.0 {
                c = 0.0;
            }
            Line { a: m, b: -1.0, c }
        })
    }

    /// line_construct_pp: 22023 for one point twice.
    pub fn from_points(p1: &Point, p2: &Point) -> Result<Line> {
        if p1.same(p2) {
            return Err(SqlError::new(
                SqlState::INVALID_PARAMETER_VALUE,
                "invalid line specification: must be two distinct points",
            ));
        }
        Line::through(p1, p1.slope(p2)?)
    }

    /// line_sl.
    pub fn slope(&self) -> Result<f64> {
        if fp_zero(self.a) {
            return Ok(0.0);
        }
        if fp_zero(self.b) {
            return Ok(f64::INFINITY);
        }
        div(self.a, -self.b)
    }

    /// line_invsl.
    pub fn inv_slope(&self) -> Result<f64> {
        if fp_zero(self.a) {
            return Ok(f64::INFINITY);
        }
        if fp_zero(self.b) {
            return Ok(0.0);
        }
        div(self.b, self.a)
    }

    /// line_interpt_line: where two lines cross (None: parallel).
    pub fn interpt(&self, l2: &Line) -> Result<Option<Point>> {
        let l1 = self;
        let (mut x, mut y);
        if !fp_zero(l1.b) {
            if fp_eq(l2.a, mul(l1.a, div(l2.b, l1.b)?)?) {
                return Ok(None);
            }
            x = div(
                mi(mul(l1.b, l2.c)?, mul(l2.b, l1.c)?)?,
                mi(mul(l1.a, l2.b)?, mul(l2.a, l1.b)?)?,
            )?;
            y = div(-pl(mul(l1.a, x)?, l1.c)?, l1.b)?;
        } else if !fp_zero(l2.b) {
            if fp_eq(l1.a, mul(l2.a, div(l1.b, l2.b)?)?) {
                return Ok(None);
            }
            x = div(
                mi(mul(l2.b, l1.c)?, mul(l1.b, l2.c)?)?,
                mi(mul(l2.a, l1.b)?, mul(l1.a, l2.b)?)?,
            )?;
            y = div(-pl(mul(l2.a, x)?, l2.c)?, l2.b)?;
        } else {
            return Ok(None);
        }
        if x == 0.0 {
            x = 0.0;
        }
        if y == 0.0 {
            y = 0.0;
        }
        Ok(Some(Point { x, y }))
    }

    /// line_contain_point.
    pub fn contains(&self, p: &Point) -> Result<bool> {
        Ok(fp_zero(pl(
            pl(mul(self.a, p.x)?, mul(self.b, p.y)?)?,
            self.c,
        )?))
    }

    /// line_closept_point: the distance to `p` (NaN when no
    /// perpendicular is found) and the closest point.
    pub fn closept_point(&self, p: &Point) -> Result<(f64, Point)> {
        let tmp = Line::through(p, self.inv_slope()?)?;
        match tmp.interpt(self)? {
            None => Ok((f64::NAN, *p)),
            Some(c) => Ok((c.dist(p)?, c)),
        }
    }

    /// line_eq.
    pub fn same(&self, l2: &Line) -> Result<bool> {
        let l1 = self;
        if [l1.a, l1.b, l1.c, l2.a, l2.b, l2.c]
            .iter()
            .any(|v| v.is_nan())
        {
            return Ok(f_eq(l1.a, l2.a) && f_eq(l1.b, l2.b) && f_eq(l1.c, l2.c));
        }
        let ratio = if !fp_zero(l2.a) {
            div(l1.a, l2.a)?
        } else if !fp_zero(l2.b) {
            div(l1.b, l2.b)?
        } else if !fp_zero(l2.c) {
            div(l1.c, l2.c)?
        } else {
            1.0
        };
        Ok(fp_eq(l1.a, mul(ratio, l2.a)?)
            && fp_eq(l1.b, mul(ratio, l2.b)?)
            && fp_eq(l1.c, mul(ratio, l2.c)?))
    }

    /// line_perp.
    pub fn perpendicular(&self, l2: &Line) -> Result<bool> {
        let l1 = self;
        if fp_zero(l1.a) {
            return Ok(fp_zero(l2.b));
        }
        if fp_zero(l2.a) {
            return Ok(fp_zero(l1.b));
        }
        if fp_zero(l1.b) {
            return Ok(fp_zero(l2.a));
        }
        if fp_zero(l2.b) {
            return Ok(fp_zero(l1.a));
        }
        Ok(fp_eq(div(mul(l1.a, l2.a)?, mul(l1.b, l2.b)?)?, -1.0))
    }

    /// line_distance.
    pub fn distance(&self, l2: &Line) -> Result<f64> {
        let l1 = self;
        if l1.interpt(l2)?.is_some() {
            return Ok(0.0);
        }
        let ratio = if !fp_zero(l1.a) && !l1.a.is_nan() && !fp_zero(l2.a) && !l2.a.is_nan() {
            div(l1.a, l2.a)?
        } else if !fp_zero(l1.b) && !l1.b.is_nan() && !fp_zero(l2.b) && !l2.b.is_nan() {
            div(l1.b, l2.b)?
        } else {
            1.0
        };
        div(mi(l1.c, mul(ratio, l2.c)?)?.abs(), hypot(l1.a, l1.b)?)
    }
}

impl Lseg {
    /// A segment from two points.
    pub fn new(p0: Point, p1: Point) -> Lseg {
        Lseg { p: [p0, p1] }
    }

    /// lseg_sl.
    pub fn slope(&self) -> Result<f64> {
        self.p[0].slope(&self.p[1])
    }

    /// lseg_invsl.
    pub fn inv_slope(&self) -> Result<f64> {
        self.p[0].inv_slope(&self.p[1])
    }

    /// The length.
    pub fn length(&self) -> Result<f64> {
        self.p[0].dist(&self.p[1])
    }

    /// lseg_center.
    pub fn center(&self) -> Result<Point> {
        Ok(Point {
            x: div(pl(self.p[0].x, self.p[1].x)?, 2.0)?,
            y: div(pl(self.p[0].y, self.p[1].y)?, 2.0)?,
        })
    }

    /// lseg_contain_point.
    pub fn contains(&self, pt: &Point) -> Result<bool> {
        Ok(fp_eq(
            pt.dist(&self.p[0])? + pt.dist(&self.p[1])?,
            self.p[0].dist(&self.p[1])?,
        ))
    }

    /// lseg_interpt_line.
    pub fn interpt_line(&self, line: &Line) -> Result<Option<Point>> {
        let tmp = Line::through(&self.p[0], self.slope()?)?;
        let Some(interpt) = tmp.interpt(line)? else {
            return Ok(None);
        };
        if !self.contains(&interpt)? {
            return Ok(None);
        }
        Ok(Some(if self.p[0].same(&interpt) {
            self.p[0]
        } else if self.p[1].same(&interpt) {
            self.p[1]
        } else {
            interpt
        }))
    }

    /// lseg_interpt_lseg.
    pub fn interpt(&self, l2: &Lseg) -> Result<Option<Point>> {
        let tmp = Line::through(&l2.p[0], l2.slope()?)?;
        let Some(interpt) = self.interpt_line(&tmp)? else {
            return Ok(None);
        };
        if !l2.contains(&interpt)? {
            return Ok(None);
        }
        Ok(Some(interpt))
    }

    /// lseg_closept_line: the distance to a line and the closest point
    /// of the segment.
    pub fn closept_line(&self, line: &Line) -> Result<(f64, Point)> {
        if let Some(p) = self.interpt_line(line)? {
            return Ok((0.0, p));
        }
        let d1 = line.closept_point(&self.p[0])?.0;
        let d2 = line.closept_point(&self.p[1])?.0;
        Ok(if d1 < d2 {
            (d1, self.p[0])
        } else {
            (d2, self.p[1])
        })
    }

    /// lseg_closept_point.
    pub fn closept_point(&self, pt: &Point) -> Result<(f64, Point)> {
        let tmp = Line::through(pt, self.p[0].inv_slope(&self.p[1])?)?;
        let (_, c) = self.closept_line(&tmp)?;
        Ok((c.dist(pt)?, c))
    }

    /// lseg_closept_lseg: the distance to `to` and the closest point of
    /// this segment.
    pub fn closept_lseg(&self, to: &Lseg) -> Result<(f64, Point)> {
        if let Some(p) = self.interpt(to)? {
            return Ok((0.0, p));
        }
        let (mut dist, mut result) = self.closept_point(&to.p[0])?;
        let (d, point) = self.closept_point(&to.p[1])?;
        if f_lt(d, dist) {
            dist = d;
            result = point;
        }
        for p in &self.p {
            let d = to.closept_point(p)?.0;
            if f_lt(d, dist) {
                dist = d;
                result = *p;
            }
        }
        Ok((dist, result))
    }
}

impl GeoBox {
    /// box_construct: the box with these corners in any order.
    pub fn new(p1: &Point, p2: &Point) -> GeoBox {
        let (hx, lx) = if f_gt(p1.x, p2.x) {
            (p1.x, p2.x)
        } else {
            (p2.x, p1.x)
        };
        let (hy, ly) = if f_gt(p1.y, p2.y) {
            (p1.y, p2.y)
        } else {
            (p2.y, p1.y)
        };
        GeoBox {
            high: Point { x: hx, y: hy },
            low: Point { x: lx, y: ly },
        }
    }

    /// box_wd.
    pub fn width(&self) -> Result<f64> {
        mi(self.high.x, self.low.x)
    }
    /// box_ht.
    pub fn height(&self) -> Result<f64> {
        mi(self.high.y, self.low.y)
    }
    /// box_ar.
    pub fn area(&self) -> Result<f64> {
        mul(self.width()?, self.height()?)
    }
    /// box_cn.
    pub fn center(&self) -> Result<Point> {
        Ok(Point {
            x: div(pl(self.high.x, self.low.x)?, 2.0)?,
            y: div(pl(self.high.y, self.low.y)?, 2.0)?,
        })
    }

    /// box_ov.
    pub fn overlaps(&self, b2: &GeoBox) -> bool {
        fp_le(self.low.x, b2.high.x)
            && fp_le(b2.low.x, self.high.x)
            && fp_le(self.low.y, b2.high.y)
            && fp_le(b2.low.y, self.high.y)
    }

    /// box_contain_box.
    pub fn contains_box(&self, b: &GeoBox) -> bool {
        fp_ge(self.high.x, b.high.x)
            && fp_le(self.low.x, b.low.x)
            && fp_ge(self.high.y, b.high.y)
            && fp_le(self.low.y, b.low.y)
    }

    /// box_contain_point (exact, not fuzzy).
    pub fn contains_point(&self, p: &Point) -> bool {
        self.high.x >= p.x && self.low.x <= p.x && self.high.y >= p.y && self.low.y <= p.y
    }

    /// The four sides as (low or high corner, the corner between).
    fn sides(&self) -> [Lseg; 4] {
        let a = Point {
            x: self.low.x,
            y: self.high.y,
        };
        let b = Point {
            x: self.high.x,
            y: self.low.y,
        };
        [
            Lseg::new(self.low, a),
            Lseg::new(self.high, a),
            Lseg::new(self.low, b),
            Lseg::new(self.high, b),
        ]
    }

    /// box_closept_point.
    pub fn closept_point(&self, pt: &Point) -> Result<(f64, Point)> {
        if self.contains_point(pt) {
            return Ok((0.0, *pt));
        }
        let sides = self.sides();
        let (mut dist, mut result) = sides[0].closept_point(pt)?;
        for s in &sides[1..] {
            let (d, c) = s.closept_point(pt)?;
            if f_lt(d, dist) {
                dist = d;
                result = c;
            }
        }
        Ok((dist, result))
    }

    /// box_interpt_lseg: whether they meet, and if so the point of the
    /// segment closest to the box's center.
    pub fn interpt_lseg(&self, lseg: &Lseg) -> Result<Option<Point>> {
        let lbox = GeoBox {
            low: Point {
                x: f_min(lseg.p[0].x, lseg.p[1].x),
                y: f_min(lseg.p[0].y, lseg.p[1].y),
            },
            high: Point {
                x: f_max(lseg.p[0].x, lseg.p[1].x),
                y: f_max(lseg.p[0].y, lseg.p[1].y),
            },
        };
        if !lbox.overlaps(self) {
            return Ok(None);
        }
        let close = || -> Result<Point> { Ok(lseg.closept_point(&self.center()?)?.1) };
        if self.contains_point(&lseg.p[0]) || self.contains_point(&lseg.p[1]) {
            return close().map(Some);
        }
        for s in &self.sides() {
            if s.interpt(lseg)?.is_some() {
                return close().map(Some);
            }
        }
        Ok(None)
    }

    /// box_closept_lseg.
    pub fn closept_lseg(&self, lseg: &Lseg) -> Result<(f64, Point)> {
        if let Some(p) = self.interpt_lseg(lseg)? {
            return Ok((0.0, p));
        }
        let sides = self.sides();
        let (mut dist, mut result) = sides[0].closept_lseg(lseg)?;
        for s in &sides[1..] {
            let (d, c) = s.closept_lseg(lseg)?;
            if f_lt(d, dist) {
                dist = d;
                result = c;
            }
        }
        Ok((dist, result))
    }

    /// inter_lb: whether a line crosses the box's sides.
    pub fn meets_line(&self, line: &Line) -> Result<bool> {
        let p1 = self.low;
        let p2 = Point {
            x: self.low.x,
            y: self.high.y,
        };
        let p3 = self.high;
        let p4 = Point {
            x: self.high.x,
            y: self.low.y,
        };
        for s in [
            Lseg::new(p1, p2),
            Lseg::new(p3, p2),
            Lseg::new(p3, p4),
            Lseg::new(p1, p4),
        ] {
            if s.interpt_line(line)?.is_some() {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

impl Path {
    /// Each segment: for a closed path the closing one first, as
    /// geo_ops.c's loops visit them.
    pub fn segments(&self) -> Vec<Lseg> {
        let n = self.p.len();
        let mut out = Vec::with_capacity(n);
        for i in 0..n {
            let prev = if i > 0 {
                i - 1
            } else if self.closed {
                n - 1
            } else {
                continue;
            };
            out.push(Lseg::new(self.p[prev], self.p[i]));
        }
        out
    }

    /// The bounding box of the points.
    pub fn bound_box(&self) -> GeoBox {
        bound_box(&self.p)
    }
}

/// make_bound_box.
fn bound_box(p: &[Point]) -> GeoBox {
    let first = p.first().copied().unwrap_or(Point { x: 0.0, y: 0.0 });
    let (mut x1, mut x2, mut y1, mut y2) = (first.x, first.x, first.y, first.y);
    for q in p.iter().skip(1) {
        if f_lt(q.x, x1) {
            x1 = q.x;
        }
        if f_gt(q.x, x2) {
            x2 = q.x;
        }
        if f_lt(q.y, y1) {
            y1 = q.y;
        }
        if f_gt(q.y, y2) {
            y2 = q.y;
        }
    }
    GeoBox {
        low: Point { x: x1, y: y1 },
        high: Point { x: x2, y: y2 },
    }
}

impl Polygon {
    /// A polygon of these points, with their bounding box.
    pub fn new(p: Vec<Point>) -> Polygon {
        let bbox = bound_box(&p);
        Polygon { p, bbox }
    }
}

/// point_inside: 0 outside, 1 inside, 2 on the polygon's edge.
pub fn point_inside(p: &Point, plist: &[Point]) -> Result<i32> {
    const ON: i32 = i32::MAX;
    let Some(first) = plist.first() else {
        return Ok(0);
    };
    let x0 = mi(first.x, p.x)?;
    let y0 = mi(first.y, p.y)?;
    let (mut prev_x, mut prev_y) = (x0, y0);
    let mut total = 0i32;
    for q in &plist[1..] {
        let x = mi(q.x, p.x)?;
        let y = mi(q.y, p.y)?;
        let cross = lseg_crossing(x, y, prev_x, prev_y)?;
        if cross == ON {
            return Ok(2);
        }
        total += cross;
        prev_x = x;
        prev_y = y;
    }
    let cross = lseg_crossing(x0, y0, prev_x, prev_y)?;
    if cross == ON {
        return Ok(2);
    }
    total += cross;
    Ok(i32::from(total != 0))
}

/// lseg_crossing: how the segment from (prev_x, prev_y) to (x, y)
/// crosses the positive X axis.
fn lseg_crossing(x: f64, y: f64, prev_x: f64, prev_y: f64) -> Result<i32> {
    const ON: i32 = i32::MAX;
    if fp_zero(y) {
        if fp_zero(x) {
            return Ok(ON);
        }
        if fp_gt(x, 0.0) {
            if fp_zero(prev_y) {
                return Ok(if fp_gt(prev_x, 0.0) { 0 } else { ON });
            }
            return Ok(if fp_lt(prev_y, 0.0) { 1 } else { -1 });
        }
        if fp_zero(prev_y) {
            return Ok(if fp_lt(prev_x, 0.0) { 0 } else { ON });
        }
        return Ok(0);
    }
    let y_sign = if fp_gt(y, 0.0) { 1 } else { -1 };
    if fp_zero(prev_y) {
        return Ok(if fp_lt(prev_x, 0.0) { 0 } else { y_sign });
    }
    if (y_sign < 0 && fp_lt(prev_y, 0.0)) || (y_sign > 0 && fp_gt(prev_y, 0.0)) {
        return Ok(0);
    }
    if fp_ge(x, 0.0) && fp_gt(prev_x, 0.0) {
        return Ok(2 * y_sign);
    }
    if fp_lt(x, 0.0) && fp_le(prev_x, 0.0) {
        return Ok(0);
    }
    let z = mi(mul(mi(x, prev_x)?, y)?, mul(mi(y, prev_y)?, x)?)?;
    if fp_zero(z) {
        return Ok(ON);
    }
    if (y_sign < 0 && fp_lt(z, 0.0)) || (y_sign > 0 && fp_gt(z, 0.0)) {
        return Ok(0);
    }
    Ok(2 * y_sign)
}

/// plist_same: the same points, in either direction, from any start.
pub fn plist_same(p1: &[Point], p2: &[Point]) -> bool {
    let n = p1.len();
    if n != p2.len() {
        return false;
    }
    for i in 0..n {
        if !p2[i].same(&p1[0]) {
            continue;
        }
        if (1..n).all(|ii| p2[(i + ii) % n].same(&p1[ii])) {
            return true;
        }
        if (1..n).all(|ii| p2[(i + n - ii) % n].same(&p1[ii])) {
            return true;
        }
    }
    false
}

// ---- Text input and output ----

/// A parse position over the input's bytes.
struct Reader<'a> {
    s: &'a [u8],
    i: usize,
    text: &'a str,
    type_name: &'static str,
}

impl Reader<'_> {
    fn bad(&self) -> SqlError {
        errors::invalid_input(self.type_name, self.text)
    }
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }
    fn skip_space(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_whitespace()) {
            self.i += 1;
        }
    }
    fn at_end(&self) -> bool {
        self.i >= self.s.len()
    }
    /// Consumes `c` or fails.
    fn expect(&mut self, c: u8) -> Result<()> {
        if self.peek() == Some(c) {
            self.i += 1;
            Ok(())
        } else {
            Err(self.bad())
        }
    }

    /// float8in_internal with an end pointer: a number (or NaN /
    /// Infinity) after blanks, then blanks.
    fn number(&mut self) -> Result<f64> {
        self.skip_space();
        let start = self.i;
        let rest = &self.s[start..];
        let lower: Vec<u8> = rest.iter().take(9).map(u8::to_ascii_lowercase).collect();
        let specials: [(&[u8], f64); 7] = [
            (b"nan", f64::NAN),
            (b"infinity", f64::INFINITY),
            (b"+infinity", f64::INFINITY),
            (b"-infinity", f64::NEG_INFINITY),
            (b"inf", f64::INFINITY),
            (b"+inf", f64::INFINITY),
            (b"-inf", f64::NEG_INFINITY),
        ];
        let mut j = start;
        if matches!(self.s.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        let digits_start = j;
        while self.s.get(j).is_some_and(u8::is_ascii_digit) {
            j += 1;
        }
        let mut any = j > digits_start;
        if self.s.get(j) == Some(&b'.') {
            j += 1;
            let f = j;
            while self.s.get(j).is_some_and(u8::is_ascii_digit) {
                j += 1;
            }
            any |= j > f;
        }
        if !any {
            for (word, v) in specials {
                if lower.starts_with(word) {
                    self.i = start + word.len();
                    self.skip_space();
                    return Ok(v);
                }
            }
            return Err(self.bad());
        }
        if matches!(self.s.get(j), Some(b'e' | b'E')) {
            let mut k = j + 1;
            if matches!(self.s.get(k), Some(b'+' | b'-')) {
                k += 1;
            }
            let e = k;
            while self.s.get(k).is_some_and(u8::is_ascii_digit) {
                k += 1;
            }
            if k > e {
                j = k;
            }
        }
        let num = std::str::from_utf8(&self.s[start..j]).map_err(|_| self.bad())?;
        let v: f64 = num.parse().map_err(|_| self.bad())?;
        let mantissa_nonzero = num
            .split(['e', 'E'])
            .next()
            .is_some_and(|m| m.bytes().any(|b| (b'1'..=b'9').contains(&b)));
        if v.is_infinite() || (v == 0.0 && mantissa_nonzero) {
            return Err(errors::out_of_range(format!(
                "\"{num}\" is out of range for type double precision"
            )));
        }
        self.i = j;
        self.skip_space();
        Ok(v)
    }

    /// pair_decode: `x,y` or `(x,y)`, then blanks after a `)`.
    fn pair(&mut self) -> Result<Point> {
        self.skip_space();
        let delim = self.peek() == Some(b'(');
        if delim {
            self.i += 1;
        }
        let x = self.number()?;
        self.expect(b',')?;
        let y = self.number()?;
        if delim {
            self.expect(b')')?;
            self.skip_space();
        }
        Ok(Point { x, y })
    }

    /// path_decode: `npts` pairs, in `[...]` (when `open_ok`; reported
    /// as open) or `(...)`, or bare.
    fn path(&mut self, open_ok: bool, npts: usize) -> Result<(Vec<Point>, bool)> {
        self.skip_space();
        let mut depth = 0;
        let isopen = self.peek() == Some(b'[');
        if isopen {
            if !open_ok {
                return Err(self.bad());
            }
            depth += 1;
            self.i += 1;
        } else if self.peek() == Some(b'(') {
            let mut cp = self.i + 1;
            while self.s.get(cp).is_some_and(u8::is_ascii_whitespace) {
                cp += 1;
            }
            if self.s.get(cp) == Some(&b'(') {
                depth += 1;
                self.i = cp;
            } else if !self.s[self.i + 1..].contains(&b'(') {
                // The only '(' (strrchr finds this one).
                depth += 1;
                self.i = cp;
            }
        }
        let mut pts = Vec::with_capacity(npts);
        for _ in 0..npts {
            pts.push(self.pair()?);
            if self.peek() == Some(b',') {
                self.i += 1;
            }
        }
        while depth > 0 {
            match self.peek() {
                Some(b')') => {}
                Some(b']') if isopen && depth == 1 => {}
                _ => return Err(self.bad()),
            }
            depth -= 1;
            self.i += 1;
            self.skip_space();
        }
        Ok((pts, isopen))
    }

    fn finish(&self) -> Result<()> {
        if self.at_end() {
            Ok(())
        } else {
            Err(self.bad())
        }
    }
}

/// pair_count: the number of points `n` commas separate (None if odd).
fn pair_count(s: &str) -> Option<usize> {
    let n = s.bytes().filter(|&b| b == b',').count();
    (n % 2 == 1).then_some(n.div_ceil(2))
}

/// The geometric types, in the order [`Geo::kind`] numbers them.
const KINDS: [DataType; 7] = [
    DataType::Point,
    DataType::Lseg,
    DataType::Line,
    DataType::GeoBox,
    DataType::Path,
    DataType::Polygon,
    DataType::Circle,
];

impl Geo {
    /// Its type.
    pub fn data_type(&self) -> DataType {
        KINDS[usize::from(self.kind())]
    }

    /// Its type as a number (for spill files).
    pub fn kind(&self) -> u8 {
        match self {
            Geo::Point(_) => 0,
            Geo::Lseg(_) => 1,
            Geo::Line(_) => 2,
            Geo::Box(_) => 3,
            Geo::Path(_) => 4,
            Geo::Polygon(_) => 5,
            Geo::Circle(_) => 6,
        }
    }

    /// The type [`Geo::kind`] numbered `k`.
    pub fn kind_type(k: u8) -> Option<DataType> {
        KINDS.get(usize::from(k)).copied()
    }

    /// The binary form as a new vector.
    pub fn to_binary(&self) -> Vec<u8> {
        let mut b = Vec::new();
        self.write_binary(&mut b);
        b
    }

    /// Reads the text form of geometric type `ty`.
    pub fn parse(text: &str, ty: DataType) -> Result<Geo> {
        let type_name = match ty {
            DataType::Point => "point",
            DataType::Lseg => "lseg",
            DataType::Line => "line",
            DataType::GeoBox => "box",
            DataType::Path => "path",
            DataType::Polygon => "polygon",
            _ => "circle",
        };
        let mut r = Reader {
            s: text.as_bytes(),
            i: 0,
            text,
            type_name,
        };
        Ok(match ty {
            DataType::Point => {
                let p = r.pair()?;
                r.finish()?;
                Geo::Point(p)
            }
            DataType::Lseg => {
                let (p, _) = r.path(true, 2)?;
                r.finish()?;
                Geo::Lseg(Lseg::new(p[0], p[1]))
            }
            DataType::GeoBox => {
                let (p, _) = r.path(false, 2)?;
                r.finish()?;
                Geo::Box(GeoBox::new(&p[0], &p[1]))
            }
            DataType::Line => {
                r.skip_space();
                if r.peek() == Some(b'{') {
                    r.i += 1;
                    let mut abc = [0.0; 3];
                    for (k, v) in abc.iter_mut().enumerate() {
                        *v = r.number()?;
                        r.expect(if k == 2 { b'}' } else { b',' })?;
                    }
                    r.skip_space();
                    r.finish()?;
                    if fp_zero(abc[0]) && fp_zero(abc[1]) {
                        return Err(SqlError::new(
                            SqlState::INVALID_TEXT_REPRESENTATION,
                            "invalid line specification: A and B cannot both be zero",
                        ));
                    }
                    Geo::Line(Line {
                        a: abc[0],
                        b: abc[1],
                        c: abc[2],
                    })
                } else {
                    let (p, _) = r.path(true, 2)?;
                    r.finish()?;
                    if p[0].same(&p[1]) {
                        return Err(SqlError::new(
                            SqlState::INVALID_TEXT_REPRESENTATION,
                            "invalid line specification: must be two distinct points",
                        ));
                    }
                    Geo::Line(Line::through(&p[0], Lseg::new(p[0], p[1]).slope()?)?)
                }
            }
            DataType::Path => {
                let npts = pair_count(text).ok_or_else(|| r.bad())?;
                r.skip_space();
                let mut depth = 0;
                if r.peek() == Some(b'(') && !r.s[r.i + 1..].contains(&b'(') {
                    r.i += 1;
                    depth += 1;
                }
                let (p, isopen) = r.path(true, npts)?;
                if depth >= 1 {
                    r.expect(b')')?;
                    r.skip_space();
                }
                r.finish()?;
                Geo::Path(Path { closed: !isopen, p })
            }
            DataType::Polygon => {
                let npts = pair_count(text).ok_or_else(|| r.bad())?;
                let (p, _) = r.path(false, npts)?;
                r.finish()?;
                Geo::Polygon(Polygon::new(p))
            }
            _ => {
                r.skip_space();
                let mut depth = 0;
                if r.peek() == Some(b'<') {
                    depth += 1;
                    r.i += 1;
                } else if r.peek() == Some(b'(') {
                    let mut cp = r.i + 1;
                    while r.s.get(cp).is_some_and(u8::is_ascii_whitespace) {
                        cp += 1;
                    }
                    if r.s.get(cp) == Some(&b'(') {
                        depth += 1;
                        r.i = cp;
                    }
                }
                let center = r.pair()?;
                if r.peek() == Some(b',') {
                    r.i += 1;
                }
                let radius = r.number()?;
                if radius < 0.0 {
                    return Err(r.bad());
                }
                while depth > 0 {
                    match r.peek() {
                        Some(b')') => {}
                        Some(b'>') if depth == 1 => {}
                        _ => return Err(r.bad()),
                    }
                    depth -= 1;
                    r.i += 1;
                    r.skip_space();
                }
                r.finish()?;
                Geo::Circle(Circle { center, radius })
            }
        })
    }

    /// The text form (point_out, lseg_out ...).
    pub fn write_text(&self, style: &OutputStyle, out: &mut String) {
        let num = |v: f64, out: &mut String| super::format_f64(v, style.extra_float_digits, out);
        let pair = |p: &Point, out: &mut String| {
            out.push('(');
            num(p.x, out);
            out.push(',');
            num(p.y, out);
            out.push(')');
        };
        let points = |ps: &[Point], out: &mut String| {
            for (i, p) in ps.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                pair(p, out);
            }
        };
        match self {
            Geo::Point(p) => pair(p, out),
            Geo::Lseg(l) => {
                out.push('[');
                points(&l.p, out);
                out.push(']');
            }
            Geo::Box(b) => points(&[b.high, b.low], out),
            Geo::Line(l) => {
                out.push('{');
                num(l.a, out);
                out.push(',');
                num(l.b, out);
                out.push(',');
                num(l.c, out);
                out.push('}');
            }
            Geo::Path(p) => {
                out.push(if p.closed { '(' } else { '[' });
                points(&p.p, out);
                out.push(if p.closed { ')' } else { ']' });
            }
            Geo::Polygon(p) => {
                out.push('(');
                points(&p.p, out);
                out.push(')');
            }
            Geo::Circle(c) => {
                out.push('<');
                pair(&c.center, out);
                out.push(',');
                num(c.radius, out);
                out.push('>');
            }
        }
    }

    /// The binary form (point_send, box_send ...): big-endian float8s,
    /// a path's closed flag and point counts.
    pub fn write_binary(&self, out: &mut Vec<u8>) {
        let f = |v: f64, out: &mut Vec<u8>| out.extend_from_slice(&v.to_be_bytes());
        let pt = |p: &Point, out: &mut Vec<u8>| {
            f(p.x, out);
            f(p.y, out);
        };
        match self {
            Geo::Point(p) => pt(p, out),
            Geo::Lseg(l) => l.p.iter().for_each(|p| pt(p, out)),
            Geo::Box(b) => {
                pt(&b.high, out);
                pt(&b.low, out);
            }
            Geo::Line(l) => [l.a, l.b, l.c].iter().for_each(|v| f(*v, out)),
            Geo::Path(p) => {
                out.push(u8::from(p.closed));
                out.extend_from_slice(&(p.p.len() as i32).to_be_bytes());
                p.p.iter().for_each(|q| pt(q, out));
            }
            Geo::Polygon(p) => {
                out.extend_from_slice(&(p.p.len() as i32).to_be_bytes());
                p.p.iter().for_each(|q| pt(q, out));
            }
            Geo::Circle(c) => {
                pt(&c.center, out);
                f(c.radius, out);
            }
        }
    }

    /// Reads the binary form of geometric type `ty` (None: too short,
    /// too long or a bad count); 22P03 for a bad line or circle.
    pub fn read_binary(ty: DataType, data: &[u8]) -> Result<Option<Geo>> {
        let mut at = 0usize;
        let mut f = || -> Option<f64> {
            let b = data.get(at..at + 8)?;
            at += 8;
            Some(f64::from_be_bytes(b.try_into().ok()?))
        };
        let bad =
            |msg: &str| SqlError::new(SqlState::INVALID_BINARY_REPRESENTATION, msg.to_owned());
        let point = |f: &mut dyn FnMut() -> Option<f64>| -> Option<Point> {
            Some(Point { x: f()?, y: f()? })
        };
        let g = match ty {
            DataType::Point => point(&mut f).map(Geo::Point),
            DataType::Lseg => (|| Some(Geo::Lseg(Lseg::new(point(&mut f)?, point(&mut f)?))))(),
            DataType::GeoBox => (|| {
                let (h, l) = (point(&mut f)?, point(&mut f)?);
                Some(Geo::Box(GeoBox::new(&h, &l)))
            })(),
            DataType::Line => {
                let (Some(a), Some(b), Some(c)) = (f(), f(), f()) else {
                    return Ok(None);
                };
                if fp_zero(a) && fp_zero(b) {
                    return Err(bad(
                        "invalid line specification: A and B cannot both be zero",
                    ));
                }
                Some(Geo::Line(Line { a, b, c }))
            }
            DataType::Circle => {
                let (Some(x), Some(y), Some(r)) = (f(), f(), f()) else {
                    return Ok(None);
                };
                if r < 0.0 {
                    return Err(bad("invalid radius in external \"circle\" value"));
                }
                Some(Geo::Circle(Circle {
                    center: Point { x, y },
                    radius: r,
                }))
            }
            DataType::Path | DataType::Polygon => {
                let path = ty == DataType::Path;
                let head = if path { 5 } else { 4 };
                if data.len() < head {
                    return Ok(None);
                }
                let closed = path && data[0] != 0;
                let n = &data[head - 4..head];
                let n = i32::from_be_bytes([n[0], n[1], n[2], n[3]]);
                let what = if path { "path" } else { "polygon" };
                if n <= 0 || (n as usize) * 16 != data.len() - head {
                    return Err(bad(&format!(
                        "invalid number of points in external \"{what}\" value"
                    )));
                }
                let pts = data[head..]
                    .chunks_exact(16)
                    .map(|c| Point {
                        x: f64::from_be_bytes(c[..8].try_into().unwrap_or([0; 8])),
                        y: f64::from_be_bytes(c[8..].try_into().unwrap_or([0; 8])),
                    })
                    .collect();
                return Ok(Some(if path {
                    Geo::Path(Path { closed, p: pts })
                } else {
                    Geo::Polygon(Polygon::new(pts))
                }));
            }
            _ => None,
        };
        Ok(g.filter(|_| at == data.len()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(text: &str, ty: DataType) -> String {
        let mut s = String::new();
        match Geo::parse(text, ty) {
            Ok(g) => g.write_text(&OutputStyle::default(), &mut s),
            Err(e) => s = e.message().to_string(),
        }
        s
    }

    #[test]
    fn text_forms_as_postgresql() {
        assert_eq!(show(" ( 1 , 2 ) ", DataType::Point), "(1,2)");
        assert_eq!(show("1,2", DataType::Point), "(1,2)");
        assert_eq!(
            show("(10.0 10.0)", DataType::Point),
            "invalid input syntax for type point: \"(10.0 10.0)\""
        );
        assert_eq!(
            show("(10.0, 1e+500)", DataType::Point),
            "\"1e+500\" is out of range for type double precision"
        );
        assert_eq!(show("(1.5,2),(3,4)", DataType::GeoBox), "(3,4),(1.5,2)");
        assert_eq!(show("[1,2,3,4]", DataType::Lseg), "[(1,2),(3,4)]");
        assert_eq!(show("[(1,2),(3,4)]", DataType::Path), "[(1,2),(3,4)]");
        assert_eq!(show("(1,2),(3,4)", DataType::Path), "((1,2),(3,4))");
        assert_eq!(
            show("((1,2),(3,4),(5,6))", DataType::Polygon),
            "((1,2),(3,4),(5,6))"
        );
        assert_eq!(show("<(1,2),3>", DataType::Circle), "<(1,2),3>");
        assert_eq!(show("{1,2,3}", DataType::Line), "{1,2,3}");
        assert_eq!(show("[(0,0),(1,1)]", DataType::Line), "{1,-1,0}");
        assert!(show("[]", DataType::Path).starts_with("invalid input syntax"));
    }

    #[test]
    fn binary_round_trip() {
        for (t, ty) in [
            ("(1,2)", DataType::Point),
            ("((1,2),(3,4),(5,6))", DataType::Polygon),
            ("[(1,2),(3,4)]", DataType::Path),
            ("<(1,2),3>", DataType::Circle),
        ] {
            let g = Geo::parse(t, ty).unwrap();
            let mut b = Vec::new();
            g.write_binary(&mut b);
            assert_eq!(Geo::read_binary(ty, &b).unwrap(), Some(g));
        }
    }
}
