// Any line must parse into a record or an error text, never a crash or an exception.
#include <string_view>

#include "source/jsonl_record_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    tote::LogRecord r;
    std::string err = tote::JsonlRecordReader::parse_line(
        std::string_view(reinterpret_cast<const char*>(data), size), r);
    volatile size_t n = err.size() + r.topic.size() + (r.key ? r.key->size() : 0);
    (void)n;
    return 0;
}
