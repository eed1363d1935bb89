"""A small LTI 1.3 platform for the tests, on loopback: its own RSA keys under several kids,
``/jwks``, OIDC ``/auth``, ``/token`` (client credentials with a JWT client assertion),
line items and their scores, the deep-linking return, and dynamic registration.

``World`` starts it and the tool (over HTTPS, with a self-signed certificate made here) in
threads, and drives a launch the way a browser does, with a ``requests.Session``.
"""

from __future__ import annotations

import datetime as dt
import html
import ipaddress
import re
import secrets
import threading
import time
import uuid
from pathlib import Path

import jwt
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from flask import Flask, abort, jsonify, request
from jwt.algorithms import RSAAlgorithm
from werkzeug.serving import make_server

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
TA = "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"


def new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def self_signed(folder: Path) -> tuple[str, str]:
    """A certificate for 127.0.0.1 and its key, as files: (cert path, key path)."""
    key = new_key()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "tool.crt", folder / "tool.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_path), str(key_path)


class Served:
    """A WSGI app served in a daemon thread until ``stop()``."""

    def __init__(self, app, ssl_context=None):
        self.server = make_server("127.0.0.1", 0, app, threaded=True, ssl_context=ssl_context)
        scheme = "https" if ssl_context else "http"
        self.url = f"{scheme}://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class Platform:
    def __init__(self, tool_ca: str):
        self.tool_ca = tool_ca  # the tool's self-signed certificate, trusted for its JWKS
        self.keys = {kid: new_key() for kid in ("k1", "k2", "k3")}
        self.published = ["k1", "k2"]  # k3 is the next key, published at rotation
        self.signing_kid = "k1"
        self.hints: dict[str, dict] = {}
        self.tokens: dict[str, float] = {}
        self.token_lifetime = 3600  # seconds; at most 60, a tool asks for a token every time
        self.token_requests = 0
        self.token_failures = 0  # answer this many token requests with 503
        self.answering = threading.Event()  # cleared: the token endpoint hangs, as a dead LMS
        self.answering.set()
        self.scoring = threading.Event()  # cleared: the score endpoint hangs
        self.scoring.set()
        self.scores: dict[str, list[dict]] = {}
        self.deep_links: list[dict] = []
        self.registered: dict | None = None
        self.configuration_reads = 0  # how often a tool fetched the openid configuration
        self.registration_token = secrets.token_urlsafe(12)
        self.client_id = "tool-client-1"
        self.deployment_id = "deployment-1"
        self.served = Served(self._app())
        self.url = self.served.url

    # --- signing ---------------------------------------------------------------------
    def sign(self, claims: dict, kid: str | None = None, key=None) -> str:
        kid = kid or self.signing_kid
        return jwt.encode(claims, key or self.keys[kid], algorithm="RS256",
                          headers={"kid": kid})

    def rotate(self):
        """Publish k3 and sign with it; k1 is no longer published."""
        self.published = ["k2", "k3"]
        self.signing_kid = "k3"

    def tool_jwks(self) -> dict:
        return requests.get(self.registered["jwks_uri"], verify=self.tool_ca, timeout=5).json()

    def verify_from_tool(self, token: str, audience: str) -> dict:
        kid = jwt.get_unverified_header(token)["kid"]
        jwk = next(k for k in self.tool_jwks()["keys"] if k["kid"] == kid)
        return jwt.decode(token, RSAAlgorithm.from_jwk(jwk), algorithms=["RS256"],
                          audience=audience)

    # --- what a launch says ------------------------------------------------------------
    def hint(self, **spec) -> str:
        hint = uuid.uuid4().hex
        self.hints[hint] = spec
        return hint

    def claims(self, spec: dict, nonce: str) -> dict:
        now = int(time.time())
        sub = spec.get("sub", "student-1")
        role = spec.get("role", LEARNER)
        message = spec.get("message_type", "LtiResourceLinkRequest")
        claims = {
            "iss": self.url, "aud": spec.get("aud", self.client_id), "sub": sub,
            "iat": now + spec.get("iat_offset", 0), "exp": now + spec.get("exp_offset", 300),
            "nonce": nonce, "name": spec.get("name", f"Person {sub}"),
            LTI + "message_type": message, LTI + "version": "1.3.0",
            LTI + "deployment_id": spec.get("deployment_id", self.deployment_id),
            LTI + "target_link_uri": spec["target"], LTI + "roles": [role],
            LTI + "context": {"id": spec.get("context", "course-1"), "title": "ML 101"},
            LTI + "launch_presentation": {"return_url": f"{self.url}/course"},
        }
        if "azp" in spec:
            claims["azp"] = spec["azp"]
        if message == "LtiResourceLinkRequest":
            claims[LTI + "resource_link"] = {"id": spec.get("link", "link-1")}
            claims[LTI + "custom"] = {"item": spec.get("item", "checkpoint")}
            claims[AGS] = {"scope": [SCORE_SCOPE],
                           "lineitems": f"{self.url}/lineitems",
                           "lineitem": f"{self.url}/lineitems/{spec.get('lineitem', 'li-1')}"}
        else:
            claims[DL + "deep_linking_settings"] = {
                "deep_link_return_url": f"{self.url}/deep_link_return",
                "accept_types": ["ltiResourceLink"], "data": "opaque-42"}
        return claims

    # --- the platform's HTTP side ------------------------------------------------------
    def _app(self) -> Flask:
        app = Flask("test_platform")

        @app.get("/.well-known/openid-configuration")
        def openid_configuration():
            self.configuration_reads += 1
            return jsonify({
                "issuer": self.url, "authorization_endpoint": f"{self.url}/auth",
                "token_endpoint": f"{self.url}/token", "jwks_uri": f"{self.url}/jwks",
                "registration_endpoint": f"{self.url}/register",
                "scopes_supported": ["openid", SCORE_SCOPE],
                "https://purl.imsglobal.org/spec/lti-platform-configuration": {
                    "product_family_code": "test-platform", "version": "1.0"}})

        @app.post("/register")
        def register():
            if request.headers.get("Authorization") != f"Bearer {self.registration_token}":
                abort(401)
            self.registered = request.get_json()
            return jsonify({**self.registered, "client_id": self.client_id,
                            "https://purl.imsglobal.org/spec/lti-tool-configuration": {
                                **self.registered[
                                    "https://purl.imsglobal.org/spec/lti-tool-configuration"],
                                "deployment_id": self.deployment_id}})

        @app.get("/jwks")
        def jwks():
            return jsonify({"keys": [{**RSAAlgorithm.to_jwk(self.keys[k].public_key(),
                                                            as_dict=True),
                                      "kid": k, "alg": "RS256", "use": "sig"}
                                     for k in self.published]})

        @app.get("/auth")
        def auth():
            args = request.args
            if args.get("redirect_uri") not in (self.registered or {}).get("redirect_uris", []):
                abort(400)
            spec = self.hints[args["lti_message_hint"]]
            claims = self.claims(spec, args["nonce"])
            if "forge" in spec:  # signed with a key the platform never published
                token = self.sign(claims, kid=self.signing_kid, key=new_key())
            else:
                token = self.sign(claims, kid=spec.get("kid"))
            return (f'<form method="post" action="{html.escape(args["redirect_uri"])}">'
                    f'<input type="hidden" name="id_token" value="{token}">'
                    f'<input type="hidden" name="state" value="{html.escape(args["state"])}">'
                    "</form>")

        @app.post("/token")
        def token():
            self.token_requests += 1
            self.answering.wait(30)
            if self.token_failures:
                self.token_failures -= 1
                return jsonify({"error": "temporarily_unavailable"}), 503
            assertion = request.form.get("client_assertion", "")
            try:
                claims = self.verify_from_tool(assertion, f"{self.url}/token")
            except Exception:
                return jsonify({"error": "invalid_client"}), 401
            if claims["iss"] != self.client_id or claims["sub"] != self.client_id:
                return jsonify({"error": "invalid_client"}), 401
            access = secrets.token_urlsafe(16)
            self.tokens[access] = time.time() + self.token_lifetime
            return jsonify({"access_token": access, "token_type": "Bearer",
                            "expires_in": self.token_lifetime, "scope": request.form.get("scope")})

        @app.post("/lineitems/<item>/scores")
        def scores(item):
            self.scoring.wait(30)
            auth = request.headers.get("Authorization", "")
            access = auth.removeprefix("Bearer ")
            if not auth.startswith("Bearer ") or self.tokens.get(access, 0) < time.time():
                return jsonify({"error": "a valid access token is required"}), 401
            if request.mimetype != "application/vnd.ims.lis.v1.score+json":
                return jsonify({"error": "score media type expected"}), 415
            self.scores.setdefault(item, []).append(request.get_json(force=True))
            return "", 204

        @app.post("/deep_link_return")
        def deep_link_return():
            claims = self.verify_from_tool(request.form["JWT"], self.url)
            self.deep_links.append(claims)
            return "content placed"

        return app

    def stop(self):
        self.served.stop()


REGISTRATION_CODE = "platform-registration-code"
FORM_FIELD = re.compile(r'name="(id_token|state)" value="([^"]*)"')
FORM_ACTION = re.compile(r'<form method="post" action="([^"]+)"')


class World:
    """The platform and the tool, registered with each other."""

    def __init__(self, folder: Path, **config):
        from tests.apps import make_app

        self.cert, key = self_signed(folder)
        self.db_url = f"sqlite:///{folder / 'tool.sqlite'}"
        self.config = {"DATABASE_URL": self.db_url, "LTI_JWKS_REFETCH_SECONDS": 0,
                       "LTI_REGISTRATION_CODE": REGISTRATION_CODE,
                       "LTI_SEND_IN_BACKGROUND": True, "LTI_SEND_INTERVAL": 0.1, **config}
        self.app = make_app(folder, **self.config)
        self.tool = Served(self.app, ssl_context=(self.cert, key))
        self.platform = Platform(self.cert)

    def browser(self) -> requests.Session:
        browser = requests.Session()
        browser.verify = self.cert
        return browser

    def register(self, browser: requests.Session) -> requests.Response:
        return browser.get(f"{self.tool.url}/lti/register", params={
            "code": REGISTRATION_CODE,
            "openid_configuration": f"{self.platform.url}/.well-known/openid-configuration",
            "registration_token": self.platform.registration_token})

    def login(self, browser, client_id=None, **spec) -> requests.Response:
        spec.setdefault("target", f"{self.tool.url}/lti/launch")
        return browser.get(f"{self.tool.url}/lti/login", allow_redirects=False, params={
            "iss": self.platform.url, "login_hint": spec.get("sub", "student-1"),
            "target_link_uri": spec["target"], "lti_message_hint": self.platform.hint(**spec),
            "client_id": client_id or self.platform.client_id})

    def launch(self, browser, **spec) -> tuple[requests.Response, dict]:
        """Login initiation → the platform's /auth → the form post. (response, posted form)"""
        started = self.login(browser, **spec)
        assert started.status_code == 302, started.text[:300]
        page = requests.get(started.headers["Location"], timeout=5)
        assert page.status_code == 200, page.text[:300]
        form = dict(FORM_FIELD.findall(page.text))
        action = html.unescape(FORM_ACTION.search(page.text).group(1))
        return browser.post(action, data=form, allow_redirects=False), form

    def scores_for(self, lineitem: str, until=bool, within: float = 40.0) -> list:
        """The scores the platform accepted for ``lineitem`` once ``until(scores)`` holds: the
        tool's sender delivers them from its own thread, a little after the answer."""
        deadline = time.monotonic() + within
        while not until(self.platform.scores.get(lineitem, [])):
            if time.monotonic() > deadline:
                raise AssertionError(f"{lineitem}: the scores that arrived within {within} s "
                                     f"were {self.platform.scores.get(lineitem, [])}")
            time.sleep(0.05)
        return self.platform.scores[lineitem]

    def stop(self):
        if "lti_sender" in self.app.extensions:
            self.app.extensions["lti_sender"].stop()
        self.tool.stop()
        self.platform.stop()
        self.app.extensions["store"].dispose()
