// RedisRevocations: the sync thread. Two connections: one subscribed to
// the channel (read with poll, so that the thread also wakes for heartbeats,
// resyncs and stop), one for the full loads.
#include "jve/redis_revocations.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <condition_variable>
#include <ctime>
#include <mutex>
#include <optional>
#include <system_error>
#include <random>
#include <thread>
#include <vector>

#include "redis_conn.h"
#include "revocation_redis/redis_url.h"
#include "sources/callbacks.h"
#include "sources/thread_name.h"

namespace jve {

using namespace revocation_redis;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

struct RedisRevocations::State {
  RedisOptions options;
  RedisAddress address;
  std::string url_error;  // a URL parse_redis_url refused: the thread only reports it
  int wake[2] = {-1, -1};
  std::thread thread;

  mutable std::mutex mu;
  mutable std::condition_variable loaded_cv;
  RedisRevocationStats stats;
  std::optional<Clock::time_point> down_since;
  bool stop = false;

  int64_t now_s() const {
    return options.clock ? options.clock() : static_cast<int64_t>(std::time(nullptr));
  }
  // sleep waits |d| or until stop; true when stopping.
  bool sleep(milliseconds d) const {
    pollfd p{wake[0], POLLIN, 0};
    ::poll(&p, 1, static_cast<int>(d.count()));
    std::lock_guard<std::mutex> lock(mu);
    return stop;
  }
  bool stopping() const {
    std::lock_guard<std::mutex> lock(mu);
    return stop;
  }
  void event(RedisEvent e) const { sources::call_quietly(options.on_event, e); }

  void run(RevocationList& list);
  // One connected session; returns the error that ended it ("" on stop).
  std::string session(RevocationList& list, bool* reached);
  bool load(redisContext* c, RevocationList& list, std::string* error);
  void went_down(const std::string& error);
};

namespace {

// Writes everything hiredis has buffered for |c| (blocking socket).
bool flush(redisContext* c) {
  int done = 0;
  while (!done)
    if (redisBufferWrite(c, &done) != REDIS_OK) return false;
  return true;
}

// "refused a <where> entry: <status>" (appended, not operator+: GCC 12's
// -Wrestrict misfires on a literal + std::string).
std::string refusal_of(std::string_view where, Status st) {
  std::string out = "refused a ";
  out.append(where).append(" entry: ").append(to_string(st));
  return out;
}

bool is_array_of(const redisReply* r, size_t n, std::string_view first) {
  return r->type == REDIS_REPLY_ARRAY && r->elements == n &&
         r->element[0]->type == REDIS_REPLY_STRING &&
         std::string_view(r->element[0]->str, r->element[0]->len) == first;
}

}  // namespace

bool RedisRevocations::State::load(redisContext* c, RevocationList& list, std::string* error) {
  const std::string now = std::to_string(now_s());
  Reply r = command(c, {"ZRANGEBYSCORE", options.key, now, "+inf"}, error);
  if (!r) return false;
  if (r->type != REDIS_REPLY_ARRAY) {
    *error = "Redis: " + options.key + " is not a sorted set";
    return false;
  }
  std::vector<Revocation> entries;
  entries.reserve(r->elements);
  uint64_t refused = 0;
  std::string refusal;
  for (size_t i = 0; i < r->elements; ++i) {
    const redisReply* e = r->element[i];
    Revocation rev;
    const Status st = e->type == REDIS_REPLY_STRING
                          ? parse_revocation(std::string_view(e->str, e->len), rev)
                          : Status::bad_json;
    if (st != Status::ok) {
      ++refused;
      refusal = refusal_of("stored", st);
      continue;
    }
    entries.push_back(std::move(rev));
  }
  list.replace(entries, now_s());
  list.mark_synced();
  std::lock_guard<std::mutex> lock(mu);
  stats.loads += 1;
  stats.refused += refused;
  if (refused) stats.last_error = refusal;
  loaded_cv.notify_all();
  return true;
}

void RedisRevocations::State::went_down(const std::string& error) {
  RedisEvent e;
  {
    std::lock_guard<std::mutex> lock(mu);
    stats.connected = false;
    stats.last_error = error;
    e.kind = down_since ? RedisEvent::Kind::still_down : RedisEvent::Kind::down;
    if (!down_since) down_since = Clock::now();
    e.outage = std::chrono::duration_cast<milliseconds>(Clock::now() - *down_since);
    e.error = error;
  }
  event(e);
}

std::string RedisRevocations::State::session(RevocationList& list, bool* reached) {
  std::string error;
  Context sub = connect(address, options.connect_timeout, &error);
  if (!sub) return error;
  Context cmd = connect(address, options.connect_timeout, &error);
  if (!cmd) return error;
  // Subscribe before loading: an entry published during the load then
  // arrives as a message too (applying it twice is harmless).
  if (!command(sub.get(), {"SUBSCRIBE", options.key}, &error)) return error;
  if (!load(cmd.get(), list, &error)) return error;
  *reached = true;
  std::optional<RedisEvent> up;
  {
    std::lock_guard<std::mutex> lock(mu);
    if (down_since) {
      up = RedisEvent{RedisEvent::Kind::up,
                      std::chrono::duration_cast<milliseconds>(Clock::now() - *down_since), ""};
      down_since.reset();
      stats.reconnects += 1;
    }
    stats.connected = true;
  }
  if (up) event(*up);

  Clock::time_point next_ping = Clock::now() + options.heartbeat;
  Clock::time_point next_resync = Clock::now() + options.resync_interval;
  Clock::time_point ping_sent{};
  bool ping_outstanding = false;
  std::vector<Revocation> batch;
  for (;;) {
    // Replies already read (with the SUBSCRIBE answer, say) come first.
    uint64_t refused = 0;
    std::string refusal;
    bool pong = false;
    for (;;) {
      void* raw = nullptr;
      if (redisGetReplyFromReader(sub.get(), &raw) != REDIS_OK)
        return sub->errstr[0] ? sub->errstr : "bad reply from Redis";
      if (raw == nullptr) break;
      Reply r(static_cast<redisReply*>(raw));
      if (is_array_of(r.get(), 3, "message")) {
        const redisReply* payload = r->element[2];
        Revocation rev;
        const Status st = payload->type == REDIS_REPLY_STRING
                              ? parse_revocation(std::string_view(payload->str, payload->len), rev)
                              : Status::bad_json;
        if (st == Status::ok) {
          batch.push_back(std::move(rev));
        } else {
          ++refused;
          refusal = refusal_of("published", st);
        }
      } else if (is_array_of(r.get(), 2, "pong")) {
        pong = true;
        ping_outstanding = false;
      }
    }
    if (!batch.empty() || refused) {
      const size_t n = batch.size();
      if (n) list.add(batch, now_s());
      batch.clear();
      std::lock_guard<std::mutex> lock(mu);
      stats.messages += n;
      stats.refused += refused;
      if (refused) stats.last_error = refusal;
    }
    // A PONG follows every message published before its PING, all applied
    // by now: the replica is current.
    if (pong) list.mark_synced();

    const Clock::time_point now = Clock::now();
    if (ping_outstanding && now - ping_sent > 3 * options.heartbeat + options.connect_timeout)
      return "no PONG from Redis";
    if (!ping_outstanding && now >= next_ping) {
      redisAppendCommand(sub.get(), "PING");
      if (!flush(sub.get())) return sub->errstr;
      ping_sent = now;
      ping_outstanding = true;
      next_ping = now + options.heartbeat;
    }
    if (now >= next_resync) {
      if (!load(cmd.get(), list, &error)) return error;
      next_resync = now + options.resync_interval;
    }
    const auto until = std::min(next_ping, next_resync);
    const auto wait = std::chrono::duration_cast<milliseconds>(until - Clock::now());
    pollfd fds[2] = {{sub->fd, POLLIN, 0}, {wake[0], POLLIN, 0}};
    ::poll(fds, 2, static_cast<int>(std::clamp<int64_t>(wait.count() + 1, 1, 1000)));
    if (stopping()) return "";
    if (fds[0].revents != 0 && redisBufferRead(sub.get()) != REDIS_OK)
      return sub->errstr[0] ? sub->errstr : "the Redis connection failed";
  }
}

void RedisRevocations::State::run(RevocationList& list) {
  sources::name_this_thread("jve-revocation");
  std::mt19937_64 rng(std::random_device{}());
  std::uniform_real_distribution<double> jitter(0.75, 1.0);
  uint32_t failures = 0;
  while (!stopping()) {
    bool reached = false;  // a session that got as far as a load resets the backoff
    const std::string error = url_error.empty() ? session(list, &reached) : url_error;
    if (stopping()) break;
    went_down(error);
    failures = reached ? 1 : failures + 1;
    if (sleep(backoff_delay(options.backoff_initial, options.backoff_max, failures, jitter(rng))))
      break;
  }
}

RedisRevocations::RedisRevocations(std::shared_ptr<RevocationList> list, RedisOptions options)
    : list_(std::move(list)), state_(std::make_unique<State>()) {
  if (!list_) list_ = std::make_shared<RevocationList>();
  State& s = *state_;
  s.options = std::move(options);
  if (!parse_redis_url(s.options.url, s.address, &s.url_error) && s.url_error.empty())
    s.url_error = "bad Redis URL";
  list_->set_stale_policy(s.options.stale_policy, s.options.max_staleness.count());
  if (::pipe2(s.wake, O_CLOEXEC | O_NONBLOCK) != 0) throw std::system_error(errno, std::generic_category());
  s.thread = std::thread([this] { state_->run(*list_); });
}

RedisRevocations::~RedisRevocations() {
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    state_->stop = true;
  }
  const char b = 1;
  (void)!::write(state_->wake[1], &b, 1);
  state_->thread.join();
  ::close(state_->wake[0]);
  ::close(state_->wake[1]);
}

bool RedisRevocations::wait_loaded(std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(state_->mu);
  return state_->loaded_cv.wait_for(lock, timeout, [&] { return state_->stats.loads > 0; });
}

RedisRevocationStats RedisRevocations::stats() const {
  RedisRevocationStats s;
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    s = state_->stats;
    if (state_->down_since)
      s.outage = std::chrono::duration_cast<milliseconds>(Clock::now() - *state_->down_since);
  }
  s.replica_age_ms = list_->age_ms();
  s.entries = list_->size();
  return s;
}

}  // namespace jve
