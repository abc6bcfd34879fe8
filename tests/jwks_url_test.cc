// JwksUrl against a real HTTP server on 127.0.0.1 (an ephemeral port),
// started by the test: rotation, 500s, slow responses, garbage, huge bodies,
// unknown-kid refetches within the cooldown, backoff, prompt shutdown.
//
// Timing: every wait polls for a condition with a generous deadline; bounds
// on time are one-sided (a rate limit can only be checked from above, a
// timeout from below) so that a loaded machine cannot fail them.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "jve/jwks_url.h"
#include "jve/verifier.h"
#include "testkit.h"
#include "sources/thread_name.h"
#include "thread_cpu.h"

namespace jve {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
constexpr int64_t kNow = 1'700'000'000;
constexpr auto kDeadline = 30s;  // only a broken run waits this long

// wait_for polls |done| until it holds or kDeadline passes.
bool wait_for(const std::function<bool()>& done) {
  const auto deadline = Clock::now() + kDeadline;
  while (!done()) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(2ms);
  }
  return true;
}

// A small HTTP/1.1 server: one thread accepts, one thread per connection
// answers with the scripted Reply, then closes ("Connection: close").
class TestServer {
 public:
  struct Reply {
    int status = 200;
    std::string body;
    std::string extra_headers;           // each ending in "\r\n"
    std::chrono::milliseconds delay{0};  // before the status line
    uint64_t claimed_length = 0;         // >0: Content-Length claims this, body sent as is
    uint64_t stream_bytes = 0;           // >0: send this many bytes, no Content-Length
  };

  TestServer() {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof(addr);
    if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
        ::listen(listen_fd_, 64) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      return;
    }
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }

  ~TestServer() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (acceptor_.joinable()) acceptor_.join();
    std::vector<std::thread> connections;
    {
      std::lock_guard<std::mutex> lock(mu_);
      connections.swap(connections_);
    }
    for (auto& t : connections) t.join();
    if (listen_fd_ >= 0) ::close(listen_fd_);
  }

  bool ok() const { return port_ != 0; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/jwks.json"; }

  void set_reply(Reply reply) {
    std::lock_guard<std::mutex> lock(mu_);
    reply_ = std::move(reply);
  }
  void serve_jwks(std::string body, std::string extra_headers = "") {
    Reply r;
    r.body = std::move(body);
    r.extra_headers = std::move(extra_headers);
    set_reply(std::move(r));
  }
  void serve_status(int status) {
    Reply r;
    r.status = status;
    r.body = "{\"error\":\"scripted\"}";
    set_reply(std::move(r));
  }

  size_t hits() const {
    std::lock_guard<std::mutex> lock(mu_);
    return hit_times_.size();
  }
  std::vector<Clock::time_point> hit_times() const {
    std::lock_guard<std::mutex> lock(mu_);
    return hit_times_;
  }
  // For streamed replies: bytes written, and whether the client hung up.
  uint64_t streamed() const { return streamed_.load(); }
  bool stream_cut() const { return stream_cut_.load(); }

 private:
  void accept_loop() {
    for (;;) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (stop_) return;
      }
      pollfd p{listen_fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      std::lock_guard<std::mutex> lock(mu_);
      connections_.emplace_back([this, fd] { serve(fd); });
    }
  }

  static bool send_all(int fd, const char* data, size_t len) {
    while (len > 0) {
      const ssize_t n = ::send(fd, data, len, MSG_NOSIGNAL);
      if (n <= 0) return false;
      data += n;
      len -= static_cast<size_t>(n);
    }
    return true;
  }

  void serve(int fd) {
    // A client that stops reading must not hold this thread for ever.
    timeval send_timeout{10, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof(send_timeout));
    std::string request;
    char buf[4096];
    while (request.find("\r\n\r\n") == std::string::npos && request.size() < 65536) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 10'000) <= 0) break;
      const ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
      if (n <= 0) break;
      request.append(buf, static_cast<size_t>(n));
    }
    Reply reply;
    {
      std::unique_lock<std::mutex> lock(mu_);
      hit_times_.push_back(Clock::now());
      reply = reply_;
      if (reply.delay.count() > 0) cv_.wait_for(lock, reply.delay, [this] { return stop_; });
      if (stop_) {
        ::close(fd);
        return;
      }
    }
    std::string head = "HTTP/1.1 " + std::to_string(reply.status) + " Scripted\r\n" +
                       "Content-Type: application/json\r\nConnection: close\r\n" +
                       reply.extra_headers;
    if (reply.stream_bytes == 0) {
      const uint64_t length = reply.claimed_length ? reply.claimed_length : reply.body.size();
      head += "Content-Length: " + std::to_string(length) + "\r\n";
    }
    head += "\r\n";
    if (send_all(fd, head.data(), head.size())) {
      if (reply.stream_bytes == 0) {
        send_all(fd, reply.body.data(), reply.body.size());
      } else {
        const std::string chunk(64 * 1024, ' ');
        uint64_t sent = 0;
        bool cut = false;
        while (sent < reply.stream_bytes) {
          if (!send_all(fd, chunk.data(), chunk.size())) {
            cut = true;
            break;
          }
          sent += chunk.size();
        }
        streamed_ = sent;
        stream_cut_ = cut;
      }
    }
    ::shutdown(fd, SHUT_WR);
    ::close(fd);
  }

  int listen_fd_ = -1;
  int port_ = 0;
  std::thread acceptor_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;                       // guarded by mu_
  Reply reply_;                             // guarded by mu_
  std::vector<Clock::time_point> hit_times_;  // guarded by mu_
  std::vector<std::thread> connections_;    // guarded by mu_
  std::atomic<uint64_t> streamed_{0};
  std::atomic<bool> stream_cut_{false};
};

// tests/jwks_server.py in a child process: HTTPS on 127.0.0.1 with a
// certificate from a CA it writes to |dir|/ca.pem.
class HttpsServer {
 public:
  HttpsServer(const std::string& dir, const std::string& jwks_path) {
    int to_child[2], from_child[2];
    if (::pipe2(to_child, O_CLOEXEC) != 0) return;
    if (::pipe2(from_child, O_CLOEXEC) != 0) {
      ::close(to_child[0]);
      ::close(to_child[1]);
      return;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, to_child[0], 0);
    posix_spawn_file_actions_adddup2(&actions, from_child[1], 1);
    const std::string script = JVE_SOURCE_DIR "/tests/jwks_server.py";
    const char* argv[] = {"python3", script.c_str(), dir.c_str(), jwks_path.c_str(), nullptr};
    const int rc = posix_spawnp(&pid_, "python3", &actions, nullptr, const_cast<char**>(argv), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(to_child[0]);
    ::close(from_child[1]);
    stdin_ = to_child[1];
    stdout_ = from_child[0];
    if (rc != 0) {
      pid_ = -1;
      error_ = "cannot run python3";
      return;
    }
    // Key generation and start-up: well under a second; the deadline only
    // bounds a broken run.
    std::string out;
    const auto deadline = Clock::now() + kDeadline;
    while (out.find('\n') == std::string::npos && Clock::now() < deadline) {
      pollfd p{stdout_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      char buf[256];
      const ssize_t n = ::read(stdout_, buf, sizeof(buf));
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
    if (out.rfind("PORT ", 0) == 0) {
      port_ = std::atoi(out.c_str() + 5);
    } else if (out.rfind("SKIP", 0) == 0) {
      skipped_ = true;
      error_ = out;
    } else {
      error_ = "jwks_server.py did not start: \"" + out + "\"";
    }
  }

  ~HttpsServer() {
    if (stdin_ >= 0) ::close(stdin_);  // the server exits when its input closes
    if (pid_ > 0) {
      int status = 0;
      const auto deadline = Clock::now() + 10s;
      while (::waitpid(pid_, &status, WNOHANG) == 0) {
        if (Clock::now() > deadline) {
          ::kill(pid_, SIGKILL);
          ::waitpid(pid_, &status, 0);
          break;
        }
        std::this_thread::sleep_for(5ms);
      }
    }
    if (stdout_ >= 0) ::close(stdout_);
  }

  int port() const { return port_; }
  bool skipped() const { return skipped_; }
  const std::string& error() const { return error_; }

 private:
  pid_t pid_ = -1;
  int stdin_ = -1;
  int stdout_ = -1;
  int port_ = 0;
  bool skipped_ = false;
  std::string error_;
};

class JwksUrlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.ok());
    policy_.clock = [] { return kNow; };
    policy_.check_audience = false;
    verifier_ = std::make_unique<Verifier>(policy_, store_);
    server_.serve_jwks(testkit::jwks({&k1_}));
  }

  // Loopback-friendly settings: no refresh or refetch unless a test asks.
  static JwksUrlOptions options() {
    JwksUrlOptions o;
    o.allow_http = true;
    o.max_age = std::chrono::hours(1);
    o.cooldown = std::chrono::hours(1);
    o.backoff_initial = 50ms;
    o.backoff_max = 1s;
    o.backoff_jitter = false;
    o.connect_timeout = 10s;
    o.timeout = 10s;
    return o;
  }

  std::string token(const testkit::SigningKey& key, std::string_view kid = {}) const {
    return testkit::sign(key, testkit::header_json(key.alg, kid.empty() ? key.kid : kid),
                         testkit::realistic_payload(kNow));
  }
  Status verify(const std::string& token) const {
    Scratch scratch;
    Claims claims;
    return verifier_->verify(token, scratch, claims);
  }

  // Waits for |n| failed fetches in total and returns the last error.
  static SourceError wait_for_failures(const JwksUrl& source, uint64_t n) {
    EXPECT_TRUE(wait_for([&] { return source.stats().failures >= n; }));
    return source.last_error();
  }

  TestServer server_;  // declared first: outlives the sources of each test
  Policy policy_;
  std::shared_ptr<KeyStore> store_ = std::make_shared<KeyStore>();
  std::unique_ptr<Verifier> verifier_;
  testkit::SigningKey k1_ = testkit::generate_key(Alg::ES256, "k1");
  testkit::SigningKey k2_ = testkit::generate_key(Alg::EdDSA, "k2");
};

TEST_F(JwksUrlTest, LoadsAtStart) {
  JwksUrl source(store_, server_.url(), options());
  ASSERT_TRUE(source.wait_until_loaded(kDeadline)) << source.last_error().message;
  EXPECT_TRUE(source.loaded());
  EXPECT_TRUE(source.last_error().ok());
  const JwksUrlStats stats = source.stats();
  EXPECT_EQ(stats.fetches, 1u);
  EXPECT_EQ(stats.replacements, 1u);
  ASSERT_TRUE(stats.last_success.has_value());
  EXPECT_LE(*stats.last_success, std::chrono::system_clock::now());
  EXPECT_EQ(source.fetch_count(), 1u);
  EXPECT_EQ(source.url(), server_.url());
  EXPECT_EQ(server_.hits(), 1u);
  EXPECT_EQ(verify(token(k1_)), Status::ok);
}

TEST_F(JwksUrlTest, PicksUpRotationAtTheNextRefresh) {
  JwksUrlOptions o = options();
  o.max_age = 100ms;
  o.refetch_on_unknown_kid = false;  // only the refresh period may bring k2
  JwksUrl source(store_, server_.url(), o);
  ASSERT_TRUE(source.wait_until_loaded(kDeadline));
  EXPECT_EQ(verify(token(k2_)), Status::key_not_found);

  server_.serve_jwks(testkit::jwks({&k2_}));
  ASSERT_TRUE(wait_for([&] { return source.stats().replacements >= 2; }));
  // Right after the swap: the new key verifies, the removed one is rejected.
  EXPECT_EQ(verify(token(k2_)), Status::ok);
  EXPECT_EQ(verify(token(k1_)), Status::key_not_found);

  // Refreshes that bring the same bytes do not swap the set again.
  const uint64_t version = store_->version();
  const size_t hits = server_.hits();
  ASSERT_TRUE(wait_for([&] { return server_.hits() >= hits + 2; }));
  EXPECT_EQ(store_->version(), version);
}

TEST_F(JwksUrlTest, HonorsASmallerCacheControlMaxAgeAboveTheFloor) {
  server_.serve_jwks(testkit::jwks({&k1_}), "Cache-Control: public, max-age=0\r\n");
  JwksUrlOptions o = options();
  o.min_refresh = 150ms;  // the floor under the server's max-age=0
  const auto start = Clock::now();
  JwksUrl source(store_, server_.url(), o);
  ASSERT_TRUE(wait_for([&] { return server_.hits() >= 4; }));
  // max_age is an hour: only Cache-Control explains these refreshes, and the
  // floor bounds their rate (from above only: load can slow them down).
  const double elapsed_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  const size_t hits = server_.hits();
  EXPECT_LE(static_cast<double>(hits), elapsed_ms / 150.0 + 2.0) << hits << " hits in " << elapsed_ms << " ms";
}

TEST_F(JwksUrlTest, Http500KeepsTheLastGoodSet) {
  JwksUrl source(store_, server_.url(), options());
  ASSERT_TRUE(source.wait_until_loaded(kDeadline));
  server_.serve_status(500);
  source.refresh_now();
  const SourceError e = wait_for_failures(source, 1);
  EXPECT_EQ(e.kind, SourceErrorKind::http_status);
  EXPECT_EQ(e.jwks_status, Status::ok);
  EXPECT_NE(e.message.find("500"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find(server_.url()), std::string::npos) << e.message;
  EXPECT_TRUE(source.loaded());
  EXPECT_EQ(verify(token(k1_)), Status::ok);

  server_.serve_status(404);
  source.refresh_now();
  EXPECT_EQ(wait_for_failures(source, 2).kind, SourceErrorKind::http_status);
  EXPECT_EQ(verify(token(k1_)), Status::ok);
}

TEST_F(JwksUrlTest, MessagesHideCredentialsInTheUrl) {
  server_.serve_status(401);
  std::string url = server_.url();
  url.insert(url.find("127.0.0.1"), "user:s3cret@");
  JwksUrl source(store_, url, options());
  const SourceError e = wait_for_failures(source, 1);
  EXPECT_EQ(e.kind, SourceErrorKind::http_status);
  EXPECT_EQ(e.message.find("s3cret"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("http://***@127.0.0.1:"), std::string::npos) << e.message;
}

TEST_F(JwksUrlTest, SlowResponseHitsTheTimeoutAndKeepsTheLastGoodSet) {
  JwksUrlOptions o = options();
  o.timeout = 300ms;
  JwksUrl source(store_, server_.url(), o);
  ASSERT_TRUE(source.wait_until_loaded(kDeadline));
  TestServer::Reply slow;
  slow.body = testkit::jwks({&k2_});
  slow.delay = 60s;  // interrupted by the server's destructor
  server_.set_reply(slow);
  const auto start = Clock::now();
  source.refresh_now();
  const SourceError e = wait_for_failures(source, 1);
  EXPECT_EQ(e.kind, SourceErrorKind::timeout) << e.message;
  // The transfer ended long before the server would have answered.
  EXPECT_LT(Clock::now() - start, 20s);
  EXPECT_EQ(verify(token(k1_)), Status::ok);
  EXPECT_EQ(verify(token(k2_)), Status::key_not_found);
}

TEST_F(JwksUrlTest, GarbageKeepsTheLastGoodSetAndSaysWhy) {
  JwksUrl source(store_, server_.url(), options());
  ASSERT_TRUE(source.wait_until_loaded(kDeadline));
  struct Case {
    const char* name;
    std::string body;
    Status status;
  };
  const std::vector<uint8_t> short_secret(16, 7);
  const testkit::SigningKey weak = *testkit::key_from_secret(Alg::HS256, short_secret, "weak");
  const Case cases[] = {
      {"html", "<html><body>Service Unavailable</body></html>", Status::bad_json},
      {"truncated", testkit::jwks({&k2_}).substr(0, 40), Status::bad_json},
      {"empty body", "", Status::bad_json},
      {"binary", std::string("\x00\xff\xfe{", 4), Status::bad_json},
      {"not a JWKS", "[1,2,3]", Status::bad_json},
      {"no keys", R"({"keys":[]})", Status::key_not_found},
      {"only a weak key", testkit::jwks({&weak}), Status::weak_key},
  };
  uint64_t failures = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    server_.serve_jwks(c.body);
    source.refresh_now();
    const SourceError e = wait_for_failures(source, ++failures);
    EXPECT_EQ(e.kind, SourceErrorKind::bad_jwks) << e.message;
    EXPECT_EQ(e.jwks_status, c.status) << e.message;
    EXPECT_EQ(verify(token(k1_)), Status::ok);
  }
  // Good again: the error clears and the new set is in.
  server_.serve_jwks(testkit::jwks({&k2_}));
  source.refresh_now();
  ASSERT_TRUE(wait_for([&] { return source.stats().replacements >= 2; }));
  EXPECT_TRUE(source.last_error().ok());
  EXPECT_EQ(source.stats().consecutive_failures, 0u);
  EXPECT_EQ(verify(token(k2_)), Status::ok);
}

TEST_F(JwksUrlTest, HugeBodyIsCutOffAtTheLimit) {
  JwksUrlOptions o = options();
  o.max_bytes = 64 * 1024;
  JwksUrl source(store_, server_.url(), o);
  ASSERT_TRUE(source.wait_until_loaded(kDeadline));

  // No Content-Length: the body is counted as it comes and the transfer
  // aborted at the limit, long before the server is done.
  constexpr uint64_t kStream = uint64_t{256} << 20;
  TestServer::Reply endless;
  endless.stream_bytes = kStream;
  server_.set_reply(endless);
  source.refresh_now();
  SourceError e = wait_for_failures(source, 1);
  EXPECT_EQ(e.kind, SourceErrorKind::too_large) << e.message;
  EXPECT_EQ(e.jwks_status, Status::too_large);
  EXPECT_NE(e.message.find("65536"), std::string::npos) << e.message;
  ASSERT_TRUE(wait_for([&] { return server_.stream_cut(); }));
  EXPECT_LT(server_.streamed(), kStream);
  EXPECT_EQ(verify(token(k1_)), Status::ok);

  // An announced Content-Length over the limit is refused before the body.
  TestServer::Reply announced;
  announced.body = testkit::jwks({&k2_});
  announced.claimed_length = uint64_t{1} << 30;
  server_.set_reply(announced);
  source.refresh_now();
  e = wait_for_failures(source, 2);
  EXPECT_EQ(e.kind, SourceErrorKind::too_large) << e.message;
  EXPECT_EQ(verify(token(k1_)), Status::ok);
}

// Several verifying threads ask for the same unknown kid at once; the
// listener only signals, the fetch thread fetches at most once per cooldown.
TEST_F(JwksUrlTest, UnknownKidRefetchFromThreadsRespectsTheCooldown) {
  JwksUrlOptions o = options();
  constexpr auto kCooldown = 300ms;
  o.cooldown = kCooldown;
  JwksUrl source(store_, server_.url(), o);
  ASSERT_TRUE(source.wait_until_loaded(kDeadline));
  // No unknown kid, no refetch.
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(server_.hits(), 1u);

  // The provider adds k2; the first token naming it triggers a refetch.
  server_.serve_jwks(testkit::jwks({&k1_, &k2_}));
  const std::string token2 = token(k2_);
  ASSERT_TRUE(wait_for([&] { return verify(token2) == Status::ok; }));
  EXPECT_GE(server_.hits(), 2u);

  // Now a flood of tokens with a kid the provider never has.
  const std::string stranger = token(k1_, "nobody");
  const auto start = Clock::now();
  const size_t hits_before = server_.hits();
  std::atomic<bool> stop{false};
  std::atomic<int> unexpected{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&] {
      Scratch scratch;
      Claims claims;
      while (!stop.load(std::memory_order_relaxed)) {
        if (verifier_->verify(stranger, scratch, claims) != Status::key_not_found) ++unexpected;
        std::this_thread::sleep_for(1ms);  // thousands of requests a second in total
      }
    });
  }
  const bool refetched = wait_for([&] { return server_.hits() >= hits_before + 3; });
  const auto elapsed = Clock::now() - start;
  const size_t hits = server_.hits() - hits_before;
  stop = true;
  for (auto& t : threads) t.join();
  ASSERT_TRUE(refetched);
  EXPECT_EQ(unexpected.load(), 0);
  // At most one fetch per started cooldown (plus one already under way).
  const double cooldowns = std::chrono::duration<double>(elapsed) / kCooldown;
  EXPECT_LE(static_cast<double>(hits), cooldowns + 2.0) << hits << " fetches in " << cooldowns << " cooldowns";
  // And fetches start at least a cooldown apart (server times lag the
  // starts by one connection set-up at most; allow 100 ms of it).
  const std::vector<Clock::time_point> times = server_.hit_times();
  for (size_t i = hits_before + 1; i < times.size(); ++i) {
    EXPECT_GE(times[i] - times[i - 1], kCooldown - 100ms) << "fetch " << i;
  }
  EXPECT_EQ(verify(token(k1_)), Status::ok);
}

TEST_F(JwksUrlTest, BackoffGrowsAfterFailuresAndResetsOnSuccess) {
  JwksUrlOptions o = options();
  o.backoff_initial = 100ms;
  o.backoff_max = 400ms;
  JwksUrl source(store_, server_.url(), o);
  ASSERT_TRUE(source.wait_until_loaded(kDeadline));

  server_.serve_status(503);
  const size_t first = server_.hits();
  source.refresh_now();
  // Failures 1..5 give delays 100, 200, 400 (the cap), 400, 400 ms.
  const std::chrono::milliseconds expected[] = {100ms, 200ms, 400ms, 400ms, 400ms};
  for (uint32_t n = 1; n <= 5; ++n) {
    ASSERT_TRUE(wait_for([&] { return source.stats().consecutive_failures >= n; }));
    const JwksUrlStats stats = source.stats();
    if (stats.consecutive_failures == n) {  // else the next failure came already
      EXPECT_EQ(stats.backoff, expected[n - 1]) << "failure " << n;
    }
  }
  // The server saw the retries no sooner than the backoff allowed.
  const std::vector<Clock::time_point> times = server_.hit_times();
  ASSERT_GE(times.size(), first + 5);
  for (size_t i = 1; i < 5; ++i) {
    EXPECT_GE(times[first + i] - times[first + i - 1], expected[i - 1] - 50ms) << "retry " << i;
  }
  EXPECT_EQ(verify(token(k1_)), Status::ok);
  EXPECT_TRUE(source.loaded());

  server_.serve_jwks(testkit::jwks({&k1_, &k2_}));
  ASSERT_TRUE(wait_for([&] { return source.stats().replacements >= 2; }));
  EXPECT_EQ(source.stats().consecutive_failures, 0u);
  EXPECT_EQ(source.stats().backoff, 0ms);
  EXPECT_TRUE(source.last_error().ok());
}

TEST_F(JwksUrlTest, JitterKeepsTheBackoffWithinItsBounds) {
  server_.serve_status(500);
  JwksUrlOptions o = options();
  o.backoff_initial = 40ms;
  o.backoff_max = 80ms;
  o.backoff_jitter = true;
  JwksUrl source(store_, server_.url(), o);
  for (uint32_t n = 1; n <= 4; ++n) {
    ASSERT_TRUE(wait_for([&] { return source.stats().consecutive_failures >= n; }));
    const auto backoff = source.stats().backoff;
    EXPECT_GE(backoff, 20ms);  // 0.75 * 40 ms, rounded down, at least
    EXPECT_LE(backoff, 80ms);
  }
  EXPECT_FALSE(source.loaded());
}

TEST_F(JwksUrlTest, WaitUntilLoadedFailsWhileTheServerFailsThenSucceeds) {
  server_.serve_status(500);
  JwksUrl source(store_, server_.url(), options());
  EXPECT_FALSE(source.wait_until_loaded(200ms));
  EXPECT_FALSE(source.loaded());
  EXPECT_EQ(verify(token(k1_)), Status::key_not_found);
  wait_for_failures(source, 1);
  EXPECT_EQ(source.last_error().kind, SourceErrorKind::http_status);
  server_.serve_jwks(testkit::jwks({&k1_}));
  ASSERT_TRUE(source.wait_until_loaded(kDeadline));
  EXPECT_EQ(verify(token(k1_)), Status::ok);
}

TEST_F(JwksUrlTest, ConnectionRefusedIsANetworkError) {
  // A port that was just free: nothing listens there.
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  ::close(fd);
  const std::string url = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/jwks.json";
  JwksUrl source(store_, url, options());
  const SourceError e = wait_for_failures(source, 1);
  EXPECT_EQ(e.kind, SourceErrorKind::network) << e.message;
  EXPECT_NE(e.message.find(url), std::string::npos) << e.message;
  EXPECT_FALSE(source.loaded());
}

TEST_F(JwksUrlTest, RefusesPlainHttpUnlessAllowed) {
  JwksUrlOptions o = options();
  o.allow_http = false;
  JwksUrl source(store_, server_.url(), o);
  EXPECT_FALSE(source.wait_until_loaded(kDeadline));  // returns at once
  const SourceError e = source.last_error();
  EXPECT_EQ(e.kind, SourceErrorKind::refused);
  EXPECT_NE(e.message.find("https"), std::string::npos) << e.message;
  EXPECT_EQ(source.fetch_count(), 0u);
  EXPECT_EQ(server_.hits(), 0u);

  JwksUrl ftp(store_, "ftp://127.0.0.1/jwks.json", options());
  EXPECT_EQ(ftp.last_error().kind, SourceErrorKind::refused);
}

TEST_F(JwksUrlTest, HttpsVerifiesTheServerCertificate) {
  std::string dir = (std::filesystem::temp_directory_path() / "jve-jwks-url-XXXXXX").string();
  ASSERT_NE(mkdtemp(dir.data()), nullptr);
  struct Cleanup {
    std::string dir;
    ~Cleanup() {
      std::error_code ignored;
      std::filesystem::remove_all(dir, ignored);
    }
  } cleanup{dir};
  const std::string jwks_path = dir + "/jwks.json";
  std::ofstream(jwks_path) << testkit::jwks({&k1_});
  HttpsServer https(dir, jwks_path);
  if (https.skipped()) GTEST_SKIP() << https.error();
  ASSERT_NE(https.port(), 0) << https.error();
  const std::string url = "https://127.0.0.1:" + std::to_string(https.port()) + "/jwks.json";

  JwksUrlOptions o = options();
  o.allow_http = false;
  {
    // The system's CAs do not know the test CA: the handshake must fail.
    JwksUrl untrusted(store_, url, o);
    const SourceError e = wait_for_failures(untrusted, 1);
    EXPECT_EQ(e.kind, SourceErrorKind::network) << e.message;
    EXPECT_NE(e.message.find("certificate"), std::string::npos) << e.message;
    EXPECT_FALSE(untrusted.loaded());
    EXPECT_EQ(verify(token(k1_)), Status::key_not_found);
  }
  o.ca_file = dir + "/ca.pem";
  JwksUrl trusted(store_, url, o);
  ASSERT_TRUE(trusted.wait_until_loaded(kDeadline)) << trusted.last_error().message;
  EXPECT_EQ(verify(token(k1_)), Status::ok);
}

// A source built with one duration option at an extreme, watched for a
// short while once it settled: JwksUrlExtremesTest::watch.
class JwksUrlExtremesTest : public JwksUrlTest {
 protected:
  // watch starts a source with |o|, waits until |settled| holds, then, for
  // 200 ms while |during| runs every millisecond, counts the fetches and
  // the CPU time and context switches of the threads the source started
  // (thread_cpu.h). Every source fetches at most once per 10 ms, the
  // shortest period; a |sleeping| one (its next fetch at least 30 s away)
  // does not fetch, uses no CPU and is not woken more than a few times.
  // Destruction must be prompt.
  void watch(const JwksUrlOptions& o, const std::function<bool(const JwksUrl&)>& settled,
             const std::function<void()>& during, bool sleeping) {
    auto source = std::make_unique<JwksUrl>(store_, server_.url(), o);
    ASSERT_TRUE(wait_for([&] { return settled(*source); })) << source->last_error().message;
    // The fetch thread, by name (neither a server thread nor a sanitizer's).
    const std::set<pid_t> threads = test::threads_named(sources::kJwksUrlThread);
    EXPECT_EQ(threads.size(), 1u);
    const size_t hits_before = server_.hits();
    const auto cpu_before = test::cpu_time(threads);
    const long long switches_before = test::context_switches(threads);
    const auto start = Clock::now();
    while (Clock::now() - start < 200ms) {
      during();
      std::this_thread::sleep_for(1ms);
    }
    const double elapsed_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    const size_t hits = server_.hits() - hits_before;
    EXPECT_LE(static_cast<double>(hits), elapsed_ms / 10.0 + 2.0) << hits << " fetches in " << elapsed_ms;
    if (sleeping) {
      EXPECT_EQ(hits, 0u);
      EXPECT_LT(test::cpu_time(threads) - cpu_before, 50ms);
      EXPECT_LE(test::context_switches(threads) - switches_before, 5);
    }
    const auto destroy = Clock::now();
    source.reset();
    EXPECT_LT(Clock::now() - destroy, 5s);
  }

  static constexpr std::chrono::milliseconds kExtremes[] = {std::chrono::milliseconds::max(),
                                                            std::chrono::milliseconds::min(), 0ms, -1ms};
};

// Every duration option at its extremes gives a source that loads and
// keeps to its bounds, with tokens naming an unknown kid all the while.
TEST_F(JwksUrlExtremesTest, DurationOptionsNeitherSpinNorHang) {
  using Field = std::chrono::milliseconds JwksUrlOptions::*;
  const std::pair<const char*, Field> fields[] = {
      {"max_age", &JwksUrlOptions::max_age},
      {"min_refresh", &JwksUrlOptions::min_refresh},
      {"cooldown", &JwksUrlOptions::cooldown},
      {"connect_timeout", &JwksUrlOptions::connect_timeout},
      {"timeout", &JwksUrlOptions::timeout},
      {"backoff_initial", &JwksUrlOptions::backoff_initial},
      {"backoff_max", &JwksUrlOptions::backoff_max},
  };
  server_.serve_jwks(testkit::jwks({&k1_}), "Cache-Control: no-cache\r\n");  // min_refresh decides
  const std::string stranger = token(k1_, "nobody");
  for (const auto& [name, field] : fields) {
    for (const std::chrono::milliseconds value : kExtremes) {
      SCOPED_TRACE(std::string(name) + " = " + std::to_string(value.count()) + " ms");
      JwksUrlOptions o = options();
      o.*field = value;
      // Non-positive periods become the 10 ms minimum: such a source really
      // fetches that often (a loopback request each, costlier still under a
      // sanitizer), and only the rate bounds it. Every other one waits 30 s
      // or more, woken once by the first unknown kid.
      const bool sleeping = value > 0ms || (field != &JwksUrlOptions::max_age &&
                                            field != &JwksUrlOptions::min_refresh &&
                                            field != &JwksUrlOptions::cooldown);
      watch(
          o, [](const JwksUrl& source) { return source.loaded(); },
          [&] { EXPECT_EQ(verify(stranger), Status::key_not_found); }, sleeping);
      EXPECT_EQ(verify(token(k1_)), Status::ok);
    }
  }
}

// The backoff at its extremes, on a server that keeps failing: a year (and
// a sleeping thread) for max(), the 10 ms minimum for the others.
TEST_F(JwksUrlExtremesTest, BackoffsKeepToTheirBounds) {
  server_.serve_status(500);
  for (const std::chrono::milliseconds value : kExtremes) {
    SCOPED_TRACE(value.count());
    JwksUrlOptions o = options();
    o.backoff_initial = o.backoff_max = value;
    const std::chrono::milliseconds expected = value > 0ms ? std::chrono::hours(24 * 365) : 10ms;
    auto failed_with_expected_backoff = [&](const JwksUrl& source) {
      const JwksUrlStats stats = source.stats();
      return stats.failures >= 1 && stats.backoff == expected;
    };
    watch(o, failed_with_expected_backoff, [] {}, value > 0ms);
  }
}

TEST_F(JwksUrlTest, WaitUntilLoadedTakesAnyTimeout) {
  JwksUrl source(store_, server_.url(), options());
  EXPECT_TRUE(source.wait_until_loaded(std::chrono::milliseconds::max()));
  EXPECT_TRUE(source.wait_until_loaded(std::chrono::milliseconds::min()));  // loaded: at once
  server_.serve_status(500);
  JwksUrl failing(store_, server_.url(), options());
  const auto start = Clock::now();
  EXPECT_FALSE(failing.wait_until_loaded(-1ms));
  EXPECT_FALSE(failing.wait_until_loaded(std::chrono::milliseconds::min()));
  EXPECT_LT(Clock::now() - start, 5s);
}

TEST_F(JwksUrlTest, DestructorAbortsASlowTransferPromptly) {
  TestServer::Reply slow;
  slow.body = testkit::jwks({&k1_});
  slow.delay = 60s;
  server_.set_reply(slow);
  JwksUrlOptions o = options();
  o.timeout = 60s;
  auto source = std::make_unique<JwksUrl>(store_, server_.url(), o);
  ASSERT_TRUE(wait_for([&] { return server_.hits() >= 1; }));
  const auto start = Clock::now();
  source.reset();
  EXPECT_LT(Clock::now() - start, 5s);
  // The store outlives the source; its listener is now a no-op.
  EXPECT_EQ(verify(token(k1_)), Status::key_not_found);
}

}  // namespace
}  // namespace jve
