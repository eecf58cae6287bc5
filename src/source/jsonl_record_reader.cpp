#include "source/jsonl_record_reader.h"

#include <simdjson.h>

#include <optional>

#include "core/error.h"

namespace tote {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

// For lookups whose type was checked just before: the error code cannot be set.
inline void take(simdjson::error_code) {}

// A string-or-null field: absent and null both mean a null key/value.
std::string read_bytes(const object& o, std::string_view name, std::optional<std::string>& out) {
    element e;
    if (o.at_key(name).get(e) || e.type() == element_type::NULL_VALUE) {
        out.reset();
        return {};
    }
    std::string_view s;
    if (e.get_string().get(s)) return std::string(name) + " is neither a string nor null";
    out.emplace(s);
    return {};
}

std::string read_integer(const object& o, std::string_view name, bool required, int64_t& out) {
    element e;
    if (o.at_key(name).get(e)) {
        if (required) return std::string(name) + " missing";
        out = 0;
        return {};
    }
    if (e.type() != element_type::INT64) return std::string(name) + " is not an integer";
    take(e.get_int64().get(out));
    return {};
}

}  // namespace

JsonlRecordReader::JsonlRecordReader(const std::string& path) : path_(path), in_(path) {
    if (!in_)
        throw ToteError(ErrorClass::Fatal, "cannot open the JSON-lines capture " + path +
                                               ": check that the file exists and is readable");
}

JsonlRecordReader::~JsonlRecordReader() = default;
JsonlRecordReader::JsonlRecordReader(JsonlRecordReader&&) noexcept = default;
JsonlRecordReader& JsonlRecordReader::operator=(JsonlRecordReader&&) noexcept = default;

JsonlRecordReader::Status JsonlRecordReader::next(LogRecord& out, std::string& error) {
    while (std::getline(in_, line_)) {
        ++line_number_;
        if (!line_.empty() && line_.back() == '\r') line_.pop_back();
        if (line_.find_first_not_of(" \t") == std::string::npos) continue;
        error = parse_line(line_, out);
        if (!error.empty()) {
            error = path_ + ":" + std::to_string(line_number_) + ": " + error;
            return Status::Malformed;
        }
        return Status::Record;
    }
    return Status::End;
}

std::string JsonlRecordReader::parse_line(std::string_view line, LogRecord& out) {
    // A parser per thread: parse_line is static and may be called from several threads.
    thread_local simdjson::dom::parser parser;
    element root;
    if (auto err = parser.parse(line.data(), line.size(), true).get(root))
        return std::string("not valid JSON: ") + simdjson::error_message(err);
    object o;
    if (root.get_object().get(o)) return "not a JSON object";
    element topic;
    std::string_view topic_text;
    if (o.at_key("topic").get(topic) || topic.get_string().get(topic_text))
        return "topic missing or not a string";
    if (topic_text.empty()) return "topic is empty";
    int64_t partition = 0;
    if (auto err = read_integer(o, "partition", true, partition); !err.empty()) return err;
    if (partition < 0 || partition > INT32_MAX) return "partition out of range";
    int64_t offset = 0;
    if (auto err = read_integer(o, "offset", true, offset); !err.empty()) return err;
    if (offset < 0) return "offset is negative";
    int64_t ts = 0;
    if (auto err = read_integer(o, "timestamp_ms", false, ts); !err.empty()) return err;
    LogRecord r;
    r.topic.assign(topic_text);
    r.partition.value = static_cast<int32_t>(partition);
    r.offset.value = offset;
    r.timestamp_ms = ts;
    if (auto err = read_bytes(o, "key", r.key); !err.empty()) return err;
    if (auto err = read_bytes(o, "value", r.value); !err.empty()) return err;
    out = std::move(r);
    return {};
}

}  // namespace tote
