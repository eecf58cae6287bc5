#include "model/model_mapper.h"

#include "core/error.h"
#include "model/exact_decimal.h"
#include "model/row_reader.h"

namespace tote::model {

ModelMapper::ModelMapper(BettingMapping mapping) : mapping_(std::move(mapping)) {
    auto problems = mapping_.problems();
    if (!problems.empty()) {
        std::string msg = "the betting mapping is not usable:";
        for (const auto& p : problems) msg += "\n  - " + p;
        msg += "\nFix the mapping configuration and start again.";
        throw ToteError(ErrorClass::Fatal, msg);
    }
    const auto& m = mapping_;
    const std::pair<const std::string*, EntityKind> tables[] = {
        {&m.players.table, EntityKind::Player},
        {&m.wallet_transactions.table, EntityKind::WalletTransaction},
        {&m.sports.table, EntityKind::Sport},
        {&m.competitions.table, EntityKind::Competition},
        {&m.events.table, EntityKind::Event},
        {&m.markets.table, EntityKind::Market},
        {&m.selections.table, EntityKind::Selection},
        {&m.bets.table, EntityKind::Bet},
        {&m.bet_legs.table, EntityKind::BetLeg},
        {&m.fx_rates.table, EntityKind::FxRate}};
    for (const auto& [table, kind] : tables)
        if (!table->empty()) tables_.emplace(*table, kind);  // absent entities map nothing
}

ModelRecord ModelMapper::map(const ChangeEvent& change, const PlayerCurrencies* players) const {
    auto it = tables_.find(change.table);
    if (it == tables_.end()) return NotModelTable{change.table};
    if (change.op == Op::Delete) return RowRemoved{it->second, change.key};
    if (change.op == Op::Truncate) return RowRemoved{it->second, ""};
    if (!change.after)
        return MappingError{change.table, change.key, "", "change has no after image"};
    return map_row(it->second, change, *change.after, players);
}

ModelRecord ModelMapper::map_row(EntityKind kind, const ChangeEvent& change, const RowImage& row,
                                 const PlayerCurrencies* players) const {
    RowReader r(row, change.table, change.key, mapping_.formats);
    auto done = [&r](auto entity) -> ModelRecord {
        if (!r.ok()) return *r.error();
        return entity;
    };
    switch (kind) {
        case EntityKind::Player: {
            const auto& m = mapping_.players;
            Player p;
            p.id = r.integer(m.id);
            p.country = r.text(m.country);
            p.currency = r.text(m.currency);
            p.channel = m.channel_value ? *m.channel_value : r.enumerated(m.channel, m.channels);
            p.registered_at_us = r.time_us(m.registered_at);
            p.status = m.status_value ? *m.status_value : r.enumerated(m.status, m.statuses);
            return done(std::move(p));
        }
        case EntityKind::WalletTransaction: {
            const auto& m = mapping_.wallet_transactions;
            WalletTransaction w;
            w.id = r.integer(m.id);
            w.player_id = r.integer(m.player_id);
            WalletTypeMapping t = r.enumerated(m.type, m.types);
            w.type = t.type;
            w.currency = r.text(m.currency);
            int64_t amount = r.money(m.amount, m.amount_unit, w.currency);
            if (t.sign != 0 && r.ok()) {
                if (__builtin_mul_overflow(amount, static_cast<int64_t>(t.sign), &amount))
                    r.fail(m.amount, "amount out of range after applying the type's sign");
            }
            w.amount_minor = amount;
            w.bet_id = r.optional_integer(m.bet_id);
            w.status = m.status_value ? *m.status_value : r.enumerated(m.status, m.statuses);
            w.created_at_us = r.time_us(m.created_at);
            return done(std::move(w));
        }
        case EntityKind::Sport: {
            const auto& m = mapping_.sports;
            Sport s;
            s.id = r.integer(m.id);
            s.name = r.text(m.name);
            return done(std::move(s));
        }
        case EntityKind::Competition: {
            const auto& m = mapping_.competitions;
            Competition c;
            c.id = r.integer(m.id);
            c.sport_id = r.integer(m.sport_id);
            c.name = r.text(m.name);
            c.country = r.optional_text(m.country);
            return done(std::move(c));
        }
        case EntityKind::Event: {
            const auto& m = mapping_.events;
            Event e;
            e.id = r.integer(m.id);
            e.competition_id = r.integer(m.competition_id);
            e.home = r.text(m.home);
            e.away = r.text(m.away);
            e.start_at_us = r.time_us(m.start_at);
            e.status = r.enumerated(m.status, m.statuses);
            e.result = r.optional_text(m.result);
            if (e.status == EventStatus::Finished)
                e.finished_at_us = change.source.commit_ts_ms * 1000;
            return done(std::move(e));
        }
        case EntityKind::Market: {
            const auto& m = mapping_.markets;
            Market k;
            k.id = r.integer(m.id);
            k.event_id = r.integer(m.event_id);
            k.type = r.text(m.type);
            k.line_e2 = r.optional_scaled(m.line, kLineScale);
            k.status = r.enumerated(m.status, m.statuses);
            return done(std::move(k));
        }
        case EntityKind::Selection: {
            const auto& m = mapping_.selections;
            Selection s;
            s.id = r.integer(m.id);
            s.market_id = r.integer(m.market_id);
            s.name = r.text(m.name);
            s.odds_e4 = r.odds(m.odds);
            s.result = r.optional_enumerated(m.result, m.results);
            s.dead_heat_factor_e4 = r.optional_scaled(m.dead_heat_factor, kOddsScale);
            return done(std::move(s));
        }
        case EntityKind::Bet: {
            const auto& m = mapping_.bets;
            Bet b;
            b.id = r.integer(m.id);
            b.player_id = r.integer(m.player_id);
            // type_from_legs: Single here; the fact builder sets it from the live legs.
            b.type = m.type_from_legs ? BetType::Single : r.enumerated(m.type, m.types);
            if (m.currency_from_player) {
                const std::string* c =
                    players && r.ok() ? players->currency_of(b.player_id) : nullptr;
                if (c) {
                    b.currency = *c;
                } else if (r.ok()) {
                    auto e = MappingError{change.table, change.key, m.player_id,
                                          "the bet takes its player's currency (mapping: bet "
                                          "currency from player) and player " +
                                              std::to_string(b.player_id) + " is not known yet"};
                    e.awaits_player = b.player_id;
                    return e;
                }
            } else {
                b.currency = r.text(m.currency);
            }
            b.stake_minor = r.money(m.stake, m.money_unit, b.currency);
            b.total_odds_e4 = r.odds(m.total_odds);
            if (m.potential_payout_from_odds) {
                // floor(stake x total odds), as the rules compute it (payout_math.h).
                const __int128 p = static_cast<__int128>(b.stake_minor) * b.total_odds_e4;
                const __int128 q = p / 10'000 - ((p % 10'000 != 0 && p < 0) ? 1 : 0);
                if (q > INT64_MAX || q < INT64_MIN)
                    r.fail(m.stake, "stake x total odds is out of range");
                else
                    b.potential_payout_minor = static_cast<int64_t>(q);
            } else {
                b.potential_payout_minor = r.money(m.potential_payout, m.money_unit, b.currency);
            }
            b.status = r.enumerated(m.status, m.statuses);
            b.payout_minor = r.optional_money(m.payout, m.money_unit, b.currency);
            b.placed_at_us = r.time_us(m.placed_at);
            b.settled_at_us = r.optional_time_us(m.settled_at);
            b.channel = m.channel_value ? *m.channel_value : r.enumerated(m.channel, m.channels);
            return done(std::move(b));
        }
        case EntityKind::BetLeg: {
            const auto& m = mapping_.bet_legs;
            BetLeg l;
            l.bet_id = r.integer(m.bet_id);
            l.leg_no = r.integer(m.leg_no);
            l.selection_id = r.integer(m.selection_id);
            l.odds_taken_e4 = r.odds(m.odds_taken);
            l.result = r.optional_enumerated(m.result, m.results);
            return done(std::move(l));
        }
        case EntityKind::FxRate: {
            const auto& m = mapping_.fx_rates;
            FxRate f;
            f.currency = r.text(m.currency);
            f.day = r.day(m.day);
            f.rate_e10 = r.scaled(m.rate, kFxRateScale);
            return done(std::move(f));
        }
    }
    return MappingError{change.table, change.key, "", "unknown entity kind"};
}

}  // namespace tote::model
