INSERT INTO customers (id, name, email, balance, big, note) VALUES
    (1, 'ann', 'ann@example.com', 10.50, 100, 'abc'),
    (2, 'bob', NULL, 0, 200, NULL),
    (3, 'it''s "quoted"', 'c@example.com', 99.99, 300, 'x');
INSERT INTO orders VALUES (10, 1, 150, '2024-01-02 03:04:05'), (11, 2, 20.5, NULL), (12, 3, NULL, '2024-05-06 07:08:09');
