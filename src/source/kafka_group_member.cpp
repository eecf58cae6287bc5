#include "source/kafka_group_member.h"

#include <cstring>
#include <exception>
#include <mutex>
#include <set>

#include "core/error.h"
#include "core/log.h"
#include "source/kafka_client_log.h"
#include "source/kafka_handles.h"
#include "source/kafka_message_kind.h"
#include "source/kafka_source_config.h"

namespace tote {
namespace {

std::vector<TopicPartitionName> names(const rd_kafka_topic_partition_list_t* list) {
    std::vector<TopicPartitionName> out;
    if (list == nullptr) return out;
    out.reserve(static_cast<size_t>(list->cnt));
    for (int i = 0; i < list->cnt; ++i)
        out.push_back(TopicPartitionName{list->elems[i].topic, list->elems[i].partition});
    return out;
}

std::string err_text(rd_kafka_resp_err_t err) {
    return std::string(rd_kafka_err2str(err)) + " (" + rd_kafka_err2name(err) + ")";
}

}  // namespace

void KafkaGroupConfig::validate() const {
    if (brokers.empty())
        throw ToteError(ErrorClass::Fatal,
                        "no Kafka brokers given: pass --kafka-brokers HOST:PORT[,HOST:PORT]");
    if (group.empty())
        throw ToteError(ErrorClass::Fatal, "no consumer group given: pass --kafka-group NAME");
    if (topics.empty())
        throw ToteError(ErrorClass::Fatal,
                        "a consumer group needs at least one topic: pass --kafka-topic (one "
                        "ordered topic per source database, docs/operations.md)");
    for (const auto& [k, v] : properties) {
        kafka_property(k + "=" + v);
        if (k == "group.id" || k == "partition.assignment.strategy")
            throw ToteError(ErrorClass::Fatal,
                            "Kafka property '" + k +
                                "' is set by tote in a consumer group (--kafka-group, and the "
                                "cooperative assignment it relies on): leave it out");
    }
}

class KafkaGroupMember::Impl {
public:
    Impl(KafkaGroupConfig config, AssignHandler on_assign, RevokeHandler on_revoke)
        : cfg_(std::move(config)),
          on_assign_(std::move(on_assign)),
          on_revoke_(std::move(on_revoke)) {
        cfg_.validate();
        kafka::Conf conf(rd_kafka_conf_new());
        set(conf.get(), "bootstrap.servers", cfg_.brokers);
        set(conf.get(), "client.id", "tote-group-member");
        set(conf.get(), "group.id", cfg_.group);
        set(conf.get(), "partition.assignment.strategy", "cooperative-sticky");
        set(conf.get(), "session.timeout.ms", std::to_string(cfg_.session_timeout.count()));
        set(conf.get(), "heartbeat.interval.ms",
            std::to_string(std::max<int64_t>(cfg_.session_timeout.count() / 4, 500)));
        // The member reads nothing (its partitions are paused) and commits nothing: positions
        // live in the warehouse. "latest" keeps the moment before a pause from fetching a backlog.
        set(conf.get(), "enable.auto.commit", "false");
        set(conf.get(), "enable.auto.offset.store", "false");
        set(conf.get(), "auto.offset.reset", "latest");
        set(conf.get(), "topic.metadata.refresh.interval.ms", "5000");  // new topics seen soon
        for (const auto& [k, v] : cfg_.properties) set(conf.get(), k, v);
        rd_kafka_conf_set_opaque(conf.get(), this);
        rd_kafka_conf_set_rebalance_cb(conf.get(), &Impl::on_rebalance);
        rd_kafka_conf_set_error_cb(conf.get(), &Impl::on_error);
        kafka::route_client_log(conf.get());
        char errstr[512];
        rk_.reset(rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), errstr, sizeof errstr));
        if (!rk_)
            throw ToteError(ErrorClass::Fatal, "cannot create the Kafka consumer of group " +
                                                   describe() + ": " + errstr);
        (void)conf.release();  // owned by the client now
        rd_kafka_poll_set_consumer(rk_.get());
        kafka::PartitionList topics(
            rd_kafka_topic_partition_list_new(static_cast<int>(cfg_.topics.size())));
        for (const auto& t : cfg_.topics)
            rd_kafka_topic_partition_list_add(topics.get(), t.c_str(), RD_KAFKA_PARTITION_UA);
        if (rd_kafka_resp_err_t err = rd_kafka_subscribe(rk_.get(), topics.get()))
            throw ToteError(ErrorClass::Fatal,
                            "cannot subscribe group " + describe() + ": " + err_text(err));
    }

    ~Impl() {
        try {
            close();
        } catch (...) {  // a revoke handler's error at exit: its workers are stopped either way
        }
    }
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;

    void poll(std::chrono::milliseconds wait) {
        if (!rk_) return;
        kafka::Message msg(rd_kafka_consumer_poll(rk_.get(), static_cast<int>(wait.count())));
        rethrow_handler_error();
        throw_if_fatal();
        tell_client_error();
        if (!msg || msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) return;  // a message: dropped
        const rd_kafka_resp_err_t err = msg->err;
        const std::string topic = msg->rkt ? rd_kafka_topic_name(msg->rkt) : std::string();
        if (err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
            err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC) {
            // Debezium creates a topic with its first change: a group started before it waits,
            // and the subscription takes the topic once the metadata (refreshed every 5 s) has it.
            if (missing_told_.insert(topic).second)
                Log::warn("ingest",
                          "Kafka topic '" + topic + "' does not exist on " + cfg_.brokers +
                              " (yet): group " + describe() +
                              " reads it once it is created (Debezium creates it with its first "
                              "change). If it never comes, check --kafka-topic and the "
                              "connector's topic routing (docs/operations.md, \"Ingest from "
                              "Kafka\")",
                          {{"topic", topic}});
            return;
        }
        if (err == RD_KAFKA_RESP_ERR__PARTITION_EOF) return;
        note_error(err, rd_kafka_message_errstr(msg.get()));
    }

    void close() {
        if (!rk_) return;
        closing_ = true;
        rk_.reset();  // rd_kafka_consumer_close: the revoke handler runs for what is held
        rethrow_handler_error();
    }

    std::vector<TopicPartitionName> assignment() const {
        std::lock_guard lock(mu_);
        return held_;
    }
    std::string last_error() const {
        std::lock_guard lock(mu_);
        return last_error_;
    }
    std::string describe() const { return "'" + cfg_.group + "' on " + cfg_.brokers; }

private:
    void set(rd_kafka_conf_t* conf, const std::string& key, const std::string& value) {
        char errstr[512];
        if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), errstr, sizeof errstr) !=
            RD_KAFKA_CONF_OK)
            throw ToteError(ErrorClass::Fatal, "Kafka property " + key + "=" + value +
                                                   " for group " + describe() + ": " + errstr);
    }

    static void on_error(rd_kafka_t*, int err, const char* reason, void* opaque) {
        static_cast<Impl*>(opaque)->note_error(static_cast<rd_kafka_resp_err_t>(err), reason);
    }

    void note_error(rd_kafka_resp_err_t err, const std::string& reason) {
        std::lock_guard lock(mu_);
        if (err == RD_KAFKA_RESP_ERR__FATAL && rk_) {
            char buf[512];
            err = rd_kafka_fatal_error(rk_.get(), buf, sizeof buf);
            fatal_ = std::string(buf) + " (" + rd_kafka_err2name(err) + ")";
            return;
        }
        if (kafka_message_kind(err) == KafkaMessageKind::Fatal) {
            fatal_ = reason + " (" + rd_kafka_err2name(err) + ")";
            return;
        }
        last_error_ = reason + " (" + rd_kafka_err2name(err) + ")";
    }

    // A client error (no broker answers, a connection lost) is said at most every 30 s while it
    // lasts: the member keeps trying, the partitions it holds go on with their own consumers.
    void tell_client_error() {
        std::string error;
        {
            std::lock_guard lock(mu_);
            error = last_error_;
        }
        const auto now = std::chrono::steady_clock::now();
        if (error.empty() || error == told_error_ ||
            (!told_error_.empty() && now - told_at_ < std::chrono::seconds(30)))
            return;
        told_error_ = error;
        told_at_ = now;
        Log::warn("ingest",
                  "consumer group " + describe() + ": " + error +
                      "; retrying. Is the broker up (scripts/stack.sh status) and --kafka-brokers "
                      "right?",
                  {{"group", cfg_.group}});
    }

    void throw_if_fatal() {
        std::string fatal;
        {
            std::lock_guard lock(mu_);
            fatal = fatal_;
        }
        if (!fatal.empty())
            throw ToteError(ErrorClass::Fatal,
                            "Kafka consumer of group " + describe() + " failed: " + fatal +
                                ". Check --kafka-brokers, --kafka-property and the broker's log");
    }

    void rethrow_handler_error() {
        if (handler_error_) std::rethrow_exception(std::exchange(handler_error_, nullptr));
    }

    static void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                             rd_kafka_topic_partition_list_t* parts, void* opaque) {
        static_cast<Impl*>(opaque)->rebalance(rk, err, parts);
    }

    // Runs inside rd_kafka_consumer_poll / close, on the caller's thread. No exception may
    // leave it (C code is below): a handler's is kept and rethrown by poll().
    void rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                   rd_kafka_topic_partition_list_t* parts) {
        const bool cooperative = std::strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
        const auto moved = names(parts);
        if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
            if (cooperative) {
                if (rd_kafka_error_t* e = rd_kafka_incremental_assign(rk, parts))
                    rd_kafka_error_destroy(e);
            } else {
                rd_kafka_assign(rk, parts);
            }
            rd_kafka_pause_partitions(rk, parts);
            {
                std::lock_guard lock(mu_);
                for (const auto& p : moved) held_.push_back(p);
                last_error_.clear();
            }
            if (closing_) return;
            try {
                on_assign_(moved);
            } catch (...) {
                if (!handler_error_) handler_error_ = std::current_exception();
            }
            return;
        }
        // Revoked (or an error, which the consumer treats as losing everything).
        const bool lost =
            err != RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS || rd_kafka_assignment_lost(rk);
        try {
            on_revoke_(moved, lost);
        } catch (...) {
            if (!handler_error_) handler_error_ = std::current_exception();
        }
        {
            std::lock_guard lock(mu_);
            std::erase_if(held_, [&](const TopicPartitionName& h) {
                for (const auto& m : moved)
                    if (m == h) return true;
                return false;
            });
        }
        if (cooperative) {
            if (rd_kafka_error_t* e = rd_kafka_incremental_unassign(rk, parts))
                rd_kafka_error_destroy(e);
        } else {
            rd_kafka_assign(rk, nullptr);
        }
    }

    KafkaGroupConfig cfg_;
    AssignHandler on_assign_;
    RevokeHandler on_revoke_;
    mutable std::mutex mu_;  // held_, last_error_, fatal_ (the error callback runs elsewhere)
    std::vector<TopicPartitionName> held_;
    std::string last_error_;
    std::string fatal_;
    std::exception_ptr handler_error_;
    std::set<std::string> missing_told_;  // topics reported missing (once each)
    std::string told_error_;              // the client error said last, and when
    std::chrono::steady_clock::time_point told_at_;
    bool closing_ = false;
    kafka::Client rk_;  // last: destroyed first, while the members its callbacks use live
};

KafkaGroupMember::KafkaGroupMember(KafkaGroupConfig config, AssignHandler on_assign,
                                   RevokeHandler on_revoke)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(on_assign), std::move(on_revoke))) {
}

KafkaGroupMember::~KafkaGroupMember() = default;

void KafkaGroupMember::poll(std::chrono::milliseconds wait) {
    impl_->poll(wait);
}
void KafkaGroupMember::close() {
    impl_->close();
}
std::vector<TopicPartitionName> KafkaGroupMember::assignment() const {
    return impl_->assignment();
}
std::string KafkaGroupMember::last_error() const {
    return impl_->last_error();
}
std::string KafkaGroupMember::describe() const {
    return impl_->describe();
}

}  // namespace tote
