// MultiIssuerVerifier: read iss from the (unverified) payload, then hand the
// token to that issuer's Verifier, prepared: split, scratch sized, payload
// decoded and parsed, so that none of it is done twice.
#include "jve/multi_issuer.h"

#include <algorithm>
#include <stdexcept>

#include "json/strict.h"
#include "jve/base64url.h"
#include "verify/compact.h"
#include "verify/prepared_token.h"
#include "verify/scratch_impl.h"
#include "verify/token_cache.h"

namespace jve {

MultiIssuerVerifier::MultiIssuerVerifier(std::vector<Issuer> issuers) {
  if (issuers.empty()) throw std::invalid_argument("MultiIssuerVerifier: no issuers");
  for (Issuer& issuer : issuers) {
    if (issuer.iss.empty()) throw std::invalid_argument("MultiIssuerVerifier: empty iss");
    if (!issuer.keys) throw std::invalid_argument("MultiIssuerVerifier: null key store for " + issuer.iss);
    // The routing proves iss equals this string; the claims check says so again.
    issuer.policy.issuers = {issuer.iss};
    auto verifier = std::make_unique<const Verifier>(std::move(issuer.policy), std::move(issuer.keys));
    max_token_bytes_ = std::max(max_token_bytes_, verifier->policy().max_token_bytes);
    // Verifier clamps the depth into [1, kMaxDepthCeiling].
    max_json_depth_ = std::max(max_json_depth_, verifier->policy().max_json_depth);
    if (!by_iss_.emplace(issuer.iss, std::move(verifier)).second)
      throw std::invalid_argument("MultiIssuerVerifier: issuer listed twice: " + issuer.iss);
  }
}

MultiIssuerVerifier::MultiIssuerVerifier(std::vector<Issuer> issuers, const VerifyCache& cache)
    : MultiIssuerVerifier(std::move(issuers)) {
  cache_ = std::make_shared<detail::TokenCache>(cache);
  for (const auto& [iss, verifier] : by_iss_) by_id_.emplace_back(verifier->id_, verifier.get());
  std::sort(by_id_.begin(), by_id_.end());
}

const Verifier* MultiIssuerVerifier::find_by_id(uint64_t id) const noexcept {
  auto it = std::lower_bound(by_id_.begin(), by_id_.end(), std::pair<uint64_t, const Verifier*>(id, nullptr));
  return it != by_id_.end() && it->first == id ? it->second : nullptr;
}

const Verifier* MultiIssuerVerifier::find(std::string_view iss) const noexcept {
  auto it = by_iss_.find(iss);
  return it == by_iss_.end() ? nullptr : it->second.get();
}

Status MultiIssuerVerifier::verify(std::string_view token, Scratch& scratch,
                                   Claims& out) const noexcept {
  detail::ScratchImpl& s = detail::ScratchAccess::impl(scratch);
  if (cache_) return detail::CacheAccess::verify(*this, token, s, out);
  detail::PreparedToken pre;
  const Verifier* verifier = nullptr;
  out = Claims{};
  if (Status st = route(token, s, pre, verifier); st != Status::ok) return st;
  return verifier->verify_token(token, s, &pre, out);
}

Status MultiIssuerVerifier::route(std::string_view token, detail::ScratchImpl& s,
                                  detail::PreparedToken& pre,
                                  const Verifier*& verifier) const noexcept {
  // Stage 1 against the largest limits; the chosen Verifier applies its own
  // size bound again.
  if (Status st = detail::split_compact(token, max_token_bytes_, pre.parts); st != Status::ok)
    return st;
  if (!s.prepare(max_token_bytes_, max_json_depth_)) return Status::internal_error;

  // The payload, decoded and parsed strictly (duplicates, depth, UTF-8) like
  // any hostile input; its iss picks the issuer.
  size_t len = 0;
  if (Status st = base64url::decode(pre.parts.payload, s.payload.data(), &len); st != Status::ok)
    return st;
  if (Status st = s.payload_parser.parse(s.payload.data(), len, max_json_depth_, s.claims.root);
      st != Status::ok)
    return st;
  if (s.claims.root.kind() != json::Value::Kind::object) return Status::bad_json;
  const json::Value iss_value = s.claims.root.member("iss");
  if (!iss_value.present()) return Status::missing_claim;
  std::string_view iss;
  if (!iss_value.get_string(iss)) return Status::bad_claim;
  verifier = find(iss);
  if (!verifier) return Status::bad_issuer;

  pre.payload = {reinterpret_cast<const char*>(s.payload.data()), len};
  pre.depth = max_json_depth_;
  return Status::ok;
}

}  // namespace jve
