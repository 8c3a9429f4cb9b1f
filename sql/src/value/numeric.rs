//! PostgreSQL's `numeric`: exact decimals with a display scale.
//!
//! A finite value is `mantissa × 10^-scale`, where `scale` is PostgreSQL's
//! dscale: the number of fraction digits shown. Every operation sets the
//! result scale by PostgreSQL's rules (numeric.c), so `10.0 / 4` shows
//! `2.5000000000000000` and `avg` of integers shows 20 fraction digits:
//!
//! | operation | result scale |
//! |---|---|
//! | a ± b | max(scale a, scale b) |
//! | a × b | scale a + scale b |
//! | a ÷ b | select_div_scale: at least 16 significant digits |
//! | a % b | max(scale a, scale b) |
//!
//! Rounding is half away from zero, as in PostgreSQL's round_var.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

use num_bigint::{BigInt, Sign};
use num_integer::Integer;
use num_traits::{One, Signed, ToPrimitive, Zero};

use crate::error::{errors, Result, SqlError, SqlState};

/// NUMERIC_MAX_DISPLAY_SCALE.
pub const MAX_DISPLAY_SCALE: i32 = 1000;
/// NUMERIC_MIN_SIG_DIGITS.
const MIN_SIG_DIGITS: i32 = 16;
/// NUMERIC_DSCALE_MAX: the most fraction digits a value can carry.
pub const MAX_SCALE: i32 = 0x3fff;
/// NUMERIC_MAX_PRECISION: limit on exponents in input and on typmods.
pub const MAX_PRECISION: i32 = 1000;
/// The most digits before the decimal point (NUMERIC_WEIGHT_MAX + 1) × 4.
const MAX_INT_DIGITS: usize = 131072;

/// A `numeric` value.
#[derive(Clone)]
pub enum Numeric {
    /// Not a number; sorts above everything.
    NaN,
    /// +Infinity.
    PosInf,
    /// -Infinity.
    NegInf,
    /// `mantissa × 10^-scale`.
    Finite {
        /// The digits as an integer.
        mantissa: BigInt,
        /// The display scale (fraction digits).
        scale: u16,
    },
}

fn pow10(n: u32) -> BigInt {
    num_traits::pow(BigInt::from(10u8), n as usize)
}

impl Numeric {
    /// A finite value.
    pub fn new(mantissa: BigInt, scale: u16) -> Numeric {
        Numeric::Finite { mantissa, scale }
    }

    /// Zero with scale 0.
    pub fn zero() -> Numeric {
        Numeric::new(BigInt::zero(), 0)
    }

    /// The display scale (0 for NaN and infinities).
    pub fn scale(&self) -> u16 {
        match self {
            Numeric::Finite { scale, .. } => *scale,
            _ => 0,
        }
    }

    /// True for NaN.
    pub fn is_nan(&self) -> bool {
        matches!(self, Numeric::NaN)
    }

    /// Parses numeric_in's input: `[+-]digits[.digits][e[+-]digits]`,
    /// `NaN`, `[+-]Infinity`/`inf`, surrounding blanks allowed.
    pub fn parse(text: &str) -> Result<Numeric> {
        let bad = || errors::invalid_input("numeric", text);
        let s = text.trim_matches(|c: char| c.is_ascii_whitespace());
        let lower = s.to_ascii_lowercase();
        match lower.as_str() {
            "nan" => return Ok(Numeric::NaN),
            "infinity" | "+infinity" | "inf" | "+inf" => return Ok(Numeric::PosInf),
            "-infinity" | "-inf" => return Ok(Numeric::NegInf),
            _ => {}
        }
        let (negative, body) = match s.as_bytes().first() {
            Some(b'-') => (true, &s[1..]),
            Some(b'+') => (false, &s[1..]),
            _ => (false, s),
        };
        let (num, exp) = match body.find(['e', 'E']) {
            Some(i) => (&body[..i], Some(&body[i + 1..])),
            None => (body, None),
        };
        let (int_part, frac_part) = match num.find('.') {
            Some(i) => (&num[..i], &num[i + 1..]),
            None => (num, ""),
        };
        let all_digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
        if (int_part.is_empty() && frac_part.is_empty())
            || !all_digits(int_part)
            || !all_digits(frac_part)
        {
            return Err(bad());
        }
        let exponent: i64 = match exp {
            None => 0,
            Some(e) => {
                let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
                if digits.is_empty() || !all_digits(digits) || digits.len() > 9 {
                    return Err(bad());
                }
                e.parse().map_err(|_| bad())?
            }
        };
        if exponent.abs() > i64::from(MAX_PRECISION) {
            return Err(bad());
        }
        let digits = format!("{int_part}{frac_part}");
        let mut mantissa: BigInt = digits.parse().map_err(|_| bad())?;
        if negative {
            mantissa = -mantissa;
        }
        let frac = frac_part.len() as i64;
        let scale = frac - exponent;
        let n = if scale >= 0 {
            if scale > i64::from(MAX_SCALE) {
                return Err(errors::out_of_range("value overflows numeric format"));
            }
            Numeric::new(mantissa, scale as u16)
        } else {
            Numeric::new(mantissa * pow10((-scale) as u32), 0)
        };
        n.check_size()
    }

    /// numeric_send's fields: (weight, sign, dscale, base-10000 digits),
    /// most significant first, without leading or trailing zero digits.
    pub fn to_binary_parts(&self) -> (i16, u16, u16, Vec<i16>) {
        let (mantissa, scale) = match self {
            Numeric::NaN => return (0, 0xC000, 0, Vec::new()),
            Numeric::PosInf => return (0, 0xD000, 0, Vec::new()),
            Numeric::NegInf => return (0, 0xF000, 0, Vec::new()),
            Numeric::Finite { mantissa, scale } => (mantissa, *scale),
        };
        let sign = if mantissa.is_negative() { 0x4000 } else { 0 };
        if mantissa.is_zero() {
            return (0, 0, scale, Vec::new());
        }
        // Pad the fraction to whole groups of four digits, and the
        // integer part on the left likewise.
        let mut digits = mantissa.magnitude().to_string().into_bytes();
        let frac = usize::from(scale);
        let pad = (4 - frac % 4) % 4;
        digits.extend(std::iter::repeat_n(b'0', pad));
        let frac = frac + pad;
        if digits.len() < frac {
            let mut z = vec![b'0'; frac - digits.len()];
            z.extend(digits);
            digits = z;
        }
        let int_len = digits.len() - frac;
        let lead = (4 - int_len % 4) % 4;
        let mut all = vec![b'0'; lead];
        all.extend(digits);
        let int_groups = (int_len + lead) / 4;
        let mut groups: Vec<i16> = all
            .chunks(4)
            .map(|c| c.iter().fold(0i16, |acc, d| acc * 10 + i16::from(d - b'0')))
            .collect();
        let mut weight = int_groups as i64 - 1;
        let leading = groups.iter().take_while(|g| **g == 0).count();
        groups.drain(..leading);
        weight -= leading as i64;
        while groups.last() == Some(&0) {
            groups.pop();
        }
        (weight as i16, sign, scale, groups)
    }

    /// numeric_recv: a value from its binary fields; digits hidden by
    /// `dscale` are truncated away, as PostgreSQL does. 22P03 for fields
    /// out of range.
    pub fn from_binary_parts(
        weight: i16,
        sign: u16,
        dscale: u16,
        digits: &[i16],
    ) -> Result<Numeric> {
        let bad = |what: &str| {
            SqlError::new(
                SqlState::INVALID_BINARY_REPRESENTATION,
                format!("invalid {what} in external \"numeric\" value"),
            )
        };
        match sign {
            0xC000 => return Ok(Numeric::NaN),
            0xD000 => return Ok(Numeric::PosInf),
            0xF000 => return Ok(Numeric::NegInf),
            0 | 0x4000 => {}
            _ => return Err(bad("sign")),
        }
        if i32::from(dscale) > MAX_SCALE {
            return Err(bad("scale"));
        }
        let mut m = BigInt::zero();
        for d in digits {
            if !(0..10000).contains(d) {
                return Err(bad("digit"));
            }
            m = m * 10000u32 + BigInt::from(*d);
        }
        // value = m × 10000^(weight - n + 1) = m × 10^exp10
        let exp10 = 4 * (i64::from(weight) - digits.len() as i64 + 1);
        let shift = exp10 + i64::from(dscale);
        let mantissa = if shift >= 0 {
            m * pow10(shift as u32)
        } else {
            m / pow10((-shift) as u32)
        };
        let mantissa = if sign == 0x4000 { -mantissa } else { mantissa };
        Numeric::new(mantissa, dscale).check_size()
    }

    /// Fails with 22003 when the value has more integer digits than numeric
    /// can hold.
    fn check_size(self) -> Result<Numeric> {
        if let Numeric::Finite { mantissa, scale } = &self {
            let digits = mantissa.magnitude().to_string().len();
            if digits > MAX_INT_DIGITS + usize::from(*scale) {
                return Err(errors::out_of_range("value overflows numeric format"));
            }
        }
        Ok(self)
    }

    /// From an integer, scale 0.
    pub fn from_i64(v: i64) -> Numeric {
        Numeric::new(BigInt::from(v), 0)
    }

    /// float8 → numeric as PostgreSQL does it: through `%.15g` text.
    pub fn from_f64(v: f64) -> Result<Numeric> {
        if v.is_nan() {
            return Ok(Numeric::NaN);
        }
        if v.is_infinite() {
            return Ok(if v > 0.0 {
                Numeric::PosInf
            } else {
                Numeric::NegInf
            });
        }
        Numeric::from_sig_digits(v, 15)
    }

    /// float4 → numeric: through `%.6g` text.
    pub fn from_f32(v: f32) -> Result<Numeric> {
        if v.is_finite() {
            Numeric::from_sig_digits(f64::from(v), 6)
        } else {
            Numeric::from_f64(f64::from(v))
        }
    }

    fn from_sig_digits(v: f64, digits: usize) -> Result<Numeric> {
        // "{:.Ne}" gives d.ddddde±x; trailing zeros dropped as %g does.
        let s = format!("{:.*e}", digits - 1, v);
        let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
        let mant = if mant.contains('.') {
            mant.trim_end_matches('0').trim_end_matches('.')
        } else {
            mant
        };
        Numeric::parse(&format!("{mant}e{exp}"))
    }

    /// numeric → int8, rounding half away from zero.
    pub fn to_i64(&self) -> Result<i64> {
        self.to_integer("bigint", i64::MIN.into(), i64::MAX.into())
            .map(|v| v.to_i64().unwrap_or_default())
    }

    /// numeric → int4.
    pub fn to_i32(&self) -> Result<i32> {
        self.to_integer("integer", i32::MIN.into(), i32::MAX.into())
            .map(|v| v.to_i32().unwrap_or_default())
    }

    /// numeric → int2.
    pub fn to_i16(&self) -> Result<i16> {
        self.to_integer("smallint", i16::MIN.into(), i16::MAX.into())
            .map(|v| v.to_i16().unwrap_or_default())
    }

    fn to_integer(&self, name: &str, min: BigInt, max: BigInt) -> Result<BigInt> {
        match self {
            Numeric::NaN => Err(SqlError::new(
                SqlState::FEATURE_NOT_SUPPORTED,
                format!("cannot convert NaN to {name}"),
            )),
            Numeric::PosInf | Numeric::NegInf => Err(SqlError::new(
                SqlState::FEATURE_NOT_SUPPORTED,
                format!("cannot convert infinity to {name}"),
            )),
            Numeric::Finite { .. } => {
                let Numeric::Finite { mantissa, .. } = self.round(0) else {
                    return Err(SqlError::internal("round of a finite numeric"));
                };
                if mantissa < min || mantissa > max {
                    Err(errors::out_of_range(format!("{name} out of range")))
                } else {
                    Ok(mantissa)
                }
            }
        }
    }

    /// numeric → float8 (through text, as PostgreSQL does).
    pub fn to_f64(&self) -> f64 {
        match self {
            Numeric::NaN => f64::NAN,
            Numeric::PosInf => f64::INFINITY,
            Numeric::NegInf => f64::NEG_INFINITY,
            Numeric::Finite { .. } => self.to_string().parse().unwrap_or(f64::NAN),
        }
    }

    /// -1, 0 or 1 (NaN gives 0).
    pub fn signum(&self) -> i32 {
        match self {
            Numeric::NaN => 0,
            Numeric::PosInf => 1,
            Numeric::NegInf => -1,
            Numeric::Finite { mantissa, .. } => match mantissa.sign() {
                Sign::Minus => -1,
                Sign::NoSign => 0,
                Sign::Plus => 1,
            },
        }
    }

    /// Unary minus.
    pub fn neg(&self) -> Numeric {
        match self {
            Numeric::NaN => Numeric::NaN,
            Numeric::PosInf => Numeric::NegInf,
            Numeric::NegInf => Numeric::PosInf,
            Numeric::Finite { mantissa, scale } => Numeric::new(-mantissa, *scale),
        }
    }

    /// Absolute value.
    pub fn abs(&self) -> Numeric {
        if self.signum() < 0 {
            self.neg()
        } else {
            self.clone()
        }
    }

    /// Both mantissas at the larger scale.
    fn aligned(a: (&BigInt, u16), b: (&BigInt, u16)) -> (BigInt, BigInt, u16) {
        let scale = a.1.max(b.1);
        let up = |m: &BigInt, s: u16| {
            if s == scale {
                m.clone()
            } else {
                m * pow10(u32::from(scale - s))
            }
        };
        (up(a.0, a.1), up(b.0, b.1), scale)
    }

    /// a + b.
    pub fn add(&self, other: &Numeric) -> Result<Numeric> {
        use Numeric::*;
        match (self, other) {
            (NaN, _) | (_, NaN) => Ok(NaN),
            (PosInf, NegInf) | (NegInf, PosInf) => Ok(NaN),
            (PosInf, _) | (_, PosInf) => Ok(PosInf),
            (NegInf, _) | (_, NegInf) => Ok(NegInf),
            (
                Finite {
                    mantissa: a,
                    scale: sa,
                },
                Finite {
                    mantissa: b,
                    scale: sb,
                },
            ) => {
                let (a, b, scale) = Self::aligned((a, *sa), (b, *sb));
                Numeric::new(a + b, scale).check_size()
            }
        }
    }

    /// a - b.
    pub fn sub(&self, other: &Numeric) -> Result<Numeric> {
        self.add(&other.neg())
    }

    /// a × b.
    pub fn mul(&self, other: &Numeric) -> Result<Numeric> {
        use Numeric::*;
        match (self, other) {
            (NaN, _) | (_, NaN) => Ok(NaN),
            (PosInf | NegInf, _) | (_, PosInf | NegInf) => {
                Ok(match self.signum() * other.signum() {
                    0 => NaN,
                    s if s > 0 => PosInf,
                    _ => NegInf,
                })
            }
            (
                Finite {
                    mantissa: a,
                    scale: sa,
                },
                Finite {
                    mantissa: b,
                    scale: sb,
                },
            ) => {
                let scale = u32::from(*sa) + u32::from(*sb);
                let product = Numeric::new(a * b, scale.min(MAX_SCALE as u32) as u16);
                if scale > MAX_SCALE as u32 {
                    // PostgreSQL rounds the product to NUMERIC_DSCALE_MAX.
                    let exact = Numeric::new(a * b, 0);
                    return Ok(exact.shift_round(scale as i64, MAX_SCALE as u16));
                }
                product.check_size()
            }
        }
    }

    /// `mantissa × 10^-from_scale` rounded to `to_scale` fraction digits.
    fn shift_round(&self, from_scale: i64, to_scale: u16) -> Numeric {
        let Numeric::Finite { mantissa, .. } = self else {
            return self.clone();
        };
        let drop = from_scale - i64::from(to_scale);
        if drop <= 0 {
            return Numeric::new(mantissa * pow10((-drop) as u32), to_scale);
        }
        Numeric::new(div_round(mantissa, &pow10(drop as u32)), to_scale)
    }

    /// PostgreSQL's select_div_scale: enough fraction digits for at least
    /// 16 significant digits, and no fewer than either input shows.
    fn div_scale(a: &Numeric, b: &Numeric) -> u16 {
        let (w1, d1) = a.weight_and_first_digit();
        let (w2, d2) = b.weight_and_first_digit();
        let mut qweight = w1 - w2;
        if d1 <= d2 {
            qweight -= 1;
        }
        let rscale = (MIN_SIG_DIGITS - qweight * 4)
            .max(i32::from(a.scale()))
            .max(i32::from(b.scale()))
            .clamp(0, MAX_DISPLAY_SCALE);
        rscale as u16
    }

    /// The weight (power of 10000) of the first base-10000 digit and that
    /// digit, as PostgreSQL's NumericVar stores them; (0, 0) for zero.
    fn weight_and_first_digit(&self) -> (i32, u32) {
        let Numeric::Finite { mantissa, scale } = self else {
            return (0, 0);
        };
        if mantissa.is_zero() {
            return (0, 0);
        }
        let digits = mantissa.magnitude().to_string();
        let exp10 = digits.len() as i32 - 1 - i32::from(*scale);
        let weight = exp10.div_euclid(4);
        let first_len = (exp10 - weight * 4 + 1) as usize;
        let first: String = digits
            .chars()
            .chain(std::iter::repeat('0'))
            .take(first_len)
            .collect();
        (weight, first.parse().unwrap_or(0))
    }

    /// a ÷ b at PostgreSQL's result scale; 22012 on a zero divisor.
    pub fn div(&self, other: &Numeric) -> Result<Numeric> {
        let scale = Self::div_scale(self, other);
        self.div_at(other, scale)
    }

    /// a ÷ b rounded to `rscale` fraction digits.
    pub fn div_at(&self, other: &Numeric, rscale: u16) -> Result<Numeric> {
        use Numeric::*;
        match (self, other) {
            (NaN, _) | (_, NaN) => Ok(NaN),
            (_, Finite { mantissa, .. }) if mantissa.is_zero() => Err(errors::division_by_zero()),
            (PosInf | NegInf, PosInf | NegInf) => Ok(NaN),
            (PosInf | NegInf, _) => Ok(if self.signum() * other.signum() > 0 {
                PosInf
            } else {
                NegInf
            }),
            (Finite { .. }, PosInf | NegInf) => Ok(Numeric::zero()),
            (
                Finite {
                    mantissa: a,
                    scale: sa,
                },
                Finite {
                    mantissa: b,
                    scale: sb,
                },
            ) => {
                // a/b × 10^rscale = ma × 10^(rscale + sb - sa) / mb
                let k = i64::from(rscale) + i64::from(*sb) - i64::from(*sa);
                let (num, den) = if k >= 0 {
                    (a * pow10(k as u32), b.clone())
                } else {
                    (a.clone(), b * pow10((-k) as u32))
                };
                Numeric::new(div_round(&num, &den), rscale).check_size()
            }
        }
    }

    /// a % b: sign of a, scale max of both; 22012 on a zero divisor.
    pub fn rem(&self, other: &Numeric) -> Result<Numeric> {
        use Numeric::*;
        match (self, other) {
            (NaN, _) | (_, NaN) => Ok(NaN),
            (_, Finite { mantissa, .. }) if mantissa.is_zero() => Err(errors::division_by_zero()),
            (PosInf | NegInf, _) => Ok(NaN),
            (Finite { .. }, PosInf | NegInf) => Ok(self.clone()),
            (
                Finite {
                    mantissa: a,
                    scale: sa,
                },
                Finite {
                    mantissa: b,
                    scale: sb,
                },
            ) => {
                let (a, b, scale) = Self::aligned((a, *sa), (b, *sb));
                // Truncating remainder: sign follows the dividend.
                let r = &a - (&a / &b) * &b;
                Ok(Numeric::new(r, scale))
            }
        }
    }

    /// x ^ y, as PostgreSQL's numeric power: an integer exponent gives the
    /// correctly rounded result at max(16, x's scale) fraction digits
    /// (power_var_int's scale); other exponents are computed in double
    /// precision and given PostgreSQL's result scale (the last of their
    /// 16 significant digits may differ from PostgreSQL's exact ln/exp).
    pub fn pow(&self, exp: &Numeric) -> Result<Numeric> {
        use Numeric::*;
        let power_error =
            |msg: &str| SqlError::new(SqlState::INVALID_ARGUMENT_FOR_POWER_FUNCTION, msg);
        let one = Numeric::from_i64(1);
        let integer_exp = match exp {
            Finite { mantissa, scale } => {
                let unit = pow10(u32::from(*scale));
                mantissa.is_multiple_of(&unit).then(|| mantissa / unit)
            }
            _ => None,
        };
        if !self.is_finite() || !exp.is_finite() {
            return self.pow_special(exp, integer_exp.as_ref());
        }
        if self.signum() == 0 && exp.signum() < 0 {
            return Err(power_error("zero raised to a negative power is undefined"));
        }
        let small = integer_exp.as_ref().and_then(|n| n.to_i32());
        if small.is_none() {
            if self.signum() == 0 {
                return Ok(Numeric::zero().round(MIN_SIG_DIGITS));
            }
            if self.signum() < 0 && integer_exp.is_none() {
                return Err(power_error(
                    "a negative number raised to a non-integer power yields a complex result",
                ));
            }
            let r = self.abs().pow_real(exp)?;
            let odd = integer_exp.as_ref().is_some_and(|n| n.is_odd());
            return Ok(if self.signum() < 0 && odd { r.neg() } else { r });
        }
        let (
            Finite {
                scale: base_scale, ..
            },
            Some(n),
        ) = (self, small)
        else {
            return Err(SqlError::internal("numeric power"));
        };
        let rscale = (*base_scale).clamp(16, MAX_DISPLAY_SCALE as u16);
        if n == 0 {
            return Ok(one.round(i32::from(rscale)));
        }
        if self.signum() == 0 {
            return Ok(Numeric::zero().round(i32::from(rscale)));
        }
        // Decimal weight of the result, to refuse overflow before working.
        let weight = f64::from(n) * self.abs().to_f64().log10();
        if weight > (MAX_INT_DIGITS + 1) as f64 {
            return Err(errors::out_of_range("value overflows numeric format"));
        }
        if weight + 1.0 < -f64::from(MAX_DISPLAY_SCALE) {
            return Ok(Numeric::zero().round(MAX_DISPLAY_SCALE));
        }
        // Significant digits to carry: the result's own, its scale, and
        // guard digits for the rounding of each squaring.
        let n_abs = n.unsigned_abs();
        let sig =
            i64::from(rscale) + weight.abs().ceil() as i64 + 2 * i64::from(n_abs.ilog10() + 1) + 20;
        let mut result = one.clone();
        let mut square = self.clone();
        let mut k = n_abs;
        while k > 0 {
            if k & 1 == 1 {
                result = result.mul(&square)?.round_significant(sig);
            }
            k >>= 1;
            if k > 0 {
                square = square.mul(&square)?.round_significant(sig);
            }
        }
        if n < 0 {
            return one.div_at(&result, rscale);
        }
        Ok(result.round(i32::from(rscale))).and_then(Numeric::check_size)
    }

    /// numeric_power's special cases: NaN, infinities.
    fn pow_special(&self, exp: &Numeric, integer_exp: Option<&BigInt>) -> Result<Numeric> {
        use Numeric::*;
        let power_error =
            |msg: &str| SqlError::new(SqlState::INVALID_ARGUMENT_FOR_POWER_FUNCTION, msg);
        let one = Numeric::from_i64(1);
        if self.is_nan() {
            return Ok(if exp.is_finite() && exp.signum() == 0 {
                one
            } else {
                NaN
            });
        }
        if exp.is_nan() {
            return Ok(if *self == one { one } else { NaN });
        }
        let (sign1, sign2) = (self.signum(), exp.signum());
        if sign1 == 0 && sign2 < 0 {
            return Err(power_error("zero raised to a negative power is undefined"));
        }
        if sign1 < 0 && exp.is_finite() && integer_exp.is_none() {
            return Err(power_error(
                "a negative number raised to a non-integer power yields a complex result",
            ));
        }
        if *self == one || sign2 == 0 {
            return Ok(one);
        }
        if sign1 == 0 && sign2 > 0 {
            return Ok(Numeric::zero());
        }
        if !exp.is_finite() {
            let abs_x_gt_one = match self {
                PosInf | NegInf => true,
                _ => {
                    if *self == one.neg() {
                        return Ok(one);
                    }
                    *self > one || *self < one.neg()
                }
            };
            return Ok(if abs_x_gt_one == (sign2 > 0) {
                PosInf
            } else {
                Numeric::zero()
            });
        }
        if matches!(self, PosInf) {
            return Ok(if sign2 > 0 { PosInf } else { Numeric::zero() });
        }
        // -Infinity to a finite power.
        if sign2 < 0 {
            return Ok(Numeric::zero());
        }
        Ok(if integer_exp.is_some_and(|n| n.is_odd()) {
            NegInf
        } else {
            PosInf
        })
    }

    /// Whether the value is a finite number.
    pub fn is_finite(&self) -> bool {
        matches!(self, Numeric::Finite { .. })
    }

    /// Rounded to keep at most `sig` significant digits, dropping only
    /// fraction digits.
    fn round_significant(self, sig: i64) -> Numeric {
        let Numeric::Finite { mantissa, scale } = &self else {
            return self;
        };
        let digits = mantissa.magnitude().bits() as f64 * std::f64::consts::LOG10_2;
        let excess = digits.floor() as i64 + 1 - sig;
        if excess <= 0 {
            return self;
        }
        let keep = i64::from(*scale) - excess.min(i64::from(*scale));
        self.round(keep as i32)
    }

    /// round(x, s): half away from zero; negative `s` rounds left of the
    /// point. Result scale max(s, 0).
    pub fn round(&self, s: i32) -> Numeric {
        self.round_with(s, div_round)
    }

    /// trunc(x, s): toward zero.
    pub fn trunc(&self, s: i32) -> Numeric {
        self.round_with(s, |a, b| a / b)
    }

    fn round_with(&self, s: i32, divide: fn(&BigInt, &BigInt) -> BigInt) -> Numeric {
        let Numeric::Finite { mantissa, scale } = self else {
            return self.clone();
        };
        let s = s.clamp(-MAX_SCALE, MAX_SCALE);
        let target = s.max(0) as u16;
        let drop = i32::from(*scale) - s;
        if drop <= 0 {
            return Numeric::new(mantissa * pow10((target - *scale) as u32), target);
        }
        let unit = pow10(drop as u32);
        let q = divide(mantissa, &unit);
        if s >= 0 {
            Numeric::new(q, target)
        } else {
            Numeric::new(q * pow10((-s) as u32), 0)
        }
    }

    /// Applies a numeric(precision, scale) typmod; 22003 "numeric field
    /// overflow" when the value does not fit.
    pub fn apply_typmod(&self, precision: i32, scale: i32) -> Result<Numeric> {
        let Numeric::Finite { .. } = self else {
            if self.is_nan() {
                return Ok(Numeric::NaN);
            }
            return Err(
                errors::out_of_range("numeric field overflow").with_detail(format!(
                "A field with precision {precision}, scale {scale} cannot hold an infinite value."
            )),
            );
        };
        let rounded = self.round(scale);
        let Numeric::Finite {
            mantissa,
            scale: rs,
        } = &rounded
        else {
            return Ok(rounded);
        };
        let int_digits = if mantissa.is_zero() {
            0
        } else {
            mantissa.magnitude().to_string().len() as i32 - i32::from(*rs)
        };
        let max_int = precision - scale;
        if int_digits > max_int {
            let limit = if max_int > 0 {
                format!("10^{max_int}")
            } else {
                "1".to_string()
            };
            return Err(errors::out_of_range("numeric field overflow").with_detail(format!(
                "A field with precision {precision}, scale {scale} must round to an absolute value less than {limit}."
            )));
        }
        Ok(rounded)
    }

    /// The value with trailing fraction zeros removed: equal values give
    /// equal keys, for hashing.
    fn normalized(&self) -> (i8, BigInt, u16) {
        match self {
            Numeric::NaN => (3, BigInt::zero(), 0),
            Numeric::PosInf => (2, BigInt::zero(), 0),
            Numeric::NegInf => (-2, BigInt::zero(), 0),
            Numeric::Finite { mantissa, scale } => {
                let mut m = mantissa.clone();
                let mut s = *scale;
                let ten = BigInt::from(10u8);
                while s > 0 && !m.is_zero() && (&m % &ten).is_zero() {
                    m /= &ten;
                    s -= 1;
                }
                if m.is_zero() {
                    s = 0;
                }
                (0, m, s)
            }
        }
    }
}

/// num / den rounded half away from zero.
fn div_round(num: &BigInt, den: &BigInt) -> BigInt {
    let (q, r) = num.abs().div_rem(&den.abs());
    let q = if r * 2 >= den.abs() {
        q + BigInt::one()
    } else {
        q
    };
    if (num.sign() == Sign::Minus) != (den.sign() == Sign::Minus) {
        -q
    } else {
        q
    }
}

impl PartialEq for Numeric {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Numeric {}

impl PartialOrd for Numeric {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Numeric {
    /// PostgreSQL's order: -Infinity < finite < +Infinity < NaN.
    fn cmp(&self, other: &Self) -> Ordering {
        use Numeric::*;
        let rank = |n: &Numeric| match n {
            NegInf => 0,
            Finite { .. } => 1,
            PosInf => 2,
            NaN => 3,
        };
        match (self, other) {
            (
                Finite {
                    mantissa: a,
                    scale: sa,
                },
                Finite {
                    mantissa: b,
                    scale: sb,
                },
            ) => {
                let (a, b, _) = Self::aligned((a, *sa), (b, *sb));
                a.cmp(&b)
            }
            _ => rank(self).cmp(&rank(other)),
        }
    }
}

impl Hash for Numeric {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.normalized().hash(state);
    }
}

impl fmt::Debug for Numeric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Numeric({self})")
    }
}

impl fmt::Display for Numeric {
    /// numeric_out: all `scale` fraction digits, no exponent.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Numeric::NaN => f.write_str("NaN"),
            Numeric::PosInf => f.write_str("Infinity"),
            Numeric::NegInf => f.write_str("-Infinity"),
            Numeric::Finite { mantissa, scale } => {
                let digits = mantissa.magnitude().to_string();
                if mantissa.sign() == Sign::Minus {
                    f.write_str("-")?;
                }
                let scale = usize::from(*scale);
                if scale == 0 {
                    return f.write_str(&digits);
                }
                if digits.len() <= scale {
                    f.write_str("0.")?;
                    for _ in 0..scale - digits.len() {
                        f.write_str("0")?;
                    }
                    f.write_str(&digits)
                } else {
                    let (int, frac) = digits.split_at(digits.len() - scale);
                    write!(f, "{int}.{frac}")
                }
            }
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
    fn integer_powers_are_postgresqls() {
        // (base, exponent, base ^ exponent) as PostgreSQL 15 prints them.
        let table = [
            ("2", "0", "1.0000000000000000"),
            ("2", "1", "2.0000000000000000"),
            ("2.5", "-2", "0.1600000000000000"),
            ("0", "0", "1.0000000000000000"),
            ("-2", "3", "-8.0000000000000000"),
            ("1.000001", "1000000", "2.7182804693193769"),
            ("10", "-20", "0.0000000000000000"),
            ("0.5", "100", "0.0000000000000000"),
            ("12.34", "3", "1879.0809040000000000"),
            ("0.001", "5", "0.0000000000000010"),
            ("NaN", "0", "1"),
            ("1", "NaN", "1"),
        ];
        for (base, exp, want) in table {
            assert_eq!(
                n(base).pow(&n(exp)).unwrap().to_string(),
                want,
                "{base} ^ {exp}"
            );
        }
        let big = n("1.0001").pow(&n("123456789")).unwrap().to_string();
        assert!(
            big.starts_with("24669280276834472564326021012381593712029"),
            "{big}"
        );
        let code = |b: &str, e: &str| n(b).pow(&n(e)).unwrap_err().code();
        assert_eq!(
            code("0", "-1"),
            SqlState::INVALID_ARGUMENT_FOR_POWER_FUNCTION
        );
        assert_eq!(
            code("-8", "0.5"),
            SqlState::INVALID_ARGUMENT_FOR_POWER_FUNCTION
        );
        assert_eq!(code("10", "200000"), SqlState::NUMERIC_VALUE_OUT_OF_RANGE);
    }

    #[test]
    fn division_scale_follows_postgres() {
        // (a, b, a/b) as PostgreSQL 15 prints them.
        let table = [
            ("10.0", "4", "2.5000000000000000"),
            ("1.0", "3", "0.33333333333333333333"),
            ("10", "3.0", "3.3333333333333333"),
            ("1", "7.0", "0.14285714285714285714"),
            ("100000.0", "3", "33333.333333333333"),
            ("0.001", "7", "0.00014285714285714286"),
            ("123456789.0", "0.001", "123456789000.00000000"),
            ("2.0", "3.00000", "0.66666666666666666667"),
            ("1", "1", "1.00000000000000000000"),
            ("-2", "3", "-0.66666666666666666667"),
        ];
        for (a, b, want) in table {
            assert_eq!(n(a).div(&n(b)).unwrap().to_string(), want, "{a} / {b}");
        }
    }

    #[test]
    fn input_and_output() {
        let table = [
            ("1e3", "1000"),
            ("1.5e-3", "0.0015"),
            ("  -0.50 ", "-0.50"),
            ("+.5", "0.5"),
            ("5.", "5"),
            ("nan", "NaN"),
            ("-inf", "-Infinity"),
            ("0.00", "0.00"),
        ];
        for (input, want) in table {
            assert_eq!(n(input).to_string(), want, "{input}");
        }
        for bad in ["", ".", "abc", "1e", "1.2.3", "--1", "1e1001", "e5"] {
            let err = Numeric::parse(bad).unwrap_err();
            assert_eq!(err.code(), SqlState::INVALID_TEXT_REPRESENTATION, "{bad}");
        }
    }

    #[test]
    fn arithmetic_scales() {
        assert_eq!(n("0.00").mul(&n("1.000")).unwrap().to_string(), "0.00000");
        assert_eq!(n("7.5").rem(&n("2")).unwrap().to_string(), "1.5");
        assert_eq!(n("-7.5").rem(&n("2")).unwrap().to_string(), "-1.5");
        assert_eq!(n("1.10").add(&n("2.2")).unwrap().to_string(), "3.30");
        assert_eq!(
            n("1").div(&n("0")).unwrap_err().code(),
            SqlState::DIVISION_BY_ZERO
        );
        assert_eq!(
            n("Infinity").sub(&n("Infinity")).unwrap().to_string(),
            "NaN"
        );
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(n("2.5").round(0).to_string(), "3");
        assert_eq!(n("-2.5").round(0).to_string(), "-3");
        assert_eq!(n("1234.5678").round(-2).to_string(), "1200");
        assert_eq!(n("1234.5678").round(2).to_string(), "1234.57");
        assert_eq!(n("1.2").round(3).to_string(), "1.200");
        assert_eq!(n("-1.99").trunc(1).to_string(), "-1.9");
        assert_eq!(n("2.5").to_i32().unwrap(), 3);
        assert_eq!(n("-2.5").to_i32().unwrap(), -3);
        assert_eq!(
            n("3000000000").to_i32().unwrap_err().message(),
            "integer out of range"
        );
    }

    #[test]
    fn typmod_overflow_detail() {
        assert_eq!(
            n("1.23456789").apply_typmod(5, 2).unwrap().to_string(),
            "1.23"
        );
        let err = n("1000").apply_typmod(5, 2).unwrap_err();
        assert_eq!(err.message(), "numeric field overflow");
        assert_eq!(
            err.report().detail.as_deref(),
            Some(
                "A field with precision 5, scale 2 must round to an absolute value less than 10^3."
            )
        );
        let err = n("1").apply_typmod(2, 2).unwrap_err();
        assert!(err
            .report()
            .detail
            .as_deref()
            .unwrap()
            .ends_with("less than 1."));
    }

    #[test]
    fn float_conversion_goes_through_15_digits() {
        assert_eq!(Numeric::from_f64(0.1).unwrap().to_string(), "0.1");
        assert_eq!(
            Numeric::from_f64(1.0 / 3.0).unwrap().to_string(),
            "0.333333333333333"
        );
        assert_eq!(Numeric::from_f64(100.0).unwrap().to_string(), "100");
        assert_eq!(
            Numeric::from_f64(1e20).unwrap().to_string(),
            "100000000000000000000"
        );
        assert_eq!(n("2.5").to_f64(), 2.5);
    }

    #[test]
    fn order_and_hash_ignore_trailing_zeros() {
        use std::collections::hash_map::DefaultHasher;
        let h = |x: &Numeric| {
            let mut s = DefaultHasher::new();
            x.hash(&mut s);
            s.finish()
        };
        assert_eq!(n("1.0"), n("1.000"));
        assert_eq!(h(&n("1.0")), h(&n("1")));
        assert_eq!(h(&n("0.00")), h(&n("0")));
        assert!(n("NaN") > n("Infinity"));
        assert!(n("-Infinity") < n("-1e100"));
    }
}
