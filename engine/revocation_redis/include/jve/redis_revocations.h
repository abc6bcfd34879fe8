// jve/redis_revocations.h: a fleet-wide revocation list on Redis (library
// jve_revocation_redis, hiredis). Every process keeps a local replica
// (jve::RevocationList) that its verifies read in memory; this keeps it
// current. README "Revocation" documents the Redis layout so that any
// program can revoke by writing to Redis directly:
//
//   <key>            sorted set: member = entry text (jve/revocation.h,
//                    parse_revocation), score = the entry's "exp"
//   <key> (channel)  pub/sub: every new entry's text, published after ZADD
//   <key>:once:<hex(iss)>:<hex(jti)>   one-time tokens (RedisWriter::consume_once)
//
//   jve::RedisOptions o;
//   o.url = "redis://10.0.0.5:6379";
//   auto list = std::make_shared<jve::RevocationList>();
//   jve::RedisRevocations sync(list, o);   // loads, subscribes, resyncs
//   policy.revocation = list;              // then make Verifiers
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "jve/revocation.h"
#include "jve/status.h"

namespace jve {

// RedisEvent is what the status callback hears: the link went down (with
// the error), is still down (each failed reconnect, with the outage's
// age), or is up again (with how long it was down).
struct RedisEvent {
  enum class Kind : uint8_t { down, still_down, up };
  Kind kind = Kind::down;
  std::chrono::milliseconds outage{0};  // how long Redis has been (or was) unreachable
  std::string error;                    // down, still_down: the last error
};

struct RedisOptions {
  // redis://[[user]:password@]host[:port][/db]; port 6379, db 0 by default.
  std::string url = "redis://127.0.0.1:6379";
  // The sorted set, and the channel of the same name.
  std::string key = "jve:revocations";
  // A full reload repairs anything pub/sub missed (a message dropped while
  // the subscriber was slow, an entry written without PUBLISH).
  std::chrono::milliseconds resync_interval{std::chrono::seconds(60)};
  // A PING on the subscriber connection this often; its PONG, which comes
  // after every message published before it, marks the replica current.
  std::chrono::milliseconds heartbeat{std::chrono::milliseconds(500)};
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(1)};
  // Reconnection: backoff_initial doubling to backoff_max, times a jitter
  // in [0.75, 1] (JwksUrl's schedule).
  std::chrono::milliseconds backoff_initial{std::chrono::milliseconds(100)};
  std::chrono::milliseconds backoff_max{std::chrono::seconds(5)};
  // What verifies do once the replica has not been confirmed current for
  // max_staleness (RevocationList::set_stale_policy): accept (fail open,
  // the default) or reject every token (fail closed).
  StalePolicy stale_policy = StalePolicy::accept;
  std::chrono::milliseconds max_staleness{std::chrono::seconds(10)};
  // Called on the sync thread; must return quickly; exceptions are swallowed.
  std::function<void(const RedisEvent&)> on_event;
  // The time entries expire against (seconds since the epoch). Empty: the
  // system clock. Tests move it.
  std::function<int64_t()> clock;
};

struct RedisRevocationStats {
  bool connected = false;
  std::chrono::milliseconds outage{0};  // age of the current outage; 0 when connected
  int64_t replica_age_ms = -1;          // since the replica was last confirmed current
  size_t entries = 0;
  uint64_t loads = 0;       // full loads (start, resyncs, reconnects)
  uint64_t messages = 0;    // pub/sub entries applied
  uint64_t refused = 0;     // entries (loaded or published) parse_revocation refused
  uint64_t reconnects = 0;  // connections made after the first
  std::string last_error;   // the last connection error or refused entry
};

// RedisRevocations keeps |list| current from Redis on a thread of its own:
// subscribe, then load the whole set (so nothing published meanwhile is
// lost), then apply each published entry, PING every heartbeat, reload
// every resync_interval, and on any error keep the list as it is, report
// the outage and reconnect with backoff. Construction never blocks on
// Redis; wait_loaded() waits for the first load.
class RedisRevocations {
 public:
  RedisRevocations(std::shared_ptr<RevocationList> list, RedisOptions options);
  // Stops the thread: at once when it is waiting, else once its current
  // Redis call ends (at most connect_timeout).
  ~RedisRevocations();
  RedisRevocations(const RedisRevocations&) = delete;
  RedisRevocations& operator=(const RedisRevocations&) = delete;

  // True once a full load has been applied (false after |timeout|).
  bool wait_loaded(std::chrono::milliseconds timeout) const;
  RedisRevocationStats stats() const;
  const std::shared_ptr<RevocationList>& list() const noexcept { return list_; }

 private:
  struct State;
  std::shared_ptr<RevocationList> list_;
  std::unique_ptr<State> state_;
};

// RedisWriter revokes (for the CLI and for applications): one connection,
// one call per revocation. Not thread-safe.
class RedisWriter {
 public:
  // Connects; on failure ok() is false and error() says why.
  explicit RedisWriter(const std::string& url, std::string key = "jve:revocations",
                       std::chrono::milliseconds timeout = std::chrono::seconds(2));
  ~RedisWriter();
  RedisWriter(const RedisWriter&) = delete;
  RedisWriter& operator=(const RedisWriter&) = delete;

  bool ok() const noexcept;
  const std::string& error() const noexcept { return error_; }

  // revoke stores |r| and publishes it, in one MULTI/EXEC: ZADD key exp
  // text, ZREMRANGEBYSCORE key -inf (now (expired entries), PUBLISH key
  // text. False with error() on failure (or an entry that does not
  // round-trip through parse_revocation).
  bool revoke(const Revocation& r, int64_t now);

  // consume_once is the optional replay check of one-time tokens: SET
  // <key>:once:<hex(iss)>:<hex(jti)> 1 NX EXAT <expires_at>. One round
  // trip to Redis per token (not the local replica): ok the first time,
  // revoked on any later call, internal_error when Redis cannot answer.
  Status consume_once(std::string_view iss, std::string_view jti, int64_t expires_at);

 private:
  struct Conn;
  std::unique_ptr<Conn> conn_;
  std::string key_;
  std::string error_;
};

}  // namespace jve
