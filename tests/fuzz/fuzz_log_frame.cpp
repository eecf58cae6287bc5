// Any bytes must give Ok, Incomplete or Corrupt; an Ok frame must re-encode to the same bytes.
#include <cstdlib>
#include <string_view>

#include "source/file_log_format.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view in(reinterpret_cast<const char*>(data), size);
    tote::LogRecord r;
    auto res = tote::decode_log_frame(in, r);
    if (res.status == tote::FrameStatus::Ok) {
        if (res.frame_size > size) std::abort();
        std::string again;
        tote::encode_log_record(again, r);
        if (again != in.substr(0, res.frame_size)) std::abort();
    }
    return 0;
}
