#pragma once
// Reads the embedded durable log by offset, like a Kafka consumer of one partition.
#include <filesystem>
#include <string>
#include <vector>

#include "core/log_record.h"
#include "core/unique_fd.h"
#include "source/record_source.h"

namespace tote {

class FileLogReader final : public RecordSource {
public:
    // Opens DIR/records.log (waits for nothing: a missing log is an error saying to run
    // `tote simulate` first).
    explicit FileLogReader(const std::filesystem::path& dir);

    // Positions the reader; verifies that the record there has the expected offset.
    void seek(const LogPosition& pos) override;

    // Appends up to max_records complete records to out; returns how many. 0 means the reader
    // is at the current end of the log (poll again later).
    size_t poll(std::vector<LogRecord>& out, size_t max_records) override;
    // Keeps up to kMaxSpare records of moderate size for later polls to decode into.
    void recycle(std::vector<LogRecord>& batch) override;

    // Position after the last record returned by poll.
    LogPosition position() const override { return pos_; }
    std::string describe() const override { return path_.string(); }
    // fdatasync of the log file (Linux flushes the file's dirty pages whichever process wrote
    // them, through a read-only descriptor too). Throws ToteError(Retriable) on failure.
    void sync() override;

    // Byte size of the log file now (for progress).
    int64_t file_size() const;

    // The offset after the last complete record in the file now. Walks the frame headers
    // written since the previous call (from the reader's position the first time), so calling
    // it often costs only the new bytes.
    std::optional<int64_t> end_offset() override;

private:
    static constexpr size_t kMaxSpare = 4096;                 // records
    static constexpr size_t kMaxSpareRecordBytes = 64 << 10;  // a larger one is freed
    bool fill();
    LogRecord take_spare();

    std::filesystem::path path_;
    UniqueFd fd_;
    LogPosition pos_;
    std::string buffer_;  // bytes read from file but not yet decoded
    size_t buffer_used_ = 0;
    int64_t read_pos_ = 0;  // file position of buffer_ end
    LogPosition scanned_;   // end_offset(): the frame boundary scanned up to
    bool scanned_valid_ = false;
    std::vector<LogRecord> spare_;  // recycled records whose storage poll reuses
};

}  // namespace tote
