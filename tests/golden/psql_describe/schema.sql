CREATE TABLE customers (
    id integer PRIMARY KEY,
    name text NOT NULL DEFAULT 'anonymous',
    email varchar(120) UNIQUE,
    balance numeric(12,2) DEFAULT 0 CHECK (balance >= 0),
    score float8 DEFAULT 1.5,
    created date DEFAULT '2020-01-01',
    flags int2 DEFAULT 7,
    big bigint,
    note char(3),
    active boolean DEFAULT true
);
CREATE INDEX customers_name_idx ON customers (name);
CREATE UNIQUE INDEX customers_big_score ON customers (big, score);
CREATE TABLE orders (
    order_id bigint PRIMARY KEY,
    customer integer NOT NULL,
    amount numeric CHECK (amount > 0 AND amount < 1000000),
    placed timestamp,
    CHECK (customer <> 0 OR amount IS NULL)
);
CREATE VIEW big_orders AS SELECT order_id, amount FROM orders WHERE amount > 100;
