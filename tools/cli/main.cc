// jve: the command-line tool. Subcommands live one per file.
#include <cstdio>
#include <cstring>
#include <string_view>

#include "bench_cmd.h"
#include "verify_cmd.h"

namespace {

void usage(FILE* f) {
  std::fputs(
      "usage: jve <command> [options]\n"
      "\n"
      "commands:\n"
      "  verify   verify one token against a JWKS, a PEM key or an HMAC secret\n"
      "  bench    generate keys and tokens for every algorithm and measure tokens/s\n"
      "\n"
      "Run 'jve <command> --help' for a command's options.\n",
      f);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  const std::string_view cmd = argv[1];
  if (cmd == "verify") return jve::cli::run_verify_command(argc - 1, argv + 1);
  if (cmd == "bench") return jve::cli::run_bench_command(argc - 1, argv + 1);
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    usage(stdout);
    return 0;
  }
  std::fprintf(stderr, "jve: unknown command '%s'\n", argv[1]);
  usage(stderr);
  return 2;
}
