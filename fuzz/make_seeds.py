#!/usr/bin/env python3
"""Writes the seed corpora of the fuzzers whose input goes through
FuzzedDataProvider (fuzz_signed_claims, fuzz_claims_policy, fuzz_pem) and of
fuzz_jwk. FuzzedDataProvider takes strings from the front of the input and
integers from the back (last byte first), so the seeds are built with a small
encoder of that layout. Run from the repository root: python3 fuzz/make_seeds.py
Existing files are kept: regression inputs live in the same folders."""
import json, os, sys
from cryptography import x509
from cryptography.x509.oid import NameOID
from cryptography.hazmat.primitives import hashes, serialization as ser
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
import datetime

class Fdp:
    def __init__(self):
        self.front = b""
        self.back = []  # in consumption order
    def integral(self, value, lo, hi):
        r, span, k = value - lo, hi - lo, 0
        while k < 8 and (span >> (8 * k)) > 0:
            k += 1
        self.back += list(r.to_bytes(k, "big"))
        return self
    def u8(self, v): return self.integral(v, 0, 255)
    def boolean(self, b): return self.u8(1 if b else 0)
    def string(self, s):
        self.front += s.replace(b"\\", b"\\\\") + b"\\\n"
        return self
    def rest(self, s):
        self.front += s
        return self
    def bytes(self): return self.front + bytes(reversed(self.back))

NOW = 1_700_000_000
HEADERS = [
    b'{"alg":"HS256","typ":"JWT","kid":"hs"}', b'{"alg":"ES256","kid":"es"}',
    b'{"alg":"EdDSA","kid":"ed","typ":"at+jwt"}', b'{"alg":"RS256","kid":"rs","typ":"JWT"}',
    b'{"alg":"PS256"}', b'{"alg":"HS512","crit":["ext"],"ext":1}',
]
PAYLOADS = [
    b'{"iss":"https://issuer.example","sub":"u1","aud":"api","exp":1700003600,"nbf":1699999000,"iat":1699999990,"jti":"j1"}',
    b'{"exp":1700000001.5,"aud":["web","x"],"scope":"read write","nested":{"a":[1,2,{"b":null}]}}',
    b'{"exp":1699999999,"iat":1.7e9,"sub":"caf\\u00e9 \\ud83d\\ude00"}',
    b'{}',
]
SLOT = {"HS256": 0, "HS384": 3, "HS512": 4, "RS256": 5, "PS256": 6, "ES256": 7, "EdDSA": 10}

def write(folder, name, data):
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, name)
    if not os.path.exists(path):
        open(path, "wb").write(data)

def signed_claims():
    n = 0
    for h in HEADERS:
        alg = json.loads(h)["alg"]
        for i, p in enumerate(PAYLOADS):
            f = Fdp().u8(SLOT[alg] | (i % 4) << 4).u8(n % 3).u8([0, 0x03, 0x29, 0x58][i]).boolean(False)
            write("fuzz/corpus/fuzz_signed_claims", f"seed{n}", f.string(h).rest(p).bytes())
            n += 1
    # Wrapped headers: the harness writes {"alg":"<alg>", + this + }.
    for extra in [b'"kid":"ed","typ":"JWT"', b'"crit":["exp"],"exp":true', b""]:
        f = Fdp().u8(10).u8(0).u8(0x40).boolean(True)
        write("fuzz/corpus/fuzz_signed_claims", f"seed{n}", f.string(extra).rest(PAYLOADS[0]).bytes())
        n += 1

def claims_policy():
    for n, p in enumerate(PAYLOADS):
        f = Fdp().u8(n % 4).u8(0).integral(0, 0, 65535).boolean(True).boolean(n == 1)
        f.integral(60 if n else 0, -2**63, 2**63 - 1).boolean(n == 0)
        if n == 0:
            f.integral(3600, -2**63, 2**63 - 1)
        f.integral(NOW, -2**63, 2**63 - 1).integral(16384, 0, 1 << 16).integral(64, 0, 1100)
        f.boolean(n == 2).boolean(n == 3)
        f.integral(1, 0, 3).string(b"https://issuer.example")
        f.integral(2, 0, 3).string(b"api").string(b"web")
        f.boolean(True)  # default required claims
        f.string(b"JWT" if n == 2 else b"").integral(1, 0, 2).string(b"ext")
        f.string(b"application/JWT").string(b"ext").rest(p)
        write("fuzz/corpus/fuzz_claims_policy", f"seed{n}", f.bytes())

def pem_and_jwk():
    keys = [rsa.generate_private_key(65537, 2048), ec.generate_private_key(ec.SECP256R1()),
            ec.generate_private_key(ec.SECP384R1()), ec.generate_private_key(ec.SECP521R1()),
            ed25519.Ed25519PrivateKey.generate()]
    pems = [k.public_key().public_bytes(ser.Encoding.PEM, ser.PublicFormat.SubjectPublicKeyInfo) for k in keys]
    pems.append(keys[0].public_key().public_bytes(ser.Encoding.PEM, ser.PublicFormat.PKCS1))
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "jve fuzz")])
    t = datetime.datetime(2024, 1, 1)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(keys[1].public_key())
            .serial_number(1).not_valid_before(t).not_valid_after(t + datetime.timedelta(days=3650))
            .sign(keys[1], hashes.SHA256()))
    pems.append(cert.public_bytes(ser.Encoding.PEM))
    for n, pem in enumerate(pems):
        # Options: alg byte (>= 13: not pinned), then kid or not.
        f = Fdp().u8([3, 9, 10, 11, 12, 6, 255][n]).boolean(n % 2 == 0).rest(pem)
        write("fuzz/corpus/fuzz_pem", f"seed{n}", f.bytes())
    n = 0
    for seed in sorted(os.listdir("fuzz/corpus/fuzz_jwks")):
        try:
            doc = json.load(open(os.path.join("fuzz/corpus/fuzz_jwks", seed)))
        except ValueError:
            continue
        for k in doc.get("keys", []):
            write("fuzz/corpus/fuzz_jwk", f"seed{n}", json.dumps(k, separators=(",", ":")).encode())
            n += 1

def multi_issuer_tokens():
    """HS256 tokens for fuzz_token's MultiIssuerVerifier, signed with the
    target's fixed secret, one per configured issuer and one unlisted."""
    import base64, hashlib, hmac
    def b64(b): return base64.urlsafe_b64encode(b).rstrip(b"=").decode()
    secret = b"jve-fuzz-hmac-secret-0123456789!"
    header = b64(b'{"alg":"HS256","kid":"hs"}')
    for name, iss in [("multi_a", "https://a.example"), ("multi_b", "https://b.example"),
                      ("multi_other", "https://c.example")]:
        payload = b64(json.dumps({"iss": iss, "sub": "s", "exp": 1800000000,
                                  "n": [{"x": [1]}]}, separators=(",", ":")).encode())
        signing_input = f"{header}.{payload}".encode()
        sig = b64(hmac.new(secret, signing_input, hashlib.sha256).digest())
        write("fuzz/corpus/fuzz_token", f"seed_{name}", f"{header}.{payload}.{sig}".encode())

signed_claims()
claims_policy()
pem_and_jwk()
multi_issuer_tokens()
