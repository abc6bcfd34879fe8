// One JWK from untrusted JSON (Key::from_jwk). Never crash; a loaded key is
// usable (key_checks.h); a refused one names a key-loading status and a
// reason; and the JWKS loader agrees with the JWK loader: the same text as
// the only entry of {"keys":[...]} loads the same key, or is left out with
// the same status.
#include <cstdlib>
#include <string>
#include <string_view>

#include <openssl/err.h>

#include "key_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string why;
  jve::Result<std::shared_ptr<const jve::Key>> key = jve::Key::from_jwk(text, &why);
  if (key.ok()) {
    jve_fuzz::check_usable(*key);
  } else if (!jve_fuzz::is_load_failure(key.status()) || why.empty()) {
    std::abort();
  }
  const jve::Status s = key.status();
  if (s != jve::Status::bad_json && s != jve::Status::duplicate_member &&
      s != jve::Status::too_deep) {
    std::string set_why;
    jve::Result<jve::KeySet> set = jve::KeySet::from_jwks("{\"keys\":[" + std::string(text) + "]}", &set_why);
    // The wrapper adds two levels of nesting; near the depth limit the set
    // as a whole may be refused, which says nothing about the key.
    if (set.ok()) {
      if (key.ok()) {
        if (set->size() != 1 || set->keys()[0]->type() != (*key)->type() ||
            set->keys()[0]->kid() != (*key)->kid() || set->keys()[0]->alg() != (*key)->alg())
          std::abort();
      } else if (set->size() != 0 || set->left_out().size() != 1 ||
                 set->left_out()[0].status != s) {
        std::abort();
      }
    }
  }
  ERR_clear_error();
  return 0;
}
