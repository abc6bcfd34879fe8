// GoogleTest printers for jve types used as test parameters. gtest prints a
// parameter in failure messages and in the names CTest discovers; without a
// printer that is a byte dump of the object.
#pragma once

#include <ostream>

#include "jve/alg.h"
#include "jve/base64url.h"
#include "jve/status.h"

namespace jve {
inline void PrintTo(Alg a, std::ostream* os) { *os << alg_name(a); }
inline void PrintTo(Status s, std::ostream* os) { *os << to_string(s); }
namespace base64url {
inline void PrintTo(const Kernel* k, std::ostream* os) { *os << (k ? k->name : "null"); }
}  // namespace base64url
}  // namespace jve
