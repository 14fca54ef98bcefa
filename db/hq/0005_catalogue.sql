-- Head office schema 5 (PostgreSQL): what a store needs to sell a product head office sends (its
-- barcodes, category and tax class), and the tax classes head office defines for every store.

-- '' where head office only ever set a name and price (the stores' own details stand).
ALTER TABLE hq_catalog ADD COLUMN barcodes text NOT NULL DEFAULT '';   -- as the CSV has them: code|code*6
ALTER TABLE hq_catalog ADD COLUMN category text NOT NULL DEFAULT '';
ALTER TABLE hq_catalog ADD COLUMN tax_class text NOT NULL DEFAULT '';

CREATE TABLE hq_tax_classes (
    code text PRIMARY KEY,
    name text NOT NULL,
    rate_bp integer NOT NULL,            -- basis points: 1700 = 17%
    set_seq bigint NOT NULL              -- head office's event that set it last
);
