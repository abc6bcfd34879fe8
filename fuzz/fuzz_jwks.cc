// Key loading from untrusted JSON: never crash; every key that loads passes
// key_checks.h (usable, selectable, rejects an impossible signature); every
// key left out, and a whole-document failure, names a status and a reason.
#include <cstdlib>
#include <string_view>

#include <openssl/err.h>

#include "jve/jve.hpp"
#include "key_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string why;
  jve::Result<jve::KeySet> set = jve::KeySet::from_jwks(text, &why);
  if (set.ok()) {
    for (const auto& key : set->keys()) jve_fuzz::check_usable(key);
    for (const jve::KeyIssue& issue : set->left_out()) {
      if (!jve_fuzz::is_load_failure(issue.status) || issue.why.empty()) std::abort();
    }
  } else if (!jve_fuzz::is_load_failure(set.status()) || why.empty()) {
    std::abort();
  }
  ERR_clear_error();
  return 0;
}
