"""Administration: staff accounts, the aspect list and the audit log."""
