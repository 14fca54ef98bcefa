-- pos_tui schema 3: staff and trust. Lockouts and clock-ins are projections of the journal
-- (user.login_failed, user.logged_in, user.unlocked, staff.clocked_in/out), rebuilt exactly by replay.

CREATE TABLE pin_lockouts (
    username TEXT PRIMARY KEY,       -- as typed at the login (an unknown name is counted too)
    failures INTEGER NOT NULL,       -- wrong PINs in a row since the last login, unlock or lockout
    locked_until TEXT NOT NULL,      -- UTC, journal time format; '' when not locked
    last_failed_seq INTEGER NOT NULL
) STRICT;

CREATE TABLE clock_entries (
    in_seq INTEGER PRIMARY KEY,      -- the staff.clocked_in entry
    username TEXT NOT NULL,
    terminal TEXT NOT NULL,
    clocked_in_at TEXT NOT NULL,     -- UTC
    out_seq INTEGER,                 -- NULL while still clocked in
    clocked_out_at TEXT,
    minutes INTEGER
) STRICT;
CREATE INDEX clock_entries_user ON clock_entries(username, clocked_in_at);
CREATE UNIQUE INDEX clock_entries_open ON clock_entries(username) WHERE out_seq IS NULL;

-- Sales per cashier and per hour read this covering index, never the sale rows.
CREATE INDEX sales_by_cashier ON sales(day, username, at, total, item_count);

-- The audit reads events that carry a supervisor's approval through this partial index instead of
-- scanning every payload of the period (canonical JSON spells the key exactly like this).
CREATE INDEX journal_approved ON journal(day, seq) WHERE instr(payload, '"approvals":') > 0;
