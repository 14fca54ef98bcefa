-- pos_tui schema 10: gift cards (projections of the journal) and the outbox of receipts by email/SMS.
--
-- gift_cards and gift_card_moves are projections: a card's moves ride in the sale or return that made
-- them (and giftcard.blocked/unblocked). There is no balance column: a balance is SUM(delta) of the
-- card's moves, so nobody can edit one without the replay in `pos db verify` seeing it.
--
-- outbox_messages is NOT in the journal and not compared by verify: it holds addresses (personal data
-- that must never enter a hashed payload) and delivery state (operational, not books). A message names
-- the sale it carries by its seq; its body is rendered from the journal when it is sent.

CREATE TABLE gift_cards (
    number TEXT PRIMARY KEY,
    currency TEXT NOT NULL,
    sold_seq INTEGER NOT NULL,
    blocked INTEGER NOT NULL DEFAULT 0 CHECK (blocked IN (0, 1)),
    blocked_seq INTEGER
) STRICT, WITHOUT ROWID;

CREATE TABLE gift_card_moves (
    seq INTEGER NOT NULL,                 -- the sale or return that moved the card
    n INTEGER NOT NULL,                   -- the move's place in that event
    number TEXT NOT NULL REFERENCES gift_cards(number),
    kind TEXT NOT NULL CHECK (kind IN ('sold', 'reloaded', 'redeemed', 'refunded')),
    amount INTEGER NOT NULL CHECK (amount > 0),
    delta INTEGER NOT NULL,               -- +amount, or -amount for 'redeemed'
    PRIMARY KEY (seq, n)
) STRICT, WITHOUT ROWID;

CREATE INDEX gift_card_moves_by_number ON gift_card_moves (number, delta);

CREATE TABLE outbox_messages (
    id INTEGER PRIMARY KEY,
    channel TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
    address TEXT NOT NULL,                -- personal data: purged with the message, never journalled
    sale_seq INTEGER NOT NULL,
    created_at TEXT NOT NULL,             -- UTC, journal format
    state TEXT NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'sending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,        -- UTC; a waiting message leaves at or after this time
    claimed_by TEXT NOT NULL DEFAULT '',  -- the sender process holding it while 'sending'
    last_error TEXT NOT NULL DEFAULT '',
    sent_at TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX outbox_messages_due ON outbox_messages (state, next_attempt_at);
