// The auth service's HTTP/1.1 head parser (examples/auth_service/http.cc):
// the part of the example that reads bytes from any client on the network.
// Invariants beyond "no crash": the end of the head found by feeding the
// input in arbitrary pieces equals the end found in one go; every view a
// parsed Request holds lies inside the head (the path may also be a static
// "/"); a bearer token lies inside the
// Authorization value; a header value written back is printable ASCII
// with no CR or LF (claims cannot inject response headers); and the route
// matcher, given the parsed path, binds only values that are non-empty,
// inside its decode buffer, and free of '/', dot segments and control
// characters (what a route's requirement compares claims with).
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "http.h"
#include "routes.h"

namespace {

bool inside(std::string_view part, std::string_view whole) {
  return part.empty() ||
         (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

const auth_service::Routes& routes() {
  static const std::shared_ptr<const auth_service::Routes> r = [] {
    std::string error;
    auto parsed = auth_service::parse_routes(
        "route GET,HEAD /tenants/{tenant}/invoices/** {\"all_of\": []}\n"
        "route * /a/{x}/b/{y} {\"all_of\": []}\n"
        "route POST /{first}/** {\"all_of\": []}\n"
        "route * / {\"all_of\": []}\n",
        &error);
    if (!parsed) std::abort();
    return parsed;
  }();
  return *r;
}

void check_route(std::string_view method, std::string_view path) {
  static auth_service::PathMatch match;
  const auth_service::Route* r = auth_service::match_route(routes(), method, path, match);
  if (r == nullptr) return;
  for (const jve::RequestValue& v : match.request_values()) {
    if (v.value.empty() || !inside(v.value, match.decoded) || v.value == "." || v.value == "..")
      std::abort();
    for (char c : v.value) {
      const auto u = static_cast<unsigned char>(c);
      if (c == '/' || u < 0x20 || u == 0x7f) std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  const size_t piece = in.ConsumeIntegralInRange<size_t>(1, 64);
  const std::string bytes = in.ConsumeRemainingBytesAsString();
  const std::string_view all(bytes);

  // One scan over the whole buffer ...
  auth_service::HeadScanner once;
  const size_t end = auth_service::find_head_end(all, once);
  // ... and one as the bytes arrive, |piece| at a time.
  auth_service::HeadScanner growing;
  size_t end_in_pieces = 0;
  for (size_t have = piece < all.size() ? piece : all.size();; have += piece) {
    if (have > all.size()) have = all.size();
    end_in_pieces = auth_service::find_head_end(all.substr(0, have), growing);
    if (end_in_pieces != 0 || have == all.size()) break;
  }
  if (end != end_in_pieces || end > all.size()) std::abort();

  const std::string_view head = end ? all.substr(0, end) : all;
  auth_service::Request req;
  if (auth_service::parse_head(head, req) == auth_service::HeadError::none) {
    // An absolute-form target without a path ("http://host") has path "/".
    const bool path_ok = inside(req.path, head) || req.path == "/";
    if (req.method.empty() || !inside(req.method, head) || !inside(req.target, head) ||
        !path_ok || !inside(req.authorization, head) || !inside(req.original_uri, head) ||
        !inside(req.original_method, head) || req.minor_version < 0 ||
        req.minor_version > 1)
      std::abort();
    std::string_view token;
    if (auth_service::bearer_token(req.authorization, token) && !inside(token, req.authorization))
      std::abort();
    (void)auth_service::path_matches(req.path, "/auth");
    check_route(req.method, req.path);
    check_route(req.original_method, req.original_uri);
  }

  std::string out;
  auth_service::append_header_value(out, all.substr(0, all.size() < 512 ? all.size() : 512));
  for (char c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u > 0x7e) std::abort();
  }
  return 0;
}
