"""The launch: OIDC third-party login initiation, then the id_token the platform posts.

    login(params)           → a signed state carrying the nonce; the browser sent to the platform
    verify(form, cookies)   → the id_token's claims, every check passed, its nonce used up

Each failed check is a ``LaunchRefused`` with a status and a sentence naming the check.
A login writes nothing: its state is signed with SECRET_KEY and carries the nonce, the
registration and the login's parameters, and expires after ``LOGIN_MAX_AGE``; anyone who
knows a platform's public issuer and client id can ask for logins, so they must cost no row.
The order matters: the state names the login (and so the registration) before the token is
read; the nonce is stored only once everything else passed, in one INSERT that only one
request can win, so a replay fails in this browser, another one, another worker and another
app instance sharing the database. Stored nonces older than the state's lifetime can no
longer be presented, so each launch deletes them.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from flask import current_app, request
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from lti import adapter
from lti import registrations as regs
from store import lti_queries as q

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
AGS_ENDPOINT = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
MESSAGE_TYPES = {"LtiResourceLinkRequest", "LtiDeepLinkingRequest"}
STATE_COOKIE = "lti1p3-state-"  # + state_key(state): several launches may be under way at once
LOGIN_MAX_AGE = timedelta(minutes=10)
MAX_STATE = 2048  # a signed state is a few hundred characters
LOGIN_PARAMS = ("iss", "login_hint", "target_link_uri", "lti_message_hint", "client_id",
                "lti_deployment_id", "lti_storage_target")

INSTRUCTOR_ROLES = {
    "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor",
    "http://purl.imsglobal.org/vocab/lis/v2/membership#Administrator",
    "http://purl.imsglobal.org/vocab/lis/v2/membership#ContentDeveloper",
    "Instructor",
}
TA_ROLES = {
    "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant",
    "http://purl.imsglobal.org/vocab/lis/v2/membership#TeachingAssistant",
}


class LaunchRefused(Exception):
    def __init__(self, status: int, message: str, login: dict | None = None,
                 registration: regs.Registration | None = None):
        super().__init__(message)
        self.status, self.message = status, message
        self.login, self.registration = login, registration


class NeedsPlatformStorage(Exception):
    """No state cookie came back, but the platform offered its storage: ask it."""

    def __init__(self, state: str, target: str, registration: regs.Registration):
        super().__init__(state)
        self.state, self.target, self.registration = state, target, registration


def base_url() -> str:
    return request.host_url.rstrip("/")


def _on_this_tool(url: str) -> bool:
    return regs.origin(url) == regs.origin(base_url())


def _states() -> URLSafeTimedSerializer:
    fallbacks = current_app.config.get("SECRET_KEY_FALLBACKS") or []
    secrets_newest_last = [*fallbacks, current_app.secret_key]
    return URLSafeTimedSerializer(secrets_newest_last, salt="lti-login-state")


def state_key(state: str) -> str:
    """A short, fixed-length name for a state: its cookie's suffix and its stored digest."""
    return hashlib.sha256(state.encode()).hexdigest()


# --- login initiation -------------------------------------------------------------------------

def login(params: dict) -> tuple[str, str, dict, regs.Registration]:
    """(platform URL to send the browser to, the state, the login's parameters, registration)."""
    login_params = {k: str(params[k]) for k in LOGIN_PARAMS if params.get(k)}
    issuer = login_params.get("iss")
    if not issuer or not login_params.get("login_hint"):
        raise LaunchRefused(400, "The login request names no platform (iss) or no user "
                                 "(login_hint). Start the launch from your LMS.")
    registration = regs.find(issuer, login_params.get("client_id"))
    if registration is None:
        raise LaunchRefused(403, f"This tool is not registered with the platform {issuer!r}"
                                 + (f" for client {login_params['client_id']!r}"
                                    if login_params.get("client_id") else "")
                                 + ". Ask your LMS administrator to install it.")
    target = login_params.get("target_link_uri", "")
    if not _on_this_tool(target):
        raise LaunchRefused(400, "The launch's target link URI is not on this tool.",
                            registration=registration)
    deployment = login_params.get("lti_deployment_id")
    if deployment and deployment not in registration.deployment_ids:
        raise LaunchRefused(403, f"The deployment {deployment!r} is not registered with "
                                 "this tool.", registration=registration)
    nonce = secrets.token_urlsafe(24)
    state = _states().dumps({"nonce": nonce, "registration": registration.id,
                             "login": login_params})
    query = {"scope": "openid", "response_type": "id_token", "response_mode": "form_post",
             "prompt": "none", "client_id": registration.client_id,
             "redirect_uri": f"{base_url()}/lti/launch", "login_hint": login_params["login_hint"],
             "state": state, "nonce": nonce}
    if "lti_message_hint" in login_params:
        query["lti_message_hint"] = login_params["lti_message_hint"]
    separator = "&" if "?" in registration.auth_login_url else "?"
    return (registration.auth_login_url + separator + urlencode(query), state, login_params,
            registration)


# --- the launch -------------------------------------------------------------------------------

def _read_state(state: str) -> dict | None:
    """The login a state was signed for; raises LaunchRefused once it has expired."""
    try:
        login = _states().loads(state, max_age=int(LOGIN_MAX_AGE.total_seconds()))
    except SignatureExpired:
        raise LaunchRefused(403, "The login took too long and has expired. Start it again "
                                 "from your LMS.") from None
    except BadSignature:
        return None
    return login if isinstance(login, dict) and isinstance(login.get("login"), dict) else None


def _nonce_used(nonce: str) -> bool:
    return q.nonce_known(current_app.extensions["store"], nonce)


def _use_nonce(nonce: str, state: str, registration_id: int, login_params: dict) -> bool:
    """Store the nonce as used; False when it was stored before (a replayed launch)."""
    return q.use_nonce(current_app.extensions["store"], nonce, state_key(state),
                       registration_id, login_params, datetime.now(UTC), 2 * LOGIN_MAX_AGE)


def verify(form, cookies, keys: regs.PlatformKeys) -> tuple[dict, regs.Registration, str]:
    """(claims, registration, state) of a launch that passed every check."""
    token, state = form.get("id_token"), form.get("state")
    if not token or not state or len(state) > MAX_STATE:
        error = form.get("error_description") or form.get("error")
        raise LaunchRefused(400, f"The platform refused the login: {error}." if error else
                            "The launch carries no id_token or no state. Start it again "
                            "from your LMS.")
    signed = _read_state(state)
    registration = regs.by_id(signed["registration"]) if signed else None
    if registration is None:
        raise LaunchRefused(403, "This launch's state is unknown to the tool: it was not "
                                 "started here. Start it again from your LMS.")
    login_params, nonce = signed["login"], str(signed.get("nonce"))
    refuse = lambda status, message: LaunchRefused(  # noqa: E731
        status, message, login_params, registration)
    if _nonce_used(nonce):
        raise refuse(403, "This launch has already been used (a replayed id_token). Start "
                          "it again from your LMS.")
    if cookies.get(STATE_COOKIE + state_key(state)) != "1":
        storage_state = form.get("lti_storage_state")
        target = login_params.get("lti_storage_target")
        if storage_state is None and target:
            raise NeedsPlatformStorage(state, target, registration)
        if storage_state is None or not secrets.compare_digest(storage_state, state):
            raise refuse(401, "This browser did not start the launch: its cookie for the "
                              "launch is missing, which happens where third-party cookies "
                              "are blocked.")

    header = _header(token, refuse)
    jwk = keys.key(registration.jwks_url, header.get("kid"))
    if jwk is None:
        raise refuse(401, f"The token is signed with a key (kid {header.get('kid')!r}) the "
                          "platform does not publish.")
    try:
        claims = adapter.verify(token, jwk, audience=registration.client_id,
                                issuer=registration.issuer)
    except adapter.TokenInvalid as exc:
        raise refuse(401, f"The launch's id_token failed a check: {exc}.") from None
    _check_claims(claims, registration, nonce, refuse)
    if not _use_nonce(nonce, state, registration.id, login_params):
        raise refuse(403, "This launch has already been used (a replayed id_token). Start "
                          "it again from your LMS.")
    return claims, registration, state


def _header(token: str, refuse) -> dict:
    try:
        header = adapter.header(token)
    except adapter.TokenInvalid as exc:
        raise refuse(400, f"The id_token is not readable: {exc}.") from None
    if header.get("alg") != adapter.ALGORITHM:
        raise refuse(401, f"The id_token is signed with {header.get('alg')!r}; LTI uses RS256.")
    return header


def _check_claims(claims: dict, registration: regs.Registration, nonce: str, refuse) -> None:
    aud = claims.get("aud")
    azp = claims.get("azp")
    if isinstance(aud, list) and len(aud) > 1 and not azp:
        raise refuse(401, "The id_token has several audiences and no azp claim.")
    if azp is not None and azp != registration.client_id:
        raise refuse(401, "The id_token's authorized party (azp) is another client.")
    if not isinstance(claims.get("nonce"), str) or not secrets.compare_digest(
            claims["nonce"], nonce):
        raise refuse(401, "The id_token's nonce is not the one this login sent.")
    if claims.get(LTI + "version") != "1.3.0":
        raise refuse(400, "The launch is not LTI version 1.3.0.")
    message_type = claims.get(LTI + "message_type")
    if message_type not in MESSAGE_TYPES:
        raise refuse(400, f"The tool cannot handle the message type {message_type!r}.")
    deployment = claims.get(LTI + "deployment_id")
    if deployment not in registration.deployment_ids:
        raise refuse(403, f"The deployment {deployment!r} is not registered with this tool.")
    target = claims.get(LTI + "target_link_uri")
    if not isinstance(target, str) or not _on_this_tool(target):
        raise refuse(400, "The launch's target link URI is not on this tool.")
    if message_type == "LtiResourceLinkRequest":
        if not (claims.get(LTI + "resource_link") or {}).get("id"):
            raise refuse(400, "The launch names no resource link.")
        if not claims.get("sub"):
            raise refuse(400, "The launch names no user (sub).")
    elif not (claims.get(DL + "deep_linking_settings") or {}).get("deep_link_return_url"):
        raise refuse(400, "The deep-linking request has no return URL.")


def is_instructor(claims: dict) -> bool:
    roles = set(claims.get(LTI + "roles") or [])
    if roles & INSTRUCTOR_ROLES:
        return True
    return bool(roles & TA_ROLES) and bool(current_app.config.get("LTI_TA_IS_INSTRUCTOR"))


def frame_origins(registration: regs.Registration | None, claims: dict | None = None) -> list:
    """Who may frame the tool's pages for this launch: the platform's own origins and the
    one its signed launch says the course page is on."""
    if registration is None:
        return []
    found = set(registration.origins())
    presentation = (claims or {}).get(LTI + "launch_presentation") or {}
    if regs.origin(presentation.get("return_url")):
        found.add(regs.origin(presentation["return_url"]))
    return sorted(found)

