// The client's side of one request: where its body is read from and the one way its answer
// leaves the router. Every byte the client receives goes through a Downstream: the router's own
// answers (answer, send_continue) and the upstream's relayed answer (relay_answer, tunnel).
// It is per request, not per connection: an HTTP/2 stream would be another Downstream on the
// same connection.
#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <chrono>
#include <string>

#include "smart_router/common/deadline_watch.hpp"
#include "smart_router/common/stream.hpp"
#include "smart_router/http/header_rules.hpp"
#include "smart_router/http/local_answer.hpp"
#include "smart_router/http/request_parser.hpp"

namespace smart_router::upstream {
struct UpstreamConnection;
}

namespace smart_router::http {

class BufferPool;
class ResponseHeadParser;

// What the connection a request arrived on is: fixed for all its requests.
struct ClientConnection {
  Stream& stream;
  boost::beast::flat_buffer& buffer;  // bytes read from the client, not yet parsed
  DeadlineWatch& watch;
  const boost::asio::ip::address& peer;
  const std::string& client_ip;
  bool tls = false;
  bool admin_only = false;  // the admin listener: /health /ready /metrics /debug/* only
  // The router drains (SIGTERM): every answer from then on ends its connection, and says so.
  const std::atomic<bool>* draining = nullptr;
};

// How a relayed answer is framed towards the client, decided from the upstream's head.
struct ClientFraming {
  BodyFraming upstream = BodyFraming::none;  // how the upstream's body arrives
  ClientResponseHead head;                   // what the client is told
  // A 1xx, 204 or 304 whose head claimed a body anyway (chunked, a length): none is relayed,
  // and the upstream connection, whatever it holds next, is not used again.
  bool bogus_body = false;
};
ClientFraming plan_client_framing(const ResponseHeadParser& rp, bool head_request,
                                  bool client_http10, bool keep_alive);

class Downstream {
 public:
  Downstream(const ClientConnection& conn, RequestParser& request, std::string& head_scratch,
             std::chrono::milliseconds idle)
      : conn_(conn), request_(request), head_(head_scratch), idle_(idle) {}
  Downstream(const Downstream&) = delete;
  Downstream& operator=(const Downstream&) = delete;

  const ClientConnection& connection() const { return conn_; }
  RequestParser& request() { return request_; }
  const RequestParser& request() const { return request_; }
  std::chrono::milliseconds idle_timeout() const { return idle_; }

  // --- the answer path -------------------------------------------------------------------
  // The router's own answer. Nothing is written once the upstream's answer has started (the
  // connection is closed instead: the only signal left).
  boost::asio::awaitable<void> answer(const LocalAnswer& a, std::string_view request_id);
  // 100 Continue before a body is read (the upstream never sees Expect). False: client gone.
  boost::asio::awaitable<bool> send_continue();
  // The upstream's answer: its head (rendered for the client) and then its body. Returns
  // whether the upstream connection has read the answer to its end and may carry another.
  // After a 101, bytes flow both ways untouched until either side closes.
  boost::asio::awaitable<bool> relay_answer(upstream::UpstreamConnection& from,
                                            ResponseHeadParser& rp, std::string_view request_id,
                                            char* buffer, BufferPool& buffers);

  // --- the connection's fate -------------------------------------------------------------
  bool keep_alive() const { return keep_alive_; }
  void close_after() { keep_alive_ = false; }
  void set_keep_alive(bool k) { keep_alive_ = k; }
  bool http10() const { return http10_; }
  void set_http10(bool v) { http10_ = v; }
  bool answer_started() const { return started_; }
  std::uint64_t bytes_sent() const { return bytes_sent_; }

 private:
  const ClientConnection& conn_;
  RequestParser& request_;
  std::string& head_;  // heads are rendered here (the connection's scratch)
  std::chrono::milliseconds idle_;

  bool draining() const {
    return conn_.draining != nullptr && conn_.draining->load(std::memory_order_relaxed);
  }
  boost::asio::awaitable<void> tunnel(upstream::UpstreamConnection& to, char* buffer,
                                      BufferPool& buffers);

  bool keep_alive_ = true;
  bool http10_ = false;
  bool started_ = false;  // bytes of the answer reached the client socket
  std::uint64_t bytes_sent_ = 0;
};

}  // namespace smart_router::http
