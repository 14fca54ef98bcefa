"""The restaurant: floors and tables, orders added to line by line, kitchen tickets, bills."""
