#include "model/betting_mapping.h"

#include <set>

namespace tote::model {

BettingMapping BettingMapping::simulator_default() {
    using WT = WalletTransactionType;
    BettingMapping m;

    m.players.table = "players";
    m.players.id = "id";
    m.players.country = "country";
    m.players.currency = "currency";
    m.players.channel = "channel";
    m.players.registered_at = "registered_at";
    m.players.status = "status";
    m.players.channels = {{"web", Channel::Web}, {"app", Channel::App}, {"ussd", Channel::Ussd}};
    m.players.statuses = {{"active", PlayerStatus::Active},
                          {"self_excluded", PlayerStatus::SelfExcluded},
                          {"closed", PlayerStatus::Closed}};

    auto& w = m.wallet_transactions;
    w.table = "wallet_transactions";
    w.id = "id";
    w.player_id = "player_id";
    w.type = "type";
    w.amount = "amount_minor";
    w.currency = "currency";
    w.bet_id = "bet_id";
    w.status = "status";
    w.created_at = "created_at";
    w.amount_unit = MoneyUnit::Minor;
    // amount_minor is stored signed by the same convention as the model: sign 0 (as stored).
    w.types = {{"deposit", {WT::Deposit, 0}},        {"withdrawal", {WT::Withdrawal, 0}},
               {"stake_debit", {WT::StakeDebit, 0}}, {"payout_credit", {WT::PayoutCredit, 0}},
               {"refund", {WT::Refund, 0}},          {"bonus_credit", {WT::BonusCredit, 0}},
               {"adjustment", {WT::Adjustment, 0}}};
    w.statuses = {{"pending", WalletTransactionStatus::Pending},
                  {"completed", WalletTransactionStatus::Completed},
                  {"failed", WalletTransactionStatus::Failed},
                  {"reversed", WalletTransactionStatus::Reversed}};

    m.sports = {"sports", "id", "name"};
    m.competitions = {"competitions", "id", "sport_id", "name", "country"};

    m.events.table = "events";
    m.events.id = "id";
    m.events.competition_id = "competition_id";
    m.events.home = "home";
    m.events.away = "away";
    m.events.start_at = "start_at";
    m.events.status = "status";
    m.events.result = "result";
    m.events.statuses = {{"scheduled", EventStatus::Scheduled},
                         {"live", EventStatus::Live},
                         {"finished", EventStatus::Finished},
                         {"cancelled", EventStatus::Cancelled}};

    m.markets.table = "markets";
    m.markets.id = "id";
    m.markets.event_id = "event_id";
    m.markets.type = "type";
    m.markets.line = "line";
    m.markets.status = "status";
    m.markets.statuses = {{"open", MarketStatus::Open},
                          {"suspended", MarketStatus::Suspended},
                          {"settled", MarketStatus::Settled},
                          {"voided", MarketStatus::Voided}};

    ValueMap<LegResult> results = {{"win", LegResult::Win},
                                   {"lose", LegResult::Lose},
                                   {"void", LegResult::Void},
                                   {"dead_heat", LegResult::DeadHeat}};
    m.selections.table = "selections";
    m.selections.id = "id";
    m.selections.market_id = "market_id";
    m.selections.name = "name";
    m.selections.odds = "odds";
    m.selections.result = "result";
    m.selections.dead_heat_factor = "dead_heat_factor";
    m.selections.results = results;

    auto& b = m.bets;
    b.table = "bets";
    b.id = "id";
    b.player_id = "player_id";
    b.type = "type";
    b.stake = "stake_minor";
    b.currency = "currency";
    b.total_odds = "total_odds";
    b.potential_payout = "potential_payout_minor";
    b.status = "status";
    b.payout = "payout_minor";
    b.placed_at = "placed_at";
    b.settled_at = "settled_at";
    b.channel = "channel";
    b.money_unit = MoneyUnit::Minor;
    b.types = {{"single", BetType::Single}, {"accumulator", BetType::Accumulator}};
    b.statuses = {{"open", BetStatus::Open},
                  {"won", BetStatus::Won},
                  {"lost", BetStatus::Lost},
                  {"void", BetStatus::Void},
                  {"cashed_out", BetStatus::CashedOut}};
    b.channels = m.players.channels;

    m.bet_legs.table = "bet_legs";
    m.bet_legs.bet_id = "bet_id";
    m.bet_legs.leg_no = "leg_no";
    m.bet_legs.selection_id = "selection_id";
    m.bet_legs.odds_taken = "odds_taken";
    m.bet_legs.result = "result";
    m.bet_legs.results = results;

    m.fx_rates = {"fx_rates", "currency", "day", "rate_to_eur"};
    return m;
}

std::vector<std::string> BettingMapping::problems() const {
    std::vector<std::string> out;
    std::set<std::string> tables;
    auto table = [&](const char* entity, const std::string& t) {
        if (t.empty()) {
            out.push_back(std::string(entity) + ": no source table configured");
            return;
        }
        if (!tables.insert(t).second)
            out.push_back(std::string(entity) + ": table '" + t +
                          "' is already mapped to another entity");
    };
    auto need = [&](const char* entity, const char* field, const std::string& column) {
        if (column.empty())
            out.push_back(std::string(entity) +
                          ": no source column configured for required field '" + field + "'");
    };
    auto map_nonempty = [&](const char* entity, const char* field, size_t n) {
        if (n == 0)
            out.push_back(std::string(entity) + ": the value map of '" + field + "' is empty");
    };

    table("player", players.table);
    need("player", "id", players.id);
    need("player", "country", players.country);
    need("player", "currency", players.currency);
    need("player", "channel", players.channel);
    need("player", "registered_at", players.registered_at);
    need("player", "status", players.status);
    map_nonempty("player", "channel", players.channels.size());
    map_nonempty("player", "status", players.statuses.size());

    const auto& w = wallet_transactions;
    table("wallet_transaction", w.table);
    need("wallet_transaction", "id", w.id);
    need("wallet_transaction", "player_id", w.player_id);
    need("wallet_transaction", "type", w.type);
    need("wallet_transaction", "amount", w.amount);
    need("wallet_transaction", "currency", w.currency);
    need("wallet_transaction", "status", w.status);
    need("wallet_transaction", "created_at", w.created_at);
    map_nonempty("wallet_transaction", "type", w.types.size());
    map_nonempty("wallet_transaction", "status", w.statuses.size());
    for (const auto& [text, t] : w.types)
        if (t.sign < -1 || t.sign > 1)
            out.push_back("wallet_transaction: type value '" + text + "' has sign " +
                          std::to_string(t.sign) + " (use -1, 0 or +1)");

    table("sport", sports.table);
    need("sport", "id", sports.id);
    need("sport", "name", sports.name);

    table("competition", competitions.table);
    need("competition", "id", competitions.id);
    need("competition", "sport_id", competitions.sport_id);
    need("competition", "name", competitions.name);

    table("event", events.table);
    need("event", "id", events.id);
    need("event", "competition_id", events.competition_id);
    need("event", "home", events.home);
    need("event", "away", events.away);
    need("event", "start_at", events.start_at);
    need("event", "status", events.status);
    map_nonempty("event", "status", events.statuses.size());

    table("market", markets.table);
    need("market", "id", markets.id);
    need("market", "event_id", markets.event_id);
    need("market", "type", markets.type);
    need("market", "status", markets.status);
    map_nonempty("market", "status", markets.statuses.size());

    table("selection", selections.table);
    need("selection", "id", selections.id);
    need("selection", "market_id", selections.market_id);
    need("selection", "name", selections.name);
    need("selection", "odds", selections.odds);
    if (!selections.result.empty()) map_nonempty("selection", "result", selections.results.size());

    table("bet", bets.table);
    need("bet", "id", bets.id);
    need("bet", "player_id", bets.player_id);
    need("bet", "type", bets.type);
    need("bet", "stake", bets.stake);
    need("bet", "currency", bets.currency);
    need("bet", "total_odds", bets.total_odds);
    need("bet", "potential_payout", bets.potential_payout);
    need("bet", "status", bets.status);
    need("bet", "placed_at", bets.placed_at);
    need("bet", "channel", bets.channel);
    map_nonempty("bet", "type", bets.types.size());
    map_nonempty("bet", "status", bets.statuses.size());
    map_nonempty("bet", "channel", bets.channels.size());

    table("bet_leg", bet_legs.table);
    need("bet_leg", "bet_id", bet_legs.bet_id);
    need("bet_leg", "leg_no", bet_legs.leg_no);
    need("bet_leg", "selection_id", bet_legs.selection_id);
    need("bet_leg", "odds_taken", bet_legs.odds_taken);
    if (!bet_legs.result.empty()) map_nonempty("bet_leg", "result", bet_legs.results.size());

    table("fx_rate", fx_rates.table);
    need("fx_rate", "currency", fx_rates.currency);
    need("fx_rate", "day", fx_rates.day);
    need("fx_rate", "rate", fx_rates.rate);
    return out;
}

}  // namespace tote::model
