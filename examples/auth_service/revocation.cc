#include "revocation.h"

#include <cstdio>

#ifdef JVE_AUTH_SERVICE_HAS_REVOCATION
#include "jve/redis_revocations.h"
#endif

namespace auth_service {

std::shared_ptr<void> enable_revocation(jve::Policy& policy, const std::string& url,
                                        std::chrono::milliseconds timeout, std::string* error) {
#ifdef JVE_AUTH_SERVICE_HAS_REVOCATION
  auto list = std::make_shared<jve::RevocationList>();
  jve::RedisOptions options;
  options.url = url;
  options.on_event = [](const jve::RedisEvent& e) {
    std::fprintf(stderr, "revocation: Redis %s (%lld ms)%s%s\n",
                 e.kind == jve::RedisEvent::Kind::up ? "back" : "unreachable",
                 static_cast<long long>(e.outage.count()), e.error.empty() ? "" : ": ",
                 e.error.c_str());
  };
  auto sync = std::make_shared<jve::RedisRevocations>(list, options);
  if (!sync->wait_loaded(timeout)) {
    *error = "revocation: no first load from " + url + ": " + sync->stats().last_error;
    return nullptr;
  }
  policy.revocation = list;
  return sync;
#else
  (void)policy, (void)url, (void)timeout;
  *error = "--revocation-redis: this build has no Redis support (jve_revocation_redis)";
  return nullptr;
#endif
}

}  // namespace auth_service
