-- pos_tui schema 16: stock transfers between the chain's stores, as this store knows them. An
-- outgoing transfer is requested and shipped here; an incoming one is known here once it is received
-- (the sender's events reach only head office). Stock moves in `stock_movements` (reason
-- 'transfer:ID'); head office matches the two ends and posts the shrinkage.

CREATE TABLE transfers (
    transfer_id TEXT PRIMARY KEY,
    direction TEXT NOT NULL CHECK (direction IN ('out', 'in')),
    other_store TEXT NOT NULL,          -- where it goes (out) or the sender's id prefix (in)
    state TEXT NOT NULL CHECK (state IN ('requested', 'shipped', 'received')),
    approval_ref TEXT NOT NULL,         -- head office's reference, typed when shipped; '' before
    reason TEXT NOT NULL,               -- the receiver's reason for any difference; '' otherwise
    requested_seq INTEGER NOT NULL,     -- 0 for an incoming transfer
    shipped_seq INTEGER NOT NULL,       -- 0 until shipped (and for an incoming one)
    received_seq INTEGER NOT NULL       -- 0 until received (and for an outgoing one)
) STRICT;
CREATE INDEX transfers_state ON transfers(state, transfer_id);

CREATE TABLE transfer_lines (
    transfer_id TEXT NOT NULL REFERENCES transfers(transfer_id),
    product_id INTEGER NOT NULL,
    sku TEXT NOT NULL,
    requested INTEGER NOT NULL,         -- thousandths
    shipped INTEGER NOT NULL,
    received INTEGER NOT NULL,
    PRIMARY KEY (transfer_id, product_id)
) STRICT, WITHOUT ROWID;
