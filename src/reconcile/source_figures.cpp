#include "reconcile/source_figures.h"

#include <fmt/format.h>

#include <charconv>
#include <map>
#include <set>
#include <tuple>

#include "core/error.h"
#include "model/currency.h"

namespace tote {
namespace {

std::string text(const std::optional<std::string>& v) {
    return v ? *v : std::string();
}

int64_t count_of(const std::optional<std::string>& v) {
    int64_t n = 0;
    const std::string s = text(v);
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec != std::errc() || p != s.data() + s.size())
        throw ToteError(ErrorClass::Fatal, "the source database returned '" + s + "' for a count");
    return n;
}

// "1234.5000" -> "1234.5", "12.00" -> "12": the same number with no trailing fraction zeros.
std::string trim_fraction(std::string s) {
    if (s.find('.') == std::string::npos) return s;
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
}

bool is_integer_text(const std::string& s) {
    if (s.empty()) return false;
    for (size_t i = (s[0] == '-' ? 1 : 0); i < s.size(); ++i)
        if (s[i] < '0' || s[i] > '9') return false;
    return s != "-";
}

// The model's name of a source value through a value map; nullopt when the map lacks it.
template <class E>
std::optional<E> mapped(const model::ValueMap<E>& map, const std::string& value) {
    auto it = map.find(value);
    if (it == map.end()) return std::nullopt;
    return it->second;
}

}  // namespace

SourceFigures::SourceFigures(const model::BettingMapping& mapping, SqlDialect dialect,
                             SqlQuery query)
    : m_(mapping), dialect_(dialect), query_(std::move(query)) {}

std::string SourceFigures::id(const std::string& name) const {
    const char q = dialect_ == SqlDialect::MariaDB ? '`' : '"';
    std::string out(1, q);
    for (char c : name) {
        if (c == q) out += q;
        out += c;
    }
    return out + q;
}

std::string SourceFigures::literal(const std::string& s) const {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') out += '\'';
        if (c == '\\' && dialect_ == SqlDialect::MariaDB) out += '\\';
        out += c;
    }
    return out + "'";
}

std::vector<std::string> SourceFigures::source_tables() {
    const char* schema = dialect_ == SqlDialect::MariaDB ? "DATABASE()" : "current_schema()";
    std::vector<std::string> out;
    for (const auto& r : query_(fmt::format(
             "SELECT table_name FROM information_schema.tables WHERE table_schema = {}", schema)))
        if (!r.empty()) out.push_back(text(r[0]));
    return out;
}

std::string SourceFigures::column_type(const std::string& table, const std::string& column) {
    const char* schema = dialect_ == SqlDialect::MariaDB ? "DATABASE()" : "current_schema()";
    auto rows = query_(
        fmt::format("SELECT data_type FROM information_schema.columns WHERE table_schema = {} AND "
                    "table_name = {} AND column_name = {}",
                    schema, literal(table), literal(column)));
    if (rows.empty() || rows[0].empty() || !rows[0][0])
        throw ToteError(ErrorClass::Fatal,
                        "the mapping file names column " + table + "." + column +
                            ", which the source database does not have: fix the mapping file "
                            "(`tote mapping check FILE` lists every problem)");
    std::string type = *rows[0][0];
    for (auto& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return type;
}

std::string SourceFigures::utc_day_sql(const std::string& table, const std::string& column,
                                       const std::string& qualifier) {
    const std::string type = column_type(table, column);
    const std::string c = qualifier.empty() ? id(column) : qualifier + "." + id(column);
    const bool maria = dialect_ == SqlDialect::MariaDB;
    const auto one_of = [&](std::initializer_list<const char*> names) {
        for (const char* n : names)
            if (type == n) return true;
        return false;
    };
    // A time with a zone: its UTC day.
    if (!maria && type == "timestamp with time zone")
        return fmt::format("to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD')", c);
    // MariaDB's TIMESTAMP is shown in the session's zone; UNIX_TIMESTAMP undoes that.
    if (maria && type == "timestamp")
        return fmt::format(
            "DATE_FORMAT(DATE_ADD('1970-01-01', INTERVAL FLOOR(UNIX_TIMESTAMP({}) / 86400) DAY), "
            "'%Y-%m-%d')",
            c);
    // A time without a zone reaches tote through Debezium as its wall-clock reading in UTC
    // (MicroTimestamp), so its day is its own date.
    if (one_of({"timestamp without time zone", "date", "datetime"}))
        return maria ? fmt::format("DATE_FORMAT({}, '%Y-%m-%d')", c)
                     : fmt::format("to_char({}, 'YYYY-MM-DD')", c);
    // An integer counts formats.integer_time units since the epoch.
    if (one_of({"bigint", "integer", "int", "smallint", "numeric", "decimal"})) {
        const int64_t per_day_us = 86'400'000'000;
        return maria ? fmt::format(
                           "DATE_FORMAT(DATE_ADD('1970-01-01', INTERVAL FLOOR({} * {} / {}) DAY), "
                           "'%Y-%m-%d')",
                           c, m_.formats.integer_time_unit_us, per_day_us)
                     : fmt::format(
                           "to_char(date '1970-01-01' + floor({}::numeric * {} / {})::int, "
                           "'YYYY-MM-DD')",
                           c, m_.formats.integer_time_unit_us, per_day_us);
    }
    // ISO-8601 text in UTC: its first ten characters, as the warehouse reads the landed text.
    if (one_of({"text", "character varying", "character", "varchar", "char", "longtext",
                "mediumtext", "tinytext"}))
        return fmt::format("SUBSTRING({}, 1, 10)", c);
    throw ToteError(ErrorClass::Fatal, "column " + table + "." + column + " has type '" + type +
                                           "', of which tote cannot take a UTC day: map a "
                                           "timestamp, date, integer or ISO-8601 text column");
}

int64_t SourceFigures::minor(const std::optional<std::string>& sum, model::MoneyUnit unit,
                             const std::string& currency, const std::string& what) const {
    if (!sum) return 0;
    const std::string s = trim_fraction(*sum);
    if (unit == model::MoneyUnit::Minor || s.find('.') == std::string::npos) {
        if (!is_integer_text(s))
            throw ToteError(ErrorClass::Fatal, "the source's " + what + " in " + currency + " is " +
                                                   *sum + ": not whole minor units");
        int64_t minor_units = 0;
        std::from_chars(s.data(), s.data() + s.size(), minor_units);
        if (unit == model::MoneyUnit::Minor) return minor_units;
    }
    auto converted = model::Currency::to_minor(s, currency);
    if (!converted.ok())
        throw ToteError(ErrorClass::Fatal, "the source's " + what + " in " + currency + " (" +
                                               *sum +
                                               ", major units) does not convert exactly "
                                               "to minor units: " +
                                               converted.error);
    return *converted.value;
}

std::string SourceFigures::exponent_factor_sql(const std::string& currency_sql,
                                               const std::string& from_sql) {
    std::string cases;
    for (const auto& r : query_(fmt::format("SELECT DISTINCT {} FROM {} WHERE {} IS NOT NULL",
                                            currency_sql, from_sql, currency_sql))) {
        const std::string code = text(r.at(0));
        auto e = model::Currency::exponent(code);
        if (!e) {
            unmapped_.push_back("source currency '" + code +
                                "' has no minor-unit exponent that tote knows: its bets' "
                                "potential payouts cannot be computed exactly");
            continue;
        }
        int64_t f = 1;
        for (int i = 0; i < *e; ++i) f *= 10;
        cases += fmt::format(" WHEN {} THEN {}", literal(code), f);
    }
    if (cases.empty()) return "NULL";
    return fmt::format("(CASE {}{} END)", currency_sql, cases);
}

GroundTruth SourceFigures::read(const std::vector<std::string>& also_count) {
    unmapped_.clear();
    GroundTruth t;
    t.log_offset = -1;
    std::set<std::string> tables;
    for (const std::string* name :
         {&m_.players.table, &m_.wallet_transactions.table, &m_.sports.table,
          &m_.competitions.table, &m_.events.table, &m_.markets.table, &m_.selections.table,
          &m_.bets.table, &m_.bet_legs.table, &m_.fx_rates.table})
        if (!name->empty()) tables.insert(*name);
    const auto present = source_tables();
    const std::set<std::string> in_source(present.begin(), present.end());
    for (const auto& name : tables)
        if (!in_source.count(name))
            throw ToteError(ErrorClass::Fatal, "the mapping file names table " + name +
                                                   ", which the source database does not have "
                                                   "(or not in its current schema)");
    for (const auto& name : also_count)
        if (in_source.count(name)) tables.insert(name);
    for (const auto& name : tables)
        t.table_rows[name] = count_of(query_("SELECT COUNT(*) FROM " + id(name)).at(0).at(0));
    read_ledger(t);
    read_bets(t);
    return t;
}

void SourceFigures::read_ledger(GroundTruth& t) {
    const auto& w = m_.wallet_transactions;
    const bool by_status = !w.status_value;
    const std::string sql =
        fmt::format("SELECT {}, {}, {}{}, COUNT(*), SUM({}) FROM {} GROUP BY 1, 2, 3{}",
                    utc_day_sql(w.table, w.created_at), id(w.currency), id(w.type),
                    by_status ? ", " + id(w.status) : std::string(), id(w.amount), id(w.table),
                    by_status ? ", 4" : "");
    using Key = std::tuple<std::string, std::string, std::string>;
    std::map<Key, std::pair<int64_t, int64_t>> all;
    std::map<std::tuple<std::string, std::string, std::string, std::string>,
             std::pair<int64_t, int64_t>>
        per_status;
    for (const auto& r : query_(sql)) {
        const std::string day = text(r.at(0)), currency = text(r.at(1)),
                          source_type = text(r.at(2));
        const size_t n = by_status ? 4 : 3;
        // A type the map lacks keeps its source value (as the warehouse's ledger check does).
        std::string type = source_type;
        int sign = 0;
        if (auto mt = mapped(w.types, source_type)) {
            type = std::string(model::to_text(mt->type));
            sign = mt->sign;
        }
        std::string status;
        if (w.status_value) {
            status = std::string(model::to_text(*w.status_value));
        } else {
            status = text(r.at(3));
            if (auto ms = mapped(w.statuses, status)) status = std::string(model::to_text(*ms));
        }
        const int64_t count = count_of(r.at(n));
        int64_t sum = minor(r.at(n + 1), w.amount_unit, currency, "ledger sum");
        if (sign != 0) sum *= sign;
        auto& a = all[{day, currency, type}];
        a.first += count;
        a.second += sum;
        auto& s = per_status[{day, currency, type, status}];
        s.first += count;
        s.second += sum;
    }
    for (const auto& [k, v] : per_status)
        t.ledger_by_status.push_back(LedgerFigure{std::get<0>(k), std::get<1>(k), std::get<2>(k),
                                                  std::get<3>(k), v.first, v.second});
    for (const auto& [k, v] : all)
        t.ledger.push_back(
            LedgerFigure{std::get<0>(k), std::get<1>(k), std::get<2>(k), "", v.first, v.second});
}

std::pair<std::string, std::string> SourceFigures::bets_from_and_currency() const {
    const auto& b = m_.bets;
    if (!b.currency_from_player) return {id(b.table) + " b", "b." + id(b.currency)};
    return {fmt::format("{} b LEFT JOIN {} p ON p.{} = b.{}", id(b.table), id(m_.players.table),
                        id(m_.players.id), id(b.player_id)),
            "p." + id(m_.players.currency)};
}

std::map<std::string, std::string> SourceFigures::bet_rows() {
    const auto& b = m_.bets;
    const auto col = [&](const std::string& c) { return "b." + id(c); };
    const auto [from, currency] = bets_from_and_currency();
    const std::string settled =
        b.settled_at.empty() ? "NULL" : utc_day_sql(b.table, b.settled_at, "b");
    std::map<std::string, std::string> out;
    for (const auto& r : query_(fmt::format(
             "SELECT {}, {}, {}, {}, {}, {} FROM {}", col(b.id), col(b.status), col(b.stake),
             currency, b.payout.empty() ? "NULL" : col(b.payout), settled, from))) {
        const std::string cur = text(r.at(3));
        std::string status = text(r.at(1));
        if (auto s = mapped(b.statuses, status)) status = std::string(model::to_text(*s));
        std::string fp = status + "|";
        // A value that does not convert shows as the source has it.
        try {
            fp += std::to_string(minor(r.at(2), b.money_unit, cur, "stake"));
        } catch (const ToteError&) {
            fp += text(r.at(2));
        }
        fp += "|" + cur + "|";
        try {
            fp += std::to_string(minor(r.at(4), b.money_unit, cur, "payout"));
        } catch (const ToteError&) {
            fp += text(r.at(4));
        }
        fp += "|" + text(r.at(5));
        out["{\"" + b.id + "\":" + text(r.at(0)) + "}"] = std::move(fp);
    }
    return out;
}

void SourceFigures::read_bets(GroundTruth& t) {
    const auto& b = m_.bets;
    const auto col = [&](const std::string& c) { return "b." + id(c); };
    const auto [from, currency] = bets_from_and_currency();
    // The potential payout: a column, or floor(stake in minor units x total odds) row by row,
    // as the fact builder computes it.
    std::string potential;
    if (b.potential_payout_from_odds) {
        std::string stake_minor = col(b.stake);
        if (b.money_unit == model::MoneyUnit::Major)
            stake_minor += " * " + exponent_factor_sql(currency, from);
        std::string odds = col(b.total_odds);
        if (m_.formats.odds_integer_scale >= 0) {
            int64_t f = 1;
            for (int i = 0; i < m_.formats.odds_integer_scale; ++i) f *= 10;
            odds = fmt::format("{} / {}", odds, f);
        }
        potential = fmt::format("SUM(FLOOR({} * {}))", stake_minor, odds);
    } else {
        potential = fmt::format("SUM({})", col(b.potential_payout));
    }
    const auto status_of = [&](const std::optional<std::string>& raw,
                               int64_t count) -> std::optional<model::BetStatus> {
        auto s = mapped(b.statuses, text(raw));
        if (!s)
            unmapped_.push_back(fmt::format(
                "{} bets in the source have status '{}', which the mapping file does not map: "
                "they build no facts (add the value to bet.values.status)",
                count, raw ? *raw : "NULL"));
        return s;
    };
    t.has_bet_figures = true;
    // Placement day of non-void bets: count, turnover, open liability.
    std::map<std::pair<std::string, std::string>, BetPlacementFigure> placed;
    for (const auto& r :
         query_(fmt::format("SELECT {}, {}, {}, COUNT(*), SUM({}), {} FROM {} GROUP BY 1, 2, 3",
                            utc_day_sql(b.table, b.placed_at, "b"), currency, col(b.status),
                            col(b.stake), potential, from))) {
        const int64_t count = count_of(r.at(3));
        const auto status = status_of(r.at(2), count);
        if (!status || *status == model::BetStatus::Void) continue;
        const std::string day = text(r.at(0)), cur = text(r.at(1));
        auto& f = placed[{day, cur}];
        f.day = day;
        f.currency = cur;
        f.bets += count;
        const int64_t stake = minor(r.at(4), b.money_unit, cur, "stake sum");
        f.turnover_minor += stake;
        if (*status == model::BetStatus::Open)
            f.open_liability_minor +=
                minor(r.at(5),
                      b.potential_payout_from_odds ? model::MoneyUnit::Minor : b.money_unit, cur,
                      "potential payout sum") -
                stake;
    }
    for (auto& [_, f] : placed) t.bets_by_placement.push_back(std::move(f));
    // Settlement day of won, lost and cashed-out bets: count, stakes, payouts, GGR. (Statuses
    // the map lacks were reported by the placement query.)
    if (b.settled_at.empty()) return;
    std::map<std::pair<std::string, std::string>, BetSettlementFigure> settled;
    const std::string payout = b.payout.empty() ? "NULL" : fmt::format("SUM({})", col(b.payout));
    for (const auto& r :
         query_(fmt::format("SELECT {}, {}, {}, COUNT(*), SUM({}), {} FROM {} GROUP BY 1, 2, 3",
                            utc_day_sql(b.table, b.settled_at, "b"), currency, col(b.status),
                            col(b.stake), payout, from))) {
        const auto status = mapped(b.statuses, text(r.at(2)));
        if (!status || (*status != model::BetStatus::Won && *status != model::BetStatus::Lost &&
                        *status != model::BetStatus::CashedOut))
            continue;
        const std::string day = text(r.at(0)), cur = text(r.at(1));
        auto& f = settled[{day, cur}];
        f.day = day;
        f.currency = cur;
        f.bets += count_of(r.at(3));
        const int64_t stake = minor(r.at(4), b.money_unit, cur, "stake sum");
        const int64_t paid = minor(r.at(5), b.money_unit, cur, "payout sum");
        f.settled_turnover_minor += stake;
        f.payouts_minor += paid;
        f.ggr_minor += stake - paid;
    }
    for (auto& [_, f] : settled) t.bets_by_settlement.push_back(std::move(f));
}

std::map<std::string, int64_t> SourceFigures::ledger_rows(const std::string& day,
                                                          const std::string& currency,
                                                          const std::string& type) {
    const auto& w = m_.wallet_transactions;
    // The source values that the mapping turns into `type` (or `type` itself, unmapped).
    std::string values;
    std::map<std::string, int> signs;
    for (const auto& [source, mt] : w.types)
        if (model::to_text(mt.type) == type) {
            values += (values.empty() ? "" : ", ") + literal(source);
            signs[source] = mt.sign;
        }
    if (values.empty()) values = literal(type);
    std::map<std::string, int64_t> out;
    for (const auto& r : query_(fmt::format(
             "SELECT {}, {}, {} FROM {} WHERE {} = {} AND {} = {} AND {} IN ({})", id(w.id),
             id(w.type), id(w.amount), id(w.table), utc_day_sql(w.table, w.created_at),
             literal(day), id(w.currency), literal(currency), id(w.type), values))) {
        const std::string key_value = text(r.at(0));
        std::string key = "{\"" + w.id + "\":";
        if (is_integer_text(key_value)) {
            key += key_value;
        } else {
            key += '"';
            for (char c : key_value) {
                if (c == '"' || c == '\\') key += '\\';
                key += c;
            }
            key += '"';
        }
        key += '}';
        int64_t amount = minor(r.at(2), w.amount_unit, currency, "ledger amount");
        if (auto it = signs.find(text(r.at(1))); it != signs.end() && it->second != 0)
            amount *= it->second;
        out[key] = amount;
    }
    return out;
}

}  // namespace tote
