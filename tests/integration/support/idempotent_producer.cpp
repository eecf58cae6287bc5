#include "idempotent_producer.h"

#include <cstdio>
#include <memory>

namespace tote::testing {
namespace {

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    auto* d = static_cast<Delivery*>(opaque);
    const auto expected = reinterpret_cast<intptr_t>(m->_private);
    if (m->err) {
        if (d->failed++ == 0)
            d->first_problem = d->check_offsets ? "offset " + std::to_string(expected) + ": " +
                                                      rd_kafka_err2str(m->err)
                                                : rd_kafka_err2str(m->err);
        return;
    }
    ++d->delivered;
    if (d->check_offsets && m->offset != expected && d->wrong_offset++ == 0)
        d->first_problem = "log offset " + std::to_string(expected) + " got Kafka offset " +
                           std::to_string(m->offset) + " (is the topic fresh?)";
}

}  // namespace

std::optional<IdempotentProducer> IdempotentProducer::open(std::string program,
                                                           const std::string& brokers,
                                                           const Settings& settings,
                                                           Delivery& delivery) {
    kafka::Conf conf(rd_kafka_conf_new());
    char err[512];
    Settings all = {{"bootstrap.servers", brokers}, {"enable.idempotence", "true"}};
    all.insert(all.end(), settings.begin(), settings.end());
    for (const auto& [k, v] : all) {
        if (rd_kafka_conf_set(conf.get(), k, v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
            std::fprintf(stderr, "%s: %s: %s\n", program.c_str(), k, err);
            return std::nullopt;
        }
    }
    rd_kafka_conf_set_opaque(conf.get(), &delivery);
    rd_kafka_conf_set_dr_msg_cb(conf.get(), &on_delivery);
    kafka::Client rk(rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), err, sizeof err));
    if (!rk) {
        std::fprintf(stderr, "%s: producer: %s\n", program.c_str(), err);
        return std::nullopt;
    }
    (void)conf.release();  // rd_kafka_new took it
    return IdempotentProducer(std::move(program), std::move(rk));
}

// The records carry their OLTP timestamps, which time-based retention (7 days by default) would
// delete at the next segment: the topic keeps every message.
bool IdempotentProducer::create_topic(const std::string& topic, bool may_exist) {
    const char* program = program_.c_str();
    char err[512];
    std::unique_ptr<rd_kafka_NewTopic_t, decltype(&rd_kafka_NewTopic_destroy)> nt(
        rd_kafka_NewTopic_new(topic.c_str(), 1, 1, err, sizeof err), &rd_kafka_NewTopic_destroy);
    if (!nt) {
        std::fprintf(stderr, "%s: topic %s: %s\n", program, topic.c_str(), err);
        return false;
    }
    rd_kafka_NewTopic_set_config(nt.get(), "retention.ms", "-1");
    rd_kafka_NewTopic_set_config(nt.get(), "retention.bytes", "-1");
    rd_kafka_NewTopic_set_config(nt.get(), "cleanup.policy", "delete");
    rd_kafka_NewTopic_set_config(nt.get(), "max.message.bytes", "10485760");  // large records
    kafka::Queue q(rd_kafka_queue_new(rk_.get()));
    rd_kafka_NewTopic_t* topics[] = {nt.get()};
    rd_kafka_CreateTopics(rk_.get(), topics, 1, nullptr, q.get());
    std::unique_ptr<rd_kafka_event_t, decltype(&rd_kafka_event_destroy)> ev(
        rd_kafka_queue_poll(q.get(), 60000), &rd_kafka_event_destroy);
    if (!ev || rd_kafka_event_error(ev.get())) {
        std::fprintf(stderr, "%s: CreateTopics: %s\n", program,
                     ev ? rd_kafka_event_error_string(ev.get()) : "timed out");
        return false;
    }
    size_t n = 0;
    const rd_kafka_topic_result_t** res =
        rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev.get()), &n);
    const rd_kafka_resp_err_t e =
        n == 1 ? rd_kafka_topic_result_error(res[0]) : RD_KAFKA_RESP_ERR_UNKNOWN;
    if (e && !(may_exist && e == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)) {
        std::fprintf(stderr, "%s: cannot create topic %s: %s%s\n", program, topic.c_str(),
                     n == 1 ? rd_kafka_topic_result_error_string(res[0]) : "?",
                     may_exist ? "" : " (it must be new)");
        return false;
    }
    return true;
}

bool IdempotentProducer::send(const std::string& topic, const void* key, size_t key_len,
                              const void* value, size_t value_len, int64_t timestamp_ms,
                              void* opaque, int full_poll_ms) {
    // librdkafka: a null pointer is a null key or value; an empty string stays empty. The
    // value is copied (RD_KAFKA_MSG_F_COPY), never written.
    void* v = const_cast<void*>(value);
    for (;;) {
        const rd_kafka_resp_err_t e = rd_kafka_producev(
            rk_.get(), RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(0),
            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_KEY(key, key_len),
            RD_KAFKA_V_VALUE(v, value_len), RD_KAFKA_V_TIMESTAMP(timestamp_ms),
            RD_KAFKA_V_OPAQUE(opaque), RD_KAFKA_V_END);
        if (e == RD_KAFKA_RESP_ERR_NO_ERROR) return true;
        if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
            std::fprintf(stderr, "%s: produce: %s\n", program_.c_str(), rd_kafka_err2str(e));
            return false;
        }
        rd_kafka_poll(rk_.get(), full_poll_ms);
    }
}

bool IdempotentProducer::flush(int timeout_ms) {
    if (rd_kafka_flush(rk_.get(), timeout_ms) == RD_KAFKA_RESP_ERR_NO_ERROR) return true;
    std::fprintf(stderr, "%s: not every record was delivered within %d s\n", program_.c_str(),
                 timeout_ms / 1000);
    return false;
}

}  // namespace tote::testing
