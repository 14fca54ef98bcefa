-- pos_tui schema 5: the daybook's own projection, so a page or a month of money movements is a
-- seek into one clustered table instead of a walk over the journal (1,000,000 catalogue entries
-- share its day index with a few hundred sales).
--
-- One row per posting to a money account (any assets:* account but the stock, assets:inventory) or
-- to an expense account (expenses:* but the cost of goods sold, which is not money leaving), plus one
-- zero row for a drawer event that moved no money (a no-sale). ``money`` says which rows the daybook
-- lists (1) and which only feed its expenses tile (0). The rule is the account name alone, so rows
-- already in the journal are filled in below exactly as replay would write them.

CREATE TABLE money_movements (
    day TEXT NOT NULL,           -- the entry's business day
    seq INTEGER NOT NULL,
    leg INTEGER NOT NULL,        -- the posting's leg (0 for a zero row)
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    user TEXT NOT NULL,
    terminal TEXT NOT NULL,
    account TEXT NOT NULL,       -- '' on a zero row
    amount INTEGER NOT NULL,     -- debit positive: money in (money rows), expense booked (expense rows)
    money INTEGER NOT NULL,
    PRIMARY KEY (day, seq, leg)
) STRICT, WITHOUT ROWID;
CREATE INDEX money_movements_kind ON money_movements(kind, day, seq, leg);
CREATE INDEX money_movements_user ON money_movements(user, day, seq, leg);
CREATE INDEX money_movements_terminal ON money_movements(terminal, seq);
CREATE INDEX money_movements_totals ON money_movements(day, account, amount);

-- The range totals' sales and profit figures without a lookup per sale.
CREATE INDEX sales_day_totals ON sales(day, total, tax_total, cost_total);

INSERT INTO money_movements (day, seq, leg, at, kind, user, terminal, account, amount, money)
SELECT j.day, j.seq, p.leg, j.at, j.kind, j.user, j.terminal, p.account, p.amount, p.account GLOB 'assets:*'
FROM journal j JOIN postings p ON p.seq = j.seq
WHERE (p.account GLOB 'assets:*' AND p.account != 'assets:inventory')
   OR (p.account GLOB 'expenses:*' AND p.account != 'expenses:cogs');

INSERT INTO money_movements (day, seq, leg, at, kind, user, terminal, account, amount, money)
SELECT day, seq, 0, at, kind, user, terminal, '', 0, 1
FROM journal
WHERE kind = 'drawer.opened' AND NOT EXISTS (SELECT 1 FROM postings p WHERE p.seq = journal.seq);
