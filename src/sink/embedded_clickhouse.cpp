#include "sink/embedded_clickhouse.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>

#include "core/error.h"
#include "core/unique_fd.h"
#include "sink/clickhouse_error.h"
#include "sink/sql_text.h"

namespace tote {
namespace {

std::atomic<bool> g_connection_open{false};

// Signals for which libchdb installs handlers (and which chdb_set_signal_handlers_enabled(0)
// resets to SIG_DFL): the program's own handlers for them are saved and put back.
constexpr std::array<int, 8> kDeadlySignals = {SIGABRT, SIGSEGV, SIGILL,  SIGBUS,
                                               SIGSYS,  SIGFPE,  SIGTSTP, SIGTRAP};

// The program's handlers for the deadly signals, saved before the engine starts and put back
// after it connected (chdb_set_signal_handlers_enabled(0) and chdb_connect reset them).
class DeadlySignalHandlers {
public:
    DeadlySignalHandlers() {
        for (size_t i = 0; i < kDeadlySignals.size(); ++i)
            ::sigaction(kDeadlySignals[i], nullptr, &saved_[i]);
    }
    void restore() const {
        for (size_t i = 0; i < kDeadlySignals.size(); ++i)
            ::sigaction(kDeadlySignals[i], &saved_[i], nullptr);
    }

private:
    std::array<struct sigaction, kDeadlySignals.size()> saved_{};
};

void write_all(int fd, std::string_view data, const std::filesystem::path& path) {
    while (!data.empty()) {
        ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            throw ToteError(ErrorClass::Retriable, "cannot write insert batch file " +
                                                       path.string() + ": " + std::strerror(errno) +
                                                       " (is the disk full?)");
        }
        data.remove_prefix(static_cast<size_t>(n));
    }
}

// True when another process holds the engine's lock on DIR/status (the ClickHouse server takes
// an exclusive flock on it for its lifetime).
bool held_by_another_process(const std::filesystem::path& dir) {
    UniqueFd fd(::open((dir / "status").c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return false;
    if (::flock(fd.get(), LOCK_EX | LOCK_NB) == 0) {
        ::flock(fd.get(), LOCK_UN);
        return false;
    }
    return errno == EWOULDBLOCK;
}

}  // namespace

void EmbeddedClickHouse::ConnectionCloser::operator()(chdb_connection* c) const noexcept {
    chdb_close_conn(c);
}

void EmbeddedClickHouse::ResultDeleter::operator()(chdb_result* r) const noexcept {
    chdb_destroy_query_result(r);
}

EmbeddedClickHouse::EmbeddedClickHouse(const std::filesystem::path& dir)
    : dir_(std::filesystem::absolute(dir)), insert_dir_(dir_ / "tmp-insert") {
    bool expected = false;
    if (!g_connection_open.compare_exchange_strong(expected, true))
        throw ToteError(ErrorClass::Fatal,
                        "the embedded ClickHouse engine is already open in this process (libchdb "
                        "allows one connection per process): share the existing EmbeddedClickHouse "
                        "instead of opening " +
                            dir_.string() + " again");
    try {
        std::error_code ec;
        std::filesystem::create_directories(insert_dir_, ec);
        if (ec)
            throw ToteError(ErrorClass::Fatal, "cannot create warehouse folder " +
                                                   insert_dir_.string() + ": " + ec.message());
        // Leftovers of a crashed process: batches are re-sent from the log, never from here.
        for (const auto& entry : std::filesystem::directory_iterator(insert_dir_, ec))
            std::filesystem::remove(entry.path(), ec);

        // Probed before connecting (a failed connect may leave the engine's own lock behind).
        const bool held_elsewhere = held_by_another_process(dir_);
        DeadlySignalHandlers program_handlers;
        chdb_set_signal_handlers_enabled(0);
        std::string path_arg = "--path=" + dir_.string();
        std::string prog = "tote";
        std::array<char*, 2> argv = {prog.data(), path_arg.data()};
        chdb_connection* c = chdb_connect(static_cast<int>(argv.size()), argv.data());
        program_handlers.restore();
        if (c == nullptr || *c == nullptr) {
            if (c) chdb_close_conn(c);
            if (held_elsewhere)
                throw ToteError(ErrorClass::Fatal,
                                "warehouse folder " + dir_.string() +
                                    " is in use by another tote process: stop it, or go through "
                                    "it (tote query, status, report and reconcile do so when it "
                                    "serves its local API)");
            // Seen after a SIGKILL: the engine's start-up loading of a table failed (its message
            // is printed above). Nothing is lost; a new process opens the folder.
            throw ToteError(ErrorClass::Retriable,
                            "the embedded ClickHouse engine could not open warehouse folder " +
                                dir_.string() +
                                " (its message is above; no other process holds it): run the "
                                "command again");
        }
        conn_.reset(c);
    } catch (...) {
        g_connection_open = false;
        throw;
    }
}

EmbeddedClickHouse::~EmbeddedClickHouse() {
    conn_.reset();
    g_connection_open = false;
}

std::string EmbeddedClickHouse::run_locked(std::string_view sql, std::string_view format) {
    ResultPtr result(chdb_query_n(*conn_, sql.data(), sql.size(), format.data(), format.size()));
    if (!result)
        throw ToteError(ErrorClass::Fatal, "embedded ClickHouse (" + dir_.string() +
                                               ") returned no result for: " + statement_head(sql));
    if (const char* err = chdb_result_error(result.get()); err != nullptr && *err != '\0') {
        std::string message = err;
        while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
            message.pop_back();
        auto code = clickhouse_error_code(message);
        ErrorClass cls = code ? classify_clickhouse_code(*code) : ErrorClass::Fatal;
        throw ToteError(cls, "embedded ClickHouse (" + dir_.string() + ") failed: " + message +
                                 " -- statement: " + statement_head(sql));
    }
    const char* buf = chdb_result_buffer(result.get());
    size_t len = chdb_result_length(result.get());
    return buf ? std::string(buf, len) : std::string();
}

std::string EmbeddedClickHouse::query(std::string_view sql, std::string_view format) {
    std::lock_guard lock(mutex_);
    return run_locked(sql, format);
}

namespace {
// The AST node types (first word of EXPLAIN AST) of statements that only read.
constexpr std::array<std::string_view, 8> kReadingStatements = {
    "SelectWithUnionQuery", "ShowTables",           "DescribeQuery", "ExistsTableQuery",
    "ShowCreateTableQuery", "ShowProcesslistQuery", "Explain",       "ShowColumns"};

[[noreturn]] void refuse_write(std::string_view why) {
    throw ToteError(ErrorClass::Fatal,
                    "refused: queries are read-only (" + std::string(why) +
                        "); to change the warehouse, run tote query with --write");
}
}  // namespace

std::string EmbeddedClickHouse::query_readonly(std::string_view sql, std::string_view format) {
    std::lock_guard lock(mutex_);
    std::string canonical;
    try {
        canonical = run_locked("SELECT formatQuerySingleLine(" + sql_string(sql) + ")", "RawBLOB");
    } catch (const ToteError& e) {
        throw ToteError(ErrorClass::Fatal,
                        "cannot run this as one read-only statement: " + std::string(e.what()));
    }
    while (!canonical.empty() && (canonical.back() == '\n' || canonical.back() == ' '))
        canonical.pop_back();
    const std::string ast = run_locked("EXPLAIN AST " + canonical, "TabSeparatedRaw");
    const std::string_view first(ast.data(), std::min(ast.find_first_of(" \n"), ast.size()));
    if (std::find(kReadingStatements.begin(), kReadingStatements.end(), first) ==
        kReadingStatements.end())
        refuse_write("statement type " + std::string(first));
    // A literal directly under the statement is an INTO OUTFILE target: a file write.
    if (ast.find("\n Literal") != std::string::npos) refuse_write("INTO OUTFILE writes a file");
    const std::string limits = read_limits_.settings();
    try {
        return run_locked(
            canonical + " SETTINGS readonly=2" + (limits.empty() ? "" : ", " + limits), format);
    } catch (const ToteError& e) {
        if (std::string_view(e.what()).find("READONLY") != std::string_view::npos)
            refuse_write("the engine refused it");
        throw;
    }
}

std::string EmbeddedClickHouse::cancel_unsupported() const {
    return "cancel is not available on the embedded engine: libchdb runs one statement at a time "
           "on a single query thread, so a KILL QUERY waits until the running statement ends, and "
           "chDB's stream cancel acts only between result blocks (an aggregation's one block "
           "comes at its end); --sql-max-seconds stops a statement, or serve over a ClickHouse "
           "server (--clickhouse-url), where cancel kills it (docs/operations.md, \"Cancelling a "
           "statement\")";
}

std::string EmbeddedClickHouse::query_trusted_readonly(std::string_view sql,
                                                       std::string_view format) {
    std::lock_guard lock(mutex_);
    try {
        return run_locked(std::string(sql) + " SETTINGS readonly=2", format);
    } catch (const ToteError& e) {
        if (std::string_view(e.what()).find("READONLY") != std::string_view::npos)
            refuse_write("the engine refused it");
        throw;
    }
}

void EmbeddedClickHouse::insert_row_binary(std::string_view database_table,
                                           std::string_view columns, std::string_view rows) {
    if (rows.empty()) return;
    std::vector<ColumnSpec> specs = parse_column_list(columns);
    std::lock_guard lock(mutex_);
    // The rows go to an anonymous in-memory file (no inode on disk to allocate and delete per
    // insert) that the engine reads through /proc/self/fd.
    UniqueFd fd(::memfd_create("tote-insert", MFD_CLOEXEC));
    if (!fd)
        throw ToteError(
            ErrorClass::Retriable,
            std::string("cannot create an in-memory insert buffer: ") + std::strerror(errno));
    std::filesystem::path file = "/proc/self/fd/" + std::to_string(fd.get());
    write_all(fd.get(), rows, file);
    std::string sql = "INSERT INTO ";
    sql += database_table;
    sql += " (";
    sql += format_column_names(specs);
    // One batch may span many partitions (a first load of years of monthly-partitioned facts);
    // the engine's default limit of 100 per insert (code 252) would fail the same batch on
    // every retry. 18.16 has no such limit.
    sql += ") SETTINGS max_partitions_per_insert_block = 0 SELECT * FROM file(";
    sql += sql_string(file.string());
    sql += ", 'RowBinary', ";
    sql += sql_string(format_column_list(specs));
    sql += ")";
    run_locked(sql, "TabSeparated");
}

std::string EmbeddedClickHouse::server_version() {
    std::string v = query("SELECT version()");
    while (!v.empty() && (v.back() == '\n' || v.back() == ' ')) v.pop_back();
    return v;
}

std::string EmbeddedClickHouse::describe() const {
    return "embedded:" + dir_.string();
}

}  // namespace tote
