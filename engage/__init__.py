"""Engage: customer perception linked to multi-level SLAs."""
