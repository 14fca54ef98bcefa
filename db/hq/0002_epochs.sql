-- Head office schema 2 (PostgreSQL): epochs. A restored till syncs as a new epoch whose chain goes on
-- from an entry head office already holds in an earlier epoch (its base); the entries after the base
-- that head office holds in the earlier epoch and the new one lacks are the gap.

ALTER TABLE hq_heads ADD COLUMN base_seq bigint NOT NULL DEFAULT 0;

-- An admin's word that a terminal's gap is known and stays as it is (the sales happened and head
-- office keeps counting them; the restored till's books lack them): `pos hq store ack-gap`.
CREATE TABLE hq_gap_acks (
    store text NOT NULL,
    terminal text NOT NULL,
    epoch integer NOT NULL,              -- the restored (new) epoch whose gap is acknowledged
    entries bigint NOT NULL,             -- the gap's size when acknowledged: a larger one alarms again
    note text NOT NULL,
    acknowledged_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (store, terminal, epoch)
);

-- Head office's own chain: what it decides for the stores (prices, the catalogue), one event a row,
-- hash-chained like a till's journal, published to the stores by `pos hq serve` in seq order. The
-- stores apply each once, by this seq. target: 'all', or one store's id.
CREATE TABLE hq_office_events (
    seq bigint PRIMARY KEY,
    kind text NOT NULL,
    target text NOT NULL,
    payload text NOT NULL,               -- canonical JSON, as hashed
    prev_hash text NOT NULL,
    hash text NOT NULL,
    at timestamptz NOT NULL DEFAULT now(),
    published boolean NOT NULL DEFAULT false
);
CREATE INDEX hq_office_unpublished ON hq_office_events (seq) WHERE NOT published;

-- The catalogue in force at head office (its chain's projection): a price for all stores, and a
-- store's own where head office set one.
CREATE TABLE hq_catalog (
    sku text PRIMARY KEY,
    name text NOT NULL,
    price bigint NOT NULL,               -- minor units, tax as the store's tax class says
    set_seq bigint NOT NULL
);
CREATE TABLE hq_store_prices (
    store text NOT NULL,
    sku text NOT NULL,
    price bigint NOT NULL,
    set_seq bigint NOT NULL,
    PRIMARY KEY (store, sku)
);

-- Head office's own order of arrival: the order it ingested the stores' entries in, whatever their
-- tills' clocks said (`at` is shown, never used to order). Last-writer-wins goes by this.
ALTER TABLE hq_events ADD COLUMN arrival bigint GENERATED ALWAYS AS IDENTITY;
