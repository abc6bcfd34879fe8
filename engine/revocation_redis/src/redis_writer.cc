// RedisWriter: revoke (MULTI ZADD, ZREMRANGEBYSCORE, PUBLISH, EXEC) and the
// one-time-token check (SET NX EXAT).
#include "jve/redis_revocations.h"

#include "redis_conn.h"
#include "revocation_redis/redis_url.h"

namespace jve {

using namespace revocation_redis;

struct RedisWriter::Conn {
  Context c;
};

RedisWriter::RedisWriter(const std::string& url, std::string key, std::chrono::milliseconds timeout)
    : conn_(std::make_unique<Conn>()), key_(std::move(key)) {
  RedisAddress a;
  if (!parse_redis_url(url, a, &error_)) return;
  conn_->c = connect(a, timeout, &error_);
}

RedisWriter::~RedisWriter() = default;

bool RedisWriter::ok() const noexcept { return conn_->c != nullptr; }

bool RedisWriter::revoke(const Revocation& r, int64_t now) {
  if (!ok()) return false;
  const std::string text = format_revocation(r);
  Revocation back;
  if (Status st = parse_revocation(text, back); st != Status::ok || !(back == r)) {
    error_ = "the entry cannot be stored (";
    error_.append(to_string(st)).append("): fields must be valid UTF-8, at most ");
    error_.append(std::to_string(kMaxRevocationField)).append(" bytes");
    return false;
  }
  redisContext* c = conn_->c.get();
  const std::string score = std::to_string(r.expires_at);
  std::string expired = "(";  // exclusive bound; appended: GCC 12's -Wrestrict misfires on "(" + s
  expired += std::to_string(now);
  if (!command(c, {"MULTI"}, &error_)) return false;
  command(c, {"ZADD", key_, score, text}, &error_);
  command(c, {"ZREMRANGEBYSCORE", key_, "-inf", expired}, &error_);
  command(c, {"PUBLISH", key_, text}, &error_);
  Reply done = command(c, {"EXEC"}, &error_);
  if (!done) return false;
  if (done->type != REDIS_REPLY_ARRAY) {
    error_ = "Redis refused the transaction";
    return false;
  }
  return true;
}

namespace {

std::string hex(std::string_view s) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size() * 2);
  for (const char c : s) {
    out.push_back(digits[static_cast<unsigned char>(c) >> 4]);
    out.push_back(digits[static_cast<unsigned char>(c) & 15]);
  }
  return out;
}

}  // namespace

Status RedisWriter::consume_once(std::string_view iss, std::string_view jti, int64_t expires_at) {
  if (!ok()) return Status::internal_error;
  const std::string key = key_ + ":once:" + hex(iss) + ":" + hex(jti);
  const std::string at = std::to_string(expires_at);
  Reply r = command(conn_->c.get(), {"SET", key, "1", "NX", "EXAT", at}, &error_);
  if (!r) return Status::internal_error;
  // OK: first use; nil: the key was there.
  return r->type == REDIS_REPLY_NIL ? Status::revoked : Status::ok;
}

}  // namespace jve
