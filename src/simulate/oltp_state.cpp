#include "simulate/oltp_state.h"

namespace tote {

std::string_view to_text(Channel v) {
    static constexpr std::string_view t[] = {"web", "app", "ussd"};
    return t[static_cast<size_t>(v)];
}
std::string_view to_text(PlayerStatus v) {
    static constexpr std::string_view t[] = {"active", "self_excluded", "closed"};
    return t[static_cast<size_t>(v)];
}
std::string_view to_text(WalletType v) {
    static constexpr std::string_view t[] = {"deposit",       "withdrawal", "stake_debit",
                                             "payout_credit", "refund",     "bonus_credit",
                                             "adjustment"};
    return t[static_cast<size_t>(v)];
}
std::string_view to_text(WalletStatus v) {
    static constexpr std::string_view t[] = {"pending", "completed", "failed", "reversed"};
    return t[static_cast<size_t>(v)];
}
std::string_view to_text(EventStatus v) {
    static constexpr std::string_view t[] = {"scheduled", "live", "finished", "cancelled"};
    return t[static_cast<size_t>(v)];
}
std::string_view to_text(MarketType v) {
    static constexpr std::string_view t[] = {"1X2", "OU2.5", "BTTS", "AH", "WINNER"};
    return t[static_cast<size_t>(v)];
}
std::string_view to_text(MarketStatus v) {
    static constexpr std::string_view t[] = {"open", "suspended", "settled", "voided"};
    return t[static_cast<size_t>(v)];
}
std::string_view to_text(Outcome v) {
    static constexpr std::string_view t[] = {"", "win", "lose", "void", "dead_heat"};
    return t[static_cast<size_t>(v)];
}
std::string_view to_text(BetType v) {
    static constexpr std::string_view t[] = {"single", "accumulator"};
    return t[static_cast<size_t>(v)];
}
std::string_view to_text(BetStatus v) {
    static constexpr std::string_view t[] = {"open", "won", "lost", "void", "cashed_out"};
    return t[static_cast<size_t>(v)];
}

std::array<int64_t, kTableCount> OltpState::live_row_counts() const {
    std::array<int64_t, kTableCount> n{};
    auto at = [&](TableId t) -> int64_t& { return n[static_cast<size_t>(t)]; };
    at(TableId::Sports) = static_cast<int64_t>(sports.size());
    at(TableId::Competitions) = static_cast<int64_t>(competitions.size());
    at(TableId::Events) = static_cast<int64_t>(events.size());
    at(TableId::Markets) = static_cast<int64_t>(markets.size());
    at(TableId::Selections) = static_cast<int64_t>(selections.size());
    at(TableId::Players) = static_cast<int64_t>(players.size());
    for (const auto& w : wallet) at(TableId::WalletTransactions) += w.deleted ? 0 : 1;
    at(TableId::FxRates) = static_cast<int64_t>(fx_rates.size());
    at(TableId::Bets) = static_cast<int64_t>(bets.size());
    for (const auto& b : bets) at(TableId::BetLegs) += static_cast<int64_t>(b.legs.size());
    for (size_t i = odds_staging_first_live; i < odds_staging.size(); ++i)
        at(TableId::OddsStaging) += odds_staging[i].deleted ? 0 : 1;
    return n;
}

void OltpState::cells(const Sport& r, RowCells& o) {
    o.reset(TableId::Sports);
    o.i64(r.id).text(r.name);
}
void OltpState::cells(const Competition& r, RowCells& o) {
    o.reset(TableId::Competitions);
    o.i64(r.id).i64(r.sport_id).text(r.name).opt_text(r.country);
}
void OltpState::cells(const Event& r, RowCells& o) {
    o.reset(TableId::Events);
    o.i64(r.id)
        .i64(r.competition_id)
        .text(r.home)
        .text(r.away)
        .ts(r.start_at)
        .text(to_text(r.status))
        .opt_text(r.result);
}
void OltpState::cells(const Market& r, RowCells& o) {
    o.reset(TableId::Markets);
    o.i64(r.id)
        .i64(r.event_id)
        .text(to_text(r.type))
        .opt_dec(r.line_e2, r.has_line)
        .text(to_text(r.status));
}
void OltpState::cells(const Selection& r, RowCells& o) {
    o.reset(TableId::Selections);
    o.i64(r.id)
        .i64(r.market_id)
        .text(r.name)
        .dec(r.odds_e4)
        .opt_text(to_text(r.result))
        .opt_dec(r.dead_heat_e4, r.dead_heat_e4 != 0);
}
void OltpState::cells(const Player& r, RowCells& o) {
    o.reset(TableId::Players);
    const auto& c = kCurrencies[r.currency];
    o.i64(r.id)
        .text(c.country)
        .text(c.code)
        .text(to_text(r.channel))
        .ts(r.registered_at)
        .text(to_text(r.status))
        .opt_text(r.kyc_note);
}
void OltpState::cells(const WalletTx& r, RowCells& o) {
    o.reset(TableId::WalletTransactions);
    o.i64(r.id)
        .i64(r.player_id)
        .text(to_text(r.type))
        .i64(r.amount_minor)
        .text(kCurrencies[r.currency].code)
        .opt_i64(r.bet_id, r.bet_id != 0)
        .text(to_text(r.status))
        .ts(r.created_at);
}
void OltpState::cells(const FxRate& r, RowCells& o) {
    o.reset(TableId::FxRates);
    o.text(kCurrencies[r.currency].code).date(r.day).dec(r.rate_e10);
}
void OltpState::cells(const Bet& r, RowCells& o) {
    o.reset(TableId::Bets);
    o.i64(r.id)
        .i64(r.player_id)
        .text(to_text(r.type))
        .i64(r.stake_minor)
        .text(kCurrencies[r.currency].code)
        .dec(r.total_odds_e4)
        .i64(r.potential_payout_minor)
        .text(to_text(r.status))
        .opt_i64(r.payout_minor, r.has_payout)
        .ts(r.placed_at)
        .opt_ts(r.settled_at)
        .text(to_text(r.channel));
}
void OltpState::cells(const Bet& bet, const BetLeg& leg, RowCells& o) {
    o.reset(TableId::BetLegs);
    o.i64(bet.id)
        .i64(leg.leg_no)
        .i64(leg.selection_id)
        .dec(leg.odds_e4)
        .opt_text(to_text(leg.result));
}
void OltpState::cells(const OddsStagingRow& r, RowCells& o) {
    o.reset(TableId::OddsStaging);
    o.i64(r.id).i64(r.selection_id).dec(r.odds_e4).ts(r.received_at);
}

}  // namespace tote
