// How one attempt on an upstream endpoint ended, and whether another attempt follows it: the
// pool's retry conditions, then its retry budget. Pure logic: the forwarder's loop asks;
// nothing here does I/O.
#pragma once

#include <boost/beast/http/verb.hpp>
#include <boost/system/error_code.hpp>
#include <cstdint>

#include "smart_router/config/config.hpp"
#include "smart_router/http/router_snapshot.hpp"
#include "smart_router/overload/retry_budget.hpp"

namespace smart_router::http {

// Each end is its own value, so a caller can tell our deadline from the upstream failing.
enum class AttemptEnd : std::uint8_t {
  answered,         // the answer's head is here, to be relayed (any status)
  upstream_503,     // it answered 503 and a retry was allowed: that answer was dropped
  connect_failure,  // nothing was sent
  reset,            // the upstream closed or reset before answering
  deadline,         // OUR deadline (the class's timeout_ms) passed first
  per_try_timeout,  // OUR per-try timeout (per_try_timeout_ms) passed: the try was abandoned
  cancelled,        // another try of a hedge race answered first: this one was closed
  bad_response,     // the answer's head could not be parsed
  client_gone,      // the client failed while its body was being sent
  bad_body,         // the client's body was refused while streaming (error says why): over
                    // max_body_bytes, or malformed chunked framing (chunk_framing.hpp)
};

struct AttemptResult {
  AttemptEnd end = AttemptEnd::reset;
  unsigned status = 0;              // answered: the upstream's status
  bool body_sent = false;           // some of the client's body went out: it cannot be replayed
  boost::system::error_code error;  // connect_failure, bad_body: why
};

// A pool's retry conditions applied to one request.
struct RetryRules {
  bool on_connect_failure = true;
  bool on_reset = true;
  bool on_503 = true;
  // The request may be sent twice: no body (nothing to replay) and, unless idempotent_only is
  // off, an idempotent method.
  bool resend_ok = false;
};

bool is_idempotent(boost::beast::http::verb v);

RetryRules retry_rules(const config::Retries& cfg, boost::beast::http::verb method, bool has_body);

// Whether the pool's conditions let another attempt (on another endpoint) follow one that ended
// as `r` (an answered 503 asks as upstream_503).
bool should_retry(const AttemptResult& r, std::uint32_t tries_left, const RetryRules& rules);

// Whether a try may be abandoned at per_try_timeout_ms: only when a retry could follow it (a
// try nothing can follow is better left to run to the request's deadline).
bool may_abandon_try(std::uint32_t tries_left, const RetryRules& rules);

enum class RetryVerdict : std::uint8_t {
  stop,              // the conditions say no: the try's answer or error stands
  retry,             // another try follows; `token` holds its place in the budget
  budget_exhausted,  // the conditions said yes, the pool's retry budget no
};
struct RetryDecision {
  RetryVerdict verdict = RetryVerdict::stop;
  overload::RetryToken token;
};

// should_retry, then the pool's retry budget (given its requests in flight).
RetryDecision decide_retry(const AttemptResult& r, std::uint32_t tries_left,
                           const RetryRules& rules, overload::RetryBudget& budget,
                           std::int64_t requests_in_flight);

// The outcome label of smart_router_upstream_requests_total; nullopt when the attempt says
// nothing about the endpoint (the client failed).
std::optional<AttemptOutcome> outcome_of(const AttemptResult& r);

}  // namespace smart_router::http
