#include "source/file_log_format.h"

#include <array>
#include <cstring>

namespace tote {
namespace {

std::array<uint32_t, 256> make_crc_table() {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
        uint32_t c = i;
        for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
        t[i] = c;
    }
    return t;
}

template <typename T>
void put(std::string& out, T v) {
    char b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));
    out.append(b, sizeof(T));
}

template <typename T>
bool get(std::string_view& in, T& v) {
    if (in.size() < sizeof(T)) return false;
    std::memcpy(&v, in.data(), sizeof(T));
    in.remove_prefix(sizeof(T));
    return true;
}

bool get_bytes(std::string_view& in, int32_t len, std::optional<std::string>& v) {
    if (len == -1) {
        v.reset();
        return true;
    }
    if (len < 0 || static_cast<size_t>(len) > in.size()) return false;
    v.emplace(in.data(), static_cast<size_t>(len));
    in.remove_prefix(static_cast<size_t>(len));
    return true;
}

}  // namespace

uint32_t crc32c(std::string_view data) {
    static const std::array<uint32_t, 256> table = make_crc_table();
    uint32_t c = 0xFFFFFFFFu;
    for (unsigned char ch : data) c = table[(c ^ ch) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

void encode_log_record(std::string& out, const LogRecord& r) {
    std::string payload;
    payload.reserve(32 + r.topic.size() + (r.key ? r.key->size() : 0) +
                    (r.value ? r.value->size() : 0));
    put<int64_t>(payload, r.offset.value);
    put<int64_t>(payload, r.timestamp_ms);
    put<int32_t>(payload, r.partition.value);
    put<uint16_t>(payload, static_cast<uint16_t>(r.topic.size()));
    payload.append(r.topic);
    for (const auto* part : {&r.key, &r.value}) {
        if (*part) {
            put<int32_t>(payload, static_cast<int32_t>((*part)->size()));
            payload.append(**part);
        } else {
            put<int32_t>(payload, -1);
        }
    }
    put<uint32_t>(out, static_cast<uint32_t>(payload.size()));
    put<uint32_t>(out, crc32c(payload));
    out.append(payload);
}

FrameResult decode_log_frame(std::string_view data, LogRecord& out) {
    FrameResult res;
    uint32_t len = 0, crc = 0;
    if (!get(data, len) || !get(data, crc)) return res;
    if (len > kMaxLogPayload) {
        res.status = FrameStatus::Corrupt;
        res.error = "frame length " + std::to_string(len) + " exceeds the limit";
        return res;
    }
    if (data.size() < len) return res;
    std::string_view payload = data.substr(0, len);
    if (crc32c(payload) != crc) {
        res.status = FrameStatus::Corrupt;
        res.error = "checksum mismatch";
        return res;
    }
    uint16_t topic_len = 0;
    int32_t key_len = 0, value_len = 0;
    bool ok = get(payload, out.offset.value) && get(payload, out.timestamp_ms) &&
              get(payload, out.partition.value) && get(payload, topic_len) &&
              payload.size() >= topic_len;
    if (ok) {
        out.topic.assign(payload.data(), topic_len);
        payload.remove_prefix(topic_len);
        ok = get(payload, key_len) && get_bytes(payload, key_len, out.key) &&
             get(payload, value_len) && get_bytes(payload, value_len, out.value) && payload.empty();
    }
    if (!ok) {
        res.status = FrameStatus::Corrupt;
        res.error = "malformed payload";
        return res;
    }
    res.status = FrameStatus::Ok;
    res.frame_size = 8 + len;
    return res;
}

}  // namespace tote
