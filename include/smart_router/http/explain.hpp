// `smart-router explain`: what the router would decide for one request, phase by phase, by the
// pipeline's own code (the path normaliser, the snapshot's tier classifier and route table, the
// phases' deadline rule) on a snapshot built as the server builds it. Nothing is sent anywhere.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "smart_router/http/router_snapshot.hpp"

namespace smart_router::http {

struct ExplainInput {
  std::string method;  // as sent, e.g. "GET"
  std::string target;  // origin-form, e.g. "/api/v1/elite/x?y=1"
  std::vector<std::pair<std::string, std::string>> headers;
  boost::asio::ip::address peer;
};

// In pipeline order: "request", "admin" (when the router answers it itself), "trust", "class",
// "routes" (each route tried, with every key's check), "route", "pool", "limits", "deadline",
// and last "answer": the router's own answer ({status, error, why}) or {"forward_to": pool}.
// A phase that refuses the request ends the list there (then "answer").
nlohmann::ordered_json explain_request(const RouterSnapshot& snap, const ExplainInput& in);

}  // namespace smart_router::http
