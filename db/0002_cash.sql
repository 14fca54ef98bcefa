-- pos_tui schema 2: cash control. Shifts on each terminal's drawer, cash moved in and out of it
-- outside sales, and the day's Z reports. Money is INTEGER minor units; counts are JSON lists of
-- {"value", "count"} as the events carry them.

-- A shift: opened by shift.opened (with a float), or started by the first sale or return on a
-- terminal with no open shift (auto_opened = 1, float 0; the sale stays the only journal entry).
-- It holds every entry of its terminal from opened_seq to closed_seq.
CREATE TABLE shifts (
    shift_id TEXT PRIMARY KEY,       -- "T1-S0007"
    terminal TEXT NOT NULL,
    number INTEGER NOT NULL,         -- gapless per terminal
    drawer TEXT NOT NULL,            -- the drawer's ledger account
    opened_seq INTEGER NOT NULL,
    opened_at TEXT NOT NULL,
    opened_day TEXT NOT NULL,
    opened_by TEXT NOT NULL,
    auto_opened INTEGER NOT NULL,
    float_amount INTEGER NOT NULL,
    float_counts TEXT NOT NULL,
    closed_seq INTEGER,              -- NULL while the shift is open
    closed_at TEXT,
    closed_by TEXT,
    counts TEXT,
    counted INTEGER,
    expected INTEGER,
    variance INTEGER,
    UNIQUE (terminal, number)
) STRICT;
CREATE UNIQUE INDEX shifts_one_open_per_terminal ON shifts(terminal) WHERE closed_seq IS NULL;
CREATE INDEX shifts_by_close ON shifts(closed_seq) WHERE closed_seq IS NOT NULL;

CREATE TABLE shift_cashiers (
    shift_id TEXT NOT NULL REFERENCES shifts(shift_id),
    username TEXT NOT NULL,
    added_seq INTEGER NOT NULL,
    PRIMARY KEY (shift_id, username)
) STRICT, WITHOUT ROWID;

-- Cash moved outside a sale: paid in, paid out, dropped to the safe, an expense from the safe, and
-- the no-sale (amount 0). One row per journal entry.
CREATE TABLE cash_moves (
    seq INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    at TEXT NOT NULL,
    day TEXT NOT NULL,
    terminal TEXT NOT NULL,
    username TEXT NOT NULL,
    shift_id TEXT NOT NULL,          -- '' for an expense paid from the safe
    amount INTEGER NOT NULL,
    category TEXT NOT NULL,
    account TEXT NOT NULL,
    note TEXT NOT NULL
) STRICT;
CREATE INDEX cash_moves_shift ON cash_moves(shift_id, seq);

CREATE TABLE z_reports (
    z_number INTEGER PRIMARY KEY,    -- gapless per store
    day TEXT NOT NULL UNIQUE,        -- one Z per business day
    seq INTEGER NOT NULL,            -- the day.closed entry
    at TEXT NOT NULL,
    username TEXT NOT NULL,
    terminal TEXT NOT NULL,
    from_seq INTEGER NOT NULL,
    to_seq INTEGER NOT NULL,
    head_hash TEXT NOT NULL,
    sales_count INTEGER NOT NULL,
    net_total INTEGER NOT NULL,
    grand_total INTEGER NOT NULL,
    totals TEXT NOT NULL,            -- canonical JSON of the event's totals
    open_shifts TEXT NOT NULL        -- JSON list of shifts still open when a Z was forced
) STRICT;

-- A store that sold before shifts existed: each terminal's first sale or return started a shift,
-- and everyone who sold or took a return on it is one of its cashiers, exactly as replay now does.
INSERT INTO shifts (shift_id, terminal, number, drawer, opened_seq, opened_at, opened_day, opened_by, auto_opened,
                    float_amount, float_counts)
SELECT printf('%s-S%04d', f.terminal, 1), f.terminal, 1, 'assets:cash:drawer:' || f.terminal, j.seq, j.at, j.day,
       j.user, 1, 0, '[]'
FROM (SELECT json_extract(payload, '$.terminal') AS terminal, MIN(seq) AS seq FROM journal
      WHERE kind IN ('sale.completed', 'sale.returned') GROUP BY 1) f
JOIN journal j ON j.seq = f.seq;

INSERT INTO shift_cashiers (shift_id, username, added_seq)
SELECT printf('%s-S%04d', json_extract(payload, '$.terminal'), 1), user, MIN(seq) FROM journal
WHERE kind IN ('sale.completed', 'sale.returned') GROUP BY 1, 2;
