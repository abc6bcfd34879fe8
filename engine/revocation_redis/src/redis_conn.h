// One hiredis connection: connect with a timeout, AUTH, SELECT; replies
// freed by a unique_ptr.
#pragma once

#include <hiredis/hiredis.h>

#include <chrono>
#include <memory>
#include <string>

#include "revocation_redis/redis_url.h"

namespace jve::revocation_redis {

struct ContextFree {
  void operator()(redisContext* c) const noexcept { redisFree(c); }
};
struct ReplyFree {
  void operator()(redisReply* r) const noexcept { freeReplyObject(r); }
};
using Context = std::unique_ptr<redisContext, ContextFree>;
using Reply = std::unique_ptr<redisReply, ReplyFree>;

// connect returns a ready connection (commands time out after |timeout|),
// or null with |*error| set.
Context connect(const RedisAddress& a, std::chrono::milliseconds timeout, std::string* error);

// command sends a command given as separate arguments (binary-safe); null
// with |*error| for a broken connection or an error reply.
Reply command(redisContext* c, std::initializer_list<std::string_view> args, std::string* error);

}  // namespace jve::revocation_redis
