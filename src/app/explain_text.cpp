// The human-readable form of an explanation (http/explain.hpp): one labelled block per phase.
#include <cmath>

#include "smart_router/app/explain_command.hpp"

namespace smart_router::app {
namespace {

using Json = nlohmann::ordered_json;

class Text {
 public:
  // The first line of a block carries its label; the next ones are indented under it.
  void block(std::string_view label) { label_ = label; }
  void line(const std::string& text) {
    std::string head(label_);
    head.resize(10, ' ');
    out_ += head + text + "\n";
    label_ = {};
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
  std::string_view label_;
};

std::string str(const Json& j) {
  if (j.is_string()) return j.get<std::string>();
  // A rate of 300 reads "300", not JSON's "300.0".
  if (j.is_number_float() && j.get<double>() == std::floor(j.get<double>()) &&
      std::fabs(j.get<double>()) < 1e15)
    return std::to_string(static_cast<long long>(j.get<double>()));
  return j.dump();
}

std::string list(const Json& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : ", ") + str(v);
  return out.empty() ? "none" : out;
}

void request_block(Text& t, const Json& r) {
  t.block("request");
  std::string line = str(r["method"]) + " " + str(r["target"]);
  if (r.contains("path") && r["path"] != r["target"]) line += "  (path " + str(r["path"]) + ")";
  t.line(line);
  if (r.contains("headers"))
    for (const auto& h : r["headers"]) t.line(str(h));
  if (r.contains("listener")) t.line("on " + str(r["listener"]));
}

void trust_block(Text& t, const Json& tr) {
  t.block("trust");
  std::string claim = tr["claim"].is_null() ? "no claim" : "claim " + str(tr["claim"]);
  if (tr.contains("claim_from")) claim += " (" + str(tr["claim_from"]) + ")";
  t.line("mode " + str(tr["mode"]) + ", peer " + str(tr["peer"]) + ": " + claim + " -> " +
         str(tr["verdict"]));
  t.line("why: " + str(tr["why"]));
}

void routes_block(Text& t, const Json& e) {
  t.block("routes");
  for (const auto& r : e["routes"]) {
    t.line(str(r["index"]) + ". " + str(r["name"]) +
           (r["matched"].get<bool>() ? ": MATCHED" : ": no match"));
    for (const auto& c : r["checks"])
      t.line(std::string("     ") + (c["held"].get<bool>() ? "+ " : "- ") + str(c["key"]) + ": " +
             str(c["why"]));
  }
  if (e.contains("routes_not_tried") && !e["routes_not_tried"].empty())
    t.line("not tried (the first match wins): " + list(e["routes_not_tried"]));
}

std::string shares(const Json& s) {
  std::string out;
  for (const auto& level : s)
    out += (out.empty() ? "" : "; ") + std::string("priority <= ") +
           str(level["priorities_up_to"]) + " together at most " + str(level["requests"]) + " (" +
           str(level["percent"]) + "%)";
  return out;
}

void limits_block(Text& t, const Json& l) {
  t.block("limits");
  const auto& rl = l["rate_limits"];
  if (rl.is_string()) {
    t.line("rate limits: " + str(rl));
  } else {
    if (rl.contains("class"))
      t.line("rate limit, class: " + str(rl["class"]["requests_per_second"]) + " req/s, burst " +
             str(rl["class"]["burst"]));
    if (rl.contains("client"))
      t.line("rate limit, per client (" + str(rl["client"]["key"]) +
             "): " + str(rl["client"]["requests_per_second"]) + " req/s, burst " +
             str(rl["client"]["burst"]));
    if (rl.contains("fleet"))
      t.line("rate limit, fleet-wide (Redis): " + str(rl["fleet"]["requests_per_second"]) +
             " req/s, burst " + str(rl["fleet"]["burst"]));
  }
  t.line("router: max_in_flight " + str(l["router"]["max_in_flight"]) + "; " +
         shares(l["router"]["class_shares"]));
  const auto& pool = l["pool"];
  if (pool["limit"].is_string()) {
    t.line("pool: " + str(pool["limit"]));
  } else {
    t.line("pool: concurrency limit " + str(pool["limit"]) +
           (pool["adaptive"].get<bool>() ? " (adaptive)" : "") + "; " +
           shares(pool["class_shares"]) + "; queue " + str(pool["queue_length"]));
  }
  const auto& r = l["retries"];
  t.line("retries: " + str(r["attempts"]) + ", this request on: " + list(r["this_request_on"]) +
         " (" + str(r["note"]) + ")");
  const auto& to = l["timeouts"];
  t.line("timeouts: connect " + str(to["connect_timeout_ms"]) + " ms, request head " +
         str(to["header_timeout_ms"]) + " ms, idle " + str(to["idle_timeout_ms"]) + " ms");
}

void decisions_block(Text& t, const Json& e) {
  if (e.contains("class")) {
    const auto& c = e["class"];
    t.block("class");
    t.line(str(c["name"]) + " (pool " + str(c["pool"]) + ", priority " + str(c["priority"]) +
           "): " + str(c["how"]));
  }
  if (e.contains("routes")) routes_block(t, e);
  if (e.contains("route")) {
    t.block("route");
    t.line(str(e["route"]["name"]) + " (" + str(e["route"]["action"]) + ")");
  }
  if (e.contains("pool")) {
    const auto& p = e["pool"];
    t.block("pool");
    t.line(str(p["name"]) + ": " + str(p["why"]));
    t.line("endpoints " + list(p["endpoints"]) + " (" + str(p["load_balancing"]) + ")");
  }
  if (e.contains("limits")) limits_block(t, e["limits"]);
  if (e.contains("deadline")) {
    const auto& d = e["deadline"];
    t.block("deadline");
    t.line(str(d["timeout_ms"]) + " ms (class timeout_ms " + str(d["class_timeout_ms"]) +
           ", latency budget " + str(d["latency_budget_ms"]) + " ms)");
    if (d.contains("budget_hint")) t.line("X-Request-Budget-Ms " + str(d["budget_hint"]));
    if (d.contains("grpc_timeout")) t.line("grpc-timeout " + str(d["grpc_timeout"]));
    t.line(str(d["note"]));
  }
}

}  // namespace

std::string render_explanation(const Json& e) {
  Text t;
  request_block(t, e["request"]);
  if (e.contains("trust")) trust_block(t, e["trust"]);
  decisions_block(t, e);
  const auto& a = e["answer"];
  t.block("answer");
  if (a.contains("forward_to"))
    t.line("forwarded to pool " + str(a["forward_to"]));
  else
    t.line(str(a["status"]) + (str(a["error"]).empty() ? "" : " " + str(a["error"])) + ": " +
           str(a["why"]));
  return t.take();
}

}  // namespace smart_router::app
