#pragma once
// Decides which bets carry a source inconsistency and records every one that was realised,
// with its kind and the Debezium key of the row that shows it. The rows are real OLTP rows:
// the warehouse must find them.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "simulate/rng.h"

namespace tote {

enum class AnomalyKind : uint8_t {
    PayoutWithoutCredit,  // bet won with payout_minor, no payout_credit in the ledger
    StakeDebitedTwice,    // two stake_debit rows for one bet
    LegUnknownSelection,  // a bet leg on a selection id that does not exist
    CurrencyMismatch,     // bet currency differs from the player's wallet currency
    SettledWithOpenLeg,   // bet settled while one of its legs has no result
    BetOnFinishedEvent,   // bet placed on a selection of an event already finished
    NegativeAmount,       // a deposit recorded with a negative amount
};
inline constexpr size_t kAnomalyKindCount = 7;
std::string_view to_text(AnomalyKind k);

struct Anomaly {
    std::string kind;
    std::string table;  // the table whose row shows it
    std::string key;    // that row's Debezium key JSON, e.g. {"id":123}
    int64_t at_us = 0;  // simulated time it was written
    bool operator==(const Anomaly&) const = default;
};

class AnomalyInjector {
public:
    AnomalyInjector(uint64_t seed, double rate) : rng_(seed ^ 0xA11CE5EEDull), rate_(rate) {}

    // Called once per bet placement: the kind to inject into this bet, if any.
    bool draw(AnomalyKind& kind) {
        if (rate_ <= 0 || !rng_.chance(rate_)) return false;
        kind = static_cast<AnomalyKind>(rng_.below(kAnomalyKindCount));
        return true;
    }
    void record(AnomalyKind kind, std::string_view table, std::string key, int64_t at_us) {
        anomalies_.push_back(
            Anomaly{std::string(to_text(kind)), std::string(table), std::move(key), at_us});
    }
    const std::vector<Anomaly>& anomalies() const { return anomalies_; }

private:
    Rng rng_;
    double rate_;
    std::vector<Anomaly> anomalies_;
};

}  // namespace tote
