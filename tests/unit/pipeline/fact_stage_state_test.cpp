// Checkpoints of the fact stage (issue 13): state -> bytes -> state gives a stage that writes,
// for every record after the checkpoint, exactly the inserts (tables, columns, RowBinary bytes)
// that the stage it was taken from writes. Run on the simulator's stream with anomalies,
// re-deliveries and late dimensions, at several checkpoint positions, with a watermark short
// enough that pending facts, open transactions and KPI retractions cross the checkpoints.
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "../sink/fake_connection.h"
#include "core/state_reader.h"
#include "core/state_writer.h"
#include "decode/debezium_json_decoder.h"
#include "model/mapping_file.h"
#include "pipeline/fact_stage.h"
#include "simulate/betting_simulator.h"
#include "source/file_log_reader.h"
#include "source/file_log_writer.h"
#include "transform/facts/memory_cold_state.h"

namespace tote {
namespace {

constexpr size_t kChunk = 4096;  // records between collect() calls, as the replay does

class SimulatedLog : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = std::filesystem::temp_directory_path() /
               ("tote-fact-state-" + std::to_string(::getpid()));
        std::filesystem::remove_all(dir_);
        SimulatorConfig cfg;
        cfg.players = 300;
        cfg.events = 30;
        cfg.max_change_events = 60000;
        cfg.bets_per_sim_second = 0.1;
        cfg.anomaly_rate = 0.1;
        cfg.redelivery_rate = 0.02;
        BettingSimulator sim(cfg);
        FileLogWriter w(dir_);
        while (sim.step(w) > 0) {
        }
        w.flush();
        records_ = new std::vector<LogRecord>();
        FileLogReader reader(dir_);
        while (reader.poll(*records_, kChunk) > 0) {
        }
    }
    static void TearDownTestSuite() {
        delete records_;
        std::filesystem::remove_all(dir_);
    }

    static FactStageConfig config() {
        FactStageConfig c;
        c.builder.watermark_offsets = 20000;
        c.assembler.max_offset_lag = 3000;
        return c;
    }
    std::unique_ptr<FactStage> make_stage() {
        return std::make_unique<FactStage>(model::MappingFile::builtin_simulator().mapping(),
                                           config(), conn_, "tote");
    }
    // Feeds records [from, to) in chunks, collecting after each; returns the inserts.
    static std::string bytes_of(const FactStage& stage) {
        StateWriter w;
        stage.save_state(w);
        return w.take();
    }
    // With `states`: the saved state after each collect() too.
    std::vector<EncodedInsert> feed(FactStage& stage, size_t from, size_t to,
                                    std::vector<std::string>* states = nullptr) {
        std::vector<EncodedInsert> out;
        DebeziumJsonDecoder decoder;
        for (size_t i = from; i < to; ++i) {
            stage.add(decoder.decode((*records_)[i]), Offset{static_cast<int64_t>(i)});
            if ((i + 1) % kChunk == 0 || i + 1 == to) {
                stage.collect(out);
                if (states) states->push_back(bytes_of(stage));
            }
        }
        return out;
    }

    static std::string text(const std::vector<EncodedInsert>& inserts) {
        std::string s;
        for (const auto& i : inserts) s += i.table + "|" + i.columns + "|" + i.rows + "\n";
        return s;
    }

    FakeConnection conn_;
    static inline std::filesystem::path dir_;
    static inline std::vector<LogRecord>* records_ = nullptr;
};

TEST_F(SimulatedLog, RestoredStageWritesExactlyWhatTheOriginalWrites) {
    const size_t n = records_->size();
    ASSERT_GT(n, 50000u);
    size_t with_pending = 0;  // checkpoints that many facts' verdicts wait across
    for (size_t at : {kChunk, 5 * kChunk, n / 2 / kChunk * kChunk, n - n % kChunk}) {
        auto original = make_stage();
        feed(*original, 0, at);
        StateWriter w;
        original->save_state(w);
        const std::string bytes = w.take();
        ASSERT_TRUE(bytes_of(*original) == bytes) << "saving twice gives the same bytes";
        auto restored = make_stage();
        StateReader r(bytes, "test checkpoint");
        restored->load_state(r);
        r.expect_end();
        EXPECT_TRUE(bytes_of(*restored) == bytes) << "the restored state saves to the same bytes";
        EXPECT_EQ(restored->builder().bets_held(), original->builder().bets_held());
        EXPECT_EQ(restored->builder().pending_facts(), original->builder().pending_facts());
        if (original->builder().pending_facts() > 100) ++with_pending;
        EXPECT_EQ(restored->assembler().open_transactions(),
                  original->assembler().open_transactions());
        EXPECT_EQ(restored->assembler().safe_resume_offset(),
                  original->assembler().safe_resume_offset());

        std::vector<std::string> want_states, got_states;
        const auto want = feed(*original, at, n, &want_states);
        const auto got = feed(*restored, at, n, &got_states);
        ASSERT_FALSE(want.empty()) << at;
        EXPECT_TRUE(text(got) == text(want)) << "checkpoint at record " << at << " of " << n;
        // Equal state after every later collect() too (a member the checkpoint forgot diverges
        // here even when it does not change a row of this stream).
        ASSERT_EQ(got_states.size(), want_states.size());
        for (size_t i = 0; i < got_states.size(); ++i)
            EXPECT_TRUE(got_states[i] == want_states[i]) << "checkpoint " << at << ", chunk " << i;
        std::vector<EncodedInsert> drained_want, drained_got;
        original->drain(drained_want);
        restored->drain(drained_got);
        EXPECT_TRUE(text(drained_got) == text(drained_want)) << at;
    }
}

TEST_F(SimulatedLog, StateAtACheckpointEqualsTheStateOfAReplayInOtherChunks) {
    // The checkpoint is taken at a commit; the restart replays with its own chunking. The state
    // after records [0, X) must not depend on where collect() was called.
    const size_t at = 7 * kChunk + 1234;
    auto a = make_stage();
    feed(*a, 0, at);
    auto b = make_stage();
    std::vector<EncodedInsert> ignored;
    DebeziumJsonDecoder decoder;
    for (size_t i = 0; i < at; ++i) {
        b->add(decoder.decode((*records_)[i]), Offset{static_cast<int64_t>(i)});
        if (i % 1000 == 999) b->collect(ignored);
    }
    b->collect(ignored);
    const auto want = feed(*a, at, records_->size());
    const auto got = feed(*b, at, records_->size());
    EXPECT_TRUE(text(got) == text(want));
}

TEST_F(SimulatedLog, UnreadableStateThrowsAndLeavesTheStageAsItWas) {
    auto original = make_stage();
    feed(*original, 0, 3 * kChunk);
    StateWriter w;
    original->save_state(w);
    std::string bytes = w.take();
    auto target = make_stage();
    feed(*target, 0, kChunk);
    const size_t held = target->builder().bets_held();
    for (size_t cut : {size_t{0}, size_t{7}, bytes.size() / 2, bytes.size() - 1}) {
        StateReader r(std::string_view(bytes).substr(0, cut), "cut checkpoint");
        EXPECT_THROW(target->load_state(r), ToteError) << cut;
        EXPECT_EQ(target->builder().bets_held(), held) << cut;
    }
    // The stage still works and writes what one that never saw a failed load writes.
    auto fresh = make_stage();
    feed(*fresh, 0, kChunk);
    EXPECT_TRUE(text(feed(*target, kChunk, 2 * kChunk)) == text(feed(*fresh, kChunk, 2 * kChunk)));
}

}  // namespace
}  // namespace tote

namespace tote {
namespace {

// Bounded memory (issue 13, point 3): a stage whose fact state may hold only a few KB writes,
// for the whole stream (late corrections, resettlements, re-deliveries, late dimensions), exactly
// the inserts of a stage without a budget; and a checkpoint of it (its state plus the cold
// store's contents at that moment) restores to a stage that goes on writing the same.
class BudgetedLog : public SimulatedLog {
protected:
    std::unique_ptr<FactStage> make_budgeted(ColdState& cold, size_t budget) {
        FactStageConfig c = config();
        c.builder.memory_budget_bytes = budget;
        auto stage = std::make_unique<FactStage>(model::MappingFile::builtin_simulator().mapping(),
                                                 c, conn_, "tote");
        stage->set_cold_state(&cold);
        return stage;
    }
};

TEST_F(BudgetedLog, ATinyBudgetWritesExactlyWhatNoBudgetWrites) {
    const size_t n = records_->size();
    auto unbounded = make_stage();
    facts::MemoryColdState cold;
    constexpr size_t kBudget = 64 * 1024;
    auto bounded = make_budgeted(cold, kBudget);
    size_t peak_unbounded = 0, peak_bounded = 0;
    std::vector<EncodedInsert> want, got;
    DebeziumJsonDecoder decoder;
    for (size_t i = 0; i < n; ++i) {
        unbounded->add(decoder.decode((*records_)[i]), Offset{static_cast<int64_t>(i)});
        bounded->add(decoder.decode((*records_)[i]), Offset{static_cast<int64_t>(i)});
        if ((i + 1) % 512 == 0 || i + 1 == n) {
            unbounded->collect(want);
            bounded->collect(got);
            peak_unbounded = std::max(peak_unbounded, unbounded->builder().held_state_bytes());
            peak_bounded = std::max(peak_bounded, bounded->builder().held_state_bytes());
        }
    }
    unbounded->drain(want);
    bounded->drain(got);
    ASSERT_FALSE(want.empty());
    EXPECT_TRUE(text(got) == text(want));
    const auto& st = bounded->builder().stats();
    std::cout << "held state: peak " << peak_unbounded << " B without a budget, " << peak_bounded
              << " B with " << kBudget << " B; evicted " << st.evicted_bets << " bet and "
              << st.evicted_wallet << " ledger-row states, read back " << st.cold_reads
              << "; dimension rows evicted " << bounded->builder().dimensions().evicted_rows()
              << ", read back " << bounded->builder().dimensions().cold_reads() << "\n";
    EXPECT_GT(peak_unbounded, 10 * kBudget) << "the stream must need far more than the budget";
    EXPECT_GT(st.evicted_bets, 1000u);
    EXPECT_GT(st.evicted_wallet, 1000u);
    EXPECT_GT(st.cold_reads, 1000u) << "late changes must read evicted states back";
    EXPECT_GT(bounded->builder().dimensions().evicted_rows(), 100u);
    EXPECT_GT(bounded->builder().dimensions().cold_reads(), 100u);
    EXPECT_EQ(unbounded->builder().stats().cold_reads, 0u);
}

TEST_F(BudgetedLog, ACheckpointWithItsColdStoreRestoresExactly) {
    const size_t n = records_->size();
    constexpr size_t kBudget = 32 * 1024;
    for (size_t at : {3 * kChunk, n / 2 / kChunk * kChunk}) {
        facts::MemoryColdState cold;
        auto original = make_budgeted(cold, kBudget);
        feed(*original, 0, at);
        ASSERT_TRUE(original->builder().uses_cold_state());
        const std::string bytes = bytes_of(*original);
        facts::MemoryColdState cold_copy = cold;  // the store as of the checkpoint
        auto restored = make_budgeted(cold_copy, kBudget);
        StateReader r(bytes, "test checkpoint");
        restored->load_state(r);
        const auto want = feed(*original, at, n);
        const auto got = feed(*restored, at, n);
        ASSERT_FALSE(want.empty());
        EXPECT_TRUE(text(got) == text(want)) << "checkpoint at record " << at;
        // And equal to a stage without a budget from the start.
        auto plain = make_stage();
        feed(*plain, 0, at);
        EXPECT_TRUE(text(feed(*plain, at, n)) == text(want)) << at;
    }
}

}  // namespace
}  // namespace tote

namespace tote {
namespace {

// Joining an existing database (issue 14, item 5): the first half of the simulator's log folded
// into an initial snapshot as Debezium sends one (the latest version of every row as op r, all at
// one LSN above every change folded, no transaction block, table after table in name order, the
// last row of each table marked), then the rest of the log streamed. Every fact the snapshot
// reads waits for the stream: no watermark passes inside it.
class BudgetedLogWithSnapshot : public BudgetedLog {
protected:
    static void SetUpTestSuite() {
        BudgetedLog::SetUpTestSuite();
        DebeziumJsonDecoder decoder;
        std::vector<DecodeResult> decoded;
        for (const auto& rec : *records_) decoded.push_back(decoder.decode(rec));
        size_t cut = decoded.size() / 2;  // at a BEGIN: the stream starts with whole transactions
        while (cut < decoded.size() && !(std::holds_alternative<TxMarker>(decoded[cut]) &&
                                         std::get<TxMarker>(decoded[cut]).begin))
            ++cut;
        struct Latest {
            uint64_t version = 0;
            std::optional<ChangeEvent> row;  // nullopt: deleted
        };
        std::map<std::pair<std::string, std::string>, Latest> rows;
        uint64_t lsn = 0;
        for (size_t i = 0; i < cut; ++i) {
            auto* c = std::get_if<ChangeEvent>(&decoded[i]);
            if (!c) continue;
            lsn = std::max(lsn, c->source.lsn);
            if (c->op == Op::Truncate) {
                for (auto& [k, l] : rows)
                    if (k.first == c->table) l = Latest{c->version, std::nullopt};
                continue;
            }
            auto& l = rows[{c->table, c->key}];
            if (l.version > c->version) continue;  // a re-delivery of an older change
            l.version = c->version;
            if (c->op == Op::Delete)
                l.row.reset();
            else
                l.row = *c;
        }
        stream_ = new std::vector<DecodeResult>();
        for (auto it = rows.begin(); it != rows.end(); ++it) {
            if (!it->second.row) continue;
            ChangeEvent c = *it->second.row;
            c.op = Op::Read;
            c.before.reset();
            c.source.lsn = lsn;
            c.source.tx_id = 0;
            c.source.total_order = 0;
            c.source.snapshot = true;
            auto next = std::next(it);
            while (next != rows.end() && next->first.first == it->first.first && !next->second.row)
                ++next;
            c.source.snapshot_table_end = next == rows.end() || next->first.first != c.table;
            c.version = pack_version(c.source);
            stream_->push_back(std::move(c));
        }
        snapshot_rows_ = stream_->size();
        for (size_t i = cut; i < decoded.size(); ++i) stream_->push_back(std::move(decoded[i]));
    }
    static void TearDownTestSuite() {
        delete stream_;
        stream_ = nullptr;
        BudgetedLog::TearDownTestSuite();
    }

    static FactStageConfig snapshot_config(size_t budget) {
        FactStageConfig c = config();
        c.builder.memory_budget_bytes = budget;
        c.max_batch_rows = 300;  // cut batches inside units: the end of the snapshot's window
        return c;
    }
    // The inserts' rows per table, in order (the same rows cut into other inserts compare equal);
    // the KPI rows sorted: a batch takes the KPI rows of its bets, then of its ledger rows, so a
    // cut batch interleaves them otherwise (their table is keyed, not ordered).
    static std::map<std::string, std::string> rows_by_table(const std::vector<EncodedInsert>& ins) {
        std::map<std::string, std::string> by;
        std::map<std::string, std::vector<std::string>> kpis;
        for (const auto& i : ins) {
            if (i.table.find("kpi_hourly_contrib") == std::string::npos) {
                by[i.table + "|" + i.columns] += i.rows;
                continue;
            }
            auto& rows = kpis[i.table + "|" + i.columns];
            for (size_t at = 0; at < i.rows.size();) {
                const size_t end = row_end(i.columns, i.rows, at);
                rows.push_back(i.rows.substr(at, end - at));
                at = end;
            }
        }
        for (auto& [table, rows] : kpis) {
            std::sort(rows.begin(), rows.end());
            for (const auto& r : rows) by[table] += r;
        }
        return by;
    }
    // Where the RowBinary row starting at `at` ends (the KPI table's column types only).
    static size_t row_end(const std::string& columns, const std::string& rows, size_t at) {
        size_t from = 0;
        while (from < columns.size()) {
            size_t comma = columns.find(", ", from);
            if (comma == std::string::npos) comma = columns.size();
            const std::string type =
                columns.substr(columns.find(' ', from) + 1, comma - columns.find(' ', from) - 1);
            if (type == "String") {
                uint64_t len = 0;
                for (int shift = 0;; shift += 7) {
                    const auto b = static_cast<uint8_t>(rows.at(at++));
                    len |= uint64_t{b & 0x7fu} << shift;
                    if (!(b & 0x80)) break;
                }
                at += len;
            } else if (type == "DateTime") {
                at += 4;
            } else if (type == "Int8" || type == "UInt8") {
                at += 1;
            } else if (type == "Int64" || type == "UInt64") {
                at += 8;
            } else {
                ADD_FAILURE() << "no size for column type " << type;
                return rows.size();
            }
            from = comma + 2;
        }
        return at;
    }

    static inline std::vector<DecodeResult>* stream_ = nullptr;
    static inline size_t snapshot_rows_ = 0;
};

TEST_F(BudgetedLogWithSnapshot, PendingStatesLeaveMemoryAndTheRowsEqualAnUnbudgetedRun) {
    constexpr size_t kBudget = 64 * 1024;
    const size_t n = stream_->size();
    ASSERT_GT(snapshot_rows_, 10000u);
    FactStage unbounded(model::MappingFile::builtin_simulator().mapping(), snapshot_config(0),
                        conn_, "tote");
    facts::MemoryColdState cold;
    FactStage bounded(model::MappingFile::builtin_simulator().mapping(), snapshot_config(kBudget),
                      conn_, "tote");
    bounded.set_cold_state(&cold);
    FactStageConfig uncut_config = snapshot_config(0);
    uncut_config.max_batch_rows = 0;
    FactStage uncut(model::MappingFile::builtin_simulator().mapping(), uncut_config, conn_, "tote");

    size_t peak_unbounded = 0, peak_bounded = 0, peak_pending_in_snapshot = 0;
    size_t bounded_in_snapshot = 0;  // the bounded stage's held bytes at that moment
    std::vector<EncodedInsert> want, got, whole;
    for (size_t i = 0; i < n; ++i) {
        for (FactStage* s : {&unbounded, &bounded, &uncut}) {
            DecodeResult r = (*stream_)[i];
            s->add(r, Offset{static_cast<int64_t>(i)});
        }
        if ((i + 1) % 512 == 0 || i + 1 == snapshot_rows_ || i + 1 == n) {
            unbounded.collect(want);
            bounded.collect(got);
            uncut.collect(whole);
            peak_unbounded = std::max(peak_unbounded, unbounded.builder().held_state_bytes());
            peak_bounded = std::max(peak_bounded, bounded.builder().held_state_bytes());
            if (i < snapshot_rows_ &&
                unbounded.builder().pending_facts() > peak_pending_in_snapshot) {
                peak_pending_in_snapshot = unbounded.builder().pending_facts();
                bounded_in_snapshot = bounded.builder().held_state_bytes();
                EXPECT_EQ(bounded.builder().pending_facts(), peak_pending_in_snapshot);
            }
        }
    }
    unbounded.drain(want);
    bounded.drain(got);
    uncut.drain(whole);
    ASSERT_FALSE(want.empty());
    EXPECT_TRUE(text(got) == text(want)) << "the budget changed a row";
    {
        const auto a = rows_by_table(want), b = rows_by_table(whole);
        EXPECT_EQ(a.size(), b.size());
        for (const auto& [table, rows] : a)
            EXPECT_TRUE(b.count(table) && b.at(table) == rows)
                << "cutting batches inside units changed the rows of " << table.substr(0, 40);
    }
    EXPECT_GT(want.size(), whole.size()) << "batches were cut";

    const auto& st = bounded.builder().stats();
    std::cout << "snapshot of " << snapshot_rows_ << " rows, then " << n - snapshot_rows_
              << " records streamed; up to " << peak_pending_in_snapshot
              << " facts pending inside the snapshot; held state: peak " << peak_unbounded
              << " B without a budget, " << peak_bounded << " B with " << kBudget << " B ("
              << bounded_in_snapshot << " B with the most pending); evicted " << st.evicted_bets
              << " bet and " << st.evicted_wallet << " ledger-row states, read back "
              << st.cold_reads << "; inserts " << want.size() << " cut, " << whole.size()
              << " uncut\n";
    // Inside the snapshot, every bet read waits for its ledger rows (the last table) and its
    // catalogue rows: pending, and awaiting dimensions.
    EXPECT_GT(peak_pending_in_snapshot, 3000u);
    EXPECT_GT(peak_unbounded, 20 * kBudget);
    EXPECT_LE(bounded_in_snapshot, kBudget) << "pending states must leave memory";
    EXPECT_LE(peak_bounded, 2 * kBudget);
    EXPECT_GT(st.evicted_bets, 1000u);
    EXPECT_GT(st.evicted_wallet, 1000u);
    EXPECT_GT(st.cold_reads, 1000u);
}

}  // namespace
}  // namespace tote
