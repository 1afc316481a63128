#include "echo.hpp"

#include <nlohmann/json.hpp>

#include "fnv1a.hpp"

namespace mock_upstream {

namespace {

using ordered_json = nlohmann::ordered_json;

std::string dump(const ordered_json& j) {
  return j.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

std::string lower_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

std::string render_echo(const EchoInput& in) {
  ordered_json headers = ordered_json::object();
  if (in.headers != nullptr) {
    for (const auto& field : *in.headers) {
      const auto name = field.name_string();
      const auto value = field.value();
      std::string key = lower_ascii(std::string_view(name.data(), name.size()));
      auto it = headers.find(key);
      if (it == headers.end()) {
        headers.emplace(std::move(key), std::string(value.data(), value.size()));
      } else {
        auto& joined = it->get_ref<std::string&>();
        joined.append(", ").append(value.data(), value.size());
      }
    }
  }
  ordered_json j = ordered_json::object();
  j["upstream"] = in.upstream;
  j["method"] = in.method;
  j["path"] = in.path;
  j["query"] = in.query;
  j["http_version"] = in.version == 10 ? "1.0" : "1.1";
  j["headers"] = std::move(headers);
  j["body_bytes"] = in.body_bytes;
  j["body_fnv1a"] = to_hex16(in.body_fnv1a);
  j["connection_id"] = in.connection_id;
  j["request_index"] = in.request_index;
  return dump(j);
}

std::string render_health(bool healthy, std::string_view upstream) {
  ordered_json j = ordered_json::object();
  if (healthy) {
    j["status"] = "ok";
    j["upstream"] = upstream;
  } else {
    j["status"] = "unhealthy";
  }
  return dump(j);
}

std::string render_stats(const StatsSnapshot& stats) {
  ordered_json j = ordered_json::object();
  j["connections_accepted"] = stats.connections_accepted;
  j["requests"] = stats.requests;
  j["health_checks"] = stats.health_checks;
  j["cancelled"] = stats.cancelled;
  if (stats.capacity) {
    const CapacityStats& c = *stats.capacity;
    j["slots"] = c.slots;
    j["service_ms"] = c.service_ms;
    j["in_service"] = c.in_service;
    j["queued"] = c.queued;
    j["max_queued"] = c.max_queued;
    j["served"] = c.served;
  }
  return dump(j);
}

std::string render_service(const CapacityStats& stats) {
  ordered_json j = ordered_json::object();
  j["slots"] = stats.slots;
  j["service_ms"] = stats.service_ms;
  return dump(j);
}

std::string render_health_flag(bool healthy, std::string_view upstream) {
  ordered_json j = ordered_json::object();
  j["healthy"] = healthy;
  j["upstream"] = upstream;
  return dump(j);
}

std::string render_error(std::string_view error, std::string_view detail) {
  ordered_json j = ordered_json::object();
  j["error"] = error;
  j["detail"] = detail;
  return dump(j);
}

}  // namespace mock_upstream
