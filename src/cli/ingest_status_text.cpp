#include "cli/ingest_status_text.h"

#include <fmt/format.h>

#include <cmath>

#include "cli/progress_line.h"

namespace tote {

std::string estimate_text(double seconds) {
    if (!(seconds >= 0) || std::isinf(seconds)) return "";
    const auto s = static_cast<uint64_t>(std::ceil(seconds));
    if (s < 90) return fmt::format("about {} s", std::max<uint64_t>(s, 1));
    const uint64_t minutes = (s + 59) / 60;
    if (minutes < 90) return fmt::format("about {} min", minutes);
    return fmt::format("about {} h {} min", minutes / 60, minutes % 60);
}

namespace {
std::string rate_and_estimate(double done, double seconds, double left) {
    if (seconds <= 0.2 || done <= 0) return "";
    const double rate = done / seconds;
    return fmt::format(", {} records/s, {} left", with_commas(static_cast<uint64_t>(rate)),
                       estimate_text(left / rate));
}
}  // namespace

std::string ingest_status_text(const IngestProgress& p) {
    switch (p.phase) {
        case IngestPhase::Starting:
            return "starting: opening the source and the warehouse";
        case IngestPhase::Restoring: {
            const uint64_t total = std::max<uint64_t>(p.restore_total, 1);
            return fmt::format(
                "restoring fact state: replayed {} of {} log records ({}%){}",
                with_commas(p.replayed_records), with_commas(p.restore_total),
                p.replayed_records * 100 / total,
                rate_and_estimate(static_cast<double>(p.replayed_records), p.seconds_replaying,
                                  static_cast<double>(p.restore_total) -
                                      static_cast<double>(p.replayed_records)));
        }
        case IngestPhase::CatchingUp: {
            const int64_t lag = p.log_end_offset - p.next_offset;
            return fmt::format(
                "catching up: offset {} of {} (lag {}){}",
                with_commas(static_cast<uint64_t>(p.next_offset)),
                with_commas(static_cast<uint64_t>(p.log_end_offset)),
                with_commas(static_cast<uint64_t>(std::max<int64_t>(lag, 0))),
                rate_and_estimate(static_cast<double>(p.records), p.seconds - p.seconds_replaying,
                                  static_cast<double>(lag)));
        }
        case IngestPhase::Waiting:
            return fmt::format("live: all {} records landed, waiting for input",
                               with_commas(static_cast<uint64_t>(p.next_offset)));
        case IngestPhase::Done:
            return fmt::format("done at offset {}",
                               with_commas(static_cast<uint64_t>(p.next_offset)));
    }
    return "";
}

}  // namespace tote
