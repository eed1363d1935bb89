"""Platforms this tool is installed in: stored registrations, their keys, dynamic registration.

A registration is keyed by (issuer, client_id) and lists the deployment ids that may launch.
The platform's public keys (its JWKS) are cached per process and fetched again, once, when a
token names a ``kid`` the cache does not have — how a platform's key rotation reaches us —
but not more often than ``LTI_JWKS_REFETCH_SECONDS`` (default 10), so forged kids cannot make
the tool hammer the platform.
"""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import requests
from flask import current_app

from store import lti_queries as q

HTTP_TIMEOUT = 10  # an operator's registration
JWKS_TIMEOUT = (2.0, 3.0)  # connect, read: a launch waits at most this on a platform's keys


class RegistrationError(Exception):
    """Dynamic registration or a key fetch failed; the message says how."""


@dataclass(frozen=True)
class Registration:
    id: int
    issuer: str
    client_id: str
    auth_login_url: str
    auth_token_url: str
    jwks_url: str
    token_audience: str | None
    deployment_ids: tuple[str, ...]
    name: str | None

    def origins(self) -> list[str]:
        """Where this platform's pages are served from: who may frame the tool for it."""
        return sorted({origin(self.issuer), origin(self.auth_login_url)} - {""})


def origin(url: str | None) -> str:
    parts = urlsplit(url or "")
    if parts.scheme not in ("https", "http") or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}"


def _store():
    return current_app.extensions["store"]


def _record(row) -> Registration:
    m = row._mapping
    return Registration(m["id"], m["issuer"], m["client_id"], m["auth_login_url"],
                        m["auth_token_url"], m["jwks_url"], m["token_audience"],
                        tuple(json.loads(m["deployment_ids"])), m["name"])


def find(issuer: str, client_id: str | None = None) -> Registration | None:
    """By issuer and client id; by issuer alone when the platform named no client and only
    one registration has that issuer."""
    rows = q.find_registrations(_store(), issuer, client_id, limit=2)
    return _record(rows[0]) if len(rows) == 1 else None


def by_id(registration_id: int) -> Registration | None:
    row = q.registration_by_id(_store(), registration_id)
    return _record(row) if row else None


def add(issuer: str, client_id: str, auth_login_url: str, auth_token_url: str, jwks_url: str,
        deployment_ids: list[str], name: str | None = None,
        token_audience: str | None = None) -> Registration:
    """Store a registration, or add deployment ids to the one already stored."""
    existing = find(issuer, client_id)
    if existing is not None:
        merged = list(dict.fromkeys([*existing.deployment_ids, *deployment_ids]))
        q.update_registration(_store(), existing.id, merged, auth_login_url, auth_token_url,
                              jwks_url)
        return by_id(existing.id)

    new_id = q.insert_registration(_store(), dict(
        issuer=issuer, client_id=client_id, auth_login_url=auth_login_url,
        auth_token_url=auth_token_url, jwks_url=jwks_url, token_audience=token_audience,
        deployment_ids=list(dict.fromkeys(deployment_ids)), name=name,
        created_at=datetime.now(UTC)))
    if new_id is None:  # registered at the same moment by another worker
        return add(issuer, client_id, auth_login_url, auth_token_url, jwks_url,
                   deployment_ids, name, token_audience)
    return by_id(new_id)


# --- the platform's keys ----------------------------------------------------------------------

class PlatformKeys:
    """Per process: JWKS URL → (kid → JWK, when fetched). One lock per URL, so a platform
    whose keys hang holds up launches from no other platform."""

    def __init__(self) -> None:
        self._cache: dict[str, tuple[dict[str, dict], float]] = {}
        self._locks: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)

    def _fetch(self, url: str) -> dict[str, dict]:
        try:
            response = requests.get(url, timeout=JWKS_TIMEOUT)
            response.raise_for_status()
            found = {k["kid"]: k for k in response.json()["keys"] if "kid" in k}
        except (requests.RequestException, ValueError, KeyError, TypeError) as exc:
            raise RegistrationError(f"the platform's keys at {url} could not be read: "
                                    f"{exc}") from None
        self._cache[url] = (found, time.monotonic())
        return found

    def key(self, url: str, kid: str | None) -> dict | None:
        """The platform's public key ``kid``: from the cache, else fetched again once."""
        with self._locks[url]:
            known, fetched = self._cache.get(url, ({}, None))
            if kid in known:
                return known[kid]
            wait = float(current_app.config.get("LTI_JWKS_REFETCH_SECONDS", 10))
            if fetched is not None and time.monotonic() - fetched < wait:
                return None
            return self._fetch(url).get(kid)


# --- dynamic registration (1EdTech LTI Dynamic Registration 1.0) -------------------------------

LTI_PLATFORM_CONFIG = "https://purl.imsglobal.org/spec/lti-platform-configuration"
LTI_TOOL_CONFIG = "https://purl.imsglobal.org/spec/lti-tool-configuration"
SCOPES = ["https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
          "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
          "https://purl.imsglobal.org/spec/lti-ags/scope/score"]


def tool_configuration(base: str, title: str) -> dict:
    """What the tool tells a platform about itself (its registration request body)."""
    host = urlsplit(base).netloc
    return {
        "application_type": "web",
        "response_types": ["id_token"],
        "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": f"{base}/lti/login",
        "redirect_uris": [f"{base}/lti/launch"],
        "client_name": title,
        "jwks_uri": f"{base}/lti/jwks",
        "logo_uri": f"{base}/static/favicon.svg",
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": " ".join(SCOPES),
        LTI_TOOL_CONFIG: {
            "domain": host,
            "description": "An interactive chapter with a graded four-question checkpoint.",
            "target_link_uri": f"{base}/lti/launch",
            "claims": ["iss", "sub", "name", "given_name", "family_name", "email"],
            "messages": [
                {"type": "LtiResourceLinkRequest", "target_link_uri": f"{base}/lti/launch"},
                {"type": "LtiDeepLinkingRequest", "target_link_uri": f"{base}/lti/launch",
                 "label": "The Chain Rule (SeeingML)",
                 "placements": ["assignment_selection", "link_selection"]},
            ],
        },
    }


def register_dynamically(openid_configuration: str, registration_token: str | None,
                         base: str, title: str) -> Registration:
    """Read the platform's configuration, post ours, store what comes back."""
    try:
        response = requests.get(openid_configuration, timeout=HTTP_TIMEOUT)
        response.raise_for_status()
        platform = response.json()
        issuer = platform["issuer"]
        endpoint = platform["registration_endpoint"]
    except (requests.RequestException, ValueError, KeyError, TypeError) as exc:
        raise RegistrationError(f"the platform's configuration could not be read: {exc}") \
            from None
    if origin(issuer) != origin(openid_configuration):
        raise RegistrationError("the configuration's issuer is not on the host it was "
                                "served from")
    headers = {"Authorization": f"Bearer {registration_token}"} if registration_token else {}
    try:
        answer = requests.post(endpoint, json=tool_configuration(base, title), headers=headers,
                               timeout=HTTP_TIMEOUT)
        answer.raise_for_status()
        client = answer.json()
        client_id = client["client_id"]
    except (requests.RequestException, ValueError, KeyError, TypeError) as exc:
        raise RegistrationError(f"the platform refused the registration: {exc}") from None
    deployment = (client.get(LTI_TOOL_CONFIG) or {}).get("deployment_id")
    return add(issuer, client_id, platform["authorization_endpoint"],
               platform["token_endpoint"], platform["jwks_uri"],
               [deployment] if deployment else [],
               name=(platform.get(LTI_PLATFORM_CONFIG) or {}).get("product_family_code"),
               token_audience=platform.get("authorization_server"))
