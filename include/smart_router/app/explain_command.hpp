// `smart-router explain`: load the config as the server does (file, environment overrides,
// validation, snapshot), read the request description, print what the router would decide.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "smart_router/app/cli.hpp"
#include "smart_router/http/explain.hpp"

namespace smart_router::app {

// 'METHOD PATH', the -H lines and --peer, checked: a method token, an origin-form target
// ('/...'), 'Name: value' headers with a token name, an IP address. nullopt with `error` set
// for a malformed description.
std::optional<http::ExplainInput> parse_request_description(const ExplainArgs& args,
                                                            std::string& error);

// The explanation for people: one block per phase.
std::string render_explanation(const nlohmann::ordered_json& e);

// Exit 0 with the explanation on stdout; 1 for a config that does not load (its errors on
// stderr, as --check-config prints them); 2 for a malformed request description.
int explain_command(const std::string& config_path, const ExplainArgs& args);

}  // namespace smart_router::app
