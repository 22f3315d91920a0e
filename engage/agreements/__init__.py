"""The SLA tree, objectives, versions, measurements and compliance pages."""
