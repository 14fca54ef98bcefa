-- pos_tui schema 19: head office's transfer approvals reach the store as its events (`pos sync`), once
-- each by head office's seq, beside its prices (`chain_office_applied`). The transfer's approval
-- reference is then on the transfer (`transfers.approval_ref`) before it is shipped: nobody types it.
CREATE TABLE chain_office_approvals (
    office_seq INTEGER PRIMARY KEY,
    seq INTEGER NOT NULL,                -- the journal entry that recorded it
    transfer_id TEXT NOT NULL,
    approval_ref TEXT NOT NULL,
    applied INTEGER NOT NULL             -- 0: no such request here (a store restored from an old backup)
) STRICT;
