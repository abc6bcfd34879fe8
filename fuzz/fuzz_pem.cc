// PEM / X.509 key loading (Key::from_pem) with fuzzed options. Never crash;
// a loaded key is usable (key_checks.h) and keeps the kid and alg it was
// given; a refused one names a key-loading status and a reason. Input
// layout: the last two bytes choose the options (kid or not, pinned alg or
// not); the rest is the PEM text.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdlib>
#include <string>

#include <openssl/err.h>

#include "key_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  jve::KeyOptions options;
  const uint8_t alg = in.ConsumeIntegral<uint8_t>();
  if (alg < jve::kNumAlgs) options.alg = static_cast<jve::Alg>(alg);
  if (in.ConsumeBool()) options.kid = "k1";
  const std::string pem = in.ConsumeRemainingBytesAsString();
  std::string why;
  jve::Result<std::shared_ptr<const jve::Key>> key = jve::Key::from_pem(pem, options, &why);
  if (key.ok()) {
    if ((*key)->kid() != options.kid || (*key)->alg() != options.alg) std::abort();
    if ((*key)->type() == jve::KeyType::oct) std::abort();  // PEM never holds a secret
    jve_fuzz::check_usable(*key);
  } else if (!jve_fuzz::is_load_failure(key.status()) || why.empty()) {
    std::abort();
  }
  ERR_clear_error();
  return 0;
}
