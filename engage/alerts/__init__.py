"""Alerts: an SLA turned watermelon, or its perception fell significantly.

``check`` compares each SLA's verdict with the last one seen and raises alerts for its
owners; ``notify`` emails them; ``auto`` runs the check after writes that change
perception or compliance; ``routes`` shows a user their alerts.
"""
