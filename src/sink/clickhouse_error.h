#pragma once
// Classifies ClickHouse exceptions ("Code: 252, e.displayText() = ..." on 18.16,
// "Code: 252. DB::Exception: ..." on 26.x) as retriable or fatal.
#include <optional>
#include <string_view>

#include "core/error.h"

namespace tote {

// The N of the first "Code: N" in a server message; nullopt when there is none.
std::optional<int> clickhouse_error_code(std::string_view message);

// Retriable for codes that mean "busy / overloaded / timed out / network" (e.g. 159 timeout,
// 202 too many simultaneous queries, 209/210 socket, 241 memory limit, 252 too many parts);
// Fatal for everything else (SQL errors, unknown tables, type mismatches).
ErrorClass classify_clickhouse_code(int code);

// Short start of a statement for error messages (at most `limit` characters, one line).
std::string statement_head(std::string_view sql, size_t limit = 200);

}  // namespace tote
