"""Demo stores: a generated catalogue and days of back-dated trading, through the journal like real use."""
