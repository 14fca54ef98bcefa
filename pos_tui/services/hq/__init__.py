"""Head office: PostgreSQL as the store of record, fed by the stores' journals over NATS JetStream.

``schema`` migrates the PostgreSQL schema (`db/hq/`), ``stores`` registers stores and terminals,
``ingest`` verifies and stores a batch of events in one transaction and projects them, ``serve`` is
the JetStream consumer around it, ``reports`` reads the projections. Only `pos hq` imports these.
"""
