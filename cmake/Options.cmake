# sr_options: warnings, -Werror and sanitizers for our own targets only (Boost stays a system include).
add_library(sr_options INTERFACE)
target_compile_options(sr_options INTERFACE -Wall -Wextra -Werror -Wshadow -Wnon-virtual-dtor
                                            -Woverloaded-virtual
                                            # g++ 12 false positive on Asio coroutine frames
                                            # (awaitable_frame_base::operator delete).
                                            -Wno-mismatched-new-delete)
# Release builds: keep frame pointers so perf and ASan stacks stay readable.
target_compile_options(sr_options INTERFACE -fno-omit-frame-pointer)
if(SR_SANITIZE)
  # g++ 12 reports false -Wmaybe-uninitialized inside <regex> once sanitizers instrument it.
  target_compile_options(sr_options INTERFACE -fsanitize=address,undefined -fno-sanitize-recover=all
                                              -Wno-maybe-uninitialized)
  target_link_options(sr_options INTERFACE -fsanitize=address,undefined)
endif()
