#pragma once
// Reads fields out of a change's canonical key text (compact JSON of the key columns in message
// order, e.g. {"bet_id":5,"leg_no":2} or {"currency":"NGN","day":20758}): a delete carries the
// key only, so the fact builder finds the row it removes from here.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tote::facts {

class KeyText {
public:
    // The integer value of "column" (an unquoted JSON integer, or a quoted one); nullopt when
    // absent or not an integer.
    static std::optional<int64_t> integer(std::string_view key, std::string_view column);
    // The text of "column" (a JSON string without escapes, or a bare number as text); nullopt
    // when absent.
    static std::optional<std::string> text(std::string_view key, std::string_view column);
};

}  // namespace tote::facts
