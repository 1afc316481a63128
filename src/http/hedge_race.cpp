// The hedge race. Every try runs in its own coroutine on the request's worker (one thread: no
// locks); the request's coroutine coordinates: it launches the hedges when their delay passes,
// wakes when a try ends, and waits for every try to end before it returns (the tries refer to
// the request).
#include "smart_router/http/hedge_race.hpp"

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "smart_router/http/request_observers.hpp"

namespace smart_router::http {
namespace net = boost::asio;

namespace {

constexpr std::size_t kMaxHedges = 3;  // the validator's bound of hedge.max_hedges
constexpr auto kToken = net::as_tuple(net::use_awaitable);

// What a hedge owns so that it can run beside the first try: its own watch (the socket it
// closes), request head and answer fields; and its places in the budget and the pool's limit.
// Shared by the hedge's try and its watch's coroutine.
struct HedgeTry {
  HedgeTry(Request& req, const upstream::UpstreamPool& pool, Clock::time_point deadline,
           const net::any_io_executor& ex)
      : watch(ex), ctx{req,      pool,     answer,       watch, head, *fields,
                       deadline, deadline, Clock::now(), false, false} {}
  std::unique_ptr<FlatFields> fields = std::make_unique<FlatFields>();  // before ctx
  UpstreamAnswer answer;
  DeadlineWatch watch;
  std::string head;
  TryContext ctx;
  overload::RetryToken token;
  overload::PoolSlot slot;
};

struct Contender {
  TryContext* ctx = nullptr;
  std::shared_ptr<upstream::Endpoint> endpoint;
  std::shared_ptr<HedgeTry> hedge;  // null for the first try
  AttemptResult result;
  bool done = false;
};

struct Race {
  explicit Race(const net::any_io_executor& ex) : wake(ex) {}
  std::array<Contender, 1 + kMaxHedges> tries;
  std::size_t started = 0;
  std::size_t running = 0;
  std::size_t last_done = 0;
  std::optional<std::size_t> winner;
  std::uint32_t skipped = 0;
  net::steady_timer wake;  // the coordinator waits on it; a try that ends cancels the wait
};

net::awaitable<void> run_try(Race& race, std::size_t i) {
  auto& t = race.tries[i];
  t.result = co_await attempt(*t.ctx, t.endpoint);
  t.done = true;
  --race.running;
  race.last_done = i;
  if (t.result.end == AttemptEnd::answered && !race.winner) race.winner = i;
  race.wake.cancel();
}

net::awaitable<void> run_watch(std::shared_ptr<HedgeTry> h) {
  co_await h->watch.run();
}

void start(Race& race, const net::any_io_executor& ex) {
  const auto i = race.started++;
  ++race.running;
  net::co_spawn(ex, run_try(race, i), net::detached);
}

// The next hedge, when an endpoint, a budget token and a pool slot are free for it; false when
// it is skipped.
bool launch_hedge(Race& race, const TryContext& first, const Tried& tried,
                  const net::any_io_executor& ex) {
  auto& req = first.req;
  const auto& rt = *req.decided.pool;
  Tried exclude = tried;
  for (std::size_t i = 0; i < race.started; ++i) exclude.add(race.tries[i].endpoint.get());
  const auto index = first.pool.pick(exclude.span(), upstream::steady_now_ms());
  if (!index) return false;
  auto& budget = rt.admission->retry_budget();
  if (!budget.try_acquire(rt.requests_in_flight())) return false;
  overload::RetryToken token(budget, 0);
  overload::PoolSlot slot;
  auto& admission = *rt.admission;
  if (admission.limited()) {
    const auto& levels = *req.decided.cls->levels;
    if (!admission.try_acquire(levels)) return false;  // never queues
    slot = overload::PoolSlot(admission, levels.slot);
  }
  auto h = std::make_shared<HedgeTry>(req, first.pool, first.deadline, ex);
  h->token = std::move(token);
  h->slot = std::move(slot);
  net::co_spawn(ex, run_watch(h), net::detached);
  auto& t = race.tries[race.started];
  t.ctx = &h->ctx;
  t.endpoint = first.pool.endpoints()[*index];
  t.hedge = std::move(h);
  ++req.outcome.attempts;
  start(race, ex);
  return true;
}

// The winning hedge's answer becomes the request's.
void adopt(TryContext& first, HedgeTry& h) {
  auto& into = first.answer;
  h.watch.set_upstream(nullptr);
  into.conn = std::move(h.answer.conn);
  into.own_fields = std::move(h.fields);
  into.head.emplace(std::move(*h.answer.head));
  into.active.emplace(*into.conn->endpoint);
  h.answer.active.reset();
  into.sent_at = h.answer.sent_at;
  first.watch.set_upstream(&into.conn->stream.socket());
  // The first try's watch may still hold its per-try deadline (and fired() from its cancel).
  first.watch.arm(first.deadline, DeadlineWatch::Action::close_upstream);
}

std::string_view hedge_summary(const Race& race) {
  if (race.winner.value_or(0) > 0) return hedge_result_name(HedgeResult::won);
  if (race.started > 1) return hedge_result_name(HedgeResult::lost);
  return race.skipped > 0 ? hedge_result_name(HedgeResult::skipped) : std::string_view{};
}

// After every try has ended: drop the losers' answers, report every try, count the hedges.
// Returns the index of the try that decides the end.
std::size_t settle(Race& race, TryContext& first, Tried& tried) {
  auto& req = first.req;
  const auto decided = race.winner.value_or(race.last_done);
  for (std::size_t i = 0; i < race.started; ++i) {
    auto& t = race.tries[i];
    if (i != decided) {
      if (t.result.end == AttemptEnd::answered) drop_answer(*t.ctx);  // a head, too late
      tried.add(t.endpoint.get());
    }
    report_attempt(req, first.pool, *t.endpoint, t.result);
    if (!t.hedge) continue;
    observe_hedge(req, race.winner == i ? HedgeResult::won : HedgeResult::lost);
    t.hedge->watch.stop();
  }
  for (std::uint32_t s = 0; s < race.skipped; ++s) observe_hedge(req, HedgeResult::skipped);
  req.outcome.hedge = hedge_summary(race);
  if (race.winner && *race.winner > 0) adopt(first, *race.tries[*race.winner].hedge);
  return decided;
}

}  // namespace

net::awaitable<RaceEnd> race_hedges(TryContext& first,
                                    const std::shared_ptr<upstream::Endpoint>& ep,
                                    const HedgePlan& plan, Tried& tried) {
  const auto ex = co_await net::this_coro::executor;
  Race race(ex);
  race.tries[0].ctx = &first;
  race.tries[0].endpoint = ep;
  start(race, ex);
  auto next_hedge = Clock::now() + plan.delay;
  auto hedges_left = std::min<std::size_t>(plan.max_hedges, kMaxHedges);
  while (!race.winner && race.running > 0) {
    const bool may_hedge = hedges_left > 0 && next_hedge < first.deadline;
    race.wake.expires_at(may_hedge ? next_hedge : Clock::time_point::max());
    co_await race.wake.async_wait(kToken);
    if (race.winner || race.running == 0 || !may_hedge || Clock::now() < next_hedge) continue;
    --hedges_left;
    if (!launch_hedge(race, first, tried, ex)) ++race.skipped;
    next_hedge += plan.delay;
  }
  for (std::size_t i = 0; i < race.started; ++i)
    if (!race.tries[i].done && race.winner != i) cancel_try(*race.tries[i].ctx);
  while (race.running > 0) {
    race.wake.expires_at(Clock::time_point::max());
    co_await race.wake.async_wait(kToken);
  }
  const auto decided = settle(race, first, tried);
  co_return RaceEnd{race.tries[decided].result, race.tries[decided].endpoint.get()};
}

}  // namespace smart_router::http
