#include "core/table_identity.h"

namespace tote {

std::string TableIdentity::escape(std::string_view part) {
    std::string out;
    out.reserve(part.size());
    for (char c : part) {
        if (c == '%')
            out += "%25";
        else if (c == '.')
            out += "%2E";
        else
            out += c;
    }
    return out;
}

std::string TableIdentity::unescape(std::string_view part) {
    std::string out;
    out.reserve(part.size());
    for (size_t i = 0; i < part.size(); ++i) {
        if (part.substr(i, 3) == "%25") {
            out += '%';
            i += 2;
        } else if (part.substr(i, 3) == "%2E") {
            out += '.';
            i += 2;
        } else {
            out += part[i];
        }
    }
    return out;
}

std::string TableIdentity::of(std::string_view schema, std::string_view table,
                              std::string_view default_schema) {
    const bool plain = table.find_first_of(".%") == std::string_view::npos;
    if (schema.empty() && plain) return std::string(table);
    if (!default_schema.empty() && (schema.empty() || schema == default_schema) && plain)
        return std::string(table);
    return escape(schema.empty() ? default_schema : schema) + "." + escape(table);
}

QualifiedTable TableIdentity::parse(std::string_view identity) {
    const size_t dot = identity.find('.');
    if (dot == std::string_view::npos) return {"", std::string(identity)};
    return {unescape(identity.substr(0, dot)), unescape(identity.substr(dot + 1))};
}

}  // namespace tote
