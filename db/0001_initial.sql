-- pos_tui schema 1: the journal (append-only, hash-chained, balanced) and its projections.
-- Every table is STRICT; every amount is INTEGER minor units, every quantity INTEGER thousandths.

-- The journal ---------------------------------------------------------------------------------

CREATE TABLE journal (
    seq INTEGER PRIMARY KEY,
    event_id TEXT NOT NULL UNIQUE,
    at TEXT NOT NULL,            -- UTC, ISO-8601 with microseconds
    day TEXT NOT NULL,           -- the store's business day (timezone and cut-off hour applied)
    store TEXT NOT NULL,
    terminal TEXT NOT NULL,
    user TEXT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,       -- canonical JSON (sorted keys, no floats)
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
) STRICT;
CREATE INDEX journal_day ON journal(day, seq);
CREATE INDEX journal_kind ON journal(kind, seq);

-- Postings are written first, then their journal row; the row's insert checks they balance,
-- and the deferred foreign key refuses postings whose journal row never arrives.
CREATE TABLE postings (
    seq INTEGER NOT NULL REFERENCES journal(seq) DEFERRABLE INITIALLY DEFERRED,
    leg INTEGER NOT NULL,
    account TEXT NOT NULL,
    amount INTEGER NOT NULL,
    PRIMARY KEY (seq, leg)
) STRICT, WITHOUT ROWID;
CREATE INDEX postings_account ON postings(account, seq, amount);

CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
BEGIN SELECT RAISE(ABORT, 'the journal is append-only: correct a mistake with a new event'); END;
CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
BEGIN SELECT RAISE(ABORT, 'the journal is append-only: correct a mistake with a new event'); END;
CREATE TRIGGER postings_no_update BEFORE UPDATE ON postings
BEGIN SELECT RAISE(ABORT, 'postings are append-only: correct a mistake with a new event'); END;
CREATE TRIGGER postings_no_delete BEFORE DELETE ON postings
BEGIN SELECT RAISE(ABORT, 'postings are append-only: correct a mistake with a new event'); END;

CREATE TRIGGER postings_only_before_their_entry BEFORE INSERT ON postings
WHEN EXISTS (SELECT 1 FROM journal WHERE seq = NEW.seq)
BEGIN SELECT RAISE(ABORT, 'postings of a recorded journal entry cannot be added to'); END;

CREATE TRIGGER journal_extends_chain BEFORE INSERT ON journal
WHEN NEW.seq IS NOT (SELECT COALESCE(MAX(seq), 0) + 1 FROM journal)
  OR NEW.prev_hash IS NOT COALESCE(
       (SELECT hash FROM journal WHERE seq = NEW.seq - 1),
       '0000000000000000000000000000000000000000000000000000000000000000')
BEGIN SELECT RAISE(ABORT, 'journal entry does not extend the chain'); END;

CREATE TRIGGER journal_entry_balances BEFORE INSERT ON journal
WHEN (SELECT COALESCE(SUM(amount), 0) FROM postings WHERE seq = NEW.seq) != 0
BEGIN SELECT RAISE(ABORT, 'unbalanced journal entry: its postings do not sum to zero'); END;

-- Projections (rebuilt exactly by replaying the journal) ------------------------------------

CREATE TABLE store (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    store_id TEXT NOT NULL,
    name TEXT NOT NULL,
    currency TEXT NOT NULL,
    exponent INTEGER NOT NULL,
    symbol TEXT NOT NULL,
    timezone TEXT NOT NULL,
    day_starts_at_hour INTEGER NOT NULL,
    tax_id TEXT NOT NULL,
    address TEXT NOT NULL        -- JSON list of lines
) STRICT;

CREATE TABLE users (
    username TEXT PRIMARY KEY,
    user_id TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    pin_hash TEXT NOT NULL,
    added_seq INTEGER NOT NULL
) STRICT;

CREATE TABLE tax_classes (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    rate_bp INTEGER NOT NULL
) STRICT;

CREATE TABLE products (
    product_id INTEGER PRIMARY KEY,
    sku TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    grp TEXT NOT NULL,
    variant TEXT NOT NULL,
    category TEXT NOT NULL,
    vendor TEXT NOT NULL,
    unit TEXT NOT NULL,
    price INTEGER NOT NULL,
    cost INTEGER NOT NULL,
    tax_class TEXT NOT NULL REFERENCES tax_classes(code),
    reorder_level INTEGER NOT NULL,
    updated_seq INTEGER NOT NULL
) STRICT;
CREATE INDEX products_category ON products(category, product_id);
CREATE INDEX products_vendor ON products(vendor, product_id);
CREATE INDEX products_group ON products(grp, variant) WHERE grp != '';

CREATE TABLE barcodes (
    code TEXT PRIMARY KEY,
    product_id INTEGER NOT NULL REFERENCES products(product_id),
    multiplier INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX barcodes_product ON barcodes(product_id);

-- Name search: prefix indexes make 1-3 letter prefixes cheap; results are never ranked.
CREATE VIRTUAL TABLE product_search USING fts5(
    name, sku, content='products', content_rowid='product_id',
    prefix='1 2 3', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER products_search_insert AFTER INSERT ON products BEGIN
    INSERT INTO product_search(rowid, name, sku) VALUES (NEW.product_id, NEW.name, NEW.sku);
END;
CREATE TRIGGER products_search_update AFTER UPDATE OF name, sku ON products BEGIN
    INSERT INTO product_search(product_search, rowid, name, sku) VALUES ('delete', OLD.product_id, OLD.name, OLD.sku);
    INSERT INTO product_search(rowid, name, sku) VALUES (NEW.product_id, NEW.name, NEW.sku);
END;

CREATE TABLE stock (
    product_id INTEGER PRIMARY KEY REFERENCES products(product_id),
    on_hand INTEGER NOT NULL
) STRICT;

CREATE TABLE stock_movements (
    seq INTEGER NOT NULL,
    n INTEGER NOT NULL,
    product_id INTEGER NOT NULL,
    quantity INTEGER NOT NULL,
    unit_cost INTEGER NOT NULL,
    reason TEXT NOT NULL,
    PRIMARY KEY (seq, n)
) STRICT, WITHOUT ROWID;
CREATE INDEX stock_movements_product ON stock_movements(product_id, seq);

CREATE TABLE sales (
    seq INTEGER PRIMARY KEY,
    terminal TEXT NOT NULL,
    number INTEGER NOT NULL,
    at TEXT NOT NULL,
    day TEXT NOT NULL,
    username TEXT NOT NULL,
    item_count INTEGER NOT NULL,
    subtotal INTEGER NOT NULL,
    discount_total INTEGER NOT NULL,
    tax_total INTEGER NOT NULL,
    total INTEGER NOT NULL,
    rounding INTEGER NOT NULL,
    change INTEGER NOT NULL,
    cost_total INTEGER NOT NULL,
    UNIQUE (terminal, number)
) STRICT;
CREATE INDEX sales_day ON sales(day, seq);

CREATE TABLE sale_lines (
    sale_seq INTEGER NOT NULL REFERENCES sales(seq),
    line_no INTEGER NOT NULL,
    product_id INTEGER NOT NULL,
    sku TEXT NOT NULL,
    name TEXT NOT NULL,
    unit TEXT NOT NULL,
    quantity INTEGER NOT NULL,
    unit_price INTEGER NOT NULL,
    list_price INTEGER NOT NULL,
    price_source TEXT NOT NULL,
    line_discount INTEGER NOT NULL,
    cart_discount INTEGER NOT NULL,
    net INTEGER NOT NULL,
    tax INTEGER NOT NULL,
    gross INTEGER NOT NULL,
    tax_class TEXT NOT NULL,
    tax_rate_bp INTEGER NOT NULL,
    unit_cost INTEGER NOT NULL,
    cost INTEGER NOT NULL,
    barcode TEXT NOT NULL,
    returned_quantity INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (sale_seq, line_no)
) STRICT, WITHOUT ROWID;

CREATE TABLE sale_tenders (
    sale_seq INTEGER NOT NULL REFERENCES sales(seq),
    n INTEGER NOT NULL,
    method TEXT NOT NULL,
    amount INTEGER NOT NULL,
    PRIMARY KEY (sale_seq, n)
) STRICT, WITHOUT ROWID;

CREATE TABLE returns (
    seq INTEGER PRIMARY KEY,
    terminal TEXT NOT NULL,
    number INTEGER NOT NULL,
    sale_seq INTEGER REFERENCES sales(seq),   -- NULL: returned without a receipt
    at TEXT NOT NULL,
    day TEXT NOT NULL,
    username TEXT NOT NULL,
    reason TEXT NOT NULL,
    is_void INTEGER NOT NULL,
    refund_total INTEGER NOT NULL,   -- the returned lines' gross
    rounding INTEGER NOT NULL,       -- cash rounding of the refund
    UNIQUE (terminal, number)
) STRICT;
CREATE INDEX returns_day ON returns(day, seq);
CREATE INDEX returns_sale ON returns(sale_seq) WHERE sale_seq IS NOT NULL;

CREATE TABLE return_lines (
    return_seq INTEGER NOT NULL REFERENCES returns(seq),
    n INTEGER NOT NULL,
    sale_line_no INTEGER NOT NULL,
    product_id INTEGER NOT NULL,
    quantity INTEGER NOT NULL,
    net INTEGER NOT NULL,
    tax INTEGER NOT NULL,
    gross INTEGER NOT NULL,
    tax_class TEXT NOT NULL,
    cost INTEGER NOT NULL,
    restock INTEGER NOT NULL,
    PRIMARY KEY (return_seq, n)
) STRICT, WITHOUT ROWID;

CREATE TABLE return_refunds (
    return_seq INTEGER NOT NULL REFERENCES returns(seq),
    n INTEGER NOT NULL,
    method TEXT NOT NULL,
    amount INTEGER NOT NULL,
    PRIMARY KEY (return_seq, n)
) STRICT, WITHOUT ROWID;

CREATE TABLE parked_carts (
    cart_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    terminal TEXT NOT NULL,
    username TEXT NOT NULL,
    at TEXT NOT NULL,
    cart TEXT NOT NULL           -- canonical JSON of the cart
) STRICT;
