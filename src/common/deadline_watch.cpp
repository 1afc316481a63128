#include "smart_router/common/deadline_watch.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace smart_router {

boost::asio::awaitable<void> DeadlineWatch::run() {
  while (!stopped_) {
    armed_ = deadline_;
    timer_.expires_at(armed_);
    co_await timer_.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    if (stopped_) break;
    if (deadline_ != clock::time_point::max() && clock::now() >= deadline_) fire();
  }
  armed_ = clock::time_point::max();
}

void DeadlineWatch::fire() {
  deadline_ = clock::time_point::max();
  fired_ = true;
  boost::system::error_code ignored;
  if (action_ == Action::cancel_client || action_ == Action::close_both) {
    if (client_ != nullptr) client_->cancel(ignored);
  }
  if (action_ == Action::close_upstream || action_ == Action::close_both) {
    if (upstream_ != nullptr) upstream_->close(ignored);
  }
  if (action_ == Action::close_both && client_ != nullptr) client_->close(ignored);
}

}  // namespace smart_router
