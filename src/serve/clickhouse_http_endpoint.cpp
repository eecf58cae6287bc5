#include "serve/clickhouse_http_endpoint.h"

#include <httplib.h>

#include <atomic>
#include <regex>
#include <thread>

#include "core/error.h"
#include "core/log.h"

namespace tote {

namespace {

// The ClickHouse error code in an engine message ("Code: 62. DB::Exception: ..."), else 1001.
int error_code_of(const std::string& message) {
    static const std::regex code(R"(Code: (\d+)\.)");
    std::smatch m;
    if (std::regex_search(message, m, code)) return std::stoi(m[1]);
    if (message.find("refused: queries are read-only") != std::string::npos) return 164;
    return 1001;
}

// Content types of the usual output formats.
std::string content_type(const std::string& format) {
    if (format.rfind("JSON", 0) == 0) return "application/json; charset=UTF-8";
    if (format.rfind("TabSeparated", 0) == 0 || format.rfind("TSV", 0) == 0)
        return "text/tab-separated-values; charset=UTF-8";
    if (format.rfind("CSV", 0) == 0) return "text/csv; charset=UTF-8; header=absent";
    if (format.rfind("Pretty", 0) == 0 || format == "Vertical" || format == "Markdown")
        return "text/plain; charset=UTF-8";
    return "application/octet-stream";
}

bool same_secret(const std::string& a, const std::string& b) {
    if (a.size() != b.size() || a.empty()) return false;
    unsigned char diff = 0;
    for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

// Standard base64 (HTTP basic auth); stops at the first character outside the alphabet.
std::string base64_text(std::string_view in) {
    static const std::string_view alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    uint32_t acc = 0;
    int bits = 0;
    for (char c : in) {
        const auto v = alphabet.find(c);
        if (v == std::string_view::npos) break;
        acc = (acc << 6) | static_cast<uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((acc >> bits) & 0xFF));
        }
    }
    return out;
}

// The password presented: X-ClickHouse-Key, the password parameter, or HTTP basic auth.
std::string presented_password(const httplib::Request& req) {
    if (req.has_header("X-ClickHouse-Key")) return req.get_header_value("X-ClickHouse-Key");
    if (req.has_param("password")) return req.get_param_value("password");
    const std::string auth = req.get_header_value("Authorization");
    if (auth.rfind("Basic ", 0) == 0) {
        const std::string decoded = base64_text(std::string_view(auth).substr(6));
        const auto colon = decoded.find(':');
        if (colon != std::string::npos) return decoded.substr(colon + 1);
    }
    return {};
}

}  // namespace

struct ClickHouseHttpEndpoint::Impl {
    Impl(ClickHouseConnection& c, ClickHouseHttpEndpointConfig cfg)
        : conn(c), config(std::move(cfg)) {}

    void handle(const httplib::Request& req, httplib::Response& res) {
        res.set_header("X-ClickHouse-Timezone", "UTC");
        res.set_header("X-ClickHouse-Query-Id", "tote-" + std::to_string(++queries));
        auto fail = [&](int status, int code, const std::string& message) {
            res.status = status;
            res.set_header("X-ClickHouse-Exception-Code", std::to_string(code));
            res.set_content("Code: " + std::to_string(code) + ". DB::Exception: " + message + "\n",
                            "text/plain; charset=UTF-8");
        };
        if (!same_secret(presented_password(req), config.token)) {
            fail(401, 516,
                 "tote: authentication failed: the password is the dashboard's token "
                 "(DATA/dashboard.token), any user name. (AUTHENTICATION_FAILED)");
            return;
        }
        std::string sql = req.get_param_value("query");
        if (req.method == "POST" && !req.body.empty()) sql += (sql.empty() ? "" : " ") + req.body;
        if (sql.empty()) {
            res.set_content("Ok.\n", "text/plain; charset=UTF-8");
            return;
        }
        if (req.has_param("database") && req.get_param_value("database") != config.database &&
            req.get_param_value("database") != "default") {
            fail(500, 81,
                 "tote serves one database, '" + config.database +
                     "': qualify the tables or connect to it. (UNKNOWN_DATABASE)");
            return;
        }
        std::string format = req.has_param("default_format") ? req.get_param_value("default_format")
                                                             : std::string("TabSeparated");
        // A FORMAT clause of the statement wins, as in ClickHouse.
        static const std::regex clause(R"(\bFORMAT\s+([A-Za-z0-9_]+)\s*;?\s*$)", std::regex::icase);
        std::smatch m;
        if (std::regex_search(sql, m, clause)) {
            format = m[1];
            sql = sql.substr(0, static_cast<size_t>(m.position(0)));
        }
        try {
            std::string out = conn.query_readonly(sql, format);
            res.set_header("X-ClickHouse-Format", format);
            res.set_header("X-ClickHouse-Summary",
                           R"({"read_rows":"0","read_bytes":"0","written_rows":"0",)"
                           R"("written_bytes":"0","total_rows_to_read":"0","result_rows":"0",)"
                           R"("result_bytes":")" +
                               std::to_string(out.size()) + "\"}");
            res.set_content(std::move(out), content_type(format));
            ++answered;
        } catch (const std::exception& e) {
            const std::string message = e.what();
            ++failed;
            fail(500, error_code_of(message), message);
        }
    }

    ClickHouseConnection& conn;
    ClickHouseHttpEndpointConfig config;
    httplib::Server server;
    std::thread thread;
    std::atomic<uint64_t> queries{0}, answered{0}, failed{0};
};

ClickHouseHttpEndpoint::ClickHouseHttpEndpoint(ClickHouseConnection& conn,
                                               ClickHouseHttpEndpointConfig config)
    : impl_(std::make_unique<Impl>(conn, std::move(config))) {
    auto& s = impl_->server;
    const size_t workers = impl_->config.workers;
    s.new_task_queue = [workers] { return new httplib::ThreadPool(workers); };
    s.set_payload_max_length(16 << 20);
    s.Get("/ping", [](const httplib::Request&, httplib::Response& res) {
        res.set_content("Ok.\n", "text/plain; charset=UTF-8");
    });
    auto handler = [this](const httplib::Request& req, httplib::Response& res) {
        impl_->handle(req, res);
    };
    s.Get("/", handler);
    s.Post("/", handler);
}

ClickHouseHttpEndpoint::~ClickHouseHttpEndpoint() {
    stop();
}

std::string ClickHouseHttpEndpoint::start() {
    auto& s = impl_->server;
    // Unqualified table names resolve in the warehouse's database where the connection keeps a
    // session (the embedded engine opened by this process); elsewhere tables must be qualified.
    try {
        impl_->conn.query("USE " + impl_->config.database);
    } catch (const std::exception& e) {
        Log::info("serve", std::string("SQL endpoint: tables must be qualified (") +
                               impl_->config.database + ".fact_bet): " + e.what());
    }
    int port = impl_->config.port;
    if (port == 0)
        port = s.bind_to_any_port("127.0.0.1");
    else if (!s.bind_to_port("127.0.0.1", port))
        port = -1;
    if (port <= 0)
        throw ToteError(
            ErrorClass::Fatal,
            "SQL endpoint: cannot listen on 127.0.0.1:" + std::to_string(impl_->config.port) +
                ": the port is taken; choose another with --sql-port");
    impl_->thread = std::thread([&s] { s.listen_after_bind(); });
    return "http://127.0.0.1:" + std::to_string(port);
}

void ClickHouseHttpEndpoint::stop() {
    if (!impl_ || !impl_->thread.joinable()) return;
    impl_->server.stop();
    impl_->thread.join();
}

}  // namespace tote
