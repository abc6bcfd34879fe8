// MultiIssuerVerifier: read iss from the (unverified) payload, then hand the
// token to that issuer's Verifier together with the parsed payload.
#include "jve/multi_issuer.h"

#include <algorithm>
#include <stdexcept>

#include "compact.h"
#include "json/strict.h"
#include "jve/base64url.h"
#include "scratch_impl.h"

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

const Verifier* MultiIssuerVerifier::find(std::string_view iss) const noexcept {
  auto it = by_iss_.find(iss);
  return it == by_iss_.end() ? nullptr : it->second.get();
}

Status MultiIssuerVerifier::verify(std::string_view token, Scratch& scratch,
                                   Claims& out) const noexcept {
  out = Claims{};
  // Bounds and shape, as stage 1 of Verifier::verify, against the largest
  // limits; the chosen Verifier applies its own again.
  detail::CompactParts parts;
  if (Status st = detail::split_compact(token, max_token_bytes_, parts); st != Status::ok) return st;
  detail::ScratchImpl& s = scratch.impl();
  if (!s.prepare(max_token_bytes_, max_json_depth_)) return Status::internal_error;

  // The payload, decoded and parsed strictly (duplicates, depth, UTF-8) like
  // any hostile input; its iss picks the issuer.
  size_t len = 0;
  if (Status st = base64url::decode(parts.payload, s.payload.data(), &len);
      st != Status::ok)
    return st;
  if (Status st = s.payload_parser.parse(s.payload.data(), len, max_json_depth_, s.payload_root);
      st != Status::ok)
    return st;
  simdjson::dom::object payload;
  if (s.payload_root.get_object().get(payload) != simdjson::SUCCESS) return Status::bad_json;
  simdjson::dom::element iss_value;
  if (payload.at_key("iss").get(iss_value) != simdjson::SUCCESS) return Status::missing_claim;
  std::string_view iss;
  if (iss_value.get_string().get(iss) != simdjson::SUCCESS) return Status::bad_claim;
  const Verifier* verifier = find(iss);
  if (!verifier) return Status::bad_issuer;

  const Verifier::PreparsedPayload pre{
      {reinterpret_cast<const char*>(s.payload.data()), len}, max_json_depth_};
  return verifier->verify_claims(token, s, out, &pre);
}

}  // namespace jve
