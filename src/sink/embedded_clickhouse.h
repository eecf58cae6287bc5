#pragma once
// The embedded ClickHouse engine (libchdb) behind the ClickHouseConnection interface.
//
// libchdb allows one live connection per process and locks its data folder against other
// processes, so: constructing a second EmbeddedClickHouse while one is open in this process
// throws Fatal; opening a folder that another process holds throws Fatal telling the operator
// to stop that process or go through it (`tote query`). All calls are serialised by a mutex, so
// one instance may be shared by threads.
//
// libchdb's own handlers for deadly signals are switched off before connecting (the handlers a
// program installed for SIGSEGV/SIGABRT/... are kept); SIGINT/SIGTERM are never touched by the
// engine (checked by tests/integration/embedded_sink), so the program's shutdown path works.
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "sink/chdb_api.h"
#include "sink/clickhouse_connection.h"

namespace tote {

class EmbeddedClickHouse final : public ClickHouseConnection {
public:
    // Opens (creating if needed) the warehouse folder `dir`.
    explicit EmbeddedClickHouse(const std::filesystem::path& dir);
    ~EmbeddedClickHouse() override;
    EmbeddedClickHouse(const EmbeddedClickHouse&) = delete;
    EmbeddedClickHouse& operator=(const EmbeddedClickHouse&) = delete;

    // Thread-safe.
    std::string query(std::string_view sql, std::string_view format = "TabSeparated") override;

    // Thread-safe. The one connection is shared with the writer, so the read-only setting is
    // set per statement: the engine's parser first reduces the text to one statement in its
    // canonical form (formatQuerySingleLine: comments gone, a second statement refused), the
    // engine's AST of it must be a reading statement (SELECT, SHOW, DESCRIBE, EXISTS, EXPLAIN)
    // without INTO OUTFILE, and it runs with SETTINGS readonly=2.
    std::string query_readonly(std::string_view sql,
                               std::string_view format = "TabSeparated") override;

    // The statement with SETTINGS readonly=2 appended, in one call (ClickHouseConnection).
    std::string query_trusted_readonly(std::string_view sql,
                                       std::string_view format = "TabSeparated") override;

    // Why cancel_query is not offered: libchdb runs one statement at a time on a single query
    // thread, so nothing reaches a running statement (docs/operations.md, "Cancelling a
    // statement").
    std::string cancel_unsupported() const override;

    // Thread-safe. libchdb cuts binary data inline in the query text, so the rows are written to
    // a temporary file under DIR/tmp-insert/ and loaded with INSERT ... SELECT FROM file().
    void insert_row_binary(std::string_view database_table, std::string_view columns,
                           std::string_view rows) override;

    // Thread-safe: holds the connection for `fn`'s statements (see ClickHouseConnection).
    void exclusively(const std::function<void()>& fn) override {
        std::lock_guard lock(mutex_);
        fn();
    }

    std::string server_version() override;
    std::string describe() const override;

    const std::filesystem::path& folder() const { return dir_; }

private:
    struct ConnectionCloser {
        void operator()(chdb_connection* c) const noexcept;
    };
    struct ResultDeleter {
        void operator()(chdb_result* r) const noexcept;
    };
    using ResultPtr = std::unique_ptr<chdb_result, ResultDeleter>;

    // Runs one statement; the caller holds mutex_. Throws on error.
    std::string run_locked(std::string_view sql, std::string_view format);

    std::filesystem::path dir_;
    std::filesystem::path insert_dir_;
    // Recursive: exclusively() holds it while its statements take it again.
    std::recursive_mutex mutex_;
    std::unique_ptr<chdb_connection, ConnectionCloser> conn_;
    uint64_t insert_seq_ = 0;
};

}  // namespace tote
