"""Flask extensions, created unbound and bound to the app in ``app.py``."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from engage.models.base import Base, render_migration_item

db = SQLAlchemy(model_class=Base)
#: ``render_as_batch`` lets Alembic alter tables on SQLite (copy-and-move).
migrate = Migrate(
    render_as_batch=True, compare_type=True, render_item=render_migration_item
)
csrf = CSRFProtect()
login_manager = LoginManager()
#: Limits are declared per route; storage is RATELIMIT_STORAGE_URI (memory or Redis).
limiter = Limiter(key_func=get_remote_address, default_limits=[])
