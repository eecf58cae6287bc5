#include "pipeline/ingest_metrics.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

namespace tote {

namespace {

// The value of one exact series line ("name{labels}"), or -1.
double sample(const std::string& text, const std::string& series) {
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
    return -1;
}

}  // namespace

TEST(IngestMetrics, ExposesProgressInPrometheusTextFormat) {
    IngestProgress p;
    p.phase = IngestPhase::CatchingUp;
    p.records = 1000;
    p.changes = 700;
    p.dead_letters = 3;
    p.next_offset = 900;
    p.durable_offset = 800;
    p.log_end_offset = 1500;
    p.last_commit_ts_ms = 1'764'000'000'500;
    p.freshness_seconds.observe(0.2);
    p.freshness_seconds.observe(3);
    const std::string text = ingest_metrics_text(p, {"kafka:tote.all:0", "kafka", 4096});
    const std::string c = "{consumer=\"kafka:tote.all:0\"}";
    EXPECT_EQ(sample(text, "tote_ingest_records_total" + c), 1000);
    EXPECT_EQ(sample(text, "tote_ingest_changes_total" + c), 700);
    EXPECT_EQ(sample(text, "tote_ingest_dead_letters_total" + c), 3);
    EXPECT_EQ(sample(text, "tote_consumer_durable_position" + c), 800);
    EXPECT_EQ(sample(text, "tote_consumer_lag_records" + c), 700);  // 1500 - 800
    EXPECT_EQ(sample(text, "tote_last_source_commit_timestamp_seconds" + c), 1764000000.5);
    EXPECT_EQ(
        sample(text, "tote_ingest_phase{consumer=\"kafka:tote.all:0\",phase=\"catching up\"}"), 1);
    EXPECT_EQ(sample(text, "tote_process_resident_memory_bytes" + c), 4096);
    // A histogram: cumulative buckets, +Inf = count, and the sum.
    const std::string h = "tote_freshness_seconds_bucket{consumer=\"kafka:tote.all:0\",le=";
    EXPECT_EQ(sample(text, h + "\"0.10000000000000001\"}"), 0);
    EXPECT_EQ(sample(text, h + "\"0.25\"}"), 1);
    EXPECT_EQ(sample(text, h + "\"5\"}"), 2);
    EXPECT_EQ(sample(text, h + "\"+Inf\"}"), 2);
    EXPECT_EQ(sample(text, "tote_freshness_seconds_sum" + c), 3.2);
    EXPECT_EQ(sample(text, "tote_freshness_seconds_count" + c), 2);
    EXPECT_NE(text.find("# TYPE tote_freshness_seconds histogram\n"), std::string::npos);
    EXPECT_NE(text.find("# TYPE tote_ingest_changes_total counter\n"), std::string::npos);
    // Every family is announced once.
    size_t at = 0, types = 0;
    while ((at = text.find("# TYPE tote_ingest_changes_total ", at)) != std::string::npos)
        ++types, ++at;
    EXPECT_EQ(types, 1u);
}

TEST(IngestMetrics, SeveralConsumersShareEachFamilyHeader) {
    IngestProgress a, b;
    a.durable_offset = 10;
    a.log_end_offset = 25;
    b.durable_offset = 7;
    b.log_end_offset = 7;
    const std::string text = ingest_metrics_text(
        {{a, {"kafka:tote.ng:0", "kafka", 0}}, {b, {"kafka:tote.ke:0", "kafka", 0}}});
    EXPECT_EQ(sample(text, "tote_consumer_lag_records{consumer=\"kafka:tote.ng:0\"}"), 15);
    EXPECT_EQ(sample(text, "tote_consumer_lag_records{consumer=\"kafka:tote.ke:0\"}"), 0);
    // One HELP and TYPE per family, its series together under it.
    size_t at = 0, types = 0;
    while ((at = text.find("# TYPE tote_consumer_lag_records ", at)) != std::string::npos)
        ++types, ++at;
    EXPECT_EQ(types, 1u);
    const size_t head = text.find("# TYPE tote_consumer_lag_records gauge\n");
    ASSERT_NE(head, std::string::npos);
    const std::string after = text.substr(head);
    EXPECT_EQ(after.find("tote_consumer_lag_records{consumer=\"kafka:tote.ng:0\"}"),
              after.find('\n') + 1);
    EXPECT_NE(after.find("\ntote_consumer_lag_records{consumer=\"kafka:tote.ke:0\"} 0\n"),
              std::string::npos);
    EXPECT_EQ(ingest_metrics_text({}), "");
}

TEST(IngestMetrics, EscapesLabelValues) {
    const std::string text = ingest_metrics_text(IngestProgress{}, {"a\"b\\c", "file log", 0});
    EXPECT_NE(text.find("consumer=\"a\\\"b\\\\c\""), std::string::npos);
}

}  // namespace tote
