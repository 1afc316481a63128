#include "smart_router/overload/priority_levels.hpp"

#include <algorithm>

namespace smart_router::overload {

std::int64_t PriorityCounters::total() const {
  std::int64_t sum = 0;
  for (const auto& c : counts_) sum += c.load(std::memory_order_relaxed);
  return sum;
}

PrioritySlots::PrioritySlots(const std::vector<int>& priorities) : values_(priorities) {
  std::sort(values_.begin(), values_.end());
  values_.erase(std::unique(values_.begin(), values_.end()), values_.end());
  if (values_.size() > kMaxPriorityLevels) values_.resize(kMaxPriorityLevels);
}

std::size_t PrioritySlots::slot_of(int priority) const {
  const auto it = std::lower_bound(values_.begin(), values_.end(), priority);
  if (it == values_.end()) return values_.empty() ? 0 : values_.size() - 1;
  return static_cast<std::size_t>(it - values_.begin());
}

std::vector<ClassLevels> build_class_levels(const PrioritySlots& slots,
                                            const std::vector<int>& priorities,
                                            const std::vector<std::uint32_t>& share_percents) {
  std::vector<std::uint32_t> level_share(slots.size(), 0);
  for (std::size_t i = 0; i < priorities.size(); ++i) {
    auto& s = level_share[slots.slot_of(priorities[i])];
    s = std::max(s, share_percents[i]);
  }
  std::vector<ClassLevels> out(priorities.size());
  for (std::size_t i = 0; i < priorities.size(); ++i) {
    out[i].slot = slots.slot_of(priorities[i]);
    for (std::size_t level = out[i].slot; level < slots.size(); ++level)
      out[i].checks.push_back(
          {level, level == out[i].slot ? share_percents[i] : level_share[level]});
  }
  return out;
}

std::int64_t share_of(std::int64_t limit, std::uint32_t share_percent) {
  return std::max<std::int64_t>(1, limit * share_percent / 100);
}

namespace {

// `top_limit` bounds a check of share 100 % while requests of lower priorities are in flight
// (see try_count); every other check is a share of `limit`.
bool within(const PriorityCounters& counters, const ClassLevels& levels, std::int64_t limit,
            std::int64_t top_limit, std::int64_t extra) {
  std::int64_t below = 0;
  std::int64_t lower = 0;  // requests of lower priorities than the class's own
  std::size_t counted = 0;
  for (const auto& check : levels.checks) {
    for (; counted <= check.top_slot; ++counted) {
      if (counted == levels.slot) lower = below;
      below += counters.at(counted);
    }
    const bool whole = check.share_percent >= 100 && lower > 0;
    if (below + extra > (whole ? top_limit : share_of(limit, check.share_percent))) return false;
  }
  return true;
}

}  // namespace

bool try_count(PriorityCounters& counters, const ClassLevels& levels, std::int64_t limit,
               std::int64_t top_limit) {
  counters.add(levels.slot, 1);
  if (within(counters, levels, limit, top_limit, 0)) return true;
  counters.add(levels.slot, -1);
  return false;
}

bool try_count(PriorityCounters& counters, const ClassLevels& levels, std::int64_t limit) {
  return try_count(counters, levels, limit, limit);
}

bool fits(const PriorityCounters& counters, const ClassLevels& levels, std::int64_t limit) {
  return within(counters, levels, limit, limit, 1);
}

}  // namespace smart_router::overload
