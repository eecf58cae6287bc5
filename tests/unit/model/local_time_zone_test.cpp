// Zone-less local times in fixed offsets and in IANA zones with daylight saving: unique times
// convert, a skipped time is a problem, a repeated one is a problem unless the mapping chooses.
#include "model/local_time_zone.h"

#include <gtest/gtest.h>

#include "model/time_text.h"

namespace tote::model {
namespace {

int64_t wall(const char* text) {
    return *TimeText::parse_micros(text, 0);
}
int64_t utc(const char* text) {
    return *TimeText::parse_micros(text);
}

std::variant<int64_t, std::string> convert(const char* zone, const char* local,
                                           AmbiguousTime a = AmbiguousTime::Error) {
    auto z = LocalTimeZone::named(zone);
    EXPECT_TRUE(z) << zone;
    return z->to_utc_us(wall(local), a);
}

TEST(LocalTimeZone, FixedOffsetsAndZonesWithoutDaylightSaving) {
    EXPECT_EQ(convert("+03:00", "2026-07-01 12:00:00.250000"),
              (std::variant<int64_t, std::string>(utc("2026-07-01T09:00:00.25Z"))));
    EXPECT_EQ(convert("UTC", "2026-07-01 12:00:00"),
              (std::variant<int64_t, std::string>(utc("2026-07-01T12:00:00Z"))));
    EXPECT_EQ(convert("Africa/Lagos", "2026-01-15 00:30:00"),
              (std::variant<int64_t, std::string>(utc("2026-01-14T23:30:00Z"))));
    EXPECT_EQ(convert("Africa/Nairobi", "2026-07-01 12:00:00"),
              (std::variant<int64_t, std::string>(utc("2026-07-01T09:00:00Z"))));
    EXPECT_EQ(LocalTimeZone::named("-05:30")->fixed_offset_s(), -(5 * 3600 + 1800));
    EXPECT_EQ(LocalTimeZone::named("+03:00")->name(), "+03:00");
}

TEST(LocalTimeZone, DaylightSavingSummerAndWinter) {
    // Europe/London: GMT in winter, BST (+01:00) in summer.
    EXPECT_EQ(convert("Europe/London", "2026-01-10 12:00:00"),
              (std::variant<int64_t, std::string>(utc("2026-01-10T12:00:00Z"))));
    EXPECT_EQ(convert("Europe/London", "2026-07-10 12:00:00"),
              (std::variant<int64_t, std::string>(utc("2026-07-10T11:00:00Z"))));
}

TEST(LocalTimeZone, ASkippedLocalTimeIsAProblem) {
    // 2026-03-29 01:00 GMT clocks go forward to 02:00 BST: 01:30 never happened.
    for (auto a : {AmbiguousTime::Error, AmbiguousTime::Earlier, AmbiguousTime::Later}) {
        auto r = convert("Europe/London", "2026-03-29 01:30:00", a);
        ASSERT_TRUE(std::holds_alternative<std::string>(r));
        EXPECT_EQ(std::get<std::string>(r),
                  "local time 2026-03-29T01:30:00.000000 does not exist in Europe/London (skipped "
                  "by the daylight-saving change at 2026-03-29T01:00:00.000000Z)");
    }
}

TEST(LocalTimeZone, ARepeatedLocalTimeIsAProblemUnlessTheMappingChooses) {
    // 2026-10-25 02:00 BST clocks go back to 01:00 GMT: 01:30 happened twice.
    auto r = convert("Europe/London", "2026-10-25 01:30:00");
    ASSERT_TRUE(std::holds_alternative<std::string>(r));
    EXPECT_EQ(std::get<std::string>(r),
              "local time 2026-10-25T01:30:00.000000 occurs twice in Europe/London (the "
              "daylight-saving change at 2026-10-25T01:00:00.000000Z repeats it): set "
              "formats.ambiguous_time to earlier or later in the mapping");
    EXPECT_EQ(convert("Europe/London", "2026-10-25 01:30:00", AmbiguousTime::Earlier),
              (std::variant<int64_t, std::string>(utc("2026-10-25T00:30:00Z"))));
    EXPECT_EQ(convert("Europe/London", "2026-10-25 01:30:00", AmbiguousTime::Later),
              (std::variant<int64_t, std::string>(utc("2026-10-25T01:30:00Z"))));
}

TEST(LocalTimeZone, UnknownNamesAreRefusedWithAReason) {
    std::string why;
    EXPECT_FALSE(LocalTimeZone::named("Mars/Olympus", &why));
    EXPECT_EQ(why,
              "unknown time zone 'Mars/Olympus': not in the system's time zone database "
              "(tzdata, /usr/share/zoneinfo)");
    EXPECT_FALSE(LocalTimeZone::named("EAT", &why));
    EXPECT_EQ(why,
              "'EAT' is not UTC, a fixed offset like +03:00 or an IANA zone like Africa/Lagos");
    EXPECT_FALSE(LocalTimeZone::named("+24:00", &why));
}

}  // namespace
}  // namespace tote::model
