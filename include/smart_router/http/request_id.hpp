// Request ids: kept when the client sent an acceptable one, else generated (UUID v4 text).
#pragma once

#include <string>
#include <string_view>

namespace smart_router::http {

// A fresh random id in UUID v4 form, written over `out` (whose capacity a connection reuses:
// no allocation); cheap (thread-local generator, no locks, no syscalls).
void generate_request_id(std::string& out);

// An X-Request-Id we keep as is: 1..128 visible ASCII characters without separators that would
// break a log line or a header. Anything else is replaced by a generated id.
bool is_acceptable_request_id(std::string_view id);

}  // namespace smart_router::http
