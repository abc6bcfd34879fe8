// cli11.h: CLI11 (Debian's libcli11-dev, header-only) with jve's conventions.
//
// CLI11 parses the options of decode, sign, keygen and jwks: it gives
// --help, "--opt=value", typed values and "did you mean" errors for free.
// verify and bench keep their own small parsers: verify's messages and exit
// codes are a tested contract (README, tests/cli_test.cc) that predates them.
#pragma once

#include <cstdio>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "common.h"
#include "jve/alg.h"

namespace jve::cli {

// parse_args runs |app| on argv (argv[0] is the subcommand's name). Returns
// -1 to go on, or the exit code to return now: 0 after printing --help on
// standard output, 2 after printing "jve <cmd>: <error>" on standard error.
inline int parse_args(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::fputs(app.help().c_str(), stdout);
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "%s: %s\n(run '%s --help' for usage)\n", app.get_name().c_str(), e.what(),
                 app.get_name().c_str());
    return kExitUsage;
  }
  return -1;
}

// fail prints "jve <cmd>: <what>" on standard error and returns |code|.
inline int fail(const CLI::App& app, int code, const std::string& what) {
  std::fprintf(stderr, "%s: %s\n", app.get_name().c_str(), what.c_str());
  return code;
}

// parse_alg reads an --alg value; nullopt after printing "jve <cmd>: unknown
// algorithm ..." on standard error (the caller returns exit 2).
inline std::optional<Alg> parse_alg(const CLI::App& app, const std::string& name) {
  const std::optional<Alg> alg = alg_from_name(name);
  if (!alg) fail(app, kExitUsage, "unknown algorithm '" + name + "' (HS256 ... ES512, EdDSA)");
  return alg;
}

}  // namespace jve::cli
