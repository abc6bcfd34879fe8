// commands.h: the subcommands besides verify and bench. Each takes argv with
// argv[0] the subcommand's name and returns the exit code (common.h). None
// throws: a crypto library failure is exit 3, returned like any other.
#pragma once

namespace jve::cli {
int run_decode_command(int argc, char** argv);  // jve decode TOKEN
int run_sign_command(int argc, char** argv);    // jve sign --key FILE --alg ALG ...
int run_keygen_command(int argc, char** argv);  // jve keygen --alg ALG ...
int run_jwks_command(int argc, char** argv);    // jve jwks build|convert|thumbprint|check
int run_revoke_command(int argc, char** argv);  // jve revoke --jti|--sub|--kid|--iss ... (Redis)
}  // namespace jve::cli
