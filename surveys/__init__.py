"""Surveys: builder, one-time links and the customer's response page.

Depends on :mod:`engage`, never the reverse; ``app.py`` wires both.
"""
