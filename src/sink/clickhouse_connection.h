#pragma once
// One place that talks to a ClickHouse engine: the embedded one (libchdb) or a server (HTTP).
// The SQL sent through it must run on both ClickHouse 18.16 and the embedded 26.x engine.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace tote {

// Limits on people's queries (query_readonly): the engine stops a statement that runs longer,
// returns more rows or more bytes, with an error (TIMEOUT_EXCEEDED, TOO_MANY_ROWS_OR_BYTES).
// 0 = no limit. tote's own statements (query_trusted_readonly, query) are not limited.
struct ReadLimits {
    uint32_t max_seconds = 0;
    uint64_t max_rows = 0;
    uint64_t max_bytes = 0;
    // "max_execution_time=60, max_result_rows=..., result_overflow_mode='throw'" ("" = none).
    std::string settings() const;
};

class ClickHouseConnection {
public:
    virtual ~ClickHouseConnection() = default;

    // Runs one statement and returns its output in `format` (TabSeparated by default).
    // Throws ToteError (Retriable for transport problems, Fatal for SQL errors) whose text
    // includes the server's message and the start of the statement.
    virtual std::string query(std::string_view sql, std::string_view format = "TabSeparated") = 0;

    // Runs one statement that may not change anything, for people's queries (`tote query`
    // without --write, the local API): the engine's read-only setting refuses every write, DDL
    // and settings change of readonly=1 (server: readonly=2 on the request; embedded: see
    // EmbeddedClickHouse). A refused statement throws a Fatal ToteError saying so.
    virtual std::string query_readonly(std::string_view sql,
                                       std::string_view format = "TabSeparated") = 0;

    // A person's statement that may be cancelled (the SQL editor, saved queries): query_readonly
    // run under `query_id`, an id the caller chose (ClickHouse's query_id; valid_query_id()), so
    // that cancel_query(query_id) can stop it from another thread. Default: query_readonly (the
    // id is not used; cancel_unsupported() says why).
    virtual std::string query_readonly_as(std::string_view query_id, std::string_view sql,
                                          std::string_view format = "TabSeparated") {
        (void)query_id;
        return query_readonly(sql, format);
    }

    // "" when cancel_query works on this connection; otherwise why not, for people.
    virtual std::string cancel_unsupported() const {
        return "cancelling a statement is not supported by " + describe();
    }

    // Stops the statement running under `query_id` (started by query_readonly_as) and returns
    // once the engine has dropped it (it is gone from system.processes); false when no
    // statement runs under that id. Thread-safe; only when cancel_unsupported() is "".
    virtual bool cancel_query(std::string_view query_id) {
        (void)query_id;
        return false;
    }

    // 1 to 64 letters, digits, '-' or '_' (what a query_id may be here).
    static bool valid_query_id(std::string_view id) {
        if (id.empty() || id.size() > 64) return false;
        for (char c : id)
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_'))
                return false;
        return true;
    }

    // Limits for the following query_readonly calls (the embedded engine and a server apply
    // them; a connection through a running process's API does not: that process runs them).
    virtual void set_read_limits(const ReadLimits& limits) { read_limits_ = limits; }
    const ReadLimits& read_limits() const { return read_limits_; }

    // Runs one reading statement that tote's own code wrote from constants and integers (no text
    // from a request or a person: the dashboard's tiles). The engine's read-only setting still
    // refuses any write; the statement is only not re-parsed and checked first, which costs the
    // embedded engine two more calls. Default: query_readonly.
    virtual std::string query_trusted_readonly(std::string_view sql,
                                               std::string_view format = "TabSeparated") {
        return query_readonly(sql, format);
    }

    // Inserts RowBinary rows. `columns` lists "name Type" pairs, comma separated, in the order
    // the rows are encoded; `database_table` is e.g. "tote.land_bets".
    virtual void insert_row_binary(std::string_view database_table, std::string_view columns,
                                   std::string_view rows) = 0;

    // e.g. "18.16.1" or "26.5.1.1".
    // Runs `fn`, whose statements on this connection follow each other with nobody else's
    // between them (the embedded engine's one connection is shared with the writer: a reader
    // that needs several statements, such as the dashboard's tiles of one version, then waits
    // for the writer once instead of once per statement). Default: just runs it.
    virtual void exclusively(const std::function<void()>& fn) { fn(); }

    virtual std::string server_version() = 0;

    // Short name for messages: "embedded:/path" or "http://127.0.0.1:8123".
    virtual std::string describe() const = 0;

protected:
    ReadLimits read_limits_;
};

}  // namespace tote
