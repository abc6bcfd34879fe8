// bench_cmd.cc: `jve bench`, the end-to-end throughput check.
//
// Unlike bench/ (Google Benchmark, one token, fixed clock) this runs the way a
// service would: keys go through the JWKS loader, every thread verifies a
// rotating set of distinct tokens with its own Scratch, and the policy reads
// the system clock. Before timing, every token must verify and a tampered
// one must not, so a fast wrong answer can never be reported as a result.
#include "bench_cmd.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "../testkit/payload.h"  // the benchmarks' token texts; header-only
#include "jve/jve.hpp"
#include "keyformat/json_text.h"
#include "keyformat/jwk.h"
#include "keyformat/sign.h"

namespace jve::cli {
namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::vector<Alg> algs;
  double seconds = 1.0;
  int threads = 1;
  int tokens = 64;
};

void usage(FILE* f) {
  std::fputs(
      "usage: jve bench [--alg ALG[,ALG...]] [--seconds S] [--threads N] [--tokens N]\n"
      "\n"
      "Generates a key and N distinct tokens per algorithm, loads the public JWKS,\n"
      "checks every token verifies and a tampered one is rejected, then measures.\n"
      "\n"
      "  --alg      algorithms to run (default: all 13): HS256 ... ES512, EdDSA\n"
      "  --seconds  measuring time per algorithm (default 1.0)\n"
      "  --threads  verifying threads, one Scratch each (default 1)\n"
      "  --tokens   distinct tokens per algorithm (default 64)\n",
      f);
}

void add_all_algs(std::vector<Alg>& algs) {
  for (int i = 0; i < kNumAlgs; ++i) algs.push_back(static_cast<Alg>(i));
}

// parse_options returns nullopt (after printing why) on a usage error; sets
// |help| for --help.
std::optional<Options> parse_options(int argc, char** argv, bool& help) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    std::string_view value;
    bool has_value = false;
    if (const size_t eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string_view::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      has_value = true;
    }
    auto next = [&]() -> std::optional<std::string_view> {
      if (has_value) return value;
      if (i + 1 >= argc) {
        std::fprintf(stderr, "jve bench: %.*s needs a value\n", static_cast<int>(arg.size()), arg.data());
        return std::nullopt;
      }
      return std::string_view(argv[++i]);
    };
    if (arg == "--help" || arg == "-h") {
      help = true;
      return o;
    } else if (arg == "--alg") {
      auto v = next();
      if (!v) return std::nullopt;
      std::string_view list = *v;
      while (!list.empty()) {
        const size_t comma = list.find(',');
        const std::string_view name = list.substr(0, comma);
        list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
        if (name == "all") {
          add_all_algs(o.algs);
          continue;
        }
        std::optional<Alg> alg = alg_from_name(name);
        if (!alg) {
          std::fprintf(stderr, "jve bench: unknown algorithm '%.*s'\n", static_cast<int>(name.size()),
                       name.data());
          return std::nullopt;
        }
        o.algs.push_back(*alg);
      }
    } else if (arg == "--seconds" || arg == "--threads" || arg == "--tokens") {
      auto v = next();
      if (!v) return std::nullopt;
      const std::string text(*v);
      char* end = nullptr;
      const double x = std::strtod(text.c_str(), &end);
      const bool integral = arg != "--seconds";
      if (end == text.c_str() || *end != '\0' || !(x > 0) || (integral && (x != static_cast<int>(x) || x > 4096)) ||
          x > 3600) {
        std::fprintf(stderr, "jve bench: bad value '%s' for %.*s\n", text.c_str(),
                     static_cast<int>(arg.size()), arg.data());
        return std::nullopt;
      }
      if (arg == "--seconds") o.seconds = x;
      if (arg == "--threads") o.threads = static_cast<int>(x);
      if (arg == "--tokens") o.tokens = static_cast<int>(x);
    } else {
      std::fprintf(stderr, "jve bench: unknown option '%s'\n", argv[i]);
      return std::nullopt;
    }
  }
  if (o.algs.empty()) add_all_algs(o.algs);
  return o;
}

struct AlgResult {
  Alg alg;
  size_t token_len = 0;
  Status tampered = Status::ok;
  uint64_t verified = 0;
  double tokens_per_s = 0;
  double ns_per_token = 0;  // mean wall time of one verify on one thread
};

std::string name_of(Alg alg) { return std::string(alg_name(alg)); }

std::string lower_kid(Alg alg) {
  std::string s(alg_name(alg));
  for (char& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return "bench-" + s;
}

// run_alg prepares and checks one algorithm, then times it. Returns false
// (after printing why) when a check fails.
bool run_alg(Alg alg, const Options& o, AlgResult& r) {
  r.alg = alg;
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  const std::string kid = lower_kid(alg);
  std::string why;
  const auto failed = [&](const char* what) {
    std::fprintf(stderr, "jve bench: %s: %s: %s\n", name_of(alg).c_str(), what, why.c_str());
    return false;
  };
  const Result<keyformat::KeyData> key = keyformat::generate(alg, 0, &why);
  if (!key.ok()) return failed("cannot generate a key");
  std::vector<std::string> tokens;
  tokens.reserve(static_cast<size_t>(o.tokens));
  const std::string header = keyformat::jose_header(alg_name(alg), kid);
  for (int i = 0; i < o.tokens; ++i) {
    Result<std::string> token = keyformat::sign_compact(
        *key, alg, header, testkit::realistic_payload(now, 350, static_cast<uint64_t>(i)), &why);
    if (!token.ok()) return failed("cannot sign");
    tokens.push_back(std::move(*token));
  }
  r.token_len = tokens[0].size();

  const Result<std::string> jwk = keyformat::write_jwk(
      *key, {kid, std::string(alg_name(alg)), "sig"}, keyformat::JwkMembers::public_only, &why);
  if (!jwk.ok()) return failed("cannot write the JWK");
  Result<KeySet> keys = KeySet::from_jwks(keyformat::write_jwks({&*jwk, 1}), &why);
  if (!keys.ok() || keys->size() != 1) {
    std::fprintf(stderr, "jve bench: %s: the JWKS did not load: %s %s\n", name_of(alg).c_str(),
                 std::string(to_string(keys.status())).c_str(),
                 keys.ok() && !keys->left_out().empty() ? keys->left_out()[0].why.c_str() : why.c_str());
    return false;
  }
  Policy policy;
  policy.issuers = {std::string(testkit::kIssuer)};
  policy.audiences = {std::string(testkit::kAudience)};
  const Verifier verifier(std::move(policy), std::make_shared<const KeySet>(std::move(*keys)));

  Scratch scratch;
  Claims claims;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const Status s = verifier.verify(tokens[i], scratch, claims);
    if (s != Status::ok) {
      std::fprintf(stderr, "jve bench: %s: token %zu was rejected: %s\n", name_of(alg).c_str(), i,
                   std::string(to_string(s)).c_str());
      return false;
    }
  }
  // Change one character in the middle of the payload: still base64url, so
  // only the signature check can catch it.
  std::string tampered = tokens[0];
  const size_t dot1 = tampered.find('.');
  const size_t dot2 = tampered.find('.', dot1 + 1);
  const size_t pos = dot1 + (dot2 - dot1) / 2;
  tampered[pos] = tampered[pos] == 'A' ? 'B' : 'A';
  r.tampered = verifier.verify(tampered, scratch, claims);
  if (r.tampered == Status::ok) {
    std::fprintf(stderr, "jve bench: %s: a tampered token was accepted\n", name_of(alg).c_str());
    return false;
  }

  struct ThreadResult {
    uint64_t verified = 0;
    uint64_t failed = 0;
    double seconds = 0;
  };
  std::vector<ThreadResult> results(static_cast<size_t>(o.threads));
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  const auto budget = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.seconds));
  std::vector<std::thread> workers;
  for (int t = 0; t < o.threads; ++t) {
    workers.emplace_back([&, t] {
      Scratch my_scratch;
      Claims my_claims;
      // Warm-up outside the timed window: the first verify sizes the Scratch.
      (void)verifier.verify(tokens[0], my_scratch, my_claims);
      ready.fetch_add(1);
      while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
      ThreadResult& res = results[static_cast<size_t>(t)];
      size_t next = static_cast<size_t>(t) % tokens.size();
      const Clock::time_point start = Clock::now();
      const Clock::time_point deadline = start + budget;
      Clock::time_point end;
      do {
        // Check the clock every 32 verifies: cheap against even HS256.
        for (int k = 0; k < 32; ++k) {
          res.failed += verifier.verify(tokens[next], my_scratch, my_claims) != Status::ok;
          if (++next == tokens.size()) next = 0;
        }
        res.verified += 32;
        end = Clock::now();
      } while (end < deadline);
      res.seconds = std::chrono::duration<double>(end - start).count();
    });
  }
  while (ready.load() != o.threads) std::this_thread::yield();
  go.store(true, std::memory_order_release);
  for (std::thread& w : workers) w.join();

  double latency_sum = 0;
  for (const ThreadResult& res : results) {
    if (res.failed != 0) {
      std::fprintf(stderr, "jve bench: %s: %llu verifies failed while timing\n", name_of(alg).c_str(),
                   static_cast<unsigned long long>(res.failed));
      return false;
    }
    r.verified += res.verified;
    r.tokens_per_s += static_cast<double>(res.verified) / res.seconds;
    latency_sum += res.seconds * 1e9 / static_cast<double>(res.verified);
  }
  r.ns_per_token = latency_sum / o.threads;
  return true;
}

}  // namespace

int run_bench_command(int argc, char** argv) {
  bool help = false;
  const std::optional<Options> parsed = parse_options(argc, argv, help);
  if (help) {
    usage(stdout);
    return 0;
  }
  if (!parsed) {
    usage(stderr);
    return 2;
  }
  const Options& o = *parsed;
  std::printf("jve bench: %d distinct tokens per alg (~350-byte payload, RSA 2048), "
              "%d thread%s, %.1f s per alg, base64url kernel %s\n\n",
              o.tokens, o.threads, o.threads == 1 ? "" : "s", o.seconds,
              base64url::active_kernel().name);
  std::printf("%-6s %7s %14s %11s %9s  %s\n", "alg", "bytes", "tokens/s", "ns/token", "relative",
              "tampered");
  std::fflush(stdout);
  double first_rate = 0;
  for (Alg alg : o.algs) {
    AlgResult r;
    if (!run_alg(alg, o, r)) return 1;
    if (first_rate == 0) first_rate = r.tokens_per_s;
    std::printf("%-6s %7zu %14.0f %11.1f %8.3fx  %s\n", name_of(alg).c_str(), r.token_len,
                r.tokens_per_s, r.ns_per_token, r.tokens_per_s / first_rate,
                std::string(to_string(r.tampered)).c_str());
    std::fflush(stdout);
  }
  std::printf("\nrelative: tokens/s against the first row. ns/token: one thread's mean "
              "wall time per verify.\n");
  return 0;
}

}  // namespace jve::cli
