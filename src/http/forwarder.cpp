// forward: tries on the request's pool (attempt.cpp), retried by the pool's policy within the
// request's deadline and its retry budget; the first try of a hedged class races its hedges
// (hedge_race.cpp). The first answer worth relaying, or the error to answer with, goes back to
// the pipeline.
#include "smart_router/http/forwarder.hpp"

#include "smart_router/http/attempt.hpp"
#include "smart_router/http/hedge_race.hpp"
#include "smart_router/http/request_observers.hpp"

namespace smart_router::http {
namespace net = boost::asio;

namespace {

// The race to run for the request's first try, if its class hedges and the request may be sent
// twice; nullopt (one load and a branch) for every other request.
std::optional<HedgePlan> hedge_plan(const Request& req) {
  const auto& hedge = req.decided.cls->cls->hedge;
  if (!hedge) return std::nullopt;
  const auto& parser = req.down.request();
  if (!hedgeable(parser.get().method(), !parser.is_done(), is_upgrade_request(parser)))
    return std::nullopt;
  double p95 = 0;
  if (hedge->delay_ms == 0) {
    auto& tm = *req.decided.pool->tier_metrics;
    const auto now_s =
        std::chrono::duration_cast<std::chrono::seconds>(Clock::now().time_since_epoch()).count();
    p95 = tm.recent_p95.get(tm.duration_summary, now_s);
  }
  return HedgePlan{hedge_delay(*hedge, p95), hedge->max_hedges};
}

// The try's own deadline: the class's per_try_timeout_ms when a retry could follow the try.
Clock::time_point deadline_of_try(const TryContext& a, std::uint32_t tries_left,
                                  const RetryRules& rules) {
  const auto per_try = a.req.decided.cls->cls->per_try_timeout_ms;
  if (per_try == 0 || !may_abandon_try(tries_left, rules)) return a.deadline;
  return std::min(a.deadline, a.sending_at + std::chrono::milliseconds(per_try));
}

// Whether another try follows one that ended as `r` (an answered 503 asks as one to drop): the
// pool's conditions, then its budget. A refusal by the budget is counted.
RetryDecision next_try(const Request& req, const AttemptResult& r, std::uint32_t tries_left,
                       const RetryRules& rules) {
  if (r.end == AttemptEnd::answered && r.status != 503) return {};  // the common case
  AttemptResult asked = r;
  if (r.end == AttemptEnd::answered) asked.end = AttemptEnd::upstream_503;
  const auto& rt = *req.decided.pool;
  auto d =
      decide_retry(asked, tries_left, rules, rt.admission->retry_budget(), rt.requests_in_flight());
  if (d.verdict == RetryVerdict::budget_exhausted) observe_retry_refused(req);
  return d;
}

// No endpoint left to try: the last try's error, or no_healthy_upstream when none was tried.
ProxyError nothing_left(const upstream::UpstreamPool& pool, std::optional<ProxyError> last_error) {
  if (last_error) return std::move(*last_error);
  return {ErrorKind::no_healthy_upstream, "no healthy endpoint in pool " + pool.name(), 0, {}, {}};
}

}  // namespace

net::awaitable<ForwardEnd> forward(Request& req, UpstreamAnswer& answer,
                                   std::optional<ProxyError>& error) {
  const auto& pool = *req.decided.pool->pool;
  const auto& parser = req.down.request();
  const RetryRules rules =
      retry_rules(pool.config().retries, parser.get().method(), !parser.is_done());
  std::uint32_t tries_left = pool.config().retries.attempts;
  TryContext a{req,
               pool,
               answer,
               req.down.connection().watch,
               req.scratch.head,
               req.scratch.response_fields,
               req.decided.deadline,
               req.decided.deadline,
               {},
               false,
               false};
  Tried tried;
  auto hedging = hedge_plan(req);
  overload::RetryToken retry;  // the budget's token of the try under way, when it is a retry

  for (;;) {
    a.sending_at = Clock::now();
    if (a.sending_at >= a.deadline) {
      error = ProxyError{ErrorKind::upstream_timeout, {}, 0, {}, {}};
      co_return ForwardEnd::failed;
    }
    const auto index = pool.pick(tried.span(), upstream::steady_ms(a.sending_at));
    if (!index) {
      error = nothing_left(pool, std::move(error));
      co_return ForwardEnd::failed;
    }
    // The owning pointer lives in the pool, which the snapshot keeps alive: refer, don't copy.
    const auto& ep = pool.endpoints()[*index];
    auto* picked = ep.get();
    req.outcome.last_endpoint = picked;
    ++req.outcome.attempts;
    a.try_deadline = deadline_of_try(a, tries_left, rules);

    AttemptResult r;
    if (hedging) {
      const auto plan = *hedging;
      hedging.reset();  // the first try only
      const auto raced = co_await race_hedges(a, ep, plan, tried);
      r = raced.result;
      picked = raced.endpoint;
      req.outcome.last_endpoint = picked;
    } else {
      r = co_await attempt(a, ep);
      report_attempt(req, pool, *picked, r);
    }
    retry.reset();
    if (r.end == AttemptEnd::client_gone) co_return ForwardEnd::client_gone;
    auto next = next_try(req, r, tries_left, rules);
    if (next.verdict != RetryVerdict::retry) {
      if (r.end != AttemptEnd::answered) {
        error = error_of(r, *picked);
        co_return ForwardEnd::failed;
      }
      // The relay that follows runs under the request's deadline, not the try's.
      if (a.try_deadline < a.deadline)
        a.watch.arm(a.deadline, DeadlineWatch::Action::close_upstream);
      co_return ForwardEnd::answered;
    }
    if (r.end == AttemptEnd::answered) {  // a 503 to retry: its answer is dropped
      drop_answer(a);
      r.end = AttemptEnd::upstream_503;
    }
    error = error_of(r, *picked);  // the answer if no other try does better
    --tries_left;
    retry = std::move(next.token);
    observe_retry(req);
    tried.add(picked);
  }
}

void release_upstream(Request& req, UpstreamAnswer& answer, bool reusable) {
  req.down.connection().watch.set_upstream(nullptr);
  if (reusable && answer.conn) {
    ++answer.conn->requests;
    // Stamped with the attempt's start: a connection looks idle a little longer, never
    // shorter, so it is probed or retired no later than it should be.
    req.worker.connections.put(std::move(answer.conn),
                               req.decided.pool->pool->config().max_idle_per_endpoint,
                               upstream::steady_ms(answer.sent_at));
  }
  answer.conn.reset();
  answer.active.reset();
}

}  // namespace smart_router::http
