#pragma once
// Splits a fuzzer input into a LogRecord: "<key>\x00<value>" (no NUL: value only, null key);
// a first byte 'T' selects the transaction topic, 'N' a null value.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/log_record.h"

namespace tote::fuzz {

inline LogRecord make_record(const uint8_t* data, size_t size, const char* topic,
                             const char* tx_topic) {
    std::string_view in(reinterpret_cast<const char*>(data), size);
    LogRecord r;
    r.topic = topic;
    if (!in.empty() && in[0] == 'T') {
        r.topic = tx_topic;
        in.remove_prefix(1);
    } else if (!in.empty() && in[0] == 'N') {
        in.remove_prefix(1);
        r.key = std::string(in);
        return r;
    }
    auto nul = in.find('\0');
    if (nul == std::string_view::npos) {
        r.value = std::string(in);
    } else {
        r.key = std::string(in.substr(0, nul));
        r.value = std::string(in.substr(nul + 1));
    }
    return r;
}

}  // namespace tote::fuzz
