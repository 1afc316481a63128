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

BatchedLineWriter::BatchedLineWriter(int fd, bool owns_fd, prometheus::Counter* dropped)
    : fd_(fd), owns_fd_(owns_fd), dropped_counter_(dropped), thread_([this] { run(); }) {}

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
    std::memcpy(out, line.data(), line.size());
    return out + line.size();
  });
}

bool BatchedLineWriter::make_room(std::size_t bound) {
  if (pending_.size + bound > kMaxPending) {
    ++dropped_;
    if (dropped_counter_ != nullptr) dropped_counter_->Increment();
    return false;
  }
  if (pending_.size + bound <= pending_.capacity) return true;
  const auto capacity = std::max({pending_.capacity * 2, pending_.size + bound, kFirstCapacity});
  auto grown = std::make_unique_for_overwrite<char[]>(capacity);
  if (pending_.size > 0) std::memcpy(grown.get(), pending_.bytes.get(), pending_.size);
  pending_.bytes = std::move(grown);
  pending_.capacity = capacity;
  return true;
}

std::uint64_t BatchedLineWriter::dropped() const {
  const std::lock_guard lock(mu_);
  return dropped_;
}

void BatchedLineWriter::run() {
  Batch batch;  // swapped with pending_: the two keep their capacity
  std::uint64_t dropped_told = 0;
  std::unique_lock lock(mu_);
  for (;;) {
    writer_waiting_ = true;
    wake_.wait(lock, [this] { return stop_ || pending_.size > 0; });
    writer_waiting_ = false;
    if (!stop_) {  // let a batch gather: one write for all the lines of kBatchDelay
      lock.unlock();
      std::this_thread::sleep_for(kBatchDelay);
      lock.lock();
    }
    std::swap(batch, pending_);
    const bool stopping = stop_;
    const std::uint64_t dropped_now = dropped_;
    lock.unlock();
    write_all(fd_, {batch.bytes.get(), batch.size});
    if (dropped_now != dropped_told) {  // once a batch, not once a line
      spdlog::warn(
          "access log: {} lines dropped ({} in all): its target takes them slower "
          "than they come",
          dropped_now - dropped_told, dropped_now);
      dropped_told = dropped_now;
    }
    batch.size = 0;
    lock.lock();
    if (stopping && pending_.size == 0) return;
  }
}

}  // namespace smart_router::observability
