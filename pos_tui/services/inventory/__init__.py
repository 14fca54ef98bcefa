"""The stock room: products added, retired and restored; reasons and their accounts; purchase orders
and receiving against them; stocktakes and their variances."""
