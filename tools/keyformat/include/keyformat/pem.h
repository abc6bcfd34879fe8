// keyformat/pem.h: PEM key files (RFC 7468) to KeyData and back.
//
// Errors as in key.h: a Result or Status, a sentence in |why|, no throws
// but std::bad_alloc.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "jve/result.h"
#include "keyformat/key.h"

namespace jve::keyformat {

// PemKey is one key found in a PEM text, with the label of its block.
struct PemKey {
  std::string label;  // "PUBLIC KEY", "CERTIFICATE", "EC PRIVATE KEY", ...
  KeyData key;
};

// read_pem returns every key in |text|, in order: SPKI "PUBLIC KEY", PKCS#1
// "RSA PUBLIC KEY", X.509 "CERTIFICATE" (its public key; the certificate is
// not validated), PKCS#8 "PRIVATE KEY", PKCS#1 "RSA PRIVATE KEY" and SEC1
// "EC PRIVATE KEY". Blocks with other labels are skipped. bad_key when a
// block is damaged, encrypted or does not parse, or when no key is found;
// unsupported_key for a key type or curve JWS does not use.
Result<std::vector<PemKey>> read_pem(std::string_view text, std::string* why = nullptr);

// PemForm says which structure write_pem writes.
enum class PemForm {
  spki,   // "PUBLIC KEY" (SubjectPublicKeyInfo), for any asymmetric key
  pkcs8,  // "PRIVATE KEY" (PrivateKeyInfo), for private keys
};

// write_pem returns |key| as PEM, 64 characters a line. bad_key for a secret
// (HMAC keys have no PEM form), for pkcs8 of a public key, or an empty key.
Result<std::string> write_pem(const KeyData& key, PemForm form, std::string* why = nullptr);

// spki_der returns the DER SubjectPublicKeyInfo of an asymmetric key (what
// a "PUBLIC KEY" PEM block holds); bad_key for a secret or an empty key.
Result<std::vector<uint8_t>> spki_der(const KeyData& key, std::string* why = nullptr);

}  // namespace jve::keyformat
