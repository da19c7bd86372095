"""Helpers shared by the cycle's services (not for use outside the package)."""

from portal.services import require, save  # noqa: F401 - the shared kernel's, used here


