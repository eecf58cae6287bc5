#pragma once
// Parameters of saved queries, alerts and exports, in ClickHouse's own placeholder syntax
// (`{name:Type}`, as clickhouse-client --param_name=... takes them), bound safely: each value is
// checked against its declared type and written as a literal of that type by tote, never pasted
// as text. A String becomes a quoted literal with every quote and backslash escaped; a Date must
// be a real calendar date YYYY-MM-DD; an Int64/UInt64 must be an integer in range; a Float64 a
// plain decimal number. A placeholder inside a quoted literal or a comment is not one (the
// engine would not read it there either). ClickHouse 18.16 has no query parameters of its own,
// so the same text runs on both engines once bound.
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tote {

struct QueryParameter {
    std::string name;
    std::string type;           // String, Date, Int64, UInt64, Float64
    std::string default_value;  // "" = required (unless the type is String)
    bool required = false;
    std::string label;  // for people; "" = the name
};

struct BoundQuery {
    std::string sql;    // the statement with literals in place of the placeholders
    std::string error;  // set when a value is missing or does not fit: what, which parameter
    bool ok() const { return error.empty(); }
};

class QueryParameters {
public:
    // The types a parameter may have.
    static bool known_type(const std::string& type);

    // The SQL literal of `value` as `type`, or nullopt (with why) when it does not fit.
    static std::optional<std::string> literal(const std::string& type, const std::string& value,
                                              std::string& why);

    // Every placeholder `{name:Type}` of `sql` (outside quotes and comments), in order.
    static std::vector<std::pair<std::string, std::string>> placeholders(const std::string& sql);

    // Binds `values` (by name; a missing one takes the declared default) into `sql`. A
    // placeholder whose name is not declared, or whose type differs from the declaration, is
    // an error; so is a value that does not fit.
    static BoundQuery bind(const std::string& sql, const std::vector<QueryParameter>& declared,
                           const std::map<std::string, std::string>& values);
};

}  // namespace tote
