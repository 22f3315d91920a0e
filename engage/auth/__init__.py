"""Staff authentication: passwords, server-side sessions, throttling and access scope."""
