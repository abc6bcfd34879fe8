// server.h: the auth service's HTTP/1.1 front: one epoll loop per worker
// thread, each on its own SO_REUSEPORT listening socket, all sharing one
// jve::Verifier (each worker has its own jve::Scratch).
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <jve/verifier.h>

#include "routes.h"

namespace auth_service {

struct ServerOptions {
  std::string listen = "127.0.0.1:8080";  // host:port, [v6]:port; port 0 picks one
  int threads = 1;
  // Requests whose path is not this prefix or under it get 404.
  std::string path_prefix = "/";
  // realm of the WWW-Authenticate challenge; empty: none.
  std::string realm;
  // The request line and headers must fit here, or 431 and close.
  size_t max_header_bytes = 16 * 1024;
  // Request bodies are read and thrown away; longer ones get 413 and close.
  uint64_t max_body_bytes = uint64_t{1} << 20;
  // From a request's first byte to its last: slow clients are closed (408).
  std::chrono::milliseconds request_timeout{10'000};
  // A keep-alive connection with no request in progress.
  std::chrono::milliseconds idle_timeout{60'000};
  // A response the client does not read (no progress for this long).
  std::chrono::milliseconds write_timeout{10'000};
  // In total, over all workers; beyond it, accepting pauses.
  size_t max_connections = 10'000;
  // Authorization per route (routes.h); null: any verified token is allowed.
  // Must outlive the Server.
  const RoutesHolder* routes = nullptr;
};

class Worker;

// Server owns the listening sockets and the worker threads.
class Server {
 public:
  // |verifier| must outlive the Server.
  Server(const jve::Verifier& verifier, ServerOptions options);
  ~Server();  // stops and joins the workers
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // listen creates and binds one listening socket per worker. On failure
  // returns false and writes why to |error|.
  bool listen(std::string* error);
  // bound_address is "host:port" with the port actually bound.
  const std::string& bound_address() const noexcept { return bound_address_; }
  // start runs the workers; stop asks them to finish and joins them
  // (connections are closed, responses in flight may be cut).
  void start();
  void stop();

 private:
  const jve::Verifier& verifier_;
  ServerOptions options_;
  std::vector<int> listen_fds_;
  int wake_fd_ = -1;  // eventfd: written once to stop every worker
  std::atomic<bool> stopping_{false};
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::thread> threads_;
  std::string bound_address_;
};

// log_line writes "jve_auth_service: <text>\n" to stderr in one write(2), so
// lines from different threads do not interleave.
void log_line(const char* format, ...) __attribute__((format(printf, 1, 2)));

}  // namespace auth_service
