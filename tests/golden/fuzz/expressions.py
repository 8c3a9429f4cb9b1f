#!/usr/bin/env python3
"""Random scalar expressions (numbers, text, dates, intervals, arrays,
json, casts, to_char pictures, regular expressions ...) run on actorgres
(AG_PORT, default 5433) and PostgreSQL 15 (PG_PORT, default 55499);
results compared as text, errors by SQLSTATE. Not part of `cargo test`:

    ../shared/tools/refpg start
    cargo run --release -- --port 5433 -D /tmp/fz &
    python3 tests/golden/fuzz/expressions.py SEED [COUNT] [v]

Prints each difference (at most 12) and `seed S bad N/COUNT`; needs
psycopg 3."""
import common
seed, N, verbose, rnd = common.args(300)

def lit(ty):
    r = rnd.random()
    if r < 0.06:
        return f"NULL::{ty}"
    if ty == "int":
        return str(rnd.choice([0, 1, 2, 3, -1, 7, 10, 42, -17, 100, 2147483647, -2147483648, 65536]))
    if ty == "bigint":
        return f"{rnd.choice([0, 1, -5, 9000000000, 123456789012, -9223372036854775808, 9223372036854775807])}::bigint"
    if ty == "numeric":
        return rnd.choice(["1.5", "-0.25", "3.14159", "100.005", "0.0", "2", "-7.125", "1e3", "12345678901234567890.123", "0.000001", "'NaN'::numeric", "'Infinity'::numeric"])
    if ty == "float8":
        return f"'{rnd.choice(['1.5', '-0.25', '3.0', '1e300', '1e-300', '0', '-0', '2.5', '1234.5678', 'NaN', 'Infinity', '0.1'])}'::float8"
    if ty == "text":
        return rnd.choice(["'abc'", "''", "'Hello World'", "'  pad  '", "'a,b,c'", "'ÄöÜ'", "'x'", "'123'", "'12.5'", "'tRuE'", "'2024-02-29'"])
    if ty == "bool":
        return rnd.choice(["true", "false"])
    if ty == "date":
        return f"'{rnd.choice(['2024-01-15', '2000-02-29', '1999-12-31', '2024-12-31', '0001-01-01', 'infinity'])}'::date"
    if ty == "timestamp":
        return f"'{rnd.choice(['2024-01-15 10:30:00', '2000-02-29 23:59:59.5', '1999-12-31 00:00:00', '2024-03-10 02:30:00'])}'::timestamp"
    if ty == "interval":
        return f"'{rnd.choice(['1 day', '2 hours 30 minutes', '-1 month', '1 year 2 mons 3 days', '00:00:01.5', '0'])}'::interval"
    if ty == "intarr":
        return rnd.choice(["ARRAY[1,2,3]", "ARRAY[3,NULL,1]", "'{}'::int[]", "ARRAY[5]", "'{{1,2},{3,4}}'::int[]"])
    raise ValueError(ty)

NUM = ["int", "bigint", "numeric", "float8"]

def expr(ty, depth=0):
    if depth > 2 or rnd.random() < 0.3:
        return lit(ty)
    d = depth + 1
    if ty in NUM:
        ch = rnd.randrange(12)
        if ch == 0:
            return f"({expr(ty, d)} {rnd.choice(['+', '-', '*'])} {expr(ty, d)})"
        if ch == 1:
            return f"({expr(ty, d)} {rnd.choice(['/', '%'])} {expr(ty, d)})"
        if ch == 2:
            return f"abs({expr(ty, d)})"
        if ch == 3 and ty in ("numeric", "float8"):
            return f"{rnd.choice(['round', 'trunc', 'ceil', 'floor', 'sign'])}({expr(ty, d)})"
        if ch == 4 and ty == "numeric":
            return f"{rnd.choice(['round', 'trunc'])}({expr(ty, d)}, {rnd.choice([0, 1, 2, -1, 5])})"
        if ch == 5:
            return f"length({expr('text', d)})::{ty}"
        if ch == 6:
            return f"greatest({expr(ty, d)}, {expr(ty, d)})"
        if ch == 7:
            return f"coalesce({expr(ty, d)}, {expr(ty, d)})"
        if ch == 8:
            return f"CASE WHEN {expr('bool', d)} THEN {expr(ty, d)} ELSE {expr(ty, d)} END"
        if ch == 9 and ty in ("float8", "numeric"):
            return f"{rnd.choice(['sqrt', 'exp', 'ln', 'log10', 'cbrt'])}(abs({expr(ty, d)}))"
        if ch == 10:
            return f"({expr(rnd.choice(NUM), d)})::{ty}"
        if ch == 11 and ty in ("int", "bigint"):
            return f"({expr(ty, d)} {rnd.choice(['&', '|', '#', '<<', '>>'])} {rnd.choice([1, 2, 3])})"
        return lit(ty)
    if ty == "text":
        ch = rnd.randrange(14)
        t = lambda: expr('text', d)
        if ch == 0:
            return f"({t()} || {t()})"
        if ch == 1:
            return f"{rnd.choice(['upper', 'lower', 'initcap', 'reverse', 'md5', 'btrim', 'ltrim', 'rtrim', 'quote_literal', 'quote_ident'])}({t()})"
        if ch == 2:
            return f"substr({t()}, {expr('int', d)}, {rnd.choice([0, 1, 2, 5])})"
        if ch == 3:
            return f"replace({t()}, {t()}, {t()})"
        if ch == 4:
            return f"{rnd.choice(['lpad', 'rpad'])}({t()}, {rnd.choice([0, 3, 8])}, {t()})"
        if ch == 5:
            return f"{rnd.choice(['left', 'right'])}({t()}, {rnd.choice([-2, 0, 2, 10])})"
        if ch == 6:
            return f"split_part({t()}, ',', {rnd.choice([1, 2, -1, 4])})"
        if ch == 7:
            return f"({expr(rnd.choice(NUM + ['date', 'timestamp', 'interval', 'bool', 'intarr']), d)})::text"
        if ch == 8:
            return f"concat_ws({t()}, {expr(rnd.choice(NUM), d)}, {t()})"
        if ch == 9:
            return f"to_char({expr(rnd.choice(['int', 'numeric', 'float8']), d)}, '{rnd.choice(['999D99', 'FM9990.00', '0000', 'S999', '9.99EEEE', 'RN', '999th'])}')"
        if ch == 10:
            return f"to_char({expr(rnd.choice(['date', 'timestamp']), d)}, '{rnd.choice(['YYYY-MM-DD', 'Day DD Mon YYYY', 'HH24:MI:SS', 'IYYY-IW', 'Q', 'J', 'FMMonth'])}')"
        if ch == 11:
            return f"repeat({t()}, {rnd.choice([0, 1, 3])})"
        if ch == 12:
            return f"translate({t()}, 'abc', 'xy')"
        return f"format('%s-%L', {t()}, {expr(rnd.choice(NUM), d)})"
    if ty == "bool":
        ch = rnd.randrange(8)
        if ch == 0:
            a = rnd.choice(NUM + ["text", "date"])
            return f"({expr(a, d)} {rnd.choice(['=', '<>', '<', '<=', '>', '>='])} {expr(a, d)})"
        if ch == 1:
            return f"({expr('bool', d)} {rnd.choice(['AND', 'OR'])} {expr('bool', d)})"
        if ch == 2:
            return f"(NOT {expr('bool', d)})"
        if ch == 3:
            return f"({expr(rnd.choice(NUM + ['text']), d)} IS {rnd.choice(['', 'NOT '])}NULL)"
        if ch == 4:
            a = rnd.choice(NUM)
            return f"({expr(a, d)} BETWEEN {expr(a, d)} AND {expr(a, d)})"
        if ch == 5:
            a = rnd.choice(["int", "text"])
            return f"({expr(a, d)} IN ({expr(a, d)}, {expr(a, d)}))"
        if ch == 6:
            pat = rnd.choice(["'a%'", "'%b%'", "'_'", "'^[a-z]+$'", "'H.*'"])
            return f"({expr('text', d)} {rnd.choice(['LIKE', 'ILIKE', 'NOT LIKE', '~', '~*'])} {pat})"
        return f"({expr('int', d)} = ANY({expr('intarr', d)}))"
    if ty == "date":
        ch = rnd.randrange(4)
        if ch == 0:
            return f"({expr('date', d)} + {rnd.choice([1, -30, 365])})"
        if ch == 1:
            return f"(date_trunc('{rnd.choice(['month', 'year', 'week', 'quarter'])}', {expr('timestamp', d)}))::date"
        if ch == 2:
            return f"make_date({rnd.choice([2024, 1999, 1])}, {rnd.choice([1, 2, 12])}, {rnd.choice([1, 28, 29, 31])})"
        return lit(ty)
    if ty == "timestamp":
        ch = rnd.randrange(4)
        if ch == 0:
            return f"({expr('timestamp', d)} + {expr('interval', d)})"
        if ch == 1:
            return f"date_trunc('{rnd.choice(['hour', 'day', 'month', 'minute'])}', {expr('timestamp', d)})"
        if ch == 2:
            return f"({expr('date', d)} + time '{rnd.choice(['10:00', '23:59:59'])}')"
        return lit(ty)
    if ty == "interval":
        ch = rnd.randrange(4)
        if ch == 0:
            return f"({expr('interval', d)} {rnd.choice(['+', '-'])} {expr('interval', d)})"
        if ch == 1:
            return f"({expr('interval', d)} * {rnd.choice(['2', '0.5', '-1'])})"
        if ch == 2:
            return f"({expr('timestamp', d)} - {expr('timestamp', d)})"
        return f"justify_{rnd.choice(['days', 'hours', 'interval'])}({expr('interval', d)})"
    if ty == "intarr":
        ch = rnd.randrange(4)
        if ch == 0:
            return f"array_append({expr('intarr', d)}, {expr('int', d)})"
        if ch == 1:
            return f"({expr('intarr', d)} || {expr('intarr', d)})"
        if ch == 2:
            return f"array_remove({expr('intarr', d)}, {expr('int', d)})"
        return lit(ty)
    return lit(ty)

def extra(d=0):
    """Top-level items beyond expr: extracts, array functions."""
    ch = rnd.randrange(34)
    t = lambda: expr('text', 1)
    n = lambda: expr(rnd.choice(NUM), 1)
    C = rnd.choice
    if ch == 6:
        return "regexp_replace(" + t() + ", '" + C(['[aeiou]', 'l+', '^.', '(\\w)(\\w)']) + "', '" + C(['X', '\\1', '', '<&>']) + "'" + C(['', ", 'g'", ", 'gi'"]) + ")"
    if ch == 7:
        return "regexp_match(" + t() + ", '" + C(['(l+)(o)', '[0-9]+', '(a)|(b)']) + "')"
    if ch == 8:
        return "string_to_array(" + t() + ", " + C(["','", "''", "NULL", "' '"]) + ")"
    if ch == 9:
        return "array_to_string(" + expr('intarr', 1) + ", " + C(["','", "'-'"]) + C(["", ", '*'"]) + ")"
    if ch == 10:
        return "strpos(" + t() + ", " + t() + ")"
    if ch == 11:
        return "overlay(" + t() + " placing " + t() + " from " + str(C([1, 2, 5])) + C(['', ' for 2', ' for 0']) + ")"
    if ch == 12:
        return C(['ascii', 'bit_length', 'octet_length', 'char_length']) + "(" + t() + ")"
    if ch == 13:
        return C(['to_hex', 'chr']) + "(" + str(C([65, 255, 0, 97, 1000, -1])) + ")"
    if ch == 14:
        return "encode(convert_to(" + t() + ", 'UTF8'), '" + C(['hex', 'base64', 'escape']) + "')"
    if ch == 15:
        return C(['power', 'mod', 'gcd', 'lcm', 'log', 'div']) + "(" + C(['2', '10', '-3', '7.5', '0']) + ", " + C(['3', '0.5', '-2', '0', '4']) + ")"
    if ch == 16:
        return "width_bucket(" + n() + ", " + str(C([0, -5])) + ", " + str(C([10, 100])) + ", " + str(C([1, 4, 10])) + ")"
    if ch == 17:
        return "to_timestamp('" + C(['2024-01-15 10:30', '15/01/2024', '2024 015']) + "', '" + C(['YYYY-MM-DD HH24:MI', 'DD/MM/YYYY', 'YYYY DDD']) + "')::timestamp"
    if ch == 18:
        return "to_date('" + C(['2024-01-15', '20240229', 'Jan 5 2024']) + "', '" + C(['YYYY-MM-DD', 'YYYYMMDD', 'Mon DD YYYY']) + "')"
    if ch == 19:
        return "make_interval(" + C(['days => 3', 'hours => 1, mins => 30', 'years => 1, months => -1', 'secs => 1.5']) + ")"
    if ch == 20:
        return "('" + C(['{"a": 1, "b": [1, 2]}', '[1, "x", null]', '{}']) + "'::jsonb " + C(["-> 0", "-> 'a'", "->> 'b'", "#> '{b,1}'", "? 'a'", "|| '[3]'", "- 'a'"]) + ")"
    if ch == 21:
        return "(" + t() + ")::" + C(['int', 'numeric', 'float8', 'bool', 'date', 'interval', 'bigint'])
    J = C(['{"a": 1, "b": [1, 2, {"c": null}], "d": "x"}', '[1, "x", null, 2.5, true]', '{}', '[]', '"s"', '3', 'null', '{"a": {"b": {"c": 5}}}'])
    if ch == 22:
        return "jsonb_typeof('" + J + "'::jsonb)"
    if ch == 23:
        return C(['jsonb_array_length', 'json_array_length']) + "('" + C(['[1,2,3]', '[]', '{"a":1}', '[[1],[2]]']) + "')"
    if ch == 24:
        return "jsonb_strip_nulls('" + J + "'::jsonb)"
    if ch == 25:
        return "jsonb_set('" + J + "'::jsonb, '" + C(['{a}', '{b,0}', '{x,y}', '{0}']) + "', '" + C(['9', '"z"', 'null', '[1]']) + "'" + C(['', ', false', ', true']) + ")"
    if ch == 26:
        return "jsonb_build_object('k', " + expr(C(NUM + ['text', 'bool', 'date']), 1) + ", 'l', " + expr('intarr', 1) + ")"
    if ch == 27:
        return "to_jsonb(" + expr(C(NUM + ['text', 'bool', 'timestamp', 'interval', 'intarr']), 1) + ")"
    if ch == 28:
        return "('" + J + "'::jsonb " + C(['@>', '<@']) + " '" + C(['{"a": 1}', '[1]', '{}', '[]']) + "'::jsonb)"
    if ch == 29:
        return "jsonb_path_query_first('" + J + "'::jsonb, '" + C(['$.a', '$.b[*]', '$.** ? (@ == 5)', '$[0]', '$.b.size()', '$.a + 1', 'strict $.zz', '$.d.type()']) + "')"
    if ch == 30:
        return C(['array_cat', 'array_prepend']) + "(" + (C(['1, ', '2, ']) if rnd.random() < 0 else '') + expr('intarr', 1) + ", " + expr('intarr', 1) + ")"
    if ch == 31:
        return "(" + expr('intarr', 1) + ")[" + C(['1', '2', '0', '-1', '1:2', '2:', ':1', '3:1']) + "]"
    if ch == 32:
        return "(" + expr('intarr', 1) + " " + C(['@>', '<@', '&&', '=', '<', '>']) + " " + expr('intarr', 1) + ")"
    if ch == 33:
        return C(['array_fill(7, ARRAY[2])', "array_fill('x'::text, ARRAY[2,2])", '(SELECT array_agg(x ORDER BY x) FROM (VALUES (3),(1),(2)) v(x))', "(SELECT string_agg(x, '-') FROM (VALUES ('b'),('a')) v(x))", '(SELECT unnest(ARRAY[[1,2],[3,4]]) LIMIT 1)', 'trim_array(ARRAY[1,2,3], 1)', 'array_sample(ARRAY[1], 1)' if False else 'array_ndims(ARRAY[[1]])'])
    if ch == 0:
        return f"extract({rnd.choice(['year', 'month', 'day', 'dow', 'doy', 'epoch', 'week', 'quarter', 'hour', 'isodow', 'century', 'julian'])} from {expr(rnd.choice(['date', 'timestamp']), 1)})"
    if ch == 1:
        return f"date_part('{rnd.choice(['year', 'month', 'day', 'hour', 'minute', 'epoch'])}', {expr(rnd.choice(['timestamp', 'interval']), 1)})"
    if ch == 2:
        return f"{rnd.choice(['array_length', 'array_upper', 'array_lower'])}({expr('intarr', 1)}, 1)"
    if ch == 3:
        return f"{rnd.choice(['cardinality', 'array_ndims', 'array_dims'])}({expr('intarr', 1)})"
    if ch == 4:
        return f"array_position({expr('intarr', 1)}, {expr('int', 1)})"
    return f"age({expr('timestamp', 1)}, {expr('timestamp', 1)})"

def statement():
    items = []
    for _ in range(rnd.randint(1, 3)):
        if rnd.random() < 0.2:
            items.append(f"({extra()})::text")
        else:
            items.append(f"({expr(rnd.choice(NUM + ['text', 'bool', 'date', 'timestamp', 'interval', 'intarr']))})::text")
    return "SELECT " + ", ".join(items)

common.compare(common.servers("5s"), seed, N, verbose, statement, sort=False, shown=12)
