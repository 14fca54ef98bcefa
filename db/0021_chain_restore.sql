-- pos_tui schema 21: where a restored file's journal ended when it was marked for a new epoch
-- (`outbox.mark_new_epoch`), moved along by each entry `pos sync --pull-gap` takes back from head office.
-- The journal's head still equal to it, and the epoch still due, is how the till knows nothing was sold
-- since the restore: only then may head office's gap come back without counting a sale twice. Outside
-- the journal, like the rest of chain_sync.
ALTER TABLE chain_sync ADD COLUMN restored_seq INTEGER;
