// A client connection: the keep-alive loop that reads each request head under its deadlines and
// hands the request to the pipeline.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <list>
#include <string>

#include "smart_router/common/deadline_watch.hpp"
#include "smart_router/common/stream.hpp"
#include "smart_router/http/request.hpp"

namespace smart_router::server {

class Worker;

struct Session {
  Session(boost::asio::ip::tcp::socket s, Worker& w, bool admin);

  Stream stream;
  std::shared_ptr<boost::asio::ssl::context> tls;  // keeps the TLS context of this connection
  boost::beast::flat_buffer buffer;
  DeadlineWatch watch;
  Worker& worker;
  bool admin_only;
  bool idle = false;  // waiting for the next request (drain closes it at once)
  boost::asio::ip::address peer;
  std::string client_ip;
  http::ConnectionScratch scratch;  // reused by every request of this connection
  std::list<Session*>::iterator registry_pos;
};

// Takes ownership of an accepted socket and runs the session on the worker's io_context.
void start_session(boost::asio::ip::tcp::socket socket, Worker& worker, bool admin_only);

}  // namespace smart_router::server
