#pragma once
// A validation rule: a name, a severity, a description and a check over an explicit context.
// Rules are plain data with a function pointer; RuleRegistry lists every one in one place.
#include <cstdint>
#include <string_view>

#include "transform/validation/bet_context.h"
#include "transform/validation/check_result.h"
#include "transform/validation/wallet_context.h"

namespace tote::validation {

enum class Severity : uint8_t {
    Error,    // the source is inconsistent: money or a bet is wrong
    Warning,  // suspicious or derived-field drift; money still adds up
};

inline std::string_view to_text(Severity s) {
    return s == Severity::Error ? "error" : "warning";
}

template <class Context>
struct Rule {
    std::string_view name;  // snake_case, stable: it is stored with every verdict
    Severity severity = Severity::Error;
    std::string_view description;
    CheckResult (*check)(const Context&) = nullptr;
};

using BetRule = Rule<BetContext>;
using WalletRule = Rule<WalletContext>;

}  // namespace tote::validation
