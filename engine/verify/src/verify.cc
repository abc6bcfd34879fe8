// The verify path: the public entries, then docs/design.md's stages 1-8 in order,
// then the batch path (verify_batch).
// Cheap checks come before the signature, so junk costs little; nothing here
// allocates once the Scratch has been prepared.
#include <algorithm>
#include <cstring>
#include <ctime>
#include <optional>
#include <stdexcept>
#include <string>

#include "crypto/hs256_batch.h"
#include "crypto/verify.h"
#include "json/extract.h"
#include "jve/base64url.h"
#include "jve/verifier.h"
#include "keys/key_access.h"
#include "verify/compact.h"
#include "verify/prepared_token.h"
#include "verify/revocation_check.h"
#include "verify/rules.h"
#include "verify/scratch_impl.h"
#include "verify/token_cache.h"

namespace jve {

namespace detail {
// What stages 1-5 leave for stage 6: the key's prepared state, the signed
// bytes "header.payload" and the decoded signature (in the scratch).
struct SignedInput {
  const crypto::KeyMaterial* material = nullptr;
  std::string_view signing_input;
  std::span<const uint8_t> signature;
};
}  // namespace detail

// ---- Public entries ----------------------------------------------------

Verifier::Verifier(Policy policy, std::shared_ptr<const KeySet> keys)
    : Verifier(std::move(policy), std::make_shared<KeyStore>(std::move(keys))) {}

Verifier::Verifier(Policy policy, std::shared_ptr<KeyStore> store, const VerifyCache& cache)
    : Verifier(std::move(policy), std::move(store)) {
  cache_ = std::make_shared<detail::TokenCache>(cache);
}

Verifier::Verifier(Policy policy, std::shared_ptr<KeyStore> store)
    : policy_(std::move(policy)), store_(std::move(store)), id_(detail::next_verifier_id()) {
  std::string why;
  if (!validate(policy_, &why)) throw std::invalid_argument("jve::Verifier: " + why);
  if (!store_) throw std::invalid_argument("jve::Verifier: the KeyStore is null");
  policy_.max_json_depth = std::clamp<uint32_t>(policy_.max_json_depth, 1, json::kMaxDepthCeiling);
}

Status Verifier::verify(std::string_view token, Scratch& scratch, Claims& out) const noexcept {
  if (cache_) return detail::CacheAccess::verify(*this, token, detail::ScratchAccess::impl(scratch), out);
  return verify_token(token, detail::ScratchAccess::impl(scratch), nullptr, out);
}

Status Verifier::verify_jws(std::string_view token, Scratch& scratch, Jws& out) const noexcept {
  out = Jws{};
  return verify_signed(token, detail::ScratchAccess::impl(scratch), nullptr, out.header,
                       out.payload);
}

// ---- The stages --------------------------------------------------------

namespace {

// Decodes one base64url segment into |buf| (sized by ScratchImpl::prepare).
Status decode_segment(std::string_view b64, std::vector<uint8_t>& buf, size_t* len) noexcept {
  return base64url::decode(b64, buf.data(), len);
}

std::string_view as_text(const std::vector<uint8_t>& buf, size_t len) noexcept {
  return {reinterpret_cast<const char*>(buf.data()), len};
}

Status parse_payload(detail::ScratchImpl& s, const detail::PreparedToken* pre,
                     const Policy& policy, std::string_view payload) noexcept;

}  // namespace

// The whole path: stages 1-6 prove the bytes were signed by a configured
// key, 7-8 read and check what they claim. Each stage is below, in order.
Status Verifier::verify_token(std::string_view token, detail::ScratchImpl& s,
                              const detail::PreparedToken* pre, Claims& out) const noexcept {
  out = Claims{};
  std::string_view payload;
  if (Status st = verify_signed(token, s, pre, out.header, payload); st != Status::ok) return st;
  if (Status st = parse_payload(s, pre, policy_, payload); st != Status::ok) return st;
  detail::ClaimsAccess::bind(out, &s.claims, payload);
  return check_claims(s, out);
}

Status Verifier::verify_signed(std::string_view token, detail::ScratchImpl& s,
                               const detail::PreparedToken* pre, Header& header,
                               std::string_view& payload) const noexcept {
  // The snapshot is pinned until stage 6 is done, even if the set is
  // replaced meanwhile.
  std::optional<KeyStore::Reader> keys(std::in_place, *store_);
  detail::SignedInput in;
  Status st = verify_until_signature(token, s, pre, keys->keys(), header, payload, in);
  if (st == Status::key_not_found) {
    // A kid the set does not know may be a key the issuer just added. The
    // snapshot is released first: a listener that replaced the set itself
    // would otherwise wait for this very reader.
    keys.reset();
    if (header.kid) store_->notify_unknown_kid(*header.kid);
    return st;
  }
  if (st != Status::ok) return st;
  // 6. Crypto over the exact received bytes "header.payload".
#ifndef JVE_FUZZING_UNSAFE_FOR_PRODUCTION
  return crypto::verify(*in.material, header.alg, in.signing_input, in.signature);
#else
  return Status::ok;
#endif
}

Status Verifier::verify_until_signature(std::string_view token, detail::ScratchImpl& s,
                                        const detail::PreparedToken* pre, const KeySet& keys,
                                        Header& header, std::string_view& payload,
                                        detail::SignedInput& in) const noexcept {
  // 1. Bounds and shape, decided before any decoding. A prepared token was
  // split, and the scratch sized, against the largest limits of all
  // issuers; this policy's own bound still applies.
  detail::CompactParts parts;
  if (pre) {
    if (token.size() > policy_.max_token_bytes) return Status::too_large;
    parts = pre->parts;
  } else {
    if (Status st = detail::split_compact(token, policy_.max_token_bytes, parts); st != Status::ok)
      return st;
    if (!s.prepare(policy_.max_token_bytes, policy_.max_json_depth)) return Status::internal_error;
  }

  // 2. Header: decode and parse strictly, then 3. the policy's header rules;
  // or the remembered outcome for these exact bytes under this Verifier.
  if (Status st = check_header_segment(parts.header, s, header); st != Status::ok) return st;

  // 4. Key: one candidate from the caller's snapshot.
  const Key* key = nullptr;
  const std::string_view kid = header.kid.value_or(std::string_view());
  if (Status st = keys.select(header.alg, header.kid ? &kid : nullptr, &key); st != Status::ok)
    return st;
  const crypto::KeyMaterial& material = keys::material(*key);

  // 5. Signature bytes, exact length; the payload is decoded here too (not
  // parsed): both are cheap and reject junk before the crypto.
  size_t sig_len = 0;
  if (Status st = decode_segment(parts.signature, s.signature, &sig_len); st != Status::ok) return st;
  if (sig_len != crypto::signature_len(material, header.alg)) return Status::bad_signature;
  if (pre) {
    payload = pre->payload;  // already decoded into s.payload
  } else {
    size_t payload_len = 0;
    if (Status st = decode_segment(parts.payload, s.payload, &payload_len); st != Status::ok)
      return st;
    payload = as_text(s.payload, payload_len);
  }
  in = {&material, parts.signing_input, std::span<const uint8_t>(s.signature.data(), sig_len)};
  return Status::ok;
}

// Stages 2-3, also run by a cache hit (cache.cc) whose header the scratch
// does not remember.
Status Verifier::check_header_segment(std::string_view header_b64, detail::ScratchImpl& s,
                                      Header& header) const noexcept {
  if (s.lookup_header(id_, header_b64, header)) return Status::ok;
  size_t header_len = 0;
  if (Status st = decode_segment(header_b64, s.header, &header_len); st != Status::ok) return st;
  json::Value root;
  if (Status st = s.header_parser.parse(s.header.data(), header_len, policy_.max_json_depth, root);
      st != Status::ok)
    return st;
  json::HeaderFields fields;
  if (Status st = json::extract_header(root, fields); st != Status::ok) return st;
  header = Header{};
  if (Status st = rules::check_header(fields, policy_, header); st != Status::ok) return st;
  header.json = as_text(s.header, header_len);
  s.remember_header(id_, header_b64, header);
  return Status::ok;
}

namespace {

// 7. Payload: strict JSON, parsed only once the signature holds. A
// MultiIssuerVerifier parsed it before (to read iss); it is parsed again
// only when this policy allows less nesting than that parse did.
Status parse_payload(detail::ScratchImpl& s, const detail::PreparedToken* pre,
                     const Policy& policy, std::string_view payload) noexcept {
  if (pre && pre->depth <= policy.max_json_depth) return Status::ok;
  return s.payload_parser.parse(s.payload.data(), payload.size(), policy.max_json_depth,
                                s.claims.root);
}

}  // namespace

// 8. Claims: the registered ones type-checked and copied out, then the
// policy's rules at the policy's clock, then the revocation list. A cache
// hit ends here too (cache.cc), so every check of this stage, revocation
// included, also applies to hits.
Status Verifier::check_claims(const detail::ScratchImpl& s, Claims& out) const noexcept {
  const Policy& policy = policy_;
  json::ClaimFields claims;
  if (Status st = json::extract_claims(s.claims.root, claims); st != Status::ok) return st;
  out.exp = claims.exp;
  out.nbf = claims.nbf;
  out.iat = claims.iat;
  out.iss = claims.iss;
  out.sub = claims.sub;
  out.jti = claims.jti;
  const int64_t now = policy.clock ? policy.clock() : static_cast<int64_t>(std::time(nullptr));
  if (Status st = rules::check_claims(claims, policy, now); st != Status::ok) return st;
  return detail::check_revocation(policy, out, now);
}

// ---- The batch path ----------------------------------------------------

// verify() token by token, except stage 6: the HS256 tags of a chunk are
// hashed together (crypto/hs256_batch.h), which is where a batch gains.
// So: stages 1-5 per token, 6 for the chunk, then 7-8 per token. Each token
// has its own Scratch, so nothing a later token does moves an earlier one's
// header, payload or parse.
void Verifier::verify_batch(std::span<const std::string_view> tokens,
                            std::span<Scratch> scratches, std::span<Status> statuses,
                            std::span<Claims> claims) const noexcept {
  const size_t count = tokens.size();
  if (scratches.size() < count || statuses.size() < count || claims.size() < count) {
    for (Status& st : statuses) st = Status::internal_error;  // a caller's mistake, never a verdict
    return;
  }
  if (cache_) {  // the cache's hit path is per token already
    for (size_t i = 0; i < count; ++i) statuses[i] = verify(tokens[i], scratches[i], claims[i]);
    return;
  }
  for (size_t first = 0; first < count; first += kBatchChunk) {
    const size_t n = std::min(kBatchChunk, count - first);
    std::string_view payloads[kBatchChunk];
    crypto::Hs256Job jobs[kBatchChunk];
    uint8_t job_token[kBatchChunk];  // the job's token within the chunk
    static_assert(kBatchChunk <= 256);
    size_t job_count = 0;
    {
      // One snapshot for the chunk, held until its signatures are checked.
      KeyStore::Reader keys(*store_);
      for (size_t i = 0; i < n; ++i) {
        Claims& out = claims[first + i];
        out = Claims{};
        detail::SignedInput in;
        Status st = verify_until_signature(tokens[first + i],
                                           detail::ScratchAccess::impl(scratches[first + i]),
                                           nullptr, keys.keys(), out.header, payloads[i], in);
#ifndef JVE_FUZZING_UNSAFE_FOR_PRODUCTION
        if (st == Status::ok && out.header.alg == Alg::HS256) {
          // Stage 5 checked the length: the tag is exactly 32 bytes.
          jobs[job_count] = {in.material, in.signing_input, in.signature.data()};
          job_token[job_count++] = static_cast<uint8_t>(i);
        } else if (st == Status::ok) {
          st = crypto::verify(*in.material, out.header.alg, in.signing_input, in.signature);
        }
#endif
        statuses[first + i] = st;
      }
      Status job_status[kBatchChunk];
      crypto::verify_hs256_batch(std::span(jobs, job_count), std::span(job_status, job_count));
      for (size_t j = 0; j < job_count; ++j) statuses[first + job_token[j]] = job_status[j];
    }
    for (size_t i = 0; i < n; ++i) {
      Status& st = statuses[first + i];
      Claims& out = claims[first + i];
      // Unknown kids are reported once the snapshot is released, for the
      // reason verify_signed gives.
      if (st == Status::key_not_found) {
        if (out.header.kid) store_->notify_unknown_kid(*out.header.kid);
        continue;
      }
      if (st != Status::ok) continue;
      detail::ScratchImpl& s = detail::ScratchAccess::impl(scratches[first + i]);
      if (st = parse_payload(s, nullptr, policy_, payloads[i]); st != Status::ok) continue;
      detail::ClaimsAccess::bind(out, &s.claims, payloads[i]);
      st = check_claims(s, out);
    }
  }
}

}  // namespace jve
