-- pos_tui schema 17: every product's sales since the first day, kept as the day summaries change.
--
-- An item report over a store's whole history (a year of a store that opened a year ago) added up a
-- product's year, month and day rows for every product that ever sold: a quarter of a million products
-- at a big store, however short the page. These hold the same sums already added up:
--   report_product_totals  per product: schema 4's measures over every day held (one row per product
--                          that ever sold or came back), with an index per order an item report
--                          pages in, so a page is an index walk that stops after its rows;
--   report_item_totals     one row: the sums over every product row above, the products counted, and
--                          those with units sold (quantity above zero) and their units, so an item
--                          report's totals are one row read.
-- Triggers on report_product_days keep them in the statement that writes the day row, in the sale's
-- (or return's) own transaction: a report never reads them stale. Verify derives them once from the
-- derived day rows with the SQL at the end of this file (``reports.derive``), a second implementation
-- the live, trigger-kept rows must equal, so a hand edit of either table is named.

CREATE TABLE report_product_totals (
    product_id INTEGER PRIMARY KEY,
    quantity INTEGER NOT NULL,
    returned INTEGER NOT NULL,
    lines INTEGER NOT NULL,
    net INTEGER NOT NULL,
    tax INTEGER NOT NULL,
    gross INTEGER NOT NULL,
    cost INTEGER NOT NULL
) STRICT;

-- The orders of sales-by-item, top-movers (and slow movers' "sold nothing or less than came back",
-- walked from the other end) and margin-by-item.
CREATE INDEX report_product_totals_net ON report_product_totals (net DESC, product_id);
CREATE INDEX report_product_totals_quantity ON report_product_totals (quantity DESC, net DESC, product_id);
CREATE INDEX report_product_totals_margin ON report_product_totals ((net - cost) DESC, product_id);

CREATE TABLE report_item_totals (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    products INTEGER NOT NULL,       -- product rows with a sold line or a return (lines + returned > 0)
    sold INTEGER NOT NULL,           -- product rows with quantity > 0
    sold_quantity INTEGER NOT NULL,  -- their quantity
    quantity INTEGER NOT NULL,
    returned INTEGER NOT NULL,
    lines INTEGER NOT NULL,
    net INTEGER NOT NULL,
    tax INTEGER NOT NULL,
    gross INTEGER NOT NULL,
    cost INTEGER NOT NULL
) STRICT;

-- Products with no stock on hand (few, even in a big catalogue): slow movers take their sums out of
-- the totals above to get the in-stock products' sums without reading every product that sold.
CREATE INDEX stock_none ON stock (product_id) WHERE on_hand <= 0;

CREATE TRIGGER item_totals_day_insert AFTER INSERT ON report_product_days
BEGIN
    INSERT INTO report_product_totals (product_id, quantity, returned, lines, net, tax, gross, cost)
    VALUES (NEW.product_id, NEW.quantity, NEW.returned, NEW.lines, NEW.net, NEW.tax, NEW.gross, NEW.cost)
    ON CONFLICT (product_id) DO UPDATE SET
        quantity = quantity + excluded.quantity, returned = returned + excluded.returned,
        lines = lines + excluded.lines, net = net + excluded.net, tax = tax + excluded.tax,
        gross = gross + excluded.gross, cost = cost + excluded.cost;
END;

CREATE TRIGGER item_totals_day_update AFTER UPDATE ON report_product_days
BEGIN
    UPDATE report_product_totals SET
        quantity = quantity - OLD.quantity + NEW.quantity, returned = returned - OLD.returned + NEW.returned,
        lines = lines - OLD.lines + NEW.lines, net = net - OLD.net + NEW.net, tax = tax - OLD.tax + NEW.tax,
        gross = gross - OLD.gross + NEW.gross, cost = cost - OLD.cost + NEW.cost
    WHERE product_id = NEW.product_id;
END;

CREATE TRIGGER item_totals_day_delete AFTER DELETE ON report_product_days
BEGIN
    UPDATE report_product_totals SET
        quantity = quantity - OLD.quantity, returned = returned - OLD.returned, lines = lines - OLD.lines,
        net = net - OLD.net, tax = tax - OLD.tax, gross = gross - OLD.gross, cost = cost - OLD.cost
    WHERE product_id = OLD.product_id;
END;

CREATE TRIGGER item_totals_insert AFTER INSERT ON report_product_totals
BEGIN
    UPDATE report_item_totals SET
        products = products + (NEW.lines + NEW.returned > 0), sold = sold + (NEW.quantity > 0),
        sold_quantity = sold_quantity + MAX(NEW.quantity, 0),
        quantity = quantity + NEW.quantity, returned = returned + NEW.returned, lines = lines + NEW.lines,
        net = net + NEW.net, tax = tax + NEW.tax, gross = gross + NEW.gross, cost = cost + NEW.cost
    WHERE id = 1;
END;

CREATE TRIGGER item_totals_update AFTER UPDATE ON report_product_totals
BEGIN
    UPDATE report_item_totals SET
        products = products - (OLD.lines + OLD.returned > 0) + (NEW.lines + NEW.returned > 0),
        sold = sold - (OLD.quantity > 0) + (NEW.quantity > 0),
        sold_quantity = sold_quantity - MAX(OLD.quantity, 0) + MAX(NEW.quantity, 0),
        quantity = quantity - OLD.quantity + NEW.quantity, returned = returned - OLD.returned + NEW.returned,
        lines = lines - OLD.lines + NEW.lines, net = net - OLD.net + NEW.net, tax = tax - OLD.tax + NEW.tax,
        gross = gross - OLD.gross + NEW.gross, cost = cost - OLD.cost + NEW.cost
    WHERE id = 1;
END;

-- Filling them for a store that already has sales ------------------------------------------------
-- (Also verify's derivation, after it has derived the day rows; the triggers are left out there.)

INSERT INTO report_product_totals (product_id, quantity, returned, lines, net, tax, gross, cost)
SELECT product_id, SUM(quantity), SUM(returned), SUM(lines), SUM(net), SUM(tax), SUM(gross), SUM(cost)
FROM report_product_days GROUP BY product_id;  -- the days, not the years: those leave the open day out (0018)

INSERT INTO report_item_totals (id, products, sold, sold_quantity, quantity, returned, lines, net, tax, gross, cost)
SELECT 1, COALESCE(SUM(lines + returned > 0), 0), COALESCE(SUM(quantity > 0), 0),
       COALESCE(SUM(MAX(quantity, 0)), 0), COALESCE(SUM(quantity), 0), COALESCE(SUM(returned), 0),
       COALESCE(SUM(lines), 0), COALESCE(SUM(net), 0), COALESCE(SUM(tax), 0), COALESCE(SUM(gross), 0),
       COALESCE(SUM(cost), 0)
FROM report_product_totals;
