// verify_batch.h: `jve verify --tokens FILE`, many tokens, one per line.
#pragma once

#include <string>
#include <vector>

#include "jve/authz.h"
#include "jve/verifier.h"

namespace jve::cli {

struct BatchOptions {
  std::string path;  // "-" is standard input
  int threads = 1;
  bool quiet = false;  // no progress bar, no summary
  // Evaluated in order on each valid token (--require-scope, ...); the first
  // that fails makes the line {"valid":false,"error":"insufficient_scope" or
  // "forbidden","message":<the requirement that failed>}.
  std::vector<Requirement> requirements;
};

// run_verify_batch verifies every non-empty line of |options.path| (a
// trailing "\r" is dropped; blank lines are skipped but still counted in
// line numbers) and prints one JSON object per token on standard output, in
// input order:
//   {"line":N,"valid":true,"claims":{...}}
//   {"line":N,"valid":false,"error":"expired","message":"..."}
// Standard error gets a progress bar when it is a terminal and the run
// lasts, and a summary (counts by error, tokens/s) at the end.
// Returns 0 when every token is valid, 1 when any is not, 2 when the input
// cannot be read or the output cannot be written.
int run_verify_batch(const Verifier& verifier, const BatchOptions& options);

}  // namespace jve::cli
