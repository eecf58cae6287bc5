#include "serve/api_server.h"

#include <fcntl.h>
#include <httplib.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <set>

#include "core/error.h"
#include "core/unique_fd.h"

namespace tote {

struct ApiServer::Impl {
    Impl(ClickHouseConnection& c, std::function<std::string()> s, std::string t)
        : conn(c), status(std::move(s)), token(std::move(t)) {}
    ClickHouseConnection& conn;
    std::function<std::string()> status;
    std::string token;
    std::string origin;               // http://127.0.0.1:PORT once started
    std::set<std::string> get_paths;  // read-only documents served on GET (on_get)
    httplib::Server server;
    std::thread thread;
};

namespace {

// Equal without an early exit (the time does not tell how much of a guess was right).
bool same_secret(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    unsigned char diff = 0;
    for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

// Standard base64 (RFC 4648) to bytes; stops at the first character outside the alphabet.
std::string base64_decode(std::string_view in) {
    std::string out;
    uint32_t acc = 0;
    int bits = 0;
    for (char ch : in) {
        int v;
        if (ch >= 'A' && ch <= 'Z')
            v = ch - 'A';
        else if (ch >= 'a' && ch <= 'z')
            v = ch - 'a' + 26;
        else if (ch >= '0' && ch <= '9')
            v = ch - '0' + 52;
        else if (ch == '+')
            v = 62;
        else if (ch == '/')
            v = 63;
        else
            break;
        acc = (acc << 6) | static_cast<uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((acc >> bits) & 0xFF);
        }
    }
    return out;
}

std::string presented_token(const httplib::Request& req) {
    if (req.has_header("X-ClickHouse-Key")) return req.get_header_value("X-ClickHouse-Key");
    const std::string auth = req.get_header_value("Authorization");
    if (auth.rfind("Bearer ", 0) == 0) return auth.substr(7);  // Prometheus' bearer_token
    if (auth.rfind("Basic ", 0) == 0) {
        const std::string decoded = base64_decode(std::string_view(auth).substr(6));
        const auto colon = decoded.find(':');
        if (colon != std::string::npos) return decoded.substr(colon + 1);
    }
    return {};
}

void deny(httplib::Response& res, int status, const std::string& why) {
    res.status = status;
    res.set_content("tote API: " + why + "\n", "text/plain");
}

void answer_query(ClickHouseConnection& conn, const httplib::Request& req, httplib::Response& res) {
    std::string sql = req.has_param("query") ? req.get_param_value("query") : std::string();
    if (!req.body.empty()) {
        if (!sql.empty()) {
            deny(res, 400,
                 "data in the body of a query (inserts) is not supported; send the statement "
                 "alone");
            return;
        }
        sql = req.body;
    }
    if (sql.empty()) {
        deny(res, 400, "no query (send it in the body or as ?query=...)");
        return;
    }
    std::string format =
        req.has_param("default_format") ? req.get_param_value("default_format") : "TabSeparated";
    const bool write = req.has_param("tote_write") && req.get_param_value("tote_write") == "1";
    try {
        res.set_content(write ? conn.query(sql, format) : conn.query_readonly(sql, format),
                        "text/plain; charset=UTF-8");
    } catch (const ToteError& e) {
        res.status = e.retriable() ? 503 : 400;
        res.set_content(std::string(e.what()) + "\n", "text/plain");
    }
}

}  // namespace

std::string ApiServer::new_token() {
    UniqueFd fd(::open("/dev/urandom", O_RDONLY | O_CLOEXEC));
    std::array<unsigned char, 16> bytes{};
    size_t got = 0;
    while (fd && got < bytes.size()) {
        ssize_t n = ::read(fd.get(), bytes.data() + got, bytes.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += static_cast<size_t>(n);
    }
    if (got != bytes.size())
        throw ToteError(
            ErrorClass::Fatal,
            std::string("cannot read /dev/urandom for the API token: ") + std::strerror(errno));
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (unsigned char b : bytes) {
        out += kHex[b >> 4];
        out += kHex[b & 15];
    }
    return out;
}

ApiServer::ApiServer(ClickHouseConnection& conn, std::function<std::string()> status,
                     std::string token)
    : impl_(std::make_unique<Impl>(conn, std::move(status), std::move(token))) {
    auto& s = impl_->server;
    // Every request but GET /ping: the Origin and the token first.
    s.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
        if (req.method == "GET" && req.path == "/ping")
            return httplib::Server::HandlerResponse::Unhandled;
        if (req.has_header("Origin") && req.get_header_value("Origin") != impl_->origin) {
            deny(res, 403,
                 "requests from web pages are refused (Origin " + req.get_header_value("Origin") +
                     ")");
            return httplib::Server::HandlerResponse::Handled;
        }
        if (!same_secret(presented_token(req), impl_->token)) {
            deny(res, 401,
                 "missing or wrong token (tote's own commands read it from the data folder's "
                 "api.token)");
            return httplib::Server::HandlerResponse::Handled;
        }
        if (req.method != "POST" && !(req.method == "GET" && impl_->get_paths.contains(req.path))) {
            deny(res, 405, "use POST");
            return httplib::Server::HandlerResponse::Handled;
        }
        return httplib::Server::HandlerResponse::Unhandled;
    });
    s.Get("/ping", [](const httplib::Request&, httplib::Response& res) {
        res.set_content("Ok.\n", "text/plain");
    });
    s.Post("/status", [this](const httplib::Request&, httplib::Response& res) {
        res.set_content(impl_->status ? impl_->status() : "{}", "application/json");
    });
    s.Post("/", [this](const httplib::Request& req, httplib::Response& res) {
        answer_query(impl_->conn, req, res);
    });
}

void ApiServer::on_post(const std::string& path,
                        std::function<std::pair<int, std::string>()> handler) {
    impl_->server.Post(
        path, [handler = std::move(handler)](const httplib::Request&, httplib::Response& res) {
            auto [status, body] = handler();
            res.status = status;
            res.set_content(body, "application/json");
        });
}

void ApiServer::on_get(const std::string& path, std::string content_type,
                       std::function<std::string()> document) {
    impl_->get_paths.insert(path);
    impl_->server.Get(path, [type = std::move(content_type), document = std::move(document)](
                                const httplib::Request&, httplib::Response& res) {
        res.set_content(document(), type);
    });
}

std::string ApiServer::start(int port) {
    auto& s = impl_->server;
    int bound = port;
    if (port == 0) {
        bound = s.bind_to_any_port("127.0.0.1");
    } else if (!s.bind_to_port("127.0.0.1", port)) {
        bound = -1;
    }
    if (bound < 0)
        throw ToteError(ErrorClass::Fatal, "cannot listen on 127.0.0.1:" + std::to_string(port) +
                                               " (in use? pass --api-port 0 for any free port)");
    impl_->origin = "http://127.0.0.1:" + std::to_string(bound);
    impl_->thread = std::thread([&s] { s.listen_after_bind(); });
    return impl_->origin;
}

void ApiServer::stop() {
    if (impl_->thread.joinable()) {
        impl_->server.stop();
        impl_->thread.join();
    }
}

ApiServer::~ApiServer() {
    stop();
}

}  // namespace tote
