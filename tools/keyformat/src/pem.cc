// PEM blocks to keys (every public and private structure key files use) and
// keys to PEM.
#include "keyformat/pem.h"

#include <openssl/bio.h>
#include <openssl/bytestring.h>
#include <openssl/ec_key.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/mem.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <climits>

#include "common.h"

namespace jve::keyformat {

using detail::fail;

namespace {

struct Label {
  std::string_view name;
  bool is_private;
};
constexpr Label kLabels[] = {
    {"PUBLIC KEY", false},  {"RSA PUBLIC KEY", false}, {"CERTIFICATE", false},
    {"X509 CERTIFICATE", false}, {"TRUSTED CERTIFICATE", false},
    {"PRIVATE KEY", true},  {"RSA PRIVATE KEY", true}, {"EC PRIVATE KEY", true},
};

const Label* find_label(std::string_view name) {
  for (const Label& l : kLabels)
    if (l.name == name) return &l;
  return nullptr;
}

// parse_der turns one block's DER into a key; null when it does not parse
// or has bytes after the structure.
bssl::UniquePtr<EVP_PKEY> parse_der(std::string_view label, const uint8_t* der, size_t len) {
  CBS cbs;
  CBS_init(&cbs, der, len);
  bssl::UniquePtr<EVP_PKEY> pkey;
  if (label == "PUBLIC KEY") {
    pkey.reset(EVP_parse_public_key(&cbs));
  } else if (label == "RSA PUBLIC KEY") {
    pkey = detail::wrap_rsa(bssl::UniquePtr<RSA>(RSA_parse_public_key(&cbs)));
  } else if (label == "PRIVATE KEY") {
    pkey.reset(EVP_parse_private_key(&cbs));
  } else if (label == "RSA PRIVATE KEY") {
    pkey = detail::wrap_rsa(bssl::UniquePtr<RSA>(RSA_parse_private_key(&cbs)));
  } else if (label == "EC PRIVATE KEY") {
    pkey = detail::wrap_ec(bssl::UniquePtr<EC_KEY>(EC_KEY_parse_private_key(&cbs, nullptr)));
  } else {  // the certificate labels
    const uint8_t* p = der;
    bssl::UniquePtr<X509> cert(d2i_X509(nullptr, &p, static_cast<long>(len)));
    if (cert && p == der + len) pkey.reset(X509_get_pubkey(cert.get()));
    ERR_clear_error();
    return pkey;
  }
  if (CBS_len(&cbs) != 0) pkey.reset();
  ERR_clear_error();
  return pkey;
}

// marshal writes the DER of |key| in |form| to |*der| (freed, and wiped, by
// OPENSSL_free through the UniquePtr).
Status marshal(const KeyData& key, PemForm form, bssl::UniquePtr<uint8_t>& der, size_t& der_len,
               std::string* why) {
  if (key.pkey() == nullptr) {
    return fail(why, Status::bad_key,
                key.empty() ? "no key was given" : "HMAC secrets have no PEM or DER form");
  }
  if (form == PemForm::pkcs8 && !key.is_private()) {
    return fail(why, Status::bad_key, "a public key has no PKCS#8 private key form");
  }
  bssl::ScopedCBB cbb;
  uint8_t* out = nullptr;
  if (!CBB_init(cbb.get(), 512) ||
      !(form == PemForm::spki ? EVP_marshal_public_key(cbb.get(), key.pkey())
                              : EVP_marshal_private_key(cbb.get(), key.pkey())) ||
      !CBB_finish(cbb.get(), &out, &der_len)) {
    return fail(why, Status::internal_error,
                "could not encode the key (" + detail::boringssl_error() + ")");
  }
  der.reset(out);
  return Status::ok;
}

}  // namespace

Result<std::vector<PemKey>> read_pem(std::string_view text, std::string* why) {
  if (text.size() > INT_MAX) return fail(why, Status::bad_key, "the PEM text is too large");
  bssl::UniquePtr<BIO> bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
  if (!bio) return fail(why, Status::internal_error, "could not allocate a BIO");
  std::vector<PemKey> out;
  size_t blocks = 0;
  for (;;) {
    char* name = nullptr;
    char* header = nullptr;
    uint8_t* data = nullptr;
    long len = 0;
    if (!PEM_read_bio(bio.get(), &name, &header, &data, &len)) {
      const uint32_t err = ERR_peek_last_error();
      ERR_clear_error();
      if (ERR_GET_LIB(err) == ERR_LIB_PEM && ERR_GET_REASON(err) == PEM_R_NO_START_LINE) break;
      return fail(why, Status::bad_key,
                  "PEM block #" + std::to_string(blocks + 1) +
                      " is damaged (bad base64 or no END line)");
    }
    bssl::UniquePtr<char> name_owner(name), header_owner(header);
    bssl::UniquePtr<uint8_t> data_owner(data);
    ++blocks;
    const std::string label = name;
    if (find_label(label) == nullptr) continue;
    if (header != nullptr && header[0] != '\0') {
      return fail(why, Status::bad_key,
                  "PEM block \"" + label + "\" is encrypted: decrypt it first (openssl pkey -in FILE)");
    }
    bssl::UniquePtr<EVP_PKEY> pkey = parse_der(label, data, static_cast<size_t>(len));
    if (!pkey) {
      return fail(why, Status::bad_key,
                  "PEM block #" + std::to_string(blocks) + " (\"" + label + "\") does not parse");
    }
    std::string type_why;
    Result<KeyData> key = KeyData::from_pkey(std::move(pkey), &type_why);
    if (!key.ok()) {
      return fail(why, key.status(),
                  "PEM block #" + std::to_string(blocks) + " (\"" + label + "\"): " + type_why);
    }
    out.push_back({label, std::move(*key)});
  }
  if (out.empty()) {
    return fail(why, Status::bad_key,
                blocks == 0 ? "no PEM block found"
                            : "no key in the PEM blocks (labels: PUBLIC KEY, RSA PUBLIC KEY, "
                              "CERTIFICATE, PRIVATE KEY, RSA PRIVATE KEY, EC PRIVATE KEY)");
  }
  return out;
}

Result<std::string> write_pem(const KeyData& key, PemForm form, std::string* why) {
  bssl::UniquePtr<uint8_t> der;
  size_t der_len = 0;
  if (Status s = marshal(key, form, der, der_len, why); s != Status::ok) return s;
  bssl::UniquePtr<BIO> bio(BIO_new(BIO_s_mem()));
  const char* label = form == PemForm::spki ? "PUBLIC KEY" : "PRIVATE KEY";
  if (!bio || !PEM_write_bio(bio.get(), label, "", der.get(), static_cast<long>(der_len))) {
    return fail(why, Status::internal_error,
                "could not write the PEM block (" + detail::boringssl_error() + ")");
  }
  const uint8_t* pem = nullptr;
  size_t pem_len = 0;
  BIO_mem_contents(bio.get(), &pem, &pem_len);
  std::string text(reinterpret_cast<const char*>(pem), pem_len);
  OPENSSL_cleanse(const_cast<uint8_t*>(pem), pem_len);
  return text;
}

Result<std::vector<uint8_t>> spki_der(const KeyData& key, std::string* why) {
  bssl::UniquePtr<uint8_t> der;
  size_t der_len = 0;
  if (Status s = marshal(key, PemForm::spki, der, der_len, why); s != Status::ok) return s;
  return std::vector<uint8_t>(der.get(), der.get() + der_len);
}

}  // namespace jve::keyformat
