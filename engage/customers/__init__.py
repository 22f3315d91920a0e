"""Customers, departments, contacts and services."""
