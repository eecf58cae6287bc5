#include "sink/clickhouse_error.h"

#include <string>

namespace tote {

std::optional<int> clickhouse_error_code(std::string_view message) {
    size_t at = message.find("Code: ");
    if (at == std::string_view::npos) return std::nullopt;
    size_t i = at + 6;
    int code = 0;
    bool digits = false;
    while (i < message.size() && message[i] >= '0' && message[i] <= '9' && code < 100000) {
        code = code * 10 + (message[i] - '0');
        digits = true;
        ++i;
    }
    if (!digits) return std::nullopt;
    return code;
}

ErrorClass classify_clickhouse_code(int code) {
    switch (code) {
        case 159:  // TIMEOUT_EXCEEDED
        case 164:  // READONLY (server switched to read-only, e.g. disk)
        case 202:  // TOO_MANY_SIMULTANEOUS_QUERIES
        case 203:  // NO_FREE_CONNECTION
        case 209:  // SOCKET_TIMEOUT
        case 210:  // NETWORK_ERROR
        case 241:  // MEMORY_LIMIT_EXCEEDED
        case 242:  // TABLE_IS_READ_ONLY
        case 252:  // TOO_MANY_PARTS
        case 319:  // UNKNOWN_STATUS_OF_INSERT
        case 394:  // QUERY_WAS_CANCELLED
        case 425:  // SYSTEM_ERROR
            return ErrorClass::Retriable;
        default:
            return ErrorClass::Fatal;
    }
}

std::string statement_head(std::string_view sql, size_t limit) {
    std::string out;
    for (char c : sql.substr(0, limit)) out.push_back(c == '\n' || c == '\t' ? ' ' : c);
    if (sql.size() > limit) out += "...";
    return out;
}

}  // namespace tote
