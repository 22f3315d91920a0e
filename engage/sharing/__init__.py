"""Sharing reports outside Engage: read-only links for customers and monthly emails."""
