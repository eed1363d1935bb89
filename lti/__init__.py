"""LTI 1.3 (LTI Advantage): the chapter as a tool an LMS launches, places and grades.

``init_app`` registers the routes (lti/routes.py), the per-process caches (the platforms'
keys, AGS access tokens), the checkpoint listener that passes scores back, the session
cookie that works inside an LMS frame, and the ``flask lti`` commands. Its tables live in
the app's one store, which ``store.init_app`` opened.
"""

from __future__ import annotations

import click
from flask import Flask, has_request_context, request, session
from flask.cli import AppGroup

lti_cli = AppGroup("lti", help="LTI 1.3: the tool's keys and the scores waiting to be sent.")


@lti_cli.command("rotate-key")
def _rotate_key() -> None:
    """Make a new signing key; the old one stays published until retire-keys."""
    from lti import keys

    click.echo(f"new key {keys.rotate()}; old keys stay published until `flask lti retire-keys`")


@lti_cli.command("retire-keys")
def _retire_keys() -> None:
    """Stop publishing every key but the newest."""
    from lti import keys

    click.echo(f"retired {keys.retire_old()} key(s)")


@lti_cli.command("reseal")
def _reseal() -> None:
    """Rewrite every sealed secret (the tool's keys, the classes' instructor keys) under the
    current SECRET_KEY; run it after moving the old one to SECRET_KEY_FALLBACKS."""
    from lti import keys

    click.echo(f"resealed {keys.reseal_all()} tool key(s) and {keys.reseal_class_keys()} "
               "class key(s) under the current SECRET_KEY")


@lti_cli.command("send-scores")
def _send_scores() -> None:
    """Send the scores the platforms have not accepted yet (one round, as the sender does)."""
    from lti import sender

    sent, waiting = sender.flush()
    click.echo(f"sent {sent}; {waiting} still waiting")


@lti_cli.command("add-platform")
@click.option("--issuer", required=True)
@click.option("--client-id", required=True)
@click.option("--deployment-id", "deployment_ids", multiple=True, required=True)
@click.option("--auth-url", required=True, help="The platform's OIDC authorization URL.")
@click.option("--token-url", required=True, help="The platform's OAuth 2 token URL.")
@click.option("--jwks-url", required=True, help="The platform's public keys (JWKS) URL.")
def _add_platform(issuer, client_id, deployment_ids, auth_url, token_url, jwks_url) -> None:
    """Register a platform by hand (what dynamic registration does by itself)."""
    from lti import registrations

    record = registrations.add(issuer, client_id, auth_url, token_url, jwks_url,
                               list(deployment_ids))
    click.echo(f"registered {record.issuer} client {record.client_id}: deployments "
               f"{', '.join(record.deployment_ids)}")


def _frameable_sessions(base: type) -> type:
    """The app's session cookie, but SameSite=None; Secure; Partitioned for a reader who
    came in by an LTI launch over HTTPS, so it comes back inside the LMS's frame."""

    class LtiSessions(base):
        @staticmethod
        def _lti() -> bool:
            return has_request_context() and request.is_secure and "lti" in session

        def get_cookie_samesite(self, app):
            return "None" if self._lti() else super().get_cookie_samesite(app)

        def get_cookie_secure(self, app):
            return True if self._lti() else super().get_cookie_secure(app)

        def get_cookie_partitioned(self, app):
            return True if self._lti() else super().get_cookie_partitioned(app)

    return LtiSessions


def init_app(app: Flask) -> None:
    from lti import registrations, routes, sender

    app.extensions["lti_platform_keys"] = registrations.PlatformKeys()
    app.extensions["lti_tokens"] = sender.Tokens()
    app.extensions["lti_in_flight"] = sender.InFlight()
    if app.config.get("LTI_SEND_IN_BACKGROUND", not app.testing):  # tests send by hand
        scores = app.extensions["lti_sender"] = sender.Sender(app)
        app.before_request(scores.ensure_running)  # after the fork: one thread per worker
    app.extensions.setdefault("attempt_listeners", []).append(routes.attempt_listener)
    app.session_interface = _frameable_sessions(type(app.session_interface))()
    app.register_blueprint(routes.bp)
    app.cli.add_command(lti_cli)
