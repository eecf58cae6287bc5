#pragma once
// Helpers shared by the decode unit tests.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/change_event.h"
#include "decode/decoder.h"
#include "source/jsonl_record_reader.h"

namespace tote::test {

inline std::vector<LogRecord> read_capture(const std::string& name) {
    JsonlRecordReader reader(std::string(TOTE_GOLDEN_DIR) + "/" + name);
    std::vector<LogRecord> out;
    LogRecord r;
    std::string error;
    for (;;) {
        auto st = reader.next(r, error);
        if (st == JsonlRecordReader::Status::End) break;
        EXPECT_EQ(st, JsonlRecordReader::Status::Record) << error;
        out.push_back(r);
    }
    return out;
}

inline std::vector<DecodeResult> decode_all(Decoder& d, const std::vector<LogRecord>& records) {
    std::vector<DecodeResult> out;
    for (const auto& r : records) out.push_back(d.decode(r));
    return out;
}

inline const ChangeEvent& change(const DecodeResult& r) {
    static const ChangeEvent empty;
    if (!std::holds_alternative<ChangeEvent>(r)) {
        ADD_FAILURE() << "not a ChangeEvent"
                      << (std::holds_alternative<DecodeFailure>(r)
                              ? ": " + std::get<DecodeFailure>(r).reason
                              : std::string());
        return empty;
    }
    return std::get<ChangeEvent>(r);
}

inline std::string failure(const DecodeResult& r) {
    if (!std::holds_alternative<DecodeFailure>(r)) {
        ADD_FAILURE() << "not a DecodeFailure";
        return {};
    }
    return std::get<DecodeFailure>(r).reason;
}

inline LogRecord record(std::string topic, std::optional<std::string> key,
                        std::optional<std::string> value) {
    LogRecord r;
    r.topic = std::move(topic);
    r.key = std::move(key);
    r.value = std::move(value);
    return r;
}

inline const Value& value_of(const std::optional<RowImage>& row, std::string_view column) {
    static const Value missing = std::string("<missing column>");
    if (!row) return missing;
    const Field* f = row->find(column);
    return f ? f->value : missing;
}

}  // namespace tote::test
