// revoke_cmd.cc: `jve revoke`, one entry into the fleet's revocation list on
// Redis (jve/redis_revocations.h): stored in the sorted set and published,
// so every replica rejects the token(s) within its propagation delay.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>

#include "cli11.h"
#include "commands.h"
#include "jve/revocation.h"
#if JVE_CLI_REDIS
#include "jve/redis_revocations.h"
#endif

namespace jve::cli {
namespace {

constexpr const char kFooter[] = R"(
One of:
  --jti ID [--iss ISS]          the token with this jti (from ISS; any issuer without --iss)
  --sub SUB --before T [--iss]  tokens of SUB issued before T ("log out everywhere")
  --kid KID --before T [--iss]  tokens signed under KID issued before T (a leaked key)
  --iss ISS --before T          every token of ISS issued before T
T is seconds since the epoch, or "now". A token without iat counts as
issued before any cut-off.

The entry expires (and drops out of every replica) at --expires T, or --ttl
seconds from now (default 86400): give the token's exp plus the verifiers'
leeway for a jti, the cut-off plus the longest token lifetime for the others.

Redis: --redis URL (default $JVE_REDIS_URL, else redis://127.0.0.1:6379),
--key (default jve:revocations). README "Revocation" documents the layout.

Examples:
  jve revoke --jti 8f14e45f --iss https://auth.example.com/ --expires 1767225600
  jve revoke --sub user-42 --before now --ttl 3600 --redis redis://10.0.0.5:6379

Prints the stored entry. Exit: 0 stored and published; 2 usage error, or
Redis unreachable or refusing.
)";

bool parse_time(const std::string& text, int64_t now, int64_t& out) {
  if (text == "now") {
    out = now;
    return true;
  }
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno != 0 || v < 0) return false;
  out = v;
  return true;
}

}  // namespace

int run_revoke_command(int argc, char** argv) {
  CLI::App app{"Revoke tokens across a fleet: store and publish an entry on Redis.", "jve revoke"};
  app.footer(kFooter);
  std::string jti, sub, kid, iss, before_text, expires_text;
  const char* env_url = std::getenv("JVE_REDIS_URL");
  std::string url = env_url && *env_url ? env_url : "redis://127.0.0.1:6379";
  std::string key = "jve:revocations";
  int64_t ttl = 86400;
  auto* jti_opt = app.add_option("--jti", jti, "revoke the token with this jti");
  auto* sub_opt = app.add_option("--sub", sub, "revoke the subject's tokens issued before --before");
  auto* kid_opt = app.add_option("--kid", kid, "revoke tokens signed under this kid issued before --before");
  app.add_option("--iss", iss, "the issuer the entry applies to (default: any issuer)");
  app.add_option("--before", before_text, "the iat cut-off: seconds since the epoch, or now");
  app.add_option("--expires", expires_text, "when the entry expires (seconds since the epoch)");
  app.add_option("--ttl", ttl, "seconds from now until the entry expires (default 86400)");
  app.add_option("--redis", url, "redis://[[user]:password@]host[:port][/db]");
  app.add_option("--key", key, "the sorted set and channel (default jve:revocations)");
  jti_opt->excludes(sub_opt)->excludes(kid_opt);
  sub_opt->excludes(kid_opt);
  if (const int rc = parse_args(app, argc, argv); rc >= 0) return rc;

  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  Revocation r;
  r.iss = iss;
  if (!jti.empty() || app.count("--jti")) {
    if (!before_text.empty()) return fail(app, kExitUsage, "--before: a jti names one token; no cut-off");
    r.kind = Revocation::Kind::jti;
    r.value = jti;
  } else {
    if (app.count("--sub")) {
      r.kind = Revocation::Kind::subject;
      r.value = sub;
    } else if (app.count("--kid") || !iss.empty()) {
      r.kind = Revocation::Kind::key;
      r.value = kid;
    } else {
      return fail(app, kExitUsage, "say what to revoke: --jti, --sub, --kid or --iss");
    }
    if (before_text.empty()) return fail(app, kExitUsage, "--before T is required with --sub, --kid, --iss");
    if (!parse_time(before_text, now, r.before))
      return fail(app, kExitUsage, "--before: seconds since the epoch, or now");
  }
  if (!expires_text.empty()) {
    if (!parse_time(expires_text, now, r.expires_at))
      return fail(app, kExitUsage, "--expires: seconds since the epoch");
  } else {
    if (ttl <= 0) return fail(app, kExitUsage, "--ttl: a positive number of seconds");
    r.expires_at = now + ttl;
  }
  if (r.expires_at < now) return fail(app, kExitUsage, "--expires is in the past: nothing to revoke");
#if JVE_CLI_REDIS
  RedisWriter writer(url, key);
  if (!writer.ok()) return fail(app, kExitUsage, writer.error());
  if (!writer.revoke(r, now)) return fail(app, kExitUsage, writer.error());
  std::printf("%s\n", format_revocation(r).c_str());
  return kExitOk;
#else
  return fail(app, kExitUsage, "this jve was built without Redis support (libhiredis-dev)");
#endif
}

}  // namespace jve::cli
