-- pos_tui schema 7: the stock room. Retired products, purchase orders and what was received against
-- them, stocktakes with their counts and the variances they posted.

-- A retired product is neither sold nor received, and stays in history, reports and stock.
ALTER TABLE products ADD COLUMN retired INTEGER NOT NULL DEFAULT 0;

-- Goods without a barcode sold from a grid in the bucket: a product's place in its category's grid.
CREATE TABLE quick_keys (
    product_id INTEGER PRIMARY KEY,
    position INTEGER NOT NULL       -- 1 first; 0 once taken off
) STRICT;

CREATE TABLE purchase_orders (
    number INTEGER PRIMARY KEY,
    vendor TEXT NOT NULL,
    created_seq INTEGER NOT NULL,
    updated_seq INTEGER NOT NULL
) STRICT;
CREATE INDEX purchase_orders_vendor ON purchase_orders(vendor, number);

CREATE TABLE purchase_order_lines (
    number INTEGER NOT NULL REFERENCES purchase_orders(number),
    product_id INTEGER NOT NULL,
    ordered INTEGER NOT NULL,       -- thousandths
    unit_cost INTEGER NOT NULL,     -- as ordered
    received INTEGER NOT NULL,      -- thousandths, over every delivery
    received_cost INTEGER NOT NULL, -- minor units, at the delivered costs
    PRIMARY KEY (number, product_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE stocktakes (
    number INTEGER PRIMARY KEY,
    category TEXT NOT NULL,         -- '' for every category
    vendor TEXT NOT NULL,           -- '' for every vendor
    started_seq INTEGER NOT NULL,
    posted_seq INTEGER NOT NULL,    -- 0 while it is open
    reason TEXT NOT NULL            -- the reason it was posted with
) STRICT;

-- Counts are deltas: each scan adds, from any till. on_hand_start is the stock the till held when the
-- product's first count came in; on_hand_last when its latest did.
CREATE TABLE stocktake_counts (
    number INTEGER NOT NULL REFERENCES stocktakes(number),
    product_id INTEGER NOT NULL,
    counted INTEGER NOT NULL,
    on_hand_start INTEGER NOT NULL,
    on_hand_last INTEGER NOT NULL,
    first_seq INTEGER NOT NULL,
    last_seq INTEGER NOT NULL,
    PRIMARY KEY (number, product_id)
) STRICT, WITHOUT ROWID;

-- What a posted stocktake changed: the variance report stays in history.
CREATE TABLE stocktake_variances (
    number INTEGER NOT NULL REFERENCES stocktakes(number),
    product_id INTEGER NOT NULL,
    category TEXT NOT NULL,
    counted INTEGER NOT NULL,
    expected INTEGER NOT NULL,
    quantity INTEGER NOT NULL,
    unit_cost INTEGER NOT NULL,
    cost INTEGER NOT NULL,
    PRIMARY KEY (number, product_id)
) STRICT, WITHOUT ROWID;

-- Lots and dates of goods sold from GS1 labels (a recall asks "who bought lot L42?").
CREATE TABLE sold_batches (
    seq INTEGER NOT NULL,           -- the sale's journal entry
    line_no INTEGER NOT NULL,
    lot TEXT NOT NULL,
    best_before TEXT NOT NULL,      -- ISO date or ''
    expiry TEXT NOT NULL,           -- ISO date or ''
    PRIMARY KEY (seq, line_no)
) STRICT, WITHOUT ROWID;
CREATE INDEX sold_batches_lot ON sold_batches(lot) WHERE lot != '';
