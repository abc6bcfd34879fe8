// The service's optional revocation list on Redis (--revocation-redis URL):
// kept in its own file so that main.cc only parses the option and calls in.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "jve/jve.hpp"

namespace auth_service {

// enable_revocation points |policy| at a replica kept current from Redis at
// |url| (jve/redis_revocations.h; fail open) and waits up to |timeout| for
// its first load. Returns the owner to keep alive, or null with |*error|.
std::shared_ptr<void> enable_revocation(jve::Policy& policy, const std::string& url,
                                        std::chrono::milliseconds timeout, std::string* error);

}  // namespace auth_service
