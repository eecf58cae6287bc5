// IngestPipeline over an in-memory source, a trivial decoder and a recording connection.
#include "pipeline/ingest_pipeline.h"

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <mutex>

#include "../sink/fake_connection.h"
#include "core/error.h"
#include "model/mapping_file.h"
#include "pipeline/fact_stage.h"

namespace tote {
namespace {

// Records 0..n-1 of one topic, read from memory.
class VectorSource : public RecordSource {
public:
    explicit VectorSource(int64_t n, size_t value_bytes = 1) : n_(n), value_(value_bytes, 'v') {}
    void seek(const LogPosition& pos) override { next_ = pos.next_offset; }
    size_t poll(std::vector<LogRecord>& out, size_t max_records) override {
        size_t got = 0;
        for (; got < max_records && next_ < n_; ++got, ++next_)
            out.push_back(LogRecord{"tote.public.players",
                                    Partition{0},
                                    Offset{next_},
                                    5,
                                    std::string("k"),
                                    value_,
                                    {}});
        return got;
    }
    LogPosition position() const override { return LogPosition{next_, next_ * 10}; }
    std::string describe() const override { return "memory"; }
    void sync() override {
        synced_through.push_back(next_);
        if (on_sync) on_sync();
    }
    std::vector<int64_t> synced_through;  // the position at each sync()
    std::function<void()> on_sync;

private:
    int64_t n_;
    std::string value_;
    int64_t next_ = 0;
};

// Every record is an insert of player <offset>.
class PlayerDecoder : public Decoder {
public:
    DecodeResult decode(const LogRecord& r) override {
        ChangeEvent e;
        e.table = "players";
        e.op = Op::Create;
        e.key = "{\"id\":" + std::to_string(r.offset.value) + "}";
        e.version = 100 + static_cast<uint64_t>(r.offset.value);
        RowImage img;
        img.fields = {Field{"id", ColumnType{ColumnKind::Int64, 0}, r.offset.value}};
        e.after = img;
        return e;
    }
};

// The first `failures` inserts fail as a dropped connection does; then all succeed.
class FlakyConnection : public FakeConnection {
public:
    int failures = 0;
    void insert_row_binary(std::string_view t, std::string_view c, std::string_view r) override {
        if (failures > 0) {
            --failures;
            throw ToteError(ErrorClass::Retriable,
                            "ClickHouse at fake unreachable: Connection refused");
        }
        FakeConnection::insert_row_binary(t, c, r);
    }
};

// issue 12, case 9: a transient error is retried in-process with a growing backoff, reported in
// the progress; the run reaches the end of the log and commits it.
TEST(IngestPipeline, RetriesTransientErrorsWithBackoff) {
    FlakyConnection conn;
    std::vector<std::chrono::milliseconds> waits;
    WarehouseWriterConfig wc;
    wc.retry.wait = [&](std::chrono::milliseconds d, const std::atomic<bool>*) {
        waits.push_back(d);
        return true;
    };
    WarehouseWriter writer(conn, wc);
    conn.failures = 3;
    VectorSource source(3);
    PlayerDecoder decoder;
    IngestPipeline pipeline(source, decoder, writer, IngestConfig{});
    std::atomic<bool> stop{false};
    IngestProgress p = pipeline.run(stop);
    EXPECT_EQ(p.records, 3u);
    EXPECT_EQ(p.durable_offset, 3);
    EXPECT_EQ(p.retries, 3u);
    EXPECT_EQ(p.last_retry_error, "ClickHouse at fake unreachable: Connection refused");
    EXPECT_EQ(waits, (std::vector<std::chrono::milliseconds>{std::chrono::milliseconds(100),
                                                             std::chrono::milliseconds(200),
                                                             std::chrono::milliseconds(400)}));
    ASSERT_EQ(conn.inserts.size(), 2u);  // the landing rows, then the position
    EXPECT_EQ(conn.inserts[0].table, "`tote`.`land_players`");
    EXPECT_EQ(conn.inserts[1].table, "`tote`.`_offsets`");
}

// issue 13: a batch is bounded by bytes as well as by records. Records of 1,000 + 1 bytes with
// a 2,500-byte budget commit every 3 records (the 3rd crosses it), whatever batch_records says.
TEST(IngestPipeline, BatchesAreBoundedByBytes) {
    FakeConnection conn;
    WarehouseWriter writer(conn, WarehouseWriterConfig{});
    VectorSource source(10, 1000);
    PlayerDecoder decoder;
    IngestConfig config;
    config.batch_records = 1000000;
    config.batch_bytes = 2500;
    config.commit_interval = std::chrono::hours(1);  // only size or the end commits
    IngestPipeline pipeline(source, decoder, writer, config);
    std::atomic<bool> stop{false};
    std::vector<int64_t> commits;
    IngestProgress p =
        pipeline.run(stop, [&](const IngestProgress& q) { commits.push_back(q.next_offset); });
    EXPECT_EQ(p.records, 10u);
    EXPECT_EQ(p.durable_offset, 10);
    EXPECT_EQ(commits, (std::vector<int64_t>{3, 6, 9, 10}));
}

// Past the limit the error ends the run, saying how many attempts were made.
TEST(IngestPipeline, GivesUpAfterTheAttemptLimit) {
    FlakyConnection conn;
    WarehouseWriterConfig wc;
    wc.retry.max_attempts = 3;
    wc.retry.wait = [](std::chrono::milliseconds, const std::atomic<bool>*) { return true; };
    WarehouseWriter writer(conn, wc);
    conn.failures = 100;
    VectorSource source(2);
    PlayerDecoder decoder;
    IngestPipeline pipeline(source, decoder, writer, IngestConfig{});
    std::atomic<bool> stop{false};
    try {
        pipeline.run(stop);
        FAIL() << "expected an error";
    } catch (const ToteError& e) {
        EXPECT_TRUE(e.retriable());
        EXPECT_NE(std::string(e.what()).find("gave up after 3 attempts"), std::string::npos)
            << e.what();
    }
    EXPECT_EQ(conn.failures, 97);
    EXPECT_TRUE(conn.inserts.empty());
}

// Ctrl-C during a backoff ends the wait at once.
TEST(IngestPipeline, StopFlagInterruptsTheBackoff) {
    FlakyConnection conn;
    std::atomic<bool> stop{false};
    int waits = 0;
    WarehouseWriterConfig wc;
    wc.retry.wait = [&](std::chrono::milliseconds, const std::atomic<bool>* flag) {
        ++waits;
        EXPECT_EQ(flag, &stop);
        stop = true;  // the user pressed Ctrl-C while the writer waits
        return !flag->load();
    };
    WarehouseWriter writer(conn, wc);
    conn.failures = 100;
    VectorSource source(2);
    PlayerDecoder decoder;
    IngestPipeline pipeline(source, decoder, writer, IngestConfig{});
    try {
        pipeline.run(stop);
        FAIL() << "expected an error";
    } catch (const ToteError& e) {
        EXPECT_NE(std::string(e.what()).find("stopped while waiting to retry"), std::string::npos)
            << e.what();
    }
    EXPECT_EQ(waits, 1);
}

// Counts the resume positions written (thread-safe: the committer runs on its own thread).
class PositionCounter : public FakeConnection {
public:
    std::atomic<int> positions{0};
    std::mutex mu;
    void insert_row_binary(std::string_view t, std::string_view c, std::string_view r) override {
        std::lock_guard lock(mu);
        FakeConnection::insert_row_binary(t, c, r);
        if (t == "`tote`.`_offsets`") ++positions;
    }
};

// issue 12, case 8: the records a commit covers are synced in the source before its position is
// written: each sync happens while that commit's position is not yet in the warehouse.
TEST(IngestPipeline, SyncsTheSourceBeforeEachPosition) {
    PositionCounter conn;
    WarehouseWriter writer(conn, WarehouseWriterConfig{});
    VectorSource source(5);
    std::vector<int> positions_at_sync;
    source.on_sync = [&] { positions_at_sync.push_back(conn.positions.load()); };
    PlayerDecoder decoder;
    IngestConfig ic;
    ic.batch_records = 2;
    IngestPipeline pipeline(source, decoder, writer, ic);
    std::atomic<bool> stop{false};
    IngestProgress p = pipeline.run(stop);
    EXPECT_EQ(source.synced_through, (std::vector<int64_t>{2, 4, 5}));
    EXPECT_EQ(p.commits, 3u);
    ASSERT_EQ(positions_at_sync.size(), 3u);
    for (size_t i = 0; i < positions_at_sync.size(); ++i)
        EXPECT_LE(positions_at_sync[i], static_cast<int>(i)) << i;
    EXPECT_EQ(conn.positions.load(), 3);

    ic.sync_source = false;  // the documented trade-off: no sync
    VectorSource unsynced(5);
    WarehouseWriterConfig other;
    other.consumer = "other";
    WarehouseWriter writer2(conn, other);
    IngestPipeline(unsynced, decoder, writer2, ic).run(stop);
    EXPECT_TRUE(unsynced.synced_through.empty());
}

// issue 14, item 9: a record above max_record_bytes is dead-lettered with its raw bytes and a
// reason, never decoded; ingest goes on to the end.
TEST(IngestPipeline, OversizedRecordsAreDeadLettered) {
    FakeConnection conn;
    WarehouseWriter writer(conn, WarehouseWriterConfig{});
    VectorSource source(4, 1000);  // key "k" + 1,000 value bytes = 1,001 bytes each
    PlayerDecoder decoder;
    IngestConfig config;
    config.max_record_bytes = 1000;
    IngestPipeline pipeline(source, decoder, writer, config);
    std::atomic<bool> stop{false};
    IngestProgress p = pipeline.run(stop);
    EXPECT_EQ(p.records, 4u);
    EXPECT_EQ(p.dead_letters, 4u);
    EXPECT_EQ(p.changes, 0u);
    EXPECT_EQ(p.durable_offset, 4);
    bool reason_seen = false;
    for (const auto& ins : conn.inserts)
        if (ins.table.find("_dead_letters") != std::string::npos)
            reason_seen = reason_seen || ins.rows.find(
                                             "record of 1001 bytes (key and value) is above "
                                             "--max-record-bytes 1000") != std::string::npos;
    EXPECT_TRUE(reason_seen);

    config.max_record_bytes = 1001;  // at the limit: decoded and landed
    FakeConnection conn2;
    WarehouseWriter writer2(conn2, WarehouseWriterConfig{});
    VectorSource again(4, 1000);
    IngestProgress q = IngestPipeline(again, decoder, writer2, config).run(stop);
    EXPECT_EQ(q.dead_letters, 0u);
    EXPECT_EQ(q.changes, 4u);
}

// Records in transactions of five: BEGIN, three changes (player 10t twice, player 10t+1), END
// with the commit LSN.
class TransactionDecoder : public Decoder {
public:
    DecodeResult decode(const LogRecord& r) override {
        const int64_t o = r.offset.value;
        const uint64_t tx = static_cast<uint64_t>(o / 5) + 1;
        const int64_t k = o % 5;
        if (k == 0) return TxMarker{true, tx, 0, 0, tx * 1000};
        if (k == 4) return TxMarker{false, tx, 3, 0, tx * 1000 + 64};
        ChangeEvent e;
        e.table = "players";
        e.op = k == 1 ? Op::Create : Op::Update;
        const int64_t id = static_cast<int64_t>(tx) * 10 + (k == 3 ? 1 : 0);
        e.key = "{\"id\":" + std::to_string(id) + "}";
        e.source = SourcePosition{.lsn = tx * 1000 + 8 * static_cast<uint64_t>(k),
                                  .tx_id = tx,
                                  .total_order = static_cast<uint64_t>(k)};
        e.version = pack_version(e.source);
        RowImage img;
        img.fields = {Field{"id", ColumnType{ColumnKind::Int64, 0}, id}};
        e.after = img;
        return e;
    }
};

// issue 12, point 3: a transaction lands once its END gives the commit position, so a commit
// (the warehouse's resume position) is only ever taken between transactions: a batch due inside
// one reads on to its END. A finite input that ends inside a transaction lands what it read.
TEST(IngestPipeline, CommitsOnlyBetweenTransactions) {
    FakeConnection conn;
    WarehouseWriter writer(conn, WarehouseWriterConfig{});
    VectorSource source(23);  // ends after BEGIN and two changes of the fifth transaction
    TransactionDecoder decoder;
    IngestConfig config;
    config.batch_records = 2;
    config.commit_interval = std::chrono::hours(1);
    IngestPipeline pipeline(source, decoder, writer, config);
    std::atomic<bool> stop{false};
    std::vector<int64_t> commits;
    IngestProgress p =
        pipeline.run(stop, [&](const IngestProgress& q) { commits.push_back(q.next_offset); });
    EXPECT_EQ(commits, (std::vector<int64_t>{5, 10, 15, 20, 23}));
    EXPECT_EQ(p.records, 23u);
    EXPECT_EQ(p.changes, 4u * 3u + 2u);  // every change landed, the unfinished two included
    EXPECT_EQ(p.durable_offset, 23);
}

// Records 0..n-1 as a following Kafka partition hands them out: `empty_polls` polls after the
// first seek return nothing (no message within the poll wait) although the source says it holds
// records up to n (its end offset).
class StutteringSource : public VectorSource {
public:
    StutteringSource(int64_t n, int empty_polls) : VectorSource(n), n_(n), empty_(empty_polls) {}
    size_t poll(std::vector<LogRecord>& out, size_t max_records) override {
        if (empty_ > 0 && position().next_offset < n_) {
            --empty_;
            return 0;
        }
        return VectorSource::poll(out, max_records);
    }
    std::optional<int64_t> end_offset() override { return n_; }

private:
    int64_t n_;
    int empty_;
};

// The warehouse's committed position is offset `at` (the replay rebuilds the fact state up to
// it).
void answer_resume_at(FakeConnection& conn, int64_t at) {
    conn.answer = [at](const std::string& sql) -> std::optional<std::string> {
        if (sql.find("_offsets") != std::string::npos &&
            sql.find("next_offset, byte_position") != std::string::npos)
            return std::to_string(at) + "\t" + std::to_string(at * 10) + "\n";
        return std::nullopt;
    };
}

// issue 14, item 3: a partition taken over in a consumer group rebuilds the fact state from
// Kafka with --follow's poll wait; a poll that got nothing within it (a slow fetch) while the
// partition holds the records is a wait, not a gap: the replay goes on and the run lands the rest.
TEST(IngestPipeline, ReplayWaitsWhenAFollowingSourceHasNothingYet) {
    FakeConnection conn;
    answer_resume_at(conn, 5);
    WarehouseWriter writer(conn, WarehouseWriterConfig{});
    StutteringSource source(8, 3);
    PlayerDecoder decoder;
    FactStage facts(model::MappingFile::builtin_simulator().mapping(), FactStageConfig{}, conn,
                    "tote");
    IngestPipeline pipeline(source, decoder, writer, IngestConfig{}, &facts);
    std::atomic<bool> stop{false};
    IngestProgress p = pipeline.run(stop);
    EXPECT_EQ(p.replayed_records, 5u);
    EXPECT_EQ(p.records, 3u);
    EXPECT_EQ(p.durable_offset, 8);
}

// A source at its end below the committed position is still a gap: Fatal, naming the records.
TEST(IngestPipeline, ReplayFailsWhenTheSourceEndsBeforeTheCommittedPosition) {
    FakeConnection conn;
    answer_resume_at(conn, 5);
    WarehouseWriter writer(conn, WarehouseWriterConfig{});
    StutteringSource source(3, 0);
    PlayerDecoder decoder;
    FactStage facts(model::MappingFile::builtin_simulator().mapping(), FactStageConfig{}, conn,
                    "tote");
    IngestPipeline pipeline(source, decoder, writer, IngestConfig{}, &facts);
    std::atomic<bool> stop{false};
    try {
        pipeline.run(stop);
        FAIL() << "expected a Fatal ToteError";
    } catch (const ToteError& e) {
        EXPECT_EQ(e.error_class(), ErrorClass::Fatal);
        EXPECT_NE(std::string(e.what()).find("log records 0..4 are needed"), std::string::npos)
            << e.what();
        EXPECT_NE(std::string(e.what()).find("the record at offset 3 cannot be read from memory"),
                  std::string::npos)
            << e.what();
    }
}

}  // namespace
}  // namespace tote
