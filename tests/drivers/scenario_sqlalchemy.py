"""SQLAlchemy's schema inspection (the pg_catalog queries its PostgreSQL
dialect sends) over psycopg 3: tables, columns, keys, indexes, unique and
check constraints. Prints one line per answer; tests/drivers.rs compares
the lines with PostgreSQL 15's."""
import sys

import sqlalchemy as sa

port = sys.argv[1]
engine = sa.create_engine(f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres")
with engine.begin() as c:
    c.exec_driver_sql("DROP VIEW IF EXISTS sa_big")
    c.exec_driver_sql("DROP TABLE IF EXISTS sa_orders")
    c.exec_driver_sql("DROP TABLE IF EXISTS sa_customers")
    c.exec_driver_sql(
        "CREATE TABLE sa_customers (id integer PRIMARY KEY, name text NOT NULL DEFAULT 'anon', "
        "email varchar(120) UNIQUE, balance numeric(12,2) DEFAULT 0 CHECK (balance >= 0), "
        "score float8, created date DEFAULT '2020-01-01', note char(3))"
    )
    c.exec_driver_sql("CREATE INDEX sa_customers_name ON sa_customers (name)")
    c.exec_driver_sql("CREATE UNIQUE INDEX sa_customers_pair ON sa_customers (note, score)")
    c.exec_driver_sql(
        "CREATE TABLE sa_orders (order_id bigint PRIMARY KEY, customer integer NOT NULL, "
        "amount numeric CHECK (amount > 0 AND amount < 1000), placed timestamp)"
    )
    c.exec_driver_sql("CREATE VIEW sa_big AS SELECT order_id FROM sa_orders WHERE amount > 100")

inspector = sa.inspect(engine)
print("tables:", [t for t in inspector.get_table_names() if t.startswith("sa_")])
print("views:", [v for v in inspector.get_view_names() if v.startswith("sa_")])
print("schemas:", inspector.get_schema_names())
for t in ("sa_customers", "sa_orders"):
    for col in inspector.get_columns(t):
        print(t, "column:", col["name"], col["type"], col["nullable"], col["default"])
    print(t, "primary key:", inspector.get_pk_constraint(t))
    print(t, "indexes:", sorted(inspector.get_indexes(t), key=lambda i: i["name"]))
    print(t, "unique:", inspector.get_unique_constraints(t))
    print(t, "checks:", inspector.get_check_constraints(t))
    print(t, "foreign keys:", inspector.get_foreign_keys(t))
print("view has a definition:", bool(inspector.get_view_definition("sa_big")))

with engine.begin() as c:
    c.exec_driver_sql("DROP VIEW sa_big")
    c.exec_driver_sql("DROP TABLE sa_orders")
    c.exec_driver_sql("DROP TABLE sa_customers")
