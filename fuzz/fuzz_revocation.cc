// The revocation entry text (parse_revocation, format_revocation) and the
// RevocationList built from what it accepts: the input is lines, each an
// entry as it would arrive from Redis (a sorted-set member or a pub/sub
// message).
//
// Invariants: a refused line leaves the output entry alone; an accepted one
// formats to a text that parses back to the same entry and whose format is
// the same text (canonical); the list never holds more entries than were
// accepted; and its verdict on claims derived from every entry (with and
// without iat), and on unrelated claims, equals a reference written here
// as a plain loop: "some live entry matches".
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "jve/jve.hpp"

namespace {

constexpr int64_t kNow = 1'700'000'000;

// The reference: a token is revoked when any live entry matches it.
bool reference(const std::vector<jve::Revocation>& entries, const jve::Claims& c,
               std::string_view kid, int64_t now) {
  const std::string_view iss = c.iss.value_or(std::string_view());
  for (const jve::Revocation& r : entries) {
    if (now > r.expires_at || !(r.iss.empty() || r.iss == iss)) continue;
    const bool cut = !c.iat || *c.iat < static_cast<double>(r.before);
    switch (r.kind) {
      case jve::Revocation::Kind::jti:
        if (c.jti && *c.jti == r.value) return true;
        break;
      case jve::Revocation::Kind::subject:
        if (c.sub && *c.sub == r.value && cut) return true;
        break;
      case jve::Revocation::Kind::key:
        if ((r.value.empty() || r.value == kid) && cut) return true;
        break;
    }
  }
  return false;
}

[[noreturn]] void fail(const char* what, std::string_view line) {
  std::fprintf(stderr, "fuzz_revocation: %s: %.*s\n", what, static_cast<int>(line.size()),
               line.data());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<jve::Revocation> accepted;
  size_t start = 0;
  while (start <= input.size() && accepted.size() < 64) {
    size_t end = input.find('\n', start);
    if (end == std::string_view::npos) end = input.size();
    const std::string_view line = input.substr(start, end - start);
    start = end + 1;
    const jve::Revocation sentinel{jve::Revocation::Kind::subject, "sentinel", "s", 7, 9};
    jve::Revocation r = sentinel;
    const jve::Status st = jve::parse_revocation(line, r);
    if (st != jve::Status::ok) {
      if (!(r == sentinel)) fail("a refused line changed the entry", line);
      continue;
    }
    const std::string text = jve::format_revocation(r);
    jve::Revocation back;
    if (jve::parse_revocation(text, back) != jve::Status::ok || !(back == r))
      fail("format does not parse back", line);
    if (jve::format_revocation(back) != text) fail("format is not canonical", line);
    accepted.push_back(std::move(r));
  }

  jve::RevocationList list;
  const size_t kept = list.replace(accepted, kNow);
  if (kept > accepted.size()) fail("the list holds more than was given", input.substr(0, 64));
  auto agree = [&](const jve::Claims& c, std::string_view kid) {
    const bool want = reference(accepted, c, kid, kNow);
    const bool got = list.check(c, kid, kNow) == jve::Status::revoked;
    if (want != got) fail(want ? "a listed token passes" : "an unlisted token is revoked", kid);
  };
  for (const jve::Revocation& r : accepted) {
    jve::Claims c;
    if (!r.iss.empty()) c.iss = r.iss;
    std::string_view kid;
    switch (r.kind) {
      case jve::Revocation::Kind::jti: c.jti = r.value; break;
      case jve::Revocation::Kind::subject: c.sub = r.value; break;
      case jve::Revocation::Kind::key: kid = r.value; break;
    }
    agree(c, kid);  // no iat
    c.iat = static_cast<double>(r.before);
    agree(c, kid);  // at the cut-off
    c.iat = static_cast<double>(r.before) - 1;
    agree(c, kid);
    c.iss = std::string_view("another issuer");
    agree(c, kid);
  }
  jve::Claims stranger;
  stranger.iss = std::string_view("no-such-issuer");
  stranger.iat = 1.7e9;
  stranger.jti = std::string_view("no-such-jti");
  stranger.sub = std::string_view("no-such-sub");
  agree(stranger, "no-such-kid");
  agree(stranger, "");
  list.prune(kNow + 1);
  return 0;
}
