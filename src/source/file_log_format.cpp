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
    if (v)
        v->assign(in.data(), static_cast<size_t>(len));  // reuses the string's storage
    else
        v.emplace(in.data(), static_cast<size_t>(len));
    in.remove_prefix(static_cast<size_t>(len));
    return true;
}

}  // namespace

namespace {

uint32_t crc32c_portable(std::string_view data) {
    static const std::array<uint32_t, 256> table = make_crc_table();
    uint32_t c = 0xFFFFFFFFu;
    for (unsigned char ch : data) c = table[(c ^ ch) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) uint32_t crc32c_sse42(std::string_view data) {
    uint64_t c = 0xFFFFFFFFu;
    const char* p = data.data();
    size_t n = data.size();
    while (n >= 8) {
        uint64_t v;
        std::memcpy(&v, p, 8);
        c = __builtin_ia32_crc32di(c, v);
        p += 8;
        n -= 8;
    }
    uint32_t c32 = static_cast<uint32_t>(c);
    while (n-- > 0) c32 = __builtin_ia32_crc32qi(c32, static_cast<unsigned char>(*p++));
    return c32 ^ 0xFFFFFFFFu;
}
#endif

}  // namespace

uint32_t crc32c(std::string_view data) {
#if defined(__x86_64__)
    static const bool hw = __builtin_cpu_supports("sse4.2");
    if (hw) return crc32c_sse42(data);
#endif
    return crc32c_portable(data);
}

void encode_log_record(std::string& out, const LogRecord& r) {
    encode_log_record(out, r.topic, r.partition, r.offset, r.timestamp_ms,
                      r.key ? std::optional<std::string_view>(*r.key) : std::nullopt,
                      r.value ? std::optional<std::string_view>(*r.value) : std::nullopt);
}

void encode_log_record(std::string& out, std::string_view topic, Partition partition, Offset offset,
                       int64_t timestamp_ms, std::optional<std::string_view> key,
                       std::optional<std::string_view> value) {
    const size_t header_at = out.size();
    put<uint32_t>(out, 0);  // length and checksum, patched below
    put<uint32_t>(out, 0);
    const size_t payload_at = out.size();
    put<int64_t>(out, offset.value);
    put<int64_t>(out, timestamp_ms);
    put<int32_t>(out, partition.value);
    put<uint16_t>(out, static_cast<uint16_t>(topic.size()));
    out.append(topic);
    for (const auto& part : {key, value}) {
        if (part) {
            put<int32_t>(out, static_cast<int32_t>(part->size()));
            out.append(*part);
        } else {
            put<int32_t>(out, -1);
        }
    }
    const uint32_t len = static_cast<uint32_t>(out.size() - payload_at);
    const uint32_t crc = crc32c(std::string_view(out).substr(payload_at));
    std::memcpy(out.data() + header_at, &len, 4);
    std::memcpy(out.data() + header_at + 4, &crc, 4);
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
