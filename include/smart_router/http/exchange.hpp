// One request/response exchange: the downstream I/O handles, the snapshot it runs on, the
// decisions of each pipeline phase and what happened. Lives in the session's coroutine frame.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "smart_router/common/deadline_watch.hpp"
#include "smart_router/common/error.hpp"
#include "smart_router/common/stream.hpp"
#include "smart_router/http/flat_fields.hpp"
#include "smart_router/http/router_context.hpp"

namespace smart_router::http {

using RequestParser = boost::beast::http::request_parser<boost::beast::http::buffer_body>;
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
};

struct Exchange {
  Exchange(Stream& c, boost::beast::flat_buffer& cb, RequestParser& r, DeadlineWatch& w,
           WorkerResources& wr, const RouterSnapshot& s, const std::string& ip,
           const boost::asio::ip::address& p, ConnectionScratch& scratch)
      : client(c),
        client_buffer(cb),
        request(r),
        watch(w),
        worker(wr),
        snap(s),
        client_ip(ip),
        peer(p),
        request_id(scratch.request_id),
        head(scratch.head),
        response_fields(scratch.response_fields) {}
  Exchange(const Exchange&) = delete;
  Exchange& operator=(const Exchange&) = delete;

  // Downstream side (owned by the session).
  Stream& client;
  boost::beast::flat_buffer& client_buffer;
  RequestParser& request;
  DeadlineWatch& watch;
  WorkerResources& worker;
  const RouterSnapshot& snap;
  const std::string& client_ip;
  boost::asio::ip::address peer;
  bool tls = false;
  bool admin_only = false;  // the admin listener answers /health /ready /metrics only

  // Decisions of the pipeline phases.
  std::string& request_id;  // the client's acceptable one, or generated
  std::string_view path;    // normalised path: what routes match and the upstream gets
  std::string_view target;  // normalised path + query
  std::string normalized;   // backs path/target when normalising changed the target
  Clock::time_point started = Clock::now();
  Clock::time_point deadline = Clock::time_point::max();  // tier timeout_ms, retries included
  Clock::time_point sending_at;  // when this attempt's request goes out (one clock read)
  const ClassRuntime* cls = nullptr;
  const PoolRuntime* pool = nullptr;
  const config::Route* route = nullptr;
  bool client_keep_alive = true;
  bool client_http10 = false;
  bool expects_continue = false;

  // What happened.
  unsigned status = 0;
  bool response_started = false;  // bytes of the response reached the client socket
  std::uint64_t bytes_sent = 0;
  std::uint32_t attempts = 0;
  Clock::duration queue_wait{};  // waiting for a slot of the pool
  const upstream::Endpoint* last_endpoint = nullptr;
  std::string_view error_code;  // the router's own error, if it answered one

  std::string& head;               // message heads are rendered here
  FlatFields& response_fields;     // the upstream response's fields
  std::unique_ptr<char[]> buffer;  // relay buffer (BufferPool::kSize), taken on first use

  char* relay_buffer() {
    if (!buffer) buffer = worker.buffers.take();
    return buffer.get();
  }
  ~Exchange() { worker.buffers.give(std::move(buffer)); }
};

// The pipeline, as named phases (pipeline.cpp). Returns whether the client connection can carry
// another request.
boost::asio::awaitable<bool> run_exchange(Exchange& ex);

// Answers a request the session could not even parse (400/408/413/431), and records it.
boost::asio::awaitable<void> reject_request(Exchange& ex, ErrorKind kind, std::string message);

// Writes the router's own error (if nothing was sent yet) and records the code.
boost::asio::awaitable<void> send_error(Exchange& ex, const ProxyError& err);

// Forwards to the exchange's pool with retries and relays the answer (forwarder.cpp).
boost::asio::awaitable<void> forward(Exchange& ex);

}  // namespace smart_router::http
