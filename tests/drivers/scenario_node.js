// The driver scenario through node-postgres (the extended protocol for
// every parameterised query, named statements for prepared ones, binary
// results on request). Prints one line per step; tests/drivers.rs
// compares the lines with PostgreSQL 15's.
const { Client } = require('pg');

const show = (v) => {
  if (v === null || v === undefined) return 'NULL';
  if (Buffer.isBuffer(v)) return '\\x' + v.toString('hex');
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
};
const line = (label, row) => console.log(label + ': ' + row.map(show).join('|'));

async function sqlstate(f) {
  try {
    await f();
    return 'ok';
  } catch (e) {
    return e.code;
  }
}

async function main() {
  const c = new Client({ host: '127.0.0.1', port: Number(process.argv[2]), user: 'postgres', database: 'postgres' });
  await c.connect();
  await c.query('SET TimeZone = \'UTC\'');
  await c.query('DROP TABLE IF EXISTS drv');
  await c.query('CREATE TABLE drv (id int PRIMARY KEY, name text, score numeric(6,2), flag bool, ts timestamp, data bytea)');
  const ins = 'INSERT INTO drv VALUES ($1, $2, $3, $4, $5, $6)';
  await c.query(ins, [1, 'alice', '1.5', true, '2024-01-02 03:04:05', Buffer.from([0, 255])]);
  await c.query(ins, [2, null, null, null, null, null]);
  const row = async (sql, params) => (await c.query({ text: sql, values: params, rowMode: 'array' })).rows;
  line('select', (await row('SELECT * FROM drv WHERE id = $1', [1]))[0]);
  line('nulls', (await row('SELECT * FROM drv WHERE id = $1', [2]))[0]);

  await c.query('BEGIN');
  await c.query(ins, [3, 'carol', 3, false, null, null]);
  await c.query('ROLLBACK');
  line('after rollback', (await row('SELECT count(*) FROM drv', []))[0]);

  await c.query('BEGIN');
  console.log('duplicate: ' + (await sqlstate(() => c.query(ins, [1, 'again', null, null, null, null]))));
  console.log('in failed transaction: ' + (await sqlstate(() => c.query('SELECT 1'))));
  await c.query('ROLLBACK');

  const names = [];
  for (const i of [1, 2, 1, 2, 1, 2]) {
    const r = await c.query({ name: 'name_by_id', text: 'SELECT name FROM drv WHERE id = $1', values: [i], rowMode: 'array' });
    names.push(show(r.rows[0][0]));
  }
  console.log('prepared: ' + names.join('|'));

  const many = await row("SELECT g, 'row ' || g FROM generate_series(1, 10000) g", []);
  console.log(`10000 rows: ${many.length} ${many.reduce((s, r) => s + r[0], 0)} ${many[many.length - 1][1]}`);

  // node-postgres reads results in text; its types parse them.
  const typed = await c.query({
    text: "SELECT 1::int2, 2::int4, 3::int8, 1.5::float4, 2.25::float8, true, 'text'::text, '\\x0102'::bytea, $1::int4, $2::text",
    values: [42, 'param'],
    rowMode: 'array',
  });
  line('types', typed.rows[0]);
  line('text', (await row("SELECT 12.345::numeric(6,3), '2024-02-29'::date::text, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid, interval '1 day 2 hours'", []))[0]);
  await c.query('DROP TABLE drv');
  await c.end();
  console.log('done');
}

main().catch((e) => {
  console.log('error: ' + e.code + ' ' + e.message);
  process.exit(1);
});
