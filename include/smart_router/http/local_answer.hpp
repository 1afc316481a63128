// The router's own answers (errors, /health /ready /metrics, 100 Continue) as values, and the
// one function that turns them into bytes. An HTTP/2 encoder is a second renderer of the same
// value; nothing else builds a head for an answer the router makes itself.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace smart_router::http {

struct HeaderLine {
  std::string_view name;
  std::string_view value;
};

struct LocalAnswer {
  unsigned status = 200;
  std::string_view content_type;  // empty: no body and no Content-Type
  std::string_view body;
  std::span<const HeaderLine> headers;  // e.g. Retry-After, Cache-Control, RateLimit-Policy
  bool head_only = false;  // answering HEAD: the head announces the body, which stays home
};

// HTTP/1.1 bytes of `a` into `out` (replaced). A 1xx is a bare status line and its headers;
// any other answer carries Content-Type, Content-Length and X-Request-Id, and Connection:
// close when `keep_alive` is false (keep-alive when it is true for an HTTP/1.0 client, which
// would otherwise take the connection for closed after it).
void render_local_answer(const LocalAnswer& a, std::string_view request_id, bool keep_alive,
                         std::string& out, bool http10 = false);

}  // namespace smart_router::http
