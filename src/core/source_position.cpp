#include "core/source_position.h"

#include <cstdio>

namespace tote {

std::optional<uint64_t> pack_version(const SourcePosition& p) {
    if (p.lsn > kMaxPackableLsn) return std::nullopt;
    if (p.snapshot) return p.lsn;  // bit 63 clear
    return (uint64_t{1} << 63) | (p.lsn << 16) | (p.total_order & 0xFFFF);
}

std::string format_lsn(uint64_t lsn) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%X/%X", static_cast<unsigned>(lsn >> 32),
                  static_cast<unsigned>(lsn & 0xFFFFFFFFu));
    return buf;
}

}  // namespace tote
