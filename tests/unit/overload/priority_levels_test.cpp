#include "smart_router/overload/priority_levels.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace {

using smart_router::overload::build_class_levels;
using smart_router::overload::ClassLevels;
using smart_router::overload::fits;
using smart_router::overload::PriorityCounters;
using smart_router::overload::PrioritySlots;
using smart_router::overload::try_count;

// The contract's classes: LITE 0/70%, PRO 1/85%, ELITE 2/100%, BLACK 3/100%.
struct Contract {
  std::vector<int> priorities{0, 1, 2, 3};
  std::vector<std::uint32_t> shares{70, 85, 100, 100};
  PrioritySlots slots{priorities};
  std::vector<ClassLevels> levels = build_class_levels(slots, priorities, shares);
  const ClassLevels& lite() const { return levels[0]; }
  const ClassLevels& pro() const { return levels[1]; }
  const ClassLevels& elite() const { return levels[2]; }
  const ClassLevels& black() const { return levels[3]; }
};

int admit_all(PriorityCounters& c, const ClassLevels& l, std::int64_t limit, int tries) {
  int n = 0;
  for (int i = 0; i < tries; ++i) n += try_count(c, l, limit) ? 1 : 0;
  return n;
}

TEST(PrioritySlots, LowestPriorityFirstRepeatsShareASlot) {
  const PrioritySlots slots({3, 0, 2, 3, 1, 3});
  EXPECT_EQ(slots.size(), 4u);
  EXPECT_EQ(slots.slot_of(0), 0u);
  EXPECT_EQ(slots.slot_of(3), 3u);
}

TEST(PriorityLevels, EachClassHoldsItsShare) {
  const Contract k;
  PriorityCounters c;
  EXPECT_EQ(admit_all(c, k.lite(), 100, 200), 70);
  EXPECT_EQ(admit_all(c, k.pro(), 100, 200), 15);    // LITE + PRO together: 85
  EXPECT_EQ(admit_all(c, k.elite(), 100, 200), 15);  // the premium reserve
  EXPECT_EQ(c.total(), 100);
  EXPECT_FALSE(try_count(c, k.black(), 100));
}

TEST(PriorityLevels, PremiumInFlightTakesNoLiteSlot) {
  // The defect of one shared count: 16 ELITE requests in flight cut LITE below its share.
  const Contract k;
  PriorityCounters c;
  EXPECT_EQ(admit_all(c, k.elite(), 64, 16), 16);
  EXPECT_EQ(admit_all(c, k.lite(), 64, 100), 44);  // 70% of 64, all of it
}

TEST(PriorityLevels, PremiumMayUseEverything) {
  const Contract k;
  PriorityCounters c;
  EXPECT_EQ(admit_all(c, k.elite(), 64, 100), 64);
  EXPECT_FALSE(try_count(c, k.lite(), 64));  // the pool is full: nothing for anyone
}

TEST(PriorityLevels, ReleasingGivesTheSlotBack) {
  const Contract k;
  PriorityCounters c;
  EXPECT_EQ(admit_all(c, k.lite(), 10, 10), 7);
  EXPECT_FALSE(fits(c, k.lite(), 10));
  c.add(k.lite().slot, -1);
  EXPECT_TRUE(fits(c, k.lite(), 10));
  EXPECT_TRUE(try_count(c, k.lite(), 10));
}

TEST(PriorityLevels, ATinyLimitStillAdmitsOne) {
  const Contract k;
  PriorityCounters c;
  EXPECT_EQ(admit_all(c, k.lite(), 1, 5), 1);
}

TEST(PriorityLevels, ClassesAtOnePriorityShareTheirLevel) {
  const std::vector<int> prio{0, 3, 3};
  const std::vector<std::uint32_t> shares{50, 100, 100};
  const PrioritySlots slots(prio);
  const auto levels = build_class_levels(slots, prio, shares);
  PriorityCounters c;
  EXPECT_EQ(admit_all(c, levels[1], 10, 6), 6);
  EXPECT_EQ(admit_all(c, levels[2], 10, 6), 4);
  EXPECT_EQ(admit_all(c, levels[0], 10, 6), 0);
}

// An adaptive limit cut below the configured one falls on the lower classes first: while LITE
// holds slots, premium is held only by the configured limit; with nothing lower in flight, the
// cut holds premium too.
TEST(PriorityLevels, ACutLimitFallsOnLowerClassesFirst) {
  const Contract k;
  PriorityCounters c;
  const std::int64_t cut = 10;
  const std::int64_t configured = 64;
  int lite = 0;
  for (int i = 0; i < 20; ++i) lite += try_count(c, k.lite(), cut, configured) ? 1 : 0;
  EXPECT_EQ(lite, 7);  // 70 % of the cut limit
  int elite = 0;
  for (int i = 0; i < 100; ++i) elite += try_count(c, k.elite(), cut, configured) ? 1 : 0;
  EXPECT_EQ(elite, configured - lite);

  PriorityCounters premium_only;
  int alone = 0;
  for (int i = 0; i < 100; ++i)
    alone += try_count(premium_only, k.elite(), cut, configured) ? 1 : 0;
  EXPECT_EQ(alone, cut);
}

}  // namespace
