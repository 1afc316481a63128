// A TCP connection that may carry TLS. It is an AsyncReadStream/AsyncWriteStream either way, so
// the parser, the body relay and the tunnel are written once for plain and TLS connections.
#pragma once

#include <boost/asio/async_result.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <memory>

#include "smart_router/common/drained_receive.hpp"

namespace smart_router {

class Stream {
 public:
  using executor_type = boost::asio::any_io_executor;
  using lowest_layer_type = boost::asio::ip::tcp::socket;

  explicit Stream(boost::asio::ip::tcp::socket socket) : socket_(std::move(socket)) {}
  explicit Stream(const executor_type& ex) : socket_(ex) {}
  Stream(const Stream&) = delete;  // the TLS layer holds a reference to socket_
  Stream& operator=(const Stream&) = delete;

  // Wraps the socket in TLS; do the handshake next.
  void enable_tls(boost::asio::ssl::context& ctx) {
    tls_ = std::make_unique<boost::asio::ssl::stream<boost::asio::ip::tcp::socket&>>(socket_, ctx);
  }
  bool is_tls() const { return tls_ != nullptr; }
  boost::asio::ssl::stream<boost::asio::ip::tcp::socket&>* tls() { return tls_.get(); }

  boost::asio::ip::tcp::socket& socket() { return socket_; }
  // The reactor behind the socket, looked up once (for async_receive_drained).
  ReceiveReactor& reactor() {
    if (reactor_ == nullptr) reactor_ = &reactor_of(socket_);
    return *reactor_;
  }
  lowest_layer_type& lowest_layer() { return socket_; }
  executor_type get_executor() { return socket_.get_executor(); }

  template <typename MutableBuffers, typename Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
        [this](auto handler, const MutableBuffers& b) {
          if (tls_)
            tls_->async_read_some(b, std::move(handler));
          else
            socket_.async_read_some(b, std::move(handler));
        },
        token, buffers);
  }

  template <typename ConstBuffers, typename Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
        [this](auto handler, const ConstBuffers& b) {
          if (tls_)
            tls_->async_write_some(b, std::move(handler));
          else
            socket_.async_write_some(b, std::move(handler));
        },
        token, buffers);
  }

 private:
  boost::asio::ip::tcp::socket socket_;
  std::unique_ptr<boost::asio::ssl::stream<boost::asio::ip::tcp::socket&>> tls_;
  ReceiveReactor* reactor_ = nullptr;
};

}  // namespace smart_router
