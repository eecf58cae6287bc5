#pragma once
// A thin RAII wrapper over libmariadb (MariaDB Connector/C): one MYSQL handle per
// MariaDbConnection, freed by mysql_close in its destructor; each result set is freed by
// mysql_free_result before the call that read it returns. Errors are ToteErrors that say what
// failed, on which server and database, and what to do: a connection that cannot be made or is
// lost is Retriable, a statement the server refuses is Fatal (with MariaDB's error number).
#include <mysql.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"

namespace tote {

class MariaDbConnection {
public:
    // url: mysql://USER[:PASSWORD]@HOST[:PORT]/DATABASE (mariadb:// is the same). Throws Fatal
    // for a URL of another form, Retriable naming host, port and database when the server
    // cannot be reached or refuses us.
    explicit MariaDbConnection(const std::string& url);

    // Runs one or more statements (separated by ';') and reads every result. On failure an
    // open transaction is rolled back and a Fatal error names the server's error number and
    // message; a lost connection is Retriable.
    void exec(const std::string& sql);
    // One statement's rows, every value as text (nullopt for NULL).
    std::vector<std::vector<std::optional<std::string>>> query(const std::string& sql);

    // "host 127.0.0.1 port 3306 database tote user tote"
    std::string describe() const;
    const std::string& host() const { return host_; }
    unsigned port() const { return port_; }
    const std::string& database() const { return database_; }
    const std::string& user() const { return user_; }

    // Whether url names a MySQL/MariaDB server (mysql:// or mariadb://).
    static bool is_url(const std::string& url);

private:
    [[noreturn]] void fail(const std::string& what);

    struct Deleter {
        void operator()(MYSQL* m) const noexcept { mysql_close(m); }
    };
    std::unique_ptr<MYSQL, Deleter> conn_;
    std::string host_, database_, user_;
    unsigned port_ = 3306;
};

}  // namespace tote
