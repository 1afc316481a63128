#include "smart_router/http/header_rules.hpp"

#include "smart_router/common/beast_view.hpp"
#include "smart_router/http/grpc.hpp"
#include "smart_router/http/head_writer.hpp"

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

// Calls fn(token) for each comma-separated token of every `id` field (Connection, Upgrade)
// until fn returns true.
template <typename Fields, typename Fn>
void for_each_token(const Fields& fields, bhttp::field id, Fn&& fn) {
  for_each_value(fields, id, [&](std::string_view value) {
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
  for_each_token(fields, bhttp::field::connection, [&](std::string_view token) {
    found = iequals_ascii(token, field);
    return found;
  });
  return found;
}

// Whether an Upgrade field of `fields` names websocket ("websocket/13": its name).
template <typename Fields>
bool upgrade_names_websocket(const Fields& fields) {
  bool found = false;
  for_each_token(fields, bhttp::field::upgrade, [&](std::string_view token) {
    found = iequals_ascii(trim(token.substr(0, token.find('/'))), "websocket");
    return found;
  });
  return found;
}

void put_framing(HeadWriter& w, BodyFraming framing, std::uint64_t content_length) {
  if (framing == BodyFraming::content_length) {
    w.put("Content-Length: ");
    w.number(content_length);
    w.put("\r\n");
  } else if (framing == BodyFraming::chunked) {
    w.put("Transfer-Encoding: chunked\r\n");
  }
}

// What the literals and numbers of each head take at most, besides the values' own bytes
// (counted: 242 with Via and X-Real-IP, and 112 bytes; a grpc-timeout the router rewrites takes at
// most 25, less the client's own, which fields_size counts).
constexpr std::size_t kUpstreamRequestFixed = 272;
constexpr std::size_t kClientResponseFixed = 160;

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
    for_each_token(fields, bhttp::field::connection, [&](std::string_view token) {
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

bool upgrades_to_websocket(const bhttp::fields& request) {
  return upgrade_names_websocket(request) && parse_connection(request).upgrade;
}

bool upgrades_to_websocket(const FlatFields& answer) {
  return upgrade_names_websocket(answer);
}

ConnectionInfo parse_connection(const bhttp::fields& fields) {
  ConnectionInfo info;
  for_each_token(fields, bhttp::field::connection, [&](std::string_view token) {
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
  const auto method = sv(req.method_string());
  const auto target = info.target.empty() ? sv(req.target()) : info.target;
  std::size_t fields_size = 0;
  for (const auto& f : req)
    fields_size += HeadWriter::field_size(sv(f.name_string()), sv(f.value()));
  HeadWriter w(out, kUpstreamRequestFixed + method.size() + target.size() + fields_size +
                        info.client_ip.size() + info.peer_ip.size() + info.proto.size() +
                        info.request_id.size() + info.user_tier.size() + info.traceparent.size() +
                        info.tracestate.size() + info.via.size());
  w.put(method);
  w.put(' ');
  w.put(target);
  w.put(" HTTP/1.1\r\n");

  const ConnectionTokens<bhttp::fields> named(req, req.find(bhttp::field::connection) != req.end());
  // The first of the client's X-Forwarded-For lines, joined below into one: Beast keeps a
  // name's repeated fields next to each other, so the rest follow it.
  auto xff = req.end();
  for (auto it = req.begin(); it != req.end(); ++it) {
    const auto& f = *it;
    const auto id = f.name();
    const auto name = sv(f.name_string());
    const auto value = sv(f.value());
    if (is_hop_by_hop_field(id) || is_framing(id) || id == bhttp::field::expect) continue;
    if (id == bhttp::field::unknown) {
      if (iequals(name, "x-forwarded-for")) {
        if (xff == req.end()) xff = it;
        continue;
      }
      if (iequals(name, "x-forwarded-proto") || iequals(name, "x-real-ip") ||
          iequals(name, "x-request-id") || iequals(name, "x-user-tier") ||
          iequals(name, "x-request-budget-ms") || iequals(name, "traceparent") ||
          iequals(name, "tracestate") || iequals(name, "grpc-timeout"))
        continue;
    }
    if (iequals(name, info.tier_header)) continue;
    // Host is never hop-by-hop, whatever Connection lists (RFC 9110 7.6.1 forbids naming it):
    // dropped, the upstream would get an HTTP/1.1 request without one (9112 3.2).
    if (named.count != 0 && id != bhttp::field::host && named.names_field(req, name)) continue;
    w.field(name, value);
  }
  // The one upgrade passed on is websocket's, written by the router: a client's other
  // protocols in the list (h2c beside websocket) never reach the upstream.
  if (info.upgrade) w.put("Upgrade: websocket\r\nConnection: upgrade\r\n");
  w.put("X-Forwarded-For: ");  // one line for all of them (each counted in fields_size)
  for (auto it = xff; it != req.end() && iequals(sv(it->name_string()), "x-forwarded-for"); ++it) {
    if (it->value().empty()) continue;
    w.put(sv(it->value()));
    w.put(", ");
  }
  w.put(info.peer_ip);
  w.put("\r\nX-Real-IP: ");
  w.put(info.client_ip);
  w.put("\r\nX-Forwarded-Proto: ");
  w.put(info.proto);
  w.put("\r\nX-Request-Id: ");
  w.put(info.request_id);
  w.put("\r\nX-User-Tier: ");
  w.put(info.user_tier);
  w.put("\r\nX-Request-Budget-Ms: ");
  w.number(static_cast<std::uint64_t>(info.budget_ms < 0 ? 0 : info.budget_ms));
  w.put("\r\n");
  if (info.grpc_timeout) w.field("grpc-timeout", grpc_timeout_text(info.budget_ms));
  if (!info.traceparent.empty()) w.field("traceparent", info.traceparent);
  if (!info.tracestate.empty()) w.field("tracestate", info.tracestate);
  // After the Via fields the client sent (copied above, in order): the list grows by this hop,
  // with the protocol the router received the request in.
  if (!info.via.empty()) {
    w.put(info.http10 ? "Via: 1.0 " : "Via: 1.1 ");
    w.put(info.via);
    w.put("\r\n");
  }
  put_framing(w, info.framing, info.content_length);
  w.put("\r\n");
}

void render_client_response(unsigned status, std::string_view reason, const FlatFields& fields,
                            const ClientResponseHead& info, std::string& out) {
  const auto reason_text =
      reason.empty() ? sv(bhttp::obsolete_reason(bhttp::int_to_status(status))) : reason;
  HeadWriter w(out, kClientResponseFixed + reason_text.size() + fields.packed_size() +
                        4 * fields.size() + info.request_id.size());
  w.put("HTTP/1.1 ");
  w.number(status);
  w.put(' ');
  w.put(reason_text);
  w.put("\r\n");

  const ConnectionTokens<FlatFields> named(fields, fields.contains(bhttp::field::connection));
  for (const auto f : fields) {
    if (f.id == bhttp::field::upgrade && info.upgrade) {
      w.field(f.name, f.value);
      continue;
    }
    if (is_hop_by_hop_field(f.id) || is_framing(f.id)) continue;
    if (f.id == bhttp::field::unknown && iequals(f.name, "x-request-id")) continue;
    if (named.count != 0 && named.names_field(fields, f.name)) continue;
    w.field(f.name, f.value);
  }
  w.put("X-Request-Id: ");
  w.put(info.request_id);
  w.put("\r\n");
  if (info.upgrade) {
    w.put("Connection: upgrade\r\n");
  } else {
    put_framing(w, info.framing, info.content_length);
    if (!info.keep_alive)
      w.put("Connection: close\r\n");
    else if (info.http10)
      w.put("Connection: keep-alive\r\n");
  }
  w.put("\r\n");
}

}  // namespace smart_router::http
