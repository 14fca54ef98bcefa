-- Head office schema 3 (PostgreSQL): stock transfers between stores. Each step is an event of the
-- store that took it (request and ship at the sender, receive at the receiver) and arrives in any
-- order; head office's approval is its own act, kept here. A line's shrinkage is what was shipped
-- less what was received, posted once both ends are here; in-transit is what was shipped of the
-- transfers not yet received.

CREATE TABLE hq_transfers (
    transfer_id text PRIMARY KEY,
    from_store text NOT NULL DEFAULT '',     -- the sender's id ('' until its request or shipment arrives)
    to_store text NOT NULL DEFAULT '',
    requested boolean NOT NULL DEFAULT false,
    shipped boolean NOT NULL DEFAULT false,
    received boolean NOT NULL DEFAULT false,
    approval_ref text NOT NULL DEFAULT '',   -- head office's reference, once approved
    approved_at timestamptz,
    shipped_ref text NOT NULL DEFAULT '',    -- the reference the sender typed when it shipped
    received_by text NOT NULL DEFAULT '',    -- the store that received it (an alarm if not to_store)
    reason text NOT NULL DEFAULT '',         -- the receiver's reason for a difference
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE hq_transfer_lines (
    transfer_id text NOT NULL REFERENCES hq_transfers(transfer_id),
    sku text NOT NULL,                       -- the stores' product ids differ; the SKU is shared
    requested bigint NOT NULL DEFAULT 0,     -- thousandths
    shipped bigint NOT NULL DEFAULT 0,
    received bigint NOT NULL DEFAULT 0,
    shrinkage bigint NOT NULL DEFAULT 0,     -- shipped - received once both ends are here, else 0
    PRIMARY KEY (transfer_id, sku)
);
CREATE INDEX hq_transfer_lines_sku ON hq_transfer_lines (sku);
