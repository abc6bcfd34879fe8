#!/usr/bin/env python3
"""Interop peer for tests/interop_test.cc: PyJWT (2.6, Debian's python3-jwt)
plus python3-cryptography on the other side of jve.

  make_tokens.py OUT.json
      Signs, for each of the 13 JWS algorithms jve verifies, one token with a
      fresh key and a realistic payload, plus a few negative cases, and writes
      {"now": N, "issuer": ..., "audience": ...,
       "cases": [{"name", "alg", "token", "jwks", "expect"}]}
      where expect is "ok" or the jve status name the token must get.

  make_tokens.py --verify IN.json
      IN is {"issuer": ..., "audience": ..., "cases": [{"name", "alg",
      "token", "jwks"}]} (tokens signed by jve's testkit). Verifies every
      token with PyJWT (key chosen by the header's kid, algorithms=[alg],
      issuer and audience checked, exp required) and prints one line per
      case: "<name> valid" or "<name> invalid <ExceptionName>: <message>".
      Exit 0 when every case was processed (verdicts are for the caller to
      judge), 2 on a usage or input error.

JWKs are written here rather than with PyJWT's to_jwk, because PyJWT 2.6
strips leading zero bytes from EC coordinates (RFC 7518 §6.2.1.2 requires
the full field length; for P-521 a short x or y happens half the time).
"""

import base64
import json
import os
import sys
import time
import uuid

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives import serialization

ISSUER = "https://auth.example.com/"
AUDIENCE = "https://api.example.com"

ALGS = ["HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384",
        "PS512", "ES256", "ES384", "ES512", "EdDSA"]

HMAC_LEN = {"HS256": 32, "HS384": 48, "HS512": 64}
CURVES = {"ES256": (ec.SECP256R1(), "P-256", 32),
          "ES384": (ec.SECP384R1(), "P-384", 48),
          "ES512": (ec.SECP521R1(), "P-521", 66)}


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def uint_bytes(n: int, length: int = 0) -> bytes:
    if length == 0:
        length = max(1, (n.bit_length() + 7) // 8)
    return n.to_bytes(length, "big")


class PyKey:
    """A private key for one alg, its signing form for PyJWT and its public JWK."""

    def __init__(self, alg: str, kid: str, rsa_bits: int = 2048, secret: bytes = b""):
        self.alg = alg
        self.kid = kid
        if alg.startswith("HS"):
            self.secret = secret or os.urandom(HMAC_LEN[alg])
            self.signing = self.secret
        elif alg[:2] in ("RS", "PS"):
            self.signing = rsa.generate_private_key(public_exponent=65537, key_size=rsa_bits)
        elif alg.startswith("ES"):
            self.signing = ec.generate_private_key(CURVES[alg][0])
        elif alg == "EdDSA":
            self.signing = ed25519.Ed25519PrivateKey.generate()
        else:
            raise ValueError("unknown alg " + alg)

    def public_jwk(self) -> dict:
        alg = self.alg
        jwk = {"kid": self.kid, "use": "sig", "alg": alg}
        if alg.startswith("HS"):
            jwk.update(kty="oct", k=b64u(self.secret))
        elif alg[:2] in ("RS", "PS"):
            pub = self.signing.public_key().public_numbers()
            jwk.update(kty="RSA", n=b64u(uint_bytes(pub.n)), e=b64u(uint_bytes(pub.e)))
        elif alg.startswith("ES"):
            _, crv, size = CURVES[alg]
            pub = self.signing.public_key().public_numbers()
            jwk.update(kty="EC", crv=crv, x=b64u(uint_bytes(pub.x, size)),
                       y=b64u(uint_bytes(pub.y, size)))
        else:
            raw = self.signing.public_key().public_bytes(serialization.Encoding.Raw,
                                                         serialization.PublicFormat.Raw)
            jwk.update(kty="OKP", crv="Ed25519", x=b64u(raw))
        return jwk

    def sign(self, payload: dict, headers=None) -> str:
        h = {"kid": self.kid}
        if headers:
            h.update(headers)
        token = jwt.encode(payload, self.signing, algorithm=self.alg, headers=h)
        return token if isinstance(token, str) else token.decode("ascii")


def realistic_payload(now: int, serial: int, **overrides) -> dict:
    p = {
        "iss": ISSUER,
        "sub": "user-%06d" % serial,
        "aud": AUDIENCE,
        "exp": now + 3600,
        "iat": now,
        "nbf": now,
        "jti": str(uuid.uuid4()),
        "scope": "openid profile read:orders",
        "client_id": "interop-client",
        "email": "user%d@example.com" % serial,
        "roles": ["reader", "writer"],
    }
    p.update(overrides)
    return p


def jwks_of(*keys) -> dict:
    return {"keys": [k.public_jwk() for k in keys]}


def tamper_payload(token: str, new_payload: dict) -> str:
    h, _, s = token.split(".")
    body = b64u(json.dumps(new_payload, separators=(",", ":")).encode())
    return ".".join([h, body, s])


def generate(out_path: str) -> int:
    now = int(time.time())
    cases = []

    for i, alg in enumerate(ALGS):
        key = PyKey(alg, "py-" + alg.lower())
        cases.append({"name": "valid_" + alg, "alg": alg,
                      "token": key.sign(realistic_payload(now, i)),
                      "jwks": jwks_of(key), "expect": "ok"})

    # Negative cases: each differs from a valid token by one thing.
    rs = PyKey("RS256", "py-neg-rs256")
    other_rs = PyKey("RS256", "py-neg-rs256")  # same kid, different key
    cases.append({"name": "wrong_key_RS256", "alg": "RS256",
                  "token": other_rs.sign(realistic_payload(now, 100)),
                  "jwks": jwks_of(rs), "expect": "bad_signature"})

    es = PyKey("ES256", "py-neg-es256")
    other_es = PyKey("ES256", "py-neg-es256")
    cases.append({"name": "wrong_key_ES256", "alg": "ES256",
                  "token": other_es.sign(realistic_payload(now, 101)),
                  "jwks": jwks_of(es), "expect": "bad_signature"})

    hs = PyKey("HS256", "py-neg-hs256")
    other_hs = PyKey("HS256", "py-neg-hs256")
    cases.append({"name": "wrong_key_HS256", "alg": "HS256",
                  "token": other_hs.sign(realistic_payload(now, 102)),
                  "jwks": jwks_of(hs), "expect": "bad_signature"})

    ed = PyKey("EdDSA", "py-neg-eddsa")
    good = ed.sign(realistic_payload(now, 103))
    cases.append({"name": "tampered_payload_EdDSA", "alg": "EdDSA",
                  "token": tamper_payload(good, realistic_payload(now, 103, sub="admin")),
                  "jwks": jwks_of(ed), "expect": "bad_signature"})

    ps = PyKey("PS256", "py-neg-ps256")
    cases.append({"name": "expired_PS256", "alg": "PS256",
                  "token": ps.sign(realistic_payload(now - 7200, 104)),
                  "jwks": jwks_of(ps), "expect": "expired"})

    es384 = PyKey("ES384", "py-neg-es384")
    cases.append({"name": "not_yet_valid_ES384", "alg": "ES384",
                  "token": es384.sign(realistic_payload(now, 105, nbf=now + 600)),
                  "jwks": jwks_of(es384), "expect": "not_yet_valid"})

    hs512 = PyKey("HS512", "py-neg-hs512")
    cases.append({"name": "wrong_audience_HS512", "alg": "HS512",
                  "token": hs512.sign(realistic_payload(now, 106, aud="https://other.example.com")),
                  "jwks": jwks_of(hs512), "expect": "bad_audience"})

    rs384 = PyKey("RS384", "py-neg-rs384")
    cases.append({"name": "wrong_issuer_RS384", "alg": "RS384",
                  "token": rs384.sign(realistic_payload(now, 107, iss="https://evil.example.com/")),
                  "jwks": jwks_of(rs384), "expect": "bad_issuer"})

    es512 = PyKey("ES512", "py-neg-es512")
    cases.append({"name": "unknown_kid_ES512", "alg": "ES512",
                  "token": es512.sign(realistic_payload(now, 108), headers={"kid": "not-there"}),
                  "jwks": jwks_of(es512), "expect": "key_not_found"})

    none_token = jwt.encode(realistic_payload(now, 109), None, algorithm="none")
    if not isinstance(none_token, str):
        none_token = none_token.decode("ascii")
    cases.append({"name": "alg_none", "alg": "none", "token": none_token,
                  "jwks": jwks_of(hs), "expect": "alg_not_allowed"})

    # PyJWT 2.6 signs with a 16-byte HMAC key without complaint; jve leaves
    # such a key out of the set and reports it by kid.
    weak_hs = PyKey("HS256", "py-neg-weak-hs256", secret=os.urandom(16))
    cases.append({"name": "weak_hmac_key_HS256", "alg": "HS256",
                  "token": weak_hs.sign(realistic_payload(now, 110)),
                  "jwks": jwks_of(weak_hs), "expect": "weak_key"})

    # A 1024-bit RSA key: PyJWT signs; jve refuses the key.
    weak_rs = PyKey("RS256", "py-neg-weak-rs256", rsa_bits=1024)
    cases.append({"name": "weak_rsa_key_RS256", "alg": "RS256",
                  "token": weak_rs.sign(realistic_payload(now, 111)),
                  "jwks": jwks_of(weak_rs), "expect": "weak_key"})

    doc = {"now": now, "issuer": ISSUER, "audience": AUDIENCE, "cases": cases}
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    return 0


def verify(in_path: str) -> int:
    with open(in_path, encoding="utf-8") as f:
        doc = json.load(f)
    issuer = doc.get("issuer", ISSUER)
    audience = doc.get("audience", AUDIENCE)
    for case in doc["cases"]:
        name = case["name"]
        try:
            jwks = case["jwks"]
            if isinstance(jwks, str):
                jwks = json.loads(jwks)
            header = jwt.get_unverified_header(case["token"])
            kid = header.get("kid")
            matches = [k for k in jwks["keys"] if k.get("kid") == kid]
            if len(matches) != 1:
                raise LookupError("%d keys with kid %r" % (len(matches), kid))
            key = jwt.PyJWK(matches[0], algorithm=case["alg"]).key
            jwt.decode(case["token"], key, algorithms=[case["alg"]], issuer=issuer,
                       audience=audience, options={"require": ["exp", "iss", "aud"]})
            print(name, "valid")
        except Exception as e:  # every PyJWT refusal is a verdict, not a crash
            msg = str(e).replace("\n", " ")
            print(name, "invalid", "%s: %s" % (type(e).__name__, msg))
    sys.stdout.flush()
    return 0


def main(argv) -> int:
    if len(argv) == 2 and not argv[1].startswith("-"):
        return generate(argv[1])
    if len(argv) == 3 and argv[1] == "--verify":
        return verify(argv[2])
    sys.stderr.write("usage: make_tokens.py OUT.json | make_tokens.py --verify IN.json\n")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
