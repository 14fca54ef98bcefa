-- pos_tui schema 9: customers, their loyalty points and store credit.
--
-- customers, customer_activity, customer_sales and customer_sale_lines are projections of sales with
-- a customer attached and of the customer.* and loyalty.* events (replayed and compared by verify). A
-- balance is a SUM over customer_activity, one row per event that moved it: no balance column to edit.
--
-- customer_people is NOT in the journal and not compared by verify: a customer's personal fields and
-- the salt of their commitment. `pos customer forget` deletes the row (secure_delete zeroes the bytes),
-- and every hash, report and balance still holds.

CREATE TABLE customers (
    customer_id INTEGER PRIMARY KEY,
    card TEXT NOT NULL UNIQUE,            -- the barcode on the customer's card (EAN-13, check digit)
    commitment TEXT NOT NULL,             -- the latest, from customer.added or customer.changed
    added_seq INTEGER NOT NULL,
    changed_seq INTEGER NOT NULL,
    merged_into INTEGER,                  -- set when merged into another customer
    forgotten_seq INTEGER                 -- set when the personal fields were erased
) STRICT;

CREATE TABLE customer_activity (
    seq INTEGER NOT NULL,                 -- the event that moved the balance
    n INTEGER NOT NULL,
    customer_id INTEGER NOT NULL,         -- moved to the survivor by a merge
    kind TEXT NOT NULL,                   -- earn, redeem, take-back, restore, expire, credit-issue, credit-redeem
    points INTEGER NOT NULL,              -- signed
    points_value INTEGER NOT NULL,        -- signed minor units: the liability this row moved
    credit INTEGER NOT NULL,              -- signed minor units of store credit
    at TEXT NOT NULL,                     -- UTC, journal format: points expire by it
    PRIMARY KEY (seq, n)
) STRICT, WITHOUT ROWID;
CREATE INDEX customer_activity_by_customer ON customer_activity(customer_id, at, points, points_value, credit);

CREATE TABLE customer_sales (
    sale_seq INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,                 -- the entry the balances are read as of (the sale itself)
    terminal TEXT NOT NULL,
    number INTEGER NOT NULL,
    total INTEGER NOT NULL,
    points_earned INTEGER NOT NULL,
    points_redeemed INTEGER NOT NULL,
    credit_redeemed INTEGER NOT NULL,
    at TEXT NOT NULL,
    day TEXT NOT NULL                     -- the business day, as the sale's
) STRICT;
CREATE INDEX customer_sales_by_customer ON customer_sales(customer_id, at, total);
CREATE INDEX customer_sales_by_day ON customer_sales(day, customer_id, total);

CREATE TABLE customer_sale_lines (
    sale_seq INTEGER NOT NULL,
    line_no INTEGER NOT NULL,
    points INTEGER NOT NULL,              -- what the line earned; a return takes back its share
    PRIMARY KEY (sale_seq, line_no)
) STRICT, WITHOUT ROWID;

CREATE TABLE customer_people (
    customer_id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,               -- lower case, for the prefix search
    phone TEXT NOT NULL,                  -- digits only
    email TEXT NOT NULL,                  -- lower case; '' none
    email_ok INTEGER NOT NULL,            -- consent to receipts by email
    sms_ok INTEGER NOT NULL,              -- consent to receipts by SMS
    salt TEXT NOT NULL                    -- hex; the commitment cannot be checked (or guessed) without it
) STRICT;
CREATE INDEX customer_people_phone ON customer_people(phone);
CREATE INDEX customer_people_name ON customer_people(name_key);
CREATE INDEX customer_people_email ON customer_people(email);
