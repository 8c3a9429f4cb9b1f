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
    if x.signum() == 0 || y.signum() == 0 {
        return Ok(Value::Numeric(Num::zero()));
    }
    let scale = i32::from(x.scale().max(y.scale()));
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
        Ok(Value::Numeric(Num::from_i64(
            arg!(a, 0, Numeric).signum().into(),
        )))
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
        float_result(arg!(a, 0, Float8).exp())
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
    f("cbrt", &[Float8], Float8, |a, _| {
        Ok(Value::Float8(arg!(a, 0, Float8).cbrt()))
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

fn pow(x: f64, y: f64) -> Result<Value> {
    if x == 0.0 && y < 0.0 {
        return Err(crate::error::SqlError::new(
            crate::error::SqlState::INVALID_ARGUMENT_FOR_POWER_FUNCTION,
            "zero raised to a negative power is undefined",
        ));
    }
    if x < 0.0 && y.fract() != 0.0 {
        return Err(crate::error::SqlError::new(
            crate::error::SqlState::INVALID_ARGUMENT_FOR_POWER_FUNCTION,
            "a negative number raised to a non-integer power yields a complex result",
        ));
    }
    float_result(x.powf(y))
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
