// JWKS responses judged for JwksUrl (remote/jwks_response.h).
#include "remote/jwks_response.h"

#include <utility>

namespace jve::remote {

bool HttpResponse::append_body(std::string_view data, size_t max_bytes) {
  if (body.size() > max_bytes || data.size() > max_bytes - body.size()) return false;
  body.append(data);
  return true;
}

ResponseVerdict judge_response(const HttpResponse& response, std::string_view what,
                               const std::optional<Digest>& published) {
  ResponseVerdict verdict;
  verdict.cache_max_age_s = response.cache.max_age_seconds();
  if (response.status != 200) {
    verdict.error = {SourceErrorKind::http_status, Status::ok,
                     std::string(what) + "HTTP status " + std::to_string(response.status) +
                         " (200 expected)"};
    return verdict;
  }
  SHA256(reinterpret_cast<const uint8_t*>(response.body.data()), response.body.size(), verdict.digest.data());
  if (published == verdict.digest) return verdict;  // same bytes as the published set
  std::string why;
  Result<std::shared_ptr<const KeySet>> keys = parse_usable_jwks(response.body, &why);
  if (!keys.ok()) {
    verdict.error = {SourceErrorKind::bad_jwks, keys.status(), std::string(what) + why};
    return verdict;
  }
  verdict.keys = std::move(*keys);
  return verdict;
}

}  // namespace jve::remote
