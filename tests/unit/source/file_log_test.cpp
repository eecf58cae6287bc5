#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "source/file_log_format.h"
#include "source/file_log_reader.h"
#include "source/file_log_writer.h"

namespace tote {
namespace fs = std::filesystem;

class FileLogTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() /
               ("tote-log-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }
    fs::path dir_;
};

TEST_F(FileLogTest, RoundTripsRecordsWithNullKeysAndValues) {
    {
        FileLogWriter w(dir_);
        EXPECT_EQ(w.append("tote.public.bets", Partition{0}, 10, "k1", "v1").value, 0);
        EXPECT_EQ(w.append("tote.public.bets", Partition{2}, 11, "k2", std::nullopt).value, 1);
        EXPECT_EQ(
            w.append("tote.public.x", Partition{0}, 12, std::nullopt, std::string("a\0b", 3)).value,
            2);
    }
    FileLogReader r(dir_);
    std::vector<LogRecord> out;
    ASSERT_EQ(r.poll(out, 100), 3u);
    EXPECT_EQ(out[0].topic, "tote.public.bets");
    EXPECT_EQ(*out[0].key, "k1");
    EXPECT_EQ(*out[0].value, "v1");
    EXPECT_EQ(out[1].partition.value, 2);
    EXPECT_FALSE(out[1].value.has_value());
    EXPECT_FALSE(out[2].key.has_value());
    EXPECT_EQ(*out[2].value, std::string("a\0b", 3));
    EXPECT_EQ(out[2].offset.value, 2);
    EXPECT_EQ(r.position().next_offset, 3);
    EXPECT_EQ(r.poll(out, 100), 0u);
}

TEST_F(FileLogTest, RecycledRecordsReadTheSameAsFreshOnes) {
    {
        FileLogWriter w(dir_);
        w.append("tote.public.bets", Partition{0}, 10, "k1", std::string(300, 'v'));
        w.append("t", Partition{3}, 11, std::nullopt, std::nullopt);
        w.append("tote.public.x", Partition{1}, 12, "k3", "short");
        w.append("u", Partition{0}, 13, "k4", std::nullopt);
    }
    FileLogReader fresh(dir_);
    std::vector<LogRecord> expected;
    ASSERT_EQ(fresh.poll(expected, 100), 4u);

    // Poll one record at a time and hand each back: every later record is decoded into the
    // storage of an earlier one (a value over a null, a null over a value, a shorter value).
    FileLogReader r(dir_);
    std::vector<LogRecord> batch;
    for (size_t i = 0; i < expected.size(); ++i) {
        ASSERT_EQ(r.poll(batch, 1), 1u);
        batch[0].source_error = "left over";  // never carried into a later record
        const LogRecord& got = batch[0];
        const LogRecord& want = expected[i];
        EXPECT_EQ(got.topic, want.topic);
        EXPECT_EQ(got.partition, want.partition);
        EXPECT_EQ(got.offset, want.offset);
        EXPECT_EQ(got.timestamp_ms, want.timestamp_ms);
        EXPECT_EQ(got.key, want.key);
        EXPECT_EQ(got.value, want.value);
        r.recycle(batch);
        EXPECT_TRUE(batch.empty());
    }
    ASSERT_EQ(r.poll(batch, 1), 0u);
    r.seek(LogPosition{});
    ASSERT_EQ(r.poll(batch, 100), 4u);
    for (const auto& rec : batch) EXPECT_EQ(rec.source_error, "");
}

TEST_F(FileLogTest, ResumesAtAPositionAndSeesAppendsLater) {
    LogPosition mid;
    {
        FileLogWriter w(dir_);
        for (int i = 0; i < 10; ++i) w.append("t", Partition{0}, i, std::to_string(i), "v");
    }
    {
        FileLogReader r(dir_);
        std::vector<LogRecord> out;
        ASSERT_EQ(r.poll(out, 4), 4u);
        mid = r.position();
    }
    FileLogReader r(dir_);
    r.seek(mid);
    std::vector<LogRecord> out;
    ASSERT_EQ(r.poll(out, 100), 6u);
    EXPECT_EQ(out.front().offset.value, 4);
    {
        FileLogWriter w(dir_);
        EXPECT_EQ(w.next_offset().value, 10);
        w.append("t", Partition{0}, 99, "10", "v");
    }
    out.clear();
    ASSERT_EQ(r.poll(out, 100), 1u);
    EXPECT_EQ(out[0].offset.value, 10);
}

TEST_F(FileLogTest, TornTailIsInvisibleToReadersAndCutByTheNextWriter) {
    {
        FileLogWriter w(dir_);
        w.append("t", Partition{0}, 1, "a", "first");
        w.append("t", Partition{0}, 2, "b", "second");
    }
    auto path = dir_ / "records.log";
    auto full = fs::file_size(path);
    fs::resize_file(path, full - 3);  // a writer killed mid-record
    {
        FileLogReader r(dir_);
        std::vector<LogRecord> out;
        EXPECT_EQ(r.poll(out, 10), 1u);
        EXPECT_EQ(r.poll(out, 10), 0u);
    }
    FileLogWriter w(dir_);
    EXPECT_EQ(w.next_offset().value, 1);
    w.append("t", Partition{0}, 3, "c", "third");
    w.flush();
    FileLogReader r(dir_);
    std::vector<LogRecord> out;
    ASSERT_EQ(r.poll(out, 10), 2u);
    EXPECT_EQ(*out[1].value, "third");
}

TEST_F(FileLogTest, SeekToAMismatchedPositionIsFatal) {
    {
        FileLogWriter w(dir_);
        w.append("t", Partition{0}, 1, "a", "first");
        w.append("t", Partition{0}, 2, "b", "second");
    }
    FileLogReader r(dir_);
    try {
        r.seek(LogPosition{5, 0});
        FAIL() << "expected a fatal error";
    } catch (const ToteError& e) {
        EXPECT_FALSE(e.retriable());
        EXPECT_NE(std::string(e.what()).find("offset 5"), std::string::npos);
    }
}

TEST_F(FileLogTest, SecondWriterIsRefused) {
    FileLogWriter w(dir_);
    EXPECT_THROW(FileLogWriter second(dir_), ToteError);
}

}  // namespace tote

namespace tote {
TEST(Crc32c, KnownCheckValue) {
    EXPECT_EQ(crc32c("123456789"), 0xE3069283u);
    EXPECT_EQ(crc32c(""), 0u);
    // Lengths around the 8-byte stride of the hardware path agree with a bytewise fold.
    std::string s = "The quick brown fox jumps over the lazy dog";
    EXPECT_EQ(crc32c(s), 0x22620404u);
}
}  // namespace tote
