#pragma once
// Reads back what StateWriter wrote, in the same order. Every read is bounds-checked: bytes
// that do not fit the expected shape (cut short, a size beyond what is left, an unknown variant
// index) throw ToteError(Fatal) naming `what` (e.g. the checkpoint file) and the byte. The
// caller verifies the image's checksum first; this guards against a format mismatch.
// Not thread-safe.
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include "core/error.h"
#include "core/state_traits.h"

namespace tote {

class StateReader {
public:
    StateReader(std::string_view bytes, std::string what) : in_(bytes), what_(std::move(what)) {}

    template <class... Ts>
    void operator()(Ts&... values) {
        (get(values), ...);
    }

    size_t position() const { return at_; }
    size_t remaining() const { return in_.size() - at_; }
    // Throws unless every byte was read.
    void expect_end() const {
        if (remaining() != 0) fail(std::to_string(remaining()) + " unread bytes at the end");
    }
    [[noreturn]] void fail(const std::string& why) const {
        throw ToteError(ErrorClass::Fatal,
                        what_ + ": unreadable state at byte " + std::to_string(at_) + ": " + why);
    }

private:
    template <class T>
    void raw(T& v) {
        if (remaining() < sizeof(T)) fail("cut short");
        std::memcpy(&v, in_.data() + at_, sizeof(T));
        at_ += sizeof(T);
    }
    size_t count() {
        uint64_t n = 0;
        raw(n);
        if (n > remaining()) fail("a size of " + std::to_string(n) + " beyond the data");
        return static_cast<size_t>(n);
    }

    template <class V, size_t I = 0>
    void get_variant(V& v, size_t index) {
        if constexpr (I < std::variant_size_v<V>) {
            if (index == I) {
                std::variant_alternative_t<I, V> alt{};
                get(alt);
                v = std::move(alt);
                return;
            }
            get_variant<V, I + 1>(v, index);
        } else {
            fail("variant index " + std::to_string(index) + " unknown");
        }
    }

    template <class T>
    void get(T& v) {
        namespace st = state_traits;
        if constexpr (std::is_same_v<T, bool>) {
            uint8_t b = 0;
            raw(b);
            if (b > 1) fail("a bool of " + std::to_string(b));
            v = b == 1;
        } else if constexpr (std::is_enum_v<T>) {
            std::underlying_type_t<T> u{};
            raw(u);
            v = static_cast<T>(u);
        } else if constexpr (st::is_number<T>) {
            raw(v);
        } else if constexpr (std::is_same_v<T, std::string>) {
            const size_t n = count();
            v.assign(in_.data() + at_, n);
            at_ += n;
        } else if constexpr (st::is_optional<T>::value) {
            bool has = false;
            get(has);
            if (!has) {
                v.reset();
                return;
            }
            typename T::value_type inner{};
            get(inner);
            v = std::move(inner);
        } else if constexpr (st::is_pair<T>::value) {
            get(v.first);
            get(v.second);
        } else if constexpr (st::is_variant<T>::value) {
            uint8_t index = 0;
            raw(index);
            get_variant(v, index);
        } else if constexpr (st::is_array<T>::value) {
            for (auto& e : v) get(e);
        } else if constexpr (st::MapLike<T>) {
            v.clear();
            const size_t n = count();
            if constexpr (requires { v.reserve(n); }) v.reserve(n);
            for (size_t i = 0; i < n; ++i) {
                std::pair<typename T::key_type, typename T::mapped_type> e{};
                get(e);
                v.emplace_hint(v.end(), std::move(e.first), std::move(e.second));
            }
        } else if constexpr (st::SetLike<T>) {
            v.clear();
            const size_t n = count();
            for (size_t i = 0; i < n; ++i) {
                typename T::key_type e{};
                get(e);
                v.insert(v.end(), std::move(e));
            }
        } else if constexpr (st::Sequence<T>) {
            v.clear();
            const size_t n = count();
            if constexpr (requires { v.reserve(n); }) v.reserve(n);
            for (size_t i = 0; i < n; ++i) {
                typename T::value_type e{};
                get(e);
                v.push_back(std::move(e));
            }
        } else if constexpr (st::IndexedPairs<T>) {
            v = T{};
            const size_t n = count();
            for (size_t i = 0; i < n; ++i) {
                typename T::value_type e{};
                get(e);
                v[e.first] = std::move(e.second);
            }
        } else {
            state_fields(*this, v);
        }
    }

    std::string_view in_;
    size_t at_ = 0;
    std::string what_;
};

}  // namespace tote
