"""Instructors: classes, the student link, the class dashboard and its CSV exports.

``init_app`` registers the pages, the ``flask classes`` commands and the banner a student in
a class sees. It uses the app's one store, which ``store.init_app`` opened.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from instructors import credit, routes
    from instructors.cli import classes_cli
    from instructors.ratelimit import CREATE_LIMIT, CREATE_WINDOW, StoredBackoff
    from web import reader
    from web.security import RateWindow

    app.extensions["instructor_backoff"] = StoredBackoff(app.extensions["store"])
    app.extensions["class_creation_window"] = RateWindow(
        int(app.config.get("CLASSES_PER_HOUR", CREATE_LIMIT)), CREATE_WINDOW)
    app.register_blueprint(routes.bp)
    app.register_blueprint(credit.bp)
    app.cli.add_command(classes_cli)
    app.add_template_global(routes.class_membership, "class_membership")
    app.add_template_global(reader.csrf_token, "class_csrf_token")
    # Compiled at start-up, so a process's first dashboard does not wait on Jinja.
    for name in app.jinja_env.list_templates(filter_func=lambda n: n.startswith("instructors/")):
        app.jinja_env.get_template(name)
