// The pipeline's deciding phases, in order. Each reads the request and the snapshot, sets its
// own fields of RequestDecisions and returns the error to answer, if any; none does I/O.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <optional>

#include "smart_router/admin/admin_handler.hpp"
#include "smart_router/common/error.hpp"
#include "smart_router/http/request.hpp"

namespace smart_router::http {

// What the phases read from a request, shared with `smart-router explain` (http/explain.cpp) so
// that it decides by the same code:
// the class's timeout_ms, tightened (never loosened) by an X-Request-Budget-Ms `hint` when the
// peer that sent it is trusted (a router or gateway in front that spent part of the budget), and
// by the client's own grpc-timeout (no trust needed: a client can only shorten its request);
std::chrono::milliseconds request_budget(
    std::uint32_t timeout_ms, std::string_view hint, bool hint_trusted,
    std::optional<std::chrono::milliseconds> grpc_timeout = std::nullopt);
// the tier classifier's inputs;
tier::TierInputs tier_inputs(const boost::beast::http::fields& head, const config::Tiers& tiers,
                             const boost::asio::ip::address& peer);
// the route matcher's view (`head` must outlive it).
routing::RequestView route_view(const boost::beast::http::request_header<>& head,
                                std::string_view path, std::string_view tier);

// Request id, trace context, connection semantics, normalised target.
std::optional<ProxyError> begin(Request& req);

// /health /ready /metrics, when this listener serves them; nullopt for any other request.
std::optional<admin::AdminAnswer> admin(const Request& req);

// server.allowed_methods, when it lists any: 405 with Allow for a method it does not list, 501
// for one that is not even a registered method (RFC 9110 9.1, 15.5.6, 15.6.2).
std::optional<ProxyError> check_method(const Request& req);

// Header / trusted peer / JWT -> tier class.
std::optional<ProxyError> classify_tier(Request& req);

// First route whose match holds -> pool, or the route's fixed answer.
std::optional<ProxyError> match_route(Request& req);

// The class's rate limits (ratelimit/, 429 rate_limited), the request's deadline, then priority
// shedding against the router-wide max_in_flight and the pool's concurrency limit (overload/).
// Admitted: the request holds req.admission (and req.pool_slot when its pool is limited).
// `must_wait`: its share of the pool is full; it may wait in the pool's queue (wait_for_pool).
struct AdmitVerdict {
  std::optional<ProxyError> refused;
  bool must_wait = false;
};
AdmitVerdict admit(Request& req);

// The wait in the pool's queue: nullopt once a slot is the request's (req.pool_slot), else the
// 503 to answer (the queue is full, or the request could not be served before its deadline).
// Not I/O, but a wait: the one phase that suspends.
boost::asio::awaitable<std::optional<ProxyError>> wait_for_pool(Request& req);

}  // namespace smart_router::http
