"""The SLA domain: the agreement tree, versions and compliance. Plain functions, no Flask."""
