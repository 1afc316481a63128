# sr_options: warnings, -Werror and sanitizers for our own targets only (Boost stays a system include).
add_library(sr_options INTERFACE)
target_compile_options(sr_options INTERFACE -Wall -Wextra -Werror -Wshadow -Wnon-virtual-dtor
                                            -Woverloaded-virtual
                                            # g++ 12 false positive on Asio coroutine frames
                                            # (awaitable_frame_base::operator delete).
                                            -Wno-mismatched-new-delete)
# Release builds: keep frame pointers so perf and ASan stacks stay readable.
target_compile_options(sr_options INTERFACE -fno-omit-frame-pointer)
if(SR_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "SR_FUZZ needs clang (libFuzzer): -DCMAKE_CXX_COMPILER=clang++-14")
  endif()
  # Coverage for libFuzzer in every library; the fuzz targets link -fsanitize=fuzzer (its main).
  # Not -fsanitize=function (part of "undefined" in clang 14): its prologue data on coroutine
  # functions stops the backend with "Cannot represent a difference across sections"
  # (llvm/llvm-project#49689, #54153); every other UBSan check stays.
  set(SR_FUZZ_FLAGS -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize=function
                    -fno-sanitize-recover=all)
  target_compile_options(sr_options INTERFACE ${SR_FUZZ_FLAGS})
  target_link_options(sr_options INTERFACE -fsanitize=address,undefined)
elseif(SR_SANITIZE)
  # g++ 12 reports false -Wmaybe-uninitialized inside <regex> once sanitizers instrument it.
  # -g1 (after the build type's -g, so it wins): line tables only. A sanitizer's report keeps
  # its functions, files and lines; objects are 2.6x smaller and compile ~13 % faster (CI).
  target_compile_options(sr_options INTERFACE -fsanitize=address,undefined -fno-sanitize-recover=all
                                              -Wno-maybe-uninitialized -g1)
  target_link_options(sr_options INTERFACE -fsanitize=address,undefined)
endif()
