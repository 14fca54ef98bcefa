-- Head office schema 2 (PostgreSQL): epochs. A restored till syncs as a new epoch whose chain goes on
-- from an entry head office already holds in an earlier epoch (its base); the entries after the base
-- that head office holds in the earlier epoch and the new one lacks are the gap.

ALTER TABLE hq_heads ADD COLUMN base_seq bigint NOT NULL DEFAULT 0;

-- An admin's word that a terminal's gap is known and stays as it is (the sales happened and head
-- office keeps counting them; the restored till's books lack them): `pos hq store ack-gap`.
CREATE TABLE hq_gap_acks (
    store text NOT NULL,
    terminal text NOT NULL,
    epoch integer NOT NULL,              -- the restored (new) epoch whose gap is acknowledged
    entries bigint NOT NULL,             -- the gap's size when acknowledged: a larger one alarms again
    note text NOT NULL,
    acknowledged_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (store, terminal, epoch)
);
