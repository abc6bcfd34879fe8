// jve/claims.h: views of a verified token.
//
// WARNING: every string_view here points into the Scratch that verified the
// token (or into the token itself) and is valid until that Scratch verifies
// another token or is destroyed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "jve/alg.h"

namespace jve {

namespace detail {
struct ClaimsSource;
struct ClaimsAccess;
}  // namespace detail

// Header is the JOSE header of a verified token.
struct Header {
  Alg alg = Alg::HS256;
  std::optional<std::string_view> kid;
  std::optional<std::string_view> typ;
  std::optional<std::string_view> cty;
  std::string_view json;  // the decoded header JSON
};

enum class ClaimType : uint8_t { absent, string, number, boolean, null, array, object };

class Claims {
 public:
  Header header;

  // Registered claims, already type-checked by the verifier.
  std::optional<double> exp, nbf, iat;
  std::optional<std::string_view> iss, sub, jti;

  // aud: a string counts as one entry.
  size_t audience_count() const noexcept;
  std::string_view audience(size_t i) const noexcept;

  // The decoded payload JSON, exactly as signed.
  std::string_view json() const noexcept { return json_; }

  // Any claim by name. Each returns nullopt when the claim is absent or of
  // another type. Never allocates.
  ClaimType type(std::string_view name) const noexcept;
  std::optional<std::string_view> get_string(std::string_view name) const noexcept;
  std::optional<double> get_number(std::string_view name) const noexcept;
  std::optional<int64_t> get_int(std::string_view name) const noexcept;  // integral only
  std::optional<bool> get_bool(std::string_view name) const noexcept;

  // get_json writes the claim's value as minified JSON; false when absent.
  // Allocates (it builds a string); meant for the cold path.
  bool get_json(std::string_view name, std::string& out) const;

 private:
  friend struct detail::ClaimsAccess;
  const detail::ClaimsSource* source_ = nullptr;  // set by a successful verify
  std::string_view json_;
};

// Jws is what verify_jws returns: a JWS whose payload need not be JSON.
struct Jws {
  Header header;
  std::string_view payload;  // decoded payload bytes
};

}  // namespace jve
