// jve_consumer_cpp: verifies one token with the C++ API of an installed jve.
//
//   jve_consumer_cpp JWKS_FILE TOKEN [AUDIENCE]
//
// Prints "valid" and the main claims, or "invalid: <status>: <message>".
// Exit 0 valid, 1 invalid, 2 usage or key errors.
#include <jve/jve.hpp>

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

int main(int argc, char** argv) {
  if (argc < 3 || argc > 4) {
    std::fprintf(stderr, "usage: %s JWKS_FILE TOKEN [AUDIENCE]\n", argv[0]);
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  std::stringstream jwks;
  jwks << in.rdbuf();
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", argv[1]);
    return 2;
  }

  std::string why;
  auto keys = jve::KeySet::from_jwks(jwks.str(), &why);
  if (!keys.ok()) {
    std::fprintf(stderr, "bad JWKS: %s: %s\n", std::string(jve::to_string(keys.status())).c_str(),
                 why.c_str());
    return 2;
  }
  jve::Policy policy;
  if (argc == 4) policy.audiences = {argv[3]};
  auto store = std::make_shared<jve::KeyStore>(std::make_shared<const jve::KeySet>(std::move(*keys)));
  const jve::Verifier verifier(policy, store);

  jve::Scratch scratch;
  jve::Claims claims;
  const jve::Status s = verifier.verify(argv[2], scratch, claims);
  if (s != jve::Status::ok) {
    std::printf("invalid: %s: %s\n", std::string(jve::to_string(s)).c_str(),
                std::string(jve::message(s)).c_str());
    return 1;
  }
  std::printf("valid alg=%s", std::string(jve::alg_name(claims.header.alg)).c_str());
  if (claims.sub) std::printf(" sub=%.*s", static_cast<int>(claims.sub->size()), claims.sub->data());
  if (claims.iss) std::printf(" iss=%.*s", static_cast<int>(claims.iss->size()), claims.iss->data());
  if (claims.exp) std::printf(" exp=%.0f", *claims.exp);
  std::printf("\npayload %.*s\n", static_cast<int>(claims.json().size()), claims.json().data());
  return 0;
}
