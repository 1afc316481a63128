// One try on one upstream endpoint: take a pooled connection or open one, send the request,
// read the answer's head. The forwarder's retry loop runs tries one after another; a hedge
// race (hedge_race.hpp) runs several at once, each with its own TryContext.
#pragma once

#include <array>
#include <boost/asio/awaitable.hpp>
#include <memory>
#include <span>
#include <string>

#include "smart_router/common/deadline_watch.hpp"
#include "smart_router/common/error.hpp"
#include "smart_router/http/flat_fields.hpp"
#include "smart_router/http/forwarder.hpp"
#include "smart_router/http/request.hpp"
#include "smart_router/http/retry_policy.hpp"

namespace smart_router::http {

// What one try works with. The request's first try (and every retry) uses the client
// connection's watch and scratch; a hedge brings its own, so that tries can run at once.
struct TryContext {
  Request& req;
  const upstream::UpstreamPool& pool;
  UpstreamAnswer& answer;
  DeadlineWatch& watch;  // closes this try's upstream socket at try_deadline
  std::string& head;     // the rendered request head
  FlatFields& fields;    // the answer head's fields
  // The request's deadline; restarted when its body has been sent (as in Envoy, the tier
  // timeout counts from the end of the request body).
  Clock::time_point deadline;
  // This try's: the deadline, or earlier with the class's per_try_timeout_ms.
  Clock::time_point try_deadline;
  Clock::time_point sending_at;  // when this try's request goes out (one clock read)
  bool continue_sent = false;
  bool cancelled = false;  // another try of a hedge race won: this one was closed
};

// One try on `ep`, with one transparent re-send when a pooled connection was stale. On
// `answered`, a.answer holds the connection and the head.
boost::asio::awaitable<AttemptResult> attempt(TryContext& a,
                                              const std::shared_ptr<upstream::Endpoint>& ep);

// Ends a try under way now (a hedge race's loser): its upstream socket is closed, its pending
// operation fails, and it ends `cancelled`. The connection is never reused.
void cancel_try(TryContext& a);

// Gives up an answer whose head arrived (a 503 to retry, a race's late second): its connection
// is closed, its body unread.
void drop_answer(TryContext& a);

// The endpoint's passive health and the attempt's observers learn how a try went.
void report_attempt(const Request& req, const upstream::UpstreamPool& pool, upstream::Endpoint& ep,
                    const AttemptResult& r);

// The error a failed try leaves the client with, when nothing follows it.
ProxyError error_of(const AttemptResult& r, const upstream::Endpoint& ep);

bool is_upgrade_request(const RequestParser& req);

// Endpoints already tried by this request (a retry or a hedge goes elsewhere).
class Tried {
 public:
  void add(upstream::Endpoint* ep) {
    if (n_ < eps_.size()) eps_[n_++] = ep;
  }
  std::span<upstream::Endpoint* const> span() const { return {eps_.data(), n_}; }

 private:
  std::array<upstream::Endpoint*, 16> eps_{};
  std::size_t n_ = 0;
};

}  // namespace smart_router::http
