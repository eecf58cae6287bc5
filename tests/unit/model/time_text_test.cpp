#include "model/time_text.h"

#include <gtest/gtest.h>

namespace tote::model {
namespace {

TEST(TimeText, ParsesIsoTimestampsToMicros) {
    EXPECT_EQ(TimeText::parse_micros("1970-01-01T00:00:00Z"), 0);
    EXPECT_EQ(TimeText::parse_micros("1970-01-01T00:00:00.000001Z"), 1);
    EXPECT_EQ(TimeText::parse_micros("2026-11-01T12:34:56.123456Z"),
              int64_t{1793536496} * 1'000'000 + 123456);
    EXPECT_EQ(TimeText::parse_micros("2026-11-01T12:34:56.5Z"),
              int64_t{1793536496} * 1'000'000 + 500000);
    EXPECT_EQ(TimeText::parse_micros("2026-11-01 14:34:56+02:00"), int64_t{1793536496} * 1'000'000);
    EXPECT_EQ(TimeText::parse_micros("2026-11-01T12:34:56.123456000Z"),
              int64_t{1793536496} * 1'000'000 + 123456);
    EXPECT_EQ(TimeText::parse_micros("1969-12-31T23:59:59Z"), -1'000'000);
}

TEST(TimeText, RefusesAmbiguousOrInexactTimes) {
    EXPECT_EQ(TimeText::parse_micros("2026-11-01T12:34:56"), std::nullopt);  // no zone
    EXPECT_EQ(TimeText::parse_micros("2026-11-01T12:34:56.1234567Z"), std::nullopt);
    EXPECT_EQ(TimeText::parse_micros("2026-02-30T00:00:00Z"), std::nullopt);
    EXPECT_EQ(TimeText::parse_micros("2026-11-01T24:00:00Z"), std::nullopt);
    EXPECT_EQ(TimeText::parse_micros("2026-11-01T12:34:56.Z"), std::nullopt);
    EXPECT_EQ(TimeText::parse_micros("2026-11-01T12:34:56Zx"), std::nullopt);
}

TEST(TimeText, DaysAndFormatting) {
    EXPECT_EQ(TimeText::parse_day("1970-01-01"), 0);
    EXPECT_EQ(TimeText::parse_day("2026-11-01"), 20758);
    EXPECT_EQ(TimeText::parse_day("2024-02-29"), 19782);
    EXPECT_EQ(TimeText::parse_day("2023-02-29"), std::nullopt);
    EXPECT_EQ(TimeText::parse_day("2026-11-01T00:00:00Z"), std::nullopt);
    EXPECT_EQ(TimeText::format_micros(int64_t{1793536496} * 1'000'000 + 123456),
              "2026-11-01T12:34:56.123456Z");
    EXPECT_EQ(TimeText::format_micros(-1), "1969-12-31T23:59:59.999999Z");
}

}  // namespace
}  // namespace tote::model
