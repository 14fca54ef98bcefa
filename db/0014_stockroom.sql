-- pos_tui schema 14: a stocktake of a shelf list. The list (products by barcode or SKU, from a file or
-- typed at the till) is carried whole in the stocktake's start event, so the count covers exactly the
-- products that were listed then, whatever the file says later.

ALTER TABLE stocktakes ADD COLUMN shelf TEXT NOT NULL DEFAULT '';  -- the list's name; '' if not of a list

CREATE TABLE stocktake_shelf (
    number INTEGER NOT NULL REFERENCES stocktakes(number),
    product_id INTEGER NOT NULL,
    PRIMARY KEY (number, product_id)
) STRICT, WITHOUT ROWID;
