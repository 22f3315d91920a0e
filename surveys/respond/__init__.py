"""Surveys: respond."""
