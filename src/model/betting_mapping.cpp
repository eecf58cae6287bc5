#include "model/betting_mapping.h"

#include <set>

namespace tote::model {

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
    if (!players.channel_value) {
        need("player", "channel", players.channel);
        map_nonempty("player", "channel", players.channels.size());
    }
    need("player", "registered_at", players.registered_at);
    if (!players.status_value) {
        need("player", "status", players.status);
        map_nonempty("player", "status", players.statuses.size());
    }

    const auto& w = wallet_transactions;
    table("wallet_transaction", w.table);
    need("wallet_transaction", "id", w.id);
    need("wallet_transaction", "player_id", w.player_id);
    need("wallet_transaction", "type", w.type);
    need("wallet_transaction", "amount", w.amount);
    need("wallet_transaction", "currency", w.currency);
    if (!w.status_value) {
        need("wallet_transaction", "status", w.status);
        map_nonempty("wallet_transaction", "status", w.statuses.size());
    }
    need("wallet_transaction", "created_at", w.created_at);
    map_nonempty("wallet_transaction", "type", w.types.size());
    for (const auto& [text, t] : w.types)
        if (t.sign < -1 || t.sign > 1)
            out.push_back("wallet_transaction: type value '" + text + "' has sign " +
                          std::to_string(t.sign) + " (use -1, 0 or +1)");

    // The catalogue: all five entities or none.
    const bool catalogue = has_catalogue();
    for (const auto* t : {&sports.table, &competitions.table, &events.table, &markets.table})
        if (t->empty() == catalogue) {
            out.push_back(
                "catalogue: sport, competition, event, market and selection must all have a "
                "source table, or all be absent");
            break;
        }
    if (catalogue) {
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
        if (!selections.result.empty())
            map_nonempty("selection", "result", selections.results.size());
    }

    table("bet", bets.table);
    need("bet", "id", bets.id);
    need("bet", "player_id", bets.player_id);
    if (!bets.type_from_legs) {
        need("bet", "type", bets.type);
        map_nonempty("bet", "type", bets.types.size());
    }
    need("bet", "stake", bets.stake);
    if (!bets.currency_from_player) need("bet", "currency", bets.currency);
    need("bet", "total_odds", bets.total_odds);
    if (!bets.potential_payout_from_odds) need("bet", "potential_payout", bets.potential_payout);
    need("bet", "status", bets.status);
    map_nonempty("bet", "status", bets.statuses.size());
    need("bet", "placed_at", bets.placed_at);
    if (!bets.channel_value) {
        need("bet", "channel", bets.channel);
        map_nonempty("bet", "channel", bets.channels.size());
    }

    table("bet_leg", bet_legs.table);
    need("bet_leg", "bet_id", bet_legs.bet_id);
    need("bet_leg", "leg_no", bet_legs.leg_no);
    need("bet_leg", "selection_id", bet_legs.selection_id);
    need("bet_leg", "odds_taken", bet_legs.odds_taken);
    if (!bet_legs.result.empty()) map_nonempty("bet_leg", "result", bet_legs.results.size());

    if (has_fx_rates()) {
        table("fx_rate", fx_rates.table);
        need("fx_rate", "currency", fx_rates.currency);
        need("fx_rate", "day", fx_rates.day);
        need("fx_rate", "rate", fx_rates.rate);
    }
    if (formats.odds_integer_scale < -1 || formats.odds_integer_scale > 8)
        out.push_back("formats: odds integer scale " + std::to_string(formats.odds_integer_scale) +
                      " is out of range (0..8)");
    if (formats.integer_time_unit_us <= 0)
        out.push_back("formats: the integer time unit must be positive");
    return out;
}

}  // namespace tote::model
