// How headers cross the proxy: hop-by-hop removal (and those named in Connection), the
// X-Forwarded-* and X-User-Tier rewrites, and the framing of each side's message.
#pragma once

#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/message.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "smart_router/http/flat_fields.hpp"

namespace smart_router::http {

namespace bhttp = boost::beast::http;

bool iequals(std::string_view a, std::string_view b);

// What the Connection header(s) of a message say.
struct ConnectionInfo {
  bool close = false;
  bool keep_alive = false;
  bool upgrade = false;
};
ConnectionInfo parse_connection(const bhttp::fields& fields);

// Only websocket is upgraded to (an h2c or TLS upgrade passed on would give the client a
// session with the upstream past routing, tier rewrite and every limit): a request that asks
// for it (Upgrade names websocket, Connection: upgrade), a 101 that switches to it.
bool upgrades_to_websocket(const bhttp::fields& request);
bool upgrades_to_websocket(const FlatFields& answer);

enum class BodyFraming : std::uint8_t { none, content_length, chunked, until_close };

// Request to the upstream.
struct UpstreamRequestHead {
  std::string_view target;  // the normalised target; the request's own when empty
  std::string_view request_id;
  // X-Forwarded-For: what the request came with (every line, in order, as one list), then the
  // TCP peer appended, as the contract (and nginx's $proxy_add_x_forwarded_for) has it.
  std::string_view peer_ip;
  // X-Real-IP: the client the router decided on (http/client_address.hpp: X-Forwarded-For is
  // believed from trusted proxies only), replacing any the client sent: the one address an
  // upstream can take as it is.
  std::string_view client_ip;
  std::string_view proto;        // "http" or "https"
  std::string_view tier_header;  // the configured claim header, removed before forwarding
  std::string_view user_tier;    // effective class, sent as X-User-Tier
  std::int64_t budget_ms = 0;    // X-Request-Budget-Ms
  bool grpc_timeout = false;     // the client sent grpc-timeout: sent on as budget_ms
  std::string_view traceparent;  // this attempt's; the client's traceparent/tracestate never pass
  std::string_view tracestate;   // "" = none sent
  std::string_view via;          // the router's pseudonym (server.via); "" = no Via of its own
  bool http10 = false;           // the client spoke HTTP/1.0: Via says "1.0"
  bool upgrade = false;          // keep Upgrade/Connection: upgrade for a websocket handshake
  BodyFraming framing = BodyFraming::none;
  std::uint64_t content_length = 0;
};
void render_upstream_request(const bhttp::request_header<>& req, const UpstreamRequestHead& info,
                             std::string& out);

// Response to the client.
struct ClientResponseHead {
  std::string_view request_id;
  BodyFraming framing = BodyFraming::none;
  std::uint64_t content_length = 0;
  bool keep_alive = true;
  bool http10 = false;   // an HTTP/1.0 client: a kept connection is said so (keep-alive)
  bool upgrade = false;  // 101 Switching Protocols: keep Upgrade and Connection: upgrade
};
void render_client_response(unsigned status, std::string_view reason, const FlatFields& fields,
                            const ClientResponseHead& info, std::string& out);

}  // namespace smart_router::http
