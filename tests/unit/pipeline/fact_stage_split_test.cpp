// Issue 12, case 5: finite runs over a growing log must leave the ETL log one run leaves.
//
// `tote ingest` without --follow ends with FactStage::drain(): verdicts still waiting for their
// watermark are finalised because the input ended. When the log grows, the next run rebuilds the
// stage's state by replaying the log (the drain is not part of it) and goes on; the entries the
// drain logged must not outlive that. These tests run a stage the way IngestPipeline does (a
// finite run = feed, collect, drain; a restart = replay the records before the position into a
// fresh stage, then go on) against a model of the etl_log table, and compare the entries in
// force with those of one run over the whole log.
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "../facts/fact_stream.h"
#include "../sink/fake_connection.h"
#include "core/state_reader.h"
#include "core/state_writer.h"
#include "model/mapping_file.h"
#include "pipeline/fact_stage.h"
#include "sink/sql_text.h"

namespace tote {
namespace {

using namespace facts::test;

// tote.etl_log as the warehouse holds it: ReplacingMergeTree ORDER BY (rule, entity, entity_key,
// version) without a version column, so FINAL keeps the row inserted last per identity. Rows are
// decoded from the stage's RowBinary inserts by their column list.
class EtlLogTable {
public:
    using Row = std::map<std::string, std::string>;  // column -> value as text

    void insert(const std::vector<EncodedInsert>& inserts) {
        for (const auto& ins : inserts)
            if (ins.table == "`tote`.`etl_log`") decode(ins.columns, ins.rows);
    }

    // The entries in force under FINAL (retracted ones hidden), one line each.
    std::vector<std::string> in_force() const {
        std::vector<std::string> out;
        for (const auto& [key, r] : final_rows())
            if (value(r, "retracted") != "1")
                out.push_back(key + " offset=" + r.at("log_offset") + " " + r.at("details") +
                              (value(r, "provisional") == "1" ? " (provisional)" : ""));
        return out;
    }

    // What FactStage reads at the start of a run: the provisional entries in force.
    std::string provisional_tsv() const {
        std::string out;
        for (const auto& [key, r] : final_rows()) {
            if (value(r, "provisional") != "1" || value(r, "retracted") == "1") continue;
            for (const char* c :
                 {"rule", "severity", "entity", "entity_key", "version", "log_offset", "details"})
                out += escape(r.at(c)) + (std::strcmp(c, "details") == 0 ? "\n" : "\t");
        }
        return out;
    }

    size_t rows() const { return rows_.size(); }

private:
    static std::string value(const Row& r, const std::string& column) {
        auto it = r.find(column);
        return it == r.end() ? "" : it->second;
    }

    static std::string escape(const std::string& s) {
        std::string out;
        for (char ch : s) {
            if (ch == '\t')
                out += "\\t";
            else if (ch == '\n')
                out += "\\n";
            else if (ch == '\\')
                out += "\\\\";
            else
                out += ch;
        }
        return out;
    }

    std::map<std::string, Row> final_rows() const {
        std::map<std::string, Row> latest;
        for (const auto& r : rows_)
            latest[r.at("rule") + " " + r.at("entity") + " " + r.at("entity_key") + " v" +
                   r.at("version")] = r;
        return latest;
    }

    void decode(const std::string& columns, const std::string& bytes) {
        const auto specs = parse_column_list(columns);
        size_t pos = 0;
        auto fixed = [&](size_t n) {
            uint64_t v = 0;
            std::memcpy(&v, bytes.data() + pos, n);
            pos += n;
            return v;
        };
        while (pos < bytes.size()) {
            Row r;
            for (const auto& c : specs) {
                if (c.type == "String") {
                    uint64_t len = 0;
                    for (int shift = 0;; shift += 7) {
                        const auto b = static_cast<unsigned char>(bytes[pos++]);
                        len |= static_cast<uint64_t>(b & 0x7F) << shift;
                        if (!(b & 0x80)) break;
                    }
                    r[c.name] = bytes.substr(pos, len);
                    pos += len;
                } else if (c.type == "UInt64") {
                    r[c.name] = std::to_string(fixed(8));
                } else if (c.type == "Int64") {
                    r[c.name] = std::to_string(static_cast<int64_t>(fixed(8)));
                } else if (c.type == "UInt8") {
                    r[c.name] = std::to_string(fixed(1));
                } else {
                    FAIL() << "etl_log column of an unexpected type: " << c.name << " " << c.type;
                }
            }
            rows_.push_back(std::move(r));
        }
    }

    std::vector<Row> rows_;
};

// A log of changes without transaction metadata (each its own unit), one record per offset.
std::vector<ChangeEvent> numbered(std::vector<ChangeEvent> changes) {
    uint64_t lsn = 0x1000000;
    for (auto& c : changes) {
        lsn += 64;
        c.source.lsn = lsn;
        c.source.commit_ts_ms = 1'793'534'400'000;
        c.version = pack_version(c.source);
    }
    return changes;
}

// One warehouse written by a sequence of finite runs (`tote ingest` without --follow) over a log
// that has grown to `ends[i]` records at run i.
class Runs {
public:
    Runs(std::vector<ChangeEvent> log, int64_t watermark) : log_(std::move(log)) {
        config_.builder.watermark_offsets = watermark;
        conn_.answer = [this](const std::string& sql) -> std::optional<std::string> {
            if (sql.find("etl_log") != std::string::npos && sql.rfind("SELECT", 0) == 0)
                return table_.provisional_tsv();
            return std::nullopt;
        };
    }

    // Restarts restore the checkpoint the previous run took at its end (before its drain)
    // instead of replaying the log.
    void use_checkpoints() { checkpoints_ = true; }

    void run_to(size_t end) {
        FactStage stage(model::MappingFile::builtin_simulator().mapping(), config_, conn_, "tote");
        if (checkpoints_ && position_ > 0) {
            StateReader r(checkpoint_, "test checkpoint");
            stage.load_state(r);
        } else {
            // Restart: the state is rebuilt from the records before the position, nothing
            // written.
            stage.set_replaying(true);
            for (size_t i = 0; i < position_; ++i) feed(stage, i);
            std::vector<EncodedInsert> none;
            stage.collect(none);
            stage.set_replaying(false);
        }
        std::vector<EncodedInsert> out;
        for (size_t i = position_; i < end; ++i) {
            feed(stage, i);
            if (i % 3 == 2) {  // a commit every few records: batching must not matter
                stage.collect(out);
                table_.insert(out);
                out.clear();
            }
        }
        stage.collect(out);  // everything fed is committed, then a checkpoint is taken
        table_.insert(out);
        out.clear();
        StateWriter w;
        stage.save_state(w);
        checkpoint_ = w.take();
        stage.drain(out);  // the end of a finite input
        table_.insert(out);
        position_ = end;
    }

    const EtlLogTable& table() const { return table_; }

private:
    void feed(FactStage& stage, size_t i) {
        stage.add(DecodeResult{ChangeEvent(log_[i])}, Offset{static_cast<int64_t>(i)});
    }

    std::vector<ChangeEvent> log_;
    FactStageConfig config_;
    FakeConnection conn_;
    EtlLogTable table_;
    size_t position_ = 0;
    bool checkpoints_ = false;
    std::string checkpoint_;
};

std::vector<std::string> with_rule(const std::vector<std::string>& lines, const char* rule) {
    std::vector<std::string> out;
    for (const auto& l : lines)
        if (l.rfind(std::string(rule) + " ", 0) == 0) out.push_back(l);
    return out;
}

// The catalogue and the player, then a bet with its stake debit on selection 500, which
// arrives only at the end (a late-arriving dimension), then `filler` unrelated changes.
std::vector<ChangeEvent> late_selection_log(bool selection_arrives, int filler = 0) {
    std::vector<ChangeEvent> log = {player(7, "UG", "UGX"),
                                    fx("UGX", kDay, "0.0002500000"),
                                    sport(1, "Football"),
                                    competition(2, 1, "UPL"),
                                    event(3, 2, "scheduled"),
                                    market(4, 3),
                                    bet(BetRow{}),
                                    leg(10, 1, 500, "2.5000"),
                                    wallet(20, 7, "stake_debit", -1500, "UGX", 10)};
    for (int i = 0; i < filler; ++i) log.push_back(player(100 + i, "KE", "KES"));
    if (selection_arrives) log.push_back(selection(500, 4, "2.5000"));
    return numbered(std::move(log));
}

TEST(FactStageSplitRuns, ADrainedVerdictThatTheLateRowClearsIsRetracted) {
    const auto log = late_selection_log(true);
    Runs one(log, 1000);
    one.run_to(log.size());
    Runs split(log, 1000);
    split.run_to(9);  // the bet, its leg and debit; the selection not yet
    // The first run drained the bet: its leg's selection is unknown for good, as far as it knows.
    EXPECT_EQ(with_rule(split.table().in_force(), "leg_selection_known").size(), 1u);
    split.run_to(log.size());
    EXPECT_EQ(with_rule(one.table().in_force(), "leg_selection_known"), std::vector<std::string>{});
    EXPECT_EQ(split.table().in_force(), one.table().in_force());
}

TEST(FactStageSplitRuns, ADrainedVerdictThatStillHoldsIsWrittenAgainByTheNextDrain) {
    const auto log = late_selection_log(false, 4);
    Runs one(log, 1000);
    one.run_to(log.size());
    ASSERT_EQ(with_rule(one.table().in_force(), "leg_selection_known").size(), 1u);
    Runs split(log, 1000);
    split.run_to(9);
    split.run_to(11);
    split.run_to(log.size());
    EXPECT_EQ(split.table().in_force(), one.table().in_force());
}

TEST(FactStageSplitRuns, ADrainedVerdictThatTheWatermarkConfirmsIsNoLongerProvisional) {
    // The watermark (3 records) passes within the log after the cut: the verdict the drain gave
    // early is given again by the log itself, for good.
    const auto log = late_selection_log(false, 6);
    Runs one(log, 3);
    one.run_to(log.size());
    const auto want = with_rule(one.table().in_force(), "leg_selection_known");
    ASSERT_EQ(want.size(), 1u);
    EXPECT_EQ(want[0].find("(provisional)"), std::string::npos) << want[0];
    Runs split(log, 3);
    split.run_to(9);
    split.run_to(log.size());
    EXPECT_EQ(split.table().in_force(), one.table().in_force());
}

TEST(FactStageSplitRuns, EveryCutGivesTheLogOfOneRun) {
    for (bool checkpoints : {false, true})
        for (bool arrives : {true, false})
            for (int64_t watermark : {2, 5, 1000}) {
                const auto log = late_selection_log(arrives, 5);
                Runs one(log, watermark);
                one.run_to(log.size());
                for (size_t a = 1; a < log.size(); ++a)
                    for (size_t b = a; b < log.size(); ++b) {
                        Runs split(log, watermark);
                        if (checkpoints) split.use_checkpoints();
                        split.run_to(a);
                        split.run_to(b);
                        split.run_to(log.size());
                        EXPECT_EQ(split.table().in_force(), one.table().in_force())
                            << "cuts " << a << ", " << b << "; watermark " << watermark
                            << (arrives ? "; the selection arrives" : "")
                            << (checkpoints ? "; restarts from checkpoints" : "");
                    }
            }
}

}  // namespace
}  // namespace tote
