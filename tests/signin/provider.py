"""A local OpenID provider for the tests: a discovery document, a JWKS with an RSA key made for the
run, an authorization endpoint that signs in whoever the test says (no page to click through) and a
token endpoint that checks the client's secret and PKCE and returns an ID token signed with that key.

It answers like Microsoft Entra ID (multi-tenant: its discovery document names the issuer with a
{tenantid} placeholder, its tokens carry tid and oid) or like Google (hd, email_verified). A test
may change the next token's claims (a forged issuer, another tenant) through ``next_token``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

ENTRA_TENANT = "0b5f3f8e-6a7e-4c9a-9a55-111111111111"
OTHER_TENANT = "2c1d7e52-4a1b-4f0e-8f11-222222222222"
GOOGLE_DOMAIN = "newport.gov.uk"

_KEY = RSAKey.generate_key(2048, parameters={"kid": "test-signing-key", "use": "sig", "alg": "RS256"}, private=True)


@dataclass
class Grant:
    client_id: str
    redirect_uri: str
    nonce: str
    challenge: str
    claims: dict[str, Any]


@dataclass
class LocalProvider:
    flavour: str  # "entra" or "google"
    client_id: str = "tracker-test-client"
    client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    url: str = ""
    person: dict[str, Any] = field(default_factory=dict)  # who signs in at the next /authorize
    next_token: dict[str, Any] = field(default_factory=dict)  # claims to put in (or over) the next ID token
    codes: dict[str, Grant] = field(default_factory=dict)
    token_requests: list[dict[str, str]] = field(default_factory=list)

    @property
    def metadata_url(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"

    def discovery(self) -> dict[str, Any]:
        issuer = ("https://login.microsoftonline.com/{tenantid}/v2.0" if self.flavour == "entra"
                  else "https://accounts.google.com")
        return {
            "issuer": issuer, "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token", "jwks_uri": f"{self.url}/keys",
            "response_types_supported": ["code"], "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"], "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
        }

    def sign_in_as(self, **claims: Any) -> None:
        self.person = claims

    def _id_token(self, grant: Grant) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {"aud": grant.client_id, "iat": now, "nbf": now, "exp": now + 600,
                                  "nonce": grant.nonce}
        if self.flavour == "entra":
            tid = grant.claims.get("tid", ENTRA_TENANT)
            claims.update({"iss": f"https://login.microsoftonline.com/{tid}/v2.0", "ver": "2.0",
                           "sub": secrets.token_urlsafe(16)})
        else:
            claims.update({"iss": "https://accounts.google.com", "azp": grant.client_id})
        claims.update(grant.claims)
        claims.update(self.next_token)
        self.next_token = {}
        return jwt.encode({"alg": "RS256", "kid": _KEY.kid}, claims, _KEY)

    def _json(self, body: Any, status: int = 200) -> Response:
        return Response(json.dumps(body), status=status, mimetype="application/json")

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        if request.path == "/.well-known/openid-configuration":
            response = self._json(self.discovery())
        elif request.path == "/keys":
            response = self._json(KeySet([_KEY]).as_dict(private=False))
        elif request.path == "/authorize":
            response = self._authorize(request)
        elif request.path == "/token" and request.method == "POST":
            response = self._token(request)
        else:
            response = Response("not found", status=404)
        return response(environ, start_response)

    def _authorize(self, request: Request) -> Response:
        args = request.args
        if args.get("client_id") != self.client_id or args.get("response_type") != "code":
            return Response("unknown client", status=400)
        if args.get("code_challenge_method") != "S256" or not args.get("code_challenge") or not args.get("nonce"):
            return Response("PKCE and a nonce are required", status=400)
        code = secrets.token_urlsafe(24)
        self.codes[code] = Grant(self.client_id, args["redirect_uri"], args["nonce"], args["code_challenge"],
                                 dict(self.person))
        back = args["redirect_uri"] + "?" + urlencode({"code": code, "state": args.get("state", "")})
        return Response(status=302, headers={"Location": back})

    def _client_ok(self, request: Request) -> bool:
        auth = request.authorization
        if auth is not None and auth.type == "basic":
            return auth.username == self.client_id and auth.password == self.client_secret
        return request.form.get("client_id") == self.client_id and request.form.get("client_secret") == self.client_secret

    def _token(self, request: Request) -> Response:
        form = request.form
        self.token_requests.append(dict(form))
        if not self._client_ok(request):
            return self._json({"error": "invalid_client"}, 401)
        grant = self.codes.pop(form.get("code", ""), None)  # a code works once
        if grant is None or form.get("grant_type") != "authorization_code":
            return self._json({"error": "invalid_grant", "error_description": "unknown or used code"}, 400)
        verifier = form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
        if challenge != grant.challenge or form.get("redirect_uri") != grant.redirect_uri:
            return self._json({"error": "invalid_grant", "error_description": "PKCE or redirect_uri mismatch"}, 400)
        return self._json({"access_token": secrets.token_urlsafe(24), "token_type": "Bearer", "expires_in": 3600,
                           "id_token": self._id_token(grant)})


@contextmanager
def running(flavour: str) -> Iterator[LocalProvider]:
    provider = LocalProvider(flavour)
    server = make_server("127.0.0.1", 0, provider, threaded=True)
    provider.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, name=f"oidc-{flavour}", daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        thread.join(timeout=5)
