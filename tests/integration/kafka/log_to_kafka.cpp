// Test tool: copies records of tote's embedded log into one partition of a Kafka topic, in the
// log's order and byte-exact (null keys and null values kept, timestamps kept), and checks that
// each got the Kafka offset equal to its log offset; or reads a topic back through KafkaSource
// and compares it with the log.
//
//   log_to_kafka produce LOG_DIR BROKERS TOPIC FROM TO   records with offsets [FROM, TO)
//                                                        (TO = -1: to the end of the log)
//   log_to_kafka verify LOG_DIR BROKERS TOPIC            the whole partition 0 == the log
//   log_to_kafka delete-before BROKERS TOPIC OFFSET      delete partition 0's records below
//                                                        OFFSET (as retention does)
//   log_to_kafka produce-jsonl FILE BROKERS TOPIC        every record of a JSON-lines capture,
//                                                        to a new topic, in file order
//   log_to_kafka boundary LOG_DIR OFFSET                 print the first offset >= OFFSET
//                                                        where no transaction is open (after an
//                                                        END): a live topic ends there once a
//                                                        transaction's records all arrived
// Exit 0 when exact, 1 with the first differences, 2 on usage errors.
#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "../support/idempotent_producer.h"
#include "core/error.h"
#include "source/file_log_reader.h"
#include "source/jsonl_file_source.h"
#include "source/kafka_handles.h"
#include "source/kafka_source.h"

namespace {
using namespace tote;

std::vector<LogRecord> read_log(const std::string& dir, int64_t from, int64_t to) {
    FileLogReader reader(dir);
    std::vector<LogRecord> all, out;
    while (reader.poll(all, 65536) > 0) {
        for (auto& r : all)
            if (r.offset.value >= from && (to < 0 || r.offset.value < to))
                out.push_back(std::move(r));
        all.clear();
    }
    return out;
}

// Every record of a JSON-lines capture ({topic, key, value, timestamp_ms, ...} per line, as in
// shared/real-debezium), numbered 0.. in file order: the Kafka offsets they must get.
std::vector<LogRecord> read_jsonl(const std::string& path) {
    JsonlFileSource source(path);
    source.seek(LogPosition{});
    std::vector<LogRecord> out;
    while (source.poll(out, 65536) > 0) {
    }
    for (size_t i = 0; i < out.size(); ++i) out[i].offset = Offset{static_cast<int64_t>(i)};
    return out;
}

int produce_records(const std::vector<LogRecord>& records, const std::string& brokers,
                    const std::string& topic, bool create);

int produce(const std::string& log, const std::string& brokers, const std::string& topic,
            int64_t from, int64_t to) {
    return produce_records(read_log(log, from, to), brokers, topic, from == 0);
}

int produce_records(const std::vector<LogRecord>& records, const std::string& brokers,
                    const std::string& topic, bool create) {
    testing::Delivery d;
    d.check_offsets = true;  // each record is sent with its log offset: Kafka must give it that
    auto producer = testing::IdempotentProducer::open(
        "log_to_kafka", brokers,
        {{"linger.ms", "20"}, {"batch.size", "1000000"}, {"message.max.bytes", "10000000"}}, d);
    if (!producer) return 2;
    if (create && !producer->create_topic(topic, false)) return 1;
    uint64_t null_keys = 0, null_values = 0;
    for (const auto& r : records) {
        null_keys += !r.key;
        null_values += !r.value;
        const void* key = r.key ? r.key->data() : nullptr;
        const size_t key_len = r.key ? r.key->size() : 0;
        const void* value = r.value ? r.value->data() : nullptr;
        const size_t value_len = r.value ? r.value->size() : 0;
        void* expected = reinterpret_cast<void*>(static_cast<intptr_t>(r.offset.value));
        if (!producer->send(topic, key, key_len, value, value_len, r.timestamp_ms, expected, 50))
            return 1;
        producer->poll(0);
    }
    if (!producer->flush(120000)) return 1;
    std::printf(
        "produced %zu records (log offsets %lld..%lld; %llu null keys, %llu null values) "
        "to %s/0: %llu delivered, %llu at another offset, %llu failed\n",
        records.size(), records.empty() ? 0LL : (long long)records.front().offset.value,
        records.empty() ? -1LL : (long long)records.back().offset.value,
        (unsigned long long)null_keys, (unsigned long long)null_values, topic.c_str(),
        (unsigned long long)d.delivered, (unsigned long long)d.wrong_offset,
        (unsigned long long)d.failed);
    if (!d.first_problem.empty()) std::printf("first problem: %s\n", d.first_problem.c_str());
    return d.delivered == records.size() && d.wrong_offset == 0 && d.failed == 0 ? 0 : 1;
}

int verify(const std::string& log, const std::string& brokers, const std::string& topic) {
    const auto expected = read_log(log, 0, -1);
    KafkaSourceConfig c;
    c.brokers = brokers;
    c.topic = topic;
    const auto started = std::chrono::steady_clock::now();
    KafkaSource source(c);
    source.seek(LogPosition{});
    std::vector<LogRecord> got;
    while (source.poll(got, 4096) > 0) {
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    uint64_t differences = 0;
    double bytes = 0;
    for (const auto& r : got)
        bytes += (r.key ? r.key->size() : 0) + (r.value ? r.value->size() : 0);
    auto differ = [&](size_t i, const char* what) {
        if (differences++ < 5) std::printf("DIFF at offset %zu: %s\n", i, what);
    };
    if (got.size() != expected.size()) {
        std::printf("DIFF: %zu records in Kafka, %zu in the log\n", got.size(), expected.size());
        ++differences;
    }
    for (size_t i = 0; i < std::min(got.size(), expected.size()); ++i) {
        const auto &g = got[i], &e = expected[i];
        if (g.offset != e.offset) differ(i, "offset");
        if (g.key != e.key) differ(i, "key (bytes or null)");
        if (g.value != e.value) differ(i, "value (bytes or null)");
        if (g.timestamp_ms != e.timestamp_ms) differ(i, "timestamp");
        if (!g.source_error.empty()) differ(i, g.source_error.c_str());
    }
    std::printf(
        "verified %zu records of %s/0 against the log: %llu differences; end offset %lld; "
        "read through KafkaSource in %.2f s (%.0f records/s, %.1f MB/s)\n",
        got.size(), topic.c_str(), (unsigned long long)differences,
        (long long)source.position().next_offset, seconds, got.size() / seconds,
        bytes / seconds / 1e6);
    return differences == 0 ? 0 : 1;
}

int delete_before(const std::string& brokers, const std::string& topic, int64_t offset) {
    kafka::Conf conf(rd_kafka_conf_new());
    char err[512];
    if (rd_kafka_conf_set(conf.get(), "bootstrap.servers", brokers.c_str(), err, sizeof err) !=
        RD_KAFKA_CONF_OK) {
        std::fprintf(stderr, "log_to_kafka: %s\n", err);
        return 2;
    }
    kafka::Client rk(rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), err, sizeof err));
    if (!rk) {
        std::fprintf(stderr, "log_to_kafka: admin client: %s\n", err);
        return 2;
    }
    (void)conf.release();
    kafka::PartitionList list(rd_kafka_topic_partition_list_new(1));
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), 0)->offset = offset;
    std::unique_ptr<rd_kafka_DeleteRecords_t, decltype(&rd_kafka_DeleteRecords_destroy)> del(
        rd_kafka_DeleteRecords_new(list.get()), &rd_kafka_DeleteRecords_destroy);
    kafka::Queue q(rd_kafka_queue_new(rk.get()));
    rd_kafka_DeleteRecords_t* dels[] = {del.get()};
    rd_kafka_DeleteRecords(rk.get(), dels, 1, nullptr, q.get());
    std::unique_ptr<rd_kafka_event_t, decltype(&rd_kafka_event_destroy)> ev(
        rd_kafka_queue_poll(q.get(), 60000), &rd_kafka_event_destroy);
    if (!ev || rd_kafka_event_error(ev.get())) {
        std::fprintf(stderr, "log_to_kafka: DeleteRecords: %s\n",
                     ev ? rd_kafka_event_error_string(ev.get()) : "timed out");
        return 1;
    }
    const auto* result =
        rd_kafka_DeleteRecords_result_offsets(rd_kafka_event_DeleteRecords_result(ev.get()));
    if (!result || result->cnt != 1 || result->elems[0].err) {
        std::fprintf(stderr, "log_to_kafka: DeleteRecords of %s/0 failed: %s\n", topic.c_str(),
                     result && result->cnt == 1 ? rd_kafka_err2str(result->elems[0].err) : "?");
        return 1;
    }
    std::printf("deleted the records of %s/0 below offset %lld (low watermark now %lld)\n",
                topic.c_str(), (long long)offset, (long long)result->elems[0].offset);
    return 0;
}

// Debezium's transaction topic carries BEGIN and END (their value holds "status":"...").
int boundary(const std::string& dir, int64_t at) {
    bool open = false;
    for (const LogRecord& r : read_log(dir, 0, -1)) {
        if (r.offset.value >= at && !open) {
            std::printf("%lld\n", static_cast<long long>(r.offset.value));
            return 0;
        }
        if (!r.value || r.topic.size() < 12 ||
            r.topic.compare(r.topic.size() - 12, 12, ".transaction") != 0)
            continue;
        if (r.value->find("\"status\":\"BEGIN\"") != std::string::npos) open = true;
        if (r.value->find("\"status\":\"END\"") != std::string::npos) open = false;
    }
    std::printf("-1\n");
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        const std::string mode = argc > 1 ? argv[1] : "";
        if (mode == "produce" && argc == 7)
            return produce(argv[2], argv[3], argv[4], std::stoll(argv[5]), std::stoll(argv[6]));
        if (mode == "verify" && argc == 5) return verify(argv[2], argv[3], argv[4]);
        if (mode == "produce-jsonl" && argc == 5)
            return produce_records(read_jsonl(argv[2]), argv[3], argv[4], true);
        if (mode == "boundary" && argc == 4) return boundary(argv[2], std::stoll(argv[3]));
        if (mode == "delete-before" && argc == 5)
            return delete_before(argv[2], argv[3], std::stoll(argv[4]));
        std::fprintf(stderr,
                     "usage: log_to_kafka produce LOG_DIR BROKERS TOPIC FROM TO\n"
                     "       log_to_kafka verify LOG_DIR BROKERS TOPIC\n"
                     "       log_to_kafka delete-before BROKERS TOPIC OFFSET\n"
                     "       log_to_kafka boundary LOG_DIR OFFSET\n"
                     "       log_to_kafka produce-jsonl FILE BROKERS TOPIC\n");
        return 2;
    } catch (const ToteError& e) {
        std::fprintf(stderr, "log_to_kafka: %s\n", e.what());
        return 1;
    }
}
