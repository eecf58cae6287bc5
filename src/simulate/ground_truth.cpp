#include "simulate/ground_truth.h"

#include <simdjson.h>

#include <fstream>
#include <tuple>

#include "core/error.h"
#include "simulate/json_text.h"
#include "simulate/oltp_state.h"

namespace tote {

void GroundTruth::compute_from(const OltpState& state) {
    auto counts = state.live_row_counts();
    table_rows.clear();
    for (size_t t = 0; t < kTableCount; ++t) table_rows[std::string(table_def(t).name)] = counts[t];

    using Key = std::tuple<int64_t, uint8_t, uint8_t, uint8_t>;  // day, currency, type, status
    std::map<Key, std::pair<int64_t, int64_t>> by_status;
    for (const WalletTx& w : state.wallet) {
        if (w.deleted) continue;
        auto& cell = by_status[Key{floor_div(w.created_at, kMicrosPerDay), w.currency,
                                   static_cast<uint8_t>(w.type), static_cast<uint8_t>(w.status)}];
        ++cell.first;
        cell.second += w.amount_minor;
    }
    std::map<std::tuple<int64_t, uint8_t, uint8_t>, std::pair<int64_t, int64_t>> all;
    ledger_by_status.clear();
    for (const auto& [k, v] : by_status) {
        auto& a = all[{std::get<0>(k), std::get<1>(k), std::get<2>(k)}];
        a.first += v.first;
        a.second += v.second;
        LedgerFigure f;
        append_date(f.day, std::get<0>(k));
        f.currency = kCurrencies[std::get<1>(k)].code;
        f.type = to_text(static_cast<WalletType>(std::get<2>(k)));
        f.status = to_text(static_cast<WalletStatus>(std::get<3>(k)));
        f.count = v.first;
        f.sum_minor = v.second;
        ledger_by_status.push_back(std::move(f));
    }
    ledger.clear();
    for (const auto& [k, v] : all) {
        LedgerFigure f;
        append_date(f.day, std::get<0>(k));
        f.currency = kCurrencies[std::get<1>(k)].code;
        f.type = to_text(static_cast<WalletType>(std::get<2>(k)));
        f.count = v.first;
        f.sum_minor = v.second;
        ledger.push_back(std::move(f));
    }

    // Bet figures from the bet rows (docs/kpis.md, bet view): placement day x bet currency,
    // settlement day (latest settled_at) x bet currency.
    struct Placed {
        int64_t bets = 0, turnover = 0, liability = 0;
    };
    struct Settled {
        int64_t bets = 0, turnover = 0, payouts = 0, ggr = 0;
    };
    std::map<std::pair<int64_t, uint8_t>, Placed> placed;
    std::map<std::pair<int64_t, uint8_t>, Settled> settled;
    for (const Bet& b : state.bets) {
        if (b.status != BetStatus::Void) {
            auto& p = placed[{floor_div(b.placed_at, kMicrosPerDay), b.currency}];
            ++p.bets;
            p.turnover += b.stake_minor;
            if (b.status == BetStatus::Open)
                p.liability += b.potential_payout_minor - b.stake_minor;
        }
        if (b.status == BetStatus::Won || b.status == BetStatus::Lost ||
            b.status == BetStatus::CashedOut) {
            const int64_t payout = b.has_payout ? b.payout_minor : 0;
            auto& s = settled[{floor_div(b.settled_at, kMicrosPerDay), b.currency}];
            ++s.bets;
            s.turnover += b.stake_minor;
            s.payouts += payout;
            s.ggr += b.stake_minor - payout;
        }
    }
    has_bet_figures = true;
    bets_by_placement.clear();
    for (const auto& [k, p] : placed) {
        if (p.bets == 0 && p.turnover == 0 && p.liability == 0) continue;
        BetPlacementFigure f;
        append_date(f.day, k.first);
        f.currency = kCurrencies[k.second].code;
        f.bets = p.bets;
        f.turnover_minor = p.turnover;
        f.open_liability_minor = p.liability;
        bets_by_placement.push_back(std::move(f));
    }
    bets_by_settlement.clear();
    for (const auto& [k, v] : settled) {
        if (v.bets == 0 && v.turnover == 0 && v.payouts == 0 && v.ggr == 0) continue;
        BetSettlementFigure f;
        append_date(f.day, k.first);
        f.currency = kCurrencies[k.second].code;
        f.bets = v.bets;
        f.settled_turnover_minor = v.turnover;
        f.payouts_minor = v.payouts;
        f.ggr_minor = v.ggr;
        bets_by_settlement.push_back(std::move(f));
    }
}

namespace {

void put_str(std::string& o, const char* name, std::string_view v) {
    o += '"';
    o += name;
    o += "\":";
    append_json_string(o, v);
}
void put_num(std::string& o, const char* name, int64_t v) {
    o += '"';
    o += name;
    o += "\":";
    append_int(o, v);
}
void put_double(std::string& o, const char* name, double v) {
    o += '"';
    o += name;
    o += "\":";
    char buf[64];
    snprintf(buf, sizeof buf, "%.17g", v);
    o += buf;
}

// `"name": [` then one object per item on its own line (put_item writes its fields), `]`.
template <class T, class PutItem>
void put_array(std::string& o, const char* name, const std::vector<T>& items, PutItem put_item) {
    o += "\n  \"";
    o += name;
    o += "\": [";
    for (size_t i = 0; i < items.size(); ++i) {
        o += i ? ",\n    {" : "\n    {";
        put_item(items[i]);
        o += '}';
    }
    o += items.empty() ? "]" : "\n  ]";
}

void put_figures(std::string& o, const char* name, const std::vector<LedgerFigure>& figures,
                 bool with_status) {
    put_array(o, name, figures, [&](const LedgerFigure& f) {
        put_str(o, "day", f.day);
        o += ',';
        put_str(o, "currency", f.currency);
        o += ',';
        put_str(o, "type", f.type);
        o += ',';
        if (with_status) {
            put_str(o, "status", f.status);
            o += ',';
        }
        put_num(o, "count", f.count);
        o += ',';
        put_num(o, "sum_minor", f.sum_minor);
    });
}

void put_bet_figures(std::string& o, const GroundTruth& t) {
    put_array(o, "bets_by_placement", t.bets_by_placement, [&](const BetPlacementFigure& f) {
        put_str(o, "day", f.day);
        o += ',';
        put_str(o, "currency", f.currency);
        o += ',';
        put_num(o, "bets", f.bets);
        o += ',';
        put_num(o, "turnover_minor", f.turnover_minor);
        o += ',';
        put_num(o, "open_liability_minor", f.open_liability_minor);
    });
    o += ',';
    put_array(o, "bets_by_settlement", t.bets_by_settlement, [&](const BetSettlementFigure& f) {
        put_str(o, "day", f.day);
        o += ',';
        put_str(o, "currency", f.currency);
        o += ',';
        put_num(o, "bets", f.bets);
        o += ',';
        put_num(o, "settled_turnover_minor", f.settled_turnover_minor);
        o += ',';
        put_num(o, "payouts_minor", f.payouts_minor);
        o += ',';
        put_num(o, "ggr_minor", f.ggr_minor);
    });
}

}  // namespace

void write_ground_truth(const GroundTruth& t, const std::filesystem::path& path) {
    std::string o = "{\n  ";
    // A truth without bet figures (read from a /1 file) is written as /1 again.
    put_str(o, "format", t.has_bet_figures ? GroundTruth::kFormat : GroundTruth::kFormatV1);
    o += ",\n  \"config\": {";
    const SimulatorConfig& c = t.config;
    put_num(o, "seed", static_cast<int64_t>(c.seed));
    o += ',';
    put_num(o, "players", c.players);
    o += ',';
    put_num(o, "events", c.events);
    o += ',';
    put_double(o, "bets_per_sim_second", c.bets_per_sim_second);
    o += ',';
    put_num(o, "max_change_events", static_cast<int64_t>(c.max_change_events));
    o += ',';
    put_str(o, "start_time", c.start_time);
    o += ',';
    put_double(o, "anomaly_rate", c.anomaly_rate);
    o += ',';
    put_double(o, "redelivery_rate", c.redelivery_rate);
    o += ",\"schemas_enabled\":";
    o += c.schemas_enabled ? "true" : "false";
    o += ',';
    put_str(o, "decimal_mode", c.decimal_mode);
    o += ',';
    put_str(o, "topic_prefix", c.topic_prefix);
    o += "},\n  ";
    put_num(o, "log_offset", t.log_offset);
    o += ",\n  ";
    put_num(o, "records_emitted", static_cast<int64_t>(t.records_emitted));
    o += ",\n  ";
    put_num(o, "change_events_emitted", static_cast<int64_t>(t.change_events_emitted));
    o += ",\n  ";
    put_num(o, "redelivered_change_events", static_cast<int64_t>(t.redelivered_change_events));
    o += ",\n  ";
    put_str(o, "sim_time", t.sim_time);
    o += ",\n  \"table_rows\": {";
    bool first = true;
    for (const auto& [name, n] : t.table_rows) {
        if (!first) o += ',';
        first = false;
        put_num(o, name.c_str(), n);
    }
    o += "},";
    put_figures(o, "ledger", t.ledger, false);
    o += ',';
    put_figures(o, "ledger_by_status", t.ledger_by_status, true);
    if (t.has_bet_figures) {
        o += ',';
        put_bet_figures(o, t);
    }
    o += ',';
    put_array(o, "anomalies", t.anomalies, [&](const Anomaly& a) {
        put_str(o, "kind", a.kind);
        o += ',';
        put_str(o, "table", a.table);
        o += ',';
        put_str(o, "key", a.key);
        o += ',';
        put_num(o, "at_us", a.at_us);
    });
    o += "\n}\n";
    std::filesystem::path tmp = path;
    tmp += ".tmp";
    {
        std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
        f << o;
        f.close();
        if (!f) throw ToteError(ErrorClass::Fatal, "cannot write ground truth to " + tmp.string());
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec)
        throw ToteError(ErrorClass::Fatal, "cannot rename " + tmp.string() + " to " +
                                               path.string() + ": " + ec.message());
}

GroundTruth read_ground_truth(const std::filesystem::path& path) {
    auto fail = [&](const std::string& what) -> ToteError {
        return ToteError(ErrorClass::Fatal, "ground truth " + path.string() + ": " + what +
                                                " (regenerate it with `tote simulate`)");
    };
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (auto err = parser.load(path.string()).get(root)) throw fail(simdjson::error_message(err));
    GroundTruth t;
    try {
        const std::string_view format = root["format"].get_string();
        if (format != GroundTruth::kFormat && format != GroundTruth::kFormatV1)
            throw fail("unknown format \"" + std::string(format) + "\" (this tote reads " +
                       GroundTruth::kFormat + " and " + GroundTruth::kFormatV1 + ")");
        t.has_bet_figures = format == GroundTruth::kFormat;
        auto c = root["config"];
        t.config.seed = c["seed"].get_uint64();
        t.config.players = static_cast<uint32_t>(c["players"].get_uint64());
        t.config.events = static_cast<uint32_t>(c["events"].get_uint64());
        t.config.bets_per_sim_second = c["bets_per_sim_second"].get_double();
        t.config.max_change_events = c["max_change_events"].get_uint64();
        t.config.start_time = std::string(c["start_time"].get_string().value());
        t.config.anomaly_rate = c["anomaly_rate"].get_double();
        t.config.redelivery_rate = c["redelivery_rate"].get_double();
        t.config.schemas_enabled = c["schemas_enabled"].get_bool();
        t.config.decimal_mode = std::string(c["decimal_mode"].get_string().value());
        t.config.topic_prefix = std::string(c["topic_prefix"].get_string().value());
        t.log_offset = root["log_offset"].get_int64();
        t.records_emitted = root["records_emitted"].get_uint64();
        t.change_events_emitted = root["change_events_emitted"].get_uint64();
        if (auto r = root["redelivered_change_events"]; !r.error())
            t.redelivered_change_events = r.get_uint64();
        t.sim_time = std::string(root["sim_time"].get_string().value());
        for (auto [k, v] : root["table_rows"].get_object())
            t.table_rows[std::string(k)] = v.get_int64();
        for (const char* name : {"ledger", "ledger_by_status"}) {
            bool with_status = std::string_view(name) == "ledger_by_status";
            auto& out = with_status ? t.ledger_by_status : t.ledger;
            for (auto e : root[name].get_array()) {
                LedgerFigure f;
                f.day = std::string(e["day"].get_string().value());
                f.currency = std::string(e["currency"].get_string().value());
                f.type = std::string(e["type"].get_string().value());
                if (with_status) f.status = std::string(e["status"].get_string().value());
                f.count = e["count"].get_int64();
                f.sum_minor = e["sum_minor"].get_int64();
                out.push_back(std::move(f));
            }
        }
        if (t.has_bet_figures) {
            for (auto e : root["bets_by_placement"].get_array()) {
                BetPlacementFigure f;
                f.day = std::string(e["day"].get_string().value());
                f.currency = std::string(e["currency"].get_string().value());
                f.bets = e["bets"].get_int64();
                f.turnover_minor = e["turnover_minor"].get_int64();
                f.open_liability_minor = e["open_liability_minor"].get_int64();
                t.bets_by_placement.push_back(std::move(f));
            }
            for (auto e : root["bets_by_settlement"].get_array()) {
                BetSettlementFigure f;
                f.day = std::string(e["day"].get_string().value());
                f.currency = std::string(e["currency"].get_string().value());
                f.bets = e["bets"].get_int64();
                f.settled_turnover_minor = e["settled_turnover_minor"].get_int64();
                f.payouts_minor = e["payouts_minor"].get_int64();
                f.ggr_minor = e["ggr_minor"].get_int64();
                t.bets_by_settlement.push_back(std::move(f));
            }
        }
        for (auto e : root["anomalies"].get_array()) {
            Anomaly a;
            a.kind = std::string(e["kind"].get_string().value());
            a.table = std::string(e["table"].get_string().value());
            a.key = std::string(e["key"].get_string().value());
            a.at_us = e["at_us"].get_int64();
            t.anomalies.push_back(std::move(a));
        }
    } catch (const simdjson::simdjson_error& e) {
        throw fail(std::string("missing or mistyped field: ") + e.what());
    }
    return t;
}

}  // namespace tote
