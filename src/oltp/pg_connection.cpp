#include "oltp/pg_connection.h"

#include <charconv>

namespace tote {
namespace {

std::string or_default(const char* s, const char* fallback) {
    return s && *s ? std::string(s) : std::string(fallback);
}

// libpq's message as one sentence on one line.
std::string trimmed(const char* message) {
    std::string m;
    for (const char* p = message ? message : ""; *p; ++p) {
        if (*p == '\n' || *p == '\t') {
            while (!m.empty() && m.back() == ' ') m.pop_back();
            if (!m.empty() && p[1] != '\0' && m.back() != ':') m += ';';
            if (!m.empty()) m += ' ';
        } else {
            m += *p;
        }
    }
    while (!m.empty() && (m.back() == ' ' || m.back() == ';')) m.pop_back();
    if (!m.empty() && m.back() != '.' && m.back() != '?') m += '.';
    return m;
}

// The statement's first word(s), for messages: "INSERT INTO bets", "UPDATE wallet_...".
std::string first_words(std::string_view sql, size_t n) {
    std::string out;
    size_t words = 0, i = 0;
    while (i < sql.size() && words < n) {
        while (i < sql.size() && (sql[i] == ' ' || sql[i] == '\n')) ++i;
        size_t j = i;
        while (j < sql.size() && sql[j] != ' ' && sql[j] != '\n' && sql[j] != ';') ++j;
        if (j == i) break;
        if (!out.empty()) out += ' ';
        out.append(sql.substr(i, j - i));
        ++words;
        i = j;
    }
    return out;
}

}  // namespace

int64_t PgResult::int64(int row, int col) const {
    std::string_view t = text(row, col);
    int64_t v = 0;
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec != std::errc() || p != t.data() + t.size())
        throw ToteError(ErrorClass::Fatal, "PostgreSQL returned '" + std::string(t) +
                                               "' where an integer was expected (row " +
                                               std::to_string(row) + ", column " +
                                               std::to_string(col) + ")");
    return v;
}

bool PgResult::ok() const {
    ExecStatusType st = PQresultStatus(r_.get());
    return r_ && (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY);
}
std::string PgResult::sqlstate() const {
    const char* s = r_ ? PQresultErrorField(r_.get(), PG_DIAG_SQLSTATE) : nullptr;
    return s ? s : "";
}
std::string PgResult::error_message() const {
    const char* s = r_ ? PQresultErrorField(r_.get(), PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    return s ? s : "no result";
}

PgConnection::PgConnection(const std::string& url) : conn_(PQconnectdb(url.c_str())) {
    if (!conn_)
        throw ToteError(ErrorClass::Retriable,
                        "libpq could not allocate a connection (out of memory)");
    if (PQstatus(conn_.get()) != CONNECTION_OK) {
        throw ToteError(
            ErrorClass::Retriable,
            "cannot connect to PostgreSQL (" + describe() +
                "): " + trimmed(PQerrorMessage(conn_.get())) +
                " Check that the server runs and accepts TCP connections there (for the "
                "project's stack: scripts/stack.sh up postgres; scripts/stack.sh env prints its "
                "URL), that the database exists (createdb), and the URL "
                "(postgresql://USER@HOST:PORT/DATABASE)");
    }
    // Quiet NOTICEs (e.g. from TRUNCATE): they are not errors and would clutter stderr.
    PQsetNoticeProcessor(
        conn_.get(), [](void*, const char*) {}, nullptr);
}

std::string PgConnection::host() const {
    return or_default(PQhost(conn_.get()), "localhost");
}
std::string PgConnection::port() const {
    return or_default(PQport(conn_.get()), "5432");
}
std::string PgConnection::database() const {
    return or_default(PQdb(conn_.get()), "?");
}
std::string PgConnection::user() const {
    return or_default(PQuser(conn_.get()), "?");
}
std::string PgConnection::password() const {
    return or_default(PQpass(conn_.get()), "");
}

std::string PgConnection::describe() const {
    return "host " + host() + " port " + port() + " database " + database() + " user " + user();
}

PgResult PgConnection::exec(const std::string& sql) {
    PgResult result(PQexec(conn_.get(), sql.c_str()));
    if (PQstatus(conn_.get()) != CONNECTION_OK)
        throw ToteError(ErrorClass::Retriable,
                        "lost the connection to PostgreSQL (" + describe() + ") running " +
                            first_words(sql, 3) + ": " + trimmed(PQerrorMessage(conn_.get())) +
                            " Is the server still up? Transactions in flight may not be "
                            "committed (the database holds a prefix of the workload): run again "
                            "against a fresh database");
    if (result.ok()) return result;
    std::string state = result.sqlstate(), message = result.error_message();
    if (PQtransactionStatus(conn_.get()) == PQTRANS_INERROR)
        PgResult(PQexec(conn_.get(), "ROLLBACK"));  // leave the session usable
    std::string stmt = first_words(sql, 3);
    if (stmt == "BEGIN") stmt = "a transaction";
    throw PgStatementError(state, "PostgreSQL (" + describe() + ") refused " + stmt + ": " +
                                      message + " (SQLSTATE " + state + ")");
}

std::vector<std::vector<std::optional<std::string>>> PgConnection::query(const std::string& sql) {
    PgResult r = exec(sql);
    const int columns = PQnfields(r.get());
    std::vector<std::vector<std::optional<std::string>>> out(static_cast<size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i)
        for (int j = 0; j < columns; ++j)
            out[i].push_back(r.is_null(i, j) ? std::nullopt
                                             : std::optional<std::string>(r.text(i, j)));
    return out;
}

}  // namespace tote
