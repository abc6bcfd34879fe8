// What a JWKS response means for JwksUrl: the final status code, the header
// lines and the body in; an accepted key set or a SourceError out, with the
// freshness the response advertised. No network and no clock: the curl
// driver fills an HttpResponse, judge_response decides, and the refresh
// schedule turns the verdict into the next fetch time. fuzz_jwks_response
// fuzzes the three together.
#pragma once

#include <openssl/sha.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "jve/key_set.h"
#include "jve/key_source.h"
#include "remote/http_cache.h"

namespace jve::remote {

using Digest = std::array<uint8_t, SHA256_DIGEST_LENGTH>;

// HttpResponse is the final response of one transfer, as collected.
struct HttpResponse {
  long status = 0;     // the final status code; 0: none was received
  CacheControl cache;  // fed every header line, in order
  std::string body;    // grown by append_body only

  // append_body appends |data| unless the body would then exceed
  // |max_bytes|; false, and nothing appended, in that case (the driver then
  // aborts the transfer).
  bool append_body(std::string_view data, size_t max_bytes);
};

// ResponseVerdict is judge_response's answer.
struct ResponseVerdict {
  // kind none: the response is accepted. Else http_status (status not 200)
  // or bad_jwks (jwks_status from parse_usable_jwks), with a message that
  // starts with the caller's |what|.
  SourceError error;
  // Accepted: the set to publish, at least one usable key; null when the
  // body is the one already published (same SHA-256), which is not
  // published again.
  std::shared_ptr<const KeySet> keys;
  Digest digest{};  // accepted: the body's SHA-256, to pass back as |published|
  // The response's Cache-Control age in seconds (for RefreshSchedule).
  std::optional<int64_t> cache_max_age_s;
};

// judge_response decides what |response| means: any status but 200 is
// http_status; a 200 body must pass parse_usable_jwks (the rule every key
// source applies); a body whose digest equals |published| is accepted
// without being parsed again. |what| ("GET <url>: ") starts every message.
// Deterministic; allocates (a cold path); thread-safe.
ResponseVerdict judge_response(const HttpResponse& response, std::string_view what,
                               const std::optional<Digest>& published);

}  // namespace jve::remote
