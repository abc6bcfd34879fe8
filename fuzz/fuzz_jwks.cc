// Key loading from untrusted JSON: never crash, and every key that loads is
// usable: it fits at least one algorithm and select() finds it.
#include <cstdlib>
#include <string_view>

#include <openssl/err.h>

#include "jve/jve.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string why;
  jve::Result<jve::KeySet> set = jve::KeySet::from_jwks(text, &why);
  if (set.ok()) {
    for (const auto& key : set->keys()) {
      bool fits_one = false;
      for (int a = 0; a < jve::kNumAlgs; ++a) {
        const auto alg = static_cast<jve::Alg>(a);
        if (!key->fits(alg)) continue;
        fits_one = true;
        const jve::Key* chosen = nullptr;
        std::string_view kid = key->kid() ? std::string_view(*key->kid()) : std::string_view();
        jve::Status s = set->select(alg, key->kid() ? &kid : nullptr, &chosen);
        if (s == jve::Status::ok && chosen == nullptr) std::abort();
      }
      if (!fits_one) std::abort();
    }
    for (const jve::KeyIssue& issue : set->left_out()) {
      if (issue.status == jve::Status::ok || issue.why.empty()) std::abort();
    }
  } else if (set.status() == jve::Status::ok || why.empty()) {
    std::abort();
  }
  ERR_clear_error();
  return 0;
}
