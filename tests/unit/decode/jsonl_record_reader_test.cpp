#include "source/jsonl_record_reader.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "core/error.h"

namespace tote {
namespace {

TEST(JsonlRecordReader, ParsesALine) {
    LogRecord r;
    EXPECT_EQ(
        JsonlRecordReader::parse_line(
            R"({"topic":"tote.public.bets","partition":1,"offset":42,"timestamp_ms":7,"timestamp_type":"create","key":"{\"id\":1}","value":null,"headers":[]})",
            r),
        "");
    EXPECT_EQ(r.topic, "tote.public.bets");
    EXPECT_EQ(r.partition.value, 1);
    EXPECT_EQ(r.offset.value, 42);
    EXPECT_EQ(r.timestamp_ms, 7);
    EXPECT_EQ(r.key, std::optional<std::string>(R"({"id":1})"));
    EXPECT_FALSE(r.value.has_value());
    EXPECT_EQ(JsonlRecordReader::parse_line(
                  R"({"topic":"t","partition":0,"offset":1,"key":null,"value":"x"})", r),
              "");
    EXPECT_FALSE(r.key.has_value());
    EXPECT_EQ(r.value, std::optional<std::string>("x"));
}

TEST(JsonlRecordReader, RejectsMalformedLines) {
    LogRecord r;
    EXPECT_EQ(JsonlRecordReader::parse_line(R"({"partition":0,"offset":1})", r),
              "topic missing or not a string");
    EXPECT_EQ(JsonlRecordReader::parse_line(R"({"topic":"t","offset":1})", r), "partition missing");
    EXPECT_EQ(JsonlRecordReader::parse_line(R"({"topic":"t","partition":0,"offset":-1})", r),
              "offset is negative");
    EXPECT_EQ(
        JsonlRecordReader::parse_line(R"({"topic":"t","partition":0,"offset":1,"value":{}})", r),
        "value is neither a string nor null");
    EXPECT_EQ(JsonlRecordReader::parse_line("[]", r), "not a JSON object");
    EXPECT_EQ(JsonlRecordReader::parse_line("{", r).rfind("not valid JSON", 0), 0u);
}

TEST(JsonlRecordReader, ReadsAFileLineByLine) {
    std::string path = ::testing::TempDir() + "/jsonl_reader_test.jsonl";
    {
        std::ofstream out(path);
        out << R"({"topic":"t","partition":0,"offset":0,"key":null,"value":"a"})"
            << "\n\n"
            << "garbage\n"
            << R"({"topic":"t","partition":0,"offset":1,"key":"k","value":"b"})"
            << "\r\n";
    }
    JsonlRecordReader reader(path);
    LogRecord r;
    std::string error;
    ASSERT_EQ(reader.next(r, error), JsonlRecordReader::Status::Record);
    EXPECT_EQ(r.value, std::optional<std::string>("a"));
    ASSERT_EQ(reader.next(r, error), JsonlRecordReader::Status::Malformed);
    EXPECT_EQ(error.rfind(path + ":3: not valid JSON", 0), 0u) << error;
    ASSERT_EQ(reader.next(r, error), JsonlRecordReader::Status::Record);
    EXPECT_EQ(r.offset.value, 1);
    EXPECT_EQ(reader.line_number(), 4);
    EXPECT_EQ(reader.next(r, error), JsonlRecordReader::Status::End);
    std::remove(path.c_str());
    EXPECT_THROW(JsonlRecordReader("/nonexistent/file.jsonl"), ToteError);
}

}  // namespace
}  // namespace tote
