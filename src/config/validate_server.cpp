// server, admin, overload and logging checks.
#include <algorithm>

#include "smart_router/config/host_port.hpp"
#include "text.hpp"
#include "validation.hpp"

namespace smart_router::config {

namespace {

void validate_limits(Validation& v, const Limits& l) {
  const auto& f = v.marks.file;
  v.positive(f, "server.limits.max_header_bytes", l.max_header_bytes);
  v.positive(f, "server.limits.header_timeout_ms", l.header_timeout_ms);
  v.positive(f, "server.limits.idle_timeout_ms", l.idle_timeout_ms);
  v.positive(f, "server.limits.max_connections", l.max_connections);
  v.in_range(f, "server.limits.max_header_count", l.max_header_count, 1, 10000);
  // max_body_bytes: 0 is allowed (no request may carry a body).
}

void validate_tls(Validation& v, const ServerTls& tls) {
  const auto& f = v.marks.file;
  for (const auto& [key, file] :
       {std::pair{"cert_file", &tls.cert_file}, std::pair{"key_file", &tls.key_file}}) {
    const std::string path = std::string("server.tls.") + key;
    if (file->empty())
      v.error(path, "must name a PEM file");
    else
      v.readable_file(f, path, *file);
  }
}

void validate_methods(Validation& v, const std::vector<std::string>& methods) {
  for (std::size_t i = 0; i < methods.size(); ++i) {
    const std::string path = "server.allowed_methods[" + std::to_string(i) + "]";
    if (!is_http_token(methods[i]))
      v.error(path, "invalid method " + quote(methods[i]));
    else if (std::find(methods.begin(), methods.begin() + static_cast<std::ptrdiff_t>(i),
                       methods[i]) != methods.begin() + static_cast<std::ptrdiff_t>(i))
      v.error(path, "duplicate method " + quote(methods[i]));
  }
}

}  // namespace

void validate_server(Validation& v) {
  const Config& c = v.config;
  const auto& f = v.marks.file;
  std::string why;
  const auto listen = parse_listen_address(c.server.listen, &why);
  if (!listen) v.error("server.listen", "invalid address " + quote(c.server.listen) + ": " + why);
  v.in_range(f, "server.workers", c.server.workers, 0, 1024, "0 = one per CPU core");
  v.positive(f, "server.drain_timeout_ms", c.server.drain_timeout_ms);
  validate_limits(v, c.server.limits);
  validate_methods(v, c.server.allowed_methods);
  if (!c.server.via.empty() && !is_http_token(c.server.via))
    v.error("server.via", "invalid pseudonym " + quote(c.server.via) +
                              ": one token (letters, digits, !#$%&'*+-.^_`|~), or \"\" for no Via");
  if (c.server.tls) validate_tls(v, *c.server.tls);
  check_cidrs(v, "server.trusted_proxies", c.server.trusted_proxies);

  if (!c.admin.listen.empty()) {
    const auto admin = parse_listen_address(c.admin.listen, &why);
    if (!admin) {
      v.error("admin.listen", "invalid address " + quote(c.admin.listen) + ": " + why +
                                  " (use \"\" to serve /health, /ready and /metrics on "
                                  "server.listen)");
    } else if (listen && admin->port != 0 && admin->port == listen->port &&
               admin->host == listen->host) {
      v.error("admin.listen",
              "same address as server.listen; use \"\" to serve the admin endpoints there");
    }
  }

  v.positive(f, "overload.max_in_flight", c.overload.max_in_flight);
  v.in_range(f, "overload.tarpit.after", c.overload.tarpit.after, 0, 1000000);
  v.in_range(f, "overload.tarpit.delay_ms", c.overload.tarpit.delay_ms, 1, 60000);
  if (c.logging.access_log.empty())
    v.error("logging.access_log", "must be stdout, off or a file path");
}

}  // namespace smart_router::config
