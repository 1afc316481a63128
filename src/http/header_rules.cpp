#include "smart_router/http/header_rules.hpp"

#include <array>
#include <charconv>

namespace smart_router::http {
namespace {

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals_ascii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Calls fn(value) for each value of field `id` until fn returns true. Beast keeps repeated
// fields next to each other; FlatFields keeps arrival order, so every field is looked at.
template <typename Fn>
void for_each_value(const bhttp::fields& fields, bhttp::field id, Fn&& fn) {
  for (auto it = fields.find(id); it != fields.end() && it->name() == id; ++it)
    if (fn(std::string_view(it->value().data(), it->value().size()))) return;
}

template <typename Fn>
void for_each_value(const FlatFields& fields, bhttp::field id, Fn&& fn) {
  for (const auto f : fields)
    if (f.id == id && fn(f.value)) return;
}

// Calls fn(token) for each comma-separated token of every Connection header.
template <typename Fields, typename Fn>
void for_each_connection_token(const Fields& fields, Fn&& fn) {
  for_each_value(fields, bhttp::field::connection, [&](std::string_view value) {
    while (!value.empty()) {
      const auto comma = value.find(',');
      const std::string_view token = trim(value.substr(0, comma));
      if (!token.empty() && fn(token)) return true;
      if (comma == std::string_view::npos) break;
      value.remove_prefix(comma + 1);
    }
    return false;
  });
}

// Does a Connection header of `fields` name `field`?
template <typename Fields>
bool connection_names(const Fields& fields, std::string_view field) {
  bool found = false;
  for_each_connection_token(fields, [&](std::string_view token) {
    found = iequals_ascii(token, field);
    return found;
  });
  return found;
}

void append_number(std::string& out, std::uint64_t n) {
  std::array<char, 24> buf{};
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), n);
  (void)ec;
  out.append(buf.data(), end);
}

void append_field(std::string& out, std::string_view name, std::string_view value) {
  out += name;
  out += ": ";
  out += value;
  out += "\r\n";
}

void append_framing(std::string& out, BodyFraming framing, std::uint64_t content_length) {
  if (framing == BodyFraming::content_length) {
    out += "Content-Length: ";
    append_number(out, content_length);
    out += "\r\n";
  } else if (framing == BodyFraming::chunked) {
    out += "Transfer-Encoding: chunked\r\n";
  }
}

// Fields this proxy always writes itself and so never copies from the message.
bool is_framing(bhttp::field f) {
  return f == bhttp::field::content_length || f == bhttp::field::transfer_encoding;
}

// Hop-by-hop headers all have a Beast field code, so the hot path compares integers.
bool is_hop_by_hop_field(bhttp::field f) {
  switch (f) {
    case bhttp::field::connection:
    case bhttp::field::keep_alive:
    case bhttp::field::proxy_connection:
    case bhttp::field::te:
    case bhttp::field::trailer:
    case bhttp::field::transfer_encoding:
    case bhttp::field::upgrade:
    case bhttp::field::proxy_authorization:
    case bhttp::field::proxy_authenticate:
      return true;
    default:
      return false;
  }
}

// The tokens of the Connection header(s), collected once per message (rarely any but
// keep-alive/close/upgrade).
template <typename Fields>
struct ConnectionTokens {
  std::array<std::string_view, 8> names{};
  std::size_t count = 0;
  bool overflow = false;  // more custom tokens than we keep: fall back to a full scan

  ConnectionTokens(const Fields& fields, bool has_connection) {
    if (!has_connection) return;
    for_each_connection_token(fields, [&](std::string_view token) {
      if (iequals_ascii(token, "close") || iequals_ascii(token, "keep-alive") ||
          iequals_ascii(token, "upgrade"))
        return false;
      if (count < names.size())
        names[count++] = token;
      else
        overflow = true;
      return false;
    });
  }
  bool names_field(const Fields& fields, std::string_view name) const {
    if (overflow) return connection_names(fields, name);
    for (std::size_t i = 0; i < count; ++i)
      if (iequals_ascii(names[i], name)) return true;
    return false;
  }
};

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  return iequals_ascii(a, b);
}

ConnectionInfo parse_connection(const bhttp::fields& fields) {
  ConnectionInfo info;
  for_each_connection_token(fields, [&](std::string_view token) {
    if (iequals(token, "close"))
      info.close = true;
    else if (iequals(token, "keep-alive"))
      info.keep_alive = true;
    else if (iequals(token, "upgrade"))
      info.upgrade = true;
    return false;
  });
  return info;
}

void render_upstream_request(const bhttp::request_header<>& req, const UpstreamRequestHead& info,
                             std::string& out) {
  out.clear();
  out += std::string_view(req.method_string().data(), req.method_string().size());
  out += ' ';
  out += info.target.empty() ? std::string_view(req.target().data(), req.target().size())
                             : info.target;
  out += " HTTP/1.1\r\n";

  const ConnectionTokens<bhttp::fields> named(req, req.find(bhttp::field::connection) != req.end());
  for (const auto& f : req) {
    const auto id = f.name();
    const std::string_view name(f.name_string().data(), f.name_string().size());
    const std::string_view value(f.value().data(), f.value().size());
    if (id == bhttp::field::upgrade && info.upgrade) {
      append_field(out, name, value);
      continue;
    }
    if (is_hop_by_hop_field(id) || is_framing(id) || id == bhttp::field::expect) continue;
    if (id == bhttp::field::unknown) {
      if (iequals(name, "x-forwarded-for") || iequals(name, "x-forwarded-proto") ||
          iequals(name, "x-request-id") || iequals(name, "x-user-tier") ||
          iequals(name, "x-request-budget-ms") || iequals(name, "traceparent") ||
          iequals(name, "tracestate"))
        continue;
    }
    if (iequals(name, info.tier_header)) continue;
    if (named.count != 0 && named.names_field(req, name)) continue;
    append_field(out, name, value);
  }
  if (info.upgrade) out += "Connection: upgrade\r\n";
  out += "X-Forwarded-For: ";
  if (!info.believed_chain.empty()) {
    out += info.believed_chain;
    out += ", ";
  }
  out += info.peer_ip;
  out += "\r\nX-Forwarded-Proto: ";
  out += info.proto;
  out += "\r\nX-Request-Id: ";
  out += info.request_id;
  out += "\r\nX-User-Tier: ";
  out += info.user_tier;
  out += "\r\nX-Request-Budget-Ms: ";
  append_number(out, static_cast<std::uint64_t>(info.budget_ms < 0 ? 0 : info.budget_ms));
  out += "\r\n";
  if (!info.traceparent.empty()) append_field(out, "traceparent", info.traceparent);
  if (!info.tracestate.empty()) append_field(out, "tracestate", info.tracestate);
  append_framing(out, info.framing, info.content_length);
  out += "\r\n";
}

void render_client_response(unsigned status, std::string_view reason, const FlatFields& fields,
                            const ClientResponseHead& info, std::string& out) {
  out.clear();
  out += "HTTP/1.1 ";
  append_number(out, status);
  out += ' ';
  if (reason.empty()) {
    const auto fallback = bhttp::obsolete_reason(bhttp::int_to_status(status));
    out += std::string_view(fallback.data(), fallback.size());
  } else {
    out += reason;
  }
  out += "\r\n";

  const ConnectionTokens<FlatFields> named(fields, fields.contains(bhttp::field::connection));
  for (const auto f : fields) {
    if (f.id == bhttp::field::upgrade && info.upgrade) {
      append_field(out, f.name, f.value);
      continue;
    }
    if (is_hop_by_hop_field(f.id) || is_framing(f.id)) continue;
    if (f.id == bhttp::field::unknown && iequals(f.name, "x-request-id")) continue;
    if (named.count != 0 && named.names_field(fields, f.name)) continue;
    append_field(out, f.name, f.value);
  }
  out += "X-Request-Id: ";
  out += info.request_id;
  out += "\r\n";
  if (info.upgrade) {
    out += "Connection: upgrade\r\n";
  } else {
    append_framing(out, info.framing, info.content_length);
    if (!info.keep_alive) out += "Connection: close\r\n";
  }
  out += "\r\n";
}

}  // namespace smart_router::http
