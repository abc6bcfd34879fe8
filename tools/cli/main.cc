// jve: the command-line tool. Subcommands live one per file.
#include <cstdio>
#include <cstring>
#include <exception>
#include <string_view>

#include <openssl/err.h>

#include "bench_cmd.h"
#include "commands.h"
#include "common.h"
#include "verify_cmd.h"

namespace {

void usage(FILE* f) {
  std::fputs(
      "usage: jve <command> [options]\n"
      "\n"
      "commands:\n"
      "  verify   verify a token (or a file of tokens) against a JWKS, a PEM key or an HMAC secret\n"
      "  decode   show a token's header and payload without verifying it\n"
      "  sign     make a signed token from a private key and claims\n"
      "  keygen   generate a private key (JWK or PEM) and its public JWKS\n"
      "  jwks     convert PEM keys to JWK, build a JWKS, print thumbprints, check a JWKS\n"
      "  revoke   revoke tokens across a fleet (a jti, a subject or key cut-off) on Redis\n"
      "  bench    generate keys and tokens for every algorithm and measure tokens/s\n"
      "\n"
      "Run 'jve <command> --help' for a command's options.\n"
      "Exit codes: 0 success, 1 invalid token / check failed, 2 usage or input error,\n"
      "3 crypto library failure.\n",
      f);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    usage(stderr);
    return jve::cli::kExitUsage;
  }
  const std::string_view cmd = argv[1];
  using Run = int (*)(int, char**);
  Run run = nullptr;
  if (cmd == "verify") run = jve::cli::run_verify_command;
  else if (cmd == "bench") run = jve::cli::run_bench_command;
  else if (cmd == "decode") run = jve::cli::run_decode_command;
  else if (cmd == "sign") run = jve::cli::run_sign_command;
  else if (cmd == "keygen") run = jve::cli::run_keygen_command;
  else if (cmd == "jwks") run = jve::cli::run_jwks_command;
  else if (cmd == "revoke") run = jve::cli::run_revoke_command;
  if (run != nullptr) {
    // Failures are return values all the way down (tools/keyformat gives a
    // Status and a sentence); only running out of memory throws, and a
    // CLI11 misconfiguration would be a bug. Both end as exit 3.
    try {
      return run(argc - 1, argv + 1);
    } catch (const std::bad_alloc&) {
      std::fprintf(stderr, "jve %s: out of memory\n", argv[1]);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "jve %s: internal error: %s\n", argv[1], e.what());
    }
    ERR_clear_error();
    return jve::cli::kExitInternal;
  }
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    usage(stdout);
    return jve::cli::kExitOk;
  }
  std::fprintf(stderr, "jve: unknown command '%s'\n", argv[1]);
  usage(stderr);
  return jve::cli::kExitUsage;
}
