#pragma once
// Operator-facing log lines on stderr, with a level, as text (default, for people) or as one
// JSON object per line (for a log shipper): `tote --log-format json --log-level debug ...`.
// Progress lines (stdout) and query results are not logs. Thread-safe.
//
//   text: tote: ingest: checkpoint written at offset 1,000,000 (12.3 MB)
//   json: {"ts":"2026-11-29T13:40:00.123Z","level":"info","component":"ingest",
//          "msg":"checkpoint written at offset 1000000","offset":"1000000"}
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tote {

enum class LogLevel { Error = 0, Warn = 1, Info = 2, Debug = 3 };
enum class LogFormat { Text, Json };

using LogFields = std::vector<std::pair<std::string, std::string>>;

class Log {
public:
    // From the command line; throws std::invalid_argument on an unknown name.
    static void configure(std::string_view level, std::string_view format);
    static void configure(LogLevel level, LogFormat format);
    static bool enabled(LogLevel level);

    // One line. Text: "<prefix><message>" where prefix is "tote: " for component "tote",
    // else "tote: <component>: " (errors keep their own prefix, see main.cpp). JSON: ts, level,
    // component, msg and the fields.
    static void write(LogLevel level, std::string_view component, std::string_view message,
                      const LogFields& fields = {});
    // The JSON line write() would print (for tests).
    static std::string json_line(LogLevel level, std::string_view component,
                                 std::string_view message, const LogFields& fields,
                                 long long unix_ms);

    static void error(std::string_view c, std::string_view m, const LogFields& f = {}) {
        write(LogLevel::Error, c, m, f);
    }
    static void warn(std::string_view c, std::string_view m, const LogFields& f = {}) {
        write(LogLevel::Warn, c, m, f);
    }
    static void info(std::string_view c, std::string_view m, const LogFields& f = {}) {
        write(LogLevel::Info, c, m, f);
    }
    static void debug(std::string_view c, std::string_view m, const LogFields& f = {}) {
        write(LogLevel::Debug, c, m, f);
    }
};

const char* to_string(LogLevel level);

}  // namespace tote
