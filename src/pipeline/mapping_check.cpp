#include "pipeline/mapping_check.h"

#include <map>
#include <set>

#include "model/exact_decimal.h"
#include "sink/sql_text.h"

namespace tote {

namespace {

// What a model field needs from its source column.
enum class FieldKind { Integer, Text, Time, Day, Odds, Decimal, Money, Enum };

struct MappedField {
    std::string entity;  // "bet"
    std::string table;   // source table
    std::string field;   // model field
    std::string column;  // source column
    FieldKind kind;
    model::MoneyUnit unit = model::MoneyUnit::Minor;
    std::vector<std::string> values;  // Enum: the source values the map covers
    bool optional = false;            // the model field may be null
};

template <class M>
std::vector<std::string> keys_of(const M& map) {
    std::vector<std::string> out;
    for (const auto& [k, v] : map) out.push_back(k);
    return out;
}

// Every mapped (entity, column) of the mapping, with what the model reads from it.
std::vector<MappedField> mapped_fields(const model::BettingMapping& m) {
    std::vector<MappedField> out;
    auto add = [&](const std::string& entity, const std::string& table, const std::string& field,
                   const std::string& column, FieldKind kind, std::vector<std::string> values = {},
                   model::MoneyUnit unit = model::MoneyUnit::Minor) {
        if (table.empty() || column.empty()) return;
        out.push_back({entity, table, field, column, kind, unit, std::move(values)});
    };
    using K = FieldKind;
    const auto& p = m.players;
    add("player", p.table, "id", p.id, K::Integer);
    add("player", p.table, "country", p.country, K::Text);
    add("player", p.table, "currency", p.currency, K::Text);
    add("player", p.table, "channel", p.channel, K::Enum, keys_of(p.channels));
    add("player", p.table, "registered_at", p.registered_at, K::Time);
    add("player", p.table, "status", p.status, K::Enum, keys_of(p.statuses));
    const auto& w = m.wallet_transactions;
    const std::string wt = "wallet_transaction";
    add(wt, w.table, "id", w.id, K::Integer);
    add(wt, w.table, "player_id", w.player_id, K::Integer);
    add(wt, w.table, "type", w.type, K::Enum, keys_of(w.types));
    add(wt, w.table, "amount", w.amount, K::Money, {}, w.amount_unit);
    add(wt, w.table, "currency", w.currency, K::Text);
    add(wt, w.table, "bet_id", w.bet_id, K::Integer);
    add(wt, w.table, "status", w.status, K::Enum, keys_of(w.statuses));
    add(wt, w.table, "created_at", w.created_at, K::Time);
    add("sport", m.sports.table, "id", m.sports.id, K::Integer);
    add("sport", m.sports.table, "name", m.sports.name, K::Text);
    const auto& c = m.competitions;
    add("competition", c.table, "id", c.id, K::Integer);
    add("competition", c.table, "sport_id", c.sport_id, K::Integer);
    add("competition", c.table, "name", c.name, K::Text);
    add("competition", c.table, "country", c.country, K::Text);
    const auto& e = m.events;
    add("event", e.table, "id", e.id, K::Integer);
    add("event", e.table, "competition_id", e.competition_id, K::Integer);
    add("event", e.table, "home", e.home, K::Text);
    add("event", e.table, "away", e.away, K::Text);
    add("event", e.table, "start_at", e.start_at, K::Time);
    add("event", e.table, "status", e.status, K::Enum, keys_of(e.statuses));
    add("event", e.table, "result", e.result, K::Text);
    const auto& k = m.markets;
    add("market", k.table, "id", k.id, K::Integer);
    add("market", k.table, "event_id", k.event_id, K::Integer);
    add("market", k.table, "type", k.type, K::Text);
    add("market", k.table, "line", k.line, K::Decimal);
    add("market", k.table, "status", k.status, K::Enum, keys_of(k.statuses));
    const auto& s = m.selections;
    add("selection", s.table, "id", s.id, K::Integer);
    add("selection", s.table, "market_id", s.market_id, K::Integer);
    add("selection", s.table, "name", s.name, K::Text);
    add("selection", s.table, "odds", s.odds, K::Odds);
    add("selection", s.table, "result", s.result, K::Enum, keys_of(s.results));
    add("selection", s.table, "dead_heat_factor", s.dead_heat_factor, K::Decimal);
    const auto& b = m.bets;
    add("bet", b.table, "id", b.id, K::Integer);
    add("bet", b.table, "player_id", b.player_id, K::Integer);
    add("bet", b.table, "type", b.type, K::Enum, keys_of(b.types));
    add("bet", b.table, "stake", b.stake, K::Money, {}, b.money_unit);
    add("bet", b.table, "currency", b.currency, K::Text);
    add("bet", b.table, "total_odds", b.total_odds, K::Odds);
    add("bet", b.table, "potential_payout", b.potential_payout, K::Money, {}, b.money_unit);
    add("bet", b.table, "status", b.status, K::Enum, keys_of(b.statuses));
    add("bet", b.table, "payout", b.payout, K::Money, {}, b.money_unit);
    add("bet", b.table, "placed_at", b.placed_at, K::Time);
    add("bet", b.table, "settled_at", b.settled_at, K::Time);
    add("bet", b.table, "channel", b.channel, K::Enum, keys_of(b.channels));
    const auto& l = m.bet_legs;
    add("bet_leg", l.table, "bet_id", l.bet_id, K::Integer);
    add("bet_leg", l.table, "leg_no", l.leg_no, K::Integer);
    add("bet_leg", l.table, "selection_id", l.selection_id, K::Integer);
    add("bet_leg", l.table, "odds_taken", l.odds_taken, K::Odds);
    add("bet_leg", l.table, "result", l.result, K::Enum, keys_of(l.results));
    const auto& f = m.fx_rates;
    add("fx_rate", f.table, "currency", f.currency, K::Text);
    add("fx_rate", f.table, "day", f.day, K::Day);
    add("fx_rate", f.table, "rate", f.rate, K::Decimal);
    static const std::set<std::string> kOptional = {"wallet_transaction.bet_id",
                                                    "competition.country",
                                                    "event.result",
                                                    "market.line",
                                                    "selection.result",
                                                    "selection.dead_heat_factor",
                                                    "bet.payout",
                                                    "bet.settled_at",
                                                    "bet_leg.result"};
    for (auto& x : out) x.optional = kOptional.count(x.entity + "." + x.field) != 0;
    return out;
}

// "Nullable(Decimal(38, 2))" -> "Decimal(38, 2)".
std::string strip_nullable(std::string t) {
    const std::string p = "Nullable(";
    if (t.rfind(p, 0) == 0 && !t.empty() && t.back() == ')')
        t = t.substr(p.size(), t.size() - p.size() - 1);
    return t;
}

// The scale of "Decimal(P, S)" / "Decimal64(S)"; -1 when not a decimal.
int decimal_scale(const std::string& t) {
    if (t.rfind("Decimal", 0) != 0) return -1;
    const auto comma = t.rfind(',');
    const auto open = t.find('(');
    const auto from = comma != std::string::npos ? comma + 1 : open + 1;
    try {
        return std::stoi(t.substr(from));
    } catch (const std::exception&) {
        return -1;
    }
}

// Empty when a landed column of type `t` converts exactly to the field; else why not.
std::string type_problem(const MappedField& f, const std::string& landed,
                         const model::SourceFormats& formats) {
    const std::string t = strip_nullable(landed);
    const bool is_float = t.rfind("Float", 0) == 0;
    const bool is_int = t.rfind("Int", 0) == 0 || t.rfind("UInt", 0) == 0;
    const bool is_text = t == "String" || t.rfind("FixedString", 0) == 0;
    const int scale = decimal_scale(t);
    const bool is_time = t.rfind("DateTime", 0) == 0;
    const std::string col = "column '" + f.column + "' of " + f.table + " has landed as " + t;
    switch (f.kind) {
        case FieldKind::Integer:
            if (is_int || is_text || scale == 0) return {};
            return col + ", which does not convert exactly to the integer " + f.entity + "." +
                   f.field;
        case FieldKind::Text:
            if (is_text) return {};
            return col + "; " + f.entity + "." + f.field + " needs text";
        case FieldKind::Enum:
            if (is_text || is_int) return {};
            return col + "; " + f.entity + "." + f.field +
                   " is looked up in its value map and needs text or integers";
        case FieldKind::Time:
            if (is_text || is_int || is_time) return {};
            return col +
                   ", which is not a timestamp (ISO-8601 text or an integer count since "
                   "the epoch)";
        case FieldKind::Day:
            if (is_text || is_int || t == "Date" || t == "Date32") return {};
            return col + ", which is not a date";
        case FieldKind::Odds:
            if (formats.odds_integer_scale >= 0) {
                if (is_int || scale == 0) return {};
                return col + ", but formats.odds says odds are integers with an implied scale";
            }
            if (is_float)
                return col +
                       ": floating point is not exact (use decimal.handling.mode=string "
                       "or precise)";
            if (is_int || is_text || (scale >= 0 && scale <= model::kOddsScale)) return {};
            return col + ", with more decimals than the model keeps for odds (" +
                   std::to_string(model::kOddsScale) + ")";
        case FieldKind::Decimal:
            if (is_float)
                return col +
                       ": floating point is not exact (use decimal.handling.mode=string "
                       "or precise)";
            if (is_int || is_text || scale >= 0) return {};
            return col + ", which is not a decimal";
        case FieldKind::Money:
            if (is_float)
                return col +
                       ": money in floating point is not exact (use "
                       "decimal.handling.mode=string or precise)";
            if (f.unit == model::MoneyUnit::Minor && scale > 0)
                return col +
                       ", but the mapping says money: minor (whole minor units): set "
                       "money: major if the column holds major units";
            if (is_int || is_text || scale >= 0) return {};
            return col + ", which is not an amount";
    }
    return {};
}

}  // namespace

std::string MappingCheckReport::format(const std::string& origin) const {
    std::string out;
    for (const auto& e : errors)
        out += origin + ":" + std::to_string(e.line) + ": " + e.message + "\n";
    for (const auto& n : notes)
        out += origin + ":" + std::to_string(n.line) + ": note: " + n.message + "\n";
    return out;
}

bool MappingCheck::has_live_rows(const std::string& table) {
    auto it = live_rows_.find(table);
    if (it != live_rows_.end()) return it->second;
    const auto r = parse_tsv(conn_.query_readonly(
        "SELECT count() FROM " + sql_table(database_, "land_" + table) + " WHERE _deleted = 0"));
    const bool live = !r.empty() && !r[0].empty() && r[0][0] != "0";
    live_rows_[table] = live;
    return live;
}

MappingCheckReport MappingCheck::run(const model::MappingFile& file) {
    MappingCheckReport report;
    const auto& mapping = file.mapping();
    // What has landed: land_<table> columns and their types, in one query.
    std::map<std::string, std::map<std::string, std::string>> landed;  // table -> column -> type
    const auto rows = parse_tsv(conn_.query_readonly(
        "SELECT table, name, type FROM system.columns WHERE database = " + sql_string(database_) +
        " AND substring(table, 1, 5) = 'land_'"));
    for (const auto& r : rows)
        if (r.size() == 3) landed[r[0].substr(5)][r[1]] = r[2];

    std::set<std::string> noted_tables;
    for (const auto& f : mapped_fields(mapping)) {
        const std::string column_path = f.entity + ".columns." + f.field;
        auto t = landed.find(f.table);
        if (t == landed.end()) {
            if (noted_tables.insert(f.table).second)
                report.notes.push_back(
                    {file.line_of(f.entity + ".table"),
                     "table '" + f.table + "' (" + f.entity + ") has not landed in database '" +
                         database_ +
                         "' yet: its columns and values are checked once its first change "
                         "has landed"});
            continue;
        }
        auto c = t->second.find(f.column);
        if (c == t->second.end()) {
            // A column lands with its first non-null value: an optional column may simply have
            // been null so far. A required one is missing for sure once rows other than deletes
            // have landed (each of them would be a mapping error).
            if (f.optional || !has_live_rows(f.table)) {
                report.notes.push_back(
                    {file.line_of(column_path),
                     "column '" + f.column + "' (" + f.entity + "." + f.field +
                         ") has not landed in table '" + f.table +
                         "': it has held no value yet, or the source has no such column"});
                continue;
            }
            std::string known;
            for (const auto& [name, type] : t->second)
                if (name.empty() || name[0] != '_') known += (known.empty() ? "" : ", ") + name;
            report.errors.push_back(
                {file.line_of(column_path), "unknown column '" + f.column + "' in table '" +
                                                f.table + "' (mapped to " + f.entity + "." +
                                                f.field + "); the landed columns are: " + known});
            continue;
        }
        if (auto why = type_problem(f, c->second, mapping.formats); !why.empty()) {
            report.errors.push_back({file.line_of(column_path), why});
            continue;
        }
        if (f.kind != FieldKind::Enum) continue;
        // Every value the landed rows hold (any version) must be in the map.
        const std::string col = sql_identifier(f.column);
        const auto seen = parse_tsv(
            conn_.query_readonly("SELECT DISTINCT toString(" + col + ") AS v FROM " +
                                 sql_table(database_, "land_" + f.table) + " WHERE isNotNull(" +
                                 col + ") AND _deleted = 0 ORDER BY v LIMIT 1000"));
        std::set<std::string> covered(f.values.begin(), f.values.end());
        std::string missing;
        for (const auto& r : seen)
            if (!r.empty() && !covered.count(r[0]))
                missing += (missing.empty() ? "'" : ", '") + r[0] + "'";
        if (!missing.empty()) {
            const std::string values_path = f.entity + ".values." + f.field;
            const int line =
                file.line_of(values_path) ? file.line_of(values_path) : file.line_of(column_path);
            report.errors.push_back(
                {line, "the value map of " + f.entity + "." + f.field + " does not cover " +
                           missing + ", seen in " + f.table + "." + f.column +
                           ": add each one (source value: model value) under " + values_path});
        }
    }
    // source_types: a landed column typed otherwise (landed before the declaration, or the
    // declaration is wrong) would dead-letter every value the declaration types.
    for (const auto& st : file.source_types()) {
        auto t = landed.find(st.table);
        if (t == landed.end()) continue;  // checked once it has landed (noted above if mapped)
        auto c = t->second.find(st.column);
        if (c == t->second.end()) continue;
        const std::string want = clickhouse_type(st.type.landing());
        if (c->second == want) continue;
        report.errors.push_back(
            {st.line, "source_types." + st.table + "." + st.column + " declares " + st.type.text() +
                          " (landing type " + want + ") but land_" + st.table + "." + st.column +
                          " has landed as " + c->second +
                          ": fix the declaration, or change the column (ALTER TABLE ... MODIFY "
                          "COLUMN, docs/operations.md) and ingest again under a new consumer"});
    }
    return report;
}

}  // namespace tote
