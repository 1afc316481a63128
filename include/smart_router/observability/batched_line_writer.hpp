// Lines written to a file (or stdout) by a thread of their own, in batches. Each thread that
// appends has a batch of its own (as each nginx worker has its log buffer), so workers never
// contend with each other: a line is formatted in place at the end of its thread's batch, under
// a lock only the writer thread ever takes besides, for the moment it swaps the batch out. No
// syscall, no copy, no allocation once a batch has grown. The writer thread writes what has
// gathered with one write() per thread's batch, at most kBatchDelay after a batch's first line,
// so a slow disk never blocks a worker. When kMaxPending bytes of one thread wait, its new lines
// are dropped, counted (the counter given, smart_router_access_log_dropped_lines_total) and
// warned of once a batch: a worker never blocks. Lines of one thread keep their order; within
// kBatchDelay, lines of different threads are written thread by thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace prometheus {
class Counter;
}

namespace smart_router::observability {

class BatchedLineWriter {
 public:
  static constexpr std::chrono::milliseconds kBatchDelay{5};
  static constexpr std::size_t kMaxPending = 4u << 20;  // per appending thread

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

  // One line formatted straight into this thread's batch: `format(char* out)` writes at most
  // `bound` bytes, the line and its '\n', and returns where it stopped.
  template <class Format>
  void append_formatted(std::size_t bound, Format&& format) {
    Shard& shard = local_shard();
    bool first = false;
    {
      const SpinGuard guard(shard.busy);
      Batch& batch = shard.batch;
      make_room(batch, bound);
      char* const start = batch.bytes.get() + batch.size;
      const auto n = static_cast<std::size_t>(format(start) - start);
      if (batch.size + n > kMaxPending) {
        count_drop();
        return;
      }
      first = batch.size == 0;
      batch.size += n;
    }
    if (first) announce();
  }

  std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

 private:
  // Bytes gathered for one write(): a plain array, so that a line is formatted in place.
  struct Batch {
    std::unique_ptr<char[]> bytes;
    std::size_t size = 0;
    std::size_t capacity = 0;
  };
  // One appending thread's batch. `busy` is taken by that thread for a line and by the writer
  // thread to swap the batch out: it is almost never contended, so a spin is all it needs.
  struct alignas(64) Shard {
    std::atomic_flag busy;
    Batch batch;
    std::thread::id owner;
  };
  class SpinGuard {
   public:
    explicit SpinGuard(std::atomic_flag& flag) : flag_(flag) {
      while (flag_.test_and_set(std::memory_order_acquire)) std::this_thread::yield();
    }
    ~SpinGuard() { flag_.clear(std::memory_order_release); }
    SpinGuard(const SpinGuard&) = delete;
    SpinGuard& operator=(const SpinGuard&) = delete;

   private:
    std::atomic_flag& flag_;
  };

  static constexpr std::size_t kFirstCapacity = 64u << 10;

  Shard& local_shard();                                    // this thread's, made on its first line
  static void make_room(Batch& batch, std::size_t bound);  // capacity for `bound` more bytes
  void count_drop();
  void announce();  // a batch got its first line: wake the writer thread if it sleeps
  void run();
  // Swaps out every thread's batch and writes it (`shards`: the writer thread's scratch).
  void write_batches(Batch& spare, std::vector<Shard*>& shards);

  const std::uint64_t id_;  // unique per writer: what a thread's cached shard belongs to
  int fd_;
  bool owns_fd_;
  prometheus::Counter* dropped_counter_;
  std::mutex mu_;  // shards_, stop_, and the sleep of the writer thread
  std::condition_variable wake_;
  std::vector<std::unique_ptr<Shard>> shards_;
  bool stop_ = false;
  std::atomic<bool> lines_waiting_{false};  // some batch got a line since the writer looked
  std::atomic<bool> writer_idle_{false};    // the writer thread waits for lines_waiting_
  std::atomic<std::uint64_t> dropped_{0};
  std::thread thread_;
};

}  // namespace smart_router::observability
