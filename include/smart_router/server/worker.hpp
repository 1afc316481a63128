// One worker: an io_context run by one thread, its listeners, its sessions and its upstream
// connection pool. Workers share nothing on the hot path but the published snapshot and a few
// atomics.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <list>
#include <memory>
#include <string>
#include <vector>

#include "smart_router/http/router_context.hpp"

namespace smart_router::server {

struct Session;

class Worker {
 public:
  Worker(http::RouterContext& ctx, std::size_t index);

  boost::asio::io_context& ioc() { return ioc_; }
  http::WorkerResources& resources() { return resources_; }
  std::size_t index() const { return index_; }

  // Binds a listener (SO_REUSEPORT, so every worker can bind the same address) and starts its
  // accept loop; returns the bound address (port 0: the port the kernel picked, for the other
  // workers to bind). Throws boost::system::system_error when the address cannot be bound.
  boost::asio::ip::tcp::endpoint listen(const boost::asio::ip::tcp::endpoint& at, bool admin_only);

  // On this worker's thread: close connections waiting for their next request.
  void begin_drain();
  // Connections still open (read from any thread).
  std::size_t open_sessions() const { return open_sessions_.load(); }
  // On this worker's thread, at the end of a drain: serves what the kernel has queued, then
  // closes the listeners (a connection still queued at the close is reset, so this happens
  // while the worker runs, never by exit).
  void close_listeners();
  bool listeners_closed() const { return listeners_closed_.load(); }

  // Session bookkeeping (worker thread only).
  std::list<Session*>::iterator add_session(Session* s);
  void remove_session(std::list<Session*>::iterator it);

  // The buffer a connection renders heads into (ConnectionScratch::head, 1 KiB), lent to the
  // worker while the connection waits idle for its next request and taken back when it comes:
  // 10,000 idle keep-alive connections hold none (worker thread only).
  void lend_head_buffer(std::string buffer);
  std::string take_head_buffer();

 private:
  // One thread runs it and does all I/O of its objects, so the reactor needs no I/O locks.
  boost::asio::io_context ioc_{BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO};
  http::WorkerResources resources_;
  std::size_t index_;
  struct Listener {
    std::unique_ptr<boost::asio::ip::tcp::acceptor> acceptor;
    bool admin_only = false;
  };
  std::vector<Listener> listeners_;
  std::list<Session*> sessions_;
  std::vector<std::string> head_buffers_;  // lent by idle connections
  std::atomic<std::size_t> open_sessions_{0};
  std::atomic<bool> listeners_closed_{false};
};

// Throws when another process already listens on `at` (checked before the workers bind).
void ensure_address_free(const boost::asio::ip::tcp::endpoint& at);

// Parses "host:port", "[v6]:port" or "*:port" into an endpoint (resolving a host name).
boost::asio::ip::tcp::endpoint parse_listen_address(const std::string& listen);

}  // namespace smart_router::server
