// One JSON line per request (logging.access_log).
#include <boost/beast/http/verb.hpp>

#include "smart_router/http/request_observers.hpp"

namespace smart_router::http {

void AccessLogObserver::on_finish(const FinishedRequest& f) {
  if (f.req.outcome.admin) return;  // probes and scrapes would drown the requests
  auto log = f.req.worker.ctx.access_log.load();
  if (!log || !log->enabled()) return;
  const Request& req = f.req;
  const auto& head = req.down.request().get();
  const auto method = head.method_string();
  const auto raw_target = head.target();
  // Designated: every field written once (a default-built record, then assigned, costs a
  // line a tenth more).
  const observability::AccessRecord r{
      .request_id = req.request_id,
      .trace_id = req.trace.trace_id(),
      .span_id = req.trace.span_id(),
      .parent_span_id = req.trace.parent_id(),
      .client_ip = req.decided.client_ip,
      .method = {method.data(), method.size()},
      .target = req.decided.target.empty() ? std::string_view(raw_target.data(), raw_target.size())
                                           : req.decided.target,
      .status = req.outcome.status,
      .duration = std::chrono::duration_cast<std::chrono::microseconds>(f.at - req.started),
      .queue_wait = std::chrono::duration_cast<std::chrono::microseconds>(req.outcome.queue_wait),
      .class_fields = f.cls.access_log_fields,
      .route_field = req.snap.route_access_log_field(req.decided.route),
      .upstream = req.outcome.last_endpoint != nullptr
                      ? std::string_view(req.outcome.last_endpoint->address())
                      : std::string_view(),
      .attempts = req.outcome.attempts,
      .hedge = req.outcome.hedge,
      .bytes_sent = req.down.bytes_sent(),
      .error = req.outcome.error_code,
  };
  log->write(r);
}

}  // namespace smart_router::http
