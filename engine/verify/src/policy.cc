// validate: the Policy values that cannot mean anything, refused where a
// Verifier is made (C++ constructors, C API) instead of at verify time.
#include "jve/policy.h"

#include <string>

namespace jve {

bool validate(const Policy& policy, std::string* why) noexcept {
  const char* problem = nullptr;
  if (policy.algorithms.empty()) {
    problem = "policy.algorithms allows no algorithm";
  } else if (policy.leeway_seconds < 0) {
    problem = "policy.leeway_seconds is negative";
  } else if (policy.max_age_seconds && *policy.max_age_seconds < 0) {
    problem = "policy.max_age_seconds is negative (leave it empty for no maximum age)";
  } else if (policy.max_token_bytes == 0) {
    problem = "policy.max_token_bytes is 0";
  } else if (policy.max_token_bytes > kMaxTokenBytesCeiling) {
    problem = "policy.max_token_bytes is above kMaxTokenBytesCeiling (16 MiB)";
  }
  if (problem == nullptr) return true;
  if (why != nullptr) {
    try {
      *why = problem;
    } catch (...) {  // std::bad_alloc: the answer stands without the sentence
    }
  }
  return false;
}

}  // namespace jve
