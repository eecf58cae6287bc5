#pragma once
// A ClickHouse server (18.16 or newer) over its HTTP interface, through libcurl.
// One keep-alive connection, calls serialised by a mutex (thread-safe).
//
// Statements travel in the request body, never in the URL: 18.16 answers HTTP 400 with an empty
// body once a URL passes about 16 KB (an insert into a wide table names every column).
//
// Inserts are RowBinary; with gzip_inserts their bodies are compressed.
//
// Errors: connection refused, timeouts, resets and HTTP 502/503/504 are Retriable; an
// exception from the server ("Code: N, ...", HTTP 400/404/500) is Fatal unless N is a
// busy/overload code (see classify_clickhouse_code); messages include the server's text.
#include <curl/curl.h>

#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "sink/clickhouse_connection.h"

namespace tote {

struct HttpClickHouseConfig {
    std::string url = "http://127.0.0.1:8123";  // scheme, host and port; no path
    std::string user;                           // empty: the server's default user
    std::string password;
    long connect_timeout_ms = 5000;
    long request_timeout_ms = 300000;  // one statement or insert
    // Appended to every request's URL query (already encoded), e.g. "tote_write=1" for a tote
    // process's local API.
    std::string extra_params;
    // Insert bodies (the statement and its RowBinary rows) gzip-compressed (zlib level 1,
    // `Content-Encoding: gzip`, which 18.16 and current servers decompress). Worth it across a
    // network; on loopback it only costs CPU (docs/benchmarks.md). See compression_for_url.
    bool gzip_inserts = false;
    // Set when the other end is not a ClickHouse server that can KILL QUERY (a tote process's
    // local API): why cancel_query is not offered ("" = a server: it is).
    std::string no_cancel_reason;
};

// "auto": gzip unless the URL's host is loopback (127.x, localhost, [::1]); "gzip"; "none".
// Throws a Fatal ToteError for anything else.
bool gzip_inserts_for(std::string_view setting, std::string_view url);

class HttpClickHouse final : public ClickHouseConnection {
public:
    explicit HttpClickHouse(HttpClickHouseConfig config);
    // A server at `url` ("http://host:port") with the default user and timeouts.
    explicit HttpClickHouse(const std::string& url);
    ~HttpClickHouse() override;
    HttpClickHouse(const HttpClickHouse&) = delete;
    HttpClickHouse& operator=(const HttpClickHouse&) = delete;

    std::string query(std::string_view sql, std::string_view format = "TabSeparated") override;
    // readonly=2 on the request: the server refuses writes, DDL and changing `readonly`.
    std::string query_readonly(std::string_view sql,
                               std::string_view format = "TabSeparated") override;
    // query_readonly with `query_id` on the request (the server's own query id).
    std::string query_readonly_as(std::string_view query_id, std::string_view sql,
                                  std::string_view format = "TabSeparated") override;
    std::string cancel_unsupported() const override { return config_.no_cancel_reason; }
    // `KILL QUERY WHERE query_id = '…' SYNC` on a connection of its own (the shared one is busy
    // with the statement): returns when the server has stopped it.
    bool cancel_query(std::string_view query_id) override;
    void insert_row_binary(std::string_view database_table, std::string_view columns,
                           std::string_view rows) override;
    std::string server_version() override;
    std::string describe() const override { return config_.url; }

private:
    struct CurlDeleter {
        void operator()(CURL* c) const noexcept { curl_easy_cleanup(c); }
    };

    // POSTs `head` followed by `body` (sent as one request body without copying them together)
    // to url_query (already encoded); the caller holds mutex_. Throws on failure.
    std::string post_locked(const std::string& url_query, std::string_view head,
                            std::string_view body, std::string_view statement, bool gzip = false);
    // The same on handle `c` (post_locked: the shared one; cancel_query: one of its own).
    std::string post_with(CURL* c, const std::string& url_query, std::string_view head,
                          std::string_view body, std::string_view statement, bool gzip);
    std::string readonly_params(std::string_view format);
    std::string url_encode(std::string_view text);

    HttpClickHouseConfig config_;
    std::mutex mutex_;
    std::unique_ptr<CURL, CurlDeleter> curl_;
};

}  // namespace tote
