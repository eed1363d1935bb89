"""The one module that touches the JWT library (PyJWT, RS256 with ``cryptography``).

Everything LTI-specific (which claims, which keys, nonces, deployments) is decided in the
other modules; here a token is only decoded, verified against one public JWK, or signed.
Swapping the library means rewriting this file alone.
"""

from __future__ import annotations

import json

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

ALGORITHM = "RS256"
LEEWAY_SECONDS = 30  # clocks of a platform and a tool disagree a little


class TokenInvalid(Exception):
    """The token failed a check; the message says which, in words a person can act on."""


def header(token: str) -> dict:
    try:
        return jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise TokenInvalid(f"the token is not a JWT ({exc})") from None


def verify(token: str, jwk: dict, audience: str | None, issuer: str | None) -> dict:
    """Signature, ``exp``, ``iat``, ``iss`` and ``aud`` checked; the claims returned."""
    try:
        key = RSAAlgorithm.from_jwk(json.dumps(jwk))
        options = {"require": ["exp", "iat", "iss", "aud"] if audience else ["exp", "iat"]}
        if audience is None:
            options["verify_aud"] = False
        return jwt.decode(token, key, algorithms=[ALGORITHM], audience=audience,
                          issuer=issuer, leeway=LEEWAY_SECONDS, options=options)
    except jwt.ExpiredSignatureError:
        raise TokenInvalid("the token has expired (exp is in the past)") from None
    except jwt.ImmatureSignatureError:
        raise TokenInvalid("the token was issued in the future (iat)") from None
    except jwt.InvalidAudienceError:
        raise TokenInvalid("the token is for another client (aud)") from None
    except jwt.InvalidIssuerError:
        raise TokenInvalid("the token is from another issuer (iss)") from None
    except jwt.InvalidSignatureError:
        raise TokenInvalid("the signature does not match the platform's key") from None
    except jwt.MissingRequiredClaimError as exc:
        raise TokenInvalid(f"the token has no {exc.claim} claim") from None
    except (jwt.PyJWTError, ValueError, TypeError) as exc:
        raise TokenInvalid(f"the token could not be verified ({exc})") from None


def sign(claims: dict, private_pem: str, kid: str) -> str:
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    return jwt.encode(claims, key, algorithm=ALGORITHM, headers={"kid": kid})


def new_private_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def public_jwk(private_pem: str, kid: str) -> dict:
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    jwk = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
    return {**jwk, "kid": kid, "alg": ALGORITHM, "use": "sig"}
