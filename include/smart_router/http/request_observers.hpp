// The observer seam: the moments of a request that something records, each reached from one
// place in the pipeline or the forwarder. Metrics and the access log implement it (tracing is
// the next); they are a fixed set called directly, in order: no registration, no virtual call.
#pragma once

#include <string_view>

#include "smart_router/http/request.hpp"

namespace smart_router::http {

// A request as it is recorded, worked out once for every observer.
struct FinishedRequest {
  const Request& req;
  Clock::time_point at;
  double seconds = 0;
  const ClassRuntime& cls;   // the decided class, else the default one
  const std::string& route;  // the route's name, else "none"
};

struct MetricsObserver {
  static void on_attempt(const Request& req, const upstream::Endpoint& ep, AttemptOutcome o);
  static void on_retry(const Request& req);
  static void on_retry_refused(const Request& req);
  static void on_hedge(const Request& req, HedgeResult r);
  static void on_finish(const FinishedRequest& f);
};

struct AccessLogObserver {
  static void on_finish(const FinishedRequest& f);
};

// The request's head is parsed and it is about to be served.
inline void observe_begin(const Request& /*req*/) {}

// One attempt on an upstream endpoint ended (its answer's head arrived, or it failed).
inline void observe_attempt(const Request& req, const upstream::Endpoint& ep, AttemptOutcome o) {
  MetricsObserver::on_attempt(req, ep, o);
}

// Another attempt follows a failed one.
inline void observe_retry(const Request& req) {
  MetricsObserver::on_retry(req);
}

// A retry the pool's conditions allowed was refused by its retry budget.
inline void observe_retry_refused(const Request& req) {
  MetricsObserver::on_retry_refused(req);
}

// A hedge ended (won or lost), or was due but skipped.
inline void observe_hedge(const Request& req, HedgeResult r) {
  MetricsObserver::on_hedge(req, r);
}

// The request is over: its answer is out or its client gone. Every request ends here once.
void observe_finish(const Request& req);

}  // namespace smart_router::http
