#include "smart_router/http/retry_policy.hpp"

namespace smart_router::http {
namespace bhttp = boost::beast::http;

bool is_idempotent(bhttp::verb v) {
  return v == bhttp::verb::get || v == bhttp::verb::head || v == bhttp::verb::options ||
         v == bhttp::verb::trace || v == bhttp::verb::put || v == bhttp::verb::delete_;
}

RetryRules retry_rules(const config::Retries& cfg, bhttp::verb method, bool has_body) {
  RetryRules r;
  r.on_connect_failure = cfg.on_connect_failure;
  r.on_reset = cfg.on_reset;
  r.on_503 = cfg.on_503;
  r.resend_ok = !has_body && (!cfg.idempotent_only || is_idempotent(method));
  return r;
}

bool should_retry(const AttemptResult& r, std::uint32_t tries_left, const RetryRules& rules) {
  if (tries_left == 0) return false;
  switch (r.end) {
    case AttemptEnd::connect_failure:
      return rules.on_connect_failure;  // nothing was sent: always safe
    case AttemptEnd::reset:
      return rules.on_reset && rules.resend_ok && !r.body_sent;
    case AttemptEnd::upstream_503:
      return rules.on_503 && rules.resend_ok;
    case AttemptEnd::per_try_timeout:  // configuring per_try_timeout_ms is the opt-in
      return rules.resend_ok && !r.body_sent;
    case AttemptEnd::answered:
    case AttemptEnd::cancelled:
    case AttemptEnd::deadline:  // no time is left for another
    case AttemptEnd::bad_response:
    case AttemptEnd::client_gone:
    case AttemptEnd::bad_body:
      break;
  }
  return false;
}

bool may_abandon_try(std::uint32_t tries_left, const RetryRules& rules) {
  return tries_left > 0 && rules.resend_ok;
}

RetryDecision decide_retry(const AttemptResult& r, std::uint32_t tries_left,
                           const RetryRules& rules, overload::RetryBudget& budget,
                           std::int64_t requests_in_flight) {
  if (!should_retry(r, tries_left, rules)) return {};
  if (!budget.try_acquire(requests_in_flight)) return {RetryVerdict::budget_exhausted, {}};
  return {RetryVerdict::retry, overload::RetryToken(budget, 0)};
}

std::optional<AttemptOutcome> outcome_of(const AttemptResult& r) {
  switch (r.end) {
    case AttemptEnd::answered:
      return r.status >= 500 ? AttemptOutcome::http_5xx : AttemptOutcome::success;
    case AttemptEnd::upstream_503:
      return AttemptOutcome::http_5xx;
    case AttemptEnd::connect_failure:
      return AttemptOutcome::connect_failure;
    case AttemptEnd::deadline:
      return AttemptOutcome::timeout;
    case AttemptEnd::bad_response:
      return AttemptOutcome::bad_response;
    case AttemptEnd::reset:
      return AttemptOutcome::reset;
    case AttemptEnd::per_try_timeout:
      return AttemptOutcome::per_try_timeout;
    case AttemptEnd::cancelled:
      return AttemptOutcome::cancelled;
    case AttemptEnd::client_gone:
    case AttemptEnd::bad_body:
      break;
  }
  return std::nullopt;
}

}  // namespace smart_router::http
