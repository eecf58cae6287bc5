// Every rule against the simulator's real stream (simulate -> file log -> decode -> map ->
// a small in-test state of latest versions -> contexts -> rules, with the watermark passed at
// the end of the stream): each injected anomaly is found by its rule, and no rule fails on a
// bet or ledger row the simulator did not make inconsistent.
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>
#include <map>
#include <set>

#include "decode/debezium_json_decoder.h"
#include "model/mapping_file.h"
#include "model/model_mapper.h"
#include "simulate/betting_simulator.h"
#include "source/file_log_reader.h"
#include "source/file_log_writer.h"
#include "transform/validation/rule_registry.h"

namespace tote::validation {
namespace {

// The simulator's own OLTP structs share these names in namespace tote: name the model's.
using model::Bet;
using model::BetLeg;
using model::BettingMapping;
using model::Competition;
using model::EntityKind;
using model::Event;
using model::EventStatus;
using model::FxRate;
using model::MappingError;
using model::Market;
using model::ModelMapper;
using model::ModelRecord;
using model::NotModelTable;
using model::Player;
using model::RowRemoved;
using model::Selection;
using model::Sport;
using model::WalletTransaction;

template <class T>
struct Versioned {
    uint64_t version = 0;
    bool live = false;
    T value{};
};

// Latest version per key; a re-delivered older change never overwrites a newer one.
template <class T>
struct Table {
    std::map<std::string, Versioned<T>> rows;
    bool apply(const ChangeEvent& c, const T* value) {
        auto& r = rows[c.key];
        if (r.version != 0 && c.version <= r.version) return false;
        r.version = c.version;
        r.live = value != nullptr;
        if (value) r.value = *value;
        return true;
    }
};

struct State {
    Table<Player> players;
    Table<WalletTransaction> wallet;
    Table<Event> events;
    Table<Market> markets;
    Table<Selection> selections;
    Table<Bet> bets;
    Table<BetLeg> legs;
    // (bet_id, selection_id) -> the event's status when the leg was first seen
    std::map<std::pair<int64_t, int64_t>, std::optional<EventStatus>> status_at_placement;
    std::vector<std::string> mapping_errors;

    const Selection* selection(int64_t id) const {
        auto it = selections.rows.find("{\"id\":" + std::to_string(id) + "}");
        return it != selections.rows.end() && it->second.live ? &it->second.value : nullptr;
    }
    const Market* market(int64_t id) const {
        auto it = markets.rows.find("{\"id\":" + std::to_string(id) + "}");
        return it != markets.rows.end() && it->second.live ? &it->second.value : nullptr;
    }
    const Event* event(int64_t id) const {
        auto it = events.rows.find("{\"id\":" + std::to_string(id) + "}");
        return it != events.rows.end() && it->second.live ? &it->second.value : nullptr;
    }

    void apply(const ChangeEvent& c, const ModelRecord& r) {
        struct V {
            State& s;
            const ChangeEvent& c;
            void operator()(const NotModelTable&) {}
            void operator()(const MappingError& e) { s.mapping_errors.push_back(e.message()); }
            void operator()(const RowRemoved& r) {
                switch (r.kind) {
                    case EntityKind::WalletTransaction:
                        s.wallet.apply(c, nullptr);
                        break;
                    case EntityKind::BetLeg:
                        s.legs.apply(c, nullptr);
                        break;
                    case EntityKind::Bet:
                        s.bets.apply(c, nullptr);
                        break;
                    default:
                        break;
                }
            }
            void operator()(const Player& p) { s.players.apply(c, &p); }
            void operator()(const WalletTransaction& w) { s.wallet.apply(c, &w); }
            void operator()(const Event& e) { s.events.apply(c, &e); }
            void operator()(const Market& m) { s.markets.apply(c, &m); }
            void operator()(const Selection& x) { s.selections.apply(c, &x); }
            void operator()(const Bet& b) { s.bets.apply(c, &b); }
            void operator()(const BetLeg& l) {
                if (!s.legs.apply(c, &l)) return;
                auto key = std::make_pair(l.bet_id, l.selection_id);
                if (s.status_at_placement.count(key)) return;
                std::optional<EventStatus> st;
                if (const Selection* sel = s.selection(l.selection_id))
                    if (const Market* m = s.market(sel->market_id))
                        if (const Event* e = s.event(m->event_id)) st = e->status;
                s.status_at_placement[key] = st;
            }
            void operator()(const Sport&) {}
            void operator()(const Competition&) {}
            void operator()(const FxRate&) {}
        };
        std::visit(V{*this, c}, r);
    }
};

struct Finding {
    std::string rule;
    std::string details;
};

TEST(SimulatedValidation, FindsEveryInjectedAnomalyAndFlagsNothingClean) {
    auto dir = std::filesystem::temp_directory_path() /
               ("tote-validation-sim-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    SimulatorConfig cfg;
    cfg.players = 400;
    cfg.events = 40;
    cfg.max_change_events = 100000;
    cfg.bets_per_sim_second = 0.1;  // long simulated days: many settlements
    cfg.anomaly_rate = 0.05;
    cfg.redelivery_rate = 0.01;
    std::vector<Anomaly> anomalies;
    {
        BettingSimulator sim(cfg);
        FileLogWriter w(dir);
        while (sim.step(w) > 0) {
        }
        anomalies = sim.ground_truth().anomalies;
    }
    State s;
    {
        FileLogReader reader(dir);
        DebeziumJsonDecoder decoder;
        ModelMapper mapper(model::MappingFile::builtin_simulator().mapping());
        std::vector<LogRecord> batch;
        while (reader.poll(batch, 4096) > 0) {
            for (const auto& rec : batch) {
                DecodeResult d = decoder.decode(rec);
                if (const auto* c = std::get_if<ChangeEvent>(&d)) s.apply(*c, mapper.map(*c));
            }
            batch.clear();
        }
    }
    std::filesystem::remove_all(dir);
    ASSERT_EQ(s.mapping_errors, std::vector<std::string>{});

    // Contexts at the end of the stream: the watermark has passed for everything.
    std::map<int64_t, std::vector<const WalletTransaction*>> ledger_by_bet;
    for (const auto& [k, w] : s.wallet.rows)
        if (w.live && w.value.bet_id) ledger_by_bet[*w.value.bet_id].push_back(&w.value);
    std::map<int64_t, std::vector<const BetLeg*>> legs_by_bet;
    for (const auto& [k, l] : s.legs.rows)
        if (l.live) legs_by_bet[l.value.bet_id].push_back(&l.value);
    std::set<int64_t> bet_ids;

    std::map<std::string, std::vector<Finding>> failures;  // "bets {"id":N}" -> findings
    std::map<std::string, int64_t> passes;                 // rule -> bets it passed
    int64_t won_checked = 0, won_dead_heat_checked = 0, won_void_leg_checked = 0;
    int64_t resettled_seen = 0, resettled_checked = 0, cash_outs_checked = 0;
    for (const auto& [key, b] : s.bets.rows) {
        if (!b.live) continue;
        bet_ids.insert(b.value.id);
        BetContext c;
        c.bet = b.value;
        c.watermark_passed = true;
        for (const auto* l : legs_by_bet[b.value.id]) {
            LegContext lc;
            lc.leg = *l;
            if (const Selection* sel = s.selection(l->selection_id)) {
                lc.selection = *sel;
                if (const Market* m = s.market(sel->market_id)) {
                    lc.market = *m;
                    if (const Event* e = s.event(m->event_id)) lc.event = *e;
                }
            }
            lc.event_status_at_placement = s.status_at_placement[{l->bet_id, l->selection_id}];
            c.legs.push_back(lc);
        }
        std::sort(c.legs.begin(), c.legs.end(), [](const LegContext& a, const LegContext& b) {
            return a.leg.leg_no < b.leg.leg_no;
        });
        for (const auto* w : ledger_by_bet[b.value.id]) c.ledger.push_back(*w);
        auto p = s.players.rows.find("{\"id\":" + std::to_string(b.value.player_id) + "}");
        if (p != s.players.rows.end() && p->second.live) c.player = p->second.value;
        for (const auto& o : RuleRegistry::check_all(c)) {
            if (o.result.verdict == Verdict::Fail)
                failures["bets " + key].push_back({std::string(o.rule), o.result.details});
            if (o.result.verdict == Verdict::Pass) ++passes[std::string(o.rule)];
        }
        bool resettled = false, dead_heat = false, void_leg = false;
        for (const auto& w : c.ledger)
            resettled |= w.type == model::WalletTransactionType::Adjustment;
        for (const auto& l : c.legs) {
            dead_heat |= l.leg.result == model::LegResult::DeadHeat;
            void_leg |= l.leg.result == model::LegResult::Void;
        }
        auto payout = RuleRegistry::find_bet_rule("payout_consistent_with_odds")->check(c);
        auto credit = RuleRegistry::find_bet_rule("winning_settlement_has_payout_credit")->check(c);
        if (b.value.status == model::BetStatus::Won && payout.verdict == Verdict::Pass) {
            ++won_checked;
            won_dead_heat_checked += dead_heat;
            won_void_leg_checked += void_leg;
        }
        auto net = RuleRegistry::find_bet_rule("settled_bet_net_credit_matches")->check(c);
        if (resettled) ++resettled_seen;
        if (resettled && (credit.verdict == Verdict::Pass || net.verdict == Verdict::Pass))
            ++resettled_checked;
        if (b.value.status == model::BetStatus::CashedOut && credit.verdict == Verdict::Pass)
            ++cash_outs_checked;
    }
    for (const auto& [key, w] : s.wallet.rows) {
        if (!w.live) continue;
        WalletContext c;
        c.transaction = w.value;
        c.bet_seen = w.value.bet_id && bet_ids.count(*w.value.bet_id);
        c.watermark_passed = true;
        for (const auto& o : RuleRegistry::check_all(c))
            if (o.result.verdict == Verdict::Fail)
                failures["wallet_transactions " + key].push_back(
                    {std::string(o.rule), o.result.details});
    }

    // Which rule must find each kind, and on which row.
    const std::map<std::string, std::string> rule_of = {
        {"payout_without_credit", "winning_settlement_has_payout_credit"},
        {"stake_debited_twice", "stake_debit_matches_bet"},
        {"leg_unknown_selection", "leg_selection_known"},
        {"currency_mismatch", "bet_currency_equals_wallet_currency"},
        {"settled_with_open_leg", "settled_bet_has_all_legs_settled"},
        {"bet_on_finished_event", "no_bet_on_finished_event"},
        {"negative_amount", "wallet_amount_sign_matches_type"},
    };
    std::set<std::string> anomalous_rows;
    std::set<std::string> kinds_seen;
    for (const auto& a : anomalies) {
        std::string row = a.table + " " + a.key;
        if (a.table == "bet_legs") {  // {"bet_id":N,"leg_no":M} -> the bet
            auto start = a.key.find(':') + 1;
            row = "bets {\"id\":" + a.key.substr(start, a.key.find(',') - start) + "}";
        }
        anomalous_rows.insert(row);
        kinds_seen.insert(a.kind);
        ASSERT_TRUE(rule_of.count(a.kind)) << a.kind;
        bool found = false;
        for (const auto& f : failures[row]) found |= f.rule == rule_of.at(a.kind);
        EXPECT_TRUE(found) << a.kind << " on " << row << " not found by " << rule_of.at(a.kind);
    }
    EXPECT_EQ(kinds_seen.size(), rule_of.size()) << "the run should realise every anomaly kind";
    // The run exercises the tricky clean cases, and the rules passed them.
    std::cout << "won payouts recomputed " << won_checked << " (dead heat " << won_dead_heat_checked
              << ", void leg " << won_void_leg_checked << "), resettled bets balanced "
              << resettled_checked << " of " << resettled_seen << ", cash-outs credited "
              << cash_outs_checked << ", anomalies " << anomalies.size() << "\n";
    EXPECT_GT(won_checked, 100);
    EXPECT_GT(won_dead_heat_checked, 0);
    EXPECT_GT(won_void_leg_checked, 0);
    EXPECT_GT(resettled_checked, 0);
    EXPECT_EQ(resettled_checked, resettled_seen);
    EXPECT_GT(cash_outs_checked, 0);
    for (const auto& r : RuleRegistry::bet_rules())
        EXPECT_GT(passes[std::string(r.name)], 0) << r.name << " never passed a bet";
    for (const auto& [row, findings] : failures) {
        if (findings.empty() || anomalous_rows.count(row)) continue;
        for (const auto& f : findings)
            ADD_FAILURE() << "clean " << row << ": " << f.rule << ": " << f.details;
    }
}

}  // namespace
}  // namespace tote::validation
