-- pos_tui schema 20: head office's new products and tax classes reach the store as its events
-- (`pos sync`), once each by head office's seq, beside its prices and approvals.

-- A product head office sent (`chain.office_product_added`): created here when the store lacked the
-- SKU, its price applied when the store has it (unless the store set that price itself), or recorded
-- only, with why (a barcode that is another product's here, a tax class this store lacks).
CREATE TABLE chain_office_products (
    office_seq INTEGER PRIMARY KEY,
    seq INTEGER NOT NULL,                -- the journal entry that recorded it
    sku TEXT NOT NULL,
    product_id INTEGER NOT NULL,         -- 0: not created and not here
    price INTEGER NOT NULL,
    created INTEGER NOT NULL,
    price_applied INTEGER NOT NULL,
    why_not TEXT NOT NULL                -- '' when created or priced; else a sentence's worth of reason
) STRICT;

-- A tax class head office defined or changed (`chain.office_tax_class_set`); ``tax_classes`` holds it.
CREATE TABLE chain_office_tax_classes (
    office_seq INTEGER PRIMARY KEY,
    seq INTEGER NOT NULL,
    code TEXT NOT NULL,
    rate_bp INTEGER NOT NULL
) STRICT;
