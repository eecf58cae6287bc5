#pragma once
// Writes state as a compact binary image (a checkpoint's payload): numbers little-endian as in
// memory (x86-64 and arm64), sizes as u64, containers in iteration order, variants as their
// index then the alternative, structs through state_fields (state_traits.h). Read back with
// StateReader in the same order. Hash maps are written in key order, so equal states give equal
// bytes. Not thread-safe.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "core/state_traits.h"

namespace tote {

class StateWriter {
public:
    template <class... Ts>
    void operator()(const Ts&... values) {
        (put(values), ...);
    }

    const std::string& bytes() const { return out_; }
    std::string take() { return std::move(out_); }
    size_t size() const { return out_.size(); }

private:
    template <class T>
    void raw(const T& v) {
        char b[sizeof(T)];
        std::memcpy(b, &v, sizeof(T));
        out_.append(b, sizeof(T));
    }

    template <class T>
    void put(const T& v) {
        namespace st = state_traits;
        if constexpr (std::is_same_v<T, bool>) {
            raw(static_cast<uint8_t>(v ? 1 : 0));
        } else if constexpr (std::is_enum_v<T>) {
            raw(static_cast<std::underlying_type_t<T>>(v));
        } else if constexpr (st::is_number<T>) {
            raw(v);
        } else if constexpr (std::is_same_v<T, std::string>) {
            raw(static_cast<uint64_t>(v.size()));
            out_.append(v);
        } else if constexpr (st::is_optional<T>::value) {
            put(v.has_value());
            if (v) put(*v);
        } else if constexpr (st::is_pair<T>::value) {
            put(v.first);
            put(v.second);
        } else if constexpr (st::is_variant<T>::value) {
            raw(static_cast<uint8_t>(v.index()));
            std::visit([this](const auto& alt) { put(alt); }, v);
        } else if constexpr (st::is_array<T>::value) {
            for (const auto& e : v) put(e);
        } else if constexpr (st::Unordered<T>) {
            // In key order: equal states give equal bytes.
            std::vector<const typename T::value_type*> sorted;
            sorted.reserve(v.size());
            for (const auto& e : v) sorted.push_back(&e);
            std::sort(sorted.begin(), sorted.end(),
                      [](const auto* a, const auto* b) { return a->first < b->first; });
            raw(static_cast<uint64_t>(v.size()));
            for (const auto* e : sorted) put(*e);
        } else if constexpr (st::Container<T>) {
            raw(static_cast<uint64_t>(v.size()));
            for (const auto& e : v) put(e);
        } else {
            state_fields(*this, const_cast<T&>(v));  // writes only: the members are read
        }
    }

    std::string out_;
};

}  // namespace tote
