"""Composition root: ``create_app()`` builds the Engage application.

Serve with ``gunicorn "app:create_app()"``; nothing is built at import time.
"""

from __future__ import annotations

import gc
import os
from typing import Any

from flask import Flask


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create and configure an Engage app.

    :param test_config: settings applied last, over the environment (tests use it).
    """
    instance_path = (test_config or {}).get("INSTANCE_PATH") or os.environ.get(
        "ENGAGE_INSTANCE_PATH"
    )
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    from engage.config import load_config

    load_config(app, test_config)
    app.logger.setLevel(app.config["LOG_LEVEL"])
    app.jinja_env.add_extension("jinja2.ext.do")
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_demo_layers()
    if not app.testing:
        # What start-up built (lexicons, templates, mappers) lives as long as the
        # worker: freezing it keeps every full garbage collection from walking it
        # again, which the portfolio's many short-lived objects trigger per request.
        gc.freeze()
    return app


def register_extensions(app: Flask) -> None:
    from engage import (
        models,  # noqa: F401  (registers every table on the metadata)
        rollups,
    )
    from engage.alerts import auto as alerts_auto
    from engage.database import configure_engine
    from engage.extensions import csrf, db, limiter, login_manager, migrate
    from engage.security import register_security_headers

    db.init_app(app)
    rollups.install()
    alerts_auto.install()
    with app.app_context():
        configure_engine(app, db.engine)
    migrate.init_app(app, db, directory=str(_here() / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    # Sessions are checked server-side on every request (engage.auth.sessions).
    login_manager.session_protection = None
    register_security_headers(app)


def register_blueprints(app: Flask) -> None:
    from engage.actions.routes import bp as actions_bp
    from engage.admin.routes import bp as admin_bp
    from engage.agreements.routes import bp as agreements_bp
    from engage.alerts.routes import bp as alerts_bp
    from engage.auth.routes import bp as auth_bp
    from engage.customers.routes import bp as customers_bp
    from engage.explain.routes import bp as feedback_bp
    from engage.home.routes import bp as home_bp
    from engage.imports.routes import bp as imports_bp
    from engage.perception.routes import bp as perception_bp
    from engage.renegotiation.routes import bp as renegotiation_bp
    from engage.reports.routes import bp as reports_bp
    from engage.sessions.routes import bp as sessions_bp
    from engage.sharing import schedule_routes  # noqa: F401  (its routes join sharing)
    from engage.sharing.routes import bp as sharing_bp
    from surveys.respond.routes import bp as respond_bp
    from surveys.staff import bp as staff_surveys_bp

    for bp in (auth_bp, home_bp, customers_bp, agreements_bp, admin_bp):
        app.register_blueprint(bp)
    app.register_blueprint(imports_bp)
    app.register_blueprint(feedback_bp)
    app.register_blueprint(staff_surveys_bp)
    app.register_blueprint(respond_bp)
    app.register_blueprint(sessions_bp)
    app.register_blueprint(actions_bp)
    app.register_blueprint(perception_bp)
    app.register_blueprint(alerts_bp)
    app.register_blueprint(renegotiation_bp)
    from engage.api import init_api

    init_api(app)
    app.register_blueprint(sharing_bp)
    app.register_blueprint(reports_bp)


def register_errorhandlers(app: Flask) -> None:
    from engage.errors import register_errorhandlers as register

    register(app)
    from engage.api import register_api_errors

    register_api_errors(app)


def register_demo_layers() -> None:
    """Let packages beyond ``engage`` add to the demo (engage never imports them)."""
    from engage.alerts.demo import seed_alert_demo
    from engage.demo import register_layer
    from engage.sessions.demo import seed_session_demo
    from surveys.demo import seed_survey_demo

    register_layer(seed_survey_demo)
    register_layer(seed_session_demo)
    # Last: the check needs every other layer's feedback.
    register_layer(seed_alert_demo)


def register_commands(app: Flask) -> None:
    from engage.alerts.cli import check_alerts_command
    from engage.cli import engage_cli
    from engage.imports.cli import import_feedback
    from engage.rescoring import rescore_command
    from engage.sharing.schedules import send_reports_command
    from surveys.cli import surveys_cli

    engage_cli.add_command(rescore_command)
    engage_cli.add_command(import_feedback)
    engage_cli.add_command(check_alerts_command)
    engage_cli.add_command(send_reports_command)
    app.cli.add_command(engage_cli)
    app.cli.add_command(surveys_cli)


def _here() -> Any:
    from pathlib import Path

    return Path(__file__).resolve().parent
