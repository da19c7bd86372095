"""Governance pages, one module per noun; thin — rules live in services."""
