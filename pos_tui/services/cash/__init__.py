"""Cash control: money in and out of the drawers, shifts and blind counts, X and Z reports, the daybook."""
