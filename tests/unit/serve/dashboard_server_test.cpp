// The dashboard server over a counting fake warehouse: N concurrent event-stream viewers each
// receive every version event, every tile is computed with exactly one warehouse statement per
// version whatever the number of viewers, and the page's protections hold (token or one-time
// login cookie, Host, Origin, GET only).
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <thread>

#include "core/error.h"
#include "report/dashboard_tiles.h"
#include "serve/dashboard_server.h"
#include "serve/tile_cache.h"
#include "serve/version_feed.h"

namespace tote {
namespace {

// 2026-11-29 14:30:00 UTC: the newest fact in the fake warehouse.
constexpr int64_t kAsOfUs = 1795962600000000;

// Answers every tile statement with fixed rows and counts the statements, per statement text.
class FakeWarehouse : public ClickHouseConnection {
public:
    std::string query(std::string_view, std::string_view) override {
        throw ToteError(ErrorClass::Fatal, "the dashboard must only read");
    }
    std::string query_readonly(std::string_view sql, std::string_view format) override {
        std::lock_guard lock(mu_);
        ++statements_[std::string(sql)];
        if (sql.rfind("DROP", 0) == 0)  // as the engine's read-only check does
            throw ToteError(ErrorClass::Fatal, "refused: queries are read-only (DropQuery)");
        if (sql == "SELECT 42 AS answer")  // the SQL editor's statement
            return "{\"format\":\"" + std::string(format) + "\",\"rows\":1}";
        if (sql.find("max(placed_at_us)") != std::string_view::npos)
            return std::to_string(kAsOfUs) + "\n";
        if (sql.find("r_turnover") != std::string_view::npos)  // today_vs_yesterday
            return "20420\tGH\t1000\t900\t800\t700\t600\t100\t300\t4\t5000\t2000\t50\n"
                   "20421\tNG\t123456\t0\t0\t0\t0\t0\t0\t7\t0\t0\t0\n";
        if (sql.find("r_level") != std::string_view::npos) return "1\t20421\t\t3\n";
        if (sql.find("minute_s") != std::string_view::npos) return "1795962540\t500\t2\n";
        if (sql.find("groupUniqArray(severity)") != std::string_view::npos)  // quality: etl_log
            return "stake_positive\terror\t2\t2\t1\n";
        if (sql.find("entity_key, severity") != std::string_view::npos)  // its drill-down
            return "fact_bet\t7\terror\t16\t100\t0\tstake 0\n";
        return "x\t1\t2\t3\t4\n";
    }
    // "SELECT slow" under a query_id runs until cancel_query(id), then fails as a server's
    // killed statement does.
    std::string query_readonly_as(std::string_view id, std::string_view sql,
                                  std::string_view format) override {
        if (sql != "SELECT slow") return query_readonly(sql, format);
        std::unique_lock lock(mu_);
        started_.insert(std::string(id));
        cv_.notify_all();
        cv_.wait(lock, [&] { return killed_.count(std::string(id)) > 0; });
        throw ToteError(ErrorClass::Fatal, "Code: 394, DB::Exception: Query was cancelled");
    }
    std::string cancel_unsupported() const override {
        return cancellable ? "" : "the fake cannot cancel";
    }
    bool cancel_query(std::string_view id) override {
        std::lock_guard lock(mu_);
        killed_.insert(std::string(id));
        cv_.notify_all();
        return started_.count(std::string(id)) > 0;
    }
    void wait_started(const std::string& id) {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return started_.count(id) > 0; });
    }
    std::atomic<bool> cancellable{false};

    void insert_row_binary(std::string_view, std::string_view, std::string_view) override {
        throw ToteError(ErrorClass::Fatal, "no inserts");
    }
    std::string server_version() override { return "26.5.3"; }
    std::string describe() const override { return "fake"; }

    std::map<std::string, int> statements() const {
        std::lock_guard lock(mu_);
        return statements_;
    }

private:
    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::map<std::string, int> statements_;
    std::set<std::string> started_, killed_;
};

struct Fixture {
    FakeWarehouse warehouse;
    std::vector<std::string> login_urls;
    std::unique_ptr<DashboardServer> server;
    std::string base;
    int port = 0;

    explicit Fixture(bool sql_editor = false) {
        DashboardServerConfig config;
        config.token = "secret-token";
        config.sql_editor = sql_editor;
        config.on_login_url = [this](const std::string& url) { login_urls.push_back(url); };
        server = std::make_unique<DashboardServer>(warehouse, config);
        base = server->start();
        port = std::stoi(base.substr(base.rfind(':') + 1));
    }
    httplib::Client client() const { return httplib::Client("127.0.0.1", port); }
};

const httplib::Headers kBearer = {{"Authorization", "Bearer secret-token"}};

TEST(VersionFeed, HandsEveryNewerVersionInOrderAndIgnoresOlderOnes) {
    VersionFeed feed;
    EXPECT_EQ(feed.current().version, -1);
    feed.publish(10, 1);
    feed.publish(5, 2);  // older: ignored
    feed.publish(12, 3);
    auto events = feed.wait_newer(-1, 0);
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].version, 10);
    EXPECT_EQ(events[1].version, 12);
    EXPECT_EQ(events[1].committed_at_ms, 3);
    EXPECT_TRUE(feed.wait_newer(12, 0).empty());
    feed.close();
    EXPECT_TRUE(feed.wait_newer(-1, 1000).empty());  // closed: at once
}

TEST(TileCache, ComputesOncePerKeyAndRetriesAfterAFailure) {
    TileCache cache;
    int runs = 0;
    auto compute = [&] { return std::to_string(++runs); };
    EXPECT_EQ(cache.get("t", "", 1, compute), "1");
    EXPECT_EQ(cache.get("t", "", 1, compute), "1");
    EXPECT_EQ(cache.get("t", "", 2, compute), "2");
    EXPECT_EQ(cache.get("t", "p", 2, compute), "3");
    EXPECT_THROW(cache.get("u", "", 2, []() -> std::string { throw std::runtime_error("x"); }),
                 std::runtime_error);
    EXPECT_EQ(cache.get("u", "", 2, compute), "4");  // the failure was not kept
    EXPECT_EQ(cache.computations().at("t"), 3u);
    EXPECT_EQ(cache.hits().at("t"), 1u);
    EXPECT_EQ(cache.computations().at("u"), 2u);
}

// N viewers on the event stream; versions 1..5 commit; each viewer reads the dashboard on each
// event. Every viewer sees every version, and each tile ran one statement per version (the
// server computes each version's tiles once, then announces it; viewers read the cache).
TEST(DashboardServer, EveryViewerGetsEveryVersionAndEachTileIsQueriedOncePerVersion) {
    Fixture f;
    constexpr int kViewers = 20;
    constexpr int kVersions = 5;
    std::mutex mu;
    std::condition_variable cv;
    std::map<int, std::vector<int64_t>> events;      // viewer -> versions received
    std::map<int, std::vector<int64_t>> dashboards;  // viewer -> versions read
    std::vector<std::thread> viewers;
    for (int v = 0; v < kViewers; ++v) {
        viewers.emplace_back([&, v] {
            httplib::Client stream("127.0.0.1", f.port);
            httplib::Client reader("127.0.0.1", f.port);
            stream.set_read_timeout(30, 0);
            std::string buffer;
            stream.Get("/api/v1/events", kBearer, [&](const char* data, size_t n) {
                buffer.append(data, n);
                for (size_t end; (end = buffer.find("\n\n")) != std::string::npos;) {
                    const std::string block = buffer.substr(0, end);
                    buffer.erase(0, end + 2);
                    std::smatch m;
                    if (!std::regex_search(block, m, std::regex("\"version\":(-?\\d+)"))) continue;
                    const int64_t version = std::stoll(m[1]);
                    auto res = reader.Get("/api/v1/dashboard", kBearer);
                    std::smatch d;
                    const std::string body = res ? res->body : "";
                    const int64_t read =
                        std::regex_search(body, d, std::regex("^\\{\"version\":(-?\\d+)"))
                            ? std::stoll(d[1])
                            : -100;
                    std::lock_guard lock(mu);
                    events[v].push_back(version);
                    dashboards[v].push_back(read);
                    cv.notify_all();
                    if (version == kVersions) return false;  // done: close the stream
                }
                return true;
            });
        });
    }
    // Each version is published once every viewer has read the previous one, so every tile is
    // requested at every version by all viewers at once.
    auto all_read = [&](size_t n) {
        std::unique_lock lock(mu);
        return cv.wait_for(lock, std::chrono::seconds(30), [&] {
            for (int v = 0; v < kViewers; ++v)
                if (dashboards[v].size() < n) return false;
            return true;
        });
    };
    ASSERT_TRUE(all_read(1)) << "every viewer got the first event";
    for (int version = 1; version <= kVersions; ++version) {
        f.server->versions().publish(version, 1000 + version);
        ASSERT_TRUE(all_read(static_cast<size_t>(version) + 1)) << "version " << version;
    }
    for (auto& t : viewers) t.join();

    std::vector<int64_t> expected = {-1, 1, 2, 3, 4, 5};  // -1: nothing committed yet at start
    for (int v = 0; v < kViewers; ++v) {
        EXPECT_EQ(events[v], expected) << "viewer " << v;
        EXPECT_EQ(dashboards[v], expected) << "viewer " << v;
    }
    // 8 tiles, each one statement (the same text at every version: as_of does not move), run
    // once per version: 6 times, for 20 viewers.
    const auto statements = f.warehouse.statements();
    EXPECT_EQ(statements.size(), DashboardTiles::tiles().size());
    for (const auto& [sql, n] : statements) EXPECT_EQ(n, 1 + kVersions) << sql;
    const std::string metrics = f.server->metrics_text();
    for (const auto& t : DashboardTiles::tiles())
        EXPECT_NE(metrics.find("tote_dashboard_warehouse_queries_total{tile=\"" + t.id + "\"} 6\n"),
                  std::string::npos)
            << t.id << "\n"
            << metrics;
    EXPECT_NE(metrics.find("tote_dashboard_events_sent_total 120\n"), std::string::npos) << metrics;
}

TEST(DashboardServer, TilesCarryTheRowsAsNumbersAndTheKpiFormulas) {
    Fixture f;
    f.server->versions().publish(42, 1234);
    auto c = f.client();
    auto res = c.Get("/api/v1/tiles/today_vs_yesterday", kBearer);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
    EXPECT_NE(res->body.find("\"version\":42,\"as_of_us\":1795962600000000"), std::string::npos)
        << res->body;
    EXPECT_NE(res->body.find("\"rows\":[[20420,\"GH\",1000,900,800,700,600,100,300,4,5000,2000,"
                             "50],[20421,\"NG\",123456,0,0,0,0,0,0,7,0,0,0]]"),
              std::string::npos)
        << res->body;
    auto all = c.Get("/api/v1/dashboard", kBearer);
    ASSERT_TRUE(all);
    EXPECT_NE(all->body.find("\"label\":\"GGR (cash basis, regulators')\""), std::string::npos);
    EXPECT_NE(all->body.find("\"formula\":\"ggr_settled / settled_turnover, each summed over the "
                             "period first\""),
              std::string::npos);
    EXPECT_NE(all->body.find("\"time_zone\":\"UTC\",\"currency\":\"EUR\""), std::string::npos);
    auto missing = c.Get("/api/v1/tiles/nope", kBearer);
    ASSERT_TRUE(missing);
    EXPECT_EQ(missing->status, 404);
}

TEST(DashboardServer, RefusesWithoutCredentialsFromOtherOriginsAndHostsAndAnythingButGet) {
    Fixture f;
    auto c = f.client();
    auto no_token = c.Get("/api/v1/dashboard");
    ASSERT_TRUE(no_token);
    EXPECT_EQ(no_token->status, 401);
    auto wrong = c.Get("/api/v1/dashboard", {{"Authorization", "Bearer secret-tokeX"}});
    ASSERT_TRUE(wrong);
    EXPECT_EQ(wrong->status, 401);
    auto page = c.Get("/");
    ASSERT_TRUE(page);
    EXPECT_EQ(page->status, 401);
    EXPECT_NE(page->body.find("dashboard.url"), std::string::npos);
    httplib::Headers foreign = kBearer;
    foreign.emplace("Origin", "http://evil.example");
    auto origin = c.Get("/api/v1/dashboard", foreign);
    ASSERT_TRUE(origin);
    EXPECT_EQ(origin->status, 403);
    httplib::Headers rebound = kBearer;
    rebound.emplace("Host", "evil.example:" + std::to_string(f.port));
    auto host = c.Get("/api/v1/dashboard", rebound);
    ASSERT_TRUE(host);
    EXPECT_EQ(host->status, 403);
    auto post = c.Post("/api/v1/dashboard", kBearer, "", "application/json");
    ASSERT_TRUE(post);
    EXPECT_EQ(post->status, 405);
    // No refused request was served a tile (the server computes tiles ahead by itself).
    const std::string metrics = f.server->metrics_text();
    for (const auto& t : DashboardTiles::tiles()) {
        if (t.id == "as_of") continue;
        EXPECT_NE(metrics.find("tote_dashboard_tile_cache_hits_total{tile=\"" + t.id + "\"} 0\n"),
                  std::string::npos)
            << metrics;
    }
}

TEST(DashboardServer, AOneTimeLinkSetsAStrictHttpOnlyCookieOnceAndIsReplaced) {
    Fixture f;
    ASSERT_EQ(f.login_urls.size(), 1u);
    const std::string first = f.login_urls[0];
    EXPECT_EQ(f.server->login_url(), first);
    const std::string path = first.substr(f.base.size());
    auto c = f.client();
    auto login = c.Get(path);
    ASSERT_TRUE(login);
    EXPECT_EQ(login->status, 303);
    EXPECT_EQ(login->get_header_value("Location"), "/");
    const std::string cookie = login->get_header_value("Set-Cookie");
    EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
    EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos) << cookie;
    const std::string pair = cookie.substr(0, cookie.find(';'));
    auto page = c.Get("/", {{"Cookie", pair}});
    ASSERT_TRUE(page);
    EXPECT_EQ(page->status, 200);
    EXPECT_NE(page->body.find("<script src=\"/app.js\"></script>"), std::string::npos);
    EXPECT_NE(page->get_header_value("Content-Security-Policy").find("default-src 'self'"),
              std::string::npos);
    auto script = c.Get("/app.js", {{"Cookie", pair}});
    ASSERT_TRUE(script);
    EXPECT_NE(script->body.find("new EventSource(\"/api/v1/events\")"), std::string::npos);
    auto again = c.Get(path);  // used: refused
    ASSERT_TRUE(again);
    EXPECT_EQ(again->status, 401);
    ASSERT_EQ(f.login_urls.size(), 2u);
    EXPECT_NE(f.login_urls[1], first);
    EXPECT_EQ(f.server->login_url(), f.login_urls[1]);
}

// The data-quality page through the server: the page, a check computed once per version
// however often it is read, a drill-down, and the refusals of bad parameters.
TEST(DashboardServer, QualityChecksAndDrillDownsOverHttp) {
    Fixture f;
    f.server->versions().publish(3, 1);
    auto c = f.client();
    {  // until the server shows version 3 (its event stream announces it)
        auto stream = f.client();
        stream.set_read_timeout(30, 0);
        std::string seen;
        stream.Get("/api/v1/events", kBearer, [&](const char* data, size_t n) {
            seen.append(data, n);
            return seen.find("\"version\":3,") == std::string::npos;
        });
        ASSERT_NE(seen.find("\"version\":3,"), std::string::npos) << seen;
    }
    auto page = c.Get("/quality", kBearer);
    ASSERT_TRUE(page);
    EXPECT_EQ(page->status, 200);
    EXPECT_NE(page->body.find("<script src=\"/quality.js\"></script>"), std::string::npos);
    EXPECT_EQ(c.Get("/api/v1/quality/checks/etl_log")->status, 401);
    std::string first;
    for (int i = 0; i < 3; ++i) {
        auto res = c.Get("/api/v1/quality/checks/etl_log", kBearer);
        ASSERT_TRUE(res);
        EXPECT_EQ(res->status, 200);
        const auto at = res->body.find(",\"status\":");
        ASSERT_NE(at, std::string::npos) << res->body;
        if (i == 0) first = res->body;
        EXPECT_EQ(res->body, first);
    }
    EXPECT_EQ(first.substr(first.find(",\"status\":")),
              ",\"status\":\"warn\",\"summary\":\"2 entries in force under 1 rules\",\"columns\":"
              "[\"rule\",\"severities\",\"entries\",\"entities\",\"provisional\"],\"rows\":"
              "[[\"stake_positive\",\"error\",2,2,1]]}");
    int etl_statements = 0;
    for (const auto& [sql, n] : f.warehouse.statements())
        if (sql.find("groupUniqArray(severity)") != std::string::npos) etl_statements += n;
    EXPECT_EQ(etl_statements, 1);  // three reads of one version
    auto drill = c.Get("/api/v1/quality/etl_log?rule=stake_positive&page=0", kBearer);
    ASSERT_TRUE(drill);
    EXPECT_EQ(drill->status, 200);
    EXPECT_EQ(drill->body,
              "{\"version\":3,\"rule\":\"stake_positive\",\"page\":0,\"page_rows\":50,"
              "\"columns\":[\"entity\",\"entity_key\",\"severity\",\"version\",\"log_offset\","
              "\"provisional\",\"details\"],\"rows\":[[\"fact_bet\",\"7\",\"error\",16,100,0,"
              "\"stake 0\"]]}");
    EXPECT_EQ(c.Get("/api/v1/quality/etl_log", kBearer)->status, 400);
    EXPECT_EQ(c.Get("/api/v1/quality/etl_log?rule=a&page=-1", kBearer)->status, 400);
    EXPECT_EQ(c.Get("/api/v1/quality/etl_log?rule=a&page=x", kBearer)->status, 400);
    EXPECT_EQ(c.Get("/api/v1/quality/dead_letters?stage=land", kBearer)->status, 400);
    EXPECT_EQ(c.Get("/api/v1/quality/checks/nope", kBearer)->status, 404);
    const std::string metrics = f.server->metrics_text();
    EXPECT_NE(metrics.find("tote_quality_warehouse_queries_total{check=\"etl_log\"} 1\n"),
              std::string::npos)
        << metrics;
}

// The SQL editor's statements: only where enabled (tote serve), read-only, as JSONCompact; the
// engine's refusal is the answer (400), and a statement too long for a URL is refused first.
TEST(DashboardServer, SqlEditorRunsOneReadingStatementOnlyWhereEnabled) {
    {
        Fixture f;  // a process that ingests
        auto res = f.client().Get("/api/v1/sql?query=SELECT%2042%20AS%20answer", kBearer);
        ASSERT_TRUE(res);
        EXPECT_EQ(res->status, 404);
        EXPECT_NE(res->body.find("tote serve"), std::string::npos) << res->body;
        EXPECT_EQ(f.warehouse.statements().count("SELECT 42 AS answer"), 0u);
    }
    Fixture f(true);
    auto c = f.client();
    auto unauthorised = c.Get("/api/v1/sql?query=SELECT%2042%20AS%20answer");
    ASSERT_TRUE(unauthorised);
    EXPECT_EQ(unauthorised->status, 401);
    auto ok = c.Get("/api/v1/sql?query=SELECT%2042%20AS%20answer", kBearer);
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->status, 200);
    EXPECT_EQ(ok->body, "{\"format\":\"JSONCompact\",\"rows\":1}");
    EXPECT_EQ(ok->get_header_value("Content-Type"), "application/json");
    auto refused = c.Get("/api/v1/sql?query=DROP%20TABLE%20tote.fact_bet", kBearer);
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 400);
    EXPECT_NE(refused->body.find("refused: queries are read-only"), std::string::npos)
        << refused->body;
    auto empty = c.Get("/api/v1/sql?query=", kBearer);
    ASSERT_TRUE(empty);
    EXPECT_EQ(empty->status, 400);
    auto too_long = c.Get("/api/v1/sql?query=SELECT%20" + std::string(6000, '1'), kBearer);
    ASSERT_TRUE(too_long);
    EXPECT_EQ(too_long->status, 400);
    EXPECT_EQ(f.warehouse.statements().count("SELECT " + std::string(6000, '1')), 0u);
    auto page = c.Get("/sql", kBearer);
    ASSERT_TRUE(page);
    EXPECT_EQ(page->status, 200);
    EXPECT_NE(page->body.find("<script src=\"/sql.js\"></script>"), std::string::npos);
}

// Cancel: a statement sent with ?query_id=ID is stopped by GET /api/v1/sql/cancel?query_id=ID
// and its own request answers 499 "cancelled"; an id in use is 409, an unknown one 404, a bad
// one 400; a connection that cannot cancel is 501 with its reason.
TEST(DashboardServer, CancelStopsAPersonsStatementByItsQueryId) {
    Fixture f(true);
    auto c = f.client();
    auto unsupported = c.Get("/api/v1/sql/cancel?query_id=abc", kBearer);
    ASSERT_TRUE(unsupported);
    EXPECT_EQ(unsupported->status, 501);
    EXPECT_NE(unsupported->body.find("the fake cannot cancel"), std::string::npos);
    f.warehouse.cancellable = true;
    int slow_status = 0;
    std::string slow_body;
    std::thread running([&] {
        auto own = f.client();
        own.set_read_timeout(60, 0);
        auto r = own.Get("/api/v1/sql?query=SELECT%20slow&query_id=abc", kBearer);
        if (r) {
            slow_status = r->status;
            slow_body = r->body;
        }
    });
    f.warehouse.wait_started("abc");
    auto twice = c.Get("/api/v1/sql?query=SELECT%2042%20AS%20answer&query_id=abc", kBearer);
    ASSERT_TRUE(twice);
    EXPECT_EQ(twice->status, 409);
    auto cancel = c.Get("/api/v1/sql/cancel?query_id=abc", kBearer);
    ASSERT_TRUE(cancel);
    EXPECT_EQ(cancel->status, 200);
    EXPECT_EQ(cancel->body, "{\"query_id\":\"abc\",\"cancelled\":true}");
    running.join();
    EXPECT_EQ(slow_status, 499);
    EXPECT_NE(slow_body.find("cancelled: the statement under query_id abc was stopped"),
              std::string::npos)
        << slow_body;
    auto gone = c.Get("/api/v1/sql/cancel?query_id=abc", kBearer);
    ASSERT_TRUE(gone);
    EXPECT_EQ(gone->status, 404);
    auto bad = c.Get("/api/v1/sql/cancel?query_id=a%27b", kBearer);
    ASSERT_TRUE(bad);
    EXPECT_EQ(bad->status, 400);
    auto bad_run = c.Get("/api/v1/sql?query=SELECT%2042%20AS%20answer&query_id=a%27b", kBearer);
    ASSERT_TRUE(bad_run);
    EXPECT_EQ(bad_run->status, 400);
    auto after = c.Get("/api/v1/sql?query=SELECT%2042%20AS%20answer&query_id=abc", kBearer);
    ASSERT_TRUE(after);
    EXPECT_EQ(after->status, 200);  // the id is free again
}

}  // namespace
}  // namespace tote
