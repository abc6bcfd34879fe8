#!/usr/bin/env python3
"""End-to-end test of examples/auth_service (jve_auth_service).

Starts the service on 127.0.0.1 with an ephemeral port and a JWKS file made by
the jve CLI, then checks, over real sockets: 200 + identity headers for a good
token; 401 + RFC 6750 error_description for each kind of bad token; the
case-insensitive scheme; 431 and a closed connection for an oversized head;
keep-alive and pipelining; request bodies skipped; malformed HTTP refused; a
rotated JWKS file picked up by the watcher; stalled and trickling clients not
blocking others and being closed; the JWKS URL source (when built); exit codes.

  python3 auth_service_test.py --service PATH --jve PATH

Every wait polls against a deadline; nothing sleeps a fixed time.
"""
import argparse
import http.client
import http.server
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

ISS = "https://issuer.test/"
AUD = "api"
REQUEST_TIMEOUT_MS = 1500  # the service's --request-timeout-ms

failures = []


def check(cond, what):
    if cond:
        print("ok   ", what)
    else:
        print("FAIL ", what)
        failures.append(what)
    return cond


def wait_until(predicate, timeout, interval=0.05):
    """Polls predicate() until it is truthy or timeout seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


class Response:
    def __init__(self, status, headers):
        self.status = status
        self.headers = headers  # lower-case name -> list of values

    def get(self, name):
        values = self.headers.get(name.lower())
        return values[0] if values else None


def read_response(sock, buf):
    """Reads one response from sock; returns (Response or None, leftover)."""
    while b"\r\n\r\n" not in buf:
        try:
            chunk = sock.recv(65536)
        except (socket.timeout, ConnectionResetError):
            return None, buf
        if not chunk:
            return None, buf
        buf += chunk
    head, _, rest = buf.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    m = re.match(r"HTTP/1\.[01] (\d{3}) ", lines[0])
    if not m:
        return None, rest
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    length = int(headers.get("content-length", ["0"])[0])
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        rest += chunk
    return Response(int(m.group(1)), headers), rest[length:]


def connect(port, timeout=5.0):
    return socket.create_connection(("127.0.0.1", port), timeout=timeout)


def build_request(path="/auth", headers=None, version="1.1", method="GET", body=b""):
    lines = [f"{method} {path} HTTP/{version}", "Host: test"]
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    if body:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def one_request(port, **kwargs):
    with connect(port) as s:
        s.sendall(build_request(**kwargs))
        response, _ = read_response(s, b"")
        return response


def closed_by_peer(sock, timeout):
    """True when the peer closes sock (EOF or reset) within timeout seconds;
    data received before that is skipped."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            if not sock.recv(65536):
                return True
        except socket.timeout:
            return False
        except (ConnectionResetError, BrokenPipeError):
            return True
    return False


def bearer(token):
    return {"Authorization": "Bearer " + token}


def challenge(status):
    return f'Bearer error="invalid_token", error_description="{status}"'


class Service:
    """The service as a child process; its stderr goes to a file, read for
    the start-up line (which carries the bound port) and reload messages."""

    def __init__(self, binary, args, workdir, name):
        self.log_path = os.path.join(workdir, name + ".log")
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([binary] + args, stdout=subprocess.DEVNULL, stderr=self.log)
        self.port = None
        m = wait_until(lambda: self.proc.poll() is not None or
                       re.search(r"listening on 127\.0\.0\.1:(\d+)", self.text()), 10)
        if isinstance(m, re.Match):
            self.port = int(m.group(1))
        else:
            self.proc.kill()
            self.proc.wait()
            raise RuntimeError(f"{name} did not start:\n{self.text()}")

    def text(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stop(self):
        """SIGTERM; returns the exit code (None if it had to be killed)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None
        finally:
            self.log.close()


def run(cmd, **kwargs):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kwargs).stdout.strip()


def atomic_write(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)  # rename(2): the watcher never sees a half-written file


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--service", required=True)
    ap.add_argument("--jve", required=True)
    args = ap.parse_args()
    started = time.monotonic()
    work = tempfile.mkdtemp(prefix="jve_auth_service_test.")
    jve = args.jve

    def path(name):
        return os.path.join(work, name)

    # Keys: k1 serves; an impostor also named k1 (bad signature); k2 for the rotation.
    for name, kid, public in (("k1", "k1", "jwks1.json"), ("impostor", "k1", "impostor.json"),
                              ("k2", "k2", "jwks2.json")):
        with open(path(name + ".jwk"), "w") as out:
            subprocess.run([jve, "keygen", "--alg", "ES256", "--kid", kid, "--public", path(public)],
                           check=True, stdout=out)
    jwks1 = open(path("jwks1.json")).read()
    jwks2 = open(path("jwks2.json")).read()
    jwks_path = path("jwks.json")
    atomic_write(jwks_path, jwks1)

    def sign(key="k1", *extra):
        return run([jve, "sign", "--key", path(key + ".jwk"), "--alg", "ES256", *extra])

    good = sign("k1", "--sub", "alice", "--iss", ISS, "--aud", AUD)
    expired = sign("k1", "--sub", "alice", "--iss", ISS, "--aud", AUD, "--exp", "-5m")
    bad_sig = sign("impostor", "--sub", "alice", "--iss", ISS, "--aud", AUD)
    wrong_iss = sign("k1", "--sub", "alice", "--iss", "https://evil.test/", "--aud", AUD)
    wrong_aud = sign("k1", "--sub", "alice", "--iss", ISS, "--aud", "other")
    unknown_kid = sign("k1", "--kid", "nope", "--sub", "alice", "--iss", ISS, "--aud", AUD)
    # A signed sub that tries to add a response header.
    evil_sub = sign("k1", "--claims", '{"sub":"eve\\r\\nX-Injected: 1"}', "--iss", ISS, "--aud", AUD)
    rotated = sign("k2", "--sub", "bob", "--iss", ISS, "--aud", AUD)

    svc = Service(args.service, [
        "--jwks-file", jwks_path, "--listen", "127.0.0.1:0", "--threads", "2",
        "--issuer", ISS, "--audience", AUD, "--watch-interval-ms", "100",
        "--request-timeout-ms", str(REQUEST_TIMEOUT_MS), "--path-prefix", "/auth",
        "--max-header-bytes", "16384"], work, "service")
    port = svc.port
    print(f"service on port {port}")
    try:
        # ---- verdicts
        r = one_request(port, headers=bearer(good))
        check(r and r.status == 200, "good token: 200")
        check(r and r.get("x-auth-subject") == "alice", "good token: X-Auth-Subject: alice")
        check(r and r.get("x-auth-issuer") == ISS, "good token: X-Auth-Issuer")
        check(r and r.get("www-authenticate") is None, "good token: no challenge")
        r = one_request(port, path="/auth/api/orders?id=7", headers=bearer(good))
        check(r and r.status == 200, "path under the prefix (Envoy appends the original path): 200")
        for p in ("/other", "/authx"):
            r = one_request(port, path=p, headers=bearer(good))
            check(r and r.status == 404, f"path {p} outside the prefix: 404")

        r = one_request(port)
        check(r and r.status == 401 and r.get("www-authenticate") == "Bearer",
              "no Authorization: 401, 'WWW-Authenticate: Bearer' without error")
        r = one_request(port, headers={"Authorization": "Basic YWxpY2U6cHc="})
        check(r and r.status == 401 and r.get("www-authenticate") == "Bearer",
              "Basic scheme: 401, challenge without error (RFC 6750 §3.1)")
        for name, token, status in (("expired", expired, "expired"),
                                    ("bad signature", bad_sig, "bad_signature"),
                                    ("wrong issuer", wrong_iss, "bad_issuer"),
                                    ("wrong audience", wrong_aud, "bad_audience"),
                                    ("unknown kid", unknown_kid, "key_not_found"),
                                    ("garbage", "abc", "malformed"),
                                    ("empty token", "", "malformed")):
            r = one_request(port, headers=bearer(token))
            check(r and r.status == 401 and r.get("www-authenticate") == challenge(status),
                  f"{name}: 401 {challenge(status)}"
                  + ("" if r is None else f" (got {r.status} {r.get('www-authenticate')})"))
        for scheme in ("bearer", "BEARER", "bEaReR"):
            r = one_request(port, headers={"Authorization": f"{scheme} {good}"})
            check(r and r.status == 200, f"scheme '{scheme}' (case-insensitive, RFC 7235): 200")
        with connect(port) as s:
            s.sendall(build_request().replace(
                b"Host: test\r\n",
                f"Host: test\r\nAuthorization: Bearer {good}\r\nAuthorization: Bearer {good}\r\n".encode()))
            r, _ = read_response(s, b"")
            check(r and r.status == 401 and 'error="invalid_request"' in (r.get("www-authenticate") or ""),
                  "two Authorization headers: 401 invalid_request")
        r = one_request(port, headers=bearer(evil_sub))
        check(r and r.status == 200 and "x-injected" not in r.headers
              and r.get("x-auth-subject") == "eve%0D%0AX-Injected:%201",
              "CR LF in a signed sub is percent-encoded, never a new header")

        # ---- keep-alive and pipelining
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        socks, statuses = set(), []
        for token in (good, "abc", good, expired, good):
            conn.request("GET", "/auth", headers=bearer(token))
            resp = conn.getresponse()
            resp.read()
            statuses.append(resp.status)
            socks.add(id(conn.sock))
        conn.close()
        check(statuses == [200, 401, 200, 401, 200] and len(socks) == 1,
              f"keep-alive: 5 requests on one connection ({statuses}, {len(socks)} socket)")
        with connect(port) as s:
            s.sendall(build_request(headers=bearer(good)) + build_request(headers=bearer("x"))
                      + build_request(method="POST", headers=bearer(good), body=b"0123456789")
                      + build_request(headers=bearer(good)))
            got, buf = [], b""
            for _ in range(4):
                r, buf = read_response(s, buf)
                got.append(r.status if r else None)
            check(got == [200, 401, 200, 200],
                  f"pipelined requests, one with a body to skip, answered in order ({got})")
        with connect(port) as s:  # a body that arrives after its head, in pieces
            s.sendall(build_request(method="POST", headers=bearer(good), body=b"x" * 5000)[:-4000])
            r1, buf = read_response(s, b"")
            s.sendall(b"x" * 4000 + build_request(headers=bearer("bad")))
            r2, _ = read_response(s, buf)
            check(r1 and r2 and (r1.status, r2.status) == (200, 401),
                  "a body sent after the response is skipped, the next request still parsed")
        with connect(port) as s:
            s.sendall(build_request(headers=bearer(good), version="1.0"))
            r, _ = read_response(s, b"")
            check(r and r.status == 200 and (r.get("connection") or "").lower() == "close"
                  and closed_by_peer(s, 3), "HTTP/1.0 without keep-alive: answered, then closed")

        # ---- hostile requests
        with connect(port) as s:
            s.sendall(build_request(headers={"X-Pad": "a" * 20000, **bearer(good)}))
            r, _ = read_response(s, b"")
            check(r and r.status in (431, 400), f"20 KB of headers: {r.status if r else None}")
            check(closed_by_peer(s, 3), "oversized head: the connection is closed")
        for name, raw, want in (
                ("garbage request line", b"GARBAGE\r\n\r\n", 400),
                ("random bytes", random.Random(7).randbytes(3000).replace(b"\n", b"") + b"\r\n\r\n", 400),
                ("HTTP/2.0 version", b"GET /auth HTTP/2.0\r\n\r\n", 400),
                ("space before colon", b"GET /auth HTTP/1.1\r\nHost : x\r\n\r\n", 400),
                ("obs-fold", b"GET /auth HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", 400),
                ("bare CR", b"GET /auth HTTP/1.1\r\nHost: x\ry\r\n\r\n", 400),
                ("two Content-Lengths", b"POST /auth HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400),
                ("chunked body", b"POST /auth HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 501),
                ("body over the limit", b"POST /auth HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n", 413)):
            with connect(port) as s:
                s.sendall(raw)
                r, _ = read_response(s, b"")
                check(r and r.status == want and closed_by_peer(s, 3),
                      f"{name}: {want} and closed (got {r.status if r else None})")

        # ---- stalled and trickling clients
        stalled = []
        for _ in range(6):  # with 2 workers, some share a worker with the requests below
            s = connect(port)
            s.sendall(b"GET /auth HTTP/1.1\r\nHost: x\r\nAuthoriz")
            stalled.append(s)
        trickle = connect(port)
        trickle_stop = threading.Event()

        def trickler():  # one byte of a never-ending header every 50 ms
            try:
                trickle.sendall(b"GET /auth HTTP/1.1\r\nX-Slow: ")
                while not trickle_stop.wait(0.05):
                    trickle.sendall(b"a")
            except OSError:
                pass

        t = threading.Thread(target=trickler)
        t.start()
        t0 = time.monotonic()
        ok = all((one_request(port, headers=bearer(good)) or Response(0, {})).status == 200
                 for _ in range(8))
        elapsed = time.monotonic() - t0
        check(ok and elapsed < REQUEST_TIMEOUT_MS / 1000 * 0.6,
              f"6 stalled + 1 trickling client: 8 other requests served in {elapsed * 1000:.0f} ms")
        all_closed = all(closed_by_peer(s, REQUEST_TIMEOUT_MS / 1000 + 3) for s in stalled)
        check(all_closed, "stalled clients are closed after the request timeout")
        check(closed_by_peer(trickle, REQUEST_TIMEOUT_MS / 1000 + 3),
              "a client trickling bytes is closed after the request timeout too")
        trickle_stop.set()
        t.join()
        for s in stalled + [trickle]:
            s.close()

        # ---- key rotation through the file watcher; the new set also holds a
        # key jve leaves out, which the service logs (jve::describe_left_out)
        with_odd = json.loads(jwks2)
        with_odd["keys"].append({"kty": "XYZ", "kid": "odd"})
        atomic_write(jwks_path, json.dumps(with_odd))
        r = wait_until(lambda: (one_request(port, headers=bearer(rotated)) or Response(0, {})).status == 200, 10)
        check(r, "rotated JWKS file (rename): the new key's token passes")
        r = one_request(port, headers=bearer(good))
        check(r and r.status == 401 and r.get("www-authenticate") == challenge("key_not_found"),
              "rotated JWKS file: the removed key's token is refused")
        check(wait_until(lambda: "keys reloaded" in svc.text(), 5), "the reload is logged")
        check(wait_until(lambda: 'keys: key #1 (kid "odd") left out: unsupported_key: ' in svc.text(), 5),
              "the left-out key is logged with its kid and status")
        atomic_write(jwks_path, "{ not json")
        check(wait_until(lambda: "keeping the last good set" in svc.text(), 5), "a broken JWKS file is logged")
        r = one_request(port, headers=bearer(rotated))
        check(r and r.status == 200, "a broken JWKS file keeps the last good set")
        atomic_write(jwks_path, jwks1)

        r = one_request(port, headers=bearer(good)) if wait_until(
            lambda: (one_request(port, headers=bearer(good)) or Response(0, {})).status == 200, 10) else None
        check(r and r.status == 200 and svc.proc.poll() is None,
              "after all of the above the service still serves")
        per_request_logs = [l for l in svc.text().splitlines() if "listening" not in l
                            and "keys" not in l]
        check(per_request_logs == [], f"no per-request logging ({per_request_logs[:3]})")
    finally:
        code = svc.stop()
    check(code == 0, f"SIGTERM: exit 0 (got {code})")

    # ---- start-up failures and the URL source
    r = subprocess.run([args.service], capture_output=True)
    check(r.returncode == 2, f"no key source: usage error, exit 2 (got {r.returncode})")
    with open(path("broken.json"), "w") as f:
        f.write("[]")
    r = subprocess.run([args.service, "--jwks-file", path("broken.json"), "--listen", "127.0.0.1:0"],
                       capture_output=True, timeout=10)
    check(r.returncode == 1, f"unusable JWKS file at start: exit 1 (got {r.returncode})")

    test_routes(args.service, work, jwks_path, sign)

    help_text = subprocess.run([args.service, "--help"], capture_output=True, text=True).stdout
    if "not in this build" in help_text:
        print("skip  JWKS URL source: this build has no jve::remote")
    else:
        test_url_source(args.service, work, jwks1, good)

    print(f"{len(failures)} failure(s) in {time.monotonic() - started:.1f} s")
    if failures:
        print(f"keys, tokens and service logs kept in {work}")
        return 1
    shutil.rmtree(work, ignore_errors=True)
    return 0


ROUTES = r"""# tenant invoices: a scope, and the tenant in the URL must be the token's
route GET,HEAD /tenants/{tenant}/invoices/** {"all_of": [{"scopes": ["invoices:read"]}, {"claim": "/tenantId", "equals_request": "tenant"}]}
route POST /tenants/{tenant}/invoices {"all_of": [{"scopes": ["invoices:write"]}, {"claim": "/tenantId", "equals_request": "tenant"}]}
route * /admin/** {"any_of": [{"claim": "/realm_access/roles", "contains": "admin"}, {"claim": "/cognito:groups", "contains": "admins"}]}
route GET /public {"all_of": []}
header X-Auth-Tenant /tenantId
header X-Auth-Roles /realm_access/roles
header X-Auth-Admin /admin
header X-Auth-Level /level
header X-Auth-Note /note
"""


def forbidden(description, scope=None):
    text = f'Bearer error="insufficient_scope", error_description="{description}"'
    return text + (f', scope="{scope}"' if scope else "")


def test_routes(service, work, jwks_path, sign):
    """Authorization per route: 200 with claim headers, 403 with an RFC 6750
    insufficient_scope challenge, 401 before any route, reload of the routes
    file and a bad reload keeping the last good routes."""
    routes_path = os.path.join(work, "routes.txt")
    atomic_write(routes_path, ROUTES)
    user = sign("k1", "--iss", ISS, "--aud", AUD, "--claims", json.dumps({
        "sub": "alice", "tenantId": "acme", "scope": "openid invoices:read",
        "realm_access": {"roles": ["user", "auditor"]}, "admin": False, "level": 3,
        "note": "x\r\nX-Injected: 1"}))
    admin = sign("k1", "--iss", ISS, "--aud", AUD, "--claims", json.dumps({
        "sub": "root", "realm_access": {"roles": ["admin"]}}))
    cognito = sign("k1", "--iss", ISS, "--aud", AUD, "--claims", json.dumps({
        "sub": "carol", "cognito:groups": ["admins"], "scope": "aws.cognito.signin.user.admin"}))
    expired = sign("k1", "--iss", ISS, "--aud", AUD, "--exp", "-5m", "--claims", json.dumps({
        "tenantId": "acme", "scope": "invoices:read"}))

    svc = Service(service, ["--jwks-file", jwks_path, "--listen", "127.0.0.1:0", "--threads", "2",
                            "--issuer", ISS, "--audience", AUD, "--watch-interval-ms", "100",
                            "--path-prefix", "/auth", "--routes", routes_path], work, "routes")
    port = svc.port
    try:
        check("4 routes, 5 claim headers from" in svc.text(), "routes: the start-up line counts them")

        def req(path, token, method="GET", headers=None):
            return one_request(port, path=path, method=method, headers={**bearer(token), **(headers or {})})

        def expect(r, status, challenge_text, what):
            got = None if r is None else (r.status, r.get("www-authenticate"))
            check(got == (status, challenge_text), f"routes: {what} (got {got})")

        r = req("/auth/tenants/acme/invoices", user)
        expect(r, 200, None, "own tenant, scope granted: 200")
        check(r and r.get("x-auth-tenant") == "acme" and r.get("x-auth-roles") == "user,auditor"
              and r.get("x-auth-admin") == "false" and r.get("x-auth-level") == "3",
              "routes: claim headers (string, array joined with ',', boolean, number, nested path)")
        check(r and r.get("x-auth-note") is None and "x-injected" not in r.headers,
              "routes: a claim value holding CR LF is not written")
        expect(req("/auth/tenants/acme/invoices/2026/07", user), 200, None, "'**' matches the rest")
        expect(req("/auth/tenants/ac%6De/invoices", user), 200, None, "segments are percent-decoded")
        expect(req("/auth/tenants/acme/invoices", user, method="HEAD"), 200, None, "HEAD is listed")
        expect(req("/auth/tenants/globex/invoices", user), 403, forbidden("forbidden"),
               "another tenant: 403 forbidden")
        expect(req("/auth/tenants/acme/invoices", user, method="POST"), 403,
               forbidden("insufficient_scope", "invoices:write"),
               "scope missing: 403 insufficient_scope naming the scope")
        expect(req("/auth/admin/users", user), 403, forbidden("forbidden"), "not an admin: 403")
        expect(req("/auth/admin/users", admin), 200, None, "Keycloak realm admin: 200")
        expect(req("/auth/admin/users", cognito), 200, None, "Cognito admins group: 200")
        expect(req("/auth/unknown", user), 403, forbidden("no_route"), "no route: denied by default")
        expect(req("/auth/public", user, method="DELETE"), 403, forbidden("no_route"),
               "method not listed: no route")
        expect(req("/auth/public", admin), 200, None, "an empty all_of: any valid token")
        for p in ("/auth/tenants/acme/../globex/invoices", "/auth/tenants/acme%2Fx/invoices",
                  "/auth/tenants//invoices", "/auth/tenants/%2e%2e/invoices", "/auth/tenants/acme/invoices%"):
            expect(req(p, user), 403, forbidden("no_route"), f"ambiguous path {p} matches no route")
        nginx = {"X-Original-URI": "/tenants/acme/invoices?page=2", "X-Original-Method": "GET"}
        expect(req("/auth", user, headers=nginx), 200, None, "nginx X-Original-URI / -Method: 200")
        expect(req("/auth", user, headers={**nginx, "X-Original-Method": "POST"}), 403,
               forbidden("insufficient_scope", "invoices:write"), "nginx X-Original-Method POST: 403")
        r = req("/auth/tenants/acme/invoices", expired)
        check(r and r.status == 401 and r.get("www-authenticate") == challenge("expired"),
              "routes: authentication fails first: 401, never 403")
        r = one_request(port, path="/auth/tenants/acme/invoices")
        check(r and r.status == 401, "routes: no token: 401")

        # Reload: admins now also need a scope.
        atomic_write(routes_path, ROUTES.replace(
            'route * /admin/** {"any_of"',
            'route * /admin/** {"all_of": [{"scopes": ["admin:all"]}, {"any_of"').replace(
            '"contains": "admins"}]}', '"contains": "admins"}]}]}'))
        check(wait_until(lambda: (req("/auth/admin/users", admin) or Response(0, {})).status == 403, 10),
              "routes: an edited routes file is reloaded")
        expect(req("/auth/admin/users", admin), 403, forbidden("insufficient_scope", "admin:all"),
               "reloaded routes apply")
        check("routes reloaded from" in svc.text(), "routes: the reload is logged")
        atomic_write(routes_path, "route GET /x {not json\n")
        check(wait_until(lambda: "keeping the last good routes" in svc.text(), 10),
              "routes: a broken routes file is logged")
        check("line 1: route /x: requirement document: bad_json" in svc.text(),
              "routes: the error names the line")
        expect(req("/auth/admin/users", admin), 403, forbidden("insufficient_scope", "admin:all"),
               "a broken routes file keeps the last good routes")
        expect(req("/auth/tenants/acme/invoices", user), 200, None, "and they still allow")
    finally:
        code = svc.stop()
    check(code == 0, f"routes: SIGTERM: exit 0 (got {code})")
    bad = os.path.join(work, "bad_routes.txt")
    for text, why in (('route GET /a/{x}/{x} {"all_of": []}\n', "twice"),
                      ('route GET a {"all_of": []}\n', "does not start with '/'"),
                      ('route GET /a/**/b {"all_of": []}\n', "may only end"),
                      ('route G(T /a {"all_of": []}\n', "not an HTTP method"),
                      ("route GET /a\n", "has no requirement"),
                      ('route GET /a {"scopes": []}\n', "route /a: "),
                      ("header Content-Length /sub\n", "starting with X-"),
                      ("header X-A sub\n", "does not start with '/'"),
                      ("allow GET /a\n", "unknown directive")):
        with open(bad, "w") as f:
            f.write(text)
        r = subprocess.run([service, "--jwks-file", jwks_path, "--listen", "127.0.0.1:0",
                            "--routes", bad], capture_output=True, text=True, timeout=10)
        check(r.returncode == 1 and "line 1:" in r.stderr and why in r.stderr,
              f"routes file with {why}: exit 1 naming the line ({r.returncode}, {r.stderr.strip()[:120]})")


def test_url_source(service, work, jwks, token):
    body = jwks.encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/jwks.json"
    try:
        r = subprocess.run([service, "--jwks-url", url, "--listen", "127.0.0.1:0",
                            "--startup-timeout-ms", "3000"], capture_output=True, timeout=10)
        check(r.returncode == 1, f"plain http URL without --allow-http: refused, exit 1 (got {r.returncode})")
        svc = Service(service, ["--jwks-url", url, "--allow-http", "--listen", "127.0.0.1:0",
                                "--threads", "1", "--issuer", ISS, "--audience", AUD], work, "url")
        try:
            r = one_request(svc.port, headers=bearer(token))
            check(r and r.status == 200, "JWKS from a URL (--allow-http on loopback): 200")
        finally:
            check(svc.stop() == 0, "URL service: SIGTERM exit 0")
    finally:
        httpd.shutdown()


if __name__ == "__main__":
    sys.exit(main())
