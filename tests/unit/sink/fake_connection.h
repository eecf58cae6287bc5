#pragma once
// A ClickHouseConnection that records statements and inserts. It remembers the columns of the
// tables created (CREATE TABLE ... (cols) / ALTER TABLE ... ADD COLUMN) and answers
// `system.columns ... AND table = 'T'` from them; `answer` can override any statement.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sink/clickhouse_connection.h"
#include "sink/sql_text.h"

namespace tote {

class FakeConnection : public ClickHouseConnection {
public:
    struct Insert {
        std::string table, columns, rows;
    };
    std::vector<std::string> statements;
    std::vector<Insert> inserts;
    std::map<std::string, std::vector<ColumnSpec>> tables;  // unqualified name -> columns
    std::function<std::optional<std::string>(const std::string&)> answer = [](const std::string&) {
        return std::nullopt;
    };

    std::string query(std::string_view sql_view, std::string_view) override {
        std::string sql(sql_view);
        statements.push_back(sql);
        if (auto a = answer(sql)) return *a;
        const std::string create = "CREATE TABLE IF NOT EXISTS ";
        if (sql.rfind(create, 0) == 0 && sql.find("`.") != std::string::npos) {
            // `db`.`name` (landing tables) or `db`.name (migrations).
            size_t name_start = sql.find("`.") + 2;
            std::string name;
            if (sql[name_start] == '`') {
                ++name_start;
                name = sql.substr(name_start, sql.find('`', name_start) - name_start);
            } else {
                name = sql.substr(name_start, sql.find_first_of(" (", name_start) - name_start);
            }
            size_t open = sql.find('(');
            size_t close = sql.find(") ENGINE");
            if (!tables.count(name))
                tables[name] = parse_column_list(sql.substr(open + 1, close - open - 1));
            return "";
        }
        if (sql.rfind("ALTER TABLE ", 0) == 0) {
            size_t name_start = sql.find("`.`") + 3;
            std::string name = sql.substr(name_start, sql.find('`', name_start) - name_start);
            std::string added = sql.substr(sql.find("ADD COLUMN ") + 11);
            added = added.substr(0, added.find(" AFTER "));
            auto add = parse_column_list(added);
            tables[name].push_back(add.at(0));
            return "";
        }
        const std::string marker = "AND table = '";
        if (sql.find("system.columns") != std::string::npos &&
            sql.find(marker) != std::string::npos) {
            size_t s = sql.find(marker) + marker.size();
            std::string name = sql.substr(s, sql.find('\'', s) - s);
            std::string out;
            if (auto it = tables.find(name); it != tables.end())
                for (const auto& c : it->second) out += c.name + "\t" + c.type + "\n";
            return out;
        }
        return "";
    }
    std::string query_readonly(std::string_view sql, std::string_view format) override {
        return query(sql, format);
    }
    void insert_row_binary(std::string_view t, std::string_view c, std::string_view r) override {
        inserts.push_back({std::string(t), std::string(c), std::string(r)});
    }
    std::string server_version() override { return "fake"; }
    std::string describe() const override { return "fake"; }
};

}  // namespace tote
