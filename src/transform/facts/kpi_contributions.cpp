#include "transform/facts/kpi_contributions.h"

#include <algorithm>

#include "core/error.h"

namespace tote {
namespace {

bool all_zero(const KpiContribution& c) {
    return c.turnover_minor == 0 && c.settled_turnover_minor == 0 && c.payouts_minor == 0 &&
           c.ggr_minor == 0 && c.bets == 0 && c.deposits_minor == 0 && c.withdrawals_minor == 0 &&
           c.open_liability_minor == 0 && c.turnover_eur_cents == 0 &&
           c.settled_turnover_eur_cents == 0 && c.payouts_eur_cents == 0 && c.ggr_eur_cents == 0 &&
           c.deposits_eur_cents == 0 && c.withdrawals_eur_cents == 0 &&
           c.open_liability_eur_cents == 0;
}

void add_values(KpiContribution& into, const KpiContribution& c) {
    into.turnover_minor += c.turnover_minor;
    into.settled_turnover_minor += c.settled_turnover_minor;
    into.payouts_minor += c.payouts_minor;
    into.ggr_minor += c.ggr_minor;
    into.bets += c.bets;
    into.deposits_minor += c.deposits_minor;
    into.withdrawals_minor += c.withdrawals_minor;
    into.open_liability_minor += c.open_liability_minor;
    into.turnover_eur_cents += c.turnover_eur_cents;
    into.settled_turnover_eur_cents += c.settled_turnover_eur_cents;
    into.payouts_eur_cents += c.payouts_eur_cents;
    into.ggr_eur_cents += c.ggr_eur_cents;
    into.deposits_eur_cents += c.deposits_eur_cents;
    into.withdrawals_eur_cents += c.withdrawals_eur_cents;
    into.open_liability_eur_cents += c.open_liability_eur_cents;
}

// One version's rows with the given sign: at most one row per hour (rows that share the key
// must be one row, or ReplacingMergeTree would keep only one of them).
std::vector<KpiContribution> own_rows(const facts::FactBet& b, int8_t sign) {
    KpiContribution base;
    base.country = b.player_country;
    base.currency = b.currency;
    base.sport = kpi_sport(b);
    base.channel = b.channel;
    base.fact = "bet";
    base.fact_key = std::to_string(b.bet_id);
    base.player_id = b.player_id;
    base.fact_version = b.version;
    base.sign = sign;

    KpiContribution placed = base;
    placed.hour_s = kpi_hour_s(b.placed_at_us);
    // A void bet takes no turnover; a deleted one (the row deleted in the source) takes
    // nothing at all, so its new version retracts what the previous one added.
    if (b.status != "void" && b.status != "deleted") {
        placed.turnover_minor = b.stake_minor;
        placed.turnover_eur_cents = b.stake_eur_cents;
        placed.bets = 1;
    }
    if (b.status == "open") {
        placed.open_liability_minor = b.potential_payout_minor - b.stake_minor;
        placed.open_liability_eur_cents = b.potential_payout_eur_cents - b.stake_eur_cents;
    }

    KpiContribution settled = base;
    settled.hour_s = kpi_hour_s(b.settled_at_us);
    if (kpi_settled_status(b.status)) {
        settled.settled_turnover_minor = b.stake_minor;
        settled.payouts_minor = b.payout_minor;
        settled.ggr_minor = b.ggr_minor;
        settled.settled_turnover_eur_cents = b.stake_eur_cents;
        settled.payouts_eur_cents = b.payout_eur_cents;
        settled.ggr_eur_cents = b.stake_eur_cents - b.payout_eur_cents;
    }

    std::vector<KpiContribution> out;
    if (settled.hour_s == placed.hour_s) {
        add_values(placed, settled);
        if (!all_zero(placed)) out.push_back(std::move(placed));
        return out;
    }
    if (!all_zero(placed)) out.push_back(std::move(placed));
    if (!all_zero(settled)) out.push_back(std::move(settled));
    std::sort(out.begin(), out.end(), [](const KpiContribution& a, const KpiContribution& c) {
        return a.hour_s < c.hour_s;
    });
    return out;
}

std::vector<KpiContribution> own_rows(const facts::FactWalletTransaction& w, int8_t sign) {
    std::vector<KpiContribution> out;
    if (w.status != "completed" || w.deleted) return out;
    KpiContribution c;
    c.hour_s = kpi_hour_s(w.created_at_us);
    c.country = w.player_country;
    c.currency = w.currency;
    c.fact = "wallet";
    c.fact_key = std::to_string(w.id);
    c.player_id = w.player_id;
    c.fact_version = w.version;
    c.sign = sign;
    if (w.type == "stake_debit" || w.type == "refund") {
        c.turnover_minor = -w.amount_minor;
        c.turnover_eur_cents = -w.amount_eur_cents;
    } else if (w.type == "payout_credit" || w.type == "adjustment") {
        c.payouts_minor = w.amount_minor;
        c.payouts_eur_cents = w.amount_eur_cents;
    } else if (w.type == "deposit") {
        c.deposits_minor = w.amount_minor;
        c.deposits_eur_cents = w.amount_eur_cents;
    } else if (w.type == "withdrawal") {
        c.withdrawals_minor = -w.amount_minor;
        c.withdrawals_eur_cents = -w.amount_eur_cents;
    }
    c.ggr_minor = c.turnover_minor - c.payouts_minor;
    c.ggr_eur_cents = c.turnover_eur_cents - c.payouts_eur_cents;
    if (!all_zero(c)) out.push_back(std::move(c));
    return out;
}

template <typename Fact>
std::vector<KpiContribution> contributions(const Fact* previous, const Fact& current,
                                           int64_t previous_key, int64_t current_key,
                                           const char* what) {
    auto out = own_rows(current, 1);
    if (previous == nullptr || previous->version == current.version) return out;
    if (previous_key != current_key || previous->version > current.version)
        throw ToteError(
            ErrorClass::Fatal,
            std::string("KPI contributions of ") + what + " " + std::to_string(current_key) +
                " version " + std::to_string(current.version) + " asked to retract " + what + " " +
                std::to_string(previous_key) + " version " + std::to_string(previous->version) +
                ": the previous version must be an older version of the same fact "
                "(a bug in the caller's fact state)");
    auto back = own_rows(*previous, -1);
    out.insert(out.end(), std::make_move_iterator(back.begin()),
               std::make_move_iterator(back.end()));
    return out;
}

}  // namespace

std::string kpi_sport(const facts::FactBet& bet) {
    if (bet.sports.empty()) return "";
    for (const auto& s : bet.sports)
        if (s.empty()) return "";
    for (const auto& s : bet.sports)
        if (s != bet.sports.front()) return "multiple";
    return bet.sports.front();
}

bool kpi_settled_status(const std::string& status) {
    return status == "won" || status == "lost" || status == "cashed_out";
}

std::vector<KpiContribution> kpi_contributions(const facts::FactBet* previous,
                                               const facts::FactBet& current) {
    return contributions(previous, current, previous ? previous->bet_id : 0, current.bet_id, "bet");
}

std::vector<KpiContribution> kpi_contributions(const facts::FactWalletTransaction* previous,
                                               const facts::FactWalletTransaction& current) {
    return contributions(previous, current, previous ? previous->id : 0, current.id,
                         "wallet transaction");
}

}  // namespace tote
