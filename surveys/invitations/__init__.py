"""Surveys: invitations."""
