#pragma once
// A captured JSON-lines file (one Kafka record per line, as in shared/real-debezium) as a
// record source: `tote ingest --jsonl FILE`. Its position counts lines, so a killed ingest
// resumes after the last committed line. A line that is not a record is handed on with
// source_error set, topic "jsonl:<file>" and offset = its line number, and is dead-lettered.
#include <memory>
#include <string>

#include "source/jsonl_record_reader.h"
#include "source/record_source.h"

namespace tote {

class JsonlFileSource final : public RecordSource {
public:
    explicit JsonlFileSource(std::string path);

    void seek(const LogPosition& pos) override;
    size_t poll(std::vector<LogRecord>& out, size_t max_records) override;
    LogPosition position() const override { return pos_; }
    std::string describe() const override { return path_; }

private:
    std::string path_;
    std::unique_ptr<JsonlRecordReader> reader_;
    LogPosition pos_;
};

}  // namespace tote
