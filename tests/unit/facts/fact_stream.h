#pragma once
// Test helpers: source rows of the simulator's schema (the default mapping) as change events,
// and a Source that numbers them like a real stream (LSNs, total_order, packed versions, log
// offsets with a BEGIN and an END record around every transaction).
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/change_event.h"
#include "core/source_position.h"
#include "transform/facts/fact_builder.h"
#include "transform/transaction/complete_transaction.h"

namespace tote::facts::test {

inline Field col(std::string name, Value v) {
    Field f;
    f.name = std::move(name);
    f.value = std::move(v);
    return f;
}
inline Value text(std::string s) {
    return Value{std::move(s)};
}
inline Value num(int64_t v) {
    return Value{v};
}
inline Value opt_text(const std::optional<std::string>& s) {
    return s ? Value{*s} : Value{NullValue{}};
}
inline Value opt_num(const std::optional<int64_t>& v) {
    return v ? Value{*v} : Value{NullValue{}};
}
inline std::string id_key(int64_t id) {
    return "{\"id\":" + std::to_string(id) + "}";
}

inline ChangeEvent row(std::string table, std::string key, std::vector<Field> fields,
                       Op op = Op::Create) {
    ChangeEvent e;
    e.table = std::move(table);
    e.key = std::move(key);
    e.op = op;
    RowImage r;
    r.fields = std::move(fields);
    if (op == Op::Delete)
        e.before = std::move(r);
    else if (op != Op::Truncate)
        e.after = std::move(r);
    return e;
}

inline ChangeEvent removed(std::string table, std::string key) {
    return row(std::move(table), std::move(key), {}, Op::Delete);
}

inline ChangeEvent player(int64_t id, std::string country, std::string currency,
                          std::string channel = "app") {
    return row(
        "players", id_key(id),
        {col("id", num(id)), col("country", text(country)), col("currency", text(currency)),
         col("channel", text(channel)), col("registered_at", text("2026-01-01T00:00:00.000000Z")),
         col("status", text("active"))});
}
inline ChangeEvent sport(int64_t id, std::string name) {
    return row("sports", id_key(id), {col("id", num(id)), col("name", text(name))});
}
inline ChangeEvent competition(int64_t id, int64_t sport_id, std::string name) {
    return row("competitions", id_key(id),
               {col("id", num(id)), col("sport_id", num(sport_id)), col("name", text(name)),
                col("country", Value{NullValue{}})});
}
inline ChangeEvent event(int64_t id, int64_t competition_id, std::string status) {
    return row("events", id_key(id),
               {col("id", num(id)), col("competition_id", num(competition_id)),
                col("home", text("Home FC")), col("away", text("Away FC")),
                col("start_at", text("2026-11-01T15:00:00.000000Z")), col("status", text(status)),
                col("result", Value{NullValue{}})});
}
inline ChangeEvent market(int64_t id, int64_t event_id, std::string type = "1X2") {
    return row("markets", id_key(id),
               {col("id", num(id)), col("event_id", num(event_id)), col("type", text(type)),
                col("line", Value{NullValue{}}), col("status", text("open"))});
}
inline ChangeEvent selection(int64_t id, int64_t market_id, std::string odds,
                             std::optional<std::string> result = std::nullopt,
                             std::optional<std::string> dead_heat_factor = std::nullopt) {
    return row("selections", id_key(id),
               {col("id", num(id)), col("market_id", num(market_id)), col("name", text("Home")),
                col("odds", text(odds)), col("result", opt_text(result)),
                col("dead_heat_factor", opt_text(dead_heat_factor))});
}
inline ChangeEvent fx(std::string currency, int64_t day, std::string rate) {
    return row(
        "fx_rates", "{\"currency\":\"" + currency + "\",\"day\":" + std::to_string(day) + "}",
        {col("currency", text(currency)), col("day", num(day)), col("rate_to_eur", text(rate))});
}

struct BetRow {
    int64_t id = 10;
    int64_t player_id = 7;
    std::string type = "single";
    int64_t stake = 1500;
    std::string currency = "UGX";
    std::string total_odds = "2.5000";
    int64_t potential = 3750;
    std::string status = "open";
    std::optional<int64_t> payout;
    std::string placed_at = "2026-11-01T12:00:00.000000Z";
    std::optional<std::string> settled_at;
    std::string channel = "app";
};
inline ChangeEvent bet(const BetRow& b) {
    return row("bets", id_key(b.id),
               {col("id", num(b.id)), col("player_id", num(b.player_id)), col("type", text(b.type)),
                col("stake_minor", num(b.stake)), col("currency", text(b.currency)),
                col("total_odds", text(b.total_odds)),
                col("potential_payout_minor", num(b.potential)), col("status", text(b.status)),
                col("payout_minor", opt_num(b.payout)), col("placed_at", text(b.placed_at)),
                col("settled_at", opt_text(b.settled_at)), col("channel", text(b.channel))});
}
inline std::string leg_key(int64_t bet_id, int64_t leg_no) {
    return "{\"bet_id\":" + std::to_string(bet_id) + ",\"leg_no\":" + std::to_string(leg_no) + "}";
}
inline ChangeEvent leg(int64_t bet_id, int64_t leg_no, int64_t selection_id, std::string odds,
                       std::optional<std::string> result = std::nullopt) {
    return row("bet_legs", leg_key(bet_id, leg_no),
               {col("bet_id", num(bet_id)), col("leg_no", num(leg_no)),
                col("selection_id", num(selection_id)), col("odds_taken", text(odds)),
                col("result", opt_text(result))});
}
inline ChangeEvent wallet(int64_t id, int64_t player_id, std::string type, int64_t amount,
                          std::string currency, std::optional<int64_t> bet_id,
                          std::string status = "completed",
                          std::string created_at = "2026-11-01T12:00:00.000000Z") {
    return row("wallet_transactions", id_key(id),
               {col("id", num(id)), col("player_id", num(player_id)), col("type", text(type)),
                col("amount_minor", num(amount)), col("currency", text(currency)),
                col("bet_id", opt_num(bet_id)), col("status", text(status)),
                col("created_at", text(created_at))});
}

// 2026-11-01 as days since 1970-01-01.
inline constexpr int64_t kDay = 20758;

// Numbers changes like a Debezium stream: every transaction takes BEGIN, its changes and END
// as consecutive log offsets; every change gets the next LSN and its total_order.
class Source {
public:
    CompleteTransaction tx(std::vector<ChangeEvent> changes, bool complete = true) {
        CompleteTransaction t;
        t.tx_id = next_tx_++;
        t.first_offset = offset_++;  // BEGIN
        uint64_t order = 1;
        for (auto& c : changes) {
            lsn_ += 64;
            c.source.lsn = lsn_;
            c.source.tx_id = t.tx_id;
            c.source.total_order = order++;
            c.source.commit_ts_ms = 1'793'534'400'000;
            c.version = pack_version(c.source);
            ++offset_;
        }
        t.last_offset = offset_++;  // END
        t.changes = std::move(changes);
        t.commit_ts_ms = 1'793'534'400'000;
        t.complete = complete;
        return t;
    }
    // An initial snapshot as Debezium sends it: every row read at one position (one LSN and
    // txId), no transaction block, each row its own unit; the last row of each table marked as
    // the table's end. Later transactions get later LSNs.
    std::vector<CompleteTransaction> snapshot(std::vector<ChangeEvent> rows) {
        lsn_ += 64;
        const uint64_t tx = next_tx_++;
        std::vector<CompleteTransaction> out;
        for (size_t i = 0; i < rows.size(); ++i) {
            ChangeEvent c = std::move(rows[i]);
            c.source.lsn = lsn_;
            c.source.tx_id = tx;
            c.source.total_order = 0;
            c.source.snapshot = true;
            c.source.snapshot_table_end = i + 1 == rows.size() || rows[i + 1].table != c.table;
            c.source.commit_ts_ms = 1'793'534'400'000;
            c.version = pack_version(c.source);
            CompleteTransaction t;
            t.tx_id = tx;
            t.first_offset = t.last_offset = offset_++;
            t.commit_ts_ms = c.source.commit_ts_ms;
            t.snapshot = true;
            t.transaction_metadata = false;
            t.changes.push_back(std::move(c));
            out.push_back(std::move(t));
        }
        return out;
    }
    // Other records (of other tables or transactions) pass by.
    void skip(int64_t records) { offset_ += records; }
    int64_t offset() const { return offset_; }

private:
    uint64_t next_tx_ = 700;
    uint64_t lsn_ = 0x1000000;
    int64_t offset_ = 0;
};

inline void append(FactBatch& to, const FactBatch& from) {
    to.bets.insert(to.bets.end(), from.bets.begin(), from.bets.end());
    to.legs.insert(to.legs.end(), from.legs.begin(), from.legs.end());
    to.wallet.insert(to.wallet.end(), from.wallet.begin(), from.wallet.end());
    to.log.insert(to.log.end(), from.log.begin(), from.log.end());
    auto cat = [](auto& a, const auto& b) { a.insert(a.end(), b.begin(), b.end()); };
    cat(to.dims.players, from.dims.players);
    cat(to.dims.sports, from.dims.sports);
    cat(to.dims.competitions, from.dims.competitions);
    cat(to.dims.events, from.dims.events);
    cat(to.dims.markets, from.dims.markets);
    cat(to.dims.selections, from.dims.selections);
    cat(to.dims.fx_rates, from.dims.fx_rates);
}

}  // namespace tote::facts::test
