#pragma once

namespace jve::cli {
// run_bench_command implements `jve bench` (argv[0] is "bench"):
//   jve bench [--alg ALG[,ALG...]] [--seconds S] [--threads N] [--tokens N]
// For each algorithm it generates a key and distinct tokens (tools/keyformat),
// loads the public JWKS into a Verifier, checks that every token verifies and
// a tampered one does not, then measures verifies per second and prints a
// table. Exit codes: 0 done, 1 a check failed, 2 usage error.
int run_bench_command(int argc, char** argv);
}  // namespace jve::cli
