#include "model/mapping_file.h"

#include <yaml-cpp/yaml.h>

#include <array>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "core/error.h"

namespace tote::model {

namespace {

constexpr int kFormatVersion = 1;

// Every value of a model enum, for the reverse lookup of the names written in a file.
template <class E>
struct EnumValues;
template <>
struct EnumValues<Channel> {
    static constexpr std::array v{Channel::Web, Channel::App, Channel::Ussd, Channel::Retail,
                                  Channel::Unknown};
};
template <>
struct EnumValues<PlayerStatus> {
    static constexpr std::array v{PlayerStatus::Active, PlayerStatus::SelfExcluded,
                                  PlayerStatus::Closed};
};
template <>
struct EnumValues<WalletTransactionType> {
    using T = WalletTransactionType;
    static constexpr std::array v{T::Deposit, T::Withdrawal,  T::StakeDebit, T::PayoutCredit,
                                  T::Refund,  T::BonusCredit, T::Adjustment};
};
template <>
struct EnumValues<WalletTransactionStatus> {
    using T = WalletTransactionStatus;
    static constexpr std::array v{T::Pending, T::Completed, T::Failed, T::Reversed};
};
template <>
struct EnumValues<EventStatus> {
    using T = EventStatus;
    static constexpr std::array v{T::Scheduled, T::Live, T::Finished, T::Cancelled};
};
template <>
struct EnumValues<MarketStatus> {
    using T = MarketStatus;
    static constexpr std::array v{T::Open, T::Suspended, T::Settled, T::Voided};
};
template <>
struct EnumValues<LegResult> {
    using T = LegResult;
    static constexpr std::array v{T::Win, T::Lose, T::Void, T::DeadHeat};
};
template <>
struct EnumValues<BetType> {
    static constexpr std::array v{BetType::Single, BetType::Accumulator};
};
template <>
struct EnumValues<BetStatus> {
    using T = BetStatus;
    static constexpr std::array v{T::Open, T::Won, T::Lost, T::Void, T::CashedOut};
};

template <class E>
std::string model_names() {
    std::string s;
    for (E e : EnumValues<E>::v) s += (s.empty() ? "" : ", ") + std::string(to_text(e));
    return s;
}

uint64_t fnv1a(std::string_view s) {
    uint64_t h = 1469598103934665603ULL;
    for (unsigned char c : s) {
        h ^= c;
        h *= 1099511628211ULL;
    }
    return h;
}

int line_of(const YAML::Node& n) {
    return n.Mark().line < 0 ? 0 : n.Mark().line + 1;
}

}  // namespace

// Reads one YAML document into a MappingFile, collecting every problem with its line.
class MappingFileReader {
public:
    explicit MappingFileReader(MappingFile& out) : out_(out) {}

    std::vector<MappingProblem> read(std::string_view text) {
        YAML::Node root;
        try {
            root = YAML::Load(std::string(text));
        } catch (const YAML::ParserException& e) {
            return {{e.mark.line + 1, "not valid YAML: " + e.msg}};
        }
        if (!root.IsMap()) {
            problem(root, "the file must be a YAML mapping of keys (see docs/mapping.md)");
            return problems_;
        }
        keys(root, "",
             {"tote_mapping", "formats", "source_types", "absent", "player", "wallet_transaction",
              "sport", "competition", "event", "market", "selection", "bet", "bet_leg", "fx_rate"});
        const YAML::Node version = root["tote_mapping"];
        if (!version)
            problem(root, "missing 'tote_mapping: 1' (the version of the mapping format)");
        else if (!version.IsScalar() || version.Scalar() != std::to_string(kFormatVersion))
            problem(version, "tote_mapping must be " + std::to_string(kFormatVersion) +
                                 " (the only version of the format this tote reads)");
        formats(root["formats"]);
        source_types(root["source_types"]);
        absent(root["absent"]);
        entities(root);
        if (problems_.empty()) {
            // What the entity checks of BettingMapping find (a table mapped twice, ...): at the
            // line of the entity they name.
            for (const auto& p : out_.mapping_.problems()) {
                const std::string entity = p.substr(0, p.find(':'));
                problems_.push_back({out_.line_of(entity), p});
            }
        }
        std::stringstream canonical;
        canonical << root;
        out_.digest_ = "mapping fnv1a=" + std::to_string(fnv1a(canonical.str()));
        return problems_;
    }

private:
    void problem(const YAML::Node& at, std::string message) {
        problems_.push_back({line_of(at), std::move(message)});
    }
    void note_line(const std::string& path, const YAML::Node& n) { out_.lines_[path] = line_of(n); }

    // Every key of `map` is one of `allowed`; each is noted with its line under `path`.
    void keys(const YAML::Node& map, const std::string& path, std::set<std::string> allowed) {
        std::set<std::string> seen;
        for (auto it = map.begin(); it != map.end(); ++it) {
            const std::string k = it->first.Scalar();
            if (!seen.insert(k).second) {
                problem(it->first, "duplicate key '" + k + "'" +
                                       (path.empty() ? "" : " in " + path) +
                                       ": keep one (the file would be ambiguous)");
                continue;
            }
            note_line(path.empty() ? k : path + "." + k, it->first);
            if (!allowed.count(k)) {
                std::string list;
                for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
                problem(it->first, "unknown key '" + k + "'" + (path.empty() ? "" : " in " + path) +
                                       " (allowed: " + list + ")");
            }
        }
    }

    bool is_map(const YAML::Node& n, const std::string& what) {
        if (n.IsMap()) return true;
        problem(n, what + " must be a mapping of keys");
        return false;
    }

    // source_types: {table: {column: type}} (core/source_type.h names the types).
    void source_types(const YAML::Node& st) {
        if (!st) return;
        if (!is_map(st, "source_types")) return;
        std::set<std::string> tables;
        for (auto t = st.begin(); t != st.end(); ++t) {
            const std::string table = t->first.Scalar();
            if (!tables.insert(table).second) {
                problem(t->first, "duplicate table '" + table + "' in source_types: keep one");
                continue;
            }
            if (!t->second.IsMap()) {
                problem(t->second, "source_types." + table +
                                       " must map columns to types, e.g. {stake: decimal(18,2)}");
                continue;
            }
            std::set<std::string> columns;
            for (auto c = t->second.begin(); c != t->second.end(); ++c) {
                const std::string column = c->first.Scalar();
                const std::string path = "source_types." + table + "." + column;
                if (!columns.insert(column).second) {
                    problem(c->first, "duplicate column '" + column + "' in source_types." + table +
                                          ": keep one");
                    continue;
                }
                note_line(path, c->first);
                std::string why;
                std::optional<SourceType> type;
                if (c->second.IsScalar()) type = parse_source_type(c->second.Scalar(), &why);
                if (!type) {
                    problem(c->second, path + ": " + (why.empty() ? "expected a type" : why));
                    continue;
                }
                out_.source_types_.push_back({table, column, *type, line_of(c->first)});
            }
        }
    }

    void formats(const YAML::Node& f) {
        auto& fm = out_.mapping_.formats;
        if (!f) return;
        if (!is_map(f, "formats")) return;
        keys(f, "formats", {"odds", "time_zone", "ambiguous_time", "integer_time"});
        if (const auto odds = f["odds"]) {
            if (odds.IsScalar() && odds.Scalar() == "decimal") {
                fm.odds_integer_scale = -1;
            } else if (odds.IsMap() && odds["integer_scale"] && odds.size() == 1) {
                fm.odds_integer_scale = integer(odds["integer_scale"], 0, 8, "integer_scale");
            } else {
                problem(odds, "formats.odds is 'decimal' or {integer_scale: N} (N = 0..8)");
            }
        }
        if (const auto tz = f["time_zone"]) {
            std::string why;
            if (auto z = tz.IsScalar() ? LocalTimeZone::named(tz.Scalar(), &why) : std::nullopt)
                fm.naive_time_zone = std::move(*z);
            else
                problem(tz, "formats.time_zone: " +
                                (why.empty() ? std::string("expected a zone name") : why));
        }
        if (const auto a = f["ambiguous_time"]) {
            const std::string v = a.IsScalar() ? a.Scalar() : "";
            if (v == "error")
                fm.ambiguous_time = AmbiguousTime::Error;
            else if (v == "earlier")
                fm.ambiguous_time = AmbiguousTime::Earlier;
            else if (v == "later")
                fm.ambiguous_time = AmbiguousTime::Later;
            else
                problem(a, "formats.ambiguous_time '" + v + "' is not error, earlier or later");
        }
        if (const auto it = f["integer_time"]) {
            const std::string u = it.IsScalar() ? it.Scalar() : "";
            if (u == "micros")
                fm.integer_time_unit_us = 1;
            else if (u == "millis")
                fm.integer_time_unit_us = 1000;
            else if (u == "seconds")
                fm.integer_time_unit_us = 1'000'000;
            else
                problem(it, "formats.integer_time '" + u + "' is not micros, millis or seconds");
        }
    }

    int integer(const YAML::Node& n, int lo, int hi, const std::string& what) {
        try {
            const int v = n.as<int>();
            if (v >= lo && v <= hi) return v;
        } catch (const YAML::Exception&) {
        }
        problem(n, what + " must be an integer from " + std::to_string(lo) + " to " +
                       std::to_string(hi));
        return lo;
    }

    void absent(const YAML::Node& a) {
        if (!a) return;
        if (!a.IsSequence()) {
            problem(a,
                    "absent is a list of entities the source does not have, e.g. [sport, "
                    "competition, event, market, selection, fx_rate]");
            return;
        }
        for (const auto& e : a) {
            const std::string name = e.IsScalar() ? e.Scalar() : "";
            static const std::set<std::string> kOptional = {"sport",  "competition", "event",
                                                            "market", "selection",   "fx_rate"};
            if (!kOptional.count(name))
                problem(e, "'" + name +
                               "' cannot be absent (only sport, competition, event, market, "
                               "selection and fx_rate can; player, wallet_transaction, bet and "
                               "bet_leg are required)");
            else
                absent_[name] = line_of(e);
        }
    }

    // One field of an entity: a column name, {column: name}, or (where the field allows it)
    // {value: model value} or {from: derivation}.
    struct Field {
        const char* name;
        std::string* column;
        bool required;
        // Handles {value: ...} / {from: ...}; returns false when the form is not allowed here.
        std::function<bool(const std::string& key, const YAML::Node& value)> special;
    };

    void entity(const YAML::Node& root, const std::string& name, std::string& table,
                std::vector<Field> fields, std::function<void(const YAML::Node&)> extra,
                std::set<std::string> extra_keys) {
        const YAML::Node e = root[name];
        const bool is_absent = absent_.count(name) != 0;
        if (!e) {
            if (!is_absent)
                problem(root, "missing entity '" + name +
                                  "': map it to a source table, or list it under 'absent' if "
                                  "the source has no such table");
            return;
        }
        note_line(name, e);
        entity_line_ = line_of(e);
        if (is_absent) {
            problem(e, "entity '" + name + "' is both mapped and listed under 'absent'");
            return;
        }
        if (!is_map(e, name)) return;
        std::set<std::string> allowed = {"table", "columns"};
        allowed.insert(extra_keys.begin(), extra_keys.end());
        keys(e, name, allowed);
        if (const auto t = e["table"]; t && t.IsScalar() && !t.Scalar().empty())
            table = t.Scalar();
        else
            problem(e, name + ": missing 'table' (the source table of the entity)");
        const YAML::Node cols = e["columns"];
        std::set<std::string> field_names;
        for (const auto& f : fields) field_names.insert(f.name);
        if (!cols) {
            problem(e, name + ": missing 'columns' (model field: source column)");
        } else if (is_map(cols, name + ".columns")) {
            keys(cols, name + ".columns", field_names);
            for (auto& f : fields) {
                const YAML::Node c = cols[f.name];
                const std::string path = name + ".columns." + f.name;
                if (!c) {
                    if (f.required)
                        problem(cols, name + ": missing required field '" + std::string(f.name) +
                                          "' under columns" +
                                          (f.special ? " (a column, or a value or derivation: "
                                                       "docs/mapping.md)"
                                                     : " (its source column)"));
                    continue;
                }
                if (c.IsScalar() && !c.Scalar().empty()) {
                    *f.column = c.Scalar();
                } else if (c.IsMap() && c.size() == 1 && c["column"] && c["column"].IsScalar()) {
                    *f.column = c["column"].Scalar();
                } else if (c.IsMap() && c.size() == 1 && f.special && (c["value"] || c["from"])) {
                    const std::string k = c["value"] ? "value" : "from";
                    if (!f.special(k, c[k]))
                        problem(c, path + ": {" + k + ": " +
                                       (c[k].IsScalar() ? c[k].Scalar() : std::string("...")) +
                                       "} is not supported for this field (docs/mapping.md)");
                } else {
                    problem(c, path + " must be a source column name" +
                                   (f.special ? std::string(", {value: ...} or {from: ...}")
                                              : std::string()));
                }
            }
        }
        if (extra) extra(e);
    }

    // values.<field>: { source value: model value }.
    template <class E>
    void value_map(const YAML::Node& values, const std::string& path, const char* field,
                   ValueMap<E>& out, bool needed) {
        if (!values || !values.IsMap() || !values[field]) {
            if (needed)
                problems_.push_back({values ? line_of(values) : entity_line_,
                                     path + ": missing the value map '" + field +
                                         "' (source value: one of " + model_names<E>() + ")"});
            return;
        }
        const YAML::Node m = values[field];
        if (!is_map(m, path + "." + field)) return;
        for (auto it = m.begin(); it != m.end(); ++it) {
            const std::string src = it->first.Scalar();
            if (out.count(src)) {
                problem(it->first, path + "." + field + ": source value '" + src +
                                       "' is mapped twice: keep one");
                continue;
            }
            note_line(path + "." + field + "." + src, it->first);
            auto e = model_value<E>(it->second, path + "." + field + "." + src);
            if (e) out[src] = *e;
        }
    }

    template <class E>
    std::optional<E> model_value(const YAML::Node& n, const std::string& path) {
        const std::string v = n.IsScalar() ? n.Scalar() : "";
        for (E e : EnumValues<E>::v)
            if (to_text(e) == v) return e;
        problem(n, path + ": '" + v + "' is not a model value (one of " + model_names<E>() + ")");
        return std::nullopt;
    }

    template <class E>
    std::function<bool(const std::string&, const YAML::Node&)> constant(std::optional<E>& out,
                                                                        const std::string& path) {
        return [this, &out, path](const std::string& k, const YAML::Node& v) {
            if (k != "value") return false;
            out = model_value<E>(v, path);
            if (!out) out = EnumValues<E>::v[0];  // the problem is recorded; keep going
            return true;
        };
    }

    static std::function<bool(const std::string&, const YAML::Node&)> derived(
        const std::string& allowed, bool& flag) {
        return [allowed, &flag](const std::string& k, const YAML::Node& v) {
            if (k != "from" || !v.IsScalar() || v.Scalar() != allowed) return false;
            flag = true;
            return true;
        };
    }

    MoneyUnit money(const YAML::Node& e, const std::string& name) {
        const YAML::Node m = e["money"];
        if (!m) {
            problem(e, name +
                           ": missing 'money' (minor: integers in minor units; major: decimals "
                           "in major units, converted with the currency's exponent)");
            return MoneyUnit::Minor;
        }
        if (m.IsScalar() && m.Scalar() == "minor") return MoneyUnit::Minor;
        if (m.IsScalar() && m.Scalar() == "major") return MoneyUnit::Major;
        problem(m, name + ".money must be 'minor' or 'major'");
        return MoneyUnit::Minor;
    }

    void entities(const YAML::Node& root) {
        auto& m = out_.mapping_;
        {
            auto& p = m.players;
            const std::string n = "player";
            entity(
                root, n, p.table,
                {{"id", &p.id, true, {}},
                 {"country", &p.country, true, {}},
                 {"currency", &p.currency, true, {}},
                 {"channel", &p.channel, true, constant(p.channel_value, n + ".columns.channel")},
                 {"registered_at", &p.registered_at, true, {}},
                 {"status", &p.status, true, constant(p.status_value, n + ".columns.status")}},
                [&](const YAML::Node& e) {
                    const auto v = values(e, n);
                    value_map(v, n + ".values", "channel", p.channels, !p.channel.empty());
                    value_map(v, n + ".values", "status", p.statuses, !p.status.empty());
                },
                {"values"});
        }
        {
            auto& w = m.wallet_transactions;
            const std::string n = "wallet_transaction";
            entity(root, n, w.table,
                   {{"id", &w.id, true, {}},
                    {"player_id", &w.player_id, true, {}},
                    {"type", &w.type, true, {}},
                    {"amount", &w.amount, true, {}},
                    {"currency", &w.currency, true, {}},
                    {"bet_id", &w.bet_id, false, {}},
                    {"status", &w.status, true, constant(w.status_value, n + ".columns.status")},
                    {"created_at", &w.created_at, true, {}}},
                   [&](const YAML::Node& e) {
                       w.amount_unit = money(e, n);
                       const auto v = values(e, n);
                       ledger_types(v, n + ".values", w.types);
                       value_map(v, n + ".values", "status", w.statuses, !w.status.empty());
                   },
                   {"values", "money"});
        }
        const bool catalogue = !absent_.count("selection");
        if (catalogue) {
            auto& s = m.sports;
            entity(root, "sport", s.table, {{"id", &s.id, true, {}}, {"name", &s.name, true, {}}},
                   {}, {});
            auto& c = m.competitions;
            entity(root, "competition", c.table,
                   {{"id", &c.id, true, {}},
                    {"sport_id", &c.sport_id, true, {}},
                    {"name", &c.name, true, {}},
                    {"country", &c.country, false, {}}},
                   {}, {});
            auto& ev = m.events;
            entity(root, "event", ev.table,
                   {{"id", &ev.id, true, {}},
                    {"competition_id", &ev.competition_id, true, {}},
                    {"home", &ev.home, true, {}},
                    {"away", &ev.away, true, {}},
                    {"start_at", &ev.start_at, true, {}},
                    {"status", &ev.status, true, {}},
                    {"result", &ev.result, false, {}}},
                   [&](const YAML::Node& e) {
                       value_map(values(e, "event"), "event.values", "status", ev.statuses, true);
                   },
                   {"values"});
            auto& mk = m.markets;
            entity(root, "market", mk.table,
                   {{"id", &mk.id, true, {}},
                    {"event_id", &mk.event_id, true, {}},
                    {"type", &mk.type, true, {}},
                    {"line", &mk.line, false, {}},
                    {"status", &mk.status, true, {}}},
                   [&](const YAML::Node& e) {
                       value_map(values(e, "market"), "market.values", "status", mk.statuses, true);
                   },
                   {"values"});
            auto& se = m.selections;
            entity(root, "selection", se.table,
                   {{"id", &se.id, true, {}},
                    {"market_id", &se.market_id, true, {}},
                    {"name", &se.name, true, {}},
                    {"odds", &se.odds, true, {}},
                    {"result", &se.result, false, {}},
                    {"dead_heat_factor", &se.dead_heat_factor, false, {}}},
                   [&](const YAML::Node& e) {
                       value_map(values(e, "selection"), "selection.values", "result", se.results,
                                 !se.result.empty());
                   },
                   {"values"});
        } else {
            for (const char* e : {"sport", "competition", "event", "market"})
                if (!absent_.count(e))
                    problems_.push_back(
                        {absent_.at("selection"),
                         std::string("the catalogue is all or nothing: selection is absent, so "
                                     "list '") +
                             e + "' under absent too"});
            for (const char* e : {"sport", "competition", "event", "market", "selection"})
                if (root[e]) entity(root, e, m.sports.table, {}, {}, {});  // reports the clash
        }
        {
            auto& b = m.bets;
            const std::string n = "bet";
            entity(
                root, n, b.table,
                {{"id", &b.id, true, {}},
                 {"player_id", &b.player_id, true, {}},
                 {"type", &b.type, true, derived("legs", b.type_from_legs)},
                 {"stake", &b.stake, true, {}},
                 {"currency", &b.currency, true, derived("player", b.currency_from_player)},
                 {"total_odds", &b.total_odds, true, {}},
                 {"potential_payout", &b.potential_payout, true,
                  derived("odds", b.potential_payout_from_odds)},
                 {"status", &b.status, true, {}},
                 {"payout", &b.payout, false, {}},
                 {"placed_at", &b.placed_at, true, {}},
                 {"settled_at", &b.settled_at, false, {}},
                 {"channel", &b.channel, true, constant(b.channel_value, n + ".columns.channel")}},
                [&](const YAML::Node& e) {
                    b.money_unit = money(e, n);
                    const auto v = values(e, n);
                    value_map(v, n + ".values", "type", b.types, !b.type.empty());
                    value_map(v, n + ".values", "status", b.statuses, true);
                    value_map(v, n + ".values", "channel", b.channels, !b.channel.empty());
                },
                {"values", "money"});
        }
        {
            auto& l = m.bet_legs;
            const std::string n = "bet_leg";
            entity(root, n, l.table,
                   {{"bet_id", &l.bet_id, true, {}},
                    {"leg_no", &l.leg_no, true, {}},
                    {"selection_id", &l.selection_id, true, {}},
                    {"odds_taken", &l.odds_taken, true, {}},
                    {"result", &l.result, false, {}}},
                   [&](const YAML::Node& e) {
                       value_map(values(e, n), n + ".values", "result", l.results,
                                 !l.result.empty());
                   },
                   {"values"});
        }
        if (!absent_.count("fx_rate")) {
            auto& f = m.fx_rates;
            entity(root, "fx_rate", f.table,
                   {{"currency", &f.currency, true, {}},
                    {"day", &f.day, true, {}},
                    {"rate", &f.rate, true, {}}},
                   {}, {});
        } else if (root["fx_rate"]) {
            entity(root, "fx_rate", m.fx_rates.table, {}, {}, {});  // reports the clash
        }
    }

    YAML::Node values(const YAML::Node& e, const std::string& name) {
        const YAML::Node v = e["values"];
        if (!v) return v;
        if (!is_map(v, name + ".values")) return YAML::Node(YAML::NodeType::Undefined);
        for (auto it = v.begin(); it != v.end(); ++it)
            note_line(name + ".values." + it->first.Scalar(), it->first);
        return v;
    }

    // values.type of the ledger: { source value: model type } or
    // { source value: {type: model type, sign: -1|+1} } for a source that stores magnitudes.
    void ledger_types(const YAML::Node& values, const std::string& path,
                      ValueMap<WalletTypeMapping>& out) {
        if (!values || !values.IsMap() || !values["type"]) {
            problems_.push_back({values ? line_of(values) : entity_line_,
                                 path + ": missing the value map 'type' (source value: one of " +
                                     model_names<WalletTransactionType>() +
                                     ", or {type: ..., sign: -1|+1} when the source stores "
                                     "magnitudes)"});
            return;
        }
        const YAML::Node m = values["type"];
        if (!is_map(m, path + ".type")) return;
        for (auto it = m.begin(); it != m.end(); ++it) {
            const std::string src = it->first.Scalar();
            const std::string at = path + ".type." + src;
            if (out.count(src)) {
                problem(it->first, at + ": source value '" + src + "' is mapped twice: keep one");
                continue;
            }
            note_line(at, it->first);
            WalletTypeMapping t;
            if (it->second.IsMap()) {
                keys(it->second, at, {"type", "sign"});
                auto e = model_value<WalletTransactionType>(it->second["type"], at + ".type");
                if (!e) continue;
                t.type = *e;
                if (it->second["sign"]) {
                    t.sign = integer(it->second["sign"], -1, 1, at + ".sign");
                    if (t.sign == 0)
                        problem(it->second["sign"],
                                at + ".sign must be -1 or +1 (leave it out for amounts stored "
                                     "signed as the model signs them)");
                }
            } else {
                auto e = model_value<WalletTransactionType>(it->second, at);
                if (!e) continue;
                t.type = *e;
            }
            out[src] = t;
        }
    }

    MappingFile& out_;
    std::vector<MappingProblem> problems_;
    std::map<std::string, int> absent_;  // entity -> line
    int entity_line_ = 0;                // of the entity being read
};

namespace {

std::string report(const std::string& origin, const std::vector<MappingProblem>& problems) {
    std::string msg = "the mapping " + origin + " is not usable:";
    for (const auto& p : problems)
        msg += "\n  " + origin + ":" + std::to_string(p.line) + ": " + p.message;
    msg += "\nFix the mapping file (its keys are described in docs/mapping.md) and start again.";
    return msg;
}

}  // namespace

MappingFile MappingFile::parse(std::string_view text, std::string origin) {
    MappingFile f;
    f.origin_ = std::move(origin);
    MappingFileReader reader(f);
    const auto problems = reader.read(text);
    if (!problems.empty()) throw ToteError(ErrorClass::Fatal, report(f.origin_, problems));
    return f;
}

std::vector<MappingProblem> MappingFile::problems(std::string_view text) {
    MappingFile f;
    return MappingFileReader(f).read(text);
}

MappingFile MappingFile::load(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw ToteError(ErrorClass::Fatal,
                        "cannot read the mapping file " + path.string() +
                            ": check the path (the shipped mappings are in mappings/)");
    std::stringstream text;
    text << in.rdbuf();
    return parse(text.str(), path.string());
}

MappingFile MappingFile::builtin_simulator() {
    return parse(builtin_simulator_text(), "mappings/simulator.yaml (built in)");
}

int MappingFile::line_of(const std::string& path) const {
    auto it = lines_.find(path);
    return it == lines_.end() ? 0 : it->second;
}

std::string MappingFile::where(const std::string& path) const {
    return origin_ + ":" + std::to_string(line_of(path));
}

}  // namespace tote::model
