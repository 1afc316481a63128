#pragma once
// A socket read that, like nginx, remembers when a socket has been drained.
//
// Asio's epoll reactor tries an async read at once ("speculatively") whenever epoll has
// reported the socket readable since the last read that drained it. But its recv counts a
// socket as drained only at EOF, so nearly every wait starts with a recv that fails with
// EAGAIN: the wait for a kept-alive client's next request, sent just after our answer, cost
// one such recv per request (1.3 per request with the upstream's, measured with
// bench/syscalls-per-request.sh). This operation reports a short read as drained
// (done_and_exhausted), so the reactor skips the try until epoll says there is more, and it
// can be told that the caller has just seen EAGAIN itself (`known_empty`), so no try at all.
//
// (One case counts wrongly: a recv stops short before TCP urgent data, so a peer that sends
// some makes its own connection wait for more bytes or its timeout. HTTP does not use it.)
//
// It plugs into Boost 1.81's reactor the way Asio's own reactive_socket_recv_op does (Debian
// 12 pins that version). `known_empty` is sound only because each worker runs its io_context
// on one thread: between the caller's EAGAIN and this operation being queued, no epoll_wait
// can consume the edge of newly arrived bytes, so that edge is still there to wake the read.
//
// This file is the only one that uses Asio's private interface (basic_socket::impl_, the
// reactor's start_op). SR_PORTABLE_RECEIVE=1 selects a portable read with the same interface
// and behaviour, one EAGAIN recv more per wait: the build selects it (cmake/ReceivePath.cmake)
// when asked to, when Boost is not 1.81, or when the private path does not compile. CI builds
// and tests both.
#include <boost/asio/ip/tcp.hpp>
#include <boost/version.hpp>

#ifndef SR_PORTABLE_RECEIVE  // not chosen by the build: the private path only on Boost 1.81
#if BOOST_VERSION / 100 == 1081
#define SR_PORTABLE_RECEIVE 0
#else
#define SR_PORTABLE_RECEIVE 1
#endif
#endif

#if SR_PORTABLE_RECEIVE

#include <utility>

namespace smart_router {

// The portable read needs nothing beyond the socket.
struct ReceiveReactor {};

inline ReceiveReactor& reactor_of(boost::asio::ip::tcp::socket& /*socket*/) {
  static ReceiveReactor none;
  return none;
}

// Asio's own read: it tries a recv before every wait, also when `known_empty`.
template <typename Token>
auto async_receive_drained(boost::asio::ip::tcp::socket& socket, ReceiveReactor& /*reactor*/,
                           boost::asio::mutable_buffer buffer, bool /*known_empty*/,
                           Token&& token) {
  return socket.async_read_some(buffer, std::forward<Token>(token));
}

}  // namespace smart_router

#else  // the private path

#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/detail/bind_handler.hpp>
#include <boost/asio/detail/fenced_block.hpp>
#include <boost/asio/detail/handler_alloc_helpers.hpp>
#include <boost/asio/detail/handler_work.hpp>
#include <boost/asio/detail/memory.hpp>
#include <boost/asio/detail/reactor.hpp>
#include <boost/asio/detail/reactor_op.hpp>
#include <boost/asio/detail/socket_ops.hpp>

namespace smart_router {
namespace detail {

namespace ad = boost::asio::detail;

// Reaches the socket's reactor state (protected in basic_socket) through a pointer to member,
// which the language allows a derived class to form.
struct SocketInternals : boost::asio::ip::tcp::socket {
  static auto& io_object(boost::asio::ip::tcp::socket& s) { return s.*(&SocketInternals::impl_); }
};

template <typename Handler, typename IoExecutor>
class DrainedReceiveOp : public ad::reactor_op {
 public:
  BOOST_ASIO_DEFINE_HANDLER_PTR(DrainedReceiveOp);

  DrainedReceiveOp(ad::socket_type socket, boost::asio::mutable_buffer buffer, bool known_empty,
                   Handler& handler, const IoExecutor& io_ex)
      : ad::reactor_op(boost::system::error_code(), &DrainedReceiveOp::do_perform,
                       &DrainedReceiveOp::do_complete),
        socket_(socket),
        buffer_(buffer),
        handler_(std::move(handler)),
        work_(handler_, io_ex),
        skip_try_(known_empty) {}

  static status do_perform(ad::reactor_op* base) {
    auto* o = static_cast<DrainedReceiveOp*>(base);
    if (o->skip_try_) return not_done;  // start_op's try, just after the caller's own EAGAIN
    if (!ad::socket_ops::non_blocking_recv1(o->socket_, o->buffer_.data(), o->buffer_.size(), 0,
                                            true, o->ec_, o->bytes_transferred_))
      return not_done;
    // Fewer bytes than asked for: the kernel had no more, so wait for epoll. (EOF and errors
    // read 0 bytes: drained too, as Asio's own read says.)
    return o->bytes_transferred_ < o->buffer_.size() ? done_and_exhausted : done;
  }

  static void do_complete(void* owner, ad::operation* base, const boost::system::error_code&,
                          std::size_t) {
    auto* o = static_cast<DrainedReceiveOp*>(base);
    ptr p = {ad::addressof(o->handler_), o, o};
    ad::handler_work<Handler, IoExecutor> w(std::move(o->work_));
    // The handler is moved out before the operation's memory is given back: it may own it.
    ad::binder2<Handler, boost::system::error_code, std::size_t> handler(o->handler_, o->ec_,
                                                                         o->bytes_transferred_);
    p.h = ad::addressof(handler.handler_);
    p.reset();
    if (owner) {
      ad::fenced_block b(ad::fenced_block::half);
      w.complete(handler, handler.handler_);
    }
  }

 private:
  ad::socket_type socket_;
  boost::asio::mutable_buffer buffer_;
  Handler handler_;
  ad::handler_work<Handler, IoExecutor> work_;

 public:
  // Set only while start_op runs: the reactor's later tries (epoll said readable) must read.
  bool skip_try_;
};

}  // namespace detail

using ReceiveReactor = detail::ad::reactor;

// The epoll reactor that serves `socket`. use_service takes a lock and searches a list: callers
// keep the answer for as long as the socket lives (Stream::reactor).
inline ReceiveReactor& reactor_of(boost::asio::ip::tcp::socket& socket) {
  return boost::asio::use_service<detail::ad::reactor>(
      detail::SocketInternals::io_object(socket).get_service().context());
}

// Reads some bytes from a plain socket into `buffer`, as socket.async_read_some does, without a
// recv that is bound to fail (see above). `reactor`: reactor_of(socket). `known_empty`: this
// thread has just read EAGAIN from the socket and has not suspended since.
template <typename Token>
auto async_receive_drained(boost::asio::ip::tcp::socket& socket, ReceiveReactor& reactor,
                           boost::asio::mutable_buffer buffer, bool known_empty, Token&& token) {
  return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
      [&socket, &reactor, buffer, known_empty](auto handler) {
        using Handler = decltype(handler);
        // An operation that can be cancelled on its own, or an empty buffer: Asio's own read.
        if (boost::asio::get_associated_cancellation_slot(handler).is_connected() ||
            buffer.size() == 0) {
          socket.async_read_some(buffer, std::move(handler));
          return;
        }
        auto& io = detail::SocketInternals::io_object(socket);
        auto& impl = io.get_implementation();
        using Op = detail::DrainedReceiveOp<Handler, boost::asio::any_io_executor>;
        const bool is_continuation = boost_asio_handler_cont_helpers::is_continuation(handler);
        typename Op::ptr p = {detail::ad::addressof(handler), Op::ptr::allocate(handler), nullptr};
        p.p = new (p.v) Op(impl.socket_, buffer, known_empty, handler, io.get_executor());
        if ((impl.state_ & detail::ad::socket_ops::non_blocking) == 0 &&
            !detail::ad::socket_ops::set_internal_non_blocking(impl.socket_, impl.state_, true,
                                                               p.p->ec_)) {
          reactor.post_immediate_completion(p.p, is_continuation);
        } else {
          // The operation is queued or posted, not run, before start_op returns: one thread
          // runs this io_context.
          auto* op = p.p;
          reactor.start_op(detail::ad::reactor::read_op, impl.socket_, impl.reactor_data_, op,
                           is_continuation, true);
          op->skip_try_ = false;
        }
        p.v = p.p = nullptr;
      },
      token);
}

}  // namespace smart_router

#endif  // SR_PORTABLE_RECEIVE
