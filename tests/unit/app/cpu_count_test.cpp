#include "smart_router/app/cpu_count.hpp"

#include <gtest/gtest.h>

namespace smart_router::app {
namespace {

TEST(CgroupQuota, UnlimitedMeansNoCap) {
  EXPECT_EQ(cpus_from_cgroup_quota("max 100000"), 0u);
}

TEST(CgroupQuota, HalfACpuIsOneWorker) {
  EXPECT_EQ(cpus_from_cgroup_quota("50000 100000"), 1u);
}

TEST(CgroupQuota, FractionsRoundUp) {
  EXPECT_EQ(cpus_from_cgroup_quota("250000 100000"), 3u);
}

TEST(CgroupQuota, WholeCpus) {
  EXPECT_EQ(cpus_from_cgroup_quota("200000 100000\n"), 2u);
}

TEST(CgroupQuota, GarbageIsIgnored) {
  EXPECT_EQ(cpus_from_cgroup_quota(""), 0u);
  EXPECT_EQ(cpus_from_cgroup_quota("abc 100000"), 0u);
  EXPECT_EQ(cpus_from_cgroup_quota("50000 0"), 0u);
}

TEST(UsableCpus, AtLeastOne) {
  EXPECT_GE(usable_cpus(), 1u);
}

}  // namespace
}  // namespace smart_router::app
