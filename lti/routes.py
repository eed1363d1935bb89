"""LTI over HTTP. Routes parse, call lti's modules, and render.

    GET|POST /lti/login       OIDC login initiation (third-party initiated)
    POST     /lti/launch      the platform posts the id_token here (the redirect URI)
    GET      /lti/jwks        the tool's public keys
    GET      /lti/config      the tool's configuration, for installing it by hand
    GET      /lti/register    Dynamic Registration initiation (openid_configuration, token)
    GET      /lti/dashboard   the class dashboard, for an instructor who launched from the LMS
    POST     /lti/deep-link   the instructor's pick, returned to the platform as a signed JWT
"""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

from flask import (
    Blueprint,
    Response,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from instructors import keys as class_keys
from instructors import routes as instructor_pages
from lti import ags, deep_linking, keys, launch, sealing, sender
from lti import registrations as regs
from lti.launch import AGS_ENDPOINT, LTI, LaunchRefused, NeedsPlatformStorage
from quizzes.resume_routes import carry_what_was_shown
from store import Store
from store import classes as class_store
from store import lti_queries as q
from web import csrf, reader
from web.security import content_security_policy, setting

bp = Blueprint("lti", __name__, url_prefix="/lti")

SESSION = "lti"  # {"reg", "sub", "frame", "instructor", "class_id", "lineitem"}
DEEP_LINK = "lti_dl"
TITLE = "The Chain Rule — How Backpropagation Works (SeeingML)"
PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def _page(template: str, status: int = 200, **context) -> Response:
    response = Response(render_template(template, **context), status, mimetype="text/html")
    response.headers.update(PRIVATE)
    return response


def _refused(exc: LaunchRefused) -> Response:
    """A failed launch: a page saying what failed; where the browser's launch cookie went
    missing, a way to open the launch in a new window."""
    g.lti_frame = launch.frame_origins(exc.registration)
    new_window = None
    if exc.status == 401 and exc.login and "cookie" in exc.message:
        new_window = url_for(".login", _external=True) + "?" + urlencode(exc.login)
    return _page("lti/refused.html", exc.status, message=exc.message, new_window=new_window)


def _state_cookie(response: Response, state: str) -> None:
    response.set_cookie(launch.STATE_COOKIE + launch.state_key(state), "1", max_age=600,
                        path="/lti/", secure=True, httponly=True, samesite="None", partitioned=True)


@bp.route("/login", methods=["GET", "POST"])
@csrf.exempt("an LMS starts the login from its own site; the launch that follows is "
             "authenticated by the platform's signed id_token and a single-use state")
def login():
    try:
        url, state, params, registration = launch.login(request.values)
    except LaunchRefused as exc:
        return _refused(exc)
    g.lti_frame = launch.frame_origins(registration)
    if params.get("lti_storage_target"):
        response = _page("lti/storage.html", mode="put", state=state, auth_url=url,
                         target=params["lti_storage_target"],
                         platform=regs.origin(registration.auth_login_url))
    else:
        response = redirect(url, 302)
    _state_cookie(response, state)
    return response


@bp.post("/launch")
@csrf.exempt("an LMS posts the launch from its own site; its signed id_token, nonce and state "
             "authenticate it")
def launch_endpoint():
    try:
        claims, registration, state = launch.verify(
            request.form, request.cookies, current_app.extensions["lti_platform_keys"])
    except NeedsPlatformStorage as need:
        g.lti_frame = launch.frame_origins(need.registration)
        return _page("lti/storage.html", mode="get", state=need.state, target=need.target,
                     id_token=request.form.get("id_token", ""),
                     platform=regs.origin(need.registration.auth_login_url))
    except LaunchRefused as exc:
        return _refused(exc)
    response = _start(claims, registration)
    response.delete_cookie(launch.STATE_COOKIE + launch.state_key(state), path="/lti/",
                           secure=True, httponly=True, samesite="None", partitioned=True)
    return response


# --- after a launch: who, which class, where to --------------------------------------------

def _store() -> Store:
    return current_app.extensions["store"]


def _learner_for(registration_id: int, sub: str) -> str:
    new = "lti-" + secrets.token_hex(16)  # random: nothing public predicts a learner's id
    return q.learner_for(_store(), registration_id, sub, new)


def _class_for(registration: regs.Registration, context: dict, create: bool):
    """The class of this LMS course: made on the first instructor launch."""
    row = q.context_class(_store(), registration.id, str(context["id"]))
    if row is None and create:
        name = (context.get("title") or context.get("label") or "LMS course")[:120]
        key = class_keys.new_key()
        record = class_store.create_class(_store(), name, class_keys.new_token(),
                                          class_keys.hash_key(key))
        sealed = sealing.seal(keys.CLASS_KEY, key)
        # another worker may have linked the course first: then theirs is read back
        q.add_context(_store(), registration.id, str(context["id"]), record.id, sealed)
        row = q.context_class(_store(), registration.id, str(context["id"]))
    return class_store.class_by_token(_store(), row.token) if row else None


def _display_name(claims: dict) -> str:
    name = claims.get("name") or " ".join(
        part for part in (claims.get("given_name"), claims.get("family_name")) if part)
    name = name or claims.get("email") or f"LMS user {str(claims.get('sub'))[:8]}"
    return " ".join(str(name).split())[:80]


def _start(claims: dict, registration: regs.Registration) -> Response:
    instructor = launch.is_instructor(claims)
    message_type = claims[LTI + "message_type"]
    sub = str(claims.get("sub") or "")
    context = claims.get(LTI + "context") or {}
    record = _class_for(registration, context, create=instructor) if context.get("id") else None
    learner = _learner_for(registration.id, sub) if sub else None
    leaving = session.get(reader.LEARNER)
    if learner and leaving and leaving != learner:  # what was shown here counts for both
        carry_what_was_shown(leaving, learner)
    session.clear()  # a launch says who this is: nothing of a previous reader carries over
    if learner:
        session.permanent = True
        session[reader.LEARNER] = learner
    reader.csrf_token()
    info = {"reg": registration.id, "sub": sub, "instructor": instructor,
            "class_id": record.id if record else None,
            "frame": launch.frame_origins(registration, claims)}
    endpoint = claims.get(AGS_ENDPOINT) or {}
    if sender.SCORE_SCOPE in (endpoint.get("scope") or []) and endpoint.get("lineitem"):
        info["lineitem"] = endpoint["lineitem"]
    session[SESSION] = info
    g.lti_frame = info["frame"]
    if record is not None and learner and not instructor:
        name = _display_name(claims)
        class_store.enrol(_store(), record.id, learner, name)
        class_store.make_current(_store(), record.id, learner)
        session[instructor_pages.CLASS_KEY] = {"token": record.token, "name": record.name,
                                               "student": name}
    if message_type == "LtiDeepLinkingRequest":
        if not instructor:
            return _refused(LaunchRefused(403, "Only an instructor can add this chapter to a "
                                               "course.", registration=registration))
        session[DEEP_LINK] = deep_linking.settings(claims)
        return _page("lti/deep_link.html", choices=deep_linking.CHOICES)
    if instructor and record is not None:
        return redirect(url_for(".dashboard"), 303)
    item = (claims.get(LTI + "custom") or {}).get("item")
    return redirect(url_for("chapter.index", _anchor="q1" if item == "checkpoint" else None),
                    303)


# --- the instructor's pages -------------------------------------------------------------------

@bp.get("/dashboard")
def dashboard():
    info = session.get(SESSION) or {}
    if not info.get("instructor") or not info.get("class_id"):
        return _refused(LaunchRefused(403, "The class dashboard opens from your LMS: launch "
                                           "the chapter there as the course's instructor.",
                                      registration=regs.by_id(info["reg"])
                                      if info.get("reg") else None))
    row = q.class_key_row(_store(), info["class_id"], info["reg"])
    try:
        key = sealing.unseal(keys.CLASS_KEY, row.sealed_key) if row else None
    except sealing.InvalidToken:  # SECRET_KEY changed since the class was made
        key = None
    record = class_store.class_by_token(_store(), row.token) if row else None
    if key is None or record is None:
        return _refused(LaunchRefused(404, "This course's class could not be opened. Launch "
                                           "the chapter from your LMS again."))
    poll = current_app.config.get("DASHBOARD_POLL_SECONDS", instructor_pages.POLL_SECONDS)
    return instructor_pages._page(
        "instructors/dashboard.html", poll_seconds=poll, key=key,
        student_url=url_for("instructors.join", token=record.token, _external=True),
        lti_pending=ags.pending_count(record.id),
        **instructor_pages._dashboard_context(record))


def _choice_expired() -> Response:
    info = session.get(SESSION) or {}
    return _refused(LaunchRefused(403, "This choice has expired. Open the tool again from "
                                       "your LMS's content picker.",
                                  registration=regs.by_id(info["reg"]) if info.get("reg")
                                  else None))


@bp.post("/deep-link")
@csrf.token_always
def deep_link():
    saved, info = session.get(DEEP_LINK), session.get(SESSION) or {}
    registration = regs.by_id(info["reg"]) if info.get("reg") else None
    if not saved or registration is None or not info.get("instructor"):
        return _choice_expired()
    choice = request.form.get("item")
    if choice not in deep_linking.CHOICES:
        return _refused(LaunchRefused(422, "Choose the chapter or the checkpoint.",
                                      registration=registration))
    token = deep_linking.response_jwt(registration, saved, choice, launch.base_url())
    session.pop(DEEP_LINK, None)
    g.lti_frame = info.get("frame")
    g.lti_form_action = regs.origin(saved["return_url"])
    return _page("lti/deep_link_return.html", action=saved["return_url"], jwt=token)


# --- what platforms read ----------------------------------------------------------------------

@bp.get("/jwks")
def jwks():
    response = jsonify(keys.jwks())
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/config")
def config():
    base = launch.base_url()
    tool = regs.tool_configuration(base, TITLE)
    body = {
        "title": TITLE, "description": tool[regs.LTI_TOOL_CONFIG]["description"],
        "oidc_initiation_url": tool["initiate_login_uri"],
        "target_link_uri": f"{base}/lti/launch", "redirect_uris": tool["redirect_uris"],
        "public_jwk_url": tool["jwks_uri"], "scopes": regs.SCOPES,
        "dynamic_registration_url": f"{base}/lti/register",
        "deep_linking_url": f"{base}/lti/launch",
        "extensions": [{"platform": "canvas.instructure.com", "privacy_level": "public",
                        "settings": {"placements": [
                            {"placement": "assignment_selection",
                             "message_type": "LtiDeepLinkingRequest",
                             "target_link_uri": f"{base}/lti/launch"},
                            {"placement": "link_selection",
                             "message_type": "LtiDeepLinkingRequest",
                             "target_link_uri": f"{base}/lti/launch"}]}}],
        "custom_fields": {},
        "registration": tool,
    }
    return jsonify(body)


def _registration_refusal():
    """Dynamic registration makes this server fetch the address it is given, so only an
    operator's own registration link (with the code they set) may start one."""
    code = (setting(current_app, "LTI_REGISTRATION_CODE") or "").strip()
    if not code:
        return _page("lti/refused.html", 403, new_window=None, message=(
            "Dynamic registration is off on this site. The operator turns it on by setting "
            "LTI_REGISTRATION_CODE, then gives the LMS the registration URL "
            "/lti/register?code=<that code>. Without it, install the tool by hand from "
            "/lti/config."))
    if not class_keys.code_matches(request.args.get("code"), code):
        return _page("lti/refused.html", 403, new_window=None, message=(
            "This registration link is missing the site's registration code, or it is wrong. "
            "Ask the site's operator for the registration URL."))
    return None


@bp.get("/register")
def register():
    refused = _registration_refusal()
    if refused is not None:
        return refused
    configuration = request.args.get("openid_configuration", "")
    g.lti_frame = [regs.origin(configuration)] if regs.origin(configuration) else []
    if not regs.origin(configuration):
        return _page("lti/refused.html", 400, new_window=None, message=(
            "Open this address from your LMS's tool registration: it needs the "
            "openid_configuration parameter the LMS adds."))
    try:
        registration = regs.register_dynamically(
            configuration, request.args.get("registration_token"), launch.base_url(), TITLE)
    except regs.RegistrationError as exc:
        return _page("lti/refused.html", 502, new_window=None,
                     message=f"The registration did not complete: {exc}.")
    return _page("lti/registered.html", registration=registration)


@bp.errorhandler(csrf.FormExpired)
def _expired(error: csrf.FormExpired) -> Response:
    return _choice_expired()  # the only form here is the deep-linking choice


@bp.after_app_request
def _frame_for_platforms(response: Response) -> Response:
    """Pages of a launch may be framed by its platform, and no one else."""
    origins = g.get("lti_frame")
    if origins is None and request.cookies:
        origins = (session.get(SESSION) or {}).get("frame")
    if origins:
        policy = content_security_policy(" ".join(["'self'", *origins]))
        if g.get("lti_form_action"):
            policy = policy.replace("form-action 'self'",
                                    f"form-action 'self' {g.lti_form_action}")
        response.headers["Content-Security-Policy"] = policy
        response.headers.pop("X-Frame-Options", None)
    return response


def attempt_listener(learner_id: str, question_id: str) -> None:
    """After a checkpoint attempt is stored: queue the LTI learner's score and wake this
    process's sender. Nothing here calls the platform: its trouble never reaches the answer."""
    info = session.get(SESSION) or {}
    if not info.get("lineitem") or not info.get("sub"):
        return
    try:
        ags.queue(info["reg"], info["lineitem"], info.get("class_id"),
                  ags.score_for(learner_id, info["sub"], info.get("class_id")))
        waker = current_app.extensions.get("lti_sender")
        if waker is not None:
            waker.wake()
    except Exception:  # grading must not fail because of passback
        current_app.logger.exception("LTI score for %s not queued or sent", learner_id)

