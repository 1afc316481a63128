#include "smart_router/observability/batched_line_writer.hpp"

#include <fcntl.h>
#include <prometheus/counter.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace smart_router::observability {
namespace {

// Writes all of `data`; what a failing descriptor does not take is lost (a log never stops
// the router).
void write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const auto n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace

std::unique_ptr<BatchedLineWriter> BatchedLineWriter::open(const std::string& target,
                                                           prometheus::Counter* dropped) {
  if (target == "stdout") return std::make_unique<BatchedLineWriter>(STDOUT_FILENO, false, dropped);
  const auto dir = std::filesystem::path(target).parent_path();
  std::error_code ignored;  // a directory that cannot be made shows as the open's error
  if (!dir.empty()) std::filesystem::create_directories(dir, ignored);
  const int fd = ::open(target.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot open " + target + ": " + std::strerror(errno));
  return std::make_unique<BatchedLineWriter>(fd, true, dropped);
}

namespace {
std::atomic<std::uint64_t> next_writer_id{1};
}  // namespace

BatchedLineWriter::BatchedLineWriter(int fd, bool owns_fd, prometheus::Counter* dropped)
    : id_(next_writer_id.fetch_add(1, std::memory_order_relaxed)),
      fd_(fd),
      owns_fd_(owns_fd),
      dropped_counter_(dropped),
      thread_([this] { run(); }) {}

BatchedLineWriter::~BatchedLineWriter() {
  {
    const std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_one();
  thread_.join();
  if (owns_fd_) ::close(fd_);
}

void BatchedLineWriter::append(std::string_view line) {
  append_formatted(line.size(), [line](char* out) {
    if (!line.empty()) std::memcpy(out, line.data(), line.size());
    return out + line.size();
  });
}

BatchedLineWriter::Shard& BatchedLineWriter::local_shard() {
  // The last writer this thread appended to, and its shard there. A thread that alternates
  // between two writers (an access log replaced by a reload, while requests that began before
  // it finish) finds its shard again instead of making one per switch.
  thread_local std::uint64_t cached_writer = 0;
  thread_local Shard* cached_shard = nullptr;
  if (cached_writer == id_) return *cached_shard;
  const auto me = std::this_thread::get_id();
  const std::lock_guard lock(mu_);
  Shard* shard = nullptr;
  for (const auto& s : shards_)
    if (s->owner == me) shard = s.get();
  if (shard == nullptr) {
    shards_.push_back(std::make_unique<Shard>());
    shard = shards_.back().get();
    shard->owner = me;
  }
  cached_writer = id_;
  cached_shard = shard;
  return *shard;
}

void BatchedLineWriter::make_room(Batch& batch, std::size_t bound) {
  const std::size_t needed = batch.size + bound;
  if (needed <= batch.capacity) return;
  // Doubling stops at kMaxPending: a batch that full drops its lines, and must not double to
  // 8 MiB for the one line that is then dropped.
  const auto capacity =
      std::max(needed, std::min(std::max(batch.capacity * 2, kFirstCapacity), kMaxPending));
  auto grown = std::make_unique_for_overwrite<char[]>(capacity);
  if (batch.size > 0) std::memcpy(grown.get(), batch.bytes.get(), batch.size);
  batch.bytes = std::move(grown);
  batch.capacity = capacity;
}

void BatchedLineWriter::count_drop() {
  dropped_.fetch_add(1, std::memory_order_relaxed);
  if (dropped_counter_ != nullptr) dropped_counter_->Increment();
}

void BatchedLineWriter::announce() {
  // With writer_idle_ in run(): seq_cst on both sides, so either the writer sees the flag
  // before it sleeps or this sees the writer asleep and wakes it (the notify under mu_).
  lines_waiting_.store(true);
  if (writer_idle_.load()) {
    const std::lock_guard lock(mu_);
    wake_.notify_one();
  }
}

void BatchedLineWriter::write_batches(Batch& spare, std::vector<Shard*>& shards) {
  {
    const std::lock_guard lock(mu_);  // not over the writes: a new thread's shard waits on it
    shards.clear();
    for (const auto& s : shards_) shards.push_back(s.get());
  }
  for (Shard* shard : shards) {
    {
      const SpinGuard guard(shard->busy);
      std::swap(spare, shard->batch);
    }
    write_all(fd_, {spare.bytes.get(), spare.size});
    spare.size = 0;
  }
}

void BatchedLineWriter::run() {
  Batch spare;  // swapped with each thread's batch in turn: they all keep their capacity
  std::vector<Shard*> shards;  // reused: no allocation a cycle
  std::uint64_t dropped_told = 0;
  for (;;) {
    bool stopping = false;
    {
      std::unique_lock lock(mu_);
      writer_idle_.store(true);
      wake_.wait(lock, [this] { return stop_ || lines_waiting_.load(); });
      writer_idle_.store(false);
      if (!stop_) {  // let a batch gather: one write for all the lines of kBatchDelay
        lock.unlock();
        std::this_thread::sleep_for(kBatchDelay);
        lock.lock();
      }
      stopping = stop_;
    }
    lines_waiting_.store(false);  // before the swaps: a line after one announces itself again
    write_batches(spare, shards);
    const std::uint64_t dropped_now = dropped();
    if (dropped_now != dropped_told) {  // once a batch, not once a line
      spdlog::warn(
          "access log: {} lines dropped ({} in all): its target takes them slower "
          "than they come",
          dropped_now - dropped_told, dropped_now);
      dropped_told = dropped_now;
    }
    if (stopping) return;
  }
}

}  // namespace smart_router::observability
