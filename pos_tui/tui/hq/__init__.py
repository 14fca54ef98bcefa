"""Head office's cockpit (`pos hq`): stores and their sync, stock by store, transfers to approve and the
consolidated reports, in the till's look. Its own app and process: it loads psycopg, the till never does."""
