#include "serve/dashboard_server.h"

#include <fmt/format.h>
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <filesystem>
#include <limits>
#include <map>
#include <mutex>
#include <thread>

#include "core/error.h"
#include "core/json_escape.h"
#include "core/log.h"
#include "report/dashboard_tiles.h"
#include "serve/api_server.h"
#include "serve/dashboard_store.h"
#include "serve/quality_page.h"
#include "serve/tile_cache.h"
#include "serve/web_assets.h"
#include "sink/sql_text.h"

namespace tote {

namespace {

constexpr const char* kCookie = "tote_dashboard";
constexpr int kHeartbeatMs = 15000;  // a comment line on an idle event stream
// An SQL editor's statement travels in the URL (GET only), which cpp-httplib caps at 8 KiB.
constexpr size_t kMaxSqlBytes = 6000;

int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// Equal without an early exit (the time does not tell how much of a guess was right).
bool same_secret(std::string_view a, std::string_view b) {
    if (a.size() != b.size() || a.empty()) return false;
    unsigned char diff = 0;
    for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

std::string cookie_value(const httplib::Request& req, std::string_view name) {
    const std::string header = req.get_header_value("Cookie");
    size_t from = 0;
    while (from < header.size()) {
        size_t end = header.find(';', from);
        if (end == std::string::npos) end = header.size();
        std::string_view pair = std::string_view(header).substr(from, end - from);
        while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
        if (pair.size() > name.size() && pair.substr(0, name.size()) == name &&
            pair[name.size()] == '=')
            return std::string(pair.substr(name.size() + 1));
        from = end + 1;
    }
    return {};
}

bool is_integer(const std::string& s) {
    if (s.empty() || s.size() > 18) return false;
    int64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return ec == std::errc() && end == s.data() + s.size();
}

// TabSeparated rows -> [[...], ...]: integers as JSON numbers, anything else as strings.
std::string rows_json(std::string_view tsv) {
    std::string out = "[";
    bool first_row = true;
    for (const auto& row : parse_tsv(tsv)) {
        out += first_row ? "[" : ",[";
        first_row = false;
        for (size_t i = 0; i < row.size(); ++i) {
            if (i) out += ',';
            if (is_integer(row[i]))
                out += row[i];
            else
                append_json_string(out, row[i]);
        }
        out += ']';
    }
    return out + "]";
}

std::string json_string(std::string_view s) {
    std::string out;
    append_json_string(out, s);
    return out;
}

void set_common_headers(httplib::Response& res) {
    res.set_header("Cache-Control", "no-store");
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("X-Frame-Options", "DENY");
    res.set_header("Referrer-Policy", "no-referrer");
    res.set_header("Content-Security-Policy",
                   "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
}

void deny(httplib::Response& res, int status, const std::string& why) {
    res.status = status;
    res.set_content("tote dashboard: " + why + "\n", "text/plain; charset=utf-8");
}

}  // namespace

struct DashboardServer::Impl {
    Impl(ClickHouseConnection& c, DashboardServerConfig cfg)
        : conn(c),
          config(std::move(cfg)),
          tiles(config.database),
          quality(
              config.database, cache,
              [this](const std::string& check, const std::string& sql) {
                  return run("quality_" + check, sql);
              },
              config.reconcile_result_path) {
        // The queries were read at start: a later change of their file is a new version.
        std::error_code ec;
        if (!config.queries_file.empty())
            queries_stamp = std::filesystem::last_write_time(config.queries_file, ec);
    }

    ClickHouseConnection& conn;
    DashboardServerConfig config;
    DashboardTiles tiles;
    TileCache cache;      // dashboard tiles and data-quality checks, per warehouse version
    QualityPage quality;  // the data-quality page (its checks run only when it is read)
    VersionFeed feed;     // versions committed (published by the owner or the poller)
    VersionFeed ready;    // versions whose tiles are computed: what viewers are told and shown
    std::thread refresher;
    // Saved queries reloaded from their file (queries_book()).
    std::mutex queries_mu;
    std::chrono::steady_clock::time_point queries_checked{};
    std::filesystem::file_time_type queries_stamp{};
    // The newest version's dashboard as computed ahead (under mu): carried by its event.
    int64_t pushed_version = -3;
    std::shared_ptr<const std::string> pushed_json;
    httplib::Server server;
    std::thread thread;
    std::thread poller;
    std::atomic<bool> stopping{false};
    std::string origin;      // http://127.0.0.1:PORT
    std::string alt_origin;  // http://localhost:PORT
    int port = 0;
    std::string session;  // the cookie's value: one random secret per process

    mutable std::mutex mu;  // guards login_code, warehouse_queries, errors
    std::string login_code;
    std::map<std::string, uint64_t> warehouse_queries;  // per tile
    std::map<std::string, uint64_t> errors;             // per tile
    std::map<std::string, double> query_seconds;        // per tile
    // People's statements running under a query_id the page chose (?query_id=): id -> whether a
    // cancel was asked for it. Only these can be cancelled through GET /api/v1/sql/cancel.
    std::mutex running_mu;
    std::map<std::string, bool> running;
    std::atomic<int64_t> viewers{0};
    std::atomic<uint64_t> events_sent{0};
    std::atomic<uint64_t> logins{0};

    std::string login_url_locked() const { return origin + "/login?once=" + login_code; }

    // A new one-time code; tells the owner the link.
    void new_login_code() {
        std::string url;
        {
            std::lock_guard lock(mu);
            login_code = ApiServer::new_token();
            url = login_url_locked();
        }
        if (config.on_login_url) config.on_login_url(url);
    }

    bool authorised(const httplib::Request& req) const {
        if (same_secret(cookie_value(req, kCookie), session)) return true;
        const std::string auth = req.get_header_value("Authorization");
        return auth.rfind("Bearer ", 0) == 0 &&
               same_secret(std::string_view(auth).substr(7), config.token);
    }

    // Runs a person's statement (`go`) under `query_id` ("" = none, not cancellable) and answers
    // it: its body, 400 with the reason, 409 when the id is in use, or 499 when a cancel stopped
    // it.
    void run_person(const httplib::Request& req, httplib::Response& res,
                    const std::function<std::string(const std::string& query_id)>& go,
                    const std::function<void(std::string)>& answer_body) {
        const std::string id = req.get_param_value("query_id");
        if (!id.empty() && !ClickHouseConnection::valid_query_id(id)) {
            deny(res, 400, "query_id is 1-64 letters, digits, '-' or '_'");
            return;
        }
        if (!id.empty()) {
            std::lock_guard lock(running_mu);
            if (!running.emplace(id, false).second) {
                deny(res, 409, "a statement runs under query_id " + id + " already");
                return;
            }
        }
        std::string body, error;
        try {
            body = go(id);
        } catch (const std::exception& e) {
            error = e.what();
        }
        bool cancelled = false;
        if (!id.empty()) {
            std::lock_guard lock(running_mu);
            cancelled = running[id];
            running.erase(id);
        }
        if (cancelled && !error.empty()) {
            deny(res, 499,
                 "cancelled: the statement under query_id " + id +
                     " was stopped by a cancel request (" + error + ")");
        } else if (!error.empty()) {
            deny(res, 400, error);
        } else {
            answer_body(std::move(body));
        }
    }

    // GET /api/v1/sql/cancel?query_id=ID: stops a person's statement that runs under ID.
    void cancel(const httplib::Request& req, httplib::Response& res) {
        const std::string id = req.get_param_value("query_id");
        if (!ClickHouseConnection::valid_query_id(id)) {
            deny(res, 400,
                 "give ?query_id=ID (1-64 letters, digits, '-' or '_'): the id sent "
                 "with the statement");
            return;
        }
        const std::string why_not = conn.cancel_unsupported();
        if (!why_not.empty()) {
            deny(res, 501, why_not);
            return;
        }
        {
            std::lock_guard lock(running_mu);
            auto it = running.find(id);
            if (it == running.end()) {
                deny(res, 404,
                     "no statement of this dashboard runs under query_id " + id +
                         " (it ended already, or was not sent with this id)");
                return;
            }
            it->second = true;
        }
        try {
            const bool stopped = conn.cancel_query(id);
            Log::info("dashboard",
                      "cancel of query_id " + id + ": " + (stopped ? "stopped" : "it had ended"));
            res.set_content(fmt::format("{{\"query_id\":{},\"cancelled\":{}}}", json_string(id),
                                        stopped ? "true" : "false"),
                            "application/json");
        } catch (const std::exception& e) {
            deny(res, 502, std::string("cancel of query_id ") + id + " failed: " + e.what());
        }
    }

    // One warehouse statement, counted for the tile.
    std::string run(const std::string& tile, const std::string& sql) {
        {
            std::lock_guard lock(mu);
            ++warehouse_queries[tile];
        }
        const auto started = std::chrono::steady_clock::now();
        std::string out = conn.query_trusted_readonly(sql, "TabSeparated");
        const double took =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        std::lock_guard lock(mu);
        query_seconds[tile] += took;
        return out;
    }

    // The as_of tile's value at `at`; throws when that tile failed.
    int64_t as_of(const VersionEvent& at) {
        const std::string json = tile_json(*DashboardTiles::find("as_of"), at);
        const std::string key = "\"as_of_us\":";
        const auto pos = json.find(key);
        if (pos == std::string::npos)
            throw ToteError(ErrorClass::Retriable,
                            "the data's time (tile as_of) is not known: " + json);
        int64_t v = 0;
        std::from_chars(json.data() + pos + key.size(), json.data() + json.size(), v);
        return v;
    }

    // The tile's JSON at `at`, computed once per version (a failure too: it is shown, counted,
    // and tried again at the next version).
    std::string tile_json(const DashboardTile& tile, const VersionEvent& at) {
        return cache.get(tile.id, "", at.version, [&] { return build_tile_json(tile, at); });
    }

    // {"id":..., "version":..., "as_of_us":..., "columns":[...], "rows":[...]}, or
    // {"id":..., "version":..., "error":...}.
    std::string build_tile_json(const DashboardTile& tile, const VersionEvent& at) {
        try {
            int64_t as_of_us = 0;
            std::string rows;
            if (tile.id == "as_of") {
                const std::string tsv = run("as_of", tiles.as_of_sql());
                const auto r = parse_tsv(tsv);
                if (!r.empty() && !r[0].empty()) as_of_us = std::stoll(r[0][0]);
                rows = rows_json(tsv);
            } else {
                as_of_us = as_of(at);
                rows = rows_json(run(tile.id, tiles.sql(tile.id, DashboardClock(as_of_us))));
            }
            std::string out =
                "{\"id\":" + json_string(tile.id) + ",\"title\":" + json_string(tile.title) +
                ",\"note\":" + json_string(tile.note) +
                fmt::format(",\"version\":{},\"as_of_us\":{},\"columns\":[", at.version, as_of_us);
            for (size_t i = 0; i < tile.columns.size(); ++i)
                out += (i ? "," : "") + json_string(tile.columns[i]);
            return out + "],\"rows\":" + rows + "}";
        } catch (const std::exception& e) {
            {
                std::lock_guard lock(mu);
                ++errors[tile.id];
            }
            Log::warn("dashboard", "tile " + tile.id + ": " + e.what());
            return "{\"id\":" + json_string(tile.id) + ",\"title\":" + json_string(tile.title) +
                   fmt::format(",\"version\":{},\"error\":", at.version) + json_string(e.what()) +
                   "}";
        }
    }

    // The saved queries now: read again when their file changed (at most one check a second).
    std::shared_ptr<SavedQueryBook> queries_book() {
        std::lock_guard lock(queries_mu);
        if (config.queries_file.empty()) return config.queries;
        const auto now = std::chrono::steady_clock::now();
        if (now - queries_checked < std::chrono::seconds(1)) return config.queries;
        queries_checked = now;
        std::error_code ec;
        const auto stamp = std::filesystem::last_write_time(config.queries_file, ec);
        if (ec || stamp == queries_stamp) return config.queries;
        queries_stamp = stamp;
        try {
            config.queries =
                std::make_shared<SavedQueryBook>(SavedQueryBook::load(config.queries_file));
            Log::info("dashboard", "saved queries read again from " + config.queries_file);
        } catch (const std::exception& e) {
            Log::warn("dashboard", std::string("saved queries not reloaded, the ones before "
                                               "stay: ") +
                                       e.what());
        }
        return config.queries;
    }

    std::string dashboard_json() { return dashboard_json(shown()); }

    std::string dashboard_json(const VersionEvent& at) {
        std::string out = fmt::format(
            "{{\"version\":{},\"committed_at_ms\":{},\"time_zone\":\"UTC\",\"currency\":\"EUR\","
            "\"money_unit\":\"EUR cents (integers; the page shows EUR with 2 decimals)\","
            "\"kpis\":[",
            at.version, at.committed_at_ms);
        bool first = true;
        for (const auto& k : DashboardTiles::kpis()) {
            out += first ? "" : ",";
            first = false;
            out += "{\"id\":" + json_string(k.id) + ",\"label\":" + json_string(k.label) +
                   ",\"unit\":" + json_string(k.unit) +
                   ",\"numerator\":" + json_string(k.numerator) +
                   ",\"denominator\":" + json_string(k.denominator) +
                   ",\"formula\":" + json_string(k.formula) + "}";
        }
        out += "],\"tiles\":[";
        first = true;
        for (const auto& t : DashboardTiles::tiles()) {
            out += first ? "" : ",";
            first = false;
            out += tile_json(t, at);
        }
        return out + "]}";
    }

    // A version event; when the refresher computed that version's tiles, they travel in it
    // ("dashboard": what GET /api/v1/dashboard answers), so a viewer needs no read of its own.
    std::string event_text(const VersionEvent& e) {
        std::shared_ptr<const std::string> tiles;
        {
            std::lock_guard lock(mu);
            if (pushed_version == e.version) tiles = pushed_json;
        }
        return fmt::format(
            "id: {}\nevent: version\ndata: {{\"version\":{},\"committed_at_ms\":{}{}{}}}\n\n",
            e.version, e.version, e.committed_at_ms, tiles ? ",\"dashboard\":" : "",
            tiles ? *tiles : std::string());
    }

    // The version viewers see: the newest whose tiles are computed (the committed one before
    // the first computation ends).
    VersionEvent shown() const { return ready.empty() ? feed.current() : ready.current(); }

    // Tiles are computed ahead of viewers here (while an event stream is open), for the newest
    // committed version (versions that arrive while it computes are skipped, so a slow
    // warehouse is never asked for more than one version at a time); then the version is
    // announced on `ready`.
    void refresh_loop() {
        int64_t done = -2;  // below every version: the current one is computed first
        while (!stopping) {
            VersionEvent target = feed.current();
            if (target.version <= done) {
                auto newer = feed.wait_newer(done, 1000);
                if (newer.empty()) continue;
                target = newer.back();
            }
            // Nobody watching: nothing computed ahead (a request computes what it reads, once,
            // through the same cache), so an unwatched dashboard costs the warehouse nothing.
            // One version's tiles back to back on the connection: in a process that also
            // writes (tote demo, ingest --follow) they wait for the writer once, not per tile.
            if (viewers > 0) {
                conn.exclusively([&] {
                    for (const auto& t : DashboardTiles::tiles()) tile_json(t, target);
                });
                auto json = std::make_shared<const std::string>(dashboard_json(target));
                std::lock_guard lock(mu);
                pushed_version = target.version;
                pushed_json = std::move(json);
            }
            if (config.alerts)
                config.alerts->evaluate(conn, target.version);  // live, watched or not
            done = target.version;
            ready.publish(target.version, target.committed_at_ms);
        }
    }

    void routes();
    std::string metrics() const;
};

std::string DashboardServer::Impl::metrics() const {
    std::string out;
    const VersionEvent at = feed.current();
    out +=
        "# HELP tote_dashboard_version The newest warehouse version (durable log offset) "
        "the dashboard knows.\n# TYPE tote_dashboard_version gauge\n";
    out += fmt::format("tote_dashboard_version {}\n", at.version);
    out +=
        "# HELP tote_dashboard_viewers Open event streams (browsers showing the "
        "dashboard).\n# TYPE tote_dashboard_viewers gauge\n";
    out += fmt::format("tote_dashboard_viewers {}\n", viewers.load());
    out +=
        "# HELP tote_dashboard_events_sent_total Version events sent, all streams.\n"
        "# TYPE tote_dashboard_events_sent_total counter\n";
    out += fmt::format("tote_dashboard_events_sent_total {}\n", events_sent.load());
    out +=
        "# HELP tote_dashboard_logins_total One-time login links used.\n"
        "# TYPE tote_dashboard_logins_total counter\n";
    out += fmt::format("tote_dashboard_logins_total {}\n", logins.load());
    std::map<std::string, uint64_t> queries, errs;
    std::map<std::string, double> seconds;
    {
        std::lock_guard lock(mu);
        queries = warehouse_queries;
        errs = errors;
        seconds = query_seconds;
    }
    const auto computed = cache.computations();
    const auto hits = cache.hits();
    auto per_tile = [&](const char* name, const char* help,
                        const std::map<std::string, uint64_t>& values) {
        out += fmt::format("# HELP {} {}\n# TYPE {} counter\n", name, help, name);
        for (const auto& t : DashboardTiles::tiles()) {
            auto it = values.find(t.id);
            out += fmt::format("{}{{tile=\"{}\"}} {}\n", name, t.id,
                               it == values.end() ? 0 : it->second);
        }
    };
    per_tile("tote_dashboard_warehouse_queries_total",
             "Statements the tile sent to the warehouse (one per tile per version).", queries);
    per_tile("tote_dashboard_tile_computations_total", "Tile results computed (cache misses).",
             computed);
    per_tile("tote_dashboard_tile_cache_hits_total",
             "Tile requests answered from a result computed for the same version.", hits);
    per_tile("tote_dashboard_tile_errors_total", "Tile computations that failed.", errs);
    out +=
        "# HELP tote_dashboard_warehouse_seconds_total Time the tile's statements took.\n"
        "# TYPE tote_dashboard_warehouse_seconds_total counter\n";
    for (const auto& t : DashboardTiles::tiles()) {
        auto it = seconds.find(t.id);
        out += fmt::format("tote_dashboard_warehouse_seconds_total{{tile=\"{}\"}} {:.6f}\n", t.id,
                           it == seconds.end() ? 0.0 : it->second);
    }
    out +=
        "# HELP tote_quality_warehouse_queries_total Statements a data-quality check sent to "
        "the warehouse (one per check per version read).\n"
        "# TYPE tote_quality_warehouse_queries_total counter\n";
    for (const auto& [name, n] : queries)
        if (name.rfind("quality_", 0) == 0)
            out += fmt::format("tote_quality_warehouse_queries_total{{check=\"{}\"}} {}\n",
                               name.substr(8), n);
    return out;
}

void DashboardServer::Impl::routes() {
    // Host, Origin, method and credentials before any handler.
    server.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
        set_common_headers(res);
        const std::string host = req.get_header_value("Host");
        if (host != origin.substr(7) && host != alt_origin.substr(7)) {
            deny(res, 403, "unexpected Host '" + host + "' (open " + origin + ")");
            return httplib::Server::HandlerResponse::Handled;
        }
        if (req.has_header("Origin") && req.get_header_value("Origin") != origin &&
            req.get_header_value("Origin") != alt_origin) {
            deny(res, 403,
                 "requests from other web pages are refused (Origin " +
                     req.get_header_value("Origin") + ")");
            return httplib::Server::HandlerResponse::Handled;
        }
        if (req.method != "GET") {
            deny(res, 405, "read-only: use GET");
            return httplib::Server::HandlerResponse::Handled;
        }
        if (req.path == "/ping" || req.path == "/login")
            return httplib::Server::HandlerResponse::Unhandled;
        if (!authorised(req)) {
            if (req.path == "/") {
                res.status = 401;
                res.set_content(
                    "<!doctype html><meta charset=utf-8><title>tote dashboard</title><p>Open the "
                    "one-time link that <code>tote demo</code>, <code>tote ingest --follow</code> "
                    "or <code>tote serve</code> printed; a fresh one is always in the data "
                    "folder's <code>dashboard.url</code>.</p>",
                    "text/html; charset=utf-8");
            } else {
                deny(res, 401,
                     "not signed in: open the link in the data folder's dashboard.url, or send "
                     "Authorization: Bearer <dashboard.token>");
            }
            return httplib::Server::HandlerResponse::Handled;
        }
        return httplib::Server::HandlerResponse::Unhandled;
    });
    server.Get("/ping", [](const httplib::Request&, httplib::Response& res) {
        res.set_content("Ok.\n", "text/plain");
    });
    server.Get("/login", [this](const httplib::Request& req, httplib::Response& res) {
        const std::string code = req.get_param_value("once");
        bool ok = false;
        {
            std::lock_guard lock(mu);
            ok = same_secret(code, login_code);
        }
        if (!ok) {
            deny(res, 401,
                 "this login link was used already or is not this server's: open the one in the "
                 "data folder's dashboard.url");
            return;
        }
        ++logins;
        new_login_code();  // the used one is gone
        res.set_header("Set-Cookie", std::string(kCookie) + "=" + session +
                                         "; HttpOnly; SameSite=Strict; Path=/");
        res.set_redirect("/", 303);
    });
    for (const char* path : {"/", "/app.js", "/app.css", "/quality", "/quality.js", "/sql",
                             "/sql.js", "/board", "/board.js"}) {
        server.Get(path, [](const httplib::Request& req, httplib::Response& res) {
            const WebAsset* a = find_web_asset(req.path);
            res.set_content(std::string(a->body), std::string(a->content_type));
        });
    }
    server.Get("/api/v1/dashboard", [this](const httplib::Request&, httplib::Response& res) {
        res.set_content(dashboard_json(), "application/json");
    });
    server.Get(
        R"(/api/v1/tiles/([a-z_]+))", [this](const httplib::Request& req, httplib::Response& res) {
            const DashboardTile* t = DashboardTiles::find(req.matches[1].str());
            if (!t) {
                deny(res, 404,
                     "no tile " + req.matches[1].str() + " (GET /api/v1/dashboard lists them)");
                return;
            }
            res.set_content(tile_json(*t, shown()), "application/json");
        });
    server.Get("/api/v1/quality", [this](const httplib::Request&, httplib::Response& res) {
        const VersionEvent at = shown();
        res.set_content(quality.page_json(at.version, at.committed_at_ms), "application/json");
    });
    server.Get(R"(/api/v1/quality/checks/([a-z_]+))",
               [this](const httplib::Request& req, httplib::Response& res) {
                   const std::string id = req.matches[1].str();
                   const auto& all = QualityPage::checks();
                   if (std::none_of(all.begin(), all.end(), [&](auto& c) { return c.id == id; })) {
                       deny(res, 404,
                            "no data-quality check " + id +
                                " (GET /api/v1/quality "
                                "lists them)");
                       return;
                   }
                   res.set_content(quality.check_json(id, shown().version), "application/json");
               });
    // Drill-downs: the parameters are bound as quoted SQL literals (QualityPage).
    auto page_of = [](const httplib::Request& req, int64_t& page) {
        const std::string p = req.has_param("page") ? req.get_param_value("page") : "0";
        page = -1;
        if (p.size() <= 6) std::from_chars(p.data(), p.data() + p.size(), page);
        return page >= 0;
    };
    server.Get("/api/v1/quality/etl_log", [this, page_of](const httplib::Request& req,
                                                          httplib::Response& res) {
        int64_t page = 0;
        const std::string rule = req.get_param_value("rule");
        if (rule.empty() || rule.size() > 200 || !page_of(req, page)) {
            deny(res, 400,
                 "give ?rule=NAME (a rule of GET /api/v1/quality's etl_log check) and "
                 "optionally &page=N (0-999999)");
            return;
        }
        res.set_content(quality.etl_entries_json(shown().version, rule, page), "application/json");
    });
    server.Get("/api/v1/quality/dead_letters",
               [this, page_of](const httplib::Request& req, httplib::Response& res) {
                   int64_t page = 0;
                   const std::string stage = req.get_param_value("stage");
                   const std::string reason = req.get_param_value("reason");
                   if (stage.empty() || stage.size() > 200 || reason.size() > 4000 ||
                       !req.has_param("reason") || !page_of(req, page)) {
                       deny(res, 400,
                            "give ?stage=S&reason=R (a group of GET /api/v1/quality's "
                            "dead_letters check) and optionally &page=N (0-999999)");
                       return;
                   }
                   res.set_content(quality.dead_letters_json(shown().version, stage, reason, page),
                                   "application/json");
               });
    // Saved queries and the schema: on the read-only path, saved queries with the people's
    // limits (--sql-max-*); a bad parameter or statement is 400 with the reason.
    const auto params_of = [](const httplib::Request& req) {
        std::map<std::string, std::string> values;
        for (const auto& [k, v] : req.params)
            if (k.rfind("param_", 0) == 0) values[k.substr(6)] = v;
        return values;
    };
    const auto answer = [](httplib::Response& res, const std::string& format, std::string body,
                           const std::string& name) {
        if (format == "CSVWithNames") {
            // The whole result as a download, sent in chunks.
            res.set_header("Content-Disposition", "attachment; filename=\"" + name + ".csv\"");
            auto text = std::make_shared<std::string>(std::move(body));
            res.set_chunked_content_provider(
                "text/csv; charset=utf-8", [text](size_t offset, httplib::DataSink& sink) {
                    constexpr size_t kChunk = 64 * 1024;
                    if (offset >= text->size()) {
                        sink.done();
                        return true;
                    }
                    const size_t n = std::min(kChunk, text->size() - offset);
                    return sink.write(text->data() + offset, n);
                });
        } else {
            res.set_content(std::move(body), "application/json");
        }
    };
    server.Get("/api/v1/queries", [this](const httplib::Request&, httplib::Response& res) {
        const auto book = queries_book();
        res.set_content(book ? book->json() : "{\"queries\":[]}", "application/json");
    });
    server.Get(R"(/api/v1/queries/([A-Za-z0-9_\-]+?)(\.csv)?)", [this, params_of, answer](
                                                                    const httplib::Request& req,
                                                                    httplib::Response& res) {
        const auto book = queries_book();  // held for the request, whatever a reload does
        const SavedQuery* q = book ? book->find(req.matches[1].str()) : nullptr;
        if (!q) {
            deny(res, 404,
                 "no saved query '" + req.matches[1].str() + "' (GET /api/v1/queries lists them)");
            return;
        }
        const std::string format = req.matches[2].matched ? "CSVWithNames" : "JSONCompact";
        run_person(
            req, res,
            [&](const std::string& id) {
                return SavedQueryBook::run(conn, *q, params_of(req), format, id);
            },
            [&](std::string body) { answer(res, format, std::move(body), q->id); });
    });
    server.Get("/api/v1/dashboards/history",
               [this](const httplib::Request&, httplib::Response& res) {
                   res.set_content(config.dashboards_dir.empty()
                                       ? std::string("{\"versions\":[]}")
                                       : DashboardStore(config.dashboards_dir).history_json(),
                                   "application/json");
               });
    server.Get("/api/v1/schema", [this](const httplib::Request&, httplib::Response& res) {
        try {
            res.set_content(conn.query_trusted_readonly(
                                "SELECT table, name, type FROM system.columns WHERE database = " +
                                    sql_string(config.database) + " ORDER BY table, name",
                                "JSON"),
                            "application/json");
        } catch (const std::exception& e) {
            deny(res, 500, e.what());
        }
    });
    // The SQL editor's statements: read-only and limited (DashboardServerConfig::sql_editor).
    server.Get("/api/v1/sql", [this, answer](const httplib::Request& req, httplib::Response& res) {
        if (!config.sql_editor) {
            deny(res, 404,
                 "no SQL editor here: this process ingests (run `tote query`, or stop it and run "
                 "`tote serve`, which serves the editor)");
            return;
        }
        const std::string sql = req.get_param_value("query");
        if (sql.empty() || sql.size() > kMaxSqlBytes) {
            deny(res, 400,
                 "give ?query=SELECT … (one reading statement, at most " +
                     std::to_string(kMaxSqlBytes) + " bytes)");
            return;
        }
        // ?format=csv: the whole result as a CSV download (an export), else JSONCompact.
        const std::string format =
            req.get_param_value("format") == "csv" ? "CSVWithNames" : "JSONCompact";
        run_person(
            req, res,
            [&](const std::string& id) {
                return id.empty() ? conn.query_readonly(sql, format)
                                  : conn.query_readonly_as(id, sql, format);
            },
            [&](std::string body) { answer(res, format, std::move(body), "result"); });
    });
    // Cancel a person's statement (SQL editor, saved queries) sent with ?query_id=ID.
    server.Get("/api/v1/sql/cancel", [this](const httplib::Request& req, httplib::Response& res) {
        if (!config.sql_editor) {
            deny(res, 404, "no SQL editor here: nothing to cancel");
            return;
        }
        cancel(req, res);
    });
    server.Get("/api/v1/alerts", [this](const httplib::Request&, httplib::Response& res) {
        res.set_content(
            config.alerts ? config.alerts->json() : "{\"evaluated_version\":-1,\"alerts\":[]}",
            "application/json");
    });
    server.Get("/api/v1/events", [this](const httplib::Request& req, httplib::Response& res) {
        int64_t after = -2;  // below every version: the current one is sent at once
        if (req.has_header("Last-Event-ID")) {
            const std::string id = req.get_header_value("Last-Event-ID");
            std::from_chars(id.data(), id.data() + id.size(), after);
        }
        ++viewers;
        auto sent = std::make_shared<int64_t>(after);
        res.set_header("X-Accel-Buffering", "no");
        res.set_chunked_content_provider(
            "text/event-stream",
            [this, sent](size_t, httplib::DataSink& sink) {
                if (stopping) return false;
                if (*sent == -2) {  // first call: the version the page should show now
                    const VersionEvent now = ready.current();
                    const std::string first = "retry: 1000\n\n" + event_text(now);
                    if (!sink.write(first.data(), first.size())) return false;
                    *sent = now.version;
                    ++events_sent;
                    return true;
                }
                auto events = ready.wait_newer(*sent, kHeartbeatMs);
                if (stopping) return false;
                if (events.empty()) {
                    static constexpr std::string_view kBeat = ": keep-alive\n\n";
                    return sink.write(kBeat.data(), kBeat.size());
                }
                for (const auto& e : events) {
                    const std::string text = event_text(e);
                    if (!sink.write(text.data(), text.size())) return false;
                    *sent = e.version;
                    ++events_sent;
                }
                return true;
            },
            [this](bool) { --viewers; });
    });
    server.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
        res.set_content(metrics(), "text/plain; version=0.0.4; charset=utf-8");
    });
}

DashboardServer::DashboardServer(ClickHouseConnection& conn, DashboardServerConfig config)
    : impl_(std::make_unique<Impl>(conn, std::move(config))) {
    impl_->session = ApiServer::new_token() + ApiServer::new_token();
    // httplib's interface: it owns and deletes the queue it gets from this factory.
    const size_t workers = impl_->config.workers;
    impl_->server.new_task_queue = [workers] { return new httplib::ThreadPool(workers); };
    impl_->routes();
}

DashboardServer::~DashboardServer() {
    stop();
}

VersionFeed& DashboardServer::versions() {
    return impl_->feed;
}

std::string DashboardServer::start() {
    auto& s = impl_->server;
    const int port = impl_->config.port;
    int bound = port;
    if (port == 0) {
        bound = s.bind_to_any_port("127.0.0.1");
    } else if (!s.bind_to_port("127.0.0.1", port)) {
        bound = -1;
    }
    if (bound < 0)
        throw ToteError(ErrorClass::Fatal,
                        "dashboard: cannot listen on 127.0.0.1:" + std::to_string(port) +
                            " (in use? pass another --dashboard-port / --port, or 0 for any "
                            "free port)");
    impl_->port = bound;
    impl_->origin = "http://127.0.0.1:" + std::to_string(bound);
    impl_->alt_origin = "http://localhost:" + std::to_string(bound);
    impl_->thread = std::thread([&s] { s.listen_after_bind(); });
    if (impl_->config.poll_version) {
        // The version before the first viewer arrives, then one statement per period.
        if (auto v = impl_->config.poll_version()) impl_->feed.publish(*v, now_ms());
        impl_->poller = std::thread([this] {
            std::string last_error;  // logged once, not every period
            while (!impl_->stopping) {
                try {
                    if (auto v = impl_->config.poll_version()) impl_->feed.publish(*v, now_ms());
                    last_error.clear();
                } catch (const std::exception& e) {
                    if (e.what() != last_error)
                        Log::warn("dashboard",
                                  std::string("reading the warehouse version: ") + e.what());
                    last_error = e.what();
                }
                // The poll period: one statement per period whatever the number of viewers.
                auto wake = impl_->feed.wait_newer(std::numeric_limits<int64_t>::max(),
                                                   impl_->config.poll_ms);
                (void)wake;
            }
        });
    }
    impl_->refresher = std::thread([this] { impl_->refresh_loop(); });
    impl_->new_login_code();
    return impl_->origin;
}

void DashboardServer::stop() {
    if (impl_->stopping.exchange(true)) return;
    impl_->feed.close();
    impl_->ready.close();  // event streams end
    if (impl_->poller.joinable()) impl_->poller.join();
    if (impl_->refresher.joinable()) impl_->refresher.join();
    if (impl_->thread.joinable()) {
        impl_->server.stop();
        impl_->thread.join();
    }
}

std::string DashboardServer::login_url() const {
    std::lock_guard lock(impl_->mu);
    return impl_->login_url_locked();
}

std::string DashboardServer::metrics_text() const {
    return impl_->metrics();
}

}  // namespace tote
