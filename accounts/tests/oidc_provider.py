"""A small OpenID provider for the tests, on 127.0.0.1 at a free port, in a thread.

It does what Microsoft Entra ID does in the authorization code flow, no more: the authorization
endpoint signs in whoever the test names (`provider.person`) and sends the browser back with a
one-time code; the token endpoint checks the client's id, secret, redirect address and PKCE
verifier and answers an RS256-signed ID token carrying the nonce it was asked for; the user info
endpoint answers the person's claims for the access token; the JWKS endpoint publishes the
public key. A test can make it misbehave (`provider.tamper`) the ways an attacker or a broken
provider would.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "golden-thread-tests"
CLIENT_SECRET = "stub-client-secret"
KEY_ID = "stub-key-1"

# What `tamper` may hold.
SIGNATURE = "sign the ID token with a key the JWKS does not publish"
NONCE = "put another nonce in the ID token"
AUDIENCE = "issue the ID token to another client"
EXPIRED = "issue an ID token that has expired"
NO_EMAIL = "leave the email address out of the claims"


def _new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class StubProvider:
    def __init__(self):
        self.key = _new_key()
        self.other_key = _new_key()
        self.person: dict = {}  # the claims of whoever signs in at the provider next
        self.tamper: set[str] = set()
        self.seen: list[str] = []  # "GET /authorize", "POST /token", … in order
        self._grants: dict[str, dict] = {}  # code -> what the authorization request asked
        self._access: dict[str, dict] = {}  # access token -> claims
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def issuer(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def endpoint(self, name: str) -> str:
        return f"{self.issuer}/{name}"

    def settings(self) -> dict:
        """Django settings pointing at this provider."""
        return {
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": self.endpoint("authorize"),
            "OIDC_OP_TOKEN_ENDPOINT": self.endpoint("token"),
            "OIDC_OP_USER_ENDPOINT": self.endpoint("userinfo"),
            "OIDC_OP_JWKS_ENDPOINT": self.endpoint("jwks"),
            "OIDC_RP_SIGN_ALGO": "RS256",
            "OIDC_TIMEOUT": 5,
            "SSO_PROVIDER_NAME": "Microsoft",
        }

    def __enter__(self) -> StubProvider:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # --- the endpoints ---------------------------------------------------------------------

    def authorize(self, query: dict) -> tuple[int, dict, dict | None]:
        if query.get("client_id") != CLIENT_ID or query.get("response_type") != "code":
            return 400, {}, {"error": "unauthorized_client"}
        code = secrets.token_urlsafe(16)
        self._grants[code] = {
            "redirect_uri": query["redirect_uri"],
            "nonce": query.get("nonce"),
            "code_challenge": query.get("code_challenge"),
            "person": dict(self.person),
        }
        back = urlencode({"code": code, "state": query["state"]})
        return 302, {"Location": f"{query['redirect_uri']}?{back}"}, None

    def token(self, form: dict) -> tuple[int, dict, dict | None]:
        grant = self._grants.pop(form.get("code", ""), None)  # a code works once
        if (
            grant is None
            or form.get("grant_type") != "authorization_code"
            or form.get("client_id") != CLIENT_ID
            or form.get("client_secret") != CLIENT_SECRET
            or form.get("redirect_uri") != grant["redirect_uri"]
            or _challenge(form.get("code_verifier", "")) != grant["code_challenge"]
        ):
            return 400, {}, {"error": "invalid_grant"}
        person = grant["person"]
        access_token = secrets.token_urlsafe(24)
        self._access[access_token] = person
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": person.get("sub", person.get("email", "someone")),
            "aud": "someone-else" if AUDIENCE in self.tamper else CLIENT_ID,
            "iat": now - 5,
            "exp": now - 60 if EXPIRED in self.tamper else now + 300,
            "nonce": "a-nonce-never-sent" if NONCE in self.tamper else grant["nonce"],
        }
        key = self.other_key if SIGNATURE in self.tamper else self.key
        id_token = jwt.encode(claims, key, algorithm="RS256", headers={"kid": KEY_ID})
        body = {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": id_token,
        }
        return 200, {}, body

    def userinfo(self, authorization: str) -> tuple[int, dict, dict | None]:
        scheme, _, token = authorization.partition(" ")
        person = self._access.get(token) if scheme == "Bearer" else None
        if person is None:
            return 401, {"WWW-Authenticate": 'Bearer error="invalid_token"'}, None
        claims = dict(person)
        if NO_EMAIL in self.tamper:
            claims.pop("email", None)
        return 200, {}, claims

    def jwks(self) -> tuple[int, dict, dict | None]:
        public = jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return 200, {}, {"keys": [{**public, "kid": KEY_ID, "alg": "RS256", "use": "sig"}]}


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _handler(provider: StubProvider):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            url = urlsplit(self.path)
            provider.seen.append(f"GET {url.path}")
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            match url.path:
                case "/authorize":
                    self._answer(*provider.authorize(query))
                case "/userinfo":
                    self._answer(*provider.userinfo(self.headers.get("Authorization", "")))
                case "/jwks":
                    self._answer(*provider.jwks())
                case _:
                    self._answer(404, {}, {"error": "not_found"})

        def do_POST(self):
            url = urlsplit(self.path)
            provider.seen.append(f"POST {url.path}")
            length = int(self.headers.get("Content-Length", 0))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            if url.path == "/token":
                self._answer(*provider.token(form))
            else:
                self._answer(404, {}, {"error": "not_found"})

        def _answer(self, status: int, headers: dict, body: dict | None) -> None:
            content = json.dumps(body).encode() if body is not None else b""
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if body is not None:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def log_message(self, *args):  # keep the test output quiet
            pass

    return Handler
