"""Surveys: builder."""
