// A request Body that keeps nothing: it counts the bytes and hashes them as the parser hands them
// over, so an upload of any size costs only the connection's read buffer.
#pragma once

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/optional.hpp>
#include <cstddef>
#include <cstdint>

#include "asio.hpp"
#include "fnv1a.hpp"

namespace mock_upstream {

struct HashingBody {
  struct value_type {
    std::uint64_t bytes = 0;
    Fnv1a64 hash;
  };

  class reader {
   public:
    template <bool isRequest, class Fields>
    reader(http::header<isRequest, Fields>& /*header*/, value_type& body) : body_(body) {}

    void init(const boost::optional<std::uint64_t>& /*content_length*/, beast::error_code& ec) {
      ec = {};
    }

    template <class ConstBufferSequence>
    std::size_t put(const ConstBufferSequence& buffers, beast::error_code& ec) {
      std::size_t total = 0;
      for (auto it = net::buffer_sequence_begin(buffers); it != net::buffer_sequence_end(buffers);
           ++it) {
        const net::const_buffer chunk = *it;
        body_.hash.update(chunk.data(), chunk.size());
        total += chunk.size();
      }
      body_.bytes += total;
      ec = {};
      return total;
    }

    void finish(beast::error_code& ec) { ec = {}; }

   private:
    value_type& body_;
  };
};

}  // namespace mock_upstream
