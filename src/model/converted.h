#pragma once
// The outcome of an exact conversion: a value, or the reason it does not convert exactly.
// Nothing in the model rounds silently; callers turn the reason into a mapping error.
#include <optional>
#include <string>
#include <utility>

namespace tote::model {

template <class T>
struct Converted {
    std::optional<T> value;
    std::string error;  // set when value is empty: what did not convert and why

    bool ok() const { return value.has_value(); }
    static Converted success(T v) { return Converted{std::move(v), {}}; }
    static Converted failure(std::string why) { return Converted{std::nullopt, std::move(why)}; }
};

}  // namespace tote::model
