#include "sink/sql_text.h"

#include "core/error.h"
#include "sink/clickhouse_connection.h"

namespace tote {

std::string sql_string(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 2);
    out.push_back('\'');
    for (char c : text) {
        if (c == '\'' || c == '\\') out.push_back('\\');
        out.push_back(c);
    }
    out.push_back('\'');
    return out;
}

std::string sql_identifier(std::string_view name) {
    std::string out;
    out.reserve(name.size() + 2);
    out.push_back('`');
    for (char c : name) {
        if (c == '`' || c == '\\') out.push_back('\\');
        out.push_back(c);
    }
    out.push_back('`');
    return out;
}

std::string sql_table(std::string_view database, std::string_view table) {
    return sql_identifier(database) + "." + sql_identifier(table);
}

std::vector<ColumnSpec> parse_column_list(std::string_view text) {
    std::vector<ColumnSpec> out;
    size_t i = 0;
    auto fail = [&](const char* what) {
        throw ToteError(ErrorClass::Fatal, std::string("malformed column list (") + what +
                                               " at character " + std::to_string(i) +
                                               "): " + std::string(text));
    };
    auto skip_space = [&] {
        while (i < text.size() && (text[i] == ' ' || text[i] == '\n' || text[i] == '\t')) ++i;
    };
    while (true) {
        skip_space();
        if (i >= text.size()) break;
        ColumnSpec col;
        if (text[i] == '`') {
            ++i;
            while (i < text.size() && text[i] != '`') {
                if (text[i] == '\\' && i + 1 < text.size()) ++i;
                col.name.push_back(text[i++]);
            }
            if (i >= text.size()) fail("unterminated `name`");
            ++i;
        } else {
            while (i < text.size() && text[i] != ' ' && text[i] != ',')
                col.name.push_back(text[i++]);
        }
        if (col.name.empty()) fail("empty name");
        skip_space();
        int depth = 0;
        size_t start = i;
        while (i < text.size() && !(depth == 0 && text[i] == ',')) {
            if (text[i] == '(') ++depth;
            if (text[i] == ')') --depth;
            if (depth < 0) fail("unbalanced )");
            ++i;
        }
        if (depth != 0) fail("unbalanced (");
        size_t end = i;
        while (end > start && text[end - 1] == ' ') --end;
        col.type = std::string(text.substr(start, end - start));
        if (col.type.empty()) fail("missing type");
        out.push_back(std::move(col));
        if (i < text.size()) ++i;  // the comma
    }
    return out;
}

std::string format_column_list(const std::vector<ColumnSpec>& columns) {
    std::string out;
    for (size_t i = 0; i < columns.size(); ++i) {
        if (i) out += ", ";
        out += sql_identifier(columns[i].name);
        out += ' ';
        out += columns[i].type;
    }
    return out;
}

std::string format_column_names(const std::vector<ColumnSpec>& columns) {
    std::string out;
    for (size_t i = 0; i < columns.size(); ++i) {
        if (i) out += ", ";
        out += sql_identifier(columns[i].name);
    }
    return out;
}

std::vector<std::vector<std::string>> parse_tsv(std::string_view text) {
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> row;
    std::string field;
    bool any = false;
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        any = true;
        if (c == '\t') {
            row.push_back(std::move(field));
            field.clear();
        } else if (c == '\n') {
            row.push_back(std::move(field));
            field.clear();
            rows.push_back(std::move(row));
            row.clear();
            any = false;
        } else if (c == '\\' && i + 1 < text.size()) {
            char n = text[++i];
            switch (n) {
                case 't':
                    field.push_back('\t');
                    break;
                case 'n':
                    field.push_back('\n');
                    break;
                case 'r':
                    field.push_back('\r');
                    break;
                case '0':
                    field.push_back('\0');
                    break;
                case 'b':
                    field.push_back('\b');
                    break;
                case 'f':
                    field.push_back('\f');
                    break;
                case 'N':
                    field += "\\N";
                    break;
                default:
                    field.push_back(n);
                    break;
            }
        } else {
            field.push_back(c);
        }
    }
    if (any) {
        row.push_back(std::move(field));
        rows.push_back(std::move(row));
    }
    return rows;
}

}  // namespace tote

namespace tote {

std::string ReadLimits::settings() const {
    std::string s;
    auto add = [&s](const std::string& kv) { s += (s.empty() ? "" : ", ") + kv; };
    if (max_seconds) add("max_execution_time=" + std::to_string(max_seconds));
    if (max_rows) add("max_result_rows=" + std::to_string(max_rows));
    if (max_bytes) add("max_result_bytes=" + std::to_string(max_bytes));
    if (max_rows || max_bytes) add("result_overflow_mode='throw'");
    return s;
}

}  // namespace tote
