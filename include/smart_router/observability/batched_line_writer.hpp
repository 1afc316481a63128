// Lines written to a file (or stdout) by a thread of their own, in batches. A worker appends a
// line to a buffer under a mutex: no syscall, no allocation once the buffer has grown. The
// writer thread writes what has gathered with one write() a batch, at most kBatchDelay after
// the batch's first line, so a slow disk never blocks a worker and a busy log costs one
// write() per batch, not per line. When kMaxPending bytes wait, new lines are dropped, counted
// (the counter given, smart_router_access_log_dropped_lines_total) and warned of once a batch:
// a worker never blocks.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace prometheus {
class Counter;
}

namespace smart_router::observability {

class BatchedLineWriter {
 public:
  static constexpr std::chrono::milliseconds kBatchDelay{5};
  static constexpr std::size_t kMaxPending = 4u << 20;

  // target: "stdout" or a file path (opened for appending, created with its directories).
  // Throws std::runtime_error when the file cannot be opened.
  // dropped: counts the lines dropped (may be null; must outlive the writer).
  static std::unique_ptr<BatchedLineWriter> open(const std::string& target,
                                                 prometheus::Counter* dropped = nullptr);

  BatchedLineWriter(int fd, bool owns_fd, prometheus::Counter* dropped = nullptr);
  ~BatchedLineWriter();  // writes every line appended before it, then stops
  BatchedLineWriter(const BatchedLineWriter&) = delete;
  BatchedLineWriter& operator=(const BatchedLineWriter&) = delete;

  void append(std::string_view line);  // one line, ending in its '\n'

  // One line formatted straight into the batch, under the lock (no copy; no allocation once
  // the batch has grown): `format(char* out)` writes at most `bound` bytes, the line and its
  // '\n', and returns where it stopped.
  template <class Format>
  void append_formatted(std::size_t bound, Format&& format) {
    const std::lock_guard lock(mu_);
    if (!make_room(bound)) return;
    char* const start = pending_.bytes.get() + pending_.size;
    pending_.size += static_cast<std::size_t>(format(start) - start);
    if (writer_waiting_) wake_.notify_one();
  }

  std::uint64_t dropped() const;

 private:
  // Bytes gathered for one write(): a plain array, so that a line is formatted in place.
  struct Batch {
    std::unique_ptr<char[]> bytes;
    std::size_t size = 0;
    std::size_t capacity = 0;
  };

  static constexpr std::size_t kFirstCapacity = 64u << 10;

  void run();
  bool make_room(std::size_t bound);  // under mu_; false: the line is dropped (and counted)

  int fd_;
  bool owns_fd_;
  prometheus::Counter* dropped_counter_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  Batch pending_;
  bool writer_waiting_ = false;  // the writer waits for a first line: append wakes it
  bool stop_ = false;
  std::uint64_t dropped_ = 0;
  std::thread thread_;
};

}  // namespace smart_router::observability
