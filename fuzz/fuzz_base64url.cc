// Differential and round-trip fuzzer for base64url: every available kernel
// must give the scalar kernel's status and bytes, and whatever decodes must
// re-encode to exactly the input (strict decoding admits one encoding).
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "base64/kernels.h"
#include "jve/base64url.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const char* in = reinterpret_cast<const char*>(data);
  const size_t bound = jve::base64url::decoded_max_len(size);
  // Exactly the documented bound, so ASan catches a kernel writing past it.
  std::vector<uint8_t> ref(bound), out(bound);
  size_t ref_len = 0;
  const jve::Status ref_status = jve::base64url::scalar::decode(in, size, ref.data(), &ref_len);
  if (ref_status == jve::Status::ok) {
    if (ref_len > bound) std::abort();
    if (jve::base64url::encode(std::span<const uint8_t>(ref.data(), ref_len)) != std::string(in, size))
      std::abort();
  }
  for (const jve::base64url::Kernel* k : jve::base64url::available_kernels()) {
    size_t len = 0;
    const jve::Status s = k->decode(in, size, out.data(), &len);
    if (s != ref_status) std::abort();
    if (s == jve::Status::ok && (len != ref_len || std::memcmp(out.data(), ref.data(), len) != 0))
      std::abort();
  }
  return 0;
}
