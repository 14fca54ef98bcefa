"""The store's side of the chain: its journal, sent to head office by `pos sync` (its own process).

``wire`` is what travels (shared with head office), ``outbox`` reads the journal and keeps head
office's acknowledgement and the fork alarm in the store's file, ``worker`` is the NATS loop. Only
``worker`` imports ``nats``, and only `pos sync` imports ``worker``: the till never loads it.
"""
