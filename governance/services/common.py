"""Helpers shared by the governance services."""
from portal.services import require, save  # noqa: F401 - the shared kernel's, used here


