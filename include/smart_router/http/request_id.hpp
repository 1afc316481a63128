// Request ids: kept when the client sent an acceptable one, else generated (UUID v4 text).
#pragma once

#include <string>

namespace smart_router::http {

// A fresh random id in UUID v4 form, written over `out` (whose capacity a connection reuses:
// no allocation); cheap (thread-local generator, no locks, no syscalls).
void generate_request_id(std::string& out);

}  // namespace smart_router::http
