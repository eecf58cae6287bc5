// Live dashboard: commit -> tile updated latency, and warehouse statements per second, with N
// viewers. Run against a process that serves the dashboard (docs/benchmarks.md):
//
//   tote --data-dir /tmp/tote-bench demo --rate 2000 --view-every 0 &
//   dashboard_bench --data-dir /tmp/tote-bench --viewers 1 --seconds 30
//   dashboard_bench --data-dir /tmp/tote-bench --viewers 50 --seconds 30
//
// Each viewer holds the event stream (GET /api/v1/events) and, on each version event, reads
// every tile (GET /api/v1/dashboard) as the page does. Latency of one update = the moment the
// tiles of that version (or a newer one) arrived, minus the commit time the event carries (the
// moment the serving process learned the commit was durable; same machine, same clock).
// Statements per second = the growth of tote_dashboard_warehouse_queries_total (all tiles) over
// the run, from GET /metrics.
#include <fmt/format.h>
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <mutex>
#include <regex>
#include <string>
#include <thread>
#include <vector>

namespace {

int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string first_line(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    if (line.empty()) {
        fmt::print(stderr, "cannot read {}: is a tote process serving the dashboard there?\n",
                   path);
        std::exit(2);
    }
    return line;
}

uint64_t total_queries(httplib::Client& client, const httplib::Headers& auth) {
    auto res = client.Get("/metrics", auth);
    if (!res || res->status != 200) {
        fmt::print(stderr, "GET /metrics failed\n");
        std::exit(2);
    }
    static const std::regex line(R"(tote_dashboard_warehouse_queries_total\{tile="\w+"\} (\d+))");
    uint64_t sum = 0;
    for (std::sregex_iterator it(res->body.begin(), res->body.end(), line), end; it != end; ++it)
        sum += std::stoull((*it)[1]);
    return sum;
}

double percentile(std::vector<int64_t> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const size_t i = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
    return static_cast<double>(v[i]);
}

}  // namespace

int main(int argc, char** argv) {
    std::string data_dir = "var/tote";
    int viewers = 1;
    int seconds = 30;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--data-dir")
            data_dir = argv[i + 1];
        else if (flag == "--viewers")
            viewers = std::atoi(argv[i + 1]);
        else if (flag == "--seconds")
            seconds = std::atoi(argv[i + 1]);
        else {
            fmt::print(stderr,
                       "usage: dashboard_bench [--data-dir DIR] [--viewers N] [--seconds S]\n");
            return 2;
        }
    }
    const std::string link = first_line(data_dir + "/dashboard.url");
    const std::string base = link.substr(0, link.find("/login"));
    const int port = std::stoi(base.substr(base.rfind(':') + 1));
    const httplib::Headers auth = {
        {"Authorization", "Bearer " + first_line(data_dir + "/dashboard.token")}};

    httplib::Client metrics("127.0.0.1", port);
    std::atomic<bool> stop{false};
    std::mutex mu;
    std::vector<int64_t> latencies;  // ms, one per (viewer, version) shown
    std::atomic<uint64_t> events{0}, reads{0}, failures{0};
    const uint64_t queries_before = total_queries(metrics, auth);
    const auto started = std::chrono::steady_clock::now();
    std::vector<std::thread> threads;
    // Per viewer, as the page does: the stream thread queues the version events; the reader
    // thread reads the tiles for the newest one queued (skipping versions it has fallen behind
    // on, as the page's load() does) and every queued event the tiles it got cover is shown.
    struct Viewer {
        std::mutex mu;
        std::condition_variable cv;
        std::vector<std::pair<int64_t, int64_t>> pending;  // (version, committed_at_ms)
        bool first = true;  // the stream's first event is the current version, not a commit
    };
    std::vector<std::unique_ptr<Viewer>> state;
    for (int v = 0; v < viewers; ++v) state.push_back(std::make_unique<Viewer>());
    for (int v = 0; v < viewers; ++v) {
        Viewer& me = *state[static_cast<size_t>(v)];
        threads.emplace_back([&] {
            httplib::Client stream("127.0.0.1", port);
            stream.set_read_timeout(seconds + 30, 0);
            static const std::regex event(R"("version":(-?\d+),"committed_at_ms":(\d+))");
            std::string buffer;
            stream.Get("/api/v1/events", auth, [&](const char* data, size_t n) {
                buffer.append(data, n);
                for (size_t end; (end = buffer.find("\n\n")) != std::string::npos;) {
                    const std::string block = buffer.substr(0, end);
                    buffer.erase(0, end + 2);
                    // The event's own fields come first; a dashboard it carries comes after.
                    std::smatch m;
                    const std::string head = block.substr(0, 200);
                    if (!std::regex_search(head, m, event)) continue;
                    ++events;
                    if (block.find(",\"dashboard\":{", 0) != std::string::npos) {
                        // The tiles arrived with the event: shown now, no read.
                        const int64_t at = now_ms();
                        ++reads;
                        std::lock_guard lock(me.mu);
                        if (me.first) {
                            me.first = false;
                        } else {
                            std::lock_guard all(mu);
                            latencies.push_back(at - std::stoll(m[2]));
                        }
                        continue;
                    }
                    std::lock_guard lock(me.mu);
                    me.pending.emplace_back(std::stoll(m[1]), std::stoll(m[2]));
                    me.cv.notify_one();
                }
                return !stop;
            });
            std::lock_guard lock(me.mu);
            me.cv.notify_one();
        });
        threads.emplace_back([&] {
            httplib::Client reader("127.0.0.1", port);
            while (!stop) {
                {
                    std::unique_lock lock(me.mu);
                    me.cv.wait_for(lock, std::chrono::milliseconds(500),
                                   [&] { return stop || !me.pending.empty(); });
                    if (me.pending.empty()) continue;
                }
                auto res = reader.Get("/api/v1/dashboard", auth);
                // The body starts {"version":N,...: read N without scanning the body.
                const std::string prefix = "{\"version\":";
                if (!res || res->status != 200 || res->body.rfind(prefix, 0) != 0) {
                    ++failures;
                    continue;
                }
                const int64_t shown = std::stoll(res->body.substr(prefix.size(), 24));
                const int64_t at = now_ms();
                ++reads;
                std::lock_guard lock(me.mu);
                std::vector<std::pair<int64_t, int64_t>> later;
                for (const auto& [version, committed] : me.pending) {
                    if (version > shown) {
                        later.emplace_back(version, committed);
                        continue;
                    }
                    if (me.first) {
                        me.first = false;
                        continue;
                    }
                    std::lock_guard all(mu);
                    latencies.push_back(at - committed);
                }
                me.pending = std::move(later);
            }
        });
    }
    std::this_thread::sleep_for(std::chrono::seconds(seconds));  // the measured run
    const uint64_t queries_after = total_queries(metrics, auth);
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    stop = true;
    for (auto& t : threads) t.join();  // each stream ends at its next event or heartbeat
    const double qps = static_cast<double>(queries_after - queries_before) / elapsed;
    fmt::print(
        "viewers {} | {:.1f} s | {} version events received, {} dashboard reads, {} failed | "
        "commit -> tiles shown ({} updates): p50 {:.0f} ms, p99 {:.0f} ms, max {:.0f} ms | "
        "warehouse statements {:.1f}/s ({} in the run)\n",
        viewers, elapsed, events.load(), reads.load(), failures.load(), latencies.size(),
        percentile(latencies, 0.50), percentile(latencies, 0.99), percentile(latencies, 1.0), qps,
        queries_after - queries_before);
    return failures.load() == 0 ? 0 : 1;
}
