#pragma once
// Every validation rule, listed in one place (rule_registry.cpp), in a fixed order.
#include <span>
#include <string_view>
#include <vector>

#include "transform/validation/rule.h"

namespace tote::validation {

// The verdict of one rule on one subject.
struct RuleOutcome {
    std::string_view rule;
    Severity severity = Severity::Error;
    CheckResult result;
    bool operator==(const RuleOutcome&) const = default;
};

class RuleRegistry {
public:
    static std::span<const BetRule> bet_rules();
    static std::span<const WalletRule> wallet_rules();

    // nullptr when no rule has that name.
    static const BetRule* find_bet_rule(std::string_view name);
    static const WalletRule* find_wallet_rule(std::string_view name);

    // Every rule of the kind on one subject, in registry order.
    static std::vector<RuleOutcome> check_all(const BetContext& c);
    static std::vector<RuleOutcome> check_all(const WalletContext& c);
};

}  // namespace tote::validation
