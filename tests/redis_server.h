// A redis-server of the test's own: a free loopback port, a temporary data
// folder (append-only file, so a restart keeps what was written), stopped
// and removed at the end. Never the system's Redis service. Used by the
// revocation tests, the CLI test and the propagation benchmark.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

extern char** environ;

namespace jve::testing_redis {

class RedisServer {
 public:
  RedisServer() {
    char tmpl[] = "/tmp/jve-redis-XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) {
      error_ = "mkdtemp failed";
      return;
    }
    dir_ = tmpl;
    for (int attempt = 0; attempt < 5 && pid_ <= 0; ++attempt) {
      port_ = free_port();
      if (!start()) port_ = 0;
    }
  }
  ~RedisServer() {
    stop(SIGTERM);
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  bool ok() const { return pid_ > 0; }
  const std::string& error() const { return error_; }
  int port() const { return port_; }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

  // stop ends the server (SIGKILL: a crash; SIGTERM: a clean shutdown).
  void stop(int sig = SIGKILL) {
    if (pid_ <= 0) return;
    ::kill(pid_, sig);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  // start (again) on the same port and folder; true once it answers PING.
  bool start() {
    const std::string port = std::to_string(port_);
    const std::string log = dir_ + "/redis.log";
    const char* argv[] = {"redis-server", "--port", port.c_str(), "--bind", "127.0.0.1",
                          "--dir", dir_.c_str(), "--save", "", "--appendonly", "yes",
                          "--appendfsync", "always", "--daemonize", "no", "--logfile",
                          log.c_str(), nullptr};
    pid_t pid = -1;
    if (posix_spawnp(&pid, "redis-server", nullptr, nullptr, const_cast<char**>(argv), environ) != 0) {
      error_ = "cannot run redis-server (apt-get install redis-server)";
      return false;
    }
    pid_ = pid;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      if (ping()) return true;
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {  // exited: the port was taken, say
        pid_ = -1;
        error_ = "redis-server exited at start; see " + log;
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    error_ = "redis-server did not answer PING";
    stop();
    return false;
  }

 private:
  static int free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    int port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
      port = ntohs(addr.sin_port);
    ::close(fd);
    return port;
  }
  bool ping() const {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port_));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool pong = false;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
        ::write(fd, "PING\r\n", 6) == 6) {
      pollfd p{fd, POLLIN, 0};
      char buf[16] = {};
      pong = ::poll(&p, 1, 1000) == 1 && ::read(fd, buf, sizeof(buf) - 1) > 0 &&
             std::string(buf).rfind("+PONG", 0) == 0;
    }
    ::close(fd);
    return pong;
  }

  std::string dir_;
  std::string error_;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace jve::testing_redis
