// authz_test.cc: Requirement and authorize on the claim layouts of real
// identity providers (synthetic tokens, signed and verified for real), every
// failure branch, and the requirement document's errors.
#include "jve/authz.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <random>
#include <string>

#include "jve/jve.hpp"
#include "testkit.h"

namespace jve {
namespace {

using namespace jve::require;

constexpr int64_t kNow = 1'700'000'000;

Requirement compile_ok(const Rule& r) {
  std::string error;
  auto req = Requirement::compile(r, &error);
  EXPECT_TRUE(req.ok()) << error;
  return std::move(*req);
}

Requirement parse_ok(std::string_view doc) {
  std::string error;
  auto req = Requirement::from_json(doc, &error);
  EXPECT_TRUE(req.ok()) << error << "\n" << doc;
  return std::move(*req);
}

class Authz : public ::testing::Test {
 protected:
  void SetUp() override {
    key_ = testkit::generate_key(Alg::HS256, "k");
    auto set = KeySet::from_jwks(testkit::jwks({&key_}));
    ASSERT_TRUE(set.ok());
    Policy p;
    p.clock = [] { return kNow; };
    p.check_audience = false;
    verifier_ = std::make_unique<Verifier>(p, std::make_shared<const KeySet>(std::move(*set)));
  }
  // verify signs |claims_json| (members without braces, exp added) and
  // verifies it into claims_.
  void verify(const std::string& members) {
    const std::string payload = "{\"exp\":1700000100," + members + "}";
    const std::string token = testkit::sign(key_, testkit::header_json(Alg::HS256, "k"), payload);
    ASSERT_EQ(verifier_->verify(token, scratch_, claims_), Status::ok) << payload;
  }
  // check keeps a copy of |r| (sharing its compiled tree), since denial_'s
  // views point into it and callers pass temporaries.
  Status check(const Requirement& r, std::span<const RequestValue> values = {}) {
    denial_ = Denial{};
    last_ = r;
    return authorize(claims_, *last_, values, &denial_);
  }

  testkit::SigningKey key_ = testkit::generate_key(Alg::HS256);
  std::unique_ptr<Verifier> verifier_;
  Scratch scratch_;
  Claims claims_;
  Denial denial_;
  std::optional<Requirement> last_;
};

// ---- Token shapes of identity providers ------------------------------------

// Auth0: RBAC puts "permissions" (an array) in access tokens next to the
// "scope" string; custom claims must be namespaced by a URL.
TEST_F(Authz, Auth0PermissionsAndNamespacedClaims) {
  verify(
      "\"iss\":\"https://tenant.eu.auth0.com/\",\"sub\":\"auth0|65a1\",\"aud\":[\"https://api\"],"
      "\"scope\":\"openid profile read:orders\",\"permissions\":[\"read:orders\",\"write:orders\"],"
      "\"https://example.com/roles\":[\"editor\"],\"https://example.com/org\":\"org_42\"");
  EXPECT_EQ(check(compile_ok(scopes({"read:orders"}))), Status::ok);
  EXPECT_EQ(check(compile_ok(claim("/permissions").contains("write:orders"))), Status::ok);
  EXPECT_EQ(check(compile_ok(claim("/https:~1~1example.com~1roles").contains("editor"))), Status::ok);
  EXPECT_EQ(check(compile_ok(claim(member_pointer("https://example.com/org")).equals("org_42"))), Status::ok);
  // Permissions are not scopes unless the requirement reads them as such.
  EXPECT_EQ(check(compile_ok(scopes({"write:orders"}))), Status::insufficient_scope);
  EXPECT_EQ(denial_.message, "scope \"write:orders\" is not granted");
  EXPECT_EQ(denial_.scope, "write:orders");
  EXPECT_EQ(check(compile_ok(scopes({"write:orders"}, {"/scope", "/permissions"}))), Status::ok);
  EXPECT_EQ(check(compile_ok(claim("/https:~1~1example.com~1roles").contains("admin"))), Status::forbidden);
  EXPECT_EQ(denial_.message, "claim \"/https:~1~1example.com~1roles\" does not contain \"admin\"");
  EXPECT_EQ(denial_.scope, "");
}

// Okta: "scp" is an array of scopes; groups in a "groups" array.
TEST_F(Authz, OktaScpArray) {
  verify("\"iss\":\"https://dev-1.okta.com/oauth2/default\",\"cid\":\"0oa1\",\"uid\":\"00u1\","
         "\"scp\":[\"openid\",\"orders.read\"],\"groups\":[\"Everyone\",\"Admins\"]");
  EXPECT_EQ(check(compile_ok(scopes({"orders.read", "openid"}))), Status::ok);
  EXPECT_EQ(check(compile_ok(scopes({"orders.read", "orders.write"}))), Status::insufficient_scope);
  EXPECT_EQ(denial_.message, "scope \"orders.write\" is not granted");
  EXPECT_EQ(denial_.scope, "orders.read orders.write");
  EXPECT_EQ(check(compile_ok(claim("/groups").contains("Admins"))), Status::ok);
  // A scope is a whole entry, never a prefix or a substring.
  EXPECT_EQ(check(compile_ok(scopes({"orders"}))), Status::insufficient_scope);
  EXPECT_EQ(check(compile_ok(scopes({"orders.rea"}))), Status::insufficient_scope);
}

// Azure AD (v2): "scp" is a space-delimited string in delegated tokens,
// "roles" an array in application tokens; "tid" the tenant.
TEST_F(Authz, AzureAdScpStringAndRoles) {
  verify("\"iss\":\"https://login.microsoftonline.com/72f9/v2.0\",\"tid\":\"72f9\",\"oid\":\"a1\","
         "\"scp\":\"User.Read Mail.Send\",\"roles\":[\"Orders.ReadWrite.All\"],\"ver\":\"2.0\"");
  EXPECT_EQ(check(compile_ok(scopes({"Mail.Send", "User.Read"}))), Status::ok);
  EXPECT_EQ(check(compile_ok(scopes({"Mail.Read"}))), Status::insufficient_scope);
  EXPECT_EQ(check(compile_ok(scopes({"User"}))), Status::insufficient_scope);
  EXPECT_EQ(check(compile_ok(claim("/roles").contains("Orders.ReadWrite.All"))), Status::ok);
  const RequestValue tenant[] = {{"tenant", "72f9"}};
  EXPECT_EQ(check(compile_ok(claim("/tid").equals_request("tenant")), tenant), Status::ok);
  const RequestValue other[] = {{"tenant", "0000"}};
  EXPECT_EQ(check(compile_ok(claim("/tid").equals_request("tenant")), other), Status::forbidden);
  EXPECT_EQ(denial_.message, "claim \"/tid\" does not equal request value \"tenant\"");
}

// Keycloak: realm roles in realm_access.roles, client roles under
// resource_access.<client>.roles (client ids may hold '-' and '/').
TEST_F(Authz, KeycloakRealmAndResourceAccess) {
  verify("\"iss\":\"https://kc/realms/acme\",\"azp\":\"web\",\"scope\":\"openid email\","
         "\"realm_access\":{\"roles\":[\"offline_access\",\"user\"]},"
         "\"resource_access\":{\"my-client\":{\"roles\":[\"orders-admin\"]},"
         "\"a/b\":{\"roles\":[\"x\"]}},\"preferred_username\":\"ann\"");
  EXPECT_EQ(check(compile_ok(claim("/realm_access/roles").contains("user"))), Status::ok);
  EXPECT_EQ(check(compile_ok(claim("/resource_access/my-client/roles").contains("orders-admin"))),
            Status::ok);
  EXPECT_EQ(check(compile_ok(claim("/resource_access/a~1b/roles").contains("x"))), Status::ok);
  EXPECT_EQ(check(compile_ok(claim("/resource_access/my-client/roles/0").equals("orders-admin"))),
            Status::ok);
  EXPECT_EQ(check(compile_ok(claim("/resource_access/other/roles").contains("orders-admin"))),
            Status::forbidden);
  EXPECT_EQ(check(compile_ok(claim("/realm_access/roles").contains("admin"))), Status::forbidden);
  // A path through a scalar or past the end of an array is not satisfied.
  EXPECT_EQ(check(compile_ok(claim("/preferred_username/x").equals("ann"))), Status::forbidden);
  EXPECT_EQ(check(compile_ok(claim("/realm_access/roles/2").equals("user"))), Status::forbidden);
  EXPECT_EQ(check(compile_ok(claim("/realm_access/roles/-").equals("user"))), Status::forbidden);
  EXPECT_EQ(check(compile_ok(claim("/realm_access/roles/01").equals("user"))), Status::forbidden);
  EXPECT_EQ(check(compile_ok(scopes({"email"}))), Status::ok);
}

// Cognito: "cognito:groups" array, "scope" string, "client_id".
TEST_F(Authz, CognitoGroupsAndScope) {
  verify("\"iss\":\"https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_X\",\"token_use\":\"access\","
         "\"client_id\":\"c1\",\"scope\":\"aws.cognito.signin.user.admin orders/read\","
         "\"cognito:groups\":[\"admins\"],\"username\":\"u\"");
  EXPECT_EQ(check(compile_ok(all_of({scopes({"orders/read"}), claim("/cognito:groups").contains("admins"),
                                     claim("/token_use").equals("access")}))),
            Status::ok);
  EXPECT_EQ(check(compile_ok(claim(member_pointer("cognito:groups")).contains("devs"))), Status::forbidden);
  EXPECT_EQ(check(compile_ok(claim("/token_use").equals("id"))), Status::forbidden);
  EXPECT_EQ(denial_.message, "claim \"/token_use\" does not equal \"id\"");
}

// Multi-tenant: tenantId bound to the URL, roles and permissions.
TEST_F(Authz, MultiTenantLayout) {
  verify("\"sub\":\"u1\",\"tenantId\":\"acme\",\"tenants\":[\"acme\",\"globex\"],\"roles\":[\"member\"],"
         "\"permissions\":[\"invoice:read\"],\"level\":3,\"mfa\":true,\"scope\":\"api\"");
  const Requirement req = parse_ok(R"({"all_of":[
      {"scopes":["api"]},
      {"claim":"/tenantId","equals_request":"tenant"},
      {"any_of":[{"claim":"/roles","contains":"admin"},
                 {"claim":"/permissions","contains":"invoice:read"}]},
      {"claim":"/level","equals":3},
      {"claim":"/mfa","equals":true}]})");
  const RequestValue acme[] = {{"tenant", "acme"}};
  const RequestValue globex[] = {{"tenant", "globex"}};
  EXPECT_EQ(check(req, acme), Status::ok);
  EXPECT_EQ(check(req, globex), Status::forbidden);
  EXPECT_EQ(denial_.message, "claim \"/tenantId\" does not equal request value \"tenant\"");
  // Membership in a list of tenants.
  EXPECT_EQ(check(compile_ok(claim("/tenants").contains_request("tenant")), globex), Status::ok);
  const RequestValue initech[] = {{"path", "/x"}, {"tenant", "initech"}};
  EXPECT_EQ(check(compile_ok(claim("/tenants").contains_request("tenant")), initech), Status::forbidden);
  EXPECT_EQ(denial_.message, "claim \"/tenants\" does not contain request value \"tenant\"");
  // The request value was not supplied.
  EXPECT_EQ(check(req), Status::forbidden);
  EXPECT_EQ(denial_.message, "request value \"tenant\" was not supplied (claim \"/tenantId\")");
}

// ---- Every failure branch ---------------------------------------------------

TEST_F(Authz, TypeMismatchesDoNotSatisfy) {
  verify("\"s\":\"1\",\"i\":1,\"f\":1.0,\"b\":true,\"bs\":\"true\",\"n\":null,\"o\":{\"a\":1},"
         "\"big\":18446744073709551615,\"arr\":[1,\"2\",false]");
  EXPECT_EQ(check(compile_ok(claim("/s").equals(1))), Status::forbidden);
  EXPECT_EQ(check(compile_ok(claim("/i").equals("1"))), Status::forbidden);
  EXPECT_EQ(check(compile_ok(claim("/i").equals(1))), Status::ok);
  EXPECT_EQ(check(compile_ok(claim("/i").equals(true))), Status::forbidden);
  EXPECT_EQ(check(compile_ok(claim("/f").equals(1))), Status::forbidden);  // 1.0 is not an integer
  EXPECT_EQ(check(compile_ok(claim("/b").equals(true))), Status::ok);
  EXPECT_EQ(check(compile_ok(claim("/b").equals("true"))), Status::forbidden);
  EXPECT_EQ(check(compile_ok(claim("/bs").equals(true))), Status::forbidden);
  EXPECT_EQ(check(compile_ok(claim("/n").equals(false))), Status::forbidden);
  EXPECT_EQ(check(compile_ok(claim("/o").equals("a"))), Status::forbidden);
  EXPECT_EQ(check(compile_ok(claim("/big").equals(int64_t{-1}))), Status::forbidden);
  EXPECT_EQ(check(compile_ok(claim("/arr").contains(1))), Status::ok);
  EXPECT_EQ(check(compile_ok(claim("/arr").contains("2"))), Status::ok);
  EXPECT_EQ(check(compile_ok(claim("/arr").contains(false))), Status::ok);
  EXPECT_EQ(check(compile_ok(claim("/arr").contains(2))), Status::forbidden);
  EXPECT_EQ(check(compile_ok(claim("/arr").contains("1"))), Status::forbidden);
  // equals never looks inside an array; contains accepts the scalar itself.
  EXPECT_EQ(check(compile_ok(claim("/arr").equals(1))), Status::forbidden);
  EXPECT_EQ(check(compile_ok(claim("/s").contains("1"))), Status::ok);
  // A request binding needs a string claim.
  const RequestValue one[] = {{"v", "1"}};
  EXPECT_EQ(check(compile_ok(claim("/i").equals_request("v")), one), Status::forbidden);
  EXPECT_EQ(check(compile_ok(claim("/s").equals_request("v")), one), Status::ok);
  EXPECT_EQ(check(compile_ok(claim("/arr").contains_request("v")), one), Status::forbidden);
  // Absent claims.
  EXPECT_EQ(check(compile_ok(claim("/missing").equals("x"))), Status::forbidden);
  EXPECT_EQ(check(compile_ok(claim("/missing").contains_request("v")), one), Status::forbidden);
}

TEST_F(Authz, ScopeClaimsOfOtherShapesGrantNothing) {
  verify("\"scope\":[\"a\",1],\"scp\":{\"a\":true},\"x\":\"a  b \",\"n\":5");
  EXPECT_EQ(check(compile_ok(scopes({"a"}, {"/scope"}))), Status::ok);
  EXPECT_EQ(check(compile_ok(scopes({"a"}, {"/scp"}))), Status::insufficient_scope);
  EXPECT_EQ(check(compile_ok(scopes({"a", "b"}, {"/x"}))), Status::ok);  // runs of spaces
  EXPECT_EQ(check(compile_ok(scopes({"5"}, {"/n"}))), Status::insufficient_scope);
  EXPECT_EQ(check(compile_ok(scopes({"a"}, {"/missing"}))), Status::insufficient_scope);
}

TEST_F(Authz, NoScopeClaimAtAllIsInsufficientScope) {
  verify("\"sub\":\"u\"");
  EXPECT_EQ(check(compile_ok(scopes({"read"}))), Status::insufficient_scope);
  EXPECT_EQ(denial_.scope, "read");
}

TEST_F(Authz, AllOfReportsItsFirstFailure) {
  verify("\"scope\":\"a\",\"role\":\"x\"");
  const Requirement r = compile_ok(all_of({claim("/role").equals("y"), scopes({"b"})}));
  EXPECT_EQ(check(r), Status::forbidden);
  EXPECT_EQ(denial_.message, "claim \"/role\" does not equal \"y\"");
  const Requirement r2 = compile_ok(all_of({scopes({"a", "b"}), claim("/role").equals("y")}));
  EXPECT_EQ(check(r2), Status::insufficient_scope);
  EXPECT_EQ(denial_.message, "scope \"b\" is not granted");
  EXPECT_EQ(check(compile_ok(all_of({}))), Status::ok);
}

TEST_F(Authz, AnyOfIsInsufficientScopeOnlyWhenEveryAlternativeLacksScope) {
  verify("\"scope\":\"a\",\"role\":\"x\"");
  EXPECT_EQ(check(compile_ok(any_of({scopes({"b"}), scopes({"c"})}))), Status::insufficient_scope);
  EXPECT_EQ(denial_.message, "no alternative holds: any_of(scopes(b), scopes(c))");
  EXPECT_EQ(denial_.scope, "b");
  EXPECT_EQ(check(compile_ok(any_of({scopes({"b"}), claim("/role").equals("y")}))), Status::forbidden);
  EXPECT_EQ(denial_.scope, "");
  EXPECT_EQ(check(compile_ok(any_of({scopes({"b"}), claim("/role").equals("x")}))), Status::ok);
  // Nested.
  EXPECT_EQ(check(compile_ok(any_of({all_of({scopes({"a"}), claim("/role").equals("y")}),
                                     all_of({claim("/role").equals("x"), scopes({"a"})})}))),
            Status::ok);
}

TEST_F(Authz, DenialIsOptional) {
  verify("\"scope\":\"a\"");
  EXPECT_EQ(authorize(claims_, compile_ok(scopes({"b"}))), Status::insufficient_scope);
  EXPECT_EQ(authorize(claims_, compile_ok(scopes({"a"}))), Status::ok);
}

TEST_F(Authz, UnverifiedClaimsSatisfyNothing) {
  const Requirement open = compile_ok(all_of({}));
  Claims empty;
  EXPECT_EQ(authorize(empty, open, {}, &denial_), Status::forbidden);
  EXPECT_EQ(denial_.message, "the claims are not those of a verified token");
  EXPECT_EQ(verifier_->verify("x.y.z", scratch_, claims_), Status::bad_base64);
  EXPECT_EQ(check(open), Status::forbidden);
}

TEST_F(Authz, MessagesEscapeValues) {
  verify("\"a\":\"x\"");
  EXPECT_EQ(check(compile_ok(claim("/a").equals("evil\r\nSet-Cookie: \"x\""))), Status::forbidden);
  EXPECT_EQ(denial_.message, "claim \"/a\" does not equal \"evil\\u000d\\u000aSet-Cookie: \\\"x\\\"\"");
}

TEST(Requirement, DescribesItself) {
  auto r = Requirement::compile(all_of({scopes({"a", "b"}), claim("/t").equals_request("tenant"),
                                        any_of({claim("/r").contains("x"), claim("/n").equals(2)})}));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->describe(),
            "all_of(scopes(a b), \"/t\" equals request value \"tenant\", any_of(\"/r\" contains \"x\", "
            "\"/n\" equals 2))");
  EXPECT_EQ(member_pointer("a/b~c"), "/a~1b~0c");
}

// ---- Compile and document errors name the place ----------------------------

struct BadDocument {
  const char* doc;
  Status status;
  const char* error;  // a substring of the message
};

TEST(RequirementDocument, RefusesWithThePlace) {
  const BadDocument cases[] = {
      {"", Status::bad_json, "requirement document: bad_json"},
      {"{\"scopes\":[\"a\"],}", Status::bad_json, "requirement document: bad_json"},
      {"\xEF\xBB\xBF{\"scopes\":[\"a\"]}", Status::bad_json, "bad_json"},
      {"{\"scopes\":[\"a\"],\"scopes\":[\"b\"]}", Status::duplicate_member, "duplicate_member"},
      {"[]", Status::bad_json, "at the root: expected an object"},
      {"{}", Status::bad_json, "at the root: no \"scopes\", \"claim\", \"all_of\" or \"any_of\""},
      {"{\"scopes\":[\"a\"],\"claim\":\"/x\"}", Status::bad_json, "one kind per object"},
      {"{\"scopes\":\"a\"}", Status::bad_json, "at /scopes: expected an array of strings"},
      {"{\"scopes\":[\"a\",1]}", Status::bad_json, "at /scopes/1: expected a string"},
      {"{\"scopes\":[]}", Status::bad_json, "at /scopes: no scopes listed"},
      {"{\"scopes\":[\"a b\"]}", Status::bad_json, "at /scopes/0: scope \"a b\" is not a scope-token"},
      {"{\"scopes\":[\"a\\\"\"]}", Status::bad_json, "at /scopes/0"},
      {"{\"scopes\":[\"a\"],\"scope_claims\":[]}", Status::bad_json, "at /scope_claims: no claims"},
      {"{\"scopes\":[\"a\"],\"scope_claims\":[\"scope\"]}", Status::bad_json,
       "at /scope_claims/0: JSON pointer \"scope\" does not start with '/'"},
      {"{\"scopes\":[\"a\"],\"scope_claims\":[\"/1\",\"/2\",\"/3\",\"/4\",\"/5\",\"/6\",\"/7\",\"/8\",\"/9\"]}",
       Status::bad_json, "at /scope_claims: more than 8"},
      {"{\"scopes\":[\"a\"],\"scope\":[\"b\"]}", Status::bad_json,
       "at /scope: unknown member \"scope\" in a \"scopes\" requirement"},
      {"{\"claim\":\"/x\"}", Status::bad_json, "at the root: a \"claim\" needs one of"},
      {"{\"claim\":\"/x\",\"equals\":1,\"contains\":1}", Status::bad_json, "one operator per claim"},
      {"{\"claim\":\"/x\",\"equal\":1}", Status::bad_json, "at /equal: unknown member \"equal\""},
      {"{\"claim\":5,\"equals\":1}", Status::bad_json, "at /claim: expected a string"},
      {"{\"claim\":\"x\",\"equals\":1}", Status::bad_json, "at /claim: JSON pointer \"x\" does not start"},
      {"{\"claim\":\"\",\"equals\":1}", Status::bad_json, "at /claim: JSON pointer \"\" does not start"},
      {"{\"claim\":\"/a~2\",\"equals\":1}", Status::bad_json, "'~' not followed by 0 or 1"},
      {"{\"claim\":\"/a~\",\"equals\":1}", Status::bad_json, "'~' not followed by 0 or 1"},
      {"{\"claim\":\"/x\",\"equals\":1.5}", Status::bad_json,
       "at /equals: expected a string, an integer (int64) or a boolean"},
      {"{\"claim\":\"/x\",\"equals\":null}", Status::bad_json, "at /equals: expected a string"},
      {"{\"claim\":\"/x\",\"contains\":[1]}", Status::bad_json, "at /contains: expected a string"},
      {"{\"claim\":\"/x\",\"equals_request\":1}", Status::bad_json, "at /equals_request: expected a string"},
      {"{\"claim\":\"/x\",\"equals_request\":\"\"}", Status::bad_json, "at /equals_request: empty request"},
      {"{\"all_of\":{}}", Status::bad_json, "at /all_of: expected an array of requirements"},
      {"{\"all_of\":[{\"scopes\":[\"a\"]},{\"claim\":\"/x\",\"equals\":{}}]}", Status::bad_json,
       "at /all_of/1/equals: expected"},
      {"{\"any_of\":[]}", Status::bad_json, "at /any_of: an empty any_of never holds"},
      {"{\"any_of\":[{\"all_of\":[3]}]}", Status::bad_json, "at /any_of/0/all_of/0: expected an object"},
  };
  for (const BadDocument& c : cases) {
    std::string error;
    auto r = Requirement::from_json(c.doc, &error);
    ASSERT_FALSE(r.ok()) << c.doc;
    EXPECT_EQ(r.status(), c.status) << c.doc;
    EXPECT_NE(error.find(c.error), std::string::npos) << c.doc << "\n  got: " << error;
  }
}

TEST(RequirementDocument, RefusesDeepNesting) {
  auto nest = [](int levels) {
    std::string d;
    for (int i = 0; i < levels; ++i) d += "{\"all_of\":[";
    d += "{\"scopes\":[\"a\"]}";
    for (int i = 0; i < levels; ++i) d += "]}";
    return d;
  };
  std::string error;
  EXPECT_TRUE(Requirement::from_json(nest(Requirement::kMaxDepth), &error).ok()) << error;
  auto r = Requirement::from_json(nest(Requirement::kMaxDepth + 1), &error);
  EXPECT_EQ(r.status(), Status::too_deep);
  EXPECT_NE(error.find("nested deeper than 32"), std::string::npos) << error;
  r = Requirement::from_json(nest(5000), &error);
  EXPECT_EQ(r.status(), Status::too_deep);
  // The builder has the same limit.
  Rule rule = scopes({"a"});
  for (uint32_t i = 0; i <= Requirement::kMaxDepth; ++i) rule = any_of({rule});
  EXPECT_EQ(Requirement::compile(rule, &error).status(), Status::too_deep);
}

TEST(RequirementCompile, NamesThePlaceInTheBuilderTree) {
  std::string error;
  auto r = Requirement::compile(all_of({scopes({"a"}), any_of({claim("nope").equals(1)})}), &error);
  EXPECT_EQ(r.status(), Status::bad_json);
  EXPECT_EQ(error,
            "requirement at /all_of/1/any_of/0/claim: JSON pointer \"nope\" does not start with '/' (RFC 6901)");
  EXPECT_EQ(Requirement::compile(scopes({}), &error).status(), Status::bad_json);
  EXPECT_EQ(Requirement::compile(claim("/x").equals_request(""), &error).status(), Status::bad_json);
  EXPECT_EQ(Requirement::compile(any_of({})).status(), Status::bad_json);  // error optional
}

TEST(RequirementDocument, AcceptsEveryKind) {
  const char* doc = R"({"any_of":[
      {"scopes":["a","b"],"scope_claims":["/scope","/scp","/permissions"]},
      {"claim":"/x","equals":"s"},{"claim":"/x","equals":-5},{"claim":"/x","equals":false},
      {"claim":"/x","contains":"s"},{"claim":"/x","contains":9223372036854775807},
      {"claim":"/x","equals_request":"r"},{"claim":"/x","contains_request":"r"},
      {"all_of":[]}]})";
  std::string error;
  auto r = Requirement::from_json(doc, &error);
  ASSERT_TRUE(r.ok()) << error;
  EXPECT_NE(r->describe().find("\"/x\" equals -5"), std::string_view::npos);
}

TEST(Requirement, CopiesShareTheCompiledTree) {
  auto r = Requirement::compile(scopes({"a"}));
  ASSERT_TRUE(r.ok());
  const Requirement copy = *r;
  EXPECT_EQ(copy.describe().data(), r->describe().data());
}

// The scope string is split eight bytes at a time: tokens of every length
// (short, 9-16 bytes compared as two packed words, longer by memcmp) at
// every offset, with runs of spaces, against a plain split.
TEST_F(Authz, ScopeSplittingAgreesWithAPlainSplit) {
  std::mt19937 rng(1234);
  const std::string alphabet = "abc:/._-XYZ0123456789";
  auto word = [&](size_t len) {
    std::string w;
    for (size_t i = 0; i < len; ++i) w += alphabet[rng() % alphabet.size()];
    return w;
  };
  for (int round = 0; round < 300; ++round) {
    std::vector<std::string> granted;
    std::string scope(rng() % 3, ' ');
    const size_t count = rng() % 9;
    for (size_t i = 0; i < count; ++i) {
      granted.push_back(word(1 + rng() % 24));
      scope += granted.back() + std::string(1 + rng() % 3, ' ');
    }
    if (!scope.empty() && rng() % 2) scope.pop_back();
    // Wanted: some granted tokens, and near misses (one byte changed, one
    // byte longer or shorter) that must not be granted.
    std::vector<std::string> wanted;
    std::vector<bool> expect;
    for (const std::string& g : granted) {
      wanted.push_back(g);
      expect.push_back(true);
      std::string changed = g;
      changed[rng() % changed.size()] = '!';  // not in the alphabet
      wanted.push_back(changed);
      expect.push_back(false);
      wanted.push_back(g + "x");
      expect.push_back(std::find(granted.begin(), granted.end(), g + "x") != granted.end());
    }
    verify("\"scope\":\"" + scope + "\"");
    for (size_t i = 0; i < wanted.size(); ++i) {
      auto r = Requirement::compile(scopes({wanted[i]}));
      ASSERT_TRUE(r.ok()) << wanted[i];
      EXPECT_EQ(check(*r), expect[i] ? Status::ok : Status::insufficient_scope)
          << "scope \"" << scope << "\" wanted \"" << wanted[i] << "\"";
    }
  }
}

// A payload with more top-level members than the strict parser indexes
// (StrictParser::kIndexedMembers) is read by walking the object instead.
TEST_F(Authz, PayloadsWithManyMembersAreReadToo) {
  // verify() adds exp: 3 + count members, across the index's bound.
  for (int count : {10, 12, 13, 14, 40}) {
    std::string members = "\"scope\":\"a b\"";
    for (int i = 0; i < count; ++i) members += ",\"m" + std::to_string(i) + "\":" + std::to_string(i);
    members += ",\"last_member_with_a_long_name\":\"x\"";
    verify(members);
    const std::string last = "/m" + std::to_string(count - 1);
    EXPECT_EQ(check(*Requirement::compile(all_of({scopes({"b"}), claim("/last_member_with_a_long_name").equals("x"),
                                                   claim(last).equals(count - 1)}))),
              Status::ok) << count;
    EXPECT_EQ(check(*Requirement::compile(claim("/last_member_with_a_long_nam").equals("x"))), Status::forbidden);
    EXPECT_EQ(check(*Requirement::compile(claim(last).equals(count))), Status::forbidden) << count;
  }
}

}  // namespace
}  // namespace jve

// ---- ClaimPath / append_claim_text: passing claims on ----------------------

namespace jve {
namespace {

class ClaimText : public Authz {
 protected:
  // text returns the claim at |pointer| as append_claim_text writes it after
  // "pre:", or "absent" when it writes nothing.
  std::string text(std::string_view pointer) {
    auto path = ClaimPath::parse(pointer);
    EXPECT_TRUE(path.ok()) << pointer;
    if (!path.ok()) return "bad pointer";
    std::string out = "pre:";
    if (!append_claim_text(claims_, *path, out)) return out == "pre:" ? "absent" : "wrote on failure: " + out;
    return out;
  }
};

TEST_F(ClaimText, ScalarsArraysAndNestedPaths) {
  verify("\"s\":\"acme\",\"i\":-42,\"u\":18446744073709551615,\"f\":1.5,\"t\":true,\"b\":false,"
         "\"n\":null,\"o\":{\"roles\":[\"a\",\"b\"],\"id\":7},\"a\":[\"x\",2,true],\"e\":[],"
         "\"mixed\":[\"x\",{\"y\":1}],\"https://example.com/roles\":[\"admin\"],\"nested\":[[1]]");
  EXPECT_EQ(text("/s"), "pre:acme");
  EXPECT_EQ(text("/i"), "pre:-42");
  EXPECT_EQ(text("/u"), "pre:18446744073709551615");
  EXPECT_EQ(text("/f"), "pre:1.5");
  EXPECT_EQ(text("/t"), "pre:true");
  EXPECT_EQ(text("/b"), "pre:false");
  EXPECT_EQ(text("/o/roles"), "pre:a,b");
  EXPECT_EQ(text("/o/roles/1"), "pre:b");
  EXPECT_EQ(text("/o/id"), "pre:7");
  EXPECT_EQ(text("/a"), "pre:x,2,true");
  EXPECT_EQ(text("/e"), "pre:");  // an empty array: nothing to join
  EXPECT_EQ(text("/https:~1~1example.com~1roles"), "pre:admin");
  EXPECT_EQ(text("/exp"), "pre:1700000100");
  // Nothing is written for what has no one-line text.
  EXPECT_EQ(text("/n"), "absent");
  EXPECT_EQ(text("/o"), "absent");
  EXPECT_EQ(text("/mixed"), "absent");
  EXPECT_EQ(text("/nested"), "absent");
  EXPECT_EQ(text("/missing"), "absent");
  EXPECT_EQ(text("/o/roles/2"), "absent");
  EXPECT_EQ(text("/s/x"), "absent");
}

TEST_F(ClaimText, UnverifiedClaimsGiveNothing) {
  verify("\"s\":\"acme\"");
  EXPECT_EQ(verifier_->verify("x.y.z", scratch_, claims_), Status::bad_base64);
  EXPECT_EQ(text("/s"), "absent");
}

TEST(ClaimPathParse, RefusesWhatIsNotRfc6901) {
  for (std::string_view bad : {"", "s", "/a~2", "/a~"}) {
    std::string error;
    auto p = ClaimPath::parse(bad, &error);
    EXPECT_FALSE(p.ok()) << bad;
    EXPECT_EQ(p.status(), Status::bad_json) << bad;
    EXPECT_NE(error.find("JSON pointer"), std::string::npos) << error;
  }
  auto p = ClaimPath::parse("/a~1b~0c");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->text(), "/a~1b~0c");
}

}  // namespace
}  // namespace jve
