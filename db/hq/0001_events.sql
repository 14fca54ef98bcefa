-- Head office schema 1 (PostgreSQL): the stores' events as received and verified, each terminal's
-- verified chain head, what was refused, and the projections head office reads.

CREATE TABLE hq_stores (
    store text PRIMARY KEY,              -- the store's id (`pos status` shows it)
    name text NOT NULL,
    added_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE hq_terminals (
    store text NOT NULL REFERENCES hq_stores(store),
    terminal text NOT NULL,
    nats_user text NOT NULL UNIQUE,
    password_sha256 text NOT NULL,       -- the password itself is printed once, never stored
    PRIMARY KEY (store, terminal)
);

-- Every entry received whose hash matches its content, once: the key is the terminal's chain
-- position, so a repeat (a retry, a second sync worker, a redelivery) inserts nothing. Entries
-- above the head wait here until the gap below them fills.
CREATE TABLE hq_events (
    store text NOT NULL,
    terminal text NOT NULL,
    epoch integer NOT NULL,
    seq bigint NOT NULL,
    prev_hash text NOT NULL,
    hash text NOT NULL,
    event_id text NOT NULL,
    at text NOT NULL,                    -- the till's clock (UTC): shown, never used to order
    day text NOT NULL,
    entry_terminal text NOT NULL,        -- the seat that wrote it (several seats may share one journal)
    username text NOT NULL,
    kind text NOT NULL,
    payload text NOT NULL,               -- the canonical JSON exactly as hashed
    postings text NOT NULL,              -- JSON [[account, amount], ...]
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (store, terminal, epoch, seq)
);
CREATE INDEX hq_events_kind ON hq_events (kind, store);

-- The verified chain head per terminal and epoch: every entry up to seq is here and chained.
CREATE TABLE hq_heads (
    store text NOT NULL,
    terminal text NOT NULL,
    epoch integer NOT NULL,
    seq bigint NOT NULL,
    hash text NOT NULL,
    moved_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (store, terminal, epoch)
);

-- Entries refused: a hash that does not match the content, a prev_hash that does not extend the
-- head, a different entry at a seq already held. Any of these is a fork alarm at the till.
CREATE TABLE hq_refusals (
    store text NOT NULL,
    terminal text NOT NULL,
    epoch integer NOT NULL,
    seq bigint NOT NULL,
    hash text NOT NULL,
    reason text NOT NULL,
    refused_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (store, terminal, epoch, seq, hash)
);

-- Projections, written in the transaction that moves the head over the entries they come from.
CREATE TABLE hq_sales_days (
    store text NOT NULL,
    day text NOT NULL,
    sales bigint NOT NULL DEFAULT 0,
    items bigint NOT NULL DEFAULT 0,
    takings bigint NOT NULL DEFAULT 0,       -- minor units, tax included
    sold_net bigint NOT NULL DEFAULT 0,
    sold_tax bigint NOT NULL DEFAULT 0,
    sold_cost bigint NOT NULL DEFAULT 0,
    returns bigint NOT NULL DEFAULT 0,
    returned_value bigint NOT NULL DEFAULT 0,
    returned_net bigint NOT NULL DEFAULT 0,
    returned_tax bigint NOT NULL DEFAULT 0,
    restocked_cost bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (store, day)
);

CREATE TABLE hq_products (
    store text NOT NULL,
    product_id bigint NOT NULL,          -- the store's own id
    sku text NOT NULL,
    name text NOT NULL,
    PRIMARY KEY (store, product_id)
);
CREATE INDEX hq_products_sku ON hq_products (sku);

-- Stock is only signed movements (thousandths of the unit), so stores' histories merge by addition.
CREATE TABLE hq_stock_movements (
    store text NOT NULL,
    terminal text NOT NULL,
    epoch integer NOT NULL,
    seq bigint NOT NULL,
    n integer NOT NULL,
    product_id bigint NOT NULL,
    quantity bigint NOT NULL,
    reason text NOT NULL,
    PRIMARY KEY (store, terminal, epoch, seq, n)
);

CREATE TABLE hq_stock (
    store text NOT NULL,
    product_id bigint NOT NULL,
    on_hand bigint NOT NULL,
    PRIMARY KEY (store, product_id)
);
