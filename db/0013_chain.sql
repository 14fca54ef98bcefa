-- pos_tui schema 13: the chain. Where this store's journal stands at head office, and the alarm when
-- head office's chain and ours disagree. Outside the journal, like the webhook cursors: head office's
-- acknowledgement is not a change to the books, and replay neither writes nor compares these rows.

CREATE TABLE chain_sync (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    terminal TEXT NOT NULL,          -- the terminal id this file's journal syncs as
    epoch INTEGER NOT NULL,          -- a restore or a reinstall starts a new one
    acked_seq INTEGER NOT NULL,      -- head office's verified chain head: every entry up to it is there
    acked_hash TEXT NOT NULL,
    acked_at TEXT,                   -- UTC, when that head last moved
    heard_at TEXT,                   -- UTC, when head office was last heard at all
    fork_seq INTEGER,                -- not NULL: head office and this journal disagree here; sync stops
    fork_detail TEXT,
    fork_at TEXT
) STRICT;

-- What head office holds of this terminal's previous epoch and this journal lacks (a restore from an
-- old backup): the sentence head office sent with its head, shown by `pos sync --status`.
ALTER TABLE chain_sync ADD COLUMN gap_detail TEXT;

-- The epochs this journal started (`chain.epoch_started`): a projection, replayed and compared by
-- `pos db verify` like any other.
CREATE TABLE chain_epochs (
    epoch INTEGER PRIMARY KEY,
    started_seq INTEGER NOT NULL,        -- the entry that started it
    previous_epoch INTEGER NOT NULL,
    previous_head_seq INTEGER NOT NULL,  -- head office's head of the previous epoch, as last heard
    previous_head_hash TEXT NOT NULL,
    base_seq INTEGER NOT NULL,           -- the new epoch's chain at head office goes on from this seq
    reason TEXT NOT NULL
) STRICT;

-- Head office's events applied here, once each by head office's seq (`chain.office_price_set`).
CREATE TABLE chain_office_applied (
    office_seq INTEGER PRIMARY KEY,
    seq INTEGER NOT NULL,                -- the journal entry that applied (or recorded) it
    sku TEXT NOT NULL,
    new_price INTEGER NOT NULL,
    applied INTEGER NOT NULL             -- 0: the store's own price stands, or the SKU is not sold here
) STRICT;

-- Products whose price the store set itself (`price.changed`): head office's prices skip them.
CREATE TABLE chain_store_prices (
    product_id INTEGER PRIMARY KEY,
    seq INTEGER NOT NULL
) STRICT;
INSERT INTO chain_store_prices (product_id, seq)
    SELECT json_extract(payload, '$.product_id'), max(seq) FROM journal WHERE kind = 'price.changed' GROUP BY 1;
