// The pipeline's deciding phases, in order. Each reads the request and the snapshot, sets its
// own fields of RequestDecisions and returns the error to answer, if any; none does I/O.
#pragma once

#include <optional>

#include "smart_router/admin/admin_handler.hpp"
#include "smart_router/common/error.hpp"
#include "smart_router/http/request.hpp"

namespace smart_router::http {

// Request id, connection semantics, normalised target.
std::optional<ProxyError> begin(Request& req);

// /health /ready /metrics, when this listener serves them; nullopt for any other request.
std::optional<admin::AdminAnswer> admin(const Request& req);

// Header / trusted peer / JWT -> tier class.
std::optional<ProxyError> classify_tier(Request& req);

// First route whose match holds -> pool, or the route's fixed answer.
std::optional<ProxyError> match_route(Request& req);

// Priority shedding against the router-wide in-flight count; on success the request holds its
// admission (req.admission) and its deadline. Queued admission makes this a co_await.
std::optional<ProxyError> admit(Request& req);

}  // namespace smart_router::http
