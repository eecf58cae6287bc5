#pragma once
// Encodes rows in ClickHouse's RowBinary format into one growing buffer (no per-row
// allocations once the buffer has grown). All integers are little-endian; strings are a
// LEB128 length followed by the bytes; Nullable(T) is one byte (1 = NULL, 0 = value) followed
// by T when not NULL; Decimal(38, s) is the unscaled value as a 16-byte Int128.
#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tote {

static_assert(std::endian::native == std::endian::little,
              "RowBinary encoding assumes little-endian");

class RowBinaryWriter {
public:
    void uint8(uint8_t v) { buf_.push_back(static_cast<char>(v)); }
    void uint32(uint32_t v) { raw(&v, sizeof v); }
    void uint64(uint64_t v) { raw(&v, sizeof v); }
    void int32(int32_t v) { raw(&v, sizeof v); }
    void int64(int64_t v) { raw(&v, sizeof v); }
    void float64(double v) { raw(&v, sizeof v); }
    void int128(__int128 v) { raw(&v, sizeof v); }
    void string(std::string_view v) {
        varuint(v.size());
        buf_.append(v.data(), v.size());
    }
    void string_array(const std::vector<std::string>& v) {
        varuint(v.size());
        for (const auto& s : v) string(s);
    }
    void varuint(uint64_t v) {
        while (v >= 0x80) {
            buf_.push_back(static_cast<char>((v & 0x7F) | 0x80));
            v >>= 7;
        }
        buf_.push_back(static_cast<char>(v));
    }

    // Nullable(T) prefix byte.
    void null() { buf_.push_back(1); }
    void not_null() { buf_.push_back(0); }

    void nullable_int64(std::optional<int64_t> v) { v ? (not_null(), int64(*v)) : null(); }
    void nullable_float64(std::optional<double> v) { v ? (not_null(), float64(*v)) : null(); }
    void nullable_uint8(std::optional<uint8_t> v) { v ? (not_null(), uint8(*v)) : null(); }
    void nullable_string(const std::optional<std::string>& v) {
        v ? (not_null(), string(*v)) : null();
    }
    void nullable_decimal128(std::optional<__int128> v) { v ? (not_null(), int128(*v)) : null(); }

    const std::string& data() const { return buf_; }
    size_t size() const { return buf_.size(); }
    void clear() { buf_.clear(); }
    // Hands over the encoded bytes and starts empty.
    std::string take() { return std::exchange(buf_, std::string()); }
    void reserve(size_t n) { buf_.reserve(n); }
    // Undo a partly written row: shrink back to an earlier size().
    void truncate(size_t n) { buf_.resize(n); }

private:
    void raw(const void* p, size_t n) { buf_.append(static_cast<const char*>(p), n); }

    std::string buf_;
};

}  // namespace tote
