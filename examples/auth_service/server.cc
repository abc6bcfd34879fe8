// server.cc: see server.h.
//
// Each worker runs a level-triggered epoll loop over its own listening socket
// (SO_REUSEPORT: the kernel spreads new connections over the workers) and its
// connections. A connection owns a fixed input buffer of max_header_bytes, so
// memory per connection is bounded, and is always on exactly one of four
// timer lists (new/in-request, idle keep-alive, writing, lingering close).
// Each list has one fixed timeout, so appending at the tail keeps it sorted
// by deadline and expiry is a walk from the head: O(1) per connection.
#include "server.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <ctime>

#include <jve/status.h>

#include "http.h"

namespace auth_service {

void log_line(const char* format, ...) {
  char buf[1024];
  static constexpr char kPrefix[] = "jve_auth_service: ";
  size_t n = sizeof kPrefix - 1;
  std::memcpy(buf, kPrefix, n);
  va_list ap;
  va_start(ap, format);
  int m = std::vsnprintf(buf + n, sizeof buf - n - 1, format, ap);
  va_end(ap);
  if (m > 0) n += std::min(static_cast<size_t>(m), sizeof buf - n - 2);
  buf[n++] = '\n';
  ssize_t ignored = ::write(STDERR_FILENO, buf, n);
  (void)ignored;
}

namespace {

using Clock = std::chrono::steady_clock;

// Lingering close: after the last response of a connection we close, shut
// down our side and read (and drop) what the client still sends for a
// while. Closing with unread input makes the kernel send RST, which can
// destroy the response before the client reads it (the 431 case: the client
// is usually still sending its oversized header).
constexpr std::chrono::milliseconds kLingerTime{2000};
constexpr size_t kLingerMaxBytes = size_t{1} << 20;
// Responses queued for a client that does not read them: stop taking its
// pipelined requests beyond this, so its output cannot grow without bound.
constexpr size_t kMaxPendingOutput = 64 * 1024;
// After accept() fails for lack of descriptors or memory, wait this long:
// the listening socket stays readable, and retrying at once would spin.
constexpr std::chrono::milliseconds kAcceptBackoff{100};
constexpr int kAcceptBatch = 64;  // per wake-up, so busy connections still get turns
constexpr size_t kPoolMax = 256;  // closed connections kept for reuse

enum Phase : uint8_t { kRequest = 0, kIdle = 1, kWrite = 2, kDrain = 3, kNumPhases = 4, kNone = 255 };

struct Conn {
  int fd = -1;
  std::unique_ptr<char[]> in;
  size_t in_begin = 0, in_end = 0;  // unconsumed input is in[in_begin, in_end)
  HeadScanner scanner;
  uint64_t body_left = 0;  // bytes of the current request's body still to drop
  std::string out;
  size_t out_off = 0;
  uint32_t events = 0;  // current epoll interest
  bool served = false;  // at least one response queued
  bool request_done = false;  // a response was queued since the last settle()
  bool close_after_write = false;
  bool peer_closed = false;
  bool draining = false;
  bool closed = false;
  size_t drained = 0;
  // Timer list membership.
  Phase phase = kNone;
  Clock::time_point deadline;
  Conn* prev = nullptr;
  Conn* next = nullptr;

  size_t pending_out() const { return out.size() - out_off; }
};

struct TimerList {
  Conn* head = nullptr;
  Conn* tail = nullptr;

  void push_back(Conn* c) {
    c->prev = tail;
    c->next = nullptr;
    (tail ? tail->next : head) = c;
    tail = c;
  }
  void unlink(Conn* c) {
    (c->prev ? c->prev->next : head) = c->next;
    (c->next ? c->next->prev : tail) = c->prev;
    c->prev = c->next = nullptr;
  }
};

void append_uint(std::string& out, uint64_t v) {
  char digits[24];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (n > 0) out.push_back(digits[--n]);
}

}  // namespace

class Worker {
 public:
  Worker(const jve::Verifier& verifier, const ServerOptions& options, int listen_fd, int wake_fd,
         std::atomic<bool>& stopping, size_t max_connections)
      : verifier_(verifier),
        options_(options),
        listen_fd_(listen_fd),
        wake_fd_(wake_fd),
        stopping_(stopping),
        max_connections_(std::max<size_t>(1, max_connections)) {
    timeouts_[kRequest] = options.request_timeout;
    timeouts_[kIdle] = options.idle_timeout;
    timeouts_[kWrite] = options.write_timeout;
    timeouts_[kDrain] = kLingerTime;
  }

  ~Worker() {
    for (TimerList& list : lists_) {
      while (list.head != nullptr) close_conn(list.head);
    }
    for (Conn* c : dead_) delete c;
    for (Conn* c : pool_) delete c;
    if (epoll_fd_ >= 0) ::close(epoll_fd_);
  }

  // setup creates the epoll set; false (with errno) on failure.
  bool setup() {
    epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (epoll_fd_ < 0) return false;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = &listen_tag_;
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &ev) != 0) return false;
    ev.data.ptr = &wake_tag_;
    return ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev) == 0;
  }

  void run() {
    epoll_event events[256];
    while (!stopping_.load(std::memory_order_acquire)) {
      now_ = Clock::now();
      int n = ::epoll_wait(epoll_fd_, events, 256, next_timeout_ms());
      if (n < 0) {
        if (errno == EINTR) continue;
        log_line("epoll_wait: %s; worker stops", std::strerror(errno));
        return;
      }
      now_ = Clock::now();
      for (int i = 0; i < n; ++i) {
        void* tag = events[i].data.ptr;
        if (tag == &listen_tag_) {
          accept_batch();
        } else if (tag != &wake_tag_) {
          auto* c = static_cast<Conn*>(tag);
          // A connection closed earlier in this batch may still have an
          // event here; it is freed only after the batch, so this is safe.
          if (!c->closed) on_event(c, events[i].events);
        }
      }
      expire();
      if (accept_paused_ && conns_ < max_connections_ && now_ >= accept_resume_) {
        set_accepting(true);
      }
      recycle();
    }
  }

 private:
  // ---- timers

  void arm(Conn* c, Phase phase, bool restart) {
    if (c->phase == phase && !restart) return;
    if (c->phase != kNone) lists_[c->phase].unlink(c);
    c->phase = phase;
    c->deadline = now_ + timeouts_[phase];
    lists_[phase].push_back(c);
  }

  int next_timeout_ms() const {
    Clock::time_point next = now_ + std::chrono::seconds(1);
    for (const TimerList& list : lists_) {
      if (list.head != nullptr) next = std::min(next, list.head->deadline);
    }
    if (accept_paused_ && conns_ < max_connections_) next = std::min(next, accept_resume_);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(next - now_).count();
    return static_cast<int>(std::clamp<int64_t>(ms + 1, 0, 1000));
  }

  void expire() {
    for (int p = 0; p < kNumPhases; ++p) {
      TimerList& list = lists_[p];
      while (list.head != nullptr && list.head->deadline <= now_) {
        Conn* c = list.head;
        if (p == kRequest && c->in_end > c->in_begin && c->pending_out() == 0) {
          // Best effort: tell a slow client why (RFC 9110 §15.5.9).
          static constexpr char k408[] =
              "HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
          ssize_t ignored = ::send(c->fd, k408, sizeof k408 - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
          (void)ignored;
        }
        close_conn(c);
      }
    }
  }

  // ---- accepting

  void set_accepting(bool on) {
    epoll_event ev{};
    ev.events = on ? uint32_t{EPOLLIN} : 0u;  // no events: the kernel queues connections in the backlog
    ev.data.ptr = &listen_tag_;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, listen_fd_, &ev);
    accept_paused_ = !on;
  }

  void accept_batch() {
    for (int i = 0; i < kAcceptBatch; ++i) {
      if (conns_ >= max_connections_) {
        accept_resume_ = now_;  // resumes as soon as a connection closes
        set_accepting(false);
        return;
      }
      int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        int err = errno;
        if (err == EAGAIN || err == EWOULDBLOCK) return;
        if (err == EINTR || err == ECONNABORTED || err == EPROTO || err == EPERM) continue;
        // EMFILE, ENFILE, ENOBUFS, ENOMEM: back off; log at most every 10 s.
        if (now_ >= next_accept_log_) {
          log_line("accept: %s; pausing accepts for %lld ms", std::strerror(err),
                   static_cast<long long>(kAcceptBackoff.count()));
          next_accept_log_ = now_ + std::chrono::seconds(10);
        }
        accept_resume_ = now_ + kAcceptBackoff;
        set_accepting(false);
        return;
      }
      int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      Conn* c = new_conn(fd);
      c->events = EPOLLIN | EPOLLRDHUP;
      epoll_event ev{};
      ev.events = c->events;
      ev.data.ptr = c;
      if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
        ::close(fd);
        c->fd = -1;
        pool_.push_back(c);
        continue;
      }
      ++conns_;
      // A new connection gets the request timeout, not the idle one: a
      // client that connects and says nothing should not hold a slot long.
      arm(c, kRequest, true);
    }
  }

  Conn* new_conn(int fd) {
    Conn* c;
    if (!pool_.empty()) {
      c = pool_.back();
      pool_.pop_back();
      std::unique_ptr<char[]> in = std::move(c->in);
      std::string out = std::move(c->out);
      *c = Conn{};
      c->in = std::move(in);
      c->out = std::move(out);  // keeps its capacity: no allocation per connection
      c->out.clear();
    } else {
      c = new Conn;
      c->in = std::make_unique<char[]>(options_.max_header_bytes);
      c->out.reserve(1024);
    }
    c->fd = fd;
    return c;
  }

  void close_conn(Conn* c) {
    if (c->phase != kNone) lists_[c->phase].unlink(c);
    c->phase = kNone;
    ::close(c->fd);  // also removes it from the epoll set
    c->fd = -1;
    c->closed = true;
    dead_.push_back(c);
    --conns_;
  }

  void recycle() {
    for (Conn* c : dead_) {
      if (pool_.size() < kPoolMax) {
        pool_.push_back(c);
      } else {
        delete c;
      }
    }
    dead_.clear();
  }

  // ---- connection events

  void on_event(Conn* c, uint32_t events) {
    if ((events & (EPOLLERR | EPOLLHUP)) != 0) {
      close_conn(c);
      return;
    }
    if (c->draining) {
      drain(c);
      return;
    }
    bool progressed = false;
    if ((events & EPOLLOUT) != 0) {
      progressed = flush(c);
      if (c->closed || c->draining) return;
    }
    if ((events & (EPOLLIN | EPOLLRDHUP)) != 0 && c->pending_out() == 0) {
      if (!read_input(c)) return;
    }
    // Serve what is buffered; repeat while responses leave at once, since
    // back-pressure may have left complete pipelined requests unserved.
    for (;;) {
      bool served = serve(c);
      progressed = flush(c) || progressed;
      if (c->closed || c->draining) return;
      if (!served || c->pending_out() != 0) break;
    }
    if (c->peer_closed && c->pending_out() == 0) {  // nothing more can come
      close_conn(c);
      return;
    }
    settle(c, progressed);
  }

  // read_input reads once into the free end of the input buffer. Returns
  // false when the connection was closed.
  bool read_input(Conn* c) {
    const size_t cap = options_.max_header_bytes;
    if (c->in_begin > 0) {  // compact: the scanner's offsets are relative to in_begin
      std::memmove(c->in.get(), c->in.get() + c->in_begin, c->in_end - c->in_begin);
      c->in_end -= c->in_begin;
      c->in_begin = 0;
    }
    if (c->in_end == cap) return true;  // full: serve() answers 431
    ssize_t n = ::recv(c->fd, c->in.get() + c->in_end, cap - c->in_end, 0);
    if (n > 0) {
      c->in_end += static_cast<size_t>(n);
    } else if (n == 0) {
      c->peer_closed = true;
    } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      close_conn(c);
      return false;
    }
    return true;
  }

  // serve answers every complete request in the input buffer (and drops
  // request bodies). Returns whether it queued at least one response.
  bool serve(Conn* c) {
    bool any = false;
    while (!c->close_after_write) {
      size_t avail = c->in_end - c->in_begin;
      if (c->body_left > 0) {
        size_t k = static_cast<size_t>(std::min<uint64_t>(c->body_left, avail));
        c->in_begin += k;
        c->body_left -= k;
        if (c->body_left > 0) break;
        continue;
      }
      if (avail == 0 || c->pending_out() > kMaxPendingOutput) break;
      std::string_view buf(c->in.get() + c->in_begin, avail);
      size_t head_len = find_head_end(buf, c->scanner);
      if (head_len == 0) {
        // Incomplete. When it already fills the whole (compacted) buffer, it
        // can never complete: 431.
        if (avail == options_.max_header_bytes) {
          error_response(c, 431, "Request Header Fields Too Large");
          any = true;
        }
        break;
      }
      Request req;
      HeadError err = parse_head(buf.substr(0, head_len), req);
      if (err != HeadError::none) {
        if (err == HeadError::not_implemented) {
          error_response(c, 501, "Not Implemented");
        } else {
          error_response(c, 400, "Bad Request");
        }
        return true;
      }
      respond(c, req);  // before consuming: the token points into the buffer
      any = true;
      c->in_begin += head_len;
      c->scanner = HeadScanner{};
      c->body_left = c->close_after_write ? 0 : req.content_length;
    }
    return any;
  }

  // flush writes queued output. Returns whether bytes left. When everything
  // is out and the connection is to be closed, starts the lingering close.
  bool flush(Conn* c) {
    bool progressed = false;
    while (c->pending_out() > 0) {
      ssize_t n = ::send(c->fd, c->out.data() + c->out_off, c->pending_out(), MSG_NOSIGNAL);
      if (n > 0) {
        c->out_off += static_cast<size_t>(n);
        progressed = true;
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        break;
      } else {
        close_conn(c);
        return progressed;
      }
    }
    if (c->pending_out() == 0) {
      c->out.clear();
      c->out_off = 0;
      if (c->close_after_write) start_drain(c);
    }
    return progressed;
  }

  void start_drain(Conn* c) {
    if (c->peer_closed) {
      close_conn(c);
      return;
    }
    ::shutdown(c->fd, SHUT_WR);
    c->draining = true;
    set_events(c, EPOLLIN | EPOLLRDHUP);
    arm(c, kDrain, true);
  }

  void drain(Conn* c) {
    char sink[4096];
    for (int i = 0; i < 16; ++i) {
      ssize_t n = ::recv(c->fd, sink, sizeof sink, 0);
      if (n > 0) {
        c->drained += static_cast<size_t>(n);
        if (c->drained > kLingerMaxBytes) break;
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
      break;  // EOF or error
    }
    close_conn(c);
  }

  // settle sets the epoll interest and the timer after an event.
  void settle(Conn* c, bool progressed) {
    if (c->pending_out() > 0) {
      // Stop reading until the client takes its responses (back-pressure).
      set_events(c, EPOLLOUT);
      arm(c, kWrite, progressed || c->phase != kWrite);
      return;
    }
    set_events(c, EPOLLIN | EPOLLRDHUP);
    if (c->in_end > c->in_begin || c->body_left > 0 || !c->served) {
      // The request timeout runs from the request's first byte, not from the
      // last one, so trickling bytes cannot keep a connection forever. It
      // restarts only when a response went out (a new request began).
      arm(c, kRequest, c->phase != kRequest || c->request_done);
    } else {
      arm(c, kIdle, true);
    }
    c->request_done = false;
  }

  void set_events(Conn* c, uint32_t events) {
    if (c->events == events) return;
    epoll_event ev{};
    ev.events = events;
    ev.data.ptr = c;
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c->fd, &ev) == 0) c->events = events;
  }

  // ---- responses

  void status_line(std::string& out, int code, std::string_view reason) {
    int64_t second = static_cast<int64_t>(std::time(nullptr));
    if (second != date_second_) {  // one formatting per second per worker
      date_len_ = http_date(second, date_);
      date_second_ = second;
    }
    out += "HTTP/1.1 ";
    append_uint(out, static_cast<uint64_t>(code));
    out += ' ';
    out += reason;
    out += "\r\nDate: ";
    out.append(date_, date_len_);
    out += "\r\nContent-Length: 0\r\n";
  }

  void end_headers(Conn* c, const Request& req) {
    if (!req.keep_alive) c->close_after_write = true;
    if (c->close_after_write) {
      c->out += "Connection: close\r\n";
    } else if (req.minor_version == 0) {
      c->out += "Connection: keep-alive\r\n";
    }
    c->out += "\r\n";
    c->served = true;
    c->request_done = true;
  }

  void error_response(Conn* c, int code, std::string_view reason) {
    status_line(c->out, code, reason);
    c->out += "Connection: close\r\n\r\n";
    c->close_after_write = true;
    c->served = true;
  }

  // challenge appends an RFC 6750 §3 WWW-Authenticate header. |error| empty:
  // the request carried no bearer token, so no error code (§3.1).
  void challenge(std::string& out, std::string_view error, std::string_view description) {
    out += "WWW-Authenticate: Bearer";
    bool first = true;
    if (!options_.realm.empty()) {
      out += " realm=\"";
      out += options_.realm;  // checked at start-up: no '"' or '\'
      out += '"';
      first = false;
    }
    if (!error.empty()) {
      out += first ? " error=\"" : ", error=\"";
      out += error;
      out += "\", error_description=\"";
      out += description;  // jve status names are snake_case ASCII
      out += '"';
    }
    out += "\r\n";
  }

  void respond(Conn* c, const Request& req) {
    std::string& out = c->out;
    if (!path_matches(req.path, options_.path_prefix)) {
      status_line(out, 404, "Not Found");
      end_headers(c, req);
      return;
    }
    if (req.content_length > options_.max_body_bytes) {
      status_line(out, 413, "Content Too Large");
      c->close_after_write = true;
      end_headers(c, req);
      return;
    }
    // A client waiting for "100 Continue" may never send its body once it
    // has our answer; the body's bytes would then be read as the next
    // request. Answer and close instead.
    if (req.expect_continue && req.content_length > 0) c->close_after_write = true;

    std::string_view token;
    if (req.authorization_count > 1) {
      // Two credentials: refuse to pick one. RFC 6750 §3.1 suggests 400 for
      // invalid_request, but nginx auth_request turns any status but 2xx,
      // 401 and 403 into a 500 for the client: 401 keeps it a denial.
      status_line(out, 401, "Unauthorized");
      challenge(out, "invalid_request", "duplicate_authorization");
      end_headers(c, req);
      return;
    }
    if (req.authorization_count == 0 || !bearer_token(req.authorization, token)) {
      status_line(out, 401, "Unauthorized");
      challenge(out, {}, {});
      end_headers(c, req);
      return;
    }

    jve::Claims claims;
    jve::Status s = verifier_.verify(token, scratch_, claims);
    // Authentication first: a bad token is 401 whatever the route.
    if (s == jve::Status::ok && options_.routes != nullptr && !authorized(out, req, claims)) {
      end_headers(c, req);
      return;
    }
    if (s == jve::Status::ok) {
      status_line(out, 200, "OK");
      if (claims.sub) {
        out += "X-Auth-Subject: ";
        append_header_value(out, *claims.sub);
        out += "\r\n";
      }
      if (claims.iss) {
        out += "X-Auth-Issuer: ";
        append_header_value(out, *claims.iss);
        out += "\r\n";
      }
      if (routes_ != nullptr) append_claim_headers(out, claims);
    } else if (s == jve::Status::internal_error) {
      // Not the client's fault (BoringSSL failed, e.g. out of memory): a 5xx
      // makes the proxy fail closed and log it.
      status_line(out, 500, "Internal Server Error");
    } else {
      status_line(out, 401, "Unauthorized");
      challenge(out, "invalid_token", jve::to_string(s));
    }
    end_headers(c, req);
  }

  // authorized matches the request to a route and evaluates its
  // requirement; on refusal writes the 403 status line and challenge (RFC
  // 6750 §3.1: the token is good, more privileges are needed, so never 401,
  // which would only make the client fetch another token).
  bool authorized(std::string& out, const Request& req, const jve::Claims& claims) {
    if (routes_generation_ != options_.routes->generation()) {
      routes_generation_ = options_.routes->generation();
      routes_ = options_.routes->get();
    }
    // The request being authorized: nginx names it in X-Original-Method /
    // X-Original-URI (when configured to); Envoy's ext_authz sends it as
    // the path after the service's path prefix, with its own method.
    std::string_view method = req.method, path;
    if (req.original_uri_count + req.original_method_count > 0) {
      if (req.original_uri_count != 1 || req.original_method_count > 1) return forbid(out, "ambiguous_request");
      path = req.original_uri.substr(0, req.original_uri.find_first_of("?#"));
      if (req.original_method_count == 1) method = req.original_method;
    } else {
      path = req.path;
      const std::string_view prefix = options_.path_prefix;
      if (prefix.size() > 1) {
        path.remove_prefix(std::min(path.size(), prefix.size() - (prefix.back() == '/' ? 1 : 0)));
        if (path.empty()) path = "/";
      }
    }
    const Route* route = match_route(*routes_, method, path, match_);
    if (route == nullptr) return forbid(out, "no_route");
    jve::Denial why;
    const jve::Status st = jve::authorize(claims, route->requirement, match_.request_values(), &why);
    if (st == jve::Status::ok) return true;
    return forbid(out, jve::to_string(st), why.scope);
  }

  bool forbid(std::string& out, std::string_view description, std::string_view scope = {}) {
    status_line(out, 403, "Forbidden");
    out += "WWW-Authenticate: Bearer";
    if (!options_.realm.empty()) {
      out += " realm=\"";
      out += options_.realm;
      out += "\",";
    }
    out += " error=\"insufficient_scope\", error_description=\"";
    out += description;  // snake_case ASCII
    out += '"';
    if (!scope.empty()) {
      out += ", scope=\"";
      out += scope;  // RFC 6749 scope-tokens, checked when the requirement was compiled
      out += '"';
    }
    out += "\r\n";
    return false;
  }

  // append_claim_headers writes the routes file's claim headers. A value
  // with a control character (CR and LF above all) is left out whole: the
  // signer of a token must not be able to add response headers.
  void append_claim_headers(std::string& out, const jve::Claims& claims) {
    for (const ClaimHeader& h : routes_->headers) {
      value_.clear();
      if (!jve::append_claim_text(claims, h.path, value_) || value_.empty()) continue;
      bool clean = true;
      for (char ch : value_) {
        const auto u = static_cast<unsigned char>(ch);
        if (u < 0x20 || u == 0x7f) clean = false;
      }
      if (!clean) continue;
      out += h.name;
      out += ": ";
      out += value_;
      out += "\r\n";
    }
  }

  const jve::Verifier& verifier_;
  const ServerOptions& options_;
  std::shared_ptr<const Routes> routes_;  // this worker's copy of options_.routes
  uint64_t routes_generation_ = 0;
  PathMatch match_;
  std::string value_;
  const int listen_fd_;
  const int wake_fd_;
  std::atomic<bool>& stopping_;
  const size_t max_connections_;
  int epoll_fd_ = -1;
  char listen_tag_ = 0, wake_tag_ = 0;  // epoll data for the two non-connection fds

  jve::Scratch scratch_;  // this thread's decode buffers and parsers
  std::chrono::milliseconds timeouts_[kNumPhases];
  TimerList lists_[kNumPhases];
  Clock::time_point now_;
  size_t conns_ = 0;
  bool accept_paused_ = false;
  Clock::time_point accept_resume_, next_accept_log_;
  std::vector<Conn*> dead_;    // closed during this batch of events
  std::vector<Conn*> pool_;
  char date_[32];
  size_t date_len_ = 0;
  int64_t date_second_ = -1;
};

// ---- Server

Server::Server(const jve::Verifier& verifier, ServerOptions options)
    : verifier_(verifier), options_(std::move(options)) {
  options_.threads = std::max(1, options_.threads);
}

Server::~Server() {
  stop();
  for (int fd : listen_fds_) ::close(fd);
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

namespace {

bool split_host_port(const std::string& s, std::string& host, std::string& port) {
  if (!s.empty() && s.front() == '[') {  // [v6]:port
    size_t close = s.find(']');
    if (close == std::string::npos || close + 1 >= s.size() || s[close + 1] != ':') return false;
    host = s.substr(1, close - 1);
    port = s.substr(close + 2);
  } else {
    size_t colon = s.rfind(':');
    if (colon == std::string::npos) return false;
    host = s.substr(0, colon);
    port = s.substr(colon + 1);
  }
  return !port.empty() && port.find_first_not_of("0123456789") == std::string::npos;
}

uint16_t port_of(const sockaddr_storage& a) {
  return ntohs(a.ss_family == AF_INET6 ? reinterpret_cast<const sockaddr_in6&>(a).sin6_port
                                       : reinterpret_cast<const sockaddr_in&>(a).sin_port);
}

void set_port(sockaddr_storage& a, uint16_t port) {
  if (a.ss_family == AF_INET6) {
    reinterpret_cast<sockaddr_in6&>(a).sin6_port = htons(port);
  } else {
    reinterpret_cast<sockaddr_in&>(a).sin_port = htons(port);
  }
}

}  // namespace

bool Server::listen(std::string* error) {
  std::string host, port;
  if (!split_host_port(options_.listen, host, port)) {
    *error = "--listen wants HOST:PORT or [V6ADDR]:PORT, got '" + options_.listen + "'";
    return false;
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* res = nullptr;
  int rc = ::getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(), &hints, &res);
  if (rc != 0) {
    *error = "cannot resolve '" + options_.listen + "': " + ::gai_strerror(rc);
    return false;
  }
  sockaddr_storage addr{};
  std::memcpy(&addr, res->ai_addr, res->ai_addrlen);
  socklen_t addr_len = res->ai_addrlen;
  ::freeaddrinfo(res);

  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) {
    *error = std::string("eventfd: ") + std::strerror(errno);
    return false;
  }
  for (int i = 0; i < options_.threads; ++i) {
    int fd = ::socket(addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      *error = std::string("socket: ") + std::strerror(errno);
      return false;
    }
    listen_fds_.push_back(fd);
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    // One socket per worker, and the kernel balances connections over them.
    // WARNING: any process of the same user that also sets SO_REUSEPORT can
    // join the group on a fixed port and receive part of the connections.
    if (::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) {
      *error = std::string("SO_REUSEPORT: ") + std::strerror(errno);
      return false;
    }
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), addr_len) != 0) {
      *error = "bind " + options_.listen + ": " + std::strerror(errno);
      return false;
    }
    if (::listen(fd, SOMAXCONN) != 0) {
      *error = "listen " + options_.listen + ": " + std::strerror(errno);
      return false;
    }
    if (i == 0) {  // port 0: the others join the port the kernel chose
      sockaddr_storage bound{};
      socklen_t len = sizeof bound;
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len);
      set_port(addr, port_of(bound));
    }
  }
  char text[INET6_ADDRSTRLEN] = "?";
  const void* ip = addr.ss_family == AF_INET6
                       ? static_cast<const void*>(&reinterpret_cast<sockaddr_in6&>(addr).sin6_addr)
                       : static_cast<const void*>(&reinterpret_cast<sockaddr_in&>(addr).sin_addr);
  ::inet_ntop(addr.ss_family, ip, text, sizeof text);
  char formatted[INET6_ADDRSTRLEN + 16];
  std::snprintf(formatted, sizeof formatted, addr.ss_family == AF_INET6 ? "[%s]:%u" : "%s:%u",
                text, static_cast<unsigned>(port_of(addr)));
  bound_address_ = formatted;
  return true;
}

void Server::start() {
  size_t per_worker = (options_.max_connections + listen_fds_.size() - 1) / listen_fds_.size();
  for (int fd : listen_fds_) {
    auto w = std::make_unique<Worker>(verifier_, options_, fd, wake_fd_, stopping_, per_worker);
    if (!w->setup()) {
      log_line("epoll: %s; worker not started", std::strerror(errno));
      continue;
    }
    Worker* raw = w.get();
    workers_.push_back(std::move(w));
    threads_.emplace_back([raw] { raw->run(); });
  }
}

void Server::stop() {
  if (threads_.empty()) return;
  stopping_.store(true, std::memory_order_release);
  uint64_t one = 1;
  ssize_t ignored = ::write(wake_fd_, &one, sizeof one);  // wakes every worker's epoll_wait
  (void)ignored;
  for (std::thread& t : threads_) t.join();
  threads_.clear();
  workers_.clear();
}

}  // namespace auth_service
