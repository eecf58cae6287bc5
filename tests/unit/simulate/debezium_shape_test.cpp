// The simulator's records have the shapes of real Debezium 3.7 captures (tests/unit/simulate/data).
#include <gtest/gtest.h>
#include <simdjson.h>

#include <fstream>
#include <map>
#include <set>

#include "sim_test_util.h"

namespace tote {
namespace {

using namespace simtest;
using simdjson::dom::element;
using simdjson::dom::object;

std::vector<std::string> keys_of(object o) {
    std::vector<std::string> k;
    for (auto field : o) k.emplace_back(field.key);
    return k;
}

// A captured record's value (payload when schemas were on), parsed.
struct Captured {
    simdjson::dom::parser parser;
    element value, key;
    std::string value_text, key_text;
};

bool find_captured(const std::string& file, const std::string& topic, Captured& out) {
    std::ifstream f(std::string(TOTE_SIM_TEST_DATA) + "/" + file);
    std::string line;
    simdjson::dom::parser line_parser;
    while (std::getline(f, line)) {
        element rec = line_parser.parse(line);
        if (std::string_view(rec["topic"].get_string().value()) != topic || rec["value"].is_null())
            continue;
        out.value_text = std::string(rec["value"].get_string().value());
        out.key_text = std::string(rec["key"].get_string().value());
        return true;
    }
    return false;
}

element payload(element e) {
    element p;
    if (e.is_object() && !e["payload"].get(p)) return p;
    return e;
}

class SimulatedLog : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = new std::filesystem::path(temp_dir("shape"));
        SimulatorConfig cfg = small_config(60000);
        cfg.redelivery_rate = 0;  // transaction checks below assume no re-deliveries
        BettingSimulator sim(cfg);
        run(sim, *dir_);
        records_ = new std::vector<LogRecord>(read_all(*dir_));
    }
    static void TearDownTestSuite() {
        std::filesystem::remove_all(*dir_);
        delete dir_;
        delete records_;
    }
    static const std::vector<LogRecord>& recs() { return *records_; }
    static inline std::filesystem::path* dir_ = nullptr;
    static inline std::vector<LogRecord>* records_ = nullptr;
};

TEST_F(SimulatedLog, EnvelopeFieldsMatchTheRealCaptureInNameAndOrder) {
    Captured real;
    ASSERT_TRUE(find_captured("e_schemas_enable_false.jsonl", "tote_nos.public.bets", real));
    element rv = real.parser.parse(real.value_text);
    const LogRecord* bet = nullptr;
    for (const auto& r : recs())
        if (r.topic == "tote.public.bets" && r.value) {
            bet = &r;
            break;
        }
    ASSERT_NE(bet, nullptr);
    simdjson::dom::parser p;
    element sv = p.parse(*bet->value);
    EXPECT_EQ(keys_of(sv.get_object()), keys_of(rv.get_object()));
    EXPECT_EQ(keys_of(sv["source"].get_object()), keys_of(rv["source"].get_object()));
    EXPECT_EQ(keys_of(sv["transaction"].get_object()), keys_of(rv["transaction"].get_object()));
    EXPECT_EQ(std::string_view(sv["source"]["version"].get_string().value()), "3.7.0.Final");
    EXPECT_EQ(*bet->key, "{\"id\":1}");
    // Also against b_single_row (schemas on): the payload has the same envelope.
    Captured b;
    ASSERT_TRUE(find_captured("b_single_row.jsonl", "tote.public.players", b));
    element bv = payload(b.parser.parse(b.value_text));
    EXPECT_EQ(keys_of(sv.get_object()), keys_of(bv.get_object()));
    EXPECT_EQ(keys_of(sv["source"].get_object()), keys_of(bv["source"].get_object()));
}

TEST_F(SimulatedLog, BeginEndShapeMatchesTheRealCapture) {
    Captured real;
    std::ifstream f(std::string(TOTE_SIM_TEST_DATA) + "/c_transaction.jsonl");
    std::string line;
    simdjson::dom::parser lp, vp1, vp2;
    std::vector<std::string> begin_keys, end_keys;
    while (std::getline(f, line)) {
        element rec = lp.parse(line);
        if (std::string_view(rec["topic"].get_string().value()) != "tote.transaction") continue;
        std::string v(rec["value"].get_string().value());
        element pv = payload(vp1.parse(v));
        auto keys = keys_of(pv.get_object());
        (std::string_view(pv["status"].get_string().value()) == "BEGIN" ? begin_keys : end_keys) =
            keys;
        if (std::string_view(pv["status"].get_string().value()) == "END") {
            EXPECT_EQ(keys_of(pv["data_collections"].at(0).get_object()),
                      (std::vector<std::string>{"data_collection", "event_count"}));
        }
    }
    ASSERT_FALSE(begin_keys.empty());
    bool seen_begin = false, seen_end = false;
    for (const auto& r : recs()) {
        if (r.topic != "tote.transaction") continue;
        element v = vp2.parse(*r.value);
        bool is_begin = std::string_view(v["status"].get_string().value()) == "BEGIN";
        EXPECT_EQ(keys_of(v.get_object()), is_begin ? begin_keys : end_keys);
        element k = vp1.parse(*r.key);
        EXPECT_EQ(std::string_view(k["id"].get_string().value()),
                  std::string_view(v["id"].get_string().value()));
        (is_begin ? seen_begin : seen_end) = true;
        if (seen_begin && seen_end) break;
    }
    EXPECT_TRUE(seen_begin && seen_end);
}

TEST_F(SimulatedLog, SnapshotComesFirstWithDebeziumMarkers) {
    simdjson::dom::parser p;
    std::vector<std::string> markers, tables;
    int64_t lsn = -1, tx = -1;
    size_t i = 0;
    for (; i < recs().size(); ++i) {
        if (recs()[i].topic == "tote.transaction") break;
        element v = p.parse(*recs()[i].value);
        if (std::string_view(v["op"].get_string().value()) != "r") break;
        EXPECT_TRUE(v["transaction"].is_null());
        EXPECT_TRUE(v["before"].is_null());
        int64_t l = v["source"]["lsn"].get_int64(), t = v["source"]["txId"].get_int64();
        if (lsn < 0) lsn = l, tx = t;
        EXPECT_EQ(l, lsn);
        EXPECT_EQ(t, tx);
        markers.emplace_back(v["source"]["snapshot"].get_string().value());
        tables.emplace_back(v["source"]["table"].get_string().value());
    }
    ASSERT_GT(markers.size(), 100u);
    EXPECT_EQ(markers.front(), "first");
    EXPECT_EQ(markers.back(), "last");
    for (size_t k = 1; k + 1 < markers.size(); ++k) {
        bool table_start = tables[k] != tables[k - 1], table_end = tables[k] != tables[k + 1];
        std::string want = table_start ? "first_in_data_collection"
                           : table_end ? "last_in_data_collection"
                                       : "true";
        ASSERT_EQ(markers[k], want) << "snapshot record " << k << " of " << tables[k];
    }
    EXPECT_EQ(std::set<std::string>(tables.begin(), tables.end()).size(), 8u);
    EXPECT_EQ(recs()[i].topic, "tote.transaction");  // streaming starts with a BEGIN
}

TEST_F(SimulatedLog, TransactionsAreConsistent) {
    simdjson::dom::parser p;
    bool in_tx = false;
    uint64_t count = 0, tx_id = 0, prev_tx = 0, prev_lsn = 0, txs = 0;
    int64_t commit_ms = 0;
    std::map<std::string, int64_t> per_table;
    std::string prev_op;
    for (const auto& r : recs()) {
        if (r.topic == "tote.transaction") {
            element v = p.parse(*r.value);
            std::string_view status = v["status"].get_string();
            std::string id(v["id"].get_string().value());
            uint64_t id_tx = std::stoull(id.substr(0, id.find(':')));
            if (status == "BEGIN") {
                ASSERT_FALSE(in_tx);
                in_tx = true;
                count = 0;
                per_table.clear();
                tx_id = id_tx;
                EXPECT_GT(tx_id, prev_tx);
                commit_ms = v["ts_ms"].get_int64();
                EXPECT_TRUE(v["event_count"].is_null());
            } else {
                ASSERT_TRUE(in_tx);
                in_tx = false;
                EXPECT_EQ(id_tx, tx_id);
                EXPECT_EQ(static_cast<uint64_t>(v["event_count"].get_int64()), count);
                std::map<std::string, int64_t> listed;
                for (auto dc : v["data_collections"].get_array())
                    listed[std::string(dc["data_collection"].get_string().value())] =
                        dc["event_count"].get_int64();
                EXPECT_EQ(listed, per_table);
                EXPECT_EQ(v["ts_ms"].get_int64().value(), commit_ms);
                prev_tx = tx_id;
                ++txs;
            }
            continue;
        }
        if (!r.value) continue;  // tombstone
        element v = p.parse(*r.value);
        std::string op(v["op"].get_string().value());
        if (op == "r") continue;
        ASSERT_TRUE(in_tx) << "change outside a transaction at offset " << r.offset.value;
        ++count;
        per_table["public." + std::string(v["source"]["table"].get_string().value())]++;
        EXPECT_EQ(static_cast<uint64_t>(v["transaction"]["total_order"].get_int64()), count);
        EXPECT_EQ(static_cast<uint64_t>(v["source"]["txId"].get_int64()), tx_id);
        EXPECT_EQ(v["source"]["ts_ms"].get_int64().value(), commit_ms);
        uint64_t lsn = v["source"]["lsn"].get_int64();
        std::string tid(v["transaction"]["id"].get_string().value());
        EXPECT_EQ(tid, std::to_string(tx_id) + ":" + std::to_string(lsn));
        if (op == "c" && prev_op == "d")
            EXPECT_GE(lsn, prev_lsn);  // a primary-key update's delete and create share an LSN
        else
            EXPECT_GT(lsn, prev_lsn);
        prev_lsn = lsn;
        prev_op = op;
    }
    EXPECT_FALSE(in_tx);
    EXPECT_GT(txs, 1000u);
}

TEST_F(SimulatedLog, EveryDebeziumShapeAppears) {
    simdjson::dom::parser p;
    int pk_updates = 0, deletes = 0, truncates = 0, toast = 0, wallet_deletes = 0;
    const auto& rs = recs();
    for (size_t i = 0; i < rs.size(); ++i) {
        const LogRecord& r = rs[i];
        if (r.topic == "tote.transaction" || !r.value) continue;
        element v = p.parse(*r.value);
        std::string op(v["op"].get_string().value());
        if (op == "t") {
            ++truncates;
            EXPECT_FALSE(r.key.has_value());
            EXPECT_TRUE(v["before"].is_null());
            EXPECT_TRUE(v["after"].is_null());
            EXPECT_EQ(r.topic, "tote.public.odds_staging");
        }
        if (op == "d") {
            ++deletes;
            ASSERT_LT(i + 1, rs.size());
            EXPECT_EQ(rs[i + 1].topic, r.topic);
            EXPECT_EQ(rs[i + 1].key, r.key);
            EXPECT_FALSE(rs[i + 1].value.has_value())
                << "delete at " << r.offset.value << " lacks its tombstone";
            if (r.topic == "tote.public.wallet_transactions") {
                ++wallet_deletes;
                // Replica identity default: only the key; a DEFAULT now() column shows the epoch.
                EXPECT_EQ(std::string_view(v["before"]["created_at"].get_string().value()),
                          "1970-01-01T00:00:00.000000Z");
                EXPECT_TRUE(v["before"]["bet_id"].is_null());
            }
            if (r.topic == "tote.public.bet_legs") {
                ASSERT_LT(i + 2, rs.size());
                const LogRecord& c = rs[i + 2];
                ASSERT_TRUE(c.value.has_value());
                simdjson::dom::parser p2;
                element cv = p2.parse(*c.value);
                EXPECT_EQ(std::string_view(cv["op"].get_string().value()), "c");
                EXPECT_EQ(c.topic, r.topic);
                EXPECT_EQ(cv["after"]["bet_id"].get_int64().value(),
                          v["before"]["bet_id"].get_int64().value());
                EXPECT_NE(cv["after"]["leg_no"].get_int64().value(),
                          v["before"]["leg_no"].get_int64().value());
                EXPECT_EQ(cv["source"]["lsn"].get_int64().value(),
                          v["source"]["lsn"].get_int64().value());
                ++pk_updates;
            }
        }
        if (op == "u" && r.topic == "tote.public.players") {
            std::string_view note;
            if (!v["after"]["kyc_note"].get(note) && note == "__debezium_unavailable_value")
                ++toast;
        }
    }
    EXPECT_GT(pk_updates, 0);
    EXPECT_GT(deletes, pk_updates);
    EXPECT_GT(truncates, 0);
    EXPECT_GT(toast, 0);
    EXPECT_GT(wallet_deletes, 0);
}

TEST(DebeziumShapes, ReDeliveriesRepeatEarlierRecordsExactly) {
    auto dir = temp_dir("redeliver");
    SimulatorConfig cfg = small_config(30000);
    cfg.redelivery_rate = 0.02;
    BettingSimulator sim(cfg);
    run(sim, dir);
    auto rs = read_all(dir);
    std::filesystem::remove_all(dir);
    std::map<std::string, size_t> first_seen;  // value -> first offset
    size_t repeats = 0, repeated_changes = 0;
    for (size_t i = 0; i < rs.size(); ++i) {
        if (!rs[i].value) continue;
        auto [it, fresh] = first_seen.emplace(*rs[i].value, i);
        if (fresh) continue;
        ++repeats;
        const LogRecord& orig = rs[it->second];
        EXPECT_EQ(orig.topic, rs[i].topic);
        EXPECT_EQ(orig.key, rs[i].key);
        EXPECT_LT(orig.offset, rs[i].offset);
        if (rs[i].topic != "tote.transaction") ++repeated_changes;
    }
    EXPECT_GT(repeats, 50u);
    EXPECT_GT(repeated_changes, 20u);
    // change_events_emitted counts re-delivered changes too.
    size_t changes = 0;
    for (const auto& r : rs) changes += r.topic != "tote.transaction" && r.value.has_value();
    EXPECT_EQ(changes, sim.change_events_emitted());
}

TEST(DebeziumShapes, SchemasEnabledWrapsKeyAndValueLikeTheCapture) {
    auto dir = temp_dir("schemas");
    SimulatorConfig cfg = small_config(3000);
    cfg.schemas_enabled = true;
    cfg.decimal_mode = "precise";
    cfg.players = 50;
    BettingSimulator sim(cfg);
    run(sim, dir);
    auto rs = read_all(dir);
    std::filesystem::remove_all(dir);
    Captured real;
    ASSERT_TRUE(find_captured("c_transaction.jsonl", "tote.public.bets", real));
    element rv = real.parser.parse(real.value_text);
    simdjson::dom::parser kp;
    element rk = kp.parse(real.key_text);
    simdjson::dom::parser p, p2, p3;
    bool bets = false, tx = false, selections = false;
    for (const auto& r : rs) {
        if (!r.value) continue;
        if (r.topic == "tote.public.bets" && !bets) {
            element v = p.parse(*r.value);
            EXPECT_EQ(keys_of(v.get_object()), (std::vector<std::string>{"schema", "payload"}));
            // The source and transaction-block schemas are Debezium's, byte for byte.
            EXPECT_EQ(simdjson::to_string(v["schema"]["fields"].at(2)),
                      simdjson::to_string(rv["schema"]["fields"].at(2)));
            EXPECT_EQ(simdjson::to_string(v["schema"]["fields"].at(3)),
                      simdjson::to_string(rv["schema"]["fields"].at(3)));
            EXPECT_EQ(std::string_view(v["schema"]["name"].get_string().value()),
                      "tote.public.bets.Envelope");
            element k = p2.parse(*r.key);
            EXPECT_EQ(simdjson::to_string(k["schema"]), simdjson::to_string(rk["schema"]));
            EXPECT_EQ(keys_of(v["payload"].get_object()), keys_of(payload(rv).get_object()));
            bets = true;
        }
        if (r.topic == "tote.public.selections" && !selections) {
            element v = p.parse(*r.value);
            std::string_view odds = v["payload"]["after"]["odds"].get_string();
            EXPECT_EQ(odds.find('.'), std::string_view::npos) << odds;  // base64 bytes, not text
            selections = true;
        }
        if (r.topic == "tote.transaction" && !tx) {
            element v = p3.parse(*r.value);
            EXPECT_EQ(std::string_view(v["schema"]["name"].get_string().value()),
                      "io.debezium.connector.common.TransactionMetadataValue");
            tx = true;
        }
    }
    EXPECT_TRUE(bets && tx && selections);
}

}  // namespace
}  // namespace tote
