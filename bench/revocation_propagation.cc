// jve_revocation_propagation: how long a revocation takes to reach another
// replica, on loopback, with a redis-server of its own (tests/redis_server.h).
//
//   jve_revocation_propagation [N=1000] [--cli]
//
// For each of N revocations: a fresh jti is written (in-process RedisWriter,
// or with --cli by running `jve revoke` as a new process each time, so the
// figure includes the CLI's start-up and connection), and the clock stops
// when a replica (RedisRevocations + RevocationList, its own connections)
// first rejects the token. Prints p50, p99 and max in milliseconds.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "jve/jve.hpp"
#include "jve/redis_revocations.h"
#include "redis_server.h"

using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  int n = 1000;
  bool cli = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--cli") == 0) cli = true;
    else n = std::max(1, std::atoi(argv[i]));
  }
  jve::testing_redis::RedisServer redis;
  if (!redis.ok()) {
    std::fprintf(stderr, "redis-server: %s\n", redis.error().c_str());
    return 1;
  }
  auto list = std::make_shared<jve::RevocationList>();
  jve::RedisOptions o;
  o.url = redis.url();
  jve::RedisRevocations replica(list, o);
  if (!replica.wait_loaded(std::chrono::seconds(5))) {
    std::fprintf(stderr, "the replica did not load\n");
    return 1;
  }
  jve::RedisWriter writer(redis.url());
  const std::string iss = "https://auth.example.com/";
  std::vector<double> ms;
  ms.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    const int64_t now = static_cast<int64_t>(std::time(nullptr));
    const std::string jti = "prop-" + std::to_string(i);
    jve::Claims c;
    c.iss = iss;
    c.jti = jti;
    const auto start = Clock::now();
    if (cli) {
      const std::string expires = std::to_string(now + 3600);
      const char* args[] = {JVE_CLI, "revoke", "--jti", jti.c_str(), "--iss", iss.c_str(),
                            "--expires", expires.c_str(), "--redis", o.url.c_str(), nullptr};
      pid_t pid;
      posix_spawn_file_actions_t fa;
      posix_spawn_file_actions_init(&fa);
      posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
      if (posix_spawn(&pid, JVE_CLI, &fa, nullptr, const_cast<char**>(args), environ) != 0) {
        std::fprintf(stderr, "cannot run %s\n", JVE_CLI);
        return 1;
      }
      posix_spawn_file_actions_destroy(&fa);
      // Reaped after the replica has seen it: the wait below is the measure.
      while (list->check(c, "", now) != jve::Status::revoked) std::this_thread::sleep_for(std::chrono::microseconds(20));
      ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
      int status = 0;
      waitpid(pid, &status, 0);
      if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        std::fprintf(stderr, "jve revoke failed\n");
        return 1;
      }
    } else {
      if (!writer.revoke({jve::Revocation::Kind::jti, iss, jti, 0, now + 3600}, now)) {
        std::fprintf(stderr, "revoke: %s\n", writer.error().c_str());
        return 1;
      }
      while (list->check(c, "", now) != jve::Status::revoked) std::this_thread::sleep_for(std::chrono::microseconds(20));
      ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    }
  }
  std::sort(ms.begin(), ms.end());
  auto pct = [&](double p) { return ms[std::min(ms.size() - 1, static_cast<size_t>(p * static_cast<double>(ms.size())))]; };
  std::printf("propagation %s -> rejection at another replica, %d revocations, loopback:\n",
              cli ? "`jve revoke` (new process each)" : "RedisWriter::revoke", n);
  std::printf("  p50 %.3f ms  p99 %.3f ms  max %.3f ms  (final list: %zu entries)\n", pct(0.50),
              pct(0.99), ms.back(), list->size());
  return 0;
}
