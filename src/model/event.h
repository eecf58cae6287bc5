#pragma once
// A sports event (a match, a race).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tote::model {

enum class EventStatus : uint8_t { Scheduled, Live, Finished, Cancelled };

inline std::string_view to_text(EventStatus s) {
    switch (s) {
        case EventStatus::Scheduled:
            return "scheduled";
        case EventStatus::Live:
            return "live";
        case EventStatus::Finished:
            return "finished";
        case EventStatus::Cancelled:
            return "cancelled";
    }
    return "?";
}

struct Event {
    int64_t id = 0;
    int64_t competition_id = 0;
    std::string home;
    std::string away;
    int64_t start_at_us = 0;  // µs since the epoch, UTC
    EventStatus status = EventStatus::Scheduled;
    std::optional<std::string> result;  // e.g. "2-1"; nullopt until finished
    // When the source committed the first version that shows the event finished (µs since the
    // epoch; its commit time, not tote's clock); 0 while not finished. Derived, not mapped: the
    // start of a bet's settlement lag (docs/kpis.md).
    int64_t finished_at_us = 0;
    bool operator==(const Event&) const = default;
};

}  // namespace tote::model
