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

// What a rule needs from the source schema beyond bets, legs, players and the ledger (bits of
// Rule::needs and of the contexts' `coverage`). A rule whose needs the mapping does not cover
// (an entity listed as absent, a column not mapped) is not applicable: it cannot be checked,
// which is not a violation (docs/mapping.md).
enum SourceCoverage : uint8_t {
    kCoversNothing = 0,
    kCoversCatalogue = 1,      // sport .. selection are mapped
    kCoversLedgerBetLink = 2,  // ledger rows name their bet (wallet_transaction.bet_id)
    kCoversLegResults = 4,     // legs carry their result (bet_leg.result)
    kCoversEverything = 7,
};

template <class Context>
struct Rule {
    std::string_view name;  // snake_case, stable: it is stored with every verdict
    Severity severity = Severity::Error;
    std::string_view description;
    CheckResult (*check)(const Context&) = nullptr;
    uint8_t needs = kCoversNothing;  // SourceCoverage bits
};

using BetRule = Rule<BetContext>;
using WalletRule = Rule<WalletContext>;

}  // namespace tote::validation
