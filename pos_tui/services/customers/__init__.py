"""Customers: who they are (outside the chain), their visits, loyalty points and store credit."""
