// routes.h: which requests a verified token may make. A routes file maps a
// method and a path pattern to a jve::Requirement, and names the claims to
// pass on as response headers. README.md beside this file has the format:
//
//   # comment
//   route GET,HEAD /tenants/{tenant}/invoices/** {"all_of": [...]}
//   header X-Auth-Tenant /tenantId
//
// A request no route matches is denied (deny by default).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <jve/authz.h>

namespace auth_service {

// The most named segments a pattern may have ({name}): they become the
// request values the route's requirement may bind claims to.
inline constexpr size_t kMaxPathValues = 8;

struct Route {
  explicit Route(jve::Requirement r) : requirement(std::move(r)) {}
  std::vector<std::string> methods;  // empty: any method
  struct Segment {
    std::string text;  // a literal segment, or the name of a {name} segment
    bool named = false;
  };
  std::vector<Segment> segments;
  bool rest = false;  // the pattern ends in "/**": any remainder, even none
  jve::Requirement requirement;
  std::string pattern;  // as written, for logs
};

struct ClaimHeader {
  std::string name;  // "X-..."
  jve::ClaimPath path;
};

struct Routes {
  std::vector<Route> routes;
  std::vector<ClaimHeader> headers;
};

// parse_routes reads a routes file's text. On error returns null and writes
// "line N: why" to |error|.
std::shared_ptr<const Routes> parse_routes(std::string_view text, std::string* error);

// PathMatch holds the request values a matched pattern bound; the views point
// into |decoded| and into the route's names, and stay valid until the next
// match with this PathMatch. Reused per worker: after the first requests it
// allocates nothing.
struct PathMatch {
  std::string decoded;  // percent-decoded segment values, back to back
  std::array<jve::RequestValue, kMaxPathValues> values;
  size_t count = 0;
  std::span<const jve::RequestValue> request_values() const noexcept { return {values.data(), count}; }
};

// match_route returns the first route (in file order) that |method| and
// |path| (no query) match, or null. Paths that could mean something else to
// the application than to a pattern never match: empty, "." or ".."
// segments (raw or percent-encoded), a malformed %-escape, an encoded '/'
// or a control character in a segment.
const Route* match_route(const Routes& routes, std::string_view method, std::string_view path,
                         PathMatch& match);

}  // namespace auth_service

namespace auth_service {

// RoutesHolder is the current routes, replaced on reload. A worker keeps its
// own reference and compares the generation once per request, so a request
// takes the lock only in the rare case the routes changed since its last.
class RoutesHolder {
 public:
  explicit RoutesHolder(std::shared_ptr<const Routes> r) : current_(std::move(r)) {}
  void set(std::shared_ptr<const Routes> r) {
    std::lock_guard<std::mutex> lock(mu_);
    current_ = std::move(r);
    generation_.fetch_add(1, std::memory_order_release);
  }
  uint64_t generation() const noexcept { return generation_.load(std::memory_order_acquire); }
  std::shared_ptr<const Routes> get() const {
    std::lock_guard<std::mutex> lock(mu_);
    return current_;
  }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const Routes> current_;
  std::atomic<uint64_t> generation_{1};
};

}  // namespace auth_service
