#include "core/log_record.h"

namespace tote {

std::string describe_position(const LogRecord& r) {
    return r.topic + "/" + std::to_string(r.partition.value) + "/" + std::to_string(r.offset.value);
}

}  // namespace tote
