// The simulator's second sink (ChangeSink, used by `tote simulate --oltp`) and the PostgreSQL
// statements made of it (PostgresSql): the statement text exactly, and the stream of database
// operations applied to in-memory tables ends exactly in the simulator's final state.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "core/error.h"
#include "sim_test_util.h"
#include "simulate/change_sink.h"
#include "simulate/json_text.h"
#include "simulate/postgres_sql.h"

namespace tote {
namespace {

using namespace simtest;

TEST(PostgresSql, StatementsForEveryKindOfChange) {
    RowCells bet(TableId::Bets);
    bet.i64(7).i64(3).text("single").i64(1500).text("NGN").dec(21500).i64(3225).text("won");
    bet.i64(3225).ts(1'793'491'200'000'000).ts(1'793'494'800'123'456).text("app");
    std::string out;
    PostgresSql::append_insert_head(out, table_def(TableId::Bets));
    PostgresSql::append_row(out, bet);
    EXPECT_EQ(out,
              "INSERT INTO bets (id, player_id, type, stake_minor, currency, total_odds, "
              "potential_payout_minor, status, payout_minor, placed_at, settled_at, channel) "
              "VALUES (7, 3, 'single', 1500, 'NGN', 2.1500, 3225, 'won', 3225, "
              "'2026-11-01T00:00:00.000000Z', '2026-11-01T01:00:00.123456Z', 'app')");

    // An unchanged TOASTed value is left out of an UPDATE; quotes are doubled; NULL stays NULL.
    RowCells player(TableId::Players);
    player.i64(5).text("NG").text("NGN").text("app").ts(0).text("it's closed").null();
    player[6] = Cell{CellKind::Unavailable, 0, {}};  // kyc_note
    out.clear();
    PostgresSql::append_update(out, player);
    EXPECT_EQ(out,
              "UPDATE players SET country = 'NG', currency = 'NGN', channel = 'app', "
              "registered_at = '1970-01-01T00:00:00.000000Z', status = 'it''s closed' "
              "WHERE id = 5;\n");

    RowCells before(TableId::BetLegs), after(TableId::BetLegs);
    before.i64(9).i64(2).i64(41).dec(18000).null();
    after.i64(9).i64(3).i64(41).dec(18000).null();
    out.clear();
    PostgresSql::append_update_key(out, before, after);
    PostgresSql::append_delete(out, after);
    PostgresSql::append_truncate(out, TableId::OddsStaging);
    EXPECT_EQ(out,
              "UPDATE bet_legs SET bet_id = 9, leg_no = 3, selection_id = 41, odds_taken = 1.8000, "
              "result = NULL WHERE bet_id = 9 AND leg_no = 2;\n"
              "DELETE FROM bet_legs WHERE bet_id = 9 AND leg_no = 3;\n"
              "TRUNCATE odds_staging;\n");
}

// Applies the sink's operations to tables held as literal cells by primary key.
class TableReplica final : public ChangeSink {
public:
    using Row = std::vector<std::string>;
    std::map<TableId, std::map<std::string, Row>> tables;
    size_t initial = 0, transactions = 0, operations_in_tx = 0;
    bool in_tx = false;
    std::vector<std::string> problems;

    static Row literals(const RowCells& r) {
        Row out;
        const TableDef& def = table_def(r.table());
        for (size_t i = 0; i < r.size(); ++i) {
            std::string s;
            if (r[i].kind == CellKind::Unavailable)
                s = "<unavailable>";
            else
                PostgresSql::append_value(s, r[i], def.columns[i]);
            out.push_back(std::move(s));
        }
        return out;
    }
    static std::string key(const RowCells& r) {
        std::string k;
        const TableDef& def = table_def(r.table());
        for (size_t i = 0; i < r.size(); ++i)
            if (def.columns[i].key) PostgresSql::append_value(k += '|', r[i], def.columns[i]);
        return k;
    }

    void initial_row(const RowCells& row) override {
        if (in_tx) problems.push_back("initial row inside a transaction");
        ++initial;
        tables[row.table()][key(row)] = literals(row);
    }
    void begin(int64_t) override {
        if (in_tx) problems.push_back("begin inside a transaction");
        in_tx = true;
        operations_in_tx = 0;
    }
    void insert(const RowCells& after) override {
        op();
        if (!tables[after.table()].emplace(key(after), literals(after)).second)
            problems.push_back("insert of an existing key " + key(after));
    }
    void update(const RowCells& after) override {
        op();
        auto& t = tables[after.table()];
        auto it = t.find(key(after));
        if (it == t.end()) return problems.push_back("update of a missing key " + key(after));
        Row next = literals(after);
        for (size_t i = 0; i < next.size(); ++i)
            if (next[i] != "<unavailable>") it->second[i] = next[i];
    }
    void remove(const RowCells& row) override {
        op();
        if (tables[row.table()].erase(key(row)) != 1)
            problems.push_back("delete of a missing key " + key(row));
    }
    void update_key(const RowCells& before, const RowCells& after) override {
        op();
        auto& t = tables[after.table()];
        if (t.erase(key(before)) != 1) problems.push_back("key update of a missing key");
        t[key(after)] = literals(after);
    }
    void truncate(TableId table) override {
        op();
        tables[table].clear();
    }
    void commit() override {
        if (!in_tx || operations_in_tx == 0) problems.push_back("commit without operations");
        in_tx = false;
        ++transactions;
    }

private:
    void op() {
        if (!in_tx) problems.push_back("change outside a transaction");
        ++operations_in_tx;
    }
};

TEST(ChangeSink, OperationsEndInTheSimulatorsStateAndTheLogRunIsUnchanged) {
    SimulatorConfig cfg = small_config(60000);
    cfg.anomaly_rate = 0.05;
    cfg.bets_per_sim_second = 0.05;  // long enough for settlements, resettlements, a truncate
    BettingSimulator sim(cfg);
    TableReplica replica;
    while (sim.step(replica) > 0) {
    }
    EXPECT_TRUE(replica.problems.empty()) << replica.problems.front();
    EXPECT_FALSE(replica.in_tx);
    EXPECT_GT(replica.transactions, 10000u);

    // The same configuration into the log: the same records, the same ground truth.
    auto dir = temp_dir("sink-log");
    BettingSimulator logged(cfg);
    run(logged, dir);
    EXPECT_EQ(sim.records_emitted(), logged.records_emitted());
    EXPECT_EQ(sim.change_events_emitted(), logged.change_events_emitted());
    GroundTruth a = sim.ground_truth(), b = logged.ground_truth();
    EXPECT_EQ(a.ledger, b.ledger);
    EXPECT_EQ(a.anomalies, b.anomalies);
    EXPECT_EQ(a.table_rows, b.table_rows);
    std::filesystem::remove_all(dir);

    // Every live row of the final state, cell by cell.
    const OltpState& s = sim.state();
    std::map<TableId, std::map<std::string, TableReplica::Row>> want;
    RowCells row;
    auto add = [&](const RowCells& r) {
        want[r.table()][TableReplica::key(r)] = TableReplica::literals(r);
    };
    for (const auto& r : s.sports) OltpState::cells(r, row), add(row);
    for (const auto& r : s.competitions) OltpState::cells(r, row), add(row);
    for (const auto& r : s.events) OltpState::cells(r, row), add(row);
    for (const auto& r : s.markets) OltpState::cells(r, row), add(row);
    for (const auto& r : s.selections) OltpState::cells(r, row), add(row);
    for (const auto& r : s.players) OltpState::cells(r, row), add(row);
    for (const auto& r : s.wallet)
        if (!r.deleted) OltpState::cells(r, row), add(row);
    for (const auto& r : s.fx_rates) OltpState::cells(r, row), add(row);
    for (const auto& r : s.bets) OltpState::cells(r, row), add(row);
    for (const auto& bet : s.bets)
        for (const auto& leg : bet.legs) OltpState::cells(bet, leg, row), add(row);
    for (size_t i = s.odds_staging_first_live; i < s.odds_staging.size(); ++i)
        if (!s.odds_staging[i].deleted) OltpState::cells(s.odds_staging[i], row), add(row);
    for (size_t t = 0; t < kTableCount; ++t) {
        TableId id = static_cast<TableId>(t);
        EXPECT_EQ(replica.tables[id].size(), want[id].size()) << table_def(id).name;
        std::string diff;
        for (const auto& [k, cells] : want[id]) {
            auto it = replica.tables[id].find(k);
            if (it == replica.tables[id].end()) {
                diff += " missing " + k;
                continue;
            }
            for (size_t i = 0; i < cells.size(); ++i)
                if (it->second[i] != cells[i])
                    diff += " " + k + "." + std::string(table_def(id).columns[i].name) + ": " +
                            it->second[i] + " instead of " + cells[i];
            if (diff.size() > 2000) break;
        }
        EXPECT_EQ(diff, "") << table_def(id).name << " differs";
        EXPECT_EQ(static_cast<int64_t>(want[id].size()),
                  a.table_rows.at(std::string(table_def(id).name)));
    }
    EXPECT_TRUE(replica.tables[TableId::OddsStaging].size() < s.odds_staging.size())
        << "no truncate happened: lengthen the run";
}

}  // namespace
}  // namespace tote
