"""Selling: completing sales, returns and voids, parked carts, receipts, printing and the customer display."""
