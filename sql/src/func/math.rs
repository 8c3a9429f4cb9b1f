//! Mathematical functions (PostgreSQL's float.c, int.c, numeric.c).

use super::operators::{arg, mismatch};
use super::{f, FuncDef};
use crate::error::{errors, Result};
use crate::types::DataType::*;
use crate::value::{Numeric as Num, Value};

fn int_abs(v: &Value) -> Result<Value> {
    Ok(match v {
        Value::Int2(x) => Value::Int2(
            x.checked_abs()
                .ok_or_else(|| errors::out_of_range("smallint out of range"))?,
        ),
        Value::Int4(x) => Value::Int4(
            x.checked_abs()
                .ok_or_else(|| errors::out_of_range("integer out of range"))?,
        ),
        Value::Int8(x) => Value::Int8(
            x.checked_abs()
                .ok_or_else(|| errors::out_of_range("bigint out of range"))?,
        ),
        other => return Err(mismatch(other)),
    })
}

fn int_mod(a: &[Value]) -> Result<Value> {
    let (x, y) = match (&a[0], &a[1]) {
        (Value::Int2(x), Value::Int2(y)) => (i64::from(*x), i64::from(*y)),
        (Value::Int4(x), Value::Int4(y)) => (i64::from(*x), i64::from(*y)),
        (Value::Int8(x), Value::Int8(y)) => (*x, *y),
        (other, _) => return Err(mismatch(other)),
    };
    if y == 0 {
        return Err(errors::division_by_zero());
    }
    let r = x.checked_rem(y).unwrap_or(0);
    Ok(match &a[0] {
        Value::Int2(_) => Value::Int2(r as i16),
        Value::Int4(_) => Value::Int4(r as i32),
        _ => Value::Int8(r),
    })
}

fn float_result(r: f64) -> Result<Value> {
    if r.is_infinite() {
        return Err(errors::out_of_range("value out of range: overflow"));
    }
    Ok(Value::Float8(r))
}

/// gcd / lcm of two integers of one type (`lcm` when `least`), with
/// PostgreSQL's overflow errors (the gcd of MIN and 0 or MIN does not
/// fit).
fn int_gcd_lcm(a: &[Value], least: bool) -> Result<Value> {
    let (x, y, bits) = match (&a[0], &a[1]) {
        (Value::Int4(x), Value::Int4(y)) => (i128::from(*x), i128::from(*y), 32),
        (Value::Int8(x), Value::Int8(y)) => (i128::from(*x), i128::from(*y), 64),
        (other, _) => return Err(mismatch(other)),
    };
    let gcd = {
        let (mut p, mut q) = (x.abs(), y.abs());
        while q != 0 {
            (p, q) = (q, p % q);
        }
        p
    };
    let r = if !least {
        gcd
    } else if x == 0 || y == 0 {
        0
    } else {
        (x / gcd * y).abs()
    };
    let max = if bits == 32 {
        i128::from(i32::MAX)
    } else {
        i128::from(i64::MAX)
    };
    if r > max {
        return Err(errors::out_of_range(if bits == 32 {
            "integer out of range"
        } else {
            "bigint out of range"
        }));
    }
    Ok(if bits == 32 {
        Value::Int4(r as i32)
    } else {
        Value::Int8(r as i64)
    })
}

/// gcd / lcm of two numerics (integral or not: Euclid on the values).
fn numeric_gcd_lcm(a: &[Value], least: bool) -> Result<Value> {
    let (Value::Numeric(x), Value::Numeric(y)) = (&a[0], &a[1]) else {
        return Err(mismatch(&a[0]));
    };
    // Infinities have no divisors.
    if !x.is_finite() || !y.is_finite() {
        return Ok(Value::Numeric(Num::NaN));
    }
    let (mut p, mut q) = (x.abs(), y.abs());
    while q.signum() != 0 {
        let r = p.rem(&q)?;
        p = q;
        q = r;
    }
    if !least {
        return Ok(Value::Numeric(p));
    }
    let scale = i32::from(x.scale().max(y.scale()));
    if x.signum() == 0 || y.signum() == 0 {
        // Zero at the larger scale (lcm(0, 0.5) is 0.0).
        return Ok(Value::Numeric(Num::zero().round(scale)));
    }
    Ok(Value::Numeric(x.div_at(&p, 0)?.mul(y)?.abs().round(scale)))
}

pub(super) static FUNCTIONS: &[FuncDef] = &[
    f("gcd", &[Int4, Int4], Int4, |a, _| int_gcd_lcm(a, false)),
    f("gcd", &[Int8, Int8], Int8, |a, _| int_gcd_lcm(a, false)),
    f("gcd", &[Numeric, Numeric], Numeric, |a, _| {
        numeric_gcd_lcm(a, false)
    }),
    f("lcm", &[Int4, Int4], Int4, |a, _| int_gcd_lcm(a, true)),
    f("lcm", &[Int8, Int8], Int8, |a, _| int_gcd_lcm(a, true)),
    f("lcm", &[Numeric, Numeric], Numeric, |a, _| {
        numeric_gcd_lcm(a, true)
    }),
    f("factorial", &[Int8], Numeric, |a, _| {
        let n = arg!(a, 0, Int8);
        if n < 0 {
            return Err(errors::out_of_range(
                "factorial of a negative number is undefined",
            ));
        }
        // Past this the result has more digits than numeric holds.
        if n > 32177 {
            return Err(errors::out_of_range("value overflows numeric format"));
        }
        let mut r = Num::from_i64(1);
        for i in 2..=n {
            r = r.mul(&Num::from_i64(i))?;
        }
        Ok(Value::Numeric(r))
    }),
    f("abs", &[Int2], Int2, |a, _| int_abs(&a[0])),
    f("abs", &[Int4], Int4, |a, _| int_abs(&a[0])),
    f("abs", &[Int8], Int8, |a, _| int_abs(&a[0])),
    f("abs", &[Float4], Float4, |a, _| {
        Ok(Value::Float4(arg!(a, 0, Float4).abs()))
    }),
    f("abs", &[Float8], Float8, |a, _| {
        Ok(Value::Float8(arg!(a, 0, Float8).abs()))
    }),
    f("abs", &[Numeric], Numeric, |a, _| {
        Ok(Value::Numeric(arg!(a, 0, Numeric).abs()))
    }),
    f("mod", &[Int2, Int2], Int2, |a, _| int_mod(a)),
    f("mod", &[Int4, Int4], Int4, |a, _| int_mod(a)),
    f("mod", &[Int8, Int8], Int8, |a, _| int_mod(a)),
    f("mod", &[Numeric, Numeric], Numeric, |a, _| {
        Ok(Value::Numeric(
            arg!(a, 0, Numeric).rem(&arg!(a, 1, Numeric))?,
        ))
    }),
    f("round", &[Float8], Float8, |a, _| {
        Ok(Value::Float8(arg!(a, 0, Float8).round_ties_even()))
    }),
    f("round", &[Numeric], Numeric, |a, _| {
        Ok(Value::Numeric(arg!(a, 0, Numeric).round(0)))
    }),
    f("round", &[Numeric, Int4], Numeric, |a, _| {
        Ok(Value::Numeric(arg!(a, 0, Numeric).round(arg!(a, 1, Int4))))
    }),
    f("trunc", &[Float8], Float8, |a, _| {
        Ok(Value::Float8(arg!(a, 0, Float8).trunc()))
    }),
    f("trunc", &[Numeric], Numeric, |a, _| {
        Ok(Value::Numeric(arg!(a, 0, Numeric).trunc(0)))
    }),
    f("trunc", &[Numeric, Int4], Numeric, |a, _| {
        Ok(Value::Numeric(arg!(a, 0, Numeric).trunc(arg!(a, 1, Int4))))
    }),
    f("ceil", &[Float8], Float8, |a, _| {
        Ok(Value::Float8(arg!(a, 0, Float8).ceil()))
    }),
    f("ceiling", &[Float8], Float8, |a, _| {
        Ok(Value::Float8(arg!(a, 0, Float8).ceil()))
    }),
    f("floor", &[Float8], Float8, |a, _| {
        Ok(Value::Float8(arg!(a, 0, Float8).floor()))
    }),
    f("ceil", &[Numeric], Numeric, |a, _| {
        Ok(Value::Numeric(ceil(&arg!(a, 0, Numeric))))
    }),
    f("ceiling", &[Numeric], Numeric, |a, _| {
        Ok(Value::Numeric(ceil(&arg!(a, 0, Numeric))))
    }),
    f("floor", &[Numeric], Numeric, |a, _| {
        Ok(Value::Numeric(floor(&arg!(a, 0, Numeric))))
    }),
    f("sign", &[Float8], Float8, |a, _| {
        let x = arg!(a, 0, Float8);
        Ok(Value::Float8(if x > 0.0 {
            1.0
        } else if x < 0.0 {
            -1.0
        } else {
            0.0
        }))
    }),
    f("sign", &[Numeric], Numeric, |a, _| {
        let x = arg!(a, 0, Numeric);
        if x.is_nan() {
            return Ok(Value::Numeric(Num::NaN));
        }
        Ok(Value::Numeric(Num::from_i64(x.signum().into())))
    }),
    f("sqrt", &[Float8], Float8, |a, _| {
        let x = arg!(a, 0, Float8);
        if x < 0.0 {
            return Err(crate::error::SqlError::new(
                crate::error::SqlState::INVALID_ARGUMENT_FOR_POWER_FUNCTION,
                "cannot take square root of a negative number",
            ));
        }
        Ok(Value::Float8(x.sqrt()))
    }),
    f("power", &[Float8, Float8], Float8, |a, _| {
        pow(arg!(a, 0, Float8), arg!(a, 1, Float8))
    }),
    f("pow", &[Float8, Float8], Float8, |a, _| {
        pow(arg!(a, 0, Float8), arg!(a, 1, Float8))
    }),
    f("^", &[Float8, Float8], Float8, |a, _| {
        pow(arg!(a, 0, Float8), arg!(a, 1, Float8))
    }),
    f("^", &[Numeric, Numeric], Numeric, |a, _| {
        Ok(Value::Numeric(
            arg!(a, 0, Numeric).pow(&arg!(a, 1, Numeric))?,
        ))
    }),
    f("power", &[Numeric, Numeric], Numeric, |a, _| {
        Ok(Value::Numeric(
            arg!(a, 0, Numeric).pow(&arg!(a, 1, Numeric))?,
        ))
    }),
    f("pi", &[], Float8, |_, _| {
        Ok(Value::Float8(std::f64::consts::PI))
    }),
    super::volatile(f("random", &[], Float8, |_, _| {
        Ok(Value::Float8(rand::random::<f64>()))
    })),
    f("exp", &[Float8], Float8, |a, _| {
        // dexp: NaN and the infinities pass, else overflow or underflow.
        let x = arg!(a, 0, Float8);
        if x.is_nan() {
            return Ok(Value::Float8(x));
        }
        if x.is_infinite() {
            return Ok(Value::Float8(if x > 0.0 { x } else { 0.0 }));
        }
        let r = x.exp();
        if r == 0.0 {
            return Err(errors::out_of_range("value out of range: underflow"));
        }
        float_result(r)
    }),
    f("ln", &[Float8], Float8, |a, _| {
        log_of(arg!(a, 0, Float8), f64::ln)
    }),
    f("log", &[Float8], Float8, |a, _| {
        log_of(arg!(a, 0, Float8), f64::log10)
    }),
    f("log", &[Numeric, Numeric], Numeric, |a, _| {
        Ok(Value::Numeric(
            arg!(a, 0, Numeric).log(&arg!(a, 1, Numeric))?,
        ))
    }),
    f("log", &[Numeric], Numeric, |a, _| {
        Ok(Value::Numeric(Num::from_i64(10).log(&arg!(a, 0, Numeric))?))
    }),
    f("log10", &[Numeric], Numeric, |a, _| {
        Ok(Value::Numeric(Num::from_i64(10).log(&arg!(a, 0, Numeric))?))
    }),
    f("ln", &[Numeric], Numeric, |a, _| {
        Ok(Value::Numeric(arg!(a, 0, Numeric).ln()?))
    }),
    f("exp", &[Numeric], Numeric, |a, _| {
        Ok(Value::Numeric(arg!(a, 0, Numeric).exp()?))
    }),
    f("sqrt", &[Numeric], Numeric, |a, _| {
        Ok(Value::Numeric(arg!(a, 0, Numeric).sqrt()?))
    }),
    f("scale", &[Numeric], Int4, |a, _| {
        Ok(arg!(a, 0, Numeric)
            .display_scale()
            .map_or(Value::Null, Value::Int4))
    }),
    f("min_scale", &[Numeric], Int4, |a, _| {
        Ok(arg!(a, 0, Numeric)
            .min_scale()
            .map_or(Value::Null, Value::Int4))
    }),
    f("trim_scale", &[Numeric], Numeric, |a, _| {
        Ok(Value::Numeric(arg!(a, 0, Numeric).trim_scale()))
    }),
    f("log10", &[Float8], Float8, |a, _| {
        log_of(arg!(a, 0, Float8), f64::log10)
    }),
    f("float4send", &[Float4], Bytea, |a, _| send(&a[0], Float4)),
    f("float8send", &[Float8], Bytea, |a, _| send(&a[0], Float8)),
    f("int2send", &[Int2], Bytea, |a, _| send(&a[0], Int2)),
    f("int4send", &[Int4], Bytea, |a, _| send(&a[0], Int4)),
    f("int8send", &[Int8], Bytea, |a, _| send(&a[0], Int8)),
    f("numeric_send", &[Numeric], Bytea, |a, _| {
        send(&a[0], Numeric)
    }),
    f("sin", &[Float8], Float8, |a, _| {
        trig(arg!(a, 0, Float8), f64::sin)
    }),
    f("cos", &[Float8], Float8, |a, _| {
        trig(arg!(a, 0, Float8), f64::cos)
    }),
    f("tan", &[Float8], Float8, |a, _| {
        trig(arg!(a, 0, Float8), f64::tan)
    }),
    f("cot", &[Float8], Float8, |a, _| {
        let x = arg!(a, 0, Float8);
        if x.is_infinite() {
            return Err(errors::out_of_range("input is out of range"));
        }
        // cot(0) is Infinity, not an overflow (PostgreSQL's dcot).
        Ok(Value::Float8(1.0 / x.tan()))
    }),
    f("asin", &[Float8], Float8, |a, _| {
        inverse_trig(arg!(a, 0, Float8), f64::asin)
    }),
    f("acos", &[Float8], Float8, |a, _| {
        inverse_trig(arg!(a, 0, Float8), f64::acos)
    }),
    f("atan", &[Float8], Float8, |a, _| {
        Ok(Value::Float8(arg!(a, 0, Float8).atan()))
    }),
    f("atan2", &[Float8, Float8], Float8, |a, _| {
        Ok(Value::Float8(arg!(a, 0, Float8).atan2(arg!(a, 1, Float8))))
    }),
    f("sind", &[Float8], Float8, |a, _| {
        degrees::sind(arg!(a, 0, Float8))
    }),
    f("cosd", &[Float8], Float8, |a, _| {
        degrees::cosd(arg!(a, 0, Float8))
    }),
    f("tand", &[Float8], Float8, |a, _| {
        degrees::tand(arg!(a, 0, Float8), false)
    }),
    f("cotd", &[Float8], Float8, |a, _| {
        degrees::tand(arg!(a, 0, Float8), true)
    }),
    f("asind", &[Float8], Float8, |a, _| {
        degrees::asind(arg!(a, 0, Float8), false)
    }),
    f("acosd", &[Float8], Float8, |a, _| {
        degrees::asind(arg!(a, 0, Float8), true)
    }),
    f("atand", &[Float8], Float8, |a, _| {
        degrees::atand(arg!(a, 0, Float8), None)
    }),
    f("atan2d", &[Float8, Float8], Float8, |a, _| {
        degrees::atand(arg!(a, 0, Float8), Some(arg!(a, 1, Float8)))
    }),
    f("sinh", &[Float8], Float8, |a, _| {
        Ok(Value::Float8(arg!(a, 0, Float8).sinh()))
    }),
    f("cosh", &[Float8], Float8, |a, _| {
        Ok(Value::Float8(arg!(a, 0, Float8).cosh()))
    }),
    f("tanh", &[Float8], Float8, |a, _| {
        Ok(Value::Float8(arg!(a, 0, Float8).tanh()))
    }),
    f("asinh", &[Float8], Float8, |a, _| {
        Ok(Value::Float8(arg!(a, 0, Float8).asinh()))
    }),
    f("acosh", &[Float8], Float8, |a, _| {
        let x = arg!(a, 0, Float8);
        if x.is_nan() {
            return Ok(Value::Float8(x));
        }
        if x < 1.0 {
            return Err(errors::out_of_range("input is out of range"));
        }
        Ok(Value::Float8(x.acosh()))
    }),
    f("atanh", &[Float8], Float8, |a, _| {
        let x = arg!(a, 0, Float8);
        if x.is_nan() {
            return Ok(Value::Float8(x));
        }
        if !(-1.0..=1.0).contains(&x) {
            return Err(errors::out_of_range("input is out of range"));
        }
        Ok(Value::Float8(if x == 1.0 {
            f64::INFINITY
        } else if x == -1.0 {
            f64::NEG_INFINITY
        } else {
            x.atanh()
        }))
    }),
    f("cbrt", &[Float8], Float8, |a, _| {
        Ok(Value::Float8(cbrt(arg!(a, 0, Float8))))
    }),
    f("degrees", &[Float8], Float8, |a, _| {
        Ok(Value::Float8(arg!(a, 0, Float8).to_degrees()))
    }),
    f("radians", &[Float8], Float8, |a, _| {
        Ok(Value::Float8(arg!(a, 0, Float8).to_radians()))
    }),
    f("div", &[Numeric, Numeric], Numeric, |a, _| {
        Ok(Value::Numeric(
            arg!(a, 0, Numeric).div_trunc(&arg!(a, 1, Numeric))?,
        ))
    }),
    f("numeric_inc", &[Numeric], Numeric, |a, _| {
        Ok(Value::Numeric(arg!(a, 0, Numeric).add(&Num::from_i64(1))?))
    }),
];

/// The cube root as glibc's cbrt computes it (PostgreSQL's dcbrt calls
/// it): a polynomial first guess refined once, so `cbrt(27)` is
/// 3.0000000000000004 as PostgreSQL prints it (Rust's own cbrt is exact).
#[allow(clippy::excessive_precision, clippy::unreadable_literal)]
fn cbrt(x: f64) -> f64 {
    const CBRT2: f64 = 1.2599210498948731648;
    const SQR_CBRT2: f64 = 1.5874010519681994748;
    const FACTOR: [f64; 5] = [1.0 / SQR_CBRT2, 1.0 / CBRT2, 1.0, CBRT2, SQR_CBRT2];
    if x == 0.0 || !x.is_finite() {
        return x + x;
    }
    // frexp: |x| = xm * 2^xe with xm in [0.5, 1).
    let (xm, xe) = {
        let (a, shift) = if x.abs() < f64::MIN_POSITIVE {
            (x.abs() * 2f64.powi(54), 54)
        } else {
            (x.abs(), 0)
        };
        let bits = a.to_bits();
        let e = ((bits >> 52) & 0x7ff) as i32 - 1022;
        (
            f64::from_bits((bits & !(0x7ff_u64 << 52)) | (1022_u64 << 52)),
            e - shift,
        )
    };
    let u = 0.354895765043919860
        + ((1.50819193781584896
            + ((-2.11499494167371287
                + ((2.44693122563534430
                    + ((-1.83469277483613086
                        + (0.784932344976639262 - 0.145263899385486377 * xm) * xm)
                        * xm))
                    * xm))
                * xm))
            * xm);
    let t2 = u * u * u;
    let ym = u * (t2 + 2.0 * xm) / (2.0 * t2 + xm) * FACTOR[(2 + xe % 3) as usize];
    let r = ym * 2f64.powi(xe / 3);
    if x < 0.0 {
        -r
    } else {
        r
    }
}

/// sin / cos / tan as PostgreSQL's dsin: NaN stays NaN, an infinite
/// argument is 22003, an infinite result an overflow.
fn trig(x: f64, f: fn(f64) -> f64) -> Result<Value> {
    if x.is_nan() {
        return Ok(Value::Float8(x));
    }
    if x.is_infinite() {
        return Err(errors::out_of_range("input is out of range"));
    }
    let r = f(x);
    if r.is_infinite() {
        return Err(errors::out_of_range("value out of range: overflow"));
    }
    Ok(Value::Float8(r))
}

/// asin / acos: arguments outside [-1, 1] are 22003 (dasin, dacos).
fn inverse_trig(x: f64, f: fn(f64) -> f64) -> Result<Value> {
    if x.is_nan() {
        return Ok(Value::Float8(x));
    }
    if !(-1.0..=1.0).contains(&x) {
        return Err(errors::out_of_range("input is out of range"));
    }
    Ok(Value::Float8(f(x)))
}

/// ln / log10 with PostgreSQL's errors for zero and negative input.
fn log_of(x: f64, f: fn(f64) -> f64) -> Result<Value> {
    if x == 0.0 {
        return Err(crate::error::SqlError::new(
            crate::error::SqlState::INVALID_ARGUMENT_FOR_LOG,
            "cannot take logarithm of zero",
        ));
    }
    if x < 0.0 {
        return Err(crate::error::SqlError::new(
            crate::error::SqlState::INVALID_ARGUMENT_FOR_LOG,
            "cannot take logarithm of a negative number",
        ));
    }
    Ok(Value::Float8(f(x)))
}

/// A type's send function: its binary wire form as bytea.
fn send(v: &Value, ty: crate::types::DataType) -> Result<Value> {
    let mut out = bytes::BytesMut::new();
    crate::value::binary::write_binary(v, ty, &mut out)?;
    Ok(Value::Bytea(out.to_vec()))
}

/// dpow: PostgreSQL's special cases for NaN, infinities and zero, then
/// the platform's pow with overflow and underflow errors.
fn pow(x: f64, y: f64) -> Result<Value> {
    use crate::error::{SqlError, SqlState};
    if x.is_nan() {
        return Ok(Value::Float8(if y.is_nan() || y != 0.0 {
            f64::NAN
        } else {
            1.0
        }));
    }
    if y.is_nan() {
        return Ok(Value::Float8(if x != 1.0 { f64::NAN } else { 1.0 }));
    }
    if x == 0.0 && y < 0.0 {
        return Err(SqlError::new(
            SqlState::INVALID_ARGUMENT_FOR_POWER_FUNCTION,
            "zero raised to a negative power is undefined",
        ));
    }
    if x < 0.0 && y.floor() != y {
        return Err(SqlError::new(
            SqlState::INVALID_ARGUMENT_FOR_POWER_FUNCTION,
            "a negative number raised to a non-integer power yields a complex result",
        ));
    }
    let underflow = || errors::out_of_range("value out of range: underflow");
    let r = if y.is_infinite() {
        let ax = x.abs();
        if ax == 1.0 {
            1.0
        } else if y > 0.0 {
            if ax > 1.0 {
                y
            } else {
                0.0
            }
        } else if ax > 1.0 {
            0.0
        } else {
            -y
        }
    } else if x.is_infinite() {
        if y == 0.0 {
            1.0
        } else if x > 0.0 {
            if y > 0.0 {
                x
            } else {
                0.0
            }
        } else {
            let half = y / 2.0;
            let odd = half.floor() != half;
            if y > 0.0 {
                if odd {
                    x
                } else {
                    -x
                }
            } else if odd {
                -0.0
            } else {
                0.0
            }
        }
    } else {
        let r = x.powf(y);
        if r.is_infinite() {
            return Err(errors::out_of_range("value out of range: overflow"));
        }
        if r == 0.0 && x != 0.0 {
            return Err(underflow());
        }
        r
    };
    Ok(Value::Float8(r))
}

fn ceil(n: &Num) -> Num {
    let t = n.trunc(0);
    if n.signum() > 0 && t != *n {
        t.add(&Num::from_i64(1)).unwrap_or(t)
    } else {
        t
    }
}

fn floor(n: &Num) -> Num {
    let t = n.trunc(0);
    if n.signum() < 0 && t != *n {
        t.sub(&Num::from_i64(1)).unwrap_or(t)
    } else {
        t
    }
}

/// Trigonometry in degrees with exact answers at the usual angles
/// (PostgreSQL's float.c: sind_q1, cosd_q1 and the scaled constants).
mod degrees {
    use super::{errors, Result, Value};

    const RAD: f64 = std::f64::consts::PI / 180.0;

    fn sin_30() -> f64 {
        (30.0 * RAD).sin()
    }
    fn one_minus_cos_60() -> f64 {
        1.0 - (60.0 * RAD).cos()
    }
    fn sind_0_to_30(x: f64) -> f64 {
        ((x * RAD).sin() / sin_30()) / 2.0
    }
    fn cosd_0_to_60(x: f64) -> f64 {
        1.0 - ((1.0 - (x * RAD).cos()) / one_minus_cos_60()) / 2.0
    }
    fn sind_q1(x: f64) -> f64 {
        if x <= 30.0 {
            sind_0_to_30(x)
        } else {
            cosd_0_to_60(90.0 - x)
        }
    }
    fn cosd_q1(x: f64) -> f64 {
        if x <= 60.0 {
            cosd_0_to_60(x)
        } else {
            sind_0_to_30(90.0 - x)
        }
    }
    fn out_of_range() -> crate::error::SqlError {
        errors::out_of_range("input is out of range")
    }
    fn finite(r: f64) -> Result<Value> {
        if r.is_infinite() {
            return Err(errors::out_of_range("value out of range: overflow"));
        }
        Ok(Value::Float8(r))
    }

    /// The argument reduced to [0, 90] degrees, with the sign the
    /// function takes from each step that applies (`flips`: x < 0,
    /// x > 180 as 360 - x, x > 90 as 180 - x); None for NaN (the result
    /// is NaN), 22003 for an infinity.
    fn reduce(x: f64, flips: [bool; 3]) -> Result<Option<(f64, f64)>> {
        if x.is_nan() {
            return Ok(None);
        }
        if x.is_infinite() {
            return Err(out_of_range());
        }
        let (mut x, mut sign) = (x % 360.0, 1.0);
        let mut flip = |on: bool| {
            if on {
                sign = -sign;
            }
        };
        if x < 0.0 {
            x = -x;
            flip(flips[0]);
        }
        if x > 180.0 {
            x = 360.0 - x;
            flip(flips[1]);
        }
        if x > 90.0 {
            x = 180.0 - x;
            flip(flips[2]);
        }
        Ok(Some((x, sign)))
    }

    pub(super) fn sind(x: f64) -> Result<Value> {
        match reduce(x, [true, true, false])? {
            Some((x, sign)) => finite(sign * sind_q1(x)),
            None => Ok(Value::Float8(f64::NAN)),
        }
    }

    pub(super) fn cosd(x: f64) -> Result<Value> {
        match reduce(x, [false, false, true])? {
            Some((x, sign)) => finite(sign * cosd_q1(x)),
            None => Ok(Value::Float8(f64::NAN)),
        }
    }

    /// tand, or cotd with `cot`.
    pub(super) fn tand(x: f64, cot: bool) -> Result<Value> {
        let Some((x, sign)) = reduce(x, [true, true, true])? else {
            return Ok(Value::Float8(f64::NAN));
        };
        let tan_45 = sind_q1(45.0) / cosd_q1(45.0);
        let cot_45 = cosd_q1(45.0) / sind_q1(45.0);
        let r = if cot {
            sign * ((cosd_q1(x) / sind_q1(x)) / cot_45)
        } else {
            sign * ((sind_q1(x) / cosd_q1(x)) / tan_45)
        };
        // No minus zero (tand(180)).
        Ok(Value::Float8(if r == 0.0 { 0.0 } else { r }))
    }

    fn asind_q1(x: f64) -> f64 {
        if x <= 0.5 {
            (x.asin() / 0.5f64.asin()) * 30.0
        } else {
            90.0 - (x.acos() / 0.5f64.acos()) * 60.0
        }
    }
    fn acosd_q1(x: f64) -> f64 {
        if x <= 0.5 {
            90.0 - (x.asin() / 0.5f64.asin()) * 30.0
        } else {
            (x.acos() / 0.5f64.acos()) * 60.0
        }
    }

    /// asind, or acosd with `acos`.
    pub(super) fn asind(x: f64, acos: bool) -> Result<Value> {
        if x.is_nan() {
            return Ok(Value::Float8(x));
        }
        if !(-1.0..=1.0).contains(&x) {
            return Err(out_of_range());
        }
        let r = match (acos, x >= 0.0) {
            (false, true) => asind_q1(x),
            (false, false) => -asind_q1(-x),
            (true, true) => acosd_q1(x),
            (true, false) => 90.0 + asind_q1(-x),
        };
        finite(r)
    }

    /// atand(y), or atan2d(y, x).
    pub(super) fn atand(y: f64, x: Option<f64>) -> Result<Value> {
        if y.is_nan() || x.is_some_and(f64::is_nan) {
            return Ok(Value::Float8(f64::NAN));
        }
        let a = match x {
            Some(x) => y.atan2(x),
            None => y.atan(),
        };
        finite((a / 1.0f64.atan()) * 45.0)
    }
}
