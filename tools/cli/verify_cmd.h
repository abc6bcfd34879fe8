#pragma once

namespace jve::cli {
// run_verify_command implements `jve verify` (argv[0] is "verify").
// Exit codes: 0 valid, 1 invalid token, 2 usage or key-file error.
int run_verify_command(int argc, char** argv);
}  // namespace jve::cli
