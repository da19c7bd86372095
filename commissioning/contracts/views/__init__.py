"""Pages of the contracts app, split by noun."""
