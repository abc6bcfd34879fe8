// The text form of a revocation entry (jve/revocation.h): one strict JSON
// object, the member of the Redis sorted set and the pub/sub message.
#include <cstdio>
#include <string>

#include "json/strict.h"
#include "jve/revocation.h"

namespace jve {

namespace {

enum Seen : unsigned { kJti = 1, kSub = 2, kKid = 4, kIss = 8, kBefore = 16, kExp = 32 };

bool read_string(simdjson::dom::element v, std::string& out, Status& st) {
  std::string_view s;
  if (v.get_string().get(s) != simdjson::SUCCESS) {
    st = Status::bad_json;
    return false;
  }
  if (s.size() > kMaxRevocationField) {
    st = Status::too_large;
    return false;
  }
  out.assign(s);
  return true;
}

bool read_int(simdjson::dom::element v, int64_t& out, Status& st) {
  if (v.get_int64().get(out) != simdjson::SUCCESS) {
    st = Status::bad_json;
    return false;
  }
  return true;
}

void append_escaped(std::string& out, std::string_view s) {
  out.push_back('"');
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", u);
      out.append(buf);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

}  // namespace

Status parse_revocation(std::string_view text, Revocation& out) noexcept {
  if (text.size() > kMaxRevocationText) return Status::too_large;
  try {
    // Resyncs parse every entry of the set: one parser per thread.
    thread_local json::StrictParser parser;
    thread_local simdjson::padded_string storage;
    json::Value root;
    if (Status st = json::parse_document(text, 1, parser, storage, root); st != Status::ok)
      return st;
    simdjson::dom::object obj;
    if (root.raw().get_object().get(obj) != simdjson::SUCCESS) return Status::bad_json;
    Revocation r;
    unsigned seen = 0;
    Status st = Status::ok;
    for (auto field : obj) {
      const std::string_view k = field.key;
      bool good = false;
      if (k == "jti") {
        seen |= kJti;
        good = read_string(field.value, r.value, st);
      } else if (k == "sub") {
        seen |= kSub;
        good = read_string(field.value, r.value, st);
      } else if (k == "kid") {
        seen |= kKid;
        good = read_string(field.value, r.value, st);
      } else if (k == "iss") {
        seen |= kIss;
        good = read_string(field.value, r.iss, st);
      } else if (k == "before") {
        seen |= kBefore;
        good = read_int(field.value, r.before, st);
      } else if (k == "exp") {
        seen |= kExp;
        good = read_int(field.value, r.expires_at, st);
      } else {
        st = Status::bad_json;  // unknown member: a newer writer's meaning we would miss
      }
      if (!good) return st;
    }
    const unsigned what = seen & (kJti | kSub | kKid);
    if (!(seen & kExp)) return Status::bad_json;
    if (what == kJti) {
      if (seen & kBefore) return Status::bad_json;
      r.kind = Revocation::Kind::jti;
    } else if (what == kSub || what == kKid || what == 0) {
      if (!(seen & kBefore)) return Status::bad_json;
      r.kind = what == kSub ? Revocation::Kind::subject : Revocation::Kind::key;
    } else {
      return Status::bad_json;  // two of jti, sub, kid
    }
    out = std::move(r);
    return Status::ok;
  } catch (...) {  // std::bad_alloc
    return Status::internal_error;
  }
}

std::string format_revocation(const Revocation& r) {
  std::string out = "{";
  switch (r.kind) {
    case Revocation::Kind::jti: out += "\"jti\":"; break;
    case Revocation::Kind::subject: out += "\"sub\":"; break;
    case Revocation::Kind::key: out += r.value.empty() ? "" : "\"kid\":"; break;
  }
  if (r.kind != Revocation::Kind::key || !r.value.empty()) {
    append_escaped(out, r.value);
    out += ",";
  }
  if (!r.iss.empty()) {
    out += "\"iss\":";
    append_escaped(out, r.iss);
    out += ",";
  }
  if (r.kind != Revocation::Kind::jti) out += "\"before\":" + std::to_string(r.before) + ",";
  out += "\"exp\":" + std::to_string(r.expires_at) + "}";
  return out;
}

}  // namespace jve
