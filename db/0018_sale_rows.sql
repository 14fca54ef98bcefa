-- pos_tui schema 18: a sale writes its products' day rows only; months and years follow a day later.
--
-- Every sale used to add each of its products to three summaries (day, month, year): 15 of a 5-line
-- sale's rows. Now the month and year tables hold every day before the store's open day (the latest
-- business day with a sold or returned line) and the open day lives in the day table alone:
--   * the first line-bearing sale or return of a later day rolls the open day's rows into the months
--     and years (one INSERT ... SELECT each, about a day's products) and makes its own day the open one;
--   * a sale or return dated before the open day (a till whose clock is behind) still adds to all three;
--   * a report reads a month or a year as its row plus the open day's rows inside it, in the same
--     statement as everything else it reads (services/reports/items.py), so no figure is ever stale.
-- `pos db verify` derives the same: months and years from the days before the open day, and the open
-- day itself, so a hand edit of any of them is named.

CREATE TABLE report_rollup (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    open_day TEXT NOT NULL            -- '' before the first sold line
) STRICT;

-- Filling the table for a store that already has sales, and taking its open day back out of the
-- months and years: those of the open day are rebuilt from the days before it.

INSERT INTO report_rollup (singleton, open_day)
SELECT 1, COALESCE(MAX(day), '') FROM report_product_days;

DELETE FROM report_product_months
WHERE month = (SELECT substr(open_day, 1, 7) FROM report_rollup);

INSERT INTO report_product_months (month, product_id, quantity, returned, lines, net, tax, gross, cost)
SELECT substr(day, 1, 7), product_id, SUM(quantity), SUM(returned), SUM(lines), SUM(net), SUM(tax), SUM(gross),
       SUM(cost)
FROM report_product_days
WHERE day >= (SELECT substr(open_day, 1, 7) FROM report_rollup) AND day < (SELECT open_day FROM report_rollup)
GROUP BY substr(day, 1, 7), product_id;

DELETE FROM report_product_years
WHERE year = (SELECT substr(open_day, 1, 4) FROM report_rollup);

INSERT INTO report_product_years (year, product_id, quantity, returned, lines, net, tax, gross, cost)
SELECT substr(month, 1, 4), product_id, SUM(quantity), SUM(returned), SUM(lines), SUM(net), SUM(tax), SUM(gross),
       SUM(cost)
FROM report_product_months
WHERE month >= (SELECT substr(open_day, 1, 4) FROM report_rollup)
  AND month < (SELECT substr(open_day, 1, 4) || '~' FROM report_rollup)
GROUP BY substr(month, 1, 4), product_id;
