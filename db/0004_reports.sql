-- pos_tui schema 4: summary projections for the managers' reports.
--
-- Sales and returns rolled up by business day (and, for products, by month), so a report over a
-- year reads a few hundred thousand summary rows at most and never the million sale lines. Every
-- amount is INTEGER minor units, every quantity INTEGER thousandths. The tables follow
-- sale.completed and sale.returned (ledger/report_projections.py); the INSERTs at the end fill them
-- for a store that already has sales, with exactly the rows a replay of its journal writes.
--
-- Sign convention: sales add, returns subtract on the return's own business day, so a day's net
-- equals that day's income:sales credit and its cost the day's expenses:cogs (a return that goes
-- back on the shelf takes its cost out of cogs; a damaged one leaves it there).

-- One product on one business day. quantity and the money columns are net of returns; returned is
-- the quantity that came back that day; lines counts sold lines.
CREATE TABLE report_product_days (
    day TEXT NOT NULL,
    product_id INTEGER NOT NULL,
    quantity INTEGER NOT NULL,
    returned INTEGER NOT NULL,
    lines INTEGER NOT NULL,
    net INTEGER NOT NULL,
    tax INTEGER NOT NULL,
    gross INTEGER NOT NULL,
    cost INTEGER NOT NULL,
    PRIMARY KEY (day, product_id)
) STRICT, WITHOUT ROWID;

-- The same by calendar month ("2025-06"): long ranges read whole months here and only their ragged
-- edges from the day table.
CREATE TABLE report_product_months (
    month TEXT NOT NULL,
    product_id INTEGER NOT NULL,
    quantity INTEGER NOT NULL,
    returned INTEGER NOT NULL,
    lines INTEGER NOT NULL,
    net INTEGER NOT NULL,
    tax INTEGER NOT NULL,
    gross INTEGER NOT NULL,
    cost INTEGER NOT NULL,
    PRIMARY KEY (month, product_id)
) STRICT, WITHOUT ROWID;

-- Category x vendor on one business day, as the product was filed when it was sold (or returned).
CREATE TABLE report_group_days (
    day TEXT NOT NULL,
    category TEXT NOT NULL,
    vendor TEXT NOT NULL,
    lines INTEGER NOT NULL,
    returned_lines INTEGER NOT NULL,
    net INTEGER NOT NULL,
    tax INTEGER NOT NULL,
    gross INTEGER NOT NULL,
    cost INTEGER NOT NULL,
    PRIMARY KEY (day, category, vendor)
) STRICT, WITHOUT ROWID;

-- Completed sales by business day, quarter hour, terminal and cashier. quarter is the sale's UTC
-- time in 15-minute slots since 1970 (unix seconds // 900): every timezone's offset is a multiple of
-- 15 minutes, so a report turns it into the exact local hour, and SQL alone can fill it.
CREATE TABLE report_sale_slices (
    day TEXT NOT NULL,
    quarter INTEGER NOT NULL,
    terminal TEXT NOT NULL,
    cashier TEXT NOT NULL,
    sales INTEGER NOT NULL,
    items INTEGER NOT NULL,
    net INTEGER NOT NULL,
    tax INTEGER NOT NULL,
    gross INTEGER NOT NULL,
    cost INTEGER NOT NULL,
    discount INTEGER NOT NULL,       -- line and cart discounts given
    discounted INTEGER NOT NULL,     -- sales with any discount
    overrides INTEGER NOT NULL,      -- lines sold at an overridden price
    approvals INTEGER NOT NULL,      -- supervisor approvals recorded in the sales
    rounding INTEGER NOT NULL,       -- cash rounding taken
    PRIMARY KEY (day, quarter, terminal, cashier)
) STRICT, WITHOUT ROWID;

-- Money in and out of each tender account (assets:* but the stock) by sales and returns.
CREATE TABLE report_tender_days (
    day TEXT NOT NULL,
    account TEXT NOT NULL,
    terminal TEXT NOT NULL,
    cashier TEXT NOT NULL,
    payments INTEGER NOT NULL,       -- sale legs on the account
    refunds INTEGER NOT NULL,        -- return legs on the account
    amount INTEGER NOT NULL,         -- debit positive: payments less change, less refunds
    PRIMARY KEY (day, account, terminal, cashier)
) STRICT, WITHOUT ROWID;

-- Returns and voids by business day, reason, terminal and the user who took them back.
CREATE TABLE report_return_days (
    day TEXT NOT NULL,
    reason TEXT NOT NULL,
    is_void INTEGER NOT NULL,
    terminal TEXT NOT NULL,
    cashier TEXT NOT NULL,
    returns INTEGER NOT NULL,
    lines INTEGER NOT NULL,
    net INTEGER NOT NULL,
    tax INTEGER NOT NULL,
    gross INTEGER NOT NULL,          -- the returned lines' value (refund before cash rounding)
    restocked_cost INTEGER NOT NULL, -- cost taken back into stock
    lost_cost INTEGER NOT NULL,      -- cost of what did not go back on the shelf
    refunded INTEGER NOT NULL,       -- what was paid back
    PRIMARY KEY (day, reason, is_void, terminal, cashier)
) STRICT, WITHOUT ROWID;

-- Filling the tables for a store that already has sales -------------------------------------------

-- Where a product was filed (category, vendor) from each of its catalogue events on, for products
-- whose filing ever changed: a line counts under the filing in force when it was recorded.
CREATE TEMP TABLE report_filing AS
SELECT json_extract(payload, '$.product_id') AS product_id, seq,
       json_extract(payload, '$.details.category') AS category, json_extract(payload, '$.details.vendor') AS vendor
FROM journal
WHERE kind IN ('product.added', 'product.changed')
  AND json_extract(payload, '$.product_id') IN (
      SELECT json_extract(payload, '$.product_id') FROM journal WHERE kind = 'product.changed');
CREATE INDEX temp.report_filing_product ON report_filing(product_id, seq);

CREATE TEMP TABLE report_lines AS
SELECT s.day, l.product_id, l.sale_seq AS seq, l.quantity, 0 AS returned, 1 AS lines, 0 AS returned_lines,
       l.net, l.tax, l.gross, l.cost
FROM sale_lines l JOIN sales s ON s.seq = l.sale_seq
UNION ALL
SELECT r.day, l.product_id, l.return_seq, -l.quantity, l.quantity, 0, 1, -l.net, -l.tax, -l.gross,
       CASE WHEN l.restock THEN -l.cost ELSE 0 END
FROM return_lines l JOIN returns r ON r.seq = l.return_seq;

INSERT INTO report_product_days (day, product_id, quantity, returned, lines, net, tax, gross, cost)
SELECT day, product_id, SUM(quantity), SUM(returned), SUM(lines), SUM(net), SUM(tax), SUM(gross), SUM(cost)
FROM report_lines GROUP BY day, product_id;

INSERT INTO report_product_months (month, product_id, quantity, returned, lines, net, tax, gross, cost)
SELECT substr(day, 1, 7), product_id, SUM(quantity), SUM(returned), SUM(lines), SUM(net), SUM(tax), SUM(gross),
       SUM(cost)
FROM report_product_days GROUP BY substr(day, 1, 7), product_id;

INSERT INTO report_group_days (day, category, vendor, lines, returned_lines, net, tax, gross, cost)
SELECT day, category, vendor, SUM(lines), SUM(returned_lines), SUM(net), SUM(tax), SUM(gross), SUM(cost)
FROM (
    SELECT x.day, x.lines, x.returned_lines, x.net, x.tax, x.gross, x.cost,
           COALESCE((SELECT f.category FROM report_filing f WHERE f.product_id = x.product_id AND f.seq < x.seq
                     ORDER BY f.seq DESC LIMIT 1), p.category) AS category,
           COALESCE((SELECT f.vendor FROM report_filing f WHERE f.product_id = x.product_id AND f.seq < x.seq
                     ORDER BY f.seq DESC LIMIT 1), p.vendor) AS vendor
    FROM report_lines x JOIN products p ON p.product_id = x.product_id
)
GROUP BY day, category, vendor;

INSERT INTO report_sale_slices (day, quarter, terminal, cashier, sales, items, net, tax, gross, cost, discount,
                                discounted, overrides, approvals, rounding)
SELECT s.day, CAST(strftime('%s', substr(s.at, 1, 19)) AS INTEGER) / 900, s.terminal, s.username,
       COUNT(*), SUM(s.item_count), SUM(s.total - s.tax_total), SUM(s.tax_total), SUM(s.total), SUM(s.cost_total),
       SUM(s.discount_total), SUM(s.discount_total != 0),
       SUM((SELECT COUNT(*) FROM sale_lines l WHERE l.sale_seq = s.seq AND l.price_source = 'override')),
       SUM(COALESCE(json_array_length(j.payload, '$.approvals'), 0)), SUM(s.rounding)
FROM sales s JOIN journal j ON j.seq = s.seq
GROUP BY s.day, CAST(strftime('%s', substr(s.at, 1, 19)) AS INTEGER) / 900, s.terminal, s.username;

INSERT INTO report_tender_days (day, account, terminal, cashier, payments, refunds, amount)
SELECT j.day, p.account, j.terminal, j.user, SUM(j.kind = 'sale.completed'), SUM(j.kind = 'sale.returned'),
       SUM(p.amount)
FROM journal j JOIN postings p ON p.seq = j.seq
WHERE j.kind IN ('sale.completed', 'sale.returned') AND p.account GLOB 'assets:*' AND p.account != 'assets:inventory'
GROUP BY j.day, p.account, j.terminal, j.user;

INSERT INTO report_return_days (day, reason, is_void, terminal, cashier, returns, lines, net, tax, gross,
                                restocked_cost, lost_cost, refunded)
SELECT r.day, r.reason, r.is_void, r.terminal, r.username, COUNT(*), SUM(l.lines), SUM(l.net), SUM(l.tax),
       SUM(l.gross), SUM(l.restocked), SUM(l.lost), SUM(r.refund_total + r.rounding)
FROM returns r JOIN (
    SELECT return_seq, COUNT(*) AS lines, SUM(net) AS net, SUM(tax) AS tax, SUM(gross) AS gross,
           SUM(CASE WHEN restock THEN cost ELSE 0 END) AS restocked, SUM(CASE WHEN restock THEN 0 ELSE cost END) AS lost
    FROM return_lines GROUP BY return_seq
) l ON l.return_seq = r.seq
GROUP BY r.day, r.reason, r.is_void, r.terminal, r.username;

DROP TABLE temp.report_lines;
DROP TABLE temp.report_filing;
