"""Perception beside compliance: the portfolio and the SLA page (issue 5)."""
