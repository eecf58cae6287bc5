#pragma once
// A thin RAII wrapper over libpq: one PGconn per PgConnection, one PGresult per PgResult, both
// freed by their destructors. Errors are ToteErrors that say what failed, on which server and
// database, and what to do: a connection that cannot be made or is lost is Retriable, a
// statement the server refuses is Fatal (with its SQLSTATE, so callers can tell cases apart).
#include <libpq-fe.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace tote {

// A statement the server refused; sqlstate() is the five-character SQLSTATE ("42P01", ...).
class PgStatementError : public ToteError {
public:
    PgStatementError(std::string sqlstate, const std::string& what)
        : ToteError(ErrorClass::Fatal, what), sqlstate_(std::move(sqlstate)) {}
    const std::string& sqlstate() const { return sqlstate_; }

private:
    std::string sqlstate_;
};

class PgResult {
public:
    explicit PgResult(PGresult* r) : r_(r) {}
    int rows() const { return PQntuples(r_.get()); }
    bool is_null(int row, int col) const { return PQgetisnull(r_.get(), row, col) != 0; }
    std::string_view text(int row, int col) const {
        return {PQgetvalue(r_.get(), row, col),
                static_cast<size_t>(PQgetlength(r_.get(), row, col))};
    }
    int64_t int64(int row, int col) const;  // throws Fatal when the value is not an integer
    bool ok() const;                        // the statement(s) succeeded
    std::string sqlstate() const;           // of a failed statement; "" when none
    std::string error_message() const;      // the server's message, one line
    const PGresult* get() const { return r_.get(); }

private:
    struct Deleter {
        void operator()(PGresult* r) const noexcept { PQclear(r); }
    };
    std::unique_ptr<PGresult, Deleter> r_;
};

class PgConnection {
public:
    // url: a libpq connection string or URI (postgresql://user@host:port/db). Throws Retriable
    // naming host, port and database when the server cannot be reached or refuses us.
    explicit PgConnection(const std::string& url);

    // Runs one or more statements (simple query protocol); returns the last one's result.
    // On failure a transaction the text opened is rolled back, and PgStatementError says
    // which statement kind failed and the server's message; a lost connection is Retriable.
    PgResult exec(const std::string& sql);
    // One statement's rows as text (nullopt for NULL), the shape MariaDbConnection::query gives.
    std::vector<std::vector<std::optional<std::string>>> query(const std::string& sql);

    // "host 127.0.0.1 port 5432 database tote user postgres"
    std::string describe() const;
    std::string host() const;
    std::string port() const;
    std::string database() const;
    std::string user() const;
    std::string password() const;

private:
    struct Deleter {
        void operator()(PGconn* c) const noexcept { PQfinish(c); }
    };
    std::unique_ptr<PGconn, Deleter> conn_;
};

}  // namespace tote
