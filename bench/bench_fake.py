"""A loopback token endpoint for bench.py's mint scenarios (standard library
only): the JWT bearer grant with real RS256 verification against the
certificate `sfconnect keygen` wrote, the client credentials grant, and the
userinfo answer `link` asks for.

It is not the test suite's fake (tests/cli/support/fake_salesforce, Rust):
the benchmark runs without building the tests. It checks what a mint must
get right (the signature, iss, sub, aud, exp; the client id and secret) so a
run that signs or sends wrongly fails instead of timing an error.
"""

import base64
import hashlib
import hmac
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

JWT_CLIENT_ID = "3MVG9benchJwtApp"
CC_CLIENT_ID = "3MVG9benchClientCredentialsApp"
CC_SECRET = "bench-consumer-secret"
USERNAME = "bench@example.com"
ORG_ID = "00D000000000001EAA"
USER_ID = "005000000000001AAA"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
# DER of DigestInfo(sha256) before the 32-byte hash (RFC 8017 §9.2, note 1).
SHA256_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")


def der_children(data):
    """The (tag, contents) elements of a DER string, in order."""
    out, i = [], 0
    while i < len(data):
        tag, length = data[i], data[i + 1]
        i += 2
        if length & 0x80:
            count = length & 0x7F
            length = int.from_bytes(data[i:i + count], "big")
            i += count
        out.append((tag, data[i:i + length]))
        i += length
    return out


def rsa_public_key(certificate_pem):
    """(n, e) of a PEM X.509 certificate's RSA key."""
    body = "".join(l for l in certificate_pem.splitlines() if not l.startswith("-----"))
    (_, cert), = der_children(base64.b64decode(body))
    tbs = der_children(der_children(cert)[0][1])
    if tbs[0][0] == 0xA0:  # [0] version
        tbs = tbs[1:]
    spki = der_children(tbs[5][1])  # serial, signature, issuer, validity, subject, spki
    rsa_key = der_children(spki[1][1][1:])[0][1]  # BIT STRING minus unused-bits byte
    n, e = (int.from_bytes(v, "big") for _, v in der_children(rsa_key))
    return n, e


def b64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def rs256_ok(n, e, signing_input, signature):
    """RSASSA-PKCS1-v1_5 with SHA-256 verification (RFC 8017 §8.2.2)."""
    k = (n.bit_length() + 7) // 8
    if len(signature) != k:
        return False
    em = pow(int.from_bytes(signature, "big"), e, n).to_bytes(k, "big")
    t = SHA256_DIGEST_INFO + hashlib.sha256(signing_input).digest()
    expected = b"\x00\x01" + b"\xff" * (k - len(t) - 3) + b"\x00" + t
    return hmac.compare_digest(em, expected)


class MintFake:
    def __init__(self):
        self.public_key = None
        self.lock = threading.Lock()
        self.tokens = set()
        self.minted = {}
        self.handling_ns = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def reply(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json;charset=UTF-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                started = time.perf_counter_ns()
                length = int(self.headers.get("Content-Length", "0"))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                status, body = fake.token(form) if self.path == "/services/oauth2/token" else (404, {})
                self.reply(status, body)
                with fake.lock:
                    fake.handling_ns.append(time.perf_counter_ns() - started)

            def do_GET(self):
                auth = self.headers.get("Authorization", "")
                if self.path == "/services/oauth2/userinfo" and auth[7:] in fake.tokens:
                    self.reply(200, {
                        "preferred_username": USERNAME,
                        "organization_id": ORG_ID,
                        "user_id": USER_ID,
                    })
                else:
                    self.reply(401, [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}])

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def register_certificate(self, pem):
        self.public_key = rsa_public_key(pem)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def mints(self, grant):
        """How many tokens the grant (`jwt-bearer`, `client_credentials`) minted."""
        with self.lock:
            return self.minted.get(grant, 0)

    def issued(self, token):
        with self.lock:
            return token in self.tokens

    def token(self, form):
        grant = form.get("grant_type")
        if grant == JWT_BEARER:
            problem = self.judge(form.get("assertion", ""))
        elif grant == "client_credentials":
            ok = form.get("client_id") == CC_CLIENT_ID and form.get("client_secret") == CC_SECRET
            problem = None if ok else ("invalid_client", "invalid client credentials")
        else:
            problem = ("unsupported_grant_type", "grant type not supported")
        if problem:
            return 400, {"error": problem[0], "error_description": problem[1]}
        token = f"{ORG_ID[:15]}!AQ{os.urandom(48).hex()}"
        with self.lock:
            self.tokens.add(token)
            key = "jwt-bearer" if grant == JWT_BEARER else grant
            self.minted[key] = self.minted.get(key, 0) + 1
        return 200, {
            "access_token": token,
            "instance_url": self.url,
            "id": f"{self.url}/id/{ORG_ID}/{USER_ID}",
            "token_type": "Bearer",
            "issued_at": str(time.time_ns() // 1_000_000),
            "scope": "api",
        }

    def judge(self, assertion):
        """None when the assertion is good, else (error, description)."""
        bad = ("invalid_grant", "invalid assertion")
        parts = assertion.split(".")
        if len(parts) != 3 or self.public_key is None:
            return bad
        try:
            header, claims = json.loads(b64url(parts[0])), json.loads(b64url(parts[1]))
            signature = b64url(parts[2])
        except ValueError:
            return bad
        signed = f"{parts[0]}.{parts[1]}".encode()
        if header.get("alg") != "RS256" or not rs256_ok(*self.public_key, signed, signature):
            return bad
        if claims.get("iss") != JWT_CLIENT_ID:
            return ("invalid_client_id", "client identifier invalid")
        if claims.get("aud") != self.url:
            return ("invalid_grant", "audience is invalid")
        if not isinstance(claims.get("exp"), int) or claims["exp"] <= time.time():
            return ("invalid_grant", "expired authorization code")
        if claims.get("sub") != USERNAME:
            return ("invalid_grant", "user hasn't approved this consumer")
        return None
