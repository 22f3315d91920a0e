"""gunicorn settings for Engage (override any of them with GUNICORN_CMD_ARGS)."""

import os

bind = os.environ.get("ENGAGE_BIND", "127.0.0.1:5000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "sync"
# Slow clients are dropped; a proxy in front buffers requests in production.
timeout = 30
graceful_timeout = 20
keepalive = 5
limit_request_line = 8190
limit_request_fields = 100
accesslog = "-"
errorlog = "-"
# Each worker builds its own app, so no database connection is shared across a fork.
preload_app = False
