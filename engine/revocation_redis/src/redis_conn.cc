#include "redis_conn.h"

#include <vector>

namespace jve::revocation_redis {

namespace {

timeval to_timeval(std::chrono::milliseconds d) {
  timeval tv;
  tv.tv_sec = static_cast<time_t>(d.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((d.count() % 1000) * 1000);
  return tv;
}

}  // namespace

Reply command(redisContext* c, std::initializer_list<std::string_view> args, std::string* error) {
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (std::string_view a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  Reply r(static_cast<redisReply*>(
      redisCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lens.data())));
  if (!r) {
    if (error) *error = c->errstr[0] ? c->errstr : "the Redis connection failed";
    return nullptr;
  }
  if (r->type == REDIS_REPLY_ERROR) {
    if (error) *error = "Redis: " + std::string(r->str, r->len);
    return nullptr;
  }
  return r;
}

Context connect(const RedisAddress& a, std::chrono::milliseconds timeout, std::string* error) {
  Context c(redisConnectWithTimeout(a.host.c_str(), a.port, to_timeval(timeout)));
  if (!c) {
    if (error) *error = "cannot allocate a Redis connection";
    return nullptr;
  }
  if (c->err) {
    if (error) *error = "Redis " + a.host + ":" + std::to_string(a.port) + ": " + c->errstr;
    return nullptr;
  }
  if (redisSetTimeout(c.get(), to_timeval(timeout)) != REDIS_OK) {
    if (error) *error = "cannot set the Redis timeout";
    return nullptr;
  }
  if (!a.password.empty()) {
    Reply r = a.user.empty() ? command(c.get(), {"AUTH", a.password}, error)
                             : command(c.get(), {"AUTH", a.user, a.password}, error);
    if (!r) return nullptr;
  }
  if (a.db != 0) {
    const std::string db = std::to_string(a.db);
    if (!command(c.get(), {"SELECT", db}, error)) return nullptr;
  }
  return c;
}

}  // namespace jve::revocation_redis
