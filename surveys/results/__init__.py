"""Surveys: results."""
