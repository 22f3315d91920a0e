"""Importing feedback from outside Engage: CSV files of comments, by upload or CLI."""
