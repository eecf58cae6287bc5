#pragma once
// Appends Kafka-shaped records to the embedded durable log. One writer per log (flock).
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/log_record.h"
#include "core/unique_fd.h"

namespace tote {

class FileLogWriter {
public:
    // Opens or creates DIR/records.log; a torn record at the tail is cut away.
    explicit FileLogWriter(const std::filesystem::path& dir);

    // Buffers one record and returns the offset it gets.
    Offset append(std::string_view topic, Partition partition, int64_t timestamp_ms,
                  std::optional<std::string_view> key, std::optional<std::string_view> value);

    // Hands buffered records to the OS (visible to readers). Never called implicitly, so a
    // caller that flushes only at transaction boundaries never leaves half a transaction in
    // the log (a killed writer loses only its unflushed buffer).
    void flush();
    size_t buffered_bytes() const { return buffer_.size(); }
    // flush() and fsync.
    void sync();

    Offset next_offset() const { return next_; }
    ~FileLogWriter();
    FileLogWriter(const FileLogWriter&) = delete;
    FileLogWriter& operator=(const FileLogWriter&) = delete;

private:
    UniqueFd fd_;
    std::string buffer_;
    Offset next_{0};
    std::filesystem::path path_;
};

}  // namespace tote
