"""What a class counts for a revealed question and for a right answer after hints: the
instructor sets both on the dashboard (a form with the dashboard's key in its address and the
session's CSRF token, as the class forms have), and every score of the class follows —
the roster, its CSV, the students' pages and the LMS gradebook (quizzes/scoring.py).

    POST /teach/<token>/<key>/credit    revealed=<0…1>&hinted=<0…1> → 303 to the dashboard
"""

from __future__ import annotations

import math

from flask import Blueprint, redirect, request, url_for

from instructors import routes
from store import classes as class_store
from web import csrf

bp = Blueprint("class_credit", __name__)

FIELDS = {"revealed": "a revealed answer", "hinted": "a right answer after hints"}


class BadCredit(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def parse_credit(form) -> tuple[float, float]:
    """Both values, each a number from 0 to 1 (a point or a comma for decimals, or a
    percentage such as 50 %)."""
    values = []
    for field, what in FIELDS.items():
        raw = (form.get(field) or "").strip().replace(",", ".")
        percent = raw.endswith("%")
        try:
            value = float(raw.rstrip("% ").strip()) / (100 if percent else 1)
        except ValueError:
            value = math.nan
        if not (0.0 <= value <= 1.0):  # also refuses nan and infinities
            raise BadCredit(field, f"Give the credit for {what} as a number from 0 to 1 "
                                   f"(0.5 or 50 % is half credit); “{raw[:20]}” is not one.")
        values.append(round(value, 4))
    return values[0], values[1]


@bp.post("/teach/<token>/<key>/credit")
@csrf.token_always
def set_credit(token: str, key: str):
    record = routes._instructor_class(token, key)
    try:
        revealed, hinted = parse_credit(request.form)
    except BadCredit as exc:
        return routes.dashboard_page(record, key, 400, credit_error=exc.message,
                                     credit_field=exc.field)
    class_store.set_credit(routes._store(), record.id, revealed, hinted)
    return redirect(url_for("instructors.dashboard", token=token, key=key, saved="credit",
                            _anchor="credit"), 303)


@bp.errorhandler(csrf.FormExpired)
def _expired(error: csrf.FormExpired):
    """The dashboard again, its scoring form refreshed with a new token (web/csrf.py)."""
    args = request.view_args or {}
    record = routes._instructor_class(args.get("token", ""), args.get("key", ""))
    return routes.dashboard_page(record, args.get("key", ""), 400,
                                 credit_error=routes.EXPIRED, credit_field="revealed")
