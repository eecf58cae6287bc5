// FactWorker: the fact stage on its own thread commits in exactly-once order (landing rows, the
// stage's rows, the resume position last), builds the same rows as the stage run inline, and
// hands a failure of the warehouse back to the ingest thread.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/error.h"
#include "decode/debezium_json_decoder.h"
#include "model/betting_mapping.h"
#include "pipeline/fact_stage.h"
#include "pipeline/fact_worker.h"
#include "source/jsonl_record_reader.h"

namespace tote {
namespace {

// The stage never queries or inserts through it (the worker runs the inserts).
class NoConnection : public ClickHouseConnection {
public:
    std::string query(std::string_view, std::string_view) override {
        throw ToteError(ErrorClass::Fatal, "no connection in this test");
    }
    void insert_row_binary(std::string_view, std::string_view, std::string_view) override {
        throw ToteError(ErrorClass::Fatal, "no connection in this test");
    }
    std::string server_version() override { return "test"; }
    std::string describe() const override { return "test"; }
};

std::vector<LogRecord> golden_records() {
    const auto path = std::filesystem::path(TOTE_SOURCE_DIR) / "tests/golden/facts" /
                      "a_single_bet_won_and_paid.jsonl";
    JsonlRecordReader reader(path.string());
    std::vector<LogRecord> out;
    LogRecord rec;
    std::string error;
    while (reader.next(rec, error) == JsonlRecordReader::Status::Record) out.push_back(rec);
    return out;
}

EncodedInsert marker(const std::string& table) {
    return EncodedInsert{table, "x UInt8", std::string(1, '\0')};
}

std::vector<std::string> tables(const std::vector<EncodedInsert>& inserts) {
    std::vector<std::string> out;
    for (const auto& i : inserts) out.push_back(i.table);
    return out;
}

TEST(FactWorker, CommitsLandingThenFactsThenThePositionWithTheInlineRows) {
    const auto records = golden_records();
    ASSERT_GT(records.size(), 5u);
    NoConnection conn;
    DebeziumJsonDecoder decoder;

    // Inline: the stage on this thread.
    FactStage inline_stage(model::BettingMapping::simulator_default(), FactStageConfig{}, conn,
                           "tote");
    for (size_t i = 0; i < records.size(); ++i)
        inline_stage.add(decoder.decode(records[i]), Offset{static_cast<int64_t>(i)});
    std::vector<EncodedInsert> inline_rows;
    inline_stage.drain(inline_rows);
    ASSERT_FALSE(inline_rows.empty());

    // Worker: two commits, the second one drains.
    FactStage stage(model::BettingMapping::simulator_default(), FactStageConfig{}, conn, "tote");
    std::vector<std::vector<EncodedInsert>> runs;
    {
        FactWorker worker(stage, [&](const std::vector<EncodedInsert>& v) { runs.push_back(v); });
        const size_t half = records.size() / 2;
        for (size_t i = 0; i < records.size(); ++i) {
            DecodeResult r = decoder.decode(records[i]);
            worker.add(r, Offset{static_cast<int64_t>(i)});
            if (i + 1 == half)
                worker.commit({marker("tote.land_a"), marker("tote._offsets")},
                              static_cast<int64_t>(half), false);
        }
        worker.commit({marker("tote.land_b"), marker("tote._offsets")},
                      static_cast<int64_t>(records.size()), true);
        worker.wait();
        EXPECT_EQ(worker.status().durable_offset, static_cast<int64_t>(records.size()));
        EXPECT_EQ(worker.status().commits, 2u);
    }
    ASSERT_EQ(runs.size(), 2u);
    std::vector<EncodedInsert> worker_rows;
    for (const auto& run : runs) {
        ASSERT_GE(run.size(), 2u);
        EXPECT_EQ(run.front().table.rfind("tote.land_", 0), 0u) << "landing rows first";
        EXPECT_EQ(run.back().table, "tote._offsets") << "the position last";
        for (size_t i = 1; i + 1 < run.size(); ++i) worker_rows.push_back(run[i]);
    }
    // The same facts, split over the two commits as the inline stage would have split them:
    // compare per table the concatenated rows.
    auto by_table = [](const std::vector<EncodedInsert>& v) {
        std::map<std::string, std::string> m;
        for (const auto& i : v) m[i.table] += i.rows;
        return m;
    };
    EXPECT_EQ(by_table(worker_rows), by_table(inline_rows));
    EXPECT_GT(tables(runs[1]).size(), 2u) << "the drain commit carries facts";
}

TEST(FactWorker, AWarehouseFailureIsRethrownOnTheIngestThread) {
    NoConnection conn;
    FactStage stage(model::BettingMapping::simulator_default(), FactStageConfig{}, conn, "tote");
    FactWorker worker(stage, [](const std::vector<EncodedInsert>&) {
        throw ToteError(ErrorClass::Retriable, "warehouse unreachable");
    });
    worker.commit({marker("tote._offsets")}, 1, false);
    try {
        worker.wait();
        FAIL() << "wait() should rethrow the worker's error";
    } catch (const ToteError& e) {
        EXPECT_EQ(e.error_class(), ErrorClass::Retriable);
        EXPECT_NE(std::string(e.what()).find("warehouse unreachable"), std::string::npos);
    }
    EXPECT_THROW(worker.commit({marker("tote._offsets")}, 2, false), ToteError);
}

}  // namespace
}  // namespace tote
