#include "source/file_log_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/error.h"
#include "source/file_log_format.h"

namespace tote {
namespace {
constexpr size_t kReadChunk = 4 << 20;
}

FileLogReader::FileLogReader(const std::filesystem::path& dir) : path_(dir / "records.log") {
    fd_ = UniqueFd(::open(path_.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd_)
        throw ToteError(ErrorClass::Fatal, "cannot open log " + path_.string() + ": " +
                                               std::strerror(errno) +
                                               " (run `tote simulate` first, or pass --log)");
}

void FileLogReader::seek(const LogPosition& pos) {
    pos_ = pos;
    read_pos_ = pos.byte_position;
    buffer_.clear();
    buffer_used_ = 0;
    if (pos.byte_position == 0 && pos.next_offset == 0) return;
    if (pos.byte_position > file_size())
        throw ToteError(ErrorClass::Fatal,
                        "resume position byte " + std::to_string(pos.byte_position) +
                            " is past the end of " + path_.string() +
                            " (was the log replaced? clear the warehouse or restore the log)");
    if (pos.byte_position == file_size()) return;
    LogRecord rec;
    fill();
    FrameResult fr = decode_log_frame(std::string_view(buffer_), rec);
    if (fr.status == FrameStatus::Ok && rec.offset.value != pos.next_offset)
        throw ToteError(ErrorClass::Fatal,
                        "resume position says offset " + std::to_string(pos.next_offset) +
                            " starts at byte " + std::to_string(pos.byte_position) + " of " +
                            path_.string() + ", but the record there has offset " +
                            std::to_string(rec.offset.value) +
                            " (was the log replaced? clear the warehouse or restore the log)");
}

int64_t FileLogReader::file_size() const {
    struct stat st {};
    if (::fstat(fd_.get(), &st) != 0) return 0;
    return st.st_size;
}

std::optional<int64_t> FileLogReader::end_offset() {
    if (!scanned_valid_ || scanned_.byte_position < pos_.byte_position) {
        scanned_ = pos_;
        scanned_valid_ = true;
    }
    const int64_t size = file_size();
    std::string chunk;
    while (scanned_.byte_position + 8 <= size) {
        chunk.resize(
            static_cast<size_t>(std::min<int64_t>(1 << 20, size - scanned_.byte_position)));
        ssize_t n;
        do {
            n = ::pread(fd_.get(), chunk.data(), chunk.size(), scanned_.byte_position);
        } while (n < 0 && errno == EINTR);
        if (n <= 0) break;
        // Walk the headers in this chunk; a frame's payload may end beyond it.
        int64_t at = 0;
        bool moved = false;
        while (at + 8 <= n) {
            uint32_t len = 0;
            std::memcpy(&len, chunk.data() + at, 4);  // little-endian, as written
            const int64_t next = scanned_.byte_position + at + 8 + static_cast<int64_t>(len);
            if (len > kMaxLogPayload || next > size) {
                n = 0;  // a record being written (or a torn tail): stop here
                break;
            }
            at += 8 + static_cast<int64_t>(len);
            ++scanned_.next_offset;
            moved = true;
        }
        scanned_.byte_position += at;
        if (!moved || n == 0) break;
    }
    return scanned_.next_offset;
}

bool FileLogReader::fill() {
    if (buffer_used_ > 0) {
        buffer_.erase(0, buffer_used_);
        buffer_used_ = 0;
    }
    size_t old = buffer_.size();
    buffer_.resize(old + kReadChunk);
    ssize_t n;
    do {
        n = ::pread(fd_.get(), buffer_.data() + old, kReadChunk, read_pos_);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        buffer_.resize(old);
        throw ToteError(ErrorClass::Retriable,
                        "cannot read " + path_.string() + ": " + std::strerror(errno));
    }
    buffer_.resize(old + static_cast<size_t>(n));
    read_pos_ += n;
    return n > 0;
}

size_t FileLogReader::poll(std::vector<LogRecord>& out, size_t max_records) {
    size_t got = 0;
    bool reread = false;
    LogRecord rec = take_spare();
    while (got < max_records) {
        FrameResult fr = decode_log_frame(std::string_view(buffer_).substr(buffer_used_), rec);
        if (fr.status == FrameStatus::Ok) {
            if (rec.offset.value != pos_.next_offset)
                throw ToteError(ErrorClass::Fatal,
                                path_.string() + " byte " + std::to_string(pos_.byte_position) +
                                    ": expected offset " + std::to_string(pos_.next_offset) +
                                    ", found " + std::to_string(rec.offset.value));
            buffer_used_ += fr.frame_size;
            pos_.byte_position += static_cast<int64_t>(fr.frame_size);
            ++pos_.next_offset;
            out.push_back(std::move(rec));
            rec = take_spare();
            ++got;
            reread = false;
            continue;
        }
        if (reread) {
            // Still not a complete frame after a fresh read from the file.
            if (fr.status == FrameStatus::Corrupt &&
                file_size() - pos_.byte_position > static_cast<int64_t>(kMaxLogPayload) + 8)
                throw ToteError(ErrorClass::Fatal,
                                path_.string() + " is corrupt at byte " +
                                    std::to_string(pos_.byte_position) + " (offset " +
                                    std::to_string(pos_.next_offset) + "): " + fr.error);
            break;  // a record being written (or a torn tail the writer will cut): poll later
        }
        // Drop what we hold and read again from the record's start: the writer may have cut a
        // torn tail and rewritten it since we read it.
        buffer_.clear();
        buffer_used_ = 0;
        read_pos_ = pos_.byte_position;
        // Read until the frame at the position is complete or the file ends.
        while (fill()) {
            LogRecord probe;
            if (decode_log_frame(buffer_, probe).status != FrameStatus::Incomplete) break;
        }
        reread = true;
    }
    if (spare_.size() < kMaxSpare) spare_.push_back(std::move(rec));
    return got;
}

LogRecord FileLogReader::take_spare() {
    if (spare_.empty()) return LogRecord{};
    LogRecord rec = std::move(spare_.back());
    spare_.pop_back();
    rec.source_error.clear();  // decode_log_frame sets every other field
    return rec;
}

void FileLogReader::recycle(std::vector<LogRecord>& batch) {
    for (LogRecord& r : batch) {
        if (spare_.size() >= kMaxSpare) break;
        const size_t bytes = (r.key ? r.key->capacity() : 0) + (r.value ? r.value->capacity() : 0);
        if (bytes <= kMaxSpareRecordBytes) spare_.push_back(std::move(r));
    }
    batch.clear();
}

void FileLogReader::sync() {
    if (::fdatasync(fd_.get()) != 0)
        throw ToteError(ErrorClass::Retriable, "cannot sync log " + path_.string() + ": " +
                                                   std::strerror(errno) + " (is the disk full?)");
}

}  // namespace tote
