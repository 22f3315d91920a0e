"""Listening sessions: meetings where customers talk, and their scored statements."""
