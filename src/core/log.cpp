#include "core/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <stdexcept>

#include "core/json_escape.h"

namespace tote {

namespace {

std::atomic<int> g_level{static_cast<int>(LogLevel::Info)};
std::atomic<int> g_format{static_cast<int>(LogFormat::Text)};
std::mutex g_out;

std::string iso_utc(long long unix_ms) {
    const std::time_t secs = static_cast<std::time_t>(unix_ms / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<int>(unix_ms % 1000));
    return buf;
}

}  // namespace

const char* to_string(LogLevel level) {
    switch (level) {
        case LogLevel::Error:
            return "error";
        case LogLevel::Warn:
            return "warn";
        case LogLevel::Info:
            return "info";
        case LogLevel::Debug:
            return "debug";
    }
    return "info";
}

void Log::configure(LogLevel level, LogFormat format) {
    g_level = static_cast<int>(level);
    g_format = static_cast<int>(format);
}

void Log::configure(std::string_view level, std::string_view format) {
    LogLevel l = LogLevel::Info;
    if (level == "error")
        l = LogLevel::Error;
    else if (level == "warn")
        l = LogLevel::Warn;
    else if (level == "info")
        l = LogLevel::Info;
    else if (level == "debug")
        l = LogLevel::Debug;
    else
        throw std::invalid_argument("log level '" + std::string(level) +
                                    "' is not one of error, warn, info, debug");
    LogFormat f = LogFormat::Text;
    if (format == "json")
        f = LogFormat::Json;
    else if (format != "text")
        throw std::invalid_argument("log format '" + std::string(format) +
                                    "' is not one of text, json");
    configure(l, f);
}

bool Log::enabled(LogLevel level) {
    return static_cast<int>(level) <= g_level.load(std::memory_order_relaxed);
}

std::string Log::json_line(LogLevel level, std::string_view component, std::string_view message,
                           const LogFields& fields, long long unix_ms) {
    std::string out = "{\"ts\":\"" + iso_utc(unix_ms) + "\",\"level\":\"" + to_string(level) +
                      "\",\"component\":";
    append_json_string(out, component);
    out += ",\"msg\":";
    append_json_string(out, message);
    for (const auto& [k, v] : fields) {
        out += ',';
        append_json_string(out, k);
        out += ':';
        append_json_string(out, v);
    }
    out += "}\n";
    return out;
}

void Log::write(LogLevel level, std::string_view component, std::string_view message,
                const LogFields& fields) {
    if (!enabled(level)) return;
    std::string line;
    if (g_format.load(std::memory_order_relaxed) == static_cast<int>(LogFormat::Json)) {
        const long long ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
        line = json_line(level, component, message, fields, ms);
    } else {
        line = component == "tote" ? "tote: " : "tote: " + std::string(component) + ": ";
        line += message;
        line += '\n';
    }
    std::lock_guard lock(g_out);
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
}

}  // namespace tote
