#pragma once
// Reads Kafka records captured as JSON lines, one record per line:
//   {"topic":..., "partition":0, "offset":3, "timestamp_ms":..., "timestamp_type":...,
//    "key": "<exact bytes>" | null, "value": "<exact bytes>" | null, "headers": [...]}
// as in /work/shared/real-debezium/*.jsonl. This is how `tote ingest --jsonl FILE` reads a
// capture and how the golden tests feed the decoders. timestamp_type and headers are ignored.
#include <cstdint>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>

#include "core/log_record.h"

namespace tote {

class JsonlRecordReader {
public:
    enum class Status { Record, Malformed, End };

    // Opens path; throws ToteError (Fatal) when it cannot be opened.
    explicit JsonlRecordReader(const std::string& path);
    ~JsonlRecordReader();
    JsonlRecordReader(JsonlRecordReader&&) noexcept;
    JsonlRecordReader& operator=(JsonlRecordReader&&) noexcept;

    // Next non-empty line: Record fills out; Malformed fills error (the line is skipped, the
    // next call goes on with the next line); End at end of file. Not thread-safe.
    Status next(LogRecord& out, std::string& error);

    // 1-based number of the line last returned by next().
    int64_t line_number() const { return line_number_; }
    const std::string& path() const { return path_; }
    // The raw text of the line last returned by next() (for dead-lettering a malformed one).
    const std::string& last_line() const { return line_; }

    // Parses one line. Returns an empty string on success, else what is wrong with it.
    static std::string parse_line(std::string_view line, LogRecord& out);

private:
    std::string path_;
    std::ifstream in_;
    std::string line_;
    int64_t line_number_ = 0;
};

}  // namespace tote
