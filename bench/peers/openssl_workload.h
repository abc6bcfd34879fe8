// openssl_workload.h: keys and signed tokens for jve_bench_peers, made with
// OpenSSL 3 (the peers' own crypto library; jve_bench makes the same tokens
// with BoringSSL through tools/testkit). Header and payload bytes come from
// workload.h, so both executables verify the same texts: header alg, typ,
// kid; ~350-byte payload; RSA 2048; ES* raw r||s (RFC 7518 §3.4).
//
// Test code: failures throw std::runtime_error. Never linked with jve or
// BoringSSL (OpenSSL exports the same symbol names).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace jve::bench::peers {

// PeerKey is one algorithm's key: the HMAC secret, or the public key as a
// SubjectPublicKeyInfo PEM (what the peer libraries load), plus the private
// key used to sign.
struct PeerKey {
  std::string alg;  // "HS256", ...
  std::string kid;
  std::vector<uint8_t> secret;  // HS*
  std::string public_pem;       // RS*, PS*, ES*, EdDSA
  std::shared_ptr<void> pkey;   // EVP_PKEY*, owning
};

// generate_key makes a fresh key for |alg| (HS*, RS*, PS*, ES*, EdDSA).
PeerKey generate_key(std::string_view alg);

// sign returns b64(header).b64(payload).b64(signature).
std::string sign(const PeerKey& key, std::string_view header_json, std::string_view payload_json);

// realistic_token signs workload::header_json + realistic_payload(kNow,
// |payload_bytes|) with |key|.
std::string realistic_token(const PeerKey& key, size_t payload_bytes);

// tamper_signature flips one character in the middle of the signature.
std::string tamper_signature(std::string token);

// tamper_payload returns |token| (a realistic_token of |payload_bytes|) with
// one payload byte changed (a digit of sub) and the original signature. The
// payload stays valid JSON with valid claims, so only the signature check
// can reject it.
std::string tamper_payload(const std::string& token, size_t payload_bytes);

// expired_token signs a realistic payload whose exp is kNow - 1 with |key|:
// a correct signature that a verifier checking exp at kNow must reject.
std::string expired_token(const PeerKey& key, size_t payload_bytes);

}  // namespace jve::bench::peers
