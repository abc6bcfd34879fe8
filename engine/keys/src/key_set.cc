// KeySet: JWKS loading and key selection (docs/design.md "Key selection").
#include <utility>

#include "json/strict.h"
#include "keys/loaders.h"

namespace jve {

KeySet::KeySet(std::vector<std::shared_ptr<const Key>> keys, std::vector<KeyIssue> left_out)
    : keys_(std::move(keys)), left_out_(std::move(left_out)) {
  // A null entry would crash select(); drop it rather than trust callers.
  std::erase(keys_, nullptr);
  for (size_t i = 0; i < keys_.size(); ++i) {
    if (const auto& kid = keys_[i]->kid()) by_kid_[*kid].push_back(static_cast<uint32_t>(i));
  }
  for (const KeyIssue& issue : left_out_) {
    // When several left-out keys share a kid, the first one's status is
    // reported; any of them would do, and the first is what a reader of the
    // JWKS finds first.
    if (issue.kid) left_out_by_kid_.try_emplace(*issue.kid, issue.status);
  }
}

Result<KeySet> KeySet::from_jwks(std::string_view json, std::string* why) {
  json::StrictParser parser;
  simdjson::padded_string storage;
  simdjson::dom::element root;
  if (Status s = keys::parse_key_document(json, "JWKS", parser, storage, root, why); s != Status::ok)
    return s;
  simdjson::dom::object obj = root.get_object().value_unsafe();

  std::vector<std::shared_ptr<const Key>> loaded;
  std::vector<KeyIssue> left_out;
  auto load_one = [&](simdjson::dom::element jwk, size_t index) {
    KeyIssue issue;
    issue.index = index;
    auto key = keys::key_from_jwk_element(jwk, &issue.why, &issue);
    if (key.ok()) {
      loaded.push_back(std::move(*key));
    } else {
      issue.status = key.status();
      left_out.push_back(std::move(issue));
    }
  };

  simdjson::dom::element keys_member;
  if (obj.at_key("keys").get(keys_member) == simdjson::SUCCESS) {
    simdjson::dom::array arr;
    if (keys_member.get_array().get(arr) != simdjson::SUCCESS) {
      return keys::fail(why, Status::bad_key, "JWKS member \"keys\" is not an array");
    }
    size_t index = 0;
    for (simdjson::dom::element jwk : arr) load_one(jwk, index++);
  } else if (obj.at_key("kty").error() == simdjson::SUCCESS) {
    // A lone JWK where a set was expected: accept it as a set of one, with
    // the same leave-out rules, so callers need not tell the two apart.
    load_one(root, 0);
  } else {
    return keys::fail(why, Status::bad_key,
                      "the JWKS has no \"keys\" array (and is not a JWK: no \"kty\")");
  }
  return KeySet(std::move(loaded), std::move(left_out));
}

Status KeySet::select(Alg alg, const std::string_view* kid, const Key** out) const noexcept {
  *out = nullptr;
  // A candidate is a key that can serve this token: it fits |alg| and is
  // strong enough for it. Counting keys that fit but are too weak would make
  // a 32-byte and a 64-byte HMAC key "ambiguous" for HS512, though only one
  // of them may verify it.
  const Key* chosen = nullptr;
  size_t candidates = 0;
  Status too_weak = Status::ok;  // why a key that fits cannot serve
  auto consider = [&](const Key& key) {
    if (!key.fits(alg)) return;
    if (Status s = key.check_strength(alg); s != Status::ok) {
      too_weak = s;
      return;
    }
    ++candidates;
    chosen = &key;
  };
  if (kid != nullptr) {
    // A kid names exactly one key: only keys with that kid are candidates,
    // and keys without a kid never match (no fallback to "any key that
    // verifies", docs/design.md).
    auto it = by_kid_.find(*kid);  // heterogeneous: no std::string is built
    if (it != by_kid_.end()) {
      for (uint32_t i : it->second) consider(*keys_[i]);
    }
    if (candidates == 0) {
      // The most specific reason first: the intended key is here but too
      // weak for |alg|; a key with this kid was in the JWKS but left out
      // (weak, unsupported, ...); keys with this kid that do not fit |alg|.
      if (too_weak != Status::ok) return too_weak;
      if (auto lo = left_out_by_kid_.find(*kid); lo != left_out_by_kid_.end()) return lo->second;
      return it != by_kid_.end() ? Status::key_alg_mismatch : Status::key_not_found;
    }
  } else {
    for (const auto& key : keys_) consider(*key);
    if (candidates == 0) {
      if (too_weak != Status::ok) return too_weak;
      // No kid names the intended key; a left-out key that would have fitted
      // is the likely one, and its status says why it cannot serve.
      for (const KeyIssue& issue : left_out_) {
        if (issue.type && keys::type_fits(*issue.type, alg)) return issue.status;
      }
      return Status::key_not_found;
    }
  }
  // Two candidates: refuse to guess rather than try each.
  if (candidates > 1) return Status::ambiguous_key;
  *out = chosen;
  return Status::ok;
}

}  // namespace jve
