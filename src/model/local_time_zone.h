#pragma once
// The zone of timestamps a source writes without one (MySQL DATETIME, PostgreSQL timestamp
// without time zone as text): a fixed offset ("+03:00", "UTC") or an IANA zone with daylight
// saving ("Africa/Cairo", "Europe/London"), read from the system's tzdata through Abseil's
// time zone library. A mapping's formats.time_zone names it (docs/mapping.md).
//
// In a zone with daylight saving a local time can fall in the gap of a spring-forward change
// (it never happened) or in the hour a fall-back change repeats (it happened twice): the first
// is always a problem of the row; the second is one too unless the mapping chooses
// (formats.ambiguous_time: earlier | later).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace tote::model {

enum class AmbiguousTime { Error, Earlier, Later };

class LocalTimeZone {
public:
    // "UTC", "Z", "+HH:MM"/"-HH:MM", or an IANA name; nullopt with `why` set otherwise.
    static std::optional<LocalTimeZone> named(std::string_view name, std::string* why = nullptr);
    static LocalTimeZone fixed(int32_t offset_s);

    const std::string& name() const { return name_; }
    // The offset when the zone is fixed (no daylight saving); nullopt for IANA zones.
    std::optional<int32_t> fixed_offset_s() const { return fixed_; }

    // A wall-clock time in this zone (µs since 1970-01-01T00:00:00 of the local calendar) ->
    // µs since the epoch, UTC; or the problem (a skipped or repeated local time).
    std::variant<int64_t, std::string> to_utc_us(int64_t local_us, AmbiguousTime ambiguous) const;

    bool operator==(const LocalTimeZone& o) const { return name_ == o.name_; }

private:
    struct Impl;
    std::string name_;
    std::optional<int32_t> fixed_;
    std::shared_ptr<const Impl> impl_;  // the loaded IANA zone (immutable, shared by copies)
};

}  // namespace tote::model
