--
-- PostgreSQL database dump
--

\restrict e8QgBEWesjz2vNwC8Y60OKSeLaVaUtcfl7VRWeDzS5btulExdr2PtEpiJxzAQu3

-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: orders; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.orders (
    order_id bigint NOT NULL,
    customer integer NOT NULL,
    amount numeric,
    placed timestamp without time zone,
    CONSTRAINT orders_amount_check CHECK (((amount > (0)::numeric) AND (amount < (1000000)::numeric))),
    CONSTRAINT orders_check CHECK (((customer <> 0) OR (amount IS NULL)))
);


ALTER TABLE public.orders OWNER TO postgres;

--
-- Name: big_orders; Type: VIEW; Schema: public; Owner: postgres
--

CREATE VIEW public.big_orders AS
 SELECT orders.order_id,
    orders.amount
   FROM public.orders
  WHERE (orders.amount > (100)::numeric);


ALTER TABLE public.big_orders OWNER TO postgres;

--
-- Name: customers; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.customers (
    id integer NOT NULL,
    name text DEFAULT 'anonymous'::text NOT NULL,
    email character varying(120),
    balance numeric(12,2) DEFAULT 0,
    score double precision DEFAULT 1.5,
    created date DEFAULT '2020-01-01'::date,
    flags smallint DEFAULT 7,
    big bigint,
    note character(3),
    active boolean DEFAULT true,
    CONSTRAINT customers_balance_check CHECK ((balance >= (0)::numeric))
);


ALTER TABLE public.customers OWNER TO postgres;

--
-- Data for Name: customers; Type: TABLE DATA; Schema: public; Owner: postgres
--

COPY public.customers (id, name, email, balance, score, created, flags, big, note, active) FROM stdin;
1	ann	ann@example.com	10.50	1.5	2020-01-01	7	100	abc	t
2	bob	\N	0.00	1.5	2020-01-01	7	200	\N	t
3	it's "quoted"	c@example.com	99.99	1.5	2020-01-01	7	300	x  	t
\.


--
-- Data for Name: orders; Type: TABLE DATA; Schema: public; Owner: postgres
--

COPY public.orders (order_id, customer, amount, placed) FROM stdin;
10	1	150	2024-01-02 03:04:05
11	2	20.5	\N
12	3	\N	2024-05-06 07:08:09
\.


--
-- Name: customers customers_email_key; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.customers
    ADD CONSTRAINT customers_email_key UNIQUE (email);


--
-- Name: customers customers_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.customers
    ADD CONSTRAINT customers_pkey PRIMARY KEY (id);


--
-- Name: orders orders_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.orders
    ADD CONSTRAINT orders_pkey PRIMARY KEY (order_id);


--
-- Name: customers_big_score; Type: INDEX; Schema: public; Owner: postgres
--

CREATE UNIQUE INDEX customers_big_score ON public.customers USING btree (big, score);


--
-- Name: customers_name_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX customers_name_idx ON public.customers USING btree (name);


--
-- PostgreSQL database dump complete
--

\unrestrict e8QgBEWesjz2vNwC8Y60OKSeLaVaUtcfl7VRWeDzS5btulExdr2PtEpiJxzAQu3

