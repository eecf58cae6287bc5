#pragma once
// JSON string escaping as Kafka Connect's JSON converter (Jackson) writes it: \" \\ \b \f \n
// \r \t, other control characters as \u00XX, everything else (UTF-8 included) as is.
#include <string>
#include <string_view>

namespace tote {

// Appends s to out as a quoted JSON string.
void append_json_string(std::string& out, std::string_view s);

}  // namespace tote
