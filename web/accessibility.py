"""GET /accessibility: the accessibility statement (who to tell about a problem, the known
limitations, the date and version) and the conformance report, from the same rows as
ACCESSIBILITY.md (web/acr.py). The report is built once at start-up: a criteria file that is
wrong stops start-up, saying where."""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, render_template
from markupsafe import Markup, escape

from web import acr, security

bp = Blueprint("accessibility", __name__)
NO_CONTACT = ("This site's operator has not named an accessibility contact. Tell your "
              "instructor, or whoever gave you the link to this chapter: they can pass it on.")


def contact() -> Markup:
    """``ACCESSIBILITY_CONTACT`` as a link (an e-mail address or a web address) or words."""
    value = (security.setting(current_app, "ACCESSIBILITY_CONTACT") or "").strip()
    if not value:
        return Markup(escape(NO_CONTACT))
    if value.startswith(("https://", "http://")):
        return Markup('<a href="{0}">{0}</a>').format(value)
    if "@" in value and " " not in value:
        return Markup('Write to <a href="mailto:{0}">{0}</a>.').format(value)
    return Markup(escape(value))


@bp.get("/accessibility")
def statement():
    report = current_app.extensions["accessibility"]
    return render_template("accessibility.html", report=report, contact=contact(),
                           levels=("A", "AA"))


def init_app(app: Flask) -> None:
    app.extensions["accessibility"] = acr.build()
    app.register_blueprint(bp)
