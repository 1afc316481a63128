// One request as the pipeline sees it, split by what each part is:
//   Downstream        the client's side: where the body comes from, how the answer goes out
//   RequestDecisions  what the phases decided (tier class, route, pool, deadline): each field
//                     is set by one phase and fixed once the request is admitted
//   RequestOutcome    what happened: what the observers (metrics, access log) record
// A Request lives in the frame of the coroutine that serves it.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "smart_router/common/error.hpp"
#include "smart_router/http/downstream.hpp"
#include "smart_router/http/flat_fields.hpp"
#include "smart_router/http/router_context.hpp"
#include "smart_router/http/trace_context.hpp"
#include "smart_router/overload/admission.hpp"
#include "smart_router/overload/pool_admission.hpp"

namespace smart_router::http {

using Clock = std::chrono::steady_clock;

// Per-connection scratch that every request reuses: capacity is kept, so a warm connection
// renders heads, parses the upstream's fields and makes request ids without allocating.
struct ConnectionScratch {
  ConnectionScratch() {
    head.reserve(1024);
    request_id.reserve(64);
  }
  std::string head;
  FlatFields response_fields;
  std::string request_id;
  // The connection's refusals in a row, each within a second (Retry-After) of the last.
  std::uint32_t refusals = 0;
  std::chrono::steady_clock::time_point last_refusal;
  std::string tracestate;  // when the request's tracestate had to be joined or cut
};

struct RequestDecisions {
  // begin: the client behind trusted proxies (http/client_address.hpp), else the peer
  boost::asio::ip::address client;
  std::string_view client_ip;  // its text: the connection's, or client_text's
  std::string client_text;     // backs client_ip when the client came from X-Forwarded-For
  std::string_view path;       // normalised path: what routes match and the upstream gets
  std::string_view target;     // normalised path + query
  std::string normalized;      // backs path/target when normalising changed the target
  bool expects_continue = false;
  std::string_view
      budget_hint;    // X-Request-Budget-Ms as sent ("" if not); admit believes it or not
  bool grpc = false;  // content-type application/grpc*: errors as gRPC statuses (http/grpc.hpp)
  std::optional<std::chrono::milliseconds> grpc_timeout;  // the client's grpc-timeout
  // classify_tier, match_route
  const ClassRuntime* cls = nullptr;
  std::string jwt_subject;  // `sub` of a JWT the classifier verified: a rate-limit key
  const config::Route* route = nullptr;
  const PoolRuntime* pool = nullptr;
  // admit: the class's timeout_ms from admission, retries included. The forwarder restarts
  // its own copy of it when a request body has been sent (the timeout counts from there).
  Clock::time_point deadline = Clock::time_point::max();
};

struct RequestOutcome {
  unsigned status = 0;          // what the client was answered (499: it left first)
  std::string_view error_code;  // the router's own error, if it answered one
  std::uint32_t attempts = 0;
  std::string_view hedge;        // "won" | "lost" | "skipped" when the request was hedged, else ""
  Clock::duration queue_wait{};  // waiting for a slot of the pool's concurrency limit
  const upstream::Endpoint* last_endpoint = nullptr;
  bool admin = false;  // answered by /health /ready /metrics (probes and scrapes)
};

struct Request {
  Request(Downstream& d, WorkerResources& w, const RouterSnapshot& s, ConnectionScratch& scr)
      : down(d), worker(w), snap(s), scratch(scr), request_id(scr.request_id) {
    decided.client = d.connection().peer;
    decided.client_ip = d.connection().client_ip;
  }
  Request(const Request&) = delete;
  Request& operator=(const Request&) = delete;
  ~Request() { worker.buffers.give(std::move(buffer_)); }

  Downstream& down;
  WorkerResources& worker;
  const RouterSnapshot& snap;  // held by the caller for the request's whole life
  ConnectionScratch& scratch;
  std::string& request_id;  // the client's acceptable one, or generated
  TraceContext trace;       // the caller's trace continued, or a new one (begin)
  Clock::time_point started = Clock::now();
  RequestDecisions decided;
  RequestOutcome outcome;
  overload::AdmissionGuard admission;  // held from admit until the request is recorded
  overload::PoolSlot pool_slot;        // the pool's concurrency slot, same life

  // Relay buffer (BufferPool::kSize), taken on first use.
  char* relay_buffer() {
    if (!buffer_) buffer_ = worker.buffers.take();
    return buffer_.get();
  }

 private:
  std::unique_ptr<char[]> buffer_;
};

// The pipeline (pipeline.cpp): serves the request and records it. The client connection can
// carry another request afterwards when req.down.keep_alive().
boost::asio::awaitable<void> run_request(Request& req);

// Answers a request the session could not even parse (400/408/413/431), and records it.
boost::asio::awaitable<void> reject_request(Request& req, const ProxyError& err);

}  // namespace smart_router::http
