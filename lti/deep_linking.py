"""Deep linking: an instructor picks what to place in the course — the whole chapter, or the
checkpoint as a graded item — and the tool answers with a JWT signed by its own key."""

from __future__ import annotations

import secrets
import time

from lti import keys
from lti.launch import DL, LTI

CHOICES = {
    "chapter": {"title": "The Chain Rule — How Backpropagation Works",
                "text": "The whole chapter, with its figures and checkpoint."},
    "checkpoint": {"title": "The Chain Rule — Checkpoint",
                   "text": "The four-question checkpoint, graded: scores go to the gradebook."},
}


def settings(claims: dict) -> dict:
    """What the response needs later from the request, kept in the instructor's session."""
    found = claims.get(DL + "deep_linking_settings") or {}
    return {"return_url": found["deep_link_return_url"], "data": found.get("data"),
            "deployment_id": claims[LTI + "deployment_id"]}


def content_item(choice: str, base: str) -> dict:
    item = {"type": "ltiResourceLink", "title": CHOICES[choice]["title"],
            "text": CHOICES[choice]["text"], "url": f"{base}/lti/launch",
            "custom": {"item": choice}}
    if choice == "checkpoint":
        item["lineItem"] = {"scoreMaximum": 4, "label": CHOICES[choice]["title"],
                            "resourceId": "checkpoint"}
    return item


def response_jwt(registration, saved: dict, choice: str, base: str) -> str:
    now = int(time.time())
    claims = {
        "iss": registration.client_id, "aud": [registration.issuer],
        "iat": now, "exp": now + 600, "nonce": secrets.token_urlsafe(16),
        LTI + "deployment_id": saved["deployment_id"],
        LTI + "message_type": "LtiDeepLinkingResponse", LTI + "version": "1.3.0",
        DL + "content_items": [content_item(choice, base)],
    }
    if saved.get("data") is not None:
        claims[DL + "data"] = saved["data"]
    return keys.sign(claims)
