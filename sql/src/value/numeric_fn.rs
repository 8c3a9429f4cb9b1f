//! numeric's sqrt, exp, ln, log and power with non-integer exponents,
//! computed exactly enough to round correctly at PostgreSQL's result
//! scales (numeric.c's numeric_sqrt / numeric_exp / numeric_ln /
//! log_var / power_var scale rules), and scale / min_scale / trim_scale.
//!
//! The work is done in fixed point on big integers: a value v is held as
//! round(v × 10^p) at a working precision p with guard digits past the
//! digits the result keeps; the result is then rounded half away from
//! zero, as PostgreSQL's round_var.

use num_bigint::BigInt;
use num_traits::{One, Signed, Zero};

use super::numeric::{Numeric, MAX_DISPLAY_SCALE};
use crate::error::{errors, Result, SqlError, SqlState};

/// NUMERIC_MIN_SIG_DIGITS.
const MIN_SIG_DIGITS: i32 = 16;
/// NUMERIC_MAX_RESULT_SCALE (NUMERIC_MAX_PRECISION × 2).
const MAX_RESULT_SCALE: f64 = 2000.0;

fn pow10(n: u32) -> BigInt {
    num_traits::pow(BigInt::from(10u8), n as usize)
}

/// `a` at precision `from` brought to precision `to` (truncating).
fn rescale(a: &BigInt, from: u32, to: u32) -> BigInt {
    if to >= from {
        a * pow10(to - from)
    } else {
        a / pow10(from - to)
    }
}

fn clamp_scale(r: i32) -> i32 {
    r.clamp(0, MAX_DISPLAY_SCALE)
}

fn log_error(msg: &str) -> SqlError {
    SqlError::new(SqlState::INVALID_ARGUMENT_FOR_LOG, msg)
}

fn overflow() -> SqlError {
    errors::out_of_range("value overflows numeric format")
}

/// A finite value as (mantissa, scale).
fn parts(x: &Numeric) -> Option<(&BigInt, u32)> {
    match x {
        Numeric::Finite { mantissa, scale } => Some((mantissa, u32::from(*scale))),
        _ => None,
    }
}

/// `x` as a fixed-point integer at precision `p`.
fn fixed(x: &Numeric, p: u32) -> BigInt {
    parts(x).map_or_else(BigInt::zero, |(m, s)| rescale(m, s, p))
}

/// A fixed-point value rounded to `rscale` digits.
fn finish(v: BigInt, p: u32, rscale: i32) -> Numeric {
    Numeric::new(v, p as u16).round(rscale)
}

/// Number of decimal digits of |v| (1 for 0).
fn digits(v: &BigInt) -> u32 {
    if v.is_zero() {
        1
    } else {
        v.magnitude().to_string().len() as u32
    }
}

/// atanh(1/n) × 10^p, for n ≥ 2.
fn atanh_inv(n: u32, p: u32) -> BigInt {
    let n = BigInt::from(n);
    let n2 = &n * &n;
    let mut power = pow10(p) / &n; // 1/n^(2k+1)
    let mut sum = power.clone();
    let mut k = 1u32;
    loop {
        power /= &n2;
        if power.is_zero() {
            break;
        }
        sum += &power / BigInt::from(2 * k + 1);
        k += 1;
    }
    sum
}

/// ln(10) × 10^p: 3 ln 2 + ln 1.25 = 6 atanh(1/3) + 2 atanh(1/9).
fn ln10(p: u32) -> BigInt {
    let q = p + 5;
    rescale(&(atanh_inv(3, q) * 6 + atanh_inv(9, q) * 2), q, p)
}

/// ln(x) × 10^p for finite x > 0, accurate to a few units of 10^-p.
fn ln_fixed(x: &Numeric, p: u32) -> BigInt {
    let Some((m, s)) = parts(x) else {
        return BigInt::zero();
    };
    // x = y × 10^e with 1 ≤ y < 10.
    let d = digits(m);
    let e = i64::from(d) - 1 - i64::from(s);
    let guard = 12 + digits(&BigInt::from(e.abs()));
    let q = p + guard;
    let mut y = rescale(m, d - 1, q);
    let one = pow10(q);
    // Square roots until y is within 1% of 1: ln y = 2^k ln(y^(1/2^k)).
    let near = &one / 100;
    let mut k = 0u32;
    while (&y - &one).abs() > near {
        y = (&y * &one).sqrt();
        k += 1;
    }
    // ln y = 2 atanh(z), z = (y - 1) / (y + 1).
    let z = (&y - &one) * &one / (&y + &one);
    let z2 = &z * &z / &one;
    let mut term = z.clone();
    let mut sum = z;
    let mut n = 1u32;
    loop {
        term = &term * &z2 / &one;
        n += 2;
        let t = &term / BigInt::from(n);
        if t.is_zero() {
            break;
        }
        sum += t;
    }
    let ln_y = sum * 2 * (BigInt::one() << k);
    rescale(&(ln_y + ln10(q) * e), q, p)
}

/// exp(v / 10^p) × 10^p for a fixed-point v, accurate relative to the
/// result; `p` must carry the guard digits the caller needs.
fn exp_fixed(v: &BigInt, p: u32) -> BigInt {
    if v.is_negative() {
        let e = exp_fixed(&-v, p);
        return pow10(2 * p) / e;
    }
    // Halve the argument until it is below 10^-3, then square back.
    let one = pow10(p);
    let limit = &one / 1000;
    let mut r = v.clone();
    let mut k = 0u32;
    while r > limit {
        r >>= 1;
        k += 1;
    }
    let q = p + 2 + k / 3;
    let one_q = pow10(q);
    let r = rescale(&r, p, q);
    let mut term = one_q.clone();
    let mut sum = one_q.clone();
    let mut i = 1u32;
    loop {
        term = &term * &r / &one_q / BigInt::from(i);
        if term.is_zero() {
            break;
        }
        sum += &term;
        i += 1;
    }
    for _ in 0..k {
        sum = &sum * &sum / &one_q;
    }
    rescale(&sum, q, p)
}

/// PostgreSQL's estimate_ln_dweight: the decimal weight of ln(x).
fn estimate_ln_dweight(x: &Numeric) -> i32 {
    if x.signum() <= 0 {
        return 0;
    }
    let point_nine = Numeric::new(BigInt::from(9), 1);
    let one_point_one = Numeric::new(BigInt::from(11), 1);
    let one = Numeric::from_i64(1);
    if *x >= point_nine && *x <= one_point_one {
        let Ok(d) = x.sub(&one) else {
            return 0;
        };
        let (weight, _, _, groups) = d.to_binary_parts();
        return match groups.first() {
            Some(&g) => i32::from(weight) * 4 + f64::from(g).log10() as i32,
            None => 0,
        };
    }
    let (weight, _, _, groups) = x.to_binary_parts();
    let Some(&first) = groups.first() else {
        return 0;
    };
    let mut digits = f64::from(first);
    let mut dweight = i32::from(weight) * 4;
    if let Some(&second) = groups.get(1) {
        digits = digits * 10000.0 + f64::from(second);
        dweight -= 4;
    }
    let ln = digits.ln() + f64::from(dweight) * std::f64::consts::LN_10;
    ln.abs().log10() as i32
}

/// The base-10000 weight of a finite value (0 for zero).
fn weight(x: &Numeric) -> i32 {
    i32::from(x.to_binary_parts().0)
}

impl Numeric {
    /// numeric sqrt: correctly rounded at PostgreSQL's result scale.
    pub fn sqrt(&self) -> Result<Numeric> {
        let negative = || {
            SqlError::new(
                SqlState::INVALID_ARGUMENT_FOR_POWER_FUNCTION,
                "cannot take square root of a negative number",
            )
        };
        let (m, s) = match self {
            Numeric::NaN => return Ok(Numeric::NaN),
            Numeric::PosInf => return Ok(Numeric::PosInf),
            Numeric::NegInf => return Err(negative()),
            Numeric::Finite { mantissa, scale } => (mantissa, u32::from(*scale)),
        };
        if m.is_negative() {
            return Err(negative());
        }
        let sweight = (weight(self) + 1) * 4 / 2 - 1;
        let rscale = clamp_scale((MIN_SIG_DIGITS - sweight).max(s as i32));
        // floor(sqrt(x) × 10^(rscale+1)), then rounded on its last digit.
        // (floor(sqrt(floor(a))) is floor(sqrt(a)).)
        let r = rscale as u32 + 1;
        let root = if 2 * r >= s {
            (m * pow10(2 * r - s)).sqrt()
        } else {
            (m / pow10(s - 2 * r)).sqrt()
        };
        Ok(Numeric::new((root + 5) / 10, rscale as u16))
    }

    /// numeric exp.
    pub fn exp(&self) -> Result<Numeric> {
        match self {
            Numeric::NaN => return Ok(Numeric::NaN),
            Numeric::PosInf => return Ok(Numeric::PosInf),
            Numeric::NegInf => return Ok(Numeric::zero()),
            Numeric::Finite { .. } => {}
        }
        let val = self.to_f64();
        let dweight = (val * std::f64::consts::LOG10_E).clamp(-MAX_RESULT_SCALE, MAX_RESULT_SCALE);
        let rscale = clamp_scale((MIN_SIG_DIGITS - dweight as i32).max(i32::from(self.scale())));
        if val.abs() >= MAX_RESULT_SCALE * 3.0 {
            if val > 0.0 {
                return Err(overflow());
            }
            return Ok(Numeric::zero().round(rscale));
        }
        let int_digits = dweight.max(0.0) as u32 + 1;
        let p = rscale as u32 + int_digits + 12 + digits(&BigInt::from(val.abs() as i64 + 1)) * 4;
        Ok(finish(exp_fixed(&fixed(self, p), p), p, rscale))
    }

    /// numeric ln.
    pub fn ln(&self) -> Result<Numeric> {
        match self {
            Numeric::NaN => return Ok(Numeric::NaN),
            Numeric::PosInf => return Ok(Numeric::PosInf),
            _ => {}
        }
        match self.signum() {
            0 => return Err(log_error("cannot take logarithm of zero")),
            s if s < 0 => return Err(log_error("cannot take logarithm of a negative number")),
            _ => {}
        }
        let rscale =
            clamp_scale((MIN_SIG_DIGITS - estimate_ln_dweight(self)).max(i32::from(self.scale())));
        let p = rscale as u32 + 10;
        Ok(finish(ln_fixed(self, p), p, rscale))
    }

    /// numeric log(base, x) (`self` is the base); log(x) and log10(x)
    /// are log(10, x).
    pub fn log(&self, x: &Numeric) -> Result<Numeric> {
        use Numeric::*;
        if self.is_nan() || x.is_nan() {
            return Ok(NaN);
        }
        if self.signum() < 0 || x.signum() < 0 {
            return Err(log_error("cannot take logarithm of a negative number"));
        }
        if self.signum() == 0 || x.signum() == 0 {
            return Err(log_error("cannot take logarithm of zero"));
        }
        match (self, x) {
            (PosInf, PosInf) => return Ok(NaN),
            (PosInf, _) => return Ok(Numeric::zero()),
            (_, PosInf) => return Ok(PosInf),
            _ => {}
        }
        let ln_base_dweight = estimate_ln_dweight(self);
        let ln_num_dweight = estimate_ln_dweight(x);
        let rscale = clamp_scale(
            (MIN_SIG_DIGITS - (ln_num_dweight - ln_base_dweight))
                .max(i32::from(self.scale()))
                .max(i32::from(x.scale())),
        );
        let p = (rscale + 20 + ln_num_dweight.abs() + 2 * ln_base_dweight.abs()) as u32;
        let ln_base = ln_fixed(self, p);
        if ln_base.is_zero() {
            return Err(errors::division_by_zero());
        }
        let ln_num = ln_fixed(x, p);
        Ok(finish(ln_num * pow10(p) / ln_base, p, rscale))
    }

    /// x ^ y for a finite y that is not a small integer (power_var's
    /// exp(y × ln x) branch); `self` is finite and not zero.
    pub(super) fn pow_real(&self, exp: &Numeric) -> Result<Numeric> {
        let negative = self.signum() < 0;
        let base = self.abs();
        let ln_dweight = estimate_ln_dweight(&base);
        // A first, rough ln(x) × y for the result's weight.
        let rough_p = (8 - ln_dweight).max(0) as u32 + 8;
        let rough = Numeric::new(ln_fixed(&base, rough_p), rough_p as u16).mul(exp)?;
        let val = rough.to_f64();
        if val.abs() > MAX_RESULT_SCALE * 3.01 {
            if val > 0.0 {
                return Err(overflow());
            }
            return Ok(Numeric::zero().round(MAX_DISPLAY_SCALE));
        }
        let dweight = val * std::f64::consts::LOG10_E;
        let rscale = clamp_scale(
            (MIN_SIG_DIGITS - dweight as i32)
                .max(i32::from(base.scale()))
                .max(i32::from(exp.scale())),
        );
        let int_digits = dweight.max(0.0) as u32 + 1;
        let exp_digits = parts(exp).map_or(1, |(m, s)| digits(m).saturating_sub(s) + 1);
        let p = rscale as u32 + int_digits + exp_digits + 16;
        let ln_p = p + exp_digits + 4;
        let ln_x = ln_fixed(&base, ln_p);
        let (m, s) = parts(exp).ok_or_else(overflow)?;
        // y × ln x at precision ln_p + s, brought to p.
        let product = rescale(&(ln_x * m), ln_p + s, p);
        let mut r = finish(exp_fixed(&product, p), p, rscale);
        if negative {
            r = r.neg();
        }
        Ok(r)
    }

    /// div(x, y): x / y truncated towards zero (numeric_div_trunc).
    pub fn div_trunc(&self, other: &Numeric) -> Result<Numeric> {
        use Numeric::*;
        if self.is_nan() || other.is_nan() {
            return Ok(NaN);
        }
        if other.signum() == 0 {
            return Err(errors::division_by_zero());
        }
        match (self, other) {
            (PosInf | NegInf, PosInf | NegInf) => Ok(NaN),
            (PosInf | NegInf, _) => Ok(if self.signum() * other.signum() > 0 {
                PosInf
            } else {
                NegInf
            }),
            (_, PosInf | NegInf) => Ok(Numeric::zero()),
            _ => {
                let ((mx, sx), (my, sy)) = match (parts(self), parts(other)) {
                    (Some(x), Some(y)) => (x, y),
                    _ => return Ok(NaN),
                };
                // x / y = (mx × 10^sy) / (my × 10^sx), truncated.
                Ok(Numeric::new((mx * pow10(sy)) / (my * pow10(sx)), 0))
            }
        }
    }

    /// scale(): the display scale, NULL (None) for NaN and infinities.
    pub fn display_scale(&self) -> Option<i32> {
        parts(self).map(|(_, s)| s as i32)
    }

    /// min_scale(): the fewest fraction digits that represent the value.
    pub fn min_scale(&self) -> Option<i32> {
        let (m, s) = parts(self)?;
        if m.is_zero() {
            return Some(0);
        }
        let mut m = m.abs();
        let mut s = s as i32;
        let ten = BigInt::from(10);
        while s > 0 && (&m % &ten).is_zero() {
            m /= &ten;
            s -= 1;
        }
        Some(s)
    }

    /// trim_scale(): the value without trailing fraction zeros.
    pub fn trim_scale(&self) -> Numeric {
        match self.min_scale() {
            Some(s) => self.round(s),
            None => self.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Numeric {
        Numeric::parse(s).unwrap()
    }

    #[test]
    fn sqrt_as_postgres() {
        assert_eq!(n("4.2").sqrt().unwrap().to_string(), "2.049390153191920");
        assert_eq!(
            n("1.000000000000003").sqrt().unwrap().to_string(),
            "1.000000000000001"
        );
        assert_eq!(
            n("96627521408608.56340355805").sqrt().unwrap().to_string(),
            "9829929.87811248648"
        );
        assert_eq!(n("0").sqrt().unwrap().to_string(), "0.000000000000000");
    }

    #[test]
    fn ln_exp_log_as_postgres() {
        assert_eq!(n("4.2").ln().unwrap().to_string(), "1.4350845252893226");
        assert_eq!(
            n("1.2345678e-28").ln().unwrap().to_string(),
            "-64.26166165451762991204894255882820859"
        );
        assert_eq!(
            n("32.999").exp().unwrap().to_string(),
            "214429043492155.053"
        );
        assert_eq!(n("1.0").exp().unwrap().to_string(), "2.7182818284590452");
        assert_eq!(
            n("10").log(&n("4.2")).unwrap().to_string(),
            "0.6232492903979005"
        );
        assert_eq!(
            n("2").log(&n("4.2")).unwrap().to_string(),
            "2.0703893278913979"
        );
        assert_eq!(
            n("4.2").pow(&n("4.2")).unwrap().to_string(),
            "414.61691860129675"
        );
    }
}
