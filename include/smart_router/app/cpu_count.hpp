// How many CPUs this process may really use: the affinity mask, capped by a cgroup v2 CPU quota
// (a Kubernetes limit of 500m on an 8-core node is one worker, not eight).
#pragma once

#include <string>

namespace smart_router::app {

unsigned usable_cpus();

// Parses a cgroup v2 cpu.max line ("max 100000" or "50000 100000"): CPUs it allows, rounded
// up; 0 when unlimited or unreadable.
unsigned cpus_from_cgroup_quota(const std::string& cpu_max);

}  // namespace smart_router::app
