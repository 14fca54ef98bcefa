-- pos_tui schema 11: a restaurant's floor. Orders on tables, their lines one by one, the tickets each
-- kitchen station got (and which lines were on them), and the bills that paid them.

-- An order lives on one table at a time; 'open' and 'billing' orders hold their table.
CREATE TABLE restaurant_orders (
    order_no INTEGER PRIMARY KEY,
    table_no INTEGER NOT NULL,
    covers INTEGER NOT NULL,
    waiter TEXT NOT NULL,           -- who opened it
    status TEXT NOT NULL CHECK (status IN ('open', 'billing', 'paid', 'merged', 'closed')),
    fired INTEGER NOT NULL,         -- courses up to this one are sent on a Send
    parts INTEGER NOT NULL,         -- equal parts the bill was split into (0: not split)
    parts_paid INTEGER NOT NULL,
    opened_seq INTEGER NOT NULL,
    opened_at TEXT NOT NULL,
    sent_at TEXT NOT NULL,          -- the last send, '' before the first
    last_seq INTEGER NOT NULL,      -- the last event that changed it (a floor view polls this)
    closed_seq INTEGER NOT NULL     -- paid, merged away or closed with nothing to pay; 0 while it holds its table
) STRICT;
-- Never two orders on one table: the database refuses it, whatever the services do.
CREATE UNIQUE INDEX restaurant_orders_table ON restaurant_orders(table_no) WHERE closed_seq = 0;
CREATE INDEX restaurant_orders_closed ON restaurant_orders(closed_seq);
CREATE INDEX restaurant_orders_last ON restaurant_orders(last_seq);

CREATE TABLE restaurant_lines (
    line_no INTEGER PRIMARY KEY,    -- unique in the store; kept through transfers, merges and splits
    order_no INTEGER NOT NULL REFERENCES restaurant_orders(order_no),
    product_id INTEGER NOT NULL,
    sku TEXT NOT NULL,
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    unit_price INTEGER NOT NULL,    -- the portion's price
    quantity INTEGER NOT NULL,      -- thousandths
    modifiers TEXT NOT NULL,        -- canonical JSON [{name, price}]
    modifier_price INTEGER NOT NULL,-- sum of the modifiers' prices, per unit
    note TEXT NOT NULL,
    course INTEGER NOT NULL,
    seat INTEGER NOT NULL,
    station TEXT NOT NULL,
    waiter TEXT NOT NULL,
    added_seq INTEGER NOT NULL,
    sent_ticket INTEGER NOT NULL,   -- 0 until sent
    voided_seq INTEGER NOT NULL,    -- 0 unless voided
    paid_seq INTEGER NOT NULL       -- 0 until paid in full (the last part's sale, for equal parts)
) STRICT;
CREATE INDEX restaurant_lines_order ON restaurant_lines(order_no, line_no);

CREATE TABLE kitchen_tickets (
    ticket_no INTEGER PRIMARY KEY,
    seq INTEGER NOT NULL,           -- the entry that made it
    kind TEXT NOT NULL CHECK (kind IN ('send', 'void')),
    station TEXT NOT NULL,
    order_no INTEGER NOT NULL,
    table_no INTEGER NOT NULL,
    covers INTEGER NOT NULL,
    waiter TEXT NOT NULL,
    at TEXT NOT NULL,
    reprints INTEGER NOT NULL
) STRICT;
CREATE INDEX kitchen_tickets_seq ON kitchen_tickets(seq);

CREATE TABLE kitchen_ticket_lines (
    ticket_no INTEGER NOT NULL REFERENCES kitchen_tickets(ticket_no),
    line_no INTEGER NOT NULL,
    PRIMARY KEY (ticket_no, line_no)
) STRICT, WITHOUT ROWID;

-- Each sale that paid (part of) an order, for the reports by table, waiter and cover.
CREATE TABLE restaurant_bills (
    sale_seq INTEGER PRIMARY KEY,   -- the sale.completed entry
    paid_seq INTEGER NOT NULL,      -- the table.paid entry
    order_no INTEGER NOT NULL,
    table_no INTEGER NOT NULL,
    waiter TEXT NOT NULL,           -- who opened the order
    covers INTEGER NOT NULL,        -- the order's covers, on the bill that closed it; else 0
    part INTEGER NOT NULL,
    parts INTEGER NOT NULL,
    tip INTEGER NOT NULL,
    total INTEGER NOT NULL          -- the sale's total
) STRICT;

-- Which order line each line of a paying sale was (line_no of the sale -> the order's line).
CREATE TABLE restaurant_bill_lines (
    sale_seq INTEGER NOT NULL,
    sale_line_no INTEGER NOT NULL,
    line_no INTEGER NOT NULL,
    course INTEGER NOT NULL,
    category TEXT NOT NULL,
    gross INTEGER NOT NULL,         -- what this sale took for the line (a share, for an equal part)
    PRIMARY KEY (sale_seq, sale_line_no)
) STRICT, WITHOUT ROWID;
