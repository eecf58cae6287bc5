#include "sink/http_clickhouse.h"

#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "core/error.h"
#include "sink/clickhouse_error.h"
#include "sink/sql_text.h"

namespace tote {
namespace {

struct SlistDeleter {
    void operator()(curl_slist* l) const noexcept { curl_slist_free_all(l); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

struct CurlStringDeleter {
    void operator()(char* p) const noexcept { curl_free(p); }
};

size_t append_body(char* data, size_t size, size_t n, void* out) {
    static_cast<std::string*>(out)->append(data, size * n);
    return size * n;
}

// The request body: a statement head, then the rows, read by libcurl piece by piece.
struct BodyReader {
    std::string_view head;
    std::string_view body;
    const std::string_view whole_head = head;  // for a rewind (seek_body)
    const std::string_view whole_body = body;
};

size_t read_body(char* buffer, size_t size, size_t n, void* in) {
    auto* r = static_cast<BodyReader*>(in);
    size_t room = size * n;
    size_t written = 0;
    for (std::string_view* part : {&r->head, &r->body}) {
        size_t take = std::min(room - written, part->size());
        if (take == 0) continue;  // an empty part may have no data pointer at all
        std::memcpy(buffer + written, part->data(), take);
        part->remove_prefix(take);
        written += take;
    }
    return written;
}

// libcurl rewinds the body when it sends the request again on a new connection (a kept-alive
// one the server closed meanwhile, as after a server restart); without this the request fails
// with "Send failed since rewinding of the data stream failed".
int seek_body(void* in, curl_off_t offset, int origin) {
    auto* r = static_cast<BodyReader*>(in);
    if (origin != SEEK_SET || offset < 0 ||
        static_cast<size_t>(offset) > r->whole_head.size() + r->whole_body.size())
        return CURL_SEEKFUNC_CANTSEEK;
    const auto at = static_cast<size_t>(offset);
    r->head = r->whole_head.substr(std::min(at, r->whole_head.size()));
    r->body = r->whole_body.substr(at > r->whole_head.size() ? at - r->whole_head.size() : 0);
    return CURL_SEEKFUNC_OK;
}

bool transport_retriable(CURLcode rc) {
    switch (rc) {
        case CURLE_COULDNT_CONNECT:
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_OPERATION_TIMEDOUT:
        case CURLE_SEND_ERROR:
        case CURLE_RECV_ERROR:
        case CURLE_GOT_NOTHING:
        case CURLE_PARTIAL_FILE:
        case CURLE_AGAIN:
        case CURLE_SEND_FAIL_REWIND:  // sent again whole by the retry (inserts are idempotent)
            return true;
        default:
            return false;
    }
}

// Makes libcurl's global initialisation happen once, before the first handle.
void curl_global_once() {
    static const bool done = [] {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        return true;
    }();
    (void)done;
}

// head + body as one gzip member (zlib level 1: fast; RowBinary of landing rows shrinks ~4x).
std::string gzip(std::string_view head, std::string_view body) {
    z_stream z{};
    if (deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        throw ToteError(ErrorClass::Fatal, "zlib could not start a gzip stream");
    std::string out;
    out.resize(deflateBound(&z, static_cast<uLong>(head.size() + body.size())) + 64);
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    auto feed = [&](std::string_view part, int flush) {
        z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(part.data()));
        z.avail_in = static_cast<uInt>(part.size());
        return deflate(&z, flush);
    };
    const int rc1 = feed(head, Z_NO_FLUSH);
    const int rc2 = feed(body, Z_FINISH);
    const size_t written = z.total_out;
    deflateEnd(&z);
    if (rc1 != Z_OK || rc2 != Z_STREAM_END)
        throw ToteError(ErrorClass::Fatal, "zlib could not compress an insert of " +
                                               std::to_string(head.size() + body.size()) +
                                               " bytes");
    out.resize(written);
    return out;
}

bool loopback_host(std::string_view url) {
    if (auto scheme = url.find("://"); scheme != std::string_view::npos)
        url.remove_prefix(scheme + 3);
    if (auto at = url.find('@'); at != std::string_view::npos) url.remove_prefix(at + 1);
    return url.starts_with("127.") || url.starts_with("localhost") || url.starts_with("[::1]");
}

}  // namespace

bool gzip_inserts_for(std::string_view setting, std::string_view url) {
    if (setting == "gzip") return true;
    if (setting == "none") return false;
    if (setting == "auto") return !loopback_host(url);
    throw ToteError(ErrorClass::Fatal, "insert compression '" + std::string(setting) +
                                           "' is not one of auto, gzip, none");
}

HttpClickHouse::HttpClickHouse(HttpClickHouseConfig config) : config_(std::move(config)) {
    curl_global_once();
    curl_.reset(curl_easy_init());
    if (!curl_) throw ToteError(ErrorClass::Fatal, "cannot initialise libcurl");
    while (!config_.url.empty() && config_.url.back() == '/') config_.url.pop_back();
}

HttpClickHouse::HttpClickHouse(const std::string& url)
    : HttpClickHouse([&] {
          HttpClickHouseConfig c;
          c.url = url;
          return c;
      }()) {}

HttpClickHouse::~HttpClickHouse() = default;

std::string HttpClickHouse::url_encode(std::string_view text) {
    std::unique_ptr<char, CurlStringDeleter> enc(
        curl_easy_escape(curl_.get(), text.data(), static_cast<int>(text.size())));
    if (!enc) throw ToteError(ErrorClass::Fatal, "libcurl could not URL-encode a statement");
    return enc.get();
}

std::string HttpClickHouse::post_locked(const std::string& url_query, std::string_view head,
                                        std::string_view body, std::string_view statement,
                                        bool compress) {
    return post_with(curl_.get(), url_query, head, body, statement, compress);
}

std::string HttpClickHouse::post_with(CURL* c, const std::string& url_query, std::string_view head,
                                      std::string_view body, std::string_view statement,
                                      bool compress) {
    std::string compressed;
    if (compress) {
        compressed = gzip(head, body);
        head = compressed;
        body = {};
    }
    curl_easy_reset(c);
    std::string url = config_.url + "/?" + url_query;
    if (!config_.extra_params.empty()) url += "&" + config_.extra_params;
    std::string response;
    Slist headers(curl_slist_append(nullptr, "Content-Type: application/octet-stream"));
    if (!headers) throw ToteError(ErrorClass::Fatal, "libcurl could not allocate headers");
    // No "Expect: 100-continue" round trip before a large body.
    if (!curl_slist_append(headers.get(), "Expect:") ||
        (compress && !curl_slist_append(headers.get(), "Content-Encoding: gzip")))
        throw ToteError(ErrorClass::Fatal, "libcurl could not allocate headers");
    if (!config_.user.empty()) {
        curl_slist* h =
            curl_slist_append(headers.get(), ("X-ClickHouse-User: " + config_.user).c_str());
        if (h) h = curl_slist_append(h, ("X-ClickHouse-Key: " + config_.password).c_str());
        if (!h) throw ToteError(ErrorClass::Fatal, "libcurl could not allocate headers");
    }
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    BodyReader reader{head, body};
    curl_easy_setopt(c, CURLOPT_READFUNCTION, &read_body);
    curl_easy_setopt(c, CURLOPT_READDATA, &reader);
    curl_easy_setopt(c, CURLOPT_SEEKFUNCTION, &seek_body);
    curl_easy_setopt(c, CURLOPT_SEEKDATA, &reader);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(head.size() + body.size()));
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &append_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &response);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, config_.connect_timeout_ms);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, config_.request_timeout_ms);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK) {
        throw ToteError(transport_retriable(rc) ? ErrorClass::Retriable : ErrorClass::Fatal,
                        "ClickHouse at " + config_.url + " unreachable: " + curl_easy_strerror(rc) +
                            " (is the server running?) -- statement: " + statement_head(statement));
    }
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (status == 200) return response;
    while (!response.empty() && (response.back() == '\n' || response.back() == ' '))
        response.pop_back();
    ErrorClass cls = ErrorClass::Fatal;
    if (auto code = clickhouse_error_code(response))
        cls = classify_clickhouse_code(*code);
    else if (status == 502 || status == 503 || status == 504 || status == 429)
        cls = ErrorClass::Retriable;
    throw ToteError(cls, "ClickHouse at " + config_.url + " answered HTTP " +
                             std::to_string(status) + ": " + response +
                             " -- statement: " + statement_head(statement));
}

std::string HttpClickHouse::query(std::string_view sql, std::string_view format) {
    std::lock_guard lock(mutex_);
    return post_locked("default_format=" + url_encode(format), sql, {}, sql);
}

std::string HttpClickHouse::readonly_params(std::string_view format) {
    std::string params = "readonly=2&default_format=" + url_encode(format);
    const ReadLimits& l = read_limits_;
    if (l.max_seconds) params += "&max_execution_time=" + std::to_string(l.max_seconds);
    if (l.max_rows) params += "&max_result_rows=" + std::to_string(l.max_rows);
    if (l.max_bytes) params += "&max_result_bytes=" + std::to_string(l.max_bytes);
    if (l.max_rows || l.max_bytes) params += "&result_overflow_mode=throw";
    return params;
}

namespace {

[[noreturn]] void rethrow_readonly(const ToteError& e) {
    if (std::string_view(e.what()).find("Code: 164") != std::string_view::npos)
        throw ToteError(ErrorClass::Fatal,
                        std::string(e.what()) +
                            " (queries are read-only; to change the warehouse, run tote "
                            "query with --write)");
    throw e;
}

}  // namespace

std::string HttpClickHouse::query_readonly(std::string_view sql, std::string_view format) {
    std::lock_guard lock(mutex_);
    try {
        return post_locked(readonly_params(format), sql, {}, sql);
    } catch (const ToteError& e) {
        rethrow_readonly(e);
    }
}

std::string HttpClickHouse::query_readonly_as(std::string_view query_id, std::string_view sql,
                                              std::string_view format) {
    if (!valid_query_id(query_id))
        throw ToteError(ErrorClass::Fatal, "query_id '" + std::string(query_id) +
                                               "' is not 1-64 letters, digits, '-' or '_'");
    std::lock_guard lock(mutex_);
    try {
        return post_locked(readonly_params(format) + "&query_id=" + std::string(query_id), sql, {},
                           sql);
    } catch (const ToteError& e) {
        rethrow_readonly(e);
    }
}

bool HttpClickHouse::cancel_query(std::string_view query_id) {
    if (!valid_query_id(query_id))
        throw ToteError(ErrorClass::Fatal, "query_id '" + std::string(query_id) +
                                               "' is not 1-64 letters, digits, '-' or '_'");
    if (!config_.no_cancel_reason.empty())
        throw ToteError(ErrorClass::Fatal, config_.no_cancel_reason);
    // A handle of its own: the shared one (and its mutex) is busy with the statement.
    std::unique_ptr<CURL, CurlDeleter> own(curl_easy_init());
    if (!own) throw ToteError(ErrorClass::Fatal, "libcurl could not create a handle");
    const std::string kill = "KILL QUERY WHERE query_id = '" + std::string(query_id) + "' SYNC";
    const std::string out =
        post_with(own.get(), "default_format=TabSeparated", kill, {}, kill, false);
    return !out.empty();  // one row per statement stopped
}

void HttpClickHouse::insert_row_binary(std::string_view database_table, std::string_view columns,
                                       std::string_view rows) {
    if (rows.empty()) return;
    std::string sql = "INSERT INTO ";
    sql += database_table;
    sql += " (";
    sql += format_column_names(parse_column_list(columns));
    sql += ") FORMAT RowBinary\n";  // the rows start after this one newline
    std::lock_guard lock(mutex_);
    post_locked("", sql, rows, sql, config_.gzip_inserts);
}

std::string HttpClickHouse::server_version() {
    std::string v = query("SELECT version()");
    while (!v.empty() && (v.back() == '\n' || v.back() == ' ')) v.pop_back();
    return v;
}

}  // namespace tote
