"""pos_tui: a point of sale that runs in a terminal."""
