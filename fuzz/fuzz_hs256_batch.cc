// Differential fuzzer for the HS256 batch kernels (engine/crypto/src/
// hs256_batch.cc): 1 to 9 lanes of fuzzer-chosen keys and messages, every
// lane of every available kernel against BoringSSL's HMAC(), and the
// verdicts of verify_hs256_batch against the right or a tampered tag.
//
// Input (FuzzedDataProvider): the lane count (back), then per lane the key
// and the message (front, random-length strings) and a byte (back): 0 keeps
// the tag, any other value flips that bit of it.
#include <fuzzer/FuzzedDataProvider.h>
#include <openssl/digest.h>
#include <openssl/hmac.h>

#include <array>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "crypto/hs256_batch.h"
#include "crypto/key_material.h"

using namespace jve;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider fdp(data, size);
  const size_t lanes = fdp.ConsumeIntegralInRange<size_t>(1, 9);
  std::vector<std::unique_ptr<crypto::KeyMaterial>> keys;
  std::vector<std::string> msgs;
  std::vector<std::vector<uint8_t>> want, sigs;
  for (size_t i = 0; i < lanes; ++i) {
    const std::string key = fdp.ConsumeRandomLengthString(300);
    msgs.push_back(fdp.ConsumeRandomLengthString(4096));
    const uint8_t flip = fdp.ConsumeIntegral<uint8_t>();
    keys.push_back(std::make_unique<crypto::KeyMaterial>());
    const auto* k = reinterpret_cast<const uint8_t*>(key.data());
    if (crypto::prepare_hmac({k, key.size()}, *keys.back()) != Status::ok) std::abort();
    uint8_t tag[32];
    unsigned len = 0;
    if (!HMAC(EVP_sha256(), k, key.size(), reinterpret_cast<const uint8_t*>(msgs.back().data()),
              msgs.back().size(), tag, &len) || len != 32)
      std::abort();
    want.emplace_back(tag, tag + 32);
    sigs.push_back(want.back());
    if (flip != 0) sigs.back()[flip / 8] ^= static_cast<uint8_t>(1u << (flip % 8));
  }
  std::vector<crypto::Hs256Job> jobs;
  for (size_t i = 0; i < lanes; ++i) jobs.push_back({keys[i].get(), msgs[i], sigs[i].data()});

  const std::string saved(crypto::active_hs256_kernel());
  for (std::string_view kernel : crypto::available_hs256_kernels()) {
    if (!crypto::force_hs256_kernel(kernel)) std::abort();
    std::vector<std::array<uint8_t, 32>> tags(lanes);
    crypto::hs256_tags(jobs, tags);
    std::vector<Status> got(lanes, Status::internal_error);
    crypto::verify_hs256_batch(jobs, got);
    for (size_t i = 0; i < lanes; ++i) {
      if (std::memcmp(tags[i].data(), want[i].data(), 32) != 0) std::abort();
      const bool intact = sigs[i] == want[i];
      if (got[i] != (intact ? Status::ok : Status::bad_signature)) std::abort();
    }
  }
  crypto::force_hs256_kernel(saved);
  return 0;
}
