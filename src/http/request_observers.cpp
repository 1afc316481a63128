#include "smart_router/http/request_observers.hpp"

namespace smart_router::http {

void observe_finish(const Request& req) {
  static const std::string kNone(kNoRoute);  // a string: metrics key their cache by it
  const auto& snap = req.snap;
  const ClassRuntime& cls = req.decided.cls != nullptr
                                ? *req.decided.cls
                                : snap.classes[snap.classifier->default_class()];
  const std::string& route = req.decided.route != nullptr ? req.decided.route->name : kNone;
  const auto at = Clock::now();
  const FinishedRequest f{req, at, std::chrono::duration<double>(at - req.started).count(), cls,
                          route};
  MetricsObserver::on_finish(f);
  AccessLogObserver::on_finish(f);
}

}  // namespace smart_router::http
