// forward: attempts on the request's pool, each ending in an AttemptResult, retried by the
// pool's policy (retry_policy.hpp) within the request's deadline. It answers nothing: it
// returns the upstream answer's head to relay, or the error the pipeline answers with.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <memory>
#include <optional>

#include "smart_router/common/error.hpp"
#include "smart_router/http/request.hpp"
#include "smart_router/http/response_head_parser.hpp"
#include "smart_router/upstream/connection_pool.hpp"
#include "smart_router/upstream/endpoint.hpp"

namespace smart_router::http {

// An upstream's answer whose head has arrived; its body is still on the connection.
struct UpstreamAnswer {
  // The head's fields, when they are not the connection scratch's (a hedge's answer); declared
  // before `head`, which refers to them.
  std::unique_ptr<FlatFields> own_fields;
  std::unique_ptr<upstream::UpstreamConnection> conn;
  std::optional<ResponseHeadParser> head;
  std::optional<upstream::ActiveRequestGuard> active;  // the endpoint counts it until relayed
  Clock::time_point sent_at;                           // when the request went out on `conn`
};

enum class ForwardEnd : std::uint8_t {
  answered,     // `answer` holds the head to relay
  failed,       // answer the client with `error`
  client_gone,  // the client failed while its body was sent: nobody to answer
};

// failed: `error` holds the answer to give (it is also where a retried try's error waits).
boost::asio::awaitable<ForwardEnd> forward(Request& req, UpstreamAnswer& answer,
                                           std::optional<ProxyError>& error);

// After the answer was relayed: the connection goes back to the worker's idle pool when
// `reusable` (it read the answer to its end and may carry another request).
void release_upstream(Request& req, UpstreamAnswer& answer, bool reusable);

}  // namespace smart_router::http
