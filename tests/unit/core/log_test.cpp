#include "core/log.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace tote {

TEST(Log, JsonLinesCarryLevelComponentMessageAndFields) {
    // 2026-11-29T13:20:00.123Z
    const long long ms = 1'795'958'400'123LL;
    EXPECT_EQ(Log::json_line(LogLevel::Warn, "ingest", "retrying: \"busy\"\n",
                             {{"consumer", "kafka:t:0"}, {"retries", "3"}}, ms),
              "{\"ts\":\"2026-11-29T13:20:00.123Z\",\"level\":\"warn\",\"component\":\"ingest\","
              "\"msg\":\"retrying: \\\"busy\\\"\\n\",\"consumer\":\"kafka:t:0\",\"retries\":\"3\"}"
              "\n");
}

TEST(Log, LevelsFilter) {
    Log::configure("warn", "text");
    EXPECT_TRUE(Log::enabled(LogLevel::Error));
    EXPECT_TRUE(Log::enabled(LogLevel::Warn));
    EXPECT_FALSE(Log::enabled(LogLevel::Info));
    Log::configure("debug", "json");
    EXPECT_TRUE(Log::enabled(LogLevel::Debug));
    EXPECT_THROW(Log::configure("verbose", "text"), std::invalid_argument);
    EXPECT_THROW(Log::configure("info", "xml"), std::invalid_argument);
    Log::configure(LogLevel::Info, LogFormat::Text);
}

}  // namespace tote
