#!/usr/bin/env python3
"""Writes the seed corpora of the fuzzers whose input goes through
FuzzedDataProvider (fuzz_signed_claims, fuzz_claims_policy, fuzz_pem,
fuzz_jwks_response, fuzz_c_api, fuzz_hs256_batch) and of fuzz_jwk and fuzz_rsa_verify.
FuzzedDataProvider takes strings from the front of the input and
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

def one_strong_hmac_key():
    """Kid-less HS384 / HS512 tokens against key set 2, whose two unpinned
    HMAC keys are 64 and 40 bytes: only the 64-byte one is strong enough,
    so it is the one candidate (issue 12 §2), not an ambiguous pair."""
    for alg in ("HS384", "HS512"):
        f = Fdp().u8(SLOT[alg]).u8(2).u8(0x0c).boolean(True)
        write("fuzz/corpus/fuzz_signed_claims", f"seed_{alg.lower()}_one_strong_key",
              f.string(b"").rest(PAYLOADS[0]).bytes())

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

def jwks_response():
    """Responses of JWKS endpoints as JwksUrl sees them (fuzz_jwks_response):
    the header lines libcurl hands over, the way large identity providers
    send them, and bodies with fresh keys, plus error pages, redirects and
    extreme schedule options. The layout is described in the target."""
    import base64
    def b64(n, length=None):
        raw = n.to_bytes(length or (n.bit_length() + 7) // 8, "big") if isinstance(n, int) else n
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    def rsa_jwk(kid, bits=2048):
        pub = rsa.generate_private_key(65537, bits).public_key().public_numbers()
        return {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid, "n": b64(pub.n), "e": b64(pub.e)}
    def ec_jwk(kid):
        pub = ec.generate_private_key(ec.SECP256R1()).public_key().public_numbers()
        return {"kty": "EC", "crv": "P-256", "kid": kid, "use": "sig", "alg": "ES256",
                "x": b64(pub.x, 32), "y": b64(pub.y, 32)}
    def ed_jwk(kid):
        raw = ed25519.Ed25519PrivateKey.generate().public_key().public_bytes(ser.Encoding.Raw, ser.PublicFormat.Raw)
        return {"kty": "OKP", "crv": "Ed25519", "kid": kid, "x": b64(raw)}
    def doc(*keys): return json.dumps({"keys": list(keys)}, indent=2).encode()
    rotation = doc(rsa_jwk("c8a3f7d1e2b4a5968778695a4b3c2d1e0f9a8b7c"), rsa_jwk("0e5f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f"))
    mixed = doc(ec_jwk("ec-2024"), ed_jwk("ed-2024"), rsa_jwk("weak-1024", 1024))
    ok = "HTTP/1.1 200 OK\r\n"
    ms = lambda days=0, s=0: (days * 86400 + s) * 1000
    defaults = [ms(s=600), ms(s=30), ms(s=30), ms(s=1), ms(s=300)]
    extremes = [2**63 - 1, -2**63, 0, -1, 2**63 - 1]
    cases = [
        # (name, status, header lines, body, durations, honor, jitter, kid_pending, max_bytes, chunk)
        ("google", 200, ["HTTP/2 200\r\n", "date: Mon, 02 Dec 2024 10:00:00 GMT\r\n",
                         "expires: Mon, 02 Dec 2024 15:35:42 GMT\r\n",
                         "cache-control: public, max-age=20142, must-revalidate, no-transform\r\n",
                         "content-type: application/json; charset=UTF-8\r\n", "vary: Origin, X-Origin, Referer\r\n",
                         "server: ESF\r\n", "\r\n"], rotation, defaults, True, True, False, 1 << 20, 4096),
        ("auth0", 200, [ok, "Content-Type: application/json; charset=utf-8\r\n",
                        "Cache-Control: public, max-age=15, stale-while-revalidate=15, stale-if-error=86400\r\n",
                        "\r\n"], mixed, defaults, True, True, True, 1 << 20, 1000),
        ("okta", 200, [ok, "Cache-Control: max-age=5404, must-revalidate\r\n", "Expires: Mon, 02 Dec 2024 11:30:04 GMT\r\n",
                       "\r\n"], rotation, defaults, True, False, False, 1 << 20, 4096),
        ("keycloak_no_cache", 200, [ok, "Cache-Control: no-cache\r\n", "\r\n"], mixed, defaults, True, False, True, 1 << 20, 512),
        ("azure_quoted", 200, [ok, 'Cache-Control: max-age="86400", private\r\n', "\r\n"], rotation,
         defaults, False, True, False, 1 << 20, 4096),
        ("redirect", 200, ["HTTP/1.1 301 Moved Permanently\r\n", "Location: https://idp.example/keys\r\n",
                           "Cache-Control: no-store\r\n", "\r\n", "HTTP/1.1 200 OK\r\n",
                           "cache-control: max-age=600\r\n", "CACHE-CONTROL: max-age=300\r\n", "\r\n"],
         mixed, defaults, True, True, False, 1 << 20, 4096),
        ("not_found", 404, [ "HTTP/1.1 404 Not Found\r\n", "Content-Type: text/html\r\n", "\r\n"],
         b"<html><body><h1>404 Not Found</h1></body></html>", defaults, True, True, False, 1 << 20, 4096),
        ("unavailable", 503, ["HTTP/1.1 503 Service Unavailable\r\n", "Retry-After: 120\r\n", "\r\n"],
         b"", defaults, True, True, True, 1 << 20, 4096),
        ("empty_set", 200, [ok, "\r\n"], b'{"keys":[]}', defaults, True, True, False, 1 << 20, 4096),
        ("too_large", 200, [ok, "\r\n"], rotation, defaults, True, True, False, 1000, 700),
        ("extreme_options", 200, [ok, "Cache-Control: max-age=99999999999999999999\r\n", "\r\n"], mixed,
         extremes, True, True, True, 1 << 20, 1),
        ("extreme_failure", 500, [ "HTTP/1.1 500 Internal Server Error\r\n", "\r\n"], b"{}", extremes,
         True, True, True, 1, 4096),
    ]
    for name, status, lines, body, durations, honor, jitter, kid, max_bytes, chunk in cases:
        f = Fdp().boolean(status != 200)
        if status != 200:
            f.integral(status, -1, 999)
        f.integral(len(lines), 0, 32)
        for d in durations:
            f.integral(d, -2**63, 2**63 - 1)
        f.boolean(honor).boolean(jitter).boolean(kid).integral(max_bytes, 1, 1 << 20).integral(chunk, 1, 4096)
        f.integral(len(name) * 7919, 0, 2**64 - 1)
        for line in lines:
            f.string(line.encode())
        write("fuzz/corpus/fuzz_jwks_response", f"seed_{name}", f.rest(body).bytes())

# fuzz_token's Ed25519 keys anyone can forge for (kFlawedEd): kid, public
# key, order of the point BoringSSL decodes it to.
FLAWED_ED25519 = [
    ("ed-o1", "0100000000000000000000000000000000000000000000000000000000000000", 1),
    ("ed-o2", "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", 2),
    ("ed-o4", "0000000000000000000000000000000000000000000000000000000000000080", 4),
    ("ed-o8", "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a", 8),
    ("ed-nc", "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", 1),
]

def forged_ed25519_tokens():
    """Tokens with the signature R = identity, S = 0, which Ed25519
    verification accepts under a small-order key A whenever [k]A is the
    identity, k = SHA-512(R || A || M) mod L: the payload's jti counts up
    until the point's order divides k (RFC 8032 §5.1.7). jve leaves these
    keys out and the reference refuses them, so every such token must be
    rejected by both; the kid-less ones meet fuzz_token's good "ed" key."""
    import base64, hashlib
    def b64(b): return base64.urlsafe_b64encode(b).rstrip(b"=").decode()
    L = 2**252 + 27742317777372353535851937790883648493
    sig = bytes([1]) + bytes(63)
    for kid, pub_hex, order in FLAWED_ED25519:
        pub = bytes.fromhex(pub_hex)
        for name, header in [(kid, {"alg": "EdDSA", "kid": kid}), (kid + "_nokid", {"alg": "EdDSA"})]:
            h = b64(json.dumps(header, separators=(",", ":")).encode())
            for jti in range(64 * order):
                payload = b64(json.dumps({"sub": "admin", "exp": 4000000000, "jti": str(jti)},
                                         separators=(",", ":")).encode())
                signing_input = f"{h}.{payload}".encode()
                k = int.from_bytes(hashlib.sha512(sig[:32] + pub + signing_input).digest(), "little") % L
                if k % order == 0:
                    write("fuzz/corpus/fuzz_token", f"forged_{name}", signing_input + b"." + b64(sig).encode())
                    break
            else:
                sys.exit(f"no forgery found for {kid}")
    # The same keys as a JWKS (which pem_and_jwk splits into fuzz_jwk seeds)
    # and as PEM SPKIs, for the loader fuzzers.
    jwks = {"keys": [{"kty": "OKP", "crv": "Ed25519", "kid": kid, "x": b64(bytes.fromhex(x))}
                     for kid, x, _ in FLAWED_ED25519]}
    write("fuzz/corpus/fuzz_jwks", "seed_ed25519_flawed", json.dumps(jwks, separators=(",", ":")).encode())
    for kid, x, _ in FLAWED_ED25519:
        der = bytes.fromhex("302a300506032b6570032100") + bytes.fromhex(x)
        pem = b"-----BEGIN PUBLIC KEY-----\n" + base64.b64encode(der) + b"\n-----END PUBLIC KEY-----\n"
        write("fuzz/corpus/fuzz_pem", f"seed_{kid}", Fdp().u8(12).boolean(True).rest(pem).bytes())

def c_api():
    """fuzz_c_api: the C API with the fixture's key sets and harness-signed
    tokens (the ok path, so every claims accessor is reached), each hostile
    argument once, fuzzed and replaced JWKS texts, a store freed before the
    verify, and the extreme policy values. Layout: the top of fuzz_c_api.cc."""
    slots = {"HS256": 0, "HS384": 1, "HS512": 2, "ES256": 3, "EdDSA": 4, "RS256": 6, "PS256": 7}
    kid = {"HS": "hs", "RS": "rs", "PS": "rs", "ES": "es", "Ed": "ed"}
    i64 = (-2**63, 2**63 - 1)

    def policy(f, algorithms=0x1FFF, issuers=(), audiences=(), check_audience=1, leeway=0,
               required=0, max_age=None, typ=0, crit=(), require_kid=0, max_token=5, depth=64, now=NOW):
        f.integral(algorithms, 0, 2**32 - 1)
        for items in (issuers, audiences):
            f.integral(len(items), 0, 3)
            for v in items:
                f.u8(v)
        f.u8(check_audience).integral(leeway, *i64).u8(required if isinstance(required, int) else 2)
        if not isinstance(required, int):
            f.integral(len(required), 0, 3)
            for v in required:
                f.u8(v)
        f.boolean(max_age is not None)
        if max_age is not None:
            f.integral(max_age, *i64)
        f.u8(typ).integral(len(crit), 0, 3)
        for v in crit:
            f.u8(v)
        f.u8(require_kid).u8(max_token if isinstance(max_token, int) else 6)
        if not isinstance(max_token, int):
            f.integral(max_token[0], 0, 2**32 - 1)
        f.integral(depth, 0, 2**32 - 1).integral(now, *i64)
        return f

    def seed(name, mode, hostile=None, why=64, alg=None, pol=None, s1=None, s2=None, claim=b"scope",
             header=None, rest=b""):
        f = Fdp().u8(mode)
        if mode & 0x20:
            f.u8(hostile)
        f.integral(why, 0, 300)
        if mode & 0x04:
            f.u8(slots[alg])  # kAlgBySlot
        if mode & 0x80:
            policy(f, **(pol or {}))
        for text in (s1, s2):
            if text is not None:
                f.string(text)
        f.string(claim)
        if header is not None:
            f.string(header)
        write("fuzz/corpus/fuzz_c_api", f"seed_{name}", f.rest(rest).bytes())

    # Vocabulary indices of fuzz_c_api.cc: 0 issuer, 1 "api", 2 "web", 3 "",
    # 4 exp, 5 iat, 6 sub, 7 ext, 8 scope, 9 nbf.
    ok_policy = {"issuers": [0], "audiences": [1, 2]}
    payload = (b'{"iss":"https://issuer.example","sub":"u1","aud":["api","x"],"exp":1700003600,'
               b'"nbf":1699999000,"iat":1699999990,"jti":"j1","scope":"read write","n":5,"b":true}')
    for key_set in range(3):
        for alg in slots:
            header = f'"kid":"{kid[alg[:2]]}","typ":"JWT"'.encode()
            seed(f"set{key_set}_{alg.lower()}", 0x80 | 0x40 | 0x04 | key_set, alg=alg, pol=ok_policy,
                 header=header, rest=payload)
    seed("default_policy", 0x44, alg="ES256", header=b'"kid":"es"', rest=PAYLOADS[0])
    seed("raw_token", 0x00, rest=b"eyJhbGciOiJIUzI1NiJ9.e30.c2ln")
    hostile = ["jwks_null", "store_out_null", "verifier_out_null", "policy_null", "store_null",
               "verifier_null", "scratch_null", "token_null_empty", "token_null_long", "struct_size",
               "issuers_null", "audience_entry_null", "why_null", "claims_out_null"]
    for n, name in enumerate(hostile):
        seed(f"hostile_{name}", 0x80 | 0x40 | 0x20 | 0x04, hostile=n, why=[0, 1, 2, 7, 300][n % 5],
             alg="EdDSA", pol=ok_policy, header=b'"kid":"ed"', rest=payload)
    jwks = open("fuzz/corpus/fuzz_jwks/seed_ed25519_flawed", "rb").read()
    seed("fuzzed_jwks_flawed_ed25519", 0x03, s1=jwks, rest=b"eyJhbGciOiJFZERTQSJ9.e30.AQ")
    seed("fuzzed_jwks_empty", 0x03, s1=b'{"keys":[]}', rest=b"a.b.c")
    seed("fuzzed_jwks_not_json", 0x03, s1=b'{"keys":[', why=3)
    seed("replace_empty_set", 0x80 | 0x40 | 0x08 | 0x04, alg="HS256", pol=ok_policy,
         s2=b'{"keys":[]}', header=b'"kid":"hs"', rest=payload)
    seed("replace_oct", 0x80 | 0x40 | 0x08 | 0x04, alg="HS256", pol=ok_policy,
         s2=b'{"keys":[{"kty":"oct","kid":"hs","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldC0"}]}',
         header=b'"kid":"hs"', rest=payload)
    seed("store_freed_first", 0x80 | 0x40 | 0x10 | 0x04, alg="ES256", pol=ok_policy,
         header=b'"kid":"es"', rest=payload)
    extremes = [
        ("no_algorithms", {"algorithms": 0}), ("unknown_alg_bits", {"algorithms": 0xFFFFFFFF}),
        ("negative_leeway", {"leeway": -1}), ("max_leeway", {"leeway": 2**63 - 1}),
        ("negative_max_age", {"max_age": -5}), ("max_age_no_limit", {"max_age": -1}),
        ("huge_max_age", {"max_age": 2**63 - 1, "now": -2**63}),
        ("max_token_0", {"max_token": 0}), ("max_token_16", {"max_token": 1}),
        ("max_token_ceiling", {"max_token": 2}), ("max_token_above_ceiling", {"max_token": 3}),
        ("max_token_size_max", {"max_token": 4}), ("max_token_fuzzed", {"max_token": (300,)}),
        ("depth_0", {"depth": 0}), ("depth_huge", {"depth": 2**32 - 1}),
        ("typ_and_crit", {"typ": 2, "crit": [7], "require_kid": 1, "required": [4, 5, 6]}),
        ("no_required_claims", {"required": 1, "check_audience": 0}),
    ]
    for name, pol in extremes:
        seed(f"policy_{name}", 0x80 | 0x40 | 0x04, alg="HS384", pol={**ok_policy, **pol},
             header=b'"kid":"hs","typ":"JWT","crit":["ext"],"ext":1', rest=payload)


def hs256_batch():
    """fuzz_hs256_batch: lane count (back), per lane key and message (front)
    and the tag bit to flip (back, 0: none). Message lengths around the
    padding edges (55, 56, 63, 64 bytes past a block), keys shorter than,
    as long as and longer than the block."""
    seeds = {
        "two_lanes": [(b"k" * 32, b"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0", 0), (b"s" * 64, b"m" * 120, 0)],
        "padding_edges": [(b"key", b"x" * n, 0) for n in (55, 56, 63, 64)] + [(b"k" * 65, b"y" * 119, 0)],
        "odd_and_tampered": [(b"a" * 40, b"t" * 300, 9), (b"", b"", 0), (b"b" * 200, b"u" * 1000, 255)],
    }
    for name, lanes in seeds.items():
        f = Fdp().integral(len(lanes), 1, 9)
        for key, msg, flip in lanes:
            f.string(key).string(msg).u8(flip)
        write("fuzz/corpus/fuzz_hs256_batch", f"seed_{name}", f.bytes())

def requirements():
    """fuzz_requirements: document string, request value count (back), name
    and value strings, then the payload (rest), on real IdP layouts."""
    cases = [
        (b'{"scopes":["read","write"]}', [], b'{"scope":"read write profile"}'),
        (b'{"scopes":["orders.read"]}', [], b'{"scp":["openid","orders.read"]}'),
        (b'{"scopes":["Mail.Send"],"scope_claims":["/scp"]}', [], b'{"scp":"User.Read Mail.Send"}'),
        (b'{"claim":"/realm_access/roles","contains":"user"}', [],
         b'{"realm_access":{"roles":["user"]},"resource_access":{"my-client":{"roles":["x"]}}}'),
        (b'{"claim":"/https:~1~1example.com~1roles","contains":"editor"}', [],
         b'{"permissions":["read:orders"],"https://example.com/roles":["editor"]}'),
        (b'{"any_of":[{"claim":"/cognito:groups","contains":"admins"},{"scopes":["x"]}]}', [],
         b'{"cognito:groups":["admins"],"scope":"orders/read"}'),
        (b'{"all_of":[{"scopes":["api"]},{"claim":"/tenantId","equals_request":"tenant"},'
         b'{"claim":"/level","equals":3},{"claim":"/mfa","equals":true},'
         b'{"claim":"/tenants","contains_request":"tenant"}]}',
         [(b"tenant", b"acme"), (b"path", b"/x")],
         b'{"tenantId":"acme","tenants":["acme"],"level":3,"mfa":true,"scope":"api"}'),
        (b'{"claim":"/a/0","equals":1}', [], b'{"a":[1,"1",true]}'),
        (b'{"any_of":[{"scopes":["a"]},{"scopes":["b"]}]}', [], b'{"scope":["c",1]}'),
        (b'{"claim":"/x","equals":1.5}', [], b'{}'),
    ]
    for i, (doc, values, payload) in enumerate(cases):
        f = Fdp().string(doc).integral(len(values), 0, 3)
        for name, value in values:
            f.string(name).string(value)
        write("fuzz/corpus/fuzz_requirements", f"seed_{i}", f.rest(payload).bytes())

def rsa_verify():
    # fuzz_rsa_verify's fixed layout: key, alg, mode, message length, message,
    # tail (see the top of fuzz/fuzz_rsa_verify.cc). Key sizes as rsa_keys.h.
    bits = [1025, 1028, 1031, 1032, 1537]
    algs = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"]
    msg = b"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1MSJ9"
    prefix = {  # RFC 8017 §9.2 Note 1
        "256": bytes.fromhex("3031300d060960864801650304020105000420"),
        "384": bytes.fromhex("3041300d060960864801650304020205000430"),
        "512": bytes.fromhex("3051300d060960864801650304020305000440"),
    }
    def seed(name, key, alg, mode, tail=b""):
        write("fuzz/corpus/fuzz_rsa_verify", name,
              bytes([key, alg, mode, len(msg)]) + msg + tail)
    for k, b in enumerate(bits):
        size = (b + 7) // 8
        for a, alg in enumerate(algs):
            tag = f"{b}_{alg}"
            seed(f"valid_{tag}", k, a, 1)  # the correct signature
            seed(f"sig_edit_{tag}", k, a, 2, bytes([0, 7, 0x01]))
            seed(f"em_first_byte_{tag}", k, a, 1, bytes([0, 0, 0x01]))
            seed(f"em_last_byte_{tag}", k, a, 1, (size - 1).to_bytes(2, "big") + b"\x01")
            if alg.startswith("RS"):
                h = alg[2:]
                seed(f"digestinfo_{tag}", k, a, 3, prefix[h])  # correct
                no_null = bytes([prefix[h][0], prefix[h][1] - 2, 0x30, 0x0b]) + prefix[h][4:15] + prefix[h][17:]
                seed(f"digestinfo_no_null_{tag}", k, a, 3, no_null)
                seed(f"digestinfo_trailing_{tag}", k, a, 3, prefix[h] + b"\x00")
            else:
                h_len = int(alg[2:]) // 8
                seed(f"salt_0_{tag}", k, a, 3, bytes([0]))
                seed(f"salt_hlen_{tag}", k, a, 3, bytes([h_len]))
                seed(f"salt_hlen_plus_1_{tag}", k, a, 3, bytes([h_len + 1]))
                # Unmasked DB edits: the first padding byte, the top bits.
                seed(f"db_first_{tag}", k, a, 4, bytes([0, 0, 0x01]))
                seed(f"db_top_bit_{tag}", k, a, 4, bytes([0, 0, 0x80]))
            seed(f"too_large_{tag}", k, a, 0, b"\xff" * size)  # s >= n
            seed(f"zero_{tag}", k, a, 0, b"\x00" * size)
            seed(f"short_{tag}", k, a, 0, b"\x01" * (size - 1))

requirements()
rsa_verify()
signed_claims()
one_strong_hmac_key()
claims_policy()
forged_ed25519_tokens()
pem_and_jwk()
multi_issuer_tokens()
jwks_response()
c_api()
hs256_batch()
