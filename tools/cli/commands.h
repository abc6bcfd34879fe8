// commands.h: the subcommands besides verify and bench. Each takes argv with
// argv[0] the subcommand's name and returns the exit code (common.h).
// testkit (tools/testkit) throws on a crypto library failure; main.cc turns
// that into exit 3.
#pragma once

namespace jve::cli {
int run_decode_command(int argc, char** argv);  // jve decode TOKEN
int run_sign_command(int argc, char** argv);    // jve sign --key FILE --alg ALG ...
int run_keygen_command(int argc, char** argv);  // jve keygen --alg ALG ...
int run_jwks_command(int argc, char** argv);    // jve jwks build|convert|thumbprint|check
}  // namespace jve::cli
