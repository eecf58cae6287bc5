#include "source/jsonl_file_source.h"

#include "core/error.h"

namespace tote {

JsonlFileSource::JsonlFileSource(std::string path)
    : path_(std::move(path)), reader_(std::make_unique<JsonlRecordReader>(path_)) {}

void JsonlFileSource::seek(const LogPosition& pos) {
    reader_ = std::make_unique<JsonlRecordReader>(path_);
    pos_ = LogPosition{};
    LogRecord skip;
    std::string error;
    while (pos_.next_offset < pos.next_offset) {
        if (reader_->next(skip, error) == JsonlRecordReader::Status::End)
            throw ToteError(ErrorClass::Fatal,
                            "resume position says " + std::to_string(pos.next_offset) +
                                " lines of " + path_ + " were consumed, but it has only " +
                                std::to_string(reader_->line_number()) +
                                " (was the file replaced? use another --consumer)");
        pos_.next_offset = reader_->line_number();
    }
}

size_t JsonlFileSource::poll(std::vector<LogRecord>& out, size_t max_records) {
    size_t got = 0;
    std::string error;
    while (got < max_records) {
        LogRecord rec;
        auto status = reader_->next(rec, error);
        if (status == JsonlRecordReader::Status::End) break;
        if (status == JsonlRecordReader::Status::Malformed) {
            rec = LogRecord{};
            rec.topic = "jsonl:" + path_;
            rec.offset = Offset{reader_->line_number()};
            rec.value = reader_->last_line();
            rec.source_error = error;
        }
        pos_.next_offset = reader_->line_number();
        out.push_back(std::move(rec));
        ++got;
    }
    return got;
}

}  // namespace tote
