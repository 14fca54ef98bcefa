"""The catalogue: products, barcodes, prices and stock; the CSV import and export; the stock room."""
