// Every metric name of the contract, listed once. The alert rules and dashboards use them
// verbatim, so they never change.
#pragma once

namespace smart_router::observability::metric_names {

inline constexpr const char* kHttpRequestsTotal = "http_requests_total";
inline constexpr const char* kHttpRequestDurationSeconds = "http_request_duration_seconds";
inline constexpr const char* kRequestDurationSeconds = "smart_router_request_duration_seconds";
inline constexpr const char* kResponseTimeMs = "response_time_ms";
inline constexpr const char* kUpstreamHealthy = "smart_router_upstream_healthy";
inline constexpr const char* kUpstreamRequestsTotal = "smart_router_upstream_requests_total";
inline constexpr const char* kShedTotal = "smart_router_shed_total";
inline constexpr const char* kBudgetExceededTotal = "smart_router_budget_exceeded_total";
inline constexpr const char* kRetriesTotal = "smart_router_retries_total";
inline constexpr const char* kConfigReloadsTotal = "smart_router_config_reloads_total";
inline constexpr const char* kActiveConnections = "smart_router_active_connections";
inline constexpr const char* kInFlightRequests = "smart_router_in_flight_requests";
// The contract's additions for rate limits and queued admission.
inline constexpr const char* kRateLimitedTotal = "smart_router_rate_limited_total";
inline constexpr const char* kTarpittedTotal = "smart_router_tarpitted_total";
inline constexpr const char* kQueueDepth = "smart_router_queue_depth";
inline constexpr const char* kQueueWaitSeconds = "smart_router_queue_wait_seconds";
inline constexpr const char* kPoolConcurrencyLimit = "smart_router_pool_concurrency_limit";
// Beyond the contract.
inline constexpr const char* kPoolLatencyBaselineSeconds =
    "smart_router_pool_latency_baseline_seconds";
inline constexpr const char* kOverloadRejectionsTotal = "smart_router_overload_rejections_total";
inline constexpr const char* kSloRequestsTotal = "smart_router_slo_requests_total";
inline constexpr const char* kSloGoodRequestsTotal = "smart_router_slo_good_requests_total";
inline constexpr const char* kUpstreamEjected = "smart_router_upstream_ejected";
inline constexpr const char* kUpstreamEjectionsTotal = "smart_router_upstream_ejections_total";
inline constexpr const char* kPoolPanic = "smart_router_pool_panic";
inline constexpr const char* kBuildInfo = "smart_router_build_info";
inline constexpr const char* kConfigGeneration = "smart_router_config_generation";
inline constexpr const char* kTierDowngradesTotal = "smart_router_tier_downgrades_total";
// Retry budget and hedging (issue 11).
inline constexpr const char* kRetryBudgetExhaustedTotal =
    "smart_router_retry_budget_exhausted_total";
inline constexpr const char* kRetriesInFlight = "smart_router_retries_in_flight";
inline constexpr const char* kHedgesTotal = "smart_router_hedges_total";
inline constexpr const char* kTlsCertificateReloadsTotal =
    "smart_router_tls_certificate_reloads_total";
inline constexpr const char* kTlsCertificateExpiry =
    "smart_router_tls_certificate_expiry_timestamp_seconds";
inline constexpr const char* kJwksFetchesTotal = "smart_router_jwks_fetches_total";
inline constexpr const char* kJwksKeys = "smart_router_jwks_keys";
inline constexpr const char* kFleetQuotaSyncsTotal = "smart_router_fleet_quota_syncs_total";
inline constexpr const char* kFleetQuotaConnected = "smart_router_fleet_quota_connected";
inline constexpr const char* kAccessLogDroppedLinesTotal =
    "smart_router_access_log_dropped_lines_total";

}  // namespace smart_router::observability::metric_names
