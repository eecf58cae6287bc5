#pragma once
// Where the ingest pipeline reads records from: the embedded log, a captured JSON-lines file,
// and (deployed) a Kafka consumer. Positions are offsets plus a byte position where the source
// has one, so a consumer resumes exactly where its last commit ended.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/log_record.h"

namespace tote {

struct LogPosition {
    int64_t next_offset = 0;
    int64_t byte_position = 0;
    bool operator==(const LogPosition&) const = default;
};

class RecordSource {
public:
    virtual ~RecordSource() = default;
    // Positions the source; a position that does not fit the source is a Fatal ToteError.
    virtual void seek(const LogPosition& pos) = 0;
    // Appends up to max_records records to out; returns how many. 0 = at the current end.
    // A record the source could not read carries LogRecord::source_error and its raw bytes in
    // value: the pipeline dead-letters it.
    virtual size_t poll(std::vector<LogRecord>& out, size_t max_records) = 0;
    // Takes back records returned by poll that the caller is done with, and empties `batch`;
    // a source may reuse their storage in later polls (their strings keep their capacity, so
    // reading a record allocates nothing). Default: drops them.
    virtual void recycle(std::vector<LogRecord>& batch) { batch.clear(); }
    // Position after the last record returned by poll.
    virtual LogPosition position() const = 0;
    // Makes every record returned by poll so far durable where the source itself is a local
    // file that its writer may not have synced (the embedded log: fdatasync). The pipeline calls
    // it before it commits a position covering them, so after a power loss the log still holds
    // every record the warehouse's position counts. Default: nothing (a Kafka broker or a
    // captured file is durable on its own).
    virtual void sync() {}
    virtual std::string describe() const = 0;
    // The offset after the newest complete record the source holds now, where the source can
    // tell (for progress: lag and estimates); nullopt otherwise.
    virtual std::optional<int64_t> end_offset() { return std::nullopt; }
};

}  // namespace tote
