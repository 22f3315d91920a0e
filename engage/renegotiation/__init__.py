"""The renegotiation workbench: proposals, decisions and frozen evidence."""
