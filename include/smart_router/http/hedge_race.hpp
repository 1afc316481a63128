// A hedge race: the request's first try and, every plan.delay while no try has an answer head,
// a hedge on another endpoint (up to plan.max_hedges). Each hedge takes a token of the pool's
// retry budget and, when the pool is limited, a pool slot without queueing: without them (or
// without another endpoint) it is skipped. The first answer head wins; the other tries are
// closed (never reused) and count as `cancelled`, never against their endpoint.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <memory>

#include "smart_router/http/attempt.hpp"
#include "smart_router/http/hedging.hpp"

namespace smart_router::http {

struct RaceEnd {
  AttemptResult result;  // answered: the winner's head is in first.answer
  upstream::Endpoint* endpoint = nullptr;
};

// Runs the race from the first try on `ep`. Every try is reported (report_attempt) and every
// hedge counted; the endpoints tried besides the one returned are added to `tried`. Returns
// only when every try has ended.
boost::asio::awaitable<RaceEnd> race_hedges(TryContext& first,
                                            const std::shared_ptr<upstream::Endpoint>& ep,
                                            const HedgePlan& plan, Tried& tried);

}  // namespace smart_router::http
