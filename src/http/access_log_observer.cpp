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
  observability::AccessRecord r;
  r.request_id = req.request_id;
  r.trace_id = req.trace.trace_id();
  r.span_id = req.trace.span_id();
  r.parent_span_id = req.trace.parent_id();
  r.client_ip = req.decided.client_ip;
  r.method = {method.data(), method.size()};
  r.target = req.decided.target.empty() ? std::string_view(raw_target.data(), raw_target.size())
                                        : req.decided.target;
  r.status = req.outcome.status;
  r.duration = std::chrono::duration_cast<std::chrono::microseconds>(f.at - req.started);
  r.queue_wait = std::chrono::duration_cast<std::chrono::microseconds>(req.outcome.queue_wait);
  r.class_fields = f.cls.access_log_fields;
  r.route_field = req.snap.route_access_log_field(req.decided.route);
  r.upstream = req.outcome.last_endpoint != nullptr
                   ? std::string_view(req.outcome.last_endpoint->address())
                   : "";
  r.attempts = req.outcome.attempts;
  r.hedge = req.outcome.hedge;
  r.bytes_sent = req.down.bytes_sent();
  r.error = req.outcome.error_code;
  log->write(r);
}

}  // namespace smart_router::http
