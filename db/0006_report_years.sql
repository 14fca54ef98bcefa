-- pos_tui schema 6: product sales by calendar year, beside schema 4's days and months.
--
-- An item report over a year that does not start on 1 January reads each calendar year it touches
-- as the year less the months and days outside the range; the days before a store's first sale and
-- after its last cost nothing, so a year of history is two year-row sets, not twelve months.
-- Filled for existing stores from the month table, exactly as a replay writes it.

CREATE TABLE report_product_years (
    year TEXT NOT NULL,
    product_id INTEGER NOT NULL,
    quantity INTEGER NOT NULL,
    returned INTEGER NOT NULL,
    lines INTEGER NOT NULL,
    net INTEGER NOT NULL,
    tax INTEGER NOT NULL,
    gross INTEGER NOT NULL,
    cost INTEGER NOT NULL,
    PRIMARY KEY (year, product_id)
) STRICT, WITHOUT ROWID;

-- Filling the table for a store that already has sales ----------------------------------------

INSERT INTO report_product_years (year, product_id, quantity, returned, lines, net, tax, gross, cost)
SELECT substr(month, 1, 4), product_id, SUM(quantity), SUM(returned), SUM(lines), SUM(net), SUM(tax), SUM(gross),
       SUM(cost)
FROM report_product_months GROUP BY substr(month, 1, 4), product_id;
