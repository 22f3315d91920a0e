"""Insight reports: one SLA, one customer or the portfolio, as HTML, PDF and tables."""
