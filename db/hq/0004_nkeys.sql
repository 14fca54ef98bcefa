-- Each terminal signs in to head office's NATS with its own nkey: head office keeps the public half
-- (what `pos hq nats-config` puts in nats-server's authorization), never the seed. Terminals
-- registered before this kept a password hash; `pos hq store rekey` gives them a key.
ALTER TABLE hq_terminals ADD COLUMN nkey text UNIQUE;
ALTER TABLE hq_terminals ALTER COLUMN password_sha256 DROP NOT NULL;
