// Request ids: kept when the client sent an acceptable one, else generated (UUID v4 text).
#pragma once

#include <string>

namespace smart_router::http {

// A fresh random id in UUID v4 form; cheap (thread-local generator, no locks, no syscalls).
std::string generate_request_id();
// The same, written over `out` (whose capacity a connection reuses: no allocation).
void generate_request_id(std::string& out);

}  // namespace smart_router::http
