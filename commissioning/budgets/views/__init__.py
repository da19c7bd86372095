"""Pages of the pooled budgets app, split by noun; thin — rules live in services."""
