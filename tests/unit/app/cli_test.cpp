#include "smart_router/app/cli.hpp"

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

namespace smart_router::app {

// Readable failure messages: "usage_error" rather than a byte dump.
void PrintTo(Command c, std::ostream* os) {
  switch (c) {
    case Command::run:
      *os << "run";
      return;
    case Command::check_config:
      *os << "check_config";
      return;
    case Command::version:
      *os << "version";
      return;
    case Command::help:
      *os << "help";
      return;
    case Command::usage_error:
      *os << "usage_error";
      return;
    case Command::explain:
      *os << "explain";
      return;
  }
  *os << "Command(" << static_cast<int>(c) << ")";
}

}  // namespace smart_router::app

namespace {

using smart_router::app::CliOptions;
using smart_router::app::Command;
using smart_router::app::help_text;
using smart_router::app::parse_cli;
using smart_router::app::version_text;

CliOptions parse(std::vector<std::string> args, const char* env = nullptr) {
  return parse_cli(args, env);
}

TEST(ParseCli, NoArgumentsRunsTheDefaultConfig) {
  const auto o = parse({});
  EXPECT_EQ(o.command, Command::run);
  EXPECT_EQ(o.config_path, "config/router.yaml");
  EXPECT_TRUE(o.error.empty());
}

TEST(ParseCli, EnvironmentFallback) {
  const auto o = parse({}, "/etc/smart-router/router.yaml");
  EXPECT_EQ(o.command, Command::run);
  EXPECT_EQ(o.config_path, "/etc/smart-router/router.yaml");
}

TEST(ParseCli, EmptyEnvironmentMeansUnset) {
  EXPECT_EQ(parse({}, "").config_path, "config/router.yaml");
}

TEST(ParseCli, ConfigFlagWithSeparateValue) {
  const auto o = parse({"--config", "a.yaml"}, "/from/env.yaml");
  EXPECT_EQ(o.command, Command::run);
  EXPECT_EQ(o.config_path, "a.yaml");  // the flag beats the environment
}

TEST(ParseCli, ConfigFlagWithEquals) {
  const auto o = parse({"--config=/srv/conf/router.yaml"}, "/from/env.yaml");
  EXPECT_EQ(o.command, Command::run);
  EXPECT_EQ(o.config_path, "/srv/conf/router.yaml");
}

TEST(ParseCli, EqualsInsideThePathIsKept) {
  EXPECT_EQ(parse({"--config=/tmp/a=b.yaml"}).config_path, "/tmp/a=b.yaml");
  EXPECT_EQ(parse({"--config", "/tmp/a=b.yaml"}).config_path, "/tmp/a=b.yaml");
}

TEST(ParseCli, CheckConfig) {
  auto o = parse({"--check-config", "deploy/router.yaml"}, "/from/env.yaml");
  EXPECT_EQ(o.command, Command::check_config);
  EXPECT_EQ(o.config_path, "deploy/router.yaml");
  o = parse({"--check-config=x.yaml"});
  EXPECT_EQ(o.command, Command::check_config);
  EXPECT_EQ(o.config_path, "x.yaml");
}

TEST(ParseCli, VersionAndHelp) {
  EXPECT_EQ(parse({"--version"}).command, Command::version);
  EXPECT_EQ(parse({"--help"}).command, Command::help);
  // Wherever they appear.
  EXPECT_EQ(parse({"--config", "a.yaml", "--version"}).command, Command::version);
  EXPECT_EQ(parse({"--config", "a.yaml", "--help"}).command, Command::help);
}

TEST(ParseCli, UnknownArgumentIsAUsageError) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"--bogus"},
                                             {"router.yaml"},
                                             {"--config", "a.yaml", "extra"},
                                             {"--configs=a.yaml"},
                                             {"--config-file", "a.yaml"},
                                             {"-config", "a.yaml"},
                                             {"--check"}}) {
    const auto o = parse(args);
    EXPECT_EQ(o.command, Command::usage_error) << args.front();
    EXPECT_FALSE(o.error.empty()) << args.front();
  }
  EXPECT_NE(parse({"--bogus"}).error.find("--bogus"), std::string::npos);
}

TEST(ParseCli, MissingValueIsAUsageError) {
  auto o = parse({"--config"}, "/from/env.yaml");
  EXPECT_EQ(o.command, Command::usage_error);
  EXPECT_FALSE(o.error.empty());
  o = parse({"--check-config"}, "/from/env.yaml");
  EXPECT_EQ(o.command, Command::usage_error);  // never a silent check of the env's file
  EXPECT_FALSE(o.error.empty());
}

TEST(ParseCli, EmptyValueIsAUsageError) {
  // "--config=" names no PATH: running would only fail later with a confusing open error.
  auto o = parse({"--config="}, "/from/env.yaml");
  EXPECT_EQ(o.command, Command::usage_error) << "config_path='" << o.config_path << "'";
  o = parse({"--check-config="});
  EXPECT_EQ(o.command, Command::usage_error) << "config_path='" << o.config_path << "'";
  o = parse({"--config", ""});
  EXPECT_EQ(o.command, Command::usage_error) << "config_path='" << o.config_path << "'";
}

TEST(ParseCli, PortFileAndTakeover) {
  auto o = parse({"--config", "a.yaml", "--port-file", "/run/router.port", "--takeover"});
  EXPECT_EQ(o.command, Command::run);
  EXPECT_EQ(o.config_path, "a.yaml");
  EXPECT_EQ(o.port_file, "/run/router.port");
  EXPECT_TRUE(o.takeover);
  o = parse({"--port-file=p"}, "/from/env.yaml");
  EXPECT_EQ(o.command, Command::run);
  EXPECT_EQ(o.config_path, "/from/env.yaml");
  EXPECT_EQ(o.port_file, "p");
  EXPECT_FALSE(o.takeover);
  EXPECT_TRUE(parse({}).port_file.empty());
}

TEST(ParseCli, PortFileNeedsAPathAndARun) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"--port-file"},
                                             {"--port-file="},
                                             {"--check-config", "a.yaml", "--port-file", "p"},
                                             {"--check-config", "a.yaml", "--takeover"},
                                             {"--takeover=1"}}) {
    const auto o = parse(args);
    EXPECT_EQ(o.command, Command::usage_error) << args.back();
    EXPECT_FALSE(o.error.empty()) << args.back();
  }
}

TEST(HelpText, MentionsEveryFlag) {
  const std::string h = help_text();
  for (const char* flag :
       {"--config", "--check-config", "--version", "--help", "--port-file", "--takeover",
        "listen=", "admin=", "explain", "--peer", "SMART_ROUTER_CONFIG", "config/router.yaml"})
    EXPECT_NE(h.find(flag), std::string::npos) << flag;
}

TEST(VersionText, NamesTheProgramAndVersion) {
  const std::string v = version_text();
  EXPECT_NE(v.find("smart-router"), std::string::npos);
  EXPECT_NE(v.find(SMART_ROUTER_VERSION), std::string::npos);
}

TEST(ParseCli, Explain) {
  auto o = parse({"explain", "--config", "c.yaml", "--peer", "10.0.0.1", "GET /x", "-H",
                  "X-User-Tier: ELITE", "--header", "A: b", "--json"},
                 "/from/env.yaml");
  EXPECT_EQ(o.command, Command::explain);
  EXPECT_EQ(o.config_path, "c.yaml");
  EXPECT_EQ(o.explain.request, "GET /x");
  EXPECT_EQ(o.explain.peer, "10.0.0.1");
  EXPECT_EQ(o.explain.headers, (std::vector<std::string>{"X-User-Tier: ELITE", "A: b"}));
  EXPECT_TRUE(o.explain.json);
  o = parse({"explain", "GET /x"}, "/from/env.yaml");
  EXPECT_EQ(o.command, Command::explain);
  EXPECT_EQ(o.config_path, "/from/env.yaml");
  EXPECT_FALSE(o.explain.json);
}

TEST(ParseCli, ExplainUsageErrors) {
  for (const std::vector<std::string>& args : {std::vector<std::string>{"explain"},
                                               {"explain", "GET /a", "GET /b"},
                                               {"explain", "--peer"},
                                               {"explain", "GET /a", "-H"},
                                               {"explain", "--bogus", "GET /a"}}) {
    const auto o = parse(args);
    EXPECT_EQ(o.command, Command::usage_error) << args.size();
    EXPECT_FALSE(o.error.empty());
  }
}

}  // namespace
