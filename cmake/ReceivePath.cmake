# Chooses how include/smart_router/common/drained_receive.hpp reads a socket: through Asio's
# private reactor interface (one recv fewer per wait, written for Boost 1.81), or with Asio's
# public read (SR_PORTABLE_RECEIVE=ON). The private path is used only where it is known to
# work: Boost 1.81, and a test instantiation compiles; otherwise the build says so and falls
# back. Sets SR_RECEIVE_PORTABLE (ON/OFF) for src/CMakeLists.txt.
option(SR_PORTABLE_RECEIVE "Read sockets with Asio's public interface only (see drained_receive.hpp)" OFF)

set(SR_RECEIVE_PORTABLE ${SR_PORTABLE_RECEIVE})
if(NOT SR_RECEIVE_PORTABLE)
  if(Boost_VERSION VERSION_LESS 1.81 OR Boost_VERSION VERSION_GREATER_EQUAL 1.82)
    message(WARNING "drained receive: written for Boost 1.81, found ${Boost_VERSION}; "
                    "using the portable socket read (SR_PORTABLE_RECEIVE)")
    set(SR_RECEIVE_PORTABLE ON)
  else()
    include(CheckCXXSourceCompiles)
    set(CMAKE_REQUIRED_INCLUDES ${PROJECT_SOURCE_DIR}/include ${Boost_INCLUDE_DIRS})
    set(CMAKE_REQUIRED_DEFINITIONS -DSR_PORTABLE_RECEIVE=0)
    set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)  # compile only: Asio is not linked here
    check_cxx_source_compiles([[
#include "smart_router/common/drained_receive.hpp"
void read_once(boost::asio::ip::tcp::socket& s, char* b) {
  smart_router::async_receive_drained(s, smart_router::reactor_of(s), boost::asio::buffer(b, 1),
                                      true, [](boost::system::error_code, std::size_t) {});
}
]] SR_RECEIVE_REACTOR_COMPILES)
    unset(CMAKE_TRY_COMPILE_TARGET_TYPE)
    unset(CMAKE_REQUIRED_DEFINITIONS)
    unset(CMAKE_REQUIRED_INCLUDES)
    if(NOT SR_RECEIVE_REACTOR_COMPILES)
      message(WARNING "drained receive: Asio's private reactor interface does not compile with "
                      "this Boost; using the portable socket read (SR_PORTABLE_RECEIVE)")
      set(SR_RECEIVE_PORTABLE ON)
    endif()
  endif()
endif()
if(SR_RECEIVE_PORTABLE)
  message(STATUS "drained receive: portable socket read")
else()
  message(STATUS "drained receive: Asio reactor, private interface (Boost ${Boost_VERSION})")
endif()
