// http.h: the small part of HTTP/1.1 (RFC 9112) the auth service needs:
// find and parse one request head in a bounded buffer, and write the few
// responses it sends. No allocation, no exceptions; every function works on
// caller-owned bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace auth_service {

// HeadScanner remembers how far the search for the end of a request head
// got, so a head that arrives in many small reads is scanned once, not once
// per read (a slow client would otherwise cost O(n^2)).
struct HeadScanner {
  size_t pos = 0;         // where the search for the next '\n' resumes
  size_t line_start = 0;  // start of the line being scanned
  bool in_request = false;  // a non-empty line (the request line) was seen
};

// find_head_end returns the length of the head at the start of |buf|
// (request line, header lines and the empty line that ends them, plus any
// empty lines before the request line, which RFC 9112 §2.2 asks servers to
// ignore), or 0 when the head is not complete yet. Lines end in CRLF or, as
// §2.2 allows, a bare LF.
size_t find_head_end(std::string_view buf, HeadScanner& scanner) noexcept;

enum class HeadError : uint8_t {
  none = 0,
  bad_request,      // 400: malformed request line or field, bad Content-Length
  not_implemented,  // 501: Transfer-Encoding (we cannot frame such a body)
};

struct Request {
  std::string_view method;
  std::string_view target;  // as sent ("/auth/x?y=1")
  std::string_view path;    // target up to '?' or '#'
  int minor_version = 1;    // HTTP/1.<minor>, 0 or 1
  bool keep_alive = true;   // after the Connection header and the version
  bool expect_continue = false;
  uint64_t content_length = 0;
  int authorization_count = 0;
  std::string_view authorization;  // the last Authorization value, OWS trimmed
  // What nginx's auth_request passes when configured to (proxy_set_header
  // X-Original-URI $request_uri; X-Original-Method $request_method): the
  // request being authorized, for the routes. Last value, OWS trimmed.
  int original_uri_count = 0;
  std::string_view original_uri;
  int original_method_count = 0;
  std::string_view original_method;
};

// parse_head parses a complete head (as delimited by find_head_end). Strict
// where RFC 9112 says a server must reject: whitespace before a field's
// colon, obs-fold, control characters, a Content-Length that is not digits
// or disagrees with another one. Views in |out| point into |head|.
HeadError parse_head(std::string_view head, Request& out) noexcept;

// bearer_token extracts the credentials of an Authorization value whose
// scheme is Bearer, compared case-insensitively (RFC 7235 §2.1, RFC 6750
// §2.1). Returns false for another scheme. The token may be empty or junk:
// the verifier says what is wrong with it.
bool bearer_token(std::string_view authorization, std::string_view& token) noexcept;

// path_matches tells whether |path| is |prefix| or lies under it
// ("/auth" matches "/auth", "/auth/x", not "/authx"). A prefix of "/" or ""
// matches every path. Envoy's ext_authz HTTP service appends the original
// path to its path_prefix, so a prefix is what both proxies can target.
bool path_matches(std::string_view path, std::string_view prefix) noexcept;

// append_header_value appends |value| to |out|, percent-encoding (RFC 3986
// §2.1) '%' and every byte outside printable ASCII. A claim comes from a
// signed token, but the signer is not the operator of this service: a sub
// holding CR LF must not be able to add response headers.
void append_header_value(std::string& out, std::string_view value);

// http_date writes an IMF-fixdate (RFC 9110 §5.6.7) for |unix_seconds| into
// |buf| (at least 30 bytes) and returns its length (29).
size_t http_date(int64_t unix_seconds, char* buf) noexcept;

}  // namespace auth_service
