// The C++ half of bench/kafka_engine_bench.py (docs/benchmarks.md, "Kafka → ClickHouse 18.16:
// tote against the Kafka engine"): fills a Kafka topic from tote's embedded log, at full speed or
// at a fixed rate, and writes what the warehouse must hold afterwards.
//
//   kafka_bench_tool produce LOG_DIR BROKERS TOPIC RATE SECONDS STAMP TIMES_FILE
//       Creates TOPIC (one partition, no retention) unless it exists, and copies the log's
//       records into it in order, keys and values byte-exact. RATE records/s (0: as fast as the
//       broker takes them), for SECONDS seconds (0: the whole log) and then on to the end of the
//       open transaction. STAMP=1 rewrites every "ts_ms":<13 digits> of a value to the
//       wall-clock millisecond at which the record is handed to the producer (the record's
//       source commit time becomes "now", so freshness = now - ts_ms); TIMES_FILE then gets
//       "<ms>\t<records>" lines: how many change records (not BEGIN/END) were stamped with each
//       millisecond ("-": none).
//   kafka_bench_tool expect LOG_DIR COUNT CHANGES_FILE KEYS_FILE
//       For the first COUNT records (-1: all): CHANGES_FILE gets one "table\tlsn\ttotal_order\top"
//       line per change event with a value (BEGIN/END of the transaction topic and tombstones
//       left out), picked out of the value the way ClickHouse's visitParamExtract* does (first
//       occurrence of the field); KEYS_FILE gets, per (table, key) of a change with a key, the
//       newest change's "table\tkey\tlsn\ttotal_order" (key: the Kafka key's payload, compact JSON
//       as tote lands it in _key).
// Exit 0 when done, 1 on a failure (named), 2 on usage errors.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "../tests/integration/support/idempotent_producer.h"
#include "core/error.h"
#include "source/file_log_reader.h"

namespace {
using namespace tote;

int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// Every "ts_ms":<13 digits> of v becomes ms (same length: the value's size does not change).
void stamp(std::string& v, int64_t ms) {
    char digits[32];
    const int n = std::snprintf(digits, sizeof digits, "%lld", static_cast<long long>(ms));
    constexpr std::string_view field = "\"ts_ms\":";
    for (size_t at = v.find(field); at != std::string::npos; at = v.find(field, at + 1)) {
        const size_t d = at + field.size();
        size_t e = d;
        while (e < v.size() && v[e] >= '0' && v[e] <= '9') ++e;
        if (static_cast<int>(e - d) == n) std::memcpy(&v[d], digits, n);
    }
}

int produce(const std::string& log, const std::string& brokers, const std::string& topic,
            double rate, double seconds, bool stamping, const std::string& times_file) {
    testing::Delivery d;
    auto producer = testing::IdempotentProducer::open("kafka_bench_tool", brokers,
                                                      {{"linger.ms", rate > 0 ? "5" : "20"},
                                                       {"batch.size", "1000000"},
                                                       {"compression.type", "none"},
                                                       {"message.max.bytes", "10000000"}},
                                                      d);
    if (!producer) return 2;
    if (!producer->create_topic(topic, true)) return 1;
    FileLogReader reader(log);
    std::vector<LogRecord> batch;
    std::map<int64_t, uint64_t> stamped;  // ms -> records
    uint64_t sent = 0;
    const auto start = std::chrono::steady_clock::now();
    const auto elapsed = [&] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    bool stop = false;
    bool open = false;  // inside a transaction (after BEGIN, before END)
    while (!stop && reader.poll(batch, 4096) > 0) {
        for (auto& r : batch) {
            if (rate > 0) {
                // Pace: record `sent` is due at sent / rate seconds.
                const double due = static_cast<double>(sent) / rate;
                for (double t = elapsed(); t < due; t = elapsed()) {
                    producer->poll(0);
                    std::this_thread::sleep_for(
                        std::chrono::duration<double>(std::min(due - t, 0.001)));
                }
            }
            // Time is up: stop where no transaction is open (after an END), so that every
            // transaction produced is whole; a reader that waits for END sees all of it.
            if (seconds > 0 && !open && elapsed() >= seconds) {
                stop = true;
                break;
            }
            if (r.value && r.topic.ends_with(".transaction")) {
                if (r.value->find("\"status\":\"BEGIN\"") != std::string::npos) open = true;
                if (r.value->find("\"status\":\"END\"") != std::string::npos) open = false;
            }
            if (stamping && r.value) {
                const int64_t ms = now_ms();
                stamp(*r.value, ms);
                if (!r.topic.ends_with(".transaction")) ++stamped[ms];  // BEGIN/END never land
            }
            const void* key = r.key ? r.key->data() : nullptr;
            const size_t key_len = r.key ? r.key->size() : 0;
            const void* value = r.value ? r.value->data() : nullptr;
            const size_t value_len = r.value ? r.value->size() : 0;
            if (!producer->send(topic, key, key_len, value, value_len, 0, nullptr, 10)) return 1;
            producer->poll(0);
            ++sent;
        }
        reader.recycle(batch);
        batch.clear();
    }
    const double produced_s = elapsed();
    if (!producer->flush(300000)) return 1;
    if (stamping && times_file != "-") {
        std::ofstream out(times_file);
        for (auto [ms, n] : stamped) out << ms << '\t' << n << '\n';
    }
    std::printf(
        "produced %llu records to %s/0 in %.2f s (%.0f records/s): %llu delivered, %llu "
        "failed%s%s\n",
        (unsigned long long)sent, topic.c_str(), produced_s, sent / produced_s,
        (unsigned long long)d.delivered, (unsigned long long)d.failed,
        d.first_problem.empty() ? "" : "; first problem: ", d.first_problem.c_str());
    return d.delivered == sent && d.failed == 0 ? 0 : 1;
}

// visitParamExtract*'s view of a value: the first "name": in the text.
std::string_view field_text(std::string_view v, std::string_view name) {
    const std::string pattern = "\"" + std::string(name) + "\":";
    const size_t at = v.find(pattern);
    if (at == std::string_view::npos) return {};
    size_t b = at + pattern.size();
    if (b < v.size() && v[b] == '"') {
        const size_t e = v.find('"', b + 1);
        return e == std::string_view::npos ? std::string_view{} : v.substr(b + 1, e - b - 1);
    }
    size_t e = b;
    while (e < v.size() && v[e] >= '0' && v[e] <= '9') ++e;
    return v.substr(b, e - b);
}

uint64_t number(std::string_view s) {
    uint64_t n = 0;
    for (char c : s) n = n * 10 + static_cast<uint64_t>(c - '0');
    return n;
}

// The key's payload: {"schema":…,"payload":{…}} unwrapped; a key without schema as it is.
std::string_view key_payload(std::string_view k) {
    constexpr std::string_view wrapped = "{\"schema\":";
    if (k.substr(0, wrapped.size()) != wrapped) return k;
    const size_t at = k.rfind(",\"payload\":");
    if (at == std::string_view::npos) return k;
    return k.substr(at + 11, k.size() - at - 12);
}

int expect(const std::string& log, int64_t count, const std::string& changes_file,
           const std::string& keys_file) {
    FileLogReader reader(log);
    std::vector<LogRecord> batch;
    std::ofstream changes(changes_file);
    struct Newest {
        uint64_t lsn = 0, order = 0;
    };
    std::unordered_map<std::string, Newest> newest;  // "table\tkey" -> newest change
    int64_t seen = 0;
    uint64_t lines = 0;
    while ((count < 0 || seen < count) && reader.poll(batch, 4096) > 0) {
        for (const auto& r : batch) {
            if (count >= 0 && seen >= count) break;
            ++seen;
            if (!r.value || r.value->empty()) continue;  // tombstone
            const std::string_view v = *r.value;
            const std::string_view op = field_text(v, "op");
            if (op.empty()) continue;  // BEGIN/END
            const std::string_view table = field_text(v, "table");
            const uint64_t lsn = number(field_text(v, "lsn"));
            const uint64_t order = number(field_text(v, "total_order"));
            changes << table << '\t' << lsn << '\t' << order << '\t' << op << '\n';
            ++lines;
            if (!r.key || op == "t") continue;
            std::string id(table);
            id += '\t';
            id += key_payload(*r.key);
            Newest& n = newest[id];
            if (lsn > n.lsn || (lsn == n.lsn && order >= n.order)) n = {lsn, order};
        }
        reader.recycle(batch);
        batch.clear();
    }
    std::ofstream keys(keys_file);
    for (const auto& [id, n] : newest) keys << id << '\t' << n.lsn << '\t' << n.order << '\n';
    std::printf("expected from %lld records: %llu change events, %zu keys\n", (long long)seen,
                (unsigned long long)lines, newest.size());
    return changes && keys ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        const std::string mode = argc > 1 ? argv[1] : "";
        if (mode == "produce" && argc == 9)
            return produce(argv[2], argv[3], argv[4], std::stod(argv[5]), std::stod(argv[6]),
                           std::string(argv[7]) == "1", argv[8]);
        if (mode == "expect" && argc == 6)
            return expect(argv[2], std::stoll(argv[3]), argv[4], argv[5]);
        std::fprintf(stderr,
                     "usage: kafka_bench_tool produce LOG_DIR BROKERS TOPIC RATE SECONDS STAMP "
                     "TIMES_FILE\n"
                     "       kafka_bench_tool expect LOG_DIR COUNT CHANGES_FILE KEYS_FILE\n");
        return 2;
    } catch (const ToteError& e) {
        std::fprintf(stderr, "kafka_bench_tool: %s\n", e.what());
        return 1;
    }
}
