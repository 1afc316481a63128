// server, admin, overload and logging sections.
#include "smart_router/config/enums.hpp"
#include "text.hpp"
#include "yaml_sections.hpp"

namespace smart_router::config::yaml {

void load_server(Reader& r, const Field& f, Server& out) {
  MapReader m(r, f,
              {"listen", "workers", "tls", "limits", "drain_timeout_ms", "allowed_methods",
               "trusted_proxies", "via"});
  m.read("listen", out.listen);
  if (m.read("allowed_methods", out.allowed_methods)) upper_all(out.allowed_methods);
  m.read("trusted_proxies", out.trusted_proxies);
  m.read("via", out.via);
  m.read("workers", out.workers);
  m.read("drain_timeout_ms", out.drain_timeout_ms);
  if (auto tls = m.get("tls")) {
    MapReader t(r, *tls, {"cert_file", "key_file"});
    if (t.ok()) {
      ServerTls st;
      t.require("cert_file");
      t.require("key_file");
      t.read("cert_file", st.cert_file);
      t.read("key_file", st.key_file);
      out.tls = st;
    }
  }
  if (auto limits = m.get("limits")) {
    MapReader l(r, *limits,
                {"max_header_bytes", "max_body_bytes", "header_timeout_ms", "idle_timeout_ms",
                 "max_connections", "max_header_count"});
    l.read("max_header_bytes", out.limits.max_header_bytes);
    l.read("max_body_bytes", out.limits.max_body_bytes);
    l.read("header_timeout_ms", out.limits.header_timeout_ms);
    l.read("idle_timeout_ms", out.limits.idle_timeout_ms);
    l.read("max_connections", out.limits.max_connections);
    l.read("max_header_count", out.limits.max_header_count);
  }
}

void load_admin(Reader& r, const Field& f, Admin& out) {
  MapReader m(r, f, {"listen"});
  m.read("listen", out.listen);
}

void load_overload(Reader& r, const Field& f, Overload& out) {
  MapReader m(r, f, {"max_in_flight", "tarpit"});
  m.read("max_in_flight", out.max_in_flight);
  if (auto tarpit = m.get("tarpit")) {
    MapReader t(r, *tarpit, {"after", "delay_ms"});
    t.read("after", out.tarpit.after);
    t.read("delay_ms", out.tarpit.delay_ms);
  }
}

void load_logging(Reader& r, const Field& f, Logging& out) {
  MapReader m(r, f, {"level", "access_log"});
  m.read_enum("level", out.level, parse_log_level, log_level_names());
  m.read("access_log", out.access_log);
}

}  // namespace smart_router::config::yaml
