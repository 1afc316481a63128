#include "smart_router/http/retry_policy.hpp"

#include <gtest/gtest.h>

namespace {

namespace bhttp = boost::beast::http;
using smart_router::config::Retries;
using smart_router::http::AttemptEnd;
using smart_router::http::AttemptOutcome;
using smart_router::http::AttemptResult;
using smart_router::http::decide_retry;
using smart_router::http::may_abandon_try;
using smart_router::http::outcome_of;
using smart_router::http::retry_rules;
using smart_router::http::RetryRules;
using smart_router::http::RetryVerdict;
using smart_router::http::should_retry;
using smart_router::overload::RetryBudget;

AttemptResult ended(AttemptEnd end, bool body_sent = false) {
  AttemptResult r;
  r.end = end;
  r.body_sent = body_sent;
  return r;
}

RetryRules all_allowed() {
  RetryRules r;
  r.resend_ok = true;
  return r;
}

TEST(RetryRules, OnlyBodylessIdempotentRequestsMayBeResent) {
  const Retries cfg;  // idempotent_only: true
  EXPECT_TRUE(retry_rules(cfg, bhttp::verb::get, false).resend_ok);
  EXPECT_TRUE(retry_rules(cfg, bhttp::verb::delete_, false).resend_ok);
  EXPECT_FALSE(retry_rules(cfg, bhttp::verb::post, false).resend_ok);
  EXPECT_FALSE(retry_rules(cfg, bhttp::verb::put, true).resend_ok);  // a body to replay
  Retries any_method = cfg;
  any_method.idempotent_only = false;
  EXPECT_TRUE(retry_rules(any_method, bhttp::verb::post, false).resend_ok);
  EXPECT_FALSE(retry_rules(any_method, bhttp::verb::post, true).resend_ok);
}

TEST(RetryRules, CarryThePoolsConditions) {
  Retries cfg;
  cfg.on_connect_failure = false;
  cfg.on_reset = false;
  cfg.on_503 = false;
  const auto r = retry_rules(cfg, bhttp::verb::get, false);
  EXPECT_FALSE(r.on_connect_failure);
  EXPECT_FALSE(r.on_reset);
  EXPECT_FALSE(r.on_503);
}

TEST(ShouldRetry, NeverWithoutTriesLeft) {
  for (auto end : {AttemptEnd::connect_failure, AttemptEnd::reset, AttemptEnd::upstream_503})
    EXPECT_FALSE(should_retry(ended(end), 0, all_allowed()));
}

TEST(ShouldRetry, ConnectFailureEvenForARequestThatCannotBeResent) {
  RetryRules rules;  // resend_ok false: a POST with a body
  EXPECT_TRUE(should_retry(ended(AttemptEnd::connect_failure), 1, rules));
  rules.on_connect_failure = false;
  EXPECT_FALSE(should_retry(ended(AttemptEnd::connect_failure), 1, rules));
}

TEST(ShouldRetry, ResetOnlyWhenTheRequestCanBeSentAgain) {
  auto rules = all_allowed();
  EXPECT_TRUE(should_retry(ended(AttemptEnd::reset), 1, rules));
  EXPECT_FALSE(should_retry(ended(AttemptEnd::reset, /*body_sent=*/true), 1, rules));
  rules.on_reset = false;
  EXPECT_FALSE(should_retry(ended(AttemptEnd::reset), 1, rules));
  rules = all_allowed();
  rules.resend_ok = false;
  EXPECT_FALSE(should_retry(ended(AttemptEnd::reset), 1, rules));
}

TEST(ShouldRetry, A503OnlyWhenAllowedAndResendable) {
  auto rules = all_allowed();
  EXPECT_TRUE(should_retry(ended(AttemptEnd::upstream_503), 2, rules));
  rules.on_503 = false;
  EXPECT_FALSE(should_retry(ended(AttemptEnd::upstream_503), 2, rules));
  rules = all_allowed();
  rules.resend_ok = false;
  EXPECT_FALSE(should_retry(ended(AttemptEnd::upstream_503), 2, rules));
}

TEST(ShouldRetry, NeverAfterOurDeadlineABadAnswerOrTheClientFailing) {
  for (auto end : {AttemptEnd::answered, AttemptEnd::deadline, AttemptEnd::bad_response,
                   AttemptEnd::client_gone, AttemptEnd::bad_body, AttemptEnd::cancelled})
    EXPECT_FALSE(should_retry(ended(end), 3, all_allowed())) << static_cast<int>(end);
}

TEST(ShouldRetry, APerTryTimeoutWhenTheRequestCanBeSentAgain) {
  auto rules = all_allowed();
  rules.on_reset = false;  // no `on` entry needed: per_try_timeout_ms is the opt-in
  rules.on_503 = false;
  EXPECT_TRUE(should_retry(ended(AttemptEnd::per_try_timeout), 1, rules));
  EXPECT_FALSE(should_retry(ended(AttemptEnd::per_try_timeout), 0, rules));
  EXPECT_FALSE(should_retry(ended(AttemptEnd::per_try_timeout, /*body_sent=*/true), 1, rules));
  rules.resend_ok = false;
  EXPECT_FALSE(should_retry(ended(AttemptEnd::per_try_timeout), 1, rules));
}

TEST(MayAbandonTry, OnlyWhenARetryCouldFollow) {
  EXPECT_TRUE(may_abandon_try(1, all_allowed()));
  EXPECT_FALSE(may_abandon_try(0, all_allowed()));  // the last try runs to the deadline
  RetryRules post;                                  // resend_ok false
  EXPECT_FALSE(may_abandon_try(3, post));
}

TEST(DecideRetry, TheConditionsFirstThenTheBudget) {
  RetryBudget budget;
  budget.configure(0, 1);  // one retry in flight at most
  // The conditions say no: the budget is not touched.
  auto d = decide_retry(ended(AttemptEnd::bad_response), 1, all_allowed(), budget, 0);
  EXPECT_EQ(d.verdict, RetryVerdict::stop);
  EXPECT_EQ(budget.in_flight(), 0);
  // A retry holds its token while it runs...
  auto first = decide_retry(ended(AttemptEnd::reset), 1, all_allowed(), budget, 10);
  EXPECT_EQ(first.verdict, RetryVerdict::retry);
  EXPECT_TRUE(static_cast<bool>(first.token));
  EXPECT_EQ(budget.in_flight(), 1);
  // ...so the next one finds the budget used up.
  auto second = decide_retry(ended(AttemptEnd::connect_failure), 1, all_allowed(), budget, 10);
  EXPECT_EQ(second.verdict, RetryVerdict::budget_exhausted);
  EXPECT_FALSE(static_cast<bool>(second.token));
  first.token.reset();
  EXPECT_EQ(budget.in_flight(), 0);
  EXPECT_EQ(decide_retry(ended(AttemptEnd::upstream_503), 1, all_allowed(), budget, 10).verdict,
            RetryVerdict::retry);
  EXPECT_EQ(budget.in_flight(), 0);  // the decision's token was dropped with it
}

TEST(OutcomeOf, LabelsEachEnd) {
  AttemptResult ok = ended(AttemptEnd::answered);
  ok.status = 404;
  EXPECT_EQ(outcome_of(ok), AttemptOutcome::success);
  ok.status = 502;
  EXPECT_EQ(outcome_of(ok), AttemptOutcome::http_5xx);
  EXPECT_EQ(outcome_of(ended(AttemptEnd::upstream_503)), AttemptOutcome::http_5xx);
  EXPECT_EQ(outcome_of(ended(AttemptEnd::connect_failure)), AttemptOutcome::connect_failure);
  EXPECT_EQ(outcome_of(ended(AttemptEnd::reset)), AttemptOutcome::reset);
  EXPECT_EQ(outcome_of(ended(AttemptEnd::deadline)), AttemptOutcome::timeout);
  EXPECT_EQ(outcome_of(ended(AttemptEnd::bad_response)), AttemptOutcome::bad_response);
  EXPECT_EQ(outcome_of(ended(AttemptEnd::per_try_timeout)), AttemptOutcome::per_try_timeout);
  EXPECT_EQ(outcome_of(ended(AttemptEnd::cancelled)), AttemptOutcome::cancelled);
  // The client failing says nothing about the endpoint.
  EXPECT_FALSE(outcome_of(ended(AttemptEnd::client_gone)));
  EXPECT_FALSE(outcome_of(ended(AttemptEnd::bad_body)));
}

}  // namespace
