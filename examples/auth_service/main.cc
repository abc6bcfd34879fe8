// jve_auth_service: answers 200 or 401 for the bearer token of any request,
// the contract of nginx auth_request and of Envoy's ext_authz HTTP service.
// Keys come from a JWKS file (watched, reloaded on change) or a JWKS URL.
// See README.md beside this file.
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <jve/jwks_file.h>
#include <jve/key_source.h>
#include <jve/key_store.h>
#include <jve/policy.h>
#include <jve/verifier.h>
#ifdef JVE_AUTH_SERVICE_HAS_URL
#include <jve/jwks_url.h>
#endif

#include "revocation.h"
#include "server.h"

namespace {

using auth_service::log_line;

constexpr char kUsage[] =
    "usage: jve_auth_service (--jwks-file PATH | --jwks-url URL) [options]\n"
    "\n"
    "Answers every request under --path-prefix with 200 when its\n"
    "'Authorization: Bearer <token>' carries a token jve accepts, else 401 with\n"
    "'WWW-Authenticate: Bearer error=\"invalid_token\", error_description=\"<status>\"'\n"
    "('WWW-Authenticate: Bearer' alone when there is no bearer token). A 200\n"
    "carries X-Auth-Subject and X-Auth-Issuer (percent-encoded sub and iss).\n"
    "\n"
    "Keys:\n"
    "  --jwks-file PATH          JWKS file, re-checked every --watch-interval-ms and\n"
    "                            reloaded when it changes (replace it with rename())\n"
    "  --watch-interval-ms N     default 1000\n"
    "  --jwks-url URL            JWKS URL (https; refreshed every 10 min and on an\n"
    "                            unknown kid, at most every 30 s)"
#ifndef JVE_AUTH_SERVICE_HAS_URL
    " [not in this build:\n"
    "                            jve was built without jve::remote]"
#endif
    "\n"
    "  --allow-http              allow a plain http:// URL (loopback tests)\n"
    "  --ca-file PATH            CA bundle for the URL (default: the system's)\n"
    "  --startup-timeout-ms N    wait this long for the first fetch (default 10000)\n"
    "  SIGHUP re-reads the file / refetches the URL now.\n"
    "\n"
    "Authorization:\n"
    "  --routes FILE             per-route requirements and claim headers (README.md):\n"
    "                            a request no route matches is denied; a failed\n"
    "                            requirement is 403 with 'WWW-Authenticate: Bearer\n"
    "                            error=\"insufficient_scope\"' (and scope=\"...\" when\n"
    "                            scopes are missing). Re-checked every\n"
    "                            --watch-interval-ms and on SIGHUP; a bad file keeps\n"
    "                            the last good routes. Without it: any valid token.\n"
    "\n"
    "Policy:\n"
    "  --issuer ISS              accepted iss (repeat); none: iss unchecked\n"
    "  --audience AUD            accepted aud (repeat); none: tokens with aud are refused\n"
    "  --no-audience-check       do not check aud at all\n"
    "  --leeway SECONDS          clock skew allowed on exp/nbf (default 0)\n"
    "  --alg ALG[,ALG...]        accepted algorithms (default: all but none)\n"
    "  --revocation-redis URL    refuse tokens revoked on this Redis (redis://host:port;\n"
    "                            README \"Revocation\"; fail open while unreachable)\n"
    "\n"
    "Server:\n"
    "  --listen HOST:PORT        default 127.0.0.1:8080; port 0 picks a free port\n"
    "                            (the start-up line on stderr says which)\n"
    "  --threads N               worker threads (default: the number of CPUs)\n"
    "  --cache-entries N         verified-token cache entries, 0: none (default 10000,\n"
    "                            about 30 MiB; a repeated token then costs a lookup)\n"
    "  --path-prefix PATH        answer under this path only, 404 elsewhere (default /)\n"
    "  --realm REALM             realm of the WWW-Authenticate challenge\n"
    "  --max-header-bytes N      request line + headers limit, else 431 (default 16384)\n"
    "  --max-body-bytes N        request bodies are dropped; larger: 413 (default 1048576)\n"
    "  --request-timeout-ms N    time to send a whole request (default 10000)\n"
    "  --idle-timeout-ms N       keep-alive idle time (default 60000)\n"
    "  --write-timeout-ms N      time without response progress (default 10000)\n"
    "  --max-connections N       in total (default 10000)\n"
    "\n"
    "Exit: 0 after SIGINT/SIGTERM, 1 start-up failure (keys, socket), 2 usage error.\n";

struct Config {
  auth_service::ServerOptions server;
  jve::Policy policy;
  std::string jwks_file, jwks_url, ca_file, routes_file;
  std::string revocation_redis;  // revocation.h
  bool allow_http = false;
  std::chrono::milliseconds watch_interval{1000};
  std::chrono::milliseconds startup_timeout{10'000};
  // Clients resend one token until it expires: on by default (jve/cache.h).
  size_t cache_entries = 10'000;
};

[[noreturn]] void usage_error(const std::string& message) {
  std::fprintf(stderr, "jve_auth_service: %s\n(--help for usage)\n", message.c_str());
  std::exit(2);
}

[[noreturn]] void die(const std::string& message) {
  log_line("%s", message.c_str());
  std::exit(1);
}

int64_t parse_int(std::string_view option, const std::string& text, int64_t min, int64_t max) {
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno != 0 || v < min || v > max) {
    usage_error(std::string(option) + " wants an integer in [" + std::to_string(min) + ", " +
                std::to_string(max) + "], got '" + text + "'");
  }
  return v;
}

Config parse_args(int argc, char** argv) {
  Config cfg;
  cfg.server.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  bool alg_given = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i], value;
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    }
    // Flags without a value.
    if (arg == "--allow-http") {
      cfg.allow_http = true;
      continue;
    }
    if (arg == "--no-audience-check") {
      cfg.policy.check_audience = false;
      continue;
    }
    // --name=value or --name value.
    size_t eq = arg.find('=');
    if (arg.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg.resize(eq);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      usage_error(arg.rfind("--", 0) == 0 ? arg + " needs a value" : "unexpected '" + arg + "'");
    }
    constexpr int64_t kDay = 86'400'000;
    if (arg == "--listen") {
      cfg.server.listen = value;
    } else if (arg == "--jwks-file") {
      cfg.jwks_file = value;
    } else if (arg == "--watch-interval-ms") {
      cfg.watch_interval = std::chrono::milliseconds(parse_int(arg, value, 10, kDay));
    } else if (arg == "--routes") {
      cfg.routes_file = value;
    } else if (arg == "--jwks-url") {
      cfg.jwks_url = value;
    } else if (arg == "--revocation-redis") {
      cfg.revocation_redis = value;
    } else if (arg == "--ca-file") {
      cfg.ca_file = value;
    } else if (arg == "--startup-timeout-ms") {
      cfg.startup_timeout = std::chrono::milliseconds(parse_int(arg, value, 1, kDay));
    } else if (arg == "--issuer") {
      cfg.policy.issuers.push_back(value);
    } else if (arg == "--audience") {
      cfg.policy.audiences.push_back(value);
    } else if (arg == "--leeway") {
      cfg.policy.leeway_seconds = parse_int(arg, value, 0, 86'400);
    } else if (arg == "--alg") {
      if (!alg_given) cfg.policy.algorithms = jve::AlgSet();
      alg_given = true;
      std::string_view rest = value;
      while (!rest.empty()) {
        size_t comma = rest.find(',');
        std::string_view name = rest.substr(0, comma);
        std::optional<jve::Alg> alg = jve::alg_from_name(name);
        if (!alg) usage_error("unknown algorithm '" + std::string(name) + "'");
        cfg.policy.algorithms.add(*alg);
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      }
    } else if (arg == "--threads") {
      int64_t n = parse_int(arg, value, 0, 1024);
      if (n > 0) cfg.server.threads = static_cast<int>(n);
    } else if (arg == "--path-prefix") {
      if (value.empty() || value.front() != '/') usage_error("--path-prefix must start with '/'");
      cfg.server.path_prefix = value;
    } else if (arg == "--realm") {
      // It is sent inside a quoted-string: keep to printable ASCII, no '"' or '\'.
      for (char c : value) {
        if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
          usage_error("--realm: printable ASCII without '\"' or '\\' only");
        }
      }
      cfg.server.realm = value;
    } else if (arg == "--max-header-bytes") {
      cfg.server.max_header_bytes =
          static_cast<size_t>(parse_int(arg, value, 1024, int64_t{1} << 24));
    } else if (arg == "--max-body-bytes") {
      cfg.server.max_body_bytes = static_cast<uint64_t>(parse_int(arg, value, 0, int64_t{1} << 40));
    } else if (arg == "--request-timeout-ms") {
      cfg.server.request_timeout = std::chrono::milliseconds(parse_int(arg, value, 10, kDay));
    } else if (arg == "--idle-timeout-ms") {
      cfg.server.idle_timeout = std::chrono::milliseconds(parse_int(arg, value, 10, kDay));
    } else if (arg == "--write-timeout-ms") {
      cfg.server.write_timeout = std::chrono::milliseconds(parse_int(arg, value, 10, kDay));
    } else if (arg == "--cache-entries") {
      cfg.cache_entries = static_cast<size_t>(parse_int(arg, value, 0, jve::kMaxCacheEntries));
    } else if (arg == "--max-connections") {
      cfg.server.max_connections = static_cast<size_t>(parse_int(arg, value, 1, 1'000'000));
    } else {
      usage_error("unknown option '" + arg + "'");
    }
  }
  if (cfg.jwks_file.empty() == cfg.jwks_url.empty()) {
    usage_error("give exactly one of --jwks-file and --jwks-url");
  }
#ifndef JVE_AUTH_SERVICE_HAS_URL
  if (!cfg.jwks_url.empty()) {
    usage_error("--jwks-url: this build has no URL support (jve was built without jve::remote)");
  }
#endif
  if (cfg.policy.algorithms.empty()) usage_error("--alg: no algorithm");
  return cfg;
}

// raise_fd_limit lifts the soft descriptor limit towards the hard one: every
// connection is a descriptor, and the default soft limit is often 1024.
void raise_fd_limit(size_t wanted) {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0 || lim.rlim_cur >= wanted) return;
  lim.rlim_cur = std::min<rlim_t>(lim.rlim_max, wanted);
  ::setrlimit(RLIMIT_NOFILE, &lim);
}

std::string describe_keys(const jve::KeySet& keys) {
  std::string s = std::to_string(keys.size()) + (keys.size() == 1 ? " key" : " keys");
  if (!keys.left_out().empty()) s += " (" + std::to_string(keys.left_out().size()) + " left out)";
  return s;
}

// log_left_out logs each key the set left out on a line of its own, so an
// operator sees which key of a rotation is broken and why.
void log_left_out(const jve::KeySet& keys) {
  for (const jve::KeyIssue& issue : keys.left_out()) {
    log_line("keys: %s", jve::describe_left_out(issue).c_str());
  }
}

std::string join(const std::vector<std::string>& v) {
  if (v.empty()) return "any";
  std::string s;
  for (const std::string& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

// RoutesFile loads a routes file and reloads it when it changes: a file's
// identity (device, inode, size, modification time) is compared on each
// poll, so an edit in place and a rename() over it are both seen.
class RoutesFile {
 public:
  explicit RoutesFile(std::string path) : path_(std::move(path)) {}

  // load reads and parses the file; null with |error| set on failure.
  std::shared_ptr<const auth_service::Routes> load(std::string* error) {
    stamp_ = stamp();
    std::ifstream in(path_, std::ios::binary);
    if (!in) {
      *error = path_ + ": cannot be read";
      return nullptr;
    }
    std::ostringstream text;
    text << in.rdbuf();
    auto routes = auth_service::parse_routes(text.str(), error);
    if (!routes) *error = path_ + ": " + *error;
    return routes;
  }
  bool changed() const { return stamp() != stamp_; }
  const std::string& path() const { return path_; }

 private:
  std::string stamp() const {
    struct stat st {};
    if (::stat(path_.c_str(), &st) != 0) return "missing";
    return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino) + ":" +
           std::to_string(st.st_size) + ":" + std::to_string(st.st_mtim.tv_sec) + "." +
           std::to_string(st.st_mtim.tv_nsec);
  }
  std::string path_;
  std::string stamp_;
};

std::string describe_routes(const auth_service::Routes& r) {
  return std::to_string(r.routes.size()) + (r.routes.size() == 1 ? " route" : " routes") + ", " +
         std::to_string(r.headers.size()) + " claim header" + (r.headers.size() == 1 ? "" : "s");
}

// reload_routes re-reads the routes file into |holder|; a bad file is logged
// and the last good routes stay.
void reload_routes(RoutesFile& file, auth_service::RoutesHolder& holder) {
  std::string error;
  auto routes = file.load(&error);
  if (!routes) {
    log_line("routes: %s (keeping the last good routes)", error.c_str());
    return;
  }
  log_line("routes reloaded from %s: %s", file.path().c_str(), describe_routes(*routes).c_str());
  holder.set(std::move(routes));
}

}  // namespace

int main(int argc, char** argv) {
  Config cfg = parse_args(argc, argv);

  // Block the signals we wait for before any thread starts (the key sources
  // start theirs), so every thread inherits the mask and only sigwait() below
  // receives them. Writes to a closed socket must not kill the process.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  raise_fd_limit(cfg.server.max_connections + 64 + 2 * static_cast<size_t>(cfg.server.threads));

  // Reload messages only after the start-up line: the first load is in it.
  static std::atomic<bool> started{false};
  auto on_keys = [](const char* source, const std::string& where) {
    return [source, where](const jve::KeySet& keys) {
      if (started.load()) {
        log_line("keys reloaded from %s %s: %s", source, where.c_str(), describe_keys(keys).c_str());
        log_left_out(keys);
      }
    };
  };
  auto on_error = [](const jve::SourceError& e) {
    if (started.load()) log_line("keys: %s (keeping the last good set)", e.message.c_str());
  };

  auto store = std::make_shared<jve::KeyStore>();
  std::unique_ptr<jve::JwksFile> file_source;
  std::string keys_text;
  if (!cfg.jwks_file.empty()) {
    jve::JwksFileOptions options;
    options.watch_interval = cfg.watch_interval;
    options.on_keys = on_keys("file", cfg.jwks_file);
    options.on_error = on_error;
    file_source = std::make_unique<jve::JwksFile>(store, cfg.jwks_file, options);
    if (!file_source->loaded()) die("keys: " + file_source->last_error().message);
    keys_text = describe_keys(*store->snapshot()) + " from file " + cfg.jwks_file +
                " (re-checked every " + std::to_string(cfg.watch_interval.count()) + " ms)";
  }
#ifdef JVE_AUTH_SERVICE_HAS_URL
  std::unique_ptr<jve::JwksUrl> url_source;
  if (!cfg.jwks_url.empty()) {
    jve::JwksUrlOptions options;
    options.allow_http = cfg.allow_http;
    options.ca_file = cfg.ca_file;
    options.on_keys = on_keys("URL", cfg.jwks_url);
    options.on_error = on_error;
    url_source = std::make_unique<jve::JwksUrl>(store, cfg.jwks_url, options);
    if (!url_source->wait_until_loaded(cfg.startup_timeout)) {
      die("keys: " + url_source->last_error().message);
    }
    keys_text = describe_keys(*store->snapshot()) + " from URL " + cfg.jwks_url;
  }
#endif

  std::optional<RoutesFile> routes_file;
  std::optional<auth_service::RoutesHolder> routes;
  std::string routes_text = "no routes (any valid token)";
  if (!cfg.routes_file.empty()) {
    routes_file.emplace(cfg.routes_file);
    std::string error;
    auto first = routes_file->load(&error);
    if (!first) die("routes: " + error);
    routes_text = describe_routes(*first) + " from " + cfg.routes_file;
    routes.emplace(std::move(first));
    cfg.server.routes = &*routes;
  }

  std::shared_ptr<void> revocation;
  if (!cfg.revocation_redis.empty()) {
    std::string why;
    revocation = auth_service::enable_revocation(cfg.policy, cfg.revocation_redis, cfg.startup_timeout, &why);
    if (!revocation) die(why);
  }
  const jve::Verifier verifier =
      cfg.cache_entries > 0
          ? jve::Verifier(cfg.policy, store, jve::VerifyCache{.entries = cfg.cache_entries})
          : jve::Verifier(cfg.policy, store);
  auth_service::Server server(verifier, cfg.server);
  std::string error;
  if (!server.listen(&error)) die(error);
  server.start();
  // The test and load.sh read the port from this line: keep its start.
  log_line("listening on %s: %d threads, %s, %s, issuers %s, audiences %s, leeway %lld s",
           server.bound_address().c_str(), cfg.server.threads, keys_text.c_str(), routes_text.c_str(),
           join(cfg.policy.issuers).c_str(),
           cfg.policy.check_audience ? join(cfg.policy.audiences).c_str() : "unchecked",
           static_cast<long long>(cfg.policy.leeway_seconds));
  log_left_out(*store->snapshot());
  started.store(true);

  // The routes file is polled here, between signals.
  const timespec poll{static_cast<time_t>(cfg.watch_interval.count() / 1000),
                      static_cast<long>(cfg.watch_interval.count() % 1000) * 1'000'000};
  for (;;) {
    const int sig = routes_file ? sigtimedwait(&signals, nullptr, &poll) : sigwaitinfo(&signals, nullptr);
    if (sig < 0) {
      if (routes_file && routes_file->changed()) reload_routes(*routes_file, *routes);
      continue;
    }
    if (sig != SIGHUP) break;
    if (routes_file) {
      log_line("SIGHUP: re-reading %s", routes_file->path().c_str());
      reload_routes(*routes_file, *routes);
    }
    if (file_source) {
      log_line("SIGHUP: re-reading %s", cfg.jwks_file.c_str());
      file_source->reload();
    }
#ifdef JVE_AUTH_SERVICE_HAS_URL
    if (url_source) {
      log_line("SIGHUP: refetching %s", cfg.jwks_url.c_str());
      url_source->refresh_now();
    }
#endif
  }
  log_line("stopping");
  server.stop();
  return 0;
}
