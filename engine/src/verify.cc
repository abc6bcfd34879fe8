// The verify path, in the order of DESIGN.md stages 1-8. Cheap checks come
// before the signature, so junk costs little; nothing here allocates once
// the Scratch has been prepared.
#include <algorithm>
#include <atomic>
#include <cstring>
#include <ctime>
#include <optional>

#include "compact.h"
#include "crypto/crypto.h"
#include "json/jose.h"
#include "jve/base64url.h"
#include "jve/verifier.h"
#include "scratch_impl.h"

namespace jve {
namespace detail {

bool ScratchImpl::prepare(size_t max_token_bytes, uint32_t max_depth) noexcept {
  if (max_token_bytes <= sized_for && max_depth <= header_parser.max_depth() &&
      max_depth <= payload_parser.max_depth())
    return true;
  // Sizes only grow: a Scratch shared by verifiers with different policies
  // settles at the largest and then never allocates again.
  max_token_bytes = std::max(max_token_bytes, sized_for);
  header_owner = 0;  // |header| may move
  try {
    const size_t decoded = base64url::decoded_max_len(max_token_bytes);
    header.resize(decoded + simdjson::SIMDJSON_PADDING);
    payload.resize(decoded + simdjson::SIMDJSON_PADDING);
    signature.resize(decoded);
    if (!header_parser.reserve(decoded, max_depth) || !payload_parser.reserve(decoded, max_depth))
      return false;
  } catch (...) {  // std::bad_alloc: report, never throw through verify
    return false;
  }
  sized_for = max_token_bytes;
  return true;
}

}  // namespace detail

Scratch::Scratch() : impl_(std::make_unique<detail::ScratchImpl>()) {}
Scratch::~Scratch() = default;
Scratch::Scratch(Scratch&&) noexcept = default;
Scratch& Scratch::operator=(Scratch&&) noexcept = default;

Verifier::Verifier(Policy policy, std::shared_ptr<const KeySet> keys)
    : Verifier(std::move(policy), std::make_shared<KeyStore>(std::move(keys))) {}

namespace {
// Verifier ids start at 1 (0 means "no cached header") and are never
// reused, so a Verifier built where a destroyed one lived cannot match a
// header the old one cached in a Scratch.
std::atomic<uint64_t> g_next_verifier_id{1};
}  // namespace

Verifier::Verifier(Policy policy, std::shared_ptr<KeyStore> store)
    : policy_(std::move(policy)),
      store_(std::move(store)),
      id_(g_next_verifier_id.fetch_add(1, std::memory_order_relaxed)) {
  policy_.max_json_depth = std::clamp<uint32_t>(policy_.max_json_depth, 1, json::kMaxDepthCeiling);
}

namespace {

// Decodes one segment into |buf| (sized by ScratchImpl::prepare).
Status decode_segment(std::string_view b64, std::vector<uint8_t>& buf, size_t* len) noexcept {
  return base64url::decode(b64, buf.data(), len);
}

}  // namespace

Status Verifier::verify_signed(std::string_view token, detail::ScratchImpl& s, Header& header,
                               std::string_view& payload, bool payload_decoded) const noexcept {
  // 1. Bounds and shape, decided before any decoding.
  detail::CompactParts parts;
  if (Status st = detail::split_compact(token, policy_.max_token_bytes, parts); st != Status::ok)
    return st;
  const std::string_view header_b64 = parts.header;
  const std::string_view payload_b64 = parts.payload;
  const std::string_view signature_b64 = parts.signature;
  if (!s.prepare(policy_.max_token_bytes, policy_.max_json_depth)) return Status::internal_error;

  // 2. Header: decode, strict JSON, then 3. the header rules of the policy;
  // or the remembered outcome for these exact bytes under this Verifier.
  if (s.header_owner == id_ && header_b64.size() == s.header_b64_len &&
      std::memcmp(header_b64.data(), s.header_b64, s.header_b64_len) == 0) {
    header = s.cached_header;
  } else {
    s.header_owner = 0;
    size_t header_len = 0;
    if (Status st = decode_segment(header_b64, s.header, &header_len); st != Status::ok) return st;
    simdjson::dom::element header_root;
    if (Status st = s.header_parser.parse(s.header.data(), header_len, policy_.max_json_depth,
                                          header_root);
        st != Status::ok)
      return st;
    header = Header{};
    if (Status st = json::read_header(header_root, policy_, header); st != Status::ok) return st;
    header.json = {reinterpret_cast<const char*>(s.header.data()), header_len};
    if (header_b64.size() <= detail::ScratchImpl::kHeaderCacheBytes) {
      std::memcpy(s.header_b64, header_b64.data(), header_b64.size());
      s.header_b64_len = header_b64.size();
      s.cached_header = header;
      s.header_owner = id_;
    }
  }

  // 4. Key: one candidate from the current snapshot, which this call pins
  // until it returns even if the set is replaced meanwhile.
  std::optional<KeyStore::Reader> keys(std::in_place, *store_);
  const Key* key = nullptr;
  const std::string_view kid = header.kid.value_or(std::string_view());
  if (Status st = keys->keys().select(header.alg, header.kid ? &kid : nullptr, &key);
      st != Status::ok) {
    // A kid the set does not know may be a key the issuer just added. The
    // snapshot is released first: a listener that replaced the set itself
    // would otherwise wait for this very reader.
    keys.reset();
    if (st == Status::key_not_found && header.kid) store_->notify_unknown_kid(kid);
    return st;
  }

  // 5. Signature bytes, exact length; the payload is decoded here too (not
  // parsed): both are cheap and reject junk before the crypto.
  size_t sig_len = 0;
  if (Status st = decode_segment(signature_b64, s.signature, &sig_len); st != Status::ok) return st;
  if (sig_len != crypto::signature_len(*key, header.alg)) return Status::bad_signature;
  size_t payload_len = payload.size();  // already in s.payload when |payload_decoded|
  if (!payload_decoded) {
    if (Status st = decode_segment(payload_b64, s.payload, &payload_len); st != Status::ok)
      return st;
  }

  // 6. Crypto over the exact received bytes "header.payload".
#ifndef JVE_FUZZING_UNSAFE_FOR_PRODUCTION
  if (Status st = crypto::verify(*key, header.alg, parts.signing_input,
                                 std::span<const uint8_t>(s.signature.data(), sig_len));
      st != Status::ok)
    return st;
#endif
  payload = {reinterpret_cast<const char*>(s.payload.data()), payload_len};
  return Status::ok;
}

Status Verifier::verify(std::string_view token, Scratch& scratch, Claims& out) const noexcept {
  return verify_claims(token, scratch.impl(), out, nullptr);
}

Status Verifier::verify_claims(std::string_view token, detail::ScratchImpl& s, Claims& out,
                               const PreparsedPayload* pre) const noexcept {
  out = Claims{};
  std::string_view payload = pre ? pre->json : std::string_view();
  if (Status st = verify_signed(token, s, out.header, payload, pre != nullptr); st != Status::ok)
    return st;

  // 7. Payload: strict JSON object, parsed only once the signature holds
  // (or, for MultiIssuerVerifier, parsed before it to read iss; parsed again
  // here only when this policy allows less nesting than that parse did).
  if (!pre || pre->depth > policy_.max_json_depth) {
    if (Status st = s.payload_parser.parse(s.payload.data(), payload.size(),
                                           policy_.max_json_depth, s.payload_root);
        st != Status::ok)
      return st;
  }
  s.bind(out, payload);

  // 8. Claims.
  const int64_t now = policy_.clock ? policy_.clock() : static_cast<int64_t>(std::time(nullptr));
  return json::check_claims(s.payload_root, policy_, now, out);
}

Status Verifier::verify_jws(std::string_view token, Scratch& scratch, Jws& out) const noexcept {
  out = Jws{};
  return verify_signed(token, scratch.impl(), out.header, out.payload, false);
}

}  // namespace jve
