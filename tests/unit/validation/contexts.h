#pragma once
// Test fixtures: a clean won single and helpers to bend it.
#include <ostream>

#include "transform/validation/bet_context.h"
#include "transform/validation/check_result.h"
#include "transform/validation/wallet_context.h"

namespace tote::validation {

// Readable gtest output for verdicts.
inline void PrintTo(const CheckResult& r, std::ostream* os) {
    *os << to_text(r.verdict) << (r.details.empty() ? "" : ": ") << r.details;
}

}  // namespace tote::validation

namespace tote::validation::test {

inline model::WalletTransaction ledger(
    int64_t id, model::WalletTransactionType type, int64_t amount, int64_t bet_id = 5,
    model::WalletTransactionStatus status = model::WalletTransactionStatus::Completed,
    std::string currency = "NGN") {
    model::WalletTransaction w;
    w.id = id;
    w.player_id = 7;
    w.type = type;
    w.amount_minor = amount;
    w.currency = std::move(currency);
    w.bet_id = bet_id;
    w.status = status;
    w.created_at_us = 1'000'000;
    return w;
}

inline LegContext leg(int64_t leg_no, int64_t selection_id, int64_t odds_e4,
                      std::optional<model::LegResult> result) {
    LegContext l;
    l.leg = model::BetLeg{5, leg_no, selection_id, odds_e4, result};
    model::Selection s;
    s.id = selection_id;
    s.market_id = 20 + leg_no;
    s.name = "sel";
    s.odds_e4 = odds_e4;
    s.result = result;
    l.selection = s;
    l.market =
        model::Market{20 + leg_no, 30 + leg_no, "1X2", std::nullopt, model::MarketStatus::Settled};
    model::Event e;
    e.id = 30 + leg_no;
    e.status = model::EventStatus::Finished;
    l.event = e;
    l.event_status_at_placement = model::EventStatus::Scheduled;
    return l;
}

// Bet 5 of player 7 (NGN): stake 1000 at 2.5000, won, payout 2500, debited and credited.
inline BetContext won_single() {
    using WT = model::WalletTransactionType;
    BetContext c;
    c.bet.id = 5;
    c.bet.player_id = 7;
    c.bet.type = model::BetType::Single;
    c.bet.stake_minor = 1000;
    c.bet.currency = "NGN";
    c.bet.total_odds_e4 = 25000;
    c.bet.potential_payout_minor = 2500;
    c.bet.status = model::BetStatus::Won;
    c.bet.payout_minor = 2500;
    c.bet.placed_at_us = int64_t{1793534400} * 1'000'000;  // 2026-11-01T12:00:00Z
    c.bet.settled_at_us = c.bet.placed_at_us + 3'600'000'000;
    c.legs.push_back(leg(1, 11, 25000, model::LegResult::Win));
    c.ledger = {ledger(100, WT::StakeDebit, -1000), ledger(101, WT::PayoutCredit, 2500)};
    c.player = model::Player{7, "NG", "NGN", model::Channel::Web, 0, model::PlayerStatus::Active};
    return c;
}

inline WalletContext wallet(model::WalletTransactionType type, int64_t amount) {
    WalletContext c;
    c.transaction = ledger(100, type, amount);
    c.bet_seen = true;
    return c;
}

}  // namespace tote::validation::test
