#include "serve/api_server.h"

#include <httplib.h>

#include "core/error.h"

namespace tote {

struct ApiServer::Impl {
    Impl(ClickHouseConnection& c, std::function<std::string()> s) : conn(c), status(std::move(s)) {}
    ClickHouseConnection& conn;
    std::function<std::string()> status;
    httplib::Server server;
    std::thread thread;
};

namespace {

void answer_query(ClickHouseConnection& conn, const httplib::Request& req, httplib::Response& res) {
    std::string sql = req.has_param("query") ? req.get_param_value("query") : std::string();
    if (req.method == "POST" && !req.body.empty()) {
        if (!sql.empty()) {
            res.status = 400;
            res.set_content(
                "tote API: data in the body of a query (inserts) is not supported; "
                "send the statement alone\n",
                "text/plain");
            return;
        }
        sql = req.body;
    }
    if (sql.empty()) {
        res.status = 400;
        res.set_content("tote API: no query (pass ?query=... or a body)\n", "text/plain");
        return;
    }
    std::string format =
        req.has_param("default_format") ? req.get_param_value("default_format") : "TabSeparated";
    try {
        res.set_content(conn.query(sql, format), "text/plain; charset=UTF-8");
    } catch (const ToteError& e) {
        res.status = e.retriable() ? 503 : 400;
        res.set_content(std::string(e.what()) + "\n", "text/plain");
    }
}

}  // namespace

ApiServer::ApiServer(ClickHouseConnection& conn, std::function<std::string()> status)
    : impl_(std::make_unique<Impl>(conn, std::move(status))) {
    auto& s = impl_->server;
    s.Get("/ping", [](const httplib::Request&, httplib::Response& res) {
        res.set_content("Ok.\n", "text/plain");
    });
    s.Get("/status", [this](const httplib::Request&, httplib::Response& res) {
        res.set_content(impl_->status ? impl_->status() : "{}", "application/json");
    });
    auto query = [this](const httplib::Request& req, httplib::Response& res) {
        answer_query(impl_->conn, req, res);
    };
    s.Get("/", query);
    s.Post("/", query);
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
    impl_->thread = std::thread([&s] { s.listen_after_bind(); });
    return "http://127.0.0.1:" + std::to_string(bound);
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
