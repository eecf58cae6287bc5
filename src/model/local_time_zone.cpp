#include "model/local_time_zone.h"

#include <absl/time/civil_time.h>
#include <absl/time/time.h>

#include <cctype>

#include "model/time_text.h"

namespace tote::model {

struct LocalTimeZone::Impl {
    absl::TimeZone zone;
};

LocalTimeZone LocalTimeZone::fixed(int32_t offset_s) {
    LocalTimeZone z;
    const int32_t a = offset_s < 0 ? -offset_s : offset_s;
    char buf[16];
    std::snprintf(buf, sizeof buf, "%c%02d:%02d", offset_s < 0 ? '-' : '+', a / 3600,
                  a % 3600 / 60);
    z.name_ = offset_s == 0 ? "UTC" : buf;
    z.fixed_ = offset_s;
    return z;
}

std::optional<LocalTimeZone> LocalTimeZone::named(std::string_view z, std::string* why) {
    auto digit = [&z](size_t i) { return std::isdigit(static_cast<unsigned char>(z[i])) != 0; };
    if (z == "UTC" || z == "Z") return fixed(0);
    if (z.size() == 6 && (z[0] == '+' || z[0] == '-') && z[3] == ':' && digit(1) && digit(2) &&
        digit(4) && digit(5)) {
        const int h = (z[1] - '0') * 10 + (z[2] - '0');
        const int m = (z[4] - '0') * 10 + (z[5] - '0');
        if (h <= 23 && m <= 59) return fixed((z[0] == '+' ? 1 : -1) * (h * 3600 + m * 60));
    } else if (!z.empty() && z.find('/') != std::string_view::npos) {
        absl::TimeZone tz;
        if (absl::LoadTimeZone(std::string(z), &tz)) {
            LocalTimeZone out;
            out.name_.assign(z);
            out.impl_ = std::make_shared<const Impl>(Impl{tz});
            return out;
        }
        if (why)
            *why = "unknown time zone '" + std::string(z) +
                   "': not in the system's time zone database (tzdata, /usr/share/zoneinfo)";
        return std::nullopt;
    }
    if (why)
        *why = "'" + std::string(z) +
               "' is not UTC, a fixed offset like +03:00 or an IANA zone like Africa/Lagos";
    return std::nullopt;
}

std::variant<int64_t, std::string> LocalTimeZone::to_utc_us(int64_t local_us,
                                                            AmbiguousTime ambiguous) const {
    const int64_t sub = ((local_us % 1'000'000) + 1'000'000) % 1'000'000;
    const int64_t secs = (local_us - sub) / 1'000'000;
    if (fixed_) return (secs - *fixed_) * 1'000'000 + sub;
    const absl::CivilSecond civil = absl::CivilSecond(1970, 1, 1) + secs;
    const absl::TimeZone::TimeInfo info = impl_->zone.At(civil);
    auto utc = [sub](absl::Time t) { return absl::ToUnixSeconds(t) * 1'000'000 + sub; };
    const std::string local = TimeText::format_micros(local_us);
    const std::string wall = local.substr(0, local.size() - 1);  // without the 'Z'
    switch (info.kind) {
        case absl::TimeZone::TimeInfo::UNIQUE:
            return utc(info.pre);
        case absl::TimeZone::TimeInfo::SKIPPED:
            return "local time " + wall + " does not exist in " + name_ +
                   " (skipped by the daylight-saving change at " +
                   TimeText::format_micros(utc(info.trans) - sub) + ")";
        case absl::TimeZone::TimeInfo::REPEATED:
            if (ambiguous == AmbiguousTime::Earlier) return utc(info.pre);
            if (ambiguous == AmbiguousTime::Later) return utc(info.post);
            return "local time " + wall + " occurs twice in " + name_ +
                   " (the daylight-saving change at " +
                   TimeText::format_micros(utc(info.trans) - sub) +
                   " repeats it): set formats.ambiguous_time to earlier or later in the mapping";
    }
    return std::string("unknown time zone answer");
}

}  // namespace tote::model
