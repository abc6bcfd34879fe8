// tests/reference: a deliberately simple, slow and independent verifier of
// the rules in docs/design.md, for differential testing (fuzzers and
// tests/differential_test.cc). Test code only; never linked into the engine.
//
// Independent means it shares no code with the engine's verify path: its own
// scalar base64url, its own strict JSON parser (a recursive-descent parser
// building a tree, with an explicit duplicate-name check; not simdjson), and
// BoringSSL's generic EVP API with every key parsed again on every call. It
// borrows only the engine's plain data types: Policy (what to accept) and
// Status (the verdict).
//
// Stages run in the engine's documented order (docs/design.md "The verify path":
// bounds, header, policy, key, signature length, payload decoding, crypto,
// payload JSON, claims), so when a token breaks several rules both name a
// rule of the same stage. Within a stage the order may differ; compare with
// status_class(), not Status.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "jve/policy.h"
#include "jve/status.h"

namespace jve::reference {

// Key is a verification key as plain bytes; nothing is prepared.
struct Key {
  std::optional<std::string> kid;
  std::optional<std::string> alg;  // pins the key to this alg name (a JWK's "alg")
  std::vector<uint8_t> secret;     // HMAC keys (kty "oct"): the raw secret
  std::vector<uint8_t> spki;       // any other key: a DER SubjectPublicKeyInfo
};

// verify applies every rule to |token| with |keys| under |policy| (its clock
// gives the time; without one, the system clock). When |payload| is given
// and the payload got parsed, it receives the claims tree. Never throws.
struct Value;
Status verify(std::string_view token, const std::vector<Key>& keys, const Policy& policy,
              Value* payload = nullptr) noexcept;

// ed25519_key_status judges 32 bytes as an Ed25519 public key the way the
// rules do (issue 12 §1): bad_key for an encoding RFC 8032 §5.1.3 cannot
// decode (y >= p, or x = 0 with the sign bit set), weak_key for a point of
// small order ([8]A is the identity: anyone can forge signatures for it),
// ok otherwise, bytes off the curve included (they verify nothing). Worked
// out with field arithmetic on BIGNUMs, not with the engine's table.
Status ed25519_key_status(std::span<const uint8_t, 32> pub) noexcept;

// StatusClass groups statuses by the stage that reports them.
enum class StatusClass { ok, structure, header, key, signature, claims, internal };
StatusClass status_class(Status s) noexcept;
std::string_view class_name(StatusClass c) noexcept;

// decode_base64url is a plain scalar strict base64url decoder (RFC 7515 §2,
// no padding, zero trailing bits, length % 4 != 1).
bool decode_base64url(std::string_view in, std::string& out);

// A JSON tree, as the reference parser builds it.
struct Member;
struct Value {
  enum class Kind { null, boolean, number, string, array, object } kind = Kind::null;
  bool boolean = false;
  double number = 0;
  std::string string;
  std::vector<Value> items;     // array
  std::vector<Member> members;  // object, in document order
  const Value* find(std::string_view name) const noexcept;
};
struct Member {
  std::string name;
  Value value;
};

// parse_json parses strict RFC 8259 JSON in strict UTF-8 (no BOM, no lone
// surrogate escapes) nested at most |max_depth| containers deep (an object
// holding scalars is depth 1). Returns ok, bad_json, duplicate_member (two
// members with the same name after unescaping, at any depth) or too_deep.
// Like the engine (engine/src/json/strict.h) it refuses integers outside the
// 64-bit range and numbers that overflow a double.
Status parse_json(std::string_view text, uint32_t max_depth, Value& out);

}  // namespace jve::reference
