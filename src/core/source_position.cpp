#include "core/source_position.h"

#include <cstdio>

namespace tote {

std::string format_lsn(uint64_t lsn) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%X/%X", static_cast<unsigned>(lsn >> 32),
                  static_cast<unsigned>(lsn & 0xFFFFFFFFu));
    return buf;
}

}  // namespace tote
