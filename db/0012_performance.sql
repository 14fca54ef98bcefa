-- pos_tui schema 12: stock totals kept as stock moves, so the stock reports do not read every product.
--
-- Stock valuation, reorder and slow movers read these instead of `products` x `stock` (one row per
-- product, a million at a big store, most of which did not move):
--   stock_groups  per category x vendor: products, how many in stock and below zero, units on hand
--                 (none counted below zero), and the stock at cost and at the shelf price, each product
--                 rounded half up as the valuation report rounds it;
--   stock_ranks   products with stock on hand by their stock at cost, most first (slow movers walk it
--                 and stop after a page);
--   reorder_due   products with a reorder level and less than it on hand.
-- Triggers keep them as `stock` and the products' cost, price, filing and reorder level change, in
-- the same statement and transaction as the change, whoever writes it (a sale, a receipt, a count,
-- a bulk load). Replay fires the same triggers in the scratch store, so `pos db verify` compares them
-- like any other projection and names a hand edit. The INSERTs at the end fill them for a store that
-- already has stock, with the rows the triggers would have left (an emptied group is removed).

CREATE TABLE stock_groups (
    category TEXT NOT NULL,
    vendor TEXT NOT NULL,
    products INTEGER NOT NULL,
    in_stock INTEGER NOT NULL,
    negative INTEGER NOT NULL,
    on_hand INTEGER NOT NULL,     -- thousandths, stock below zero counted as none
    at_cost INTEGER NOT NULL,     -- sum over products of (on_hand * cost + 500) / 1000
    at_retail INTEGER NOT NULL,   -- the same at the shelf price
    PRIMARY KEY (category, vendor)
) STRICT, WITHOUT ROWID;

CREATE TABLE stock_ranks (
    value INTEGER NOT NULL,       -- (on_hand * cost + 500) / 1000 of a product with on_hand > 0
    product_id INTEGER NOT NULL,
    PRIMARY KEY (value DESC, product_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE reorder_due (
    product_id INTEGER PRIMARY KEY
) STRICT;

CREATE TRIGGER stock_totals_insert AFTER INSERT ON stock
BEGIN
    INSERT INTO stock_groups (category, vendor, products, in_stock, negative, on_hand, at_cost, at_retail)
    SELECT p.category, p.vendor, 1, NEW.on_hand > 0, NEW.on_hand < 0, MAX(NEW.on_hand, 0),
           (MAX(NEW.on_hand, 0) * p.cost + 500) / 1000, (MAX(NEW.on_hand, 0) * p.price + 500) / 1000
    FROM products p WHERE p.product_id = NEW.product_id
    ON CONFLICT (category, vendor) DO UPDATE SET
        products = products + 1, in_stock = in_stock + excluded.in_stock, negative = negative + excluded.negative,
        on_hand = on_hand + excluded.on_hand, at_cost = at_cost + excluded.at_cost,
        at_retail = at_retail + excluded.at_retail;
    INSERT INTO stock_ranks (value, product_id)
    SELECT (NEW.on_hand * p.cost + 500) / 1000, p.product_id FROM products p
    WHERE p.product_id = NEW.product_id AND NEW.on_hand > 0;
    INSERT INTO reorder_due (product_id)
    SELECT p.product_id FROM products p
    WHERE p.product_id = NEW.product_id AND p.reorder_level > 0 AND NEW.on_hand < p.reorder_level;
END;

CREATE TRIGGER stock_totals_update AFTER UPDATE OF on_hand ON stock
WHEN NEW.on_hand != OLD.on_hand
BEGIN
    UPDATE stock_groups SET
        in_stock = stock_groups.in_stock + (NEW.on_hand > 0) - (OLD.on_hand > 0),
        negative = stock_groups.negative + (NEW.on_hand < 0) - (OLD.on_hand < 0),
        on_hand = stock_groups.on_hand + MAX(NEW.on_hand, 0) - MAX(OLD.on_hand, 0),
        at_cost = stock_groups.at_cost + (MAX(NEW.on_hand, 0) * p.cost + 500) / 1000 - (MAX(OLD.on_hand, 0) * p.cost + 500) / 1000,
        at_retail = stock_groups.at_retail + (MAX(NEW.on_hand, 0) * p.price + 500) / 1000
                    - (MAX(OLD.on_hand, 0) * p.price + 500) / 1000
    FROM products p
    WHERE p.product_id = NEW.product_id AND stock_groups.category = p.category AND stock_groups.vendor = p.vendor;
    DELETE FROM stock_ranks
    WHERE OLD.on_hand > 0 AND product_id = NEW.product_id
      AND value = (SELECT (OLD.on_hand * cost + 500) / 1000 FROM products WHERE product_id = NEW.product_id);
    INSERT INTO stock_ranks (value, product_id)
    SELECT (NEW.on_hand * p.cost + 500) / 1000, p.product_id FROM products p
    WHERE p.product_id = NEW.product_id AND NEW.on_hand > 0;
    DELETE FROM reorder_due
    WHERE product_id = NEW.product_id
      AND NOT EXISTS (SELECT 1 FROM products p WHERE p.product_id = NEW.product_id AND p.reorder_level > 0
                                                  AND NEW.on_hand < p.reorder_level);
    INSERT INTO reorder_due (product_id)
    SELECT p.product_id FROM products p
    WHERE p.product_id = NEW.product_id AND p.reorder_level > 0 AND NEW.on_hand < p.reorder_level
    ON CONFLICT (product_id) DO NOTHING;
END;

CREATE TRIGGER stock_totals_product AFTER UPDATE OF cost, price, category, vendor, reorder_level ON products
WHEN NEW.cost != OLD.cost OR NEW.price != OLD.price OR NEW.category != OLD.category OR NEW.vendor != OLD.vendor
  OR NEW.reorder_level != OLD.reorder_level
BEGIN
    UPDATE stock_groups SET
        products = stock_groups.products - 1, in_stock = stock_groups.in_stock - (s.on_hand > 0), negative = stock_groups.negative - (s.on_hand < 0),
        on_hand = stock_groups.on_hand - MAX(s.on_hand, 0), at_cost = stock_groups.at_cost - (MAX(s.on_hand, 0) * OLD.cost + 500) / 1000,
        at_retail = stock_groups.at_retail - (MAX(s.on_hand, 0) * OLD.price + 500) / 1000
    FROM stock s
    WHERE s.product_id = NEW.product_id AND stock_groups.category = OLD.category AND stock_groups.vendor = OLD.vendor;
    DELETE FROM stock_groups WHERE category = OLD.category AND vendor = OLD.vendor AND products = 0;
    INSERT INTO stock_groups (category, vendor, products, in_stock, negative, on_hand, at_cost, at_retail)
    SELECT NEW.category, NEW.vendor, 1, s.on_hand > 0, s.on_hand < 0, MAX(s.on_hand, 0),
           (MAX(s.on_hand, 0) * NEW.cost + 500) / 1000, (MAX(s.on_hand, 0) * NEW.price + 500) / 1000
    FROM stock s WHERE s.product_id = NEW.product_id
    ON CONFLICT (category, vendor) DO UPDATE SET
        products = products + 1, in_stock = in_stock + excluded.in_stock, negative = negative + excluded.negative,
        on_hand = on_hand + excluded.on_hand, at_cost = at_cost + excluded.at_cost,
        at_retail = at_retail + excluded.at_retail;
    DELETE FROM stock_ranks
    WHERE NEW.cost != OLD.cost AND product_id = NEW.product_id
      AND value = (SELECT (on_hand * OLD.cost + 500) / 1000 FROM stock WHERE product_id = NEW.product_id AND on_hand > 0);
    INSERT INTO stock_ranks (value, product_id)
    SELECT (s.on_hand * NEW.cost + 500) / 1000, s.product_id FROM stock s
    WHERE NEW.cost != OLD.cost AND s.product_id = NEW.product_id AND s.on_hand > 0;
    DELETE FROM reorder_due
    WHERE product_id = NEW.product_id
      AND NOT EXISTS (SELECT 1 FROM stock s WHERE s.product_id = NEW.product_id AND NEW.reorder_level > 0
                                              AND s.on_hand < NEW.reorder_level);
    INSERT INTO reorder_due (product_id)
    SELECT s.product_id FROM stock s
    WHERE s.product_id = NEW.product_id AND NEW.reorder_level > 0 AND s.on_hand < NEW.reorder_level
    ON CONFLICT (product_id) DO NOTHING;
END;

-- Filling them for a store that already has stock -------------------------------------------------

INSERT INTO stock_groups (category, vendor, products, in_stock, negative, on_hand, at_cost, at_retail)
SELECT p.category, p.vendor, COUNT(*), SUM(s.on_hand > 0), SUM(s.on_hand < 0), SUM(MAX(s.on_hand, 0)),
       SUM((MAX(s.on_hand, 0) * p.cost + 500) / 1000), SUM((MAX(s.on_hand, 0) * p.price + 500) / 1000)
FROM products p JOIN stock s USING (product_id)
GROUP BY p.category, p.vendor;

INSERT INTO stock_ranks (value, product_id)
SELECT (s.on_hand * p.cost + 500) / 1000, p.product_id FROM products p JOIN stock s USING (product_id)
WHERE s.on_hand > 0;

INSERT INTO reorder_due (product_id)
SELECT p.product_id FROM products p JOIN stock s USING (product_id)
WHERE p.reorder_level > 0 AND s.on_hand < p.reorder_level;
