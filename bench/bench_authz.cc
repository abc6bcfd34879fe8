// bench_authz.cc: authorization on verified claims (jve/authz.h).
//
//   BM_Authorize/<case>          authorize alone, on the claims of the
//                                realistic HS256 token (scope "openid profile
//                                email api:read api:write", roles, tenant).
//   BM_Verify/HS256/authorized   verify, then authorize two scopes and a
//                                tenant binding: compare with BM_Verify/HS256
//                                in the same run (same binary) for what
//                                authorization adds.
//   BM_Verify/HS256/authorized_any   the same with an empty all_of (no claim
//                                read): the fixed cost of calling authorize.
#include "bench_util.h"

#include "jve/authz.h"
#include "jve/jve.hpp"

namespace jve::bench {
namespace {

using namespace jve::require;

// The request value the tenant binding compares with.
const RequestValue kValues[] = {{"path", "/tenants/eu-west-1/invoices"}, {"region", "eu-west-1"}};

Rule two_scopes_and_tenant() {
  return all_of({scopes({"api:read", "api:write"}), claim("/tenant/region").equals_request("region")});
}

struct Case {
  const char* name;
  Rule rule;
  Status expected;
};

const std::vector<Case>& cases() {
  static const std::vector<Case> kCases = {
      {"two_scopes_tenant", two_scopes_and_tenant(), Status::ok},
      {"one_scope", scopes({"api:read"}), Status::ok},
      {"missing_scope", scopes({"api:admin"}), Status::insufficient_scope},
      {"role_contains", claim("/roles").contains("billing"), Status::ok},
      {"nested_int_equals", claim("/tenant/id").equals(4711), Status::ok},
      {"any_of_third", any_of({claim("/roles").contains("admin"), scopes({"api:admin"}),
                               all_of({scopes({"email"}), claim("/client_id").equals("web-frontend")})}),
       Status::ok},
      {"forbidden_binding", claim("/tenant/region").equals_request("path"), Status::forbidden},
  };
  return kCases;
}

Requirement compile_or_die(const Rule& rule) {
  std::string error;
  auto r = Requirement::compile(rule, &error);
  if (!r.ok()) throw std::runtime_error(error);
  return *r;
}

void BM_Authorize(benchmark::State& state, const Case* c) {
  const AlgFixture& f = fixture(Alg::HS256);
  const Requirement req = compile_or_die(c->rule);
  Scratch scratch;
  Claims claims;
  if (f.verifier->verify(f.token, scratch, claims) != Status::ok ||
      authorize(claims, req, kValues) != c->expected) {
    state.SkipWithError("authorize: unexpected result");
    return;
  }
  size_t failures = 0;
  const uint64_t allocs_before = thread_new_calls();
  Denial denial;
  for (auto _ : state) {
    benchmark::DoNotOptimize(claims);
    Status s = authorize(claims, req, kValues, &denial);
    benchmark::DoNotOptimize(s);
    benchmark::DoNotOptimize(denial);
    failures += s != c->expected;
  }
  set_alloc_counter(state, allocs_before);
  if (failures != 0) state.SkipWithError("authorize changed its answer inside the loop");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

// BM_Verify/HS256/authorized: the loop of run_verify (bench_util.h) plus
// authorize, so that the difference to BM_Verify/HS256 is authorization.
void BM_VerifyAuthorized(benchmark::State& state, const Rule* rule) {
  const AlgFixture& f = fixture(Alg::HS256);
  const Requirement req = compile_or_die(*rule);
  Scratch scratch;
  Claims claims;
  if (f.verifier->verify(f.token, scratch, claims) != Status::ok ||
      authorize(claims, req, kValues) != Status::ok) {
    state.SkipWithError("verify + authorize: unexpected result");
    return;
  }
  set_kernel_label(state);
  std::string_view token = f.token;
  size_t failures = 0;
  const uint64_t allocs_before = thread_new_calls();
  for (auto _ : state) {
    benchmark::DoNotOptimize(token);
    Status s = f.verifier->verify(token, scratch, claims);
    if (s == Status::ok) s = authorize(claims, req, kValues);
    benchmark::DoNotOptimize(s);
    failures += s != Status::ok;
    benchmark::DoNotOptimize(claims);
  }
  set_alloc_counter(state, allocs_before);
  if (failures != 0) state.SkipWithError("verify + authorize failed inside the loop");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * token.size()));
}

[[maybe_unused]] const bool kRegistered = [] {
  for (const Case& c : cases())
    benchmark::RegisterBenchmark((std::string("BM_Authorize/") + c.name).c_str(), BM_Authorize, &c);
  static const Rule kTwoScopesAndTenant = two_scopes_and_tenant();
  benchmark::RegisterBenchmark("BM_Verify/HS256/authorized", BM_VerifyAuthorized, &kTwoScopesAndTenant);
  // The fixed part: an empty all_of (any verified token) reads no claim.
  static const Rule kAnyToken = all_of({});
  benchmark::RegisterBenchmark("BM_Verify/HS256/authorized_any", BM_VerifyAuthorized, &kAnyToken);
  return true;
}();

}  // namespace
}  // namespace jve::bench
