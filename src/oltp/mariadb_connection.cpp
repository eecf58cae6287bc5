#include "oltp/mariadb_connection.h"

#include <errmsg.h>

namespace tote {
namespace {

struct ResultDeleter {
    void operator()(MYSQL_RES* r) const noexcept { mysql_free_result(r); }
};
using Result = std::unique_ptr<MYSQL_RES, ResultDeleter>;

bool connection_lost(unsigned err) {
    return err == CR_SERVER_GONE_ERROR || err == CR_SERVER_LOST || err == CR_CONN_HOST_ERROR ||
           err == CR_CONNECTION_ERROR;
}

// "SELECT ..." -> "SELECT": the statement's first word, for messages.
std::string first_word(const std::string& sql) {
    size_t a = sql.find_first_not_of(" \t\r\n");
    if (a == std::string::npos) return "(empty)";
    size_t b = sql.find_first_of(" \t\r\n;(", a);
    return sql.substr(a, (b == std::string::npos ? sql.size() : b) - a);
}

}  // namespace

bool MariaDbConnection::is_url(const std::string& url) {
    return url.rfind("mysql://", 0) == 0 || url.rfind("mariadb://", 0) == 0;
}

MariaDbConnection::MariaDbConnection(const std::string& url) {
    const size_t scheme = url.find("://");
    if (!is_url(url) || scheme == std::string::npos)
        throw ToteError(ErrorClass::Fatal, "'" + url +
                                               "' is not a MariaDB URL: expected "
                                               "mysql://USER[:PASSWORD]@HOST[:PORT]/DATABASE");
    std::string rest = url.substr(scheme + 3);
    std::string password;
    const size_t at = rest.rfind('@');
    if (at != std::string::npos) {
        std::string cred = rest.substr(0, at);
        rest = rest.substr(at + 1);
        const size_t colon = cred.find(':');
        user_ = cred.substr(0, colon);
        if (colon != std::string::npos) password = cred.substr(colon + 1);
    }
    const size_t slash = rest.find('/');
    std::string hostport = rest.substr(0, slash);
    database_ = slash == std::string::npos ? "" : rest.substr(slash + 1);
    const size_t colon = hostport.rfind(':');
    host_ = hostport.substr(0, colon);
    if (colon != std::string::npos) {
        try {
            port_ = static_cast<unsigned>(std::stoul(hostport.substr(colon + 1)));
        } catch (const std::exception&) {
            throw ToteError(ErrorClass::Fatal, "MariaDB URL '" + url + "': bad port");
        }
    }
    if (host_.empty() || database_.empty() || user_.empty())
        throw ToteError(ErrorClass::Fatal, "MariaDB URL '" + url +
                                               "' lacks a user, host or database: expected "
                                               "mysql://USER[:PASSWORD]@HOST[:PORT]/DATABASE");
    conn_.reset(mysql_init(nullptr));
    if (!conn_) throw ToteError(ErrorClass::Fatal, "mysql_init failed: out of memory");
    const unsigned timeout = 10;
    mysql_options(conn_.get(), MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
    if (!mysql_real_connect(conn_.get(), host_.c_str(), user_.c_str(), password.c_str(),
                            database_.c_str(), port_, nullptr, CLIENT_MULTI_STATEMENTS)) {
        const std::string msg = mysql_error(conn_.get());
        throw ToteError(ErrorClass::Retriable,
                        "cannot connect to MariaDB (" + describe() + "): " + msg +
                            ". Is the server up (scripts/stack.sh up mariadb) and the URL right?");
    }
    if (mysql_set_character_set(conn_.get(), "utf8mb4") != 0) fail("setting utf8mb4");
}

std::string MariaDbConnection::describe() const {
    return "host " + host_ + " port " + std::to_string(port_) + " database " + database_ +
           " user " + user_;
}

void MariaDbConnection::fail(const std::string& what) {
    const unsigned err = mysql_errno(conn_.get());
    const std::string msg = mysql_error(conn_.get());
    if (connection_lost(err))
        throw ToteError(ErrorClass::Retriable, "the connection to MariaDB (" + describe() +
                                                   ") was lost during " + what + ": " + msg);
    // A multi-statement text stops at the failing statement: nothing after it ran.
    mysql_query(conn_.get(), "ROLLBACK");
    while (mysql_more_results(conn_.get()) && mysql_next_result(conn_.get()) == 0) {
        Result r(mysql_store_result(conn_.get()));
    }
    throw ToteError(ErrorClass::Fatal, "MariaDB (" + describe() + ") refused " + what + ": error " +
                                           std::to_string(err) + ": " + msg);
}

void MariaDbConnection::exec(const std::string& sql) {
    const std::string what = "a " + first_word(sql) + " statement";
    if (mysql_real_query(conn_.get(), sql.data(), sql.size()) != 0) fail(what);
    for (;;) {
        Result r(mysql_store_result(conn_.get()));
        if (!r && mysql_field_count(conn_.get()) != 0) fail(what);
        const int next = mysql_next_result(conn_.get());
        if (next == -1) break;
        if (next > 0) fail(what);
    }
}

std::vector<std::vector<std::optional<std::string>>> MariaDbConnection::query(
    const std::string& sql) {
    const std::string what = "a " + first_word(sql) + " statement";
    if (mysql_real_query(conn_.get(), sql.data(), sql.size()) != 0) fail(what);
    Result r(mysql_store_result(conn_.get()));
    if (!r) fail(what);
    std::vector<std::vector<std::optional<std::string>>> rows;
    const unsigned n = mysql_num_fields(r.get());
    while (MYSQL_ROW row = mysql_fetch_row(r.get())) {
        const unsigned long* lengths = mysql_fetch_lengths(r.get());
        auto& out = rows.emplace_back(n);
        for (unsigned i = 0; i < n; ++i)
            if (row[i]) out[i] = std::string(row[i], lengths[i]);
    }
    return rows;
}

}  // namespace tote
