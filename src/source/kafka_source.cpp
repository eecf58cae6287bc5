#include "source/kafka_source.h"

#include <algorithm>
#include <chrono>

#include "core/error.h"
#include "source/kafka_client_log.h"
#include "source/kafka_handles.h"
#include "source/kafka_message_kind.h"

namespace tote {
namespace {
using Clock = std::chrono::steady_clock;
constexpr size_t kMaxChunk = 4096;                  // messages taken from the queue per call
constexpr std::chrono::milliseconds kEndWait{200};  // one wait while reading up to the end

std::string err_text(rd_kafka_resp_err_t err) {
    return std::string(rd_kafka_err2str(err)) + " (" + rd_kafka_err2name(err) + ")";
}
}  // namespace

class KafkaSource::Impl {
public:
    explicit Impl(KafkaSourceConfig config) : cfg_(std::move(config)) {
        cfg_.validate();
        kafka::Conf conf(rd_kafka_conf_new());
        set(conf.get(), "bootstrap.servers", cfg_.brokers);
        set(conf.get(), "client.id", "tote");
        // A group id is needed to assign; the group is never joined and nothing is committed:
        // the position lives in the warehouse with the data it covers.
        set(conf.get(), "group.id", "tote-" + cfg_.topic);
        set(conf.get(), "enable.auto.commit", "false");
        set(conf.get(), "enable.auto.offset.store", "false");
        set(conf.get(), "auto.offset.reset", "error");  // a gap is reported, never jumped
        set(conf.get(), "enable.partition.eof", "true");
        for (const auto& [k, v] : cfg_.properties) set(conf.get(), k, v);
        rd_kafka_conf_set_opaque(conf.get(), this);
        rd_kafka_conf_set_error_cb(conf.get(), &Impl::on_error);
        kafka::route_client_log(conf.get());
        char errstr[512];
        rk_.reset(rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), errstr, sizeof errstr));
        if (!rk_)
            throw ToteError(ErrorClass::Fatal, "cannot create a Kafka consumer for " +
                                                   cfg_.describe() + ": " + errstr);
        (void)conf.release();  // owned by the client now
        rd_kafka_poll_set_consumer(rk_.get());
        queue_.reset(rd_kafka_queue_get_consumer(rk_.get()));
        last_progress_ = Clock::now();
    }

    // The client first, while every member its callbacks write (on_error during the consumer's
    // close) is still alive; the queue before the client it belongs to.
    ~Impl() {
        queue_.reset();
        rk_.reset();
    }
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;

    std::pair<int64_t, int64_t> query_watermarks() {
        int64_t lo = -1, hi = -1;
        const rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(
            rk_.get(), cfg_.topic.c_str(), cfg_.partition.value, &lo, &hi,
            static_cast<int>(cfg_.metadata_timeout.count()));
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            high_seen_ = std::max(high_seen_, hi);
            return {lo, hi};
        }
        if (err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
            err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC || err == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION)
            // Following (--follow), a topic that does not exist yet is one Debezium has not
            // created (it does with its first change): Retriable, so a supervisor (or the
            // consumer group's worker) starts again; a finite run has nothing to read.
            throw ToteError(
                cfg_.stop_at_end ? ErrorClass::Fatal : ErrorClass::Retriable,
                "Kafka topic '" + cfg_.topic + "' partition " +
                    std::to_string(cfg_.partition.value) + " does not exist on " + cfg_.brokers +
                    ": " + err_text(err) +
                    (cfg_.stop_at_end ? std::string()
                                      : std::string(" (yet? Debezium creates it with its first "
                                                    "change: run again once it exists)")) +
                    ". Check --kafka-topic/--kafka-partition and the connector's "
                    "topic routing (docs/operations.md, \"Ingest from Kafka\")");
        if (kafka_message_kind(err) == KafkaMessageKind::Transient)
            throw ToteError(ErrorClass::Retriable,
                            "cannot read the watermarks of " + cfg_.describe() + " within " +
                                std::to_string(cfg_.metadata_timeout.count()) +
                                " ms: " + err_text(err) + last_error_suffix() +
                                ". Is the broker up (scripts/stack.sh status) and --kafka-brokers "
                                "right? Run the ingest again once it answers");
        throw ToteError(ErrorClass::Fatal,
                        "cannot read the watermarks of " + cfg_.describe() + ": " + err_text(err));
    }

    void seek(const LogPosition& pos) {
        if (pos.byte_position != 0)
            throw ToteError(ErrorClass::Fatal,
                            "resume position (offset " + std::to_string(pos.next_offset) +
                                ", byte " + std::to_string(pos.byte_position) +
                                ") was written by a file source, not by " + cfg_.describe() +
                                ": pass a --consumer name of its own");
        auto [lo, hi] = query_watermarks();
        if (pos.next_offset < lo)
            throw ToteError(
                ErrorClass::Fatal,
                gap_text(pos.next_offset, lo) +
                    " Nothing was skipped: raise the topic's retention, or re-snapshot the "
                    "database into a new topic and ingest it with a new --consumer name");
        if (pos.next_offset > hi)
            throw ToteError(ErrorClass::Fatal,
                            "resume offset " + std::to_string(pos.next_offset) + " of " +
                                cfg_.describe() + " is past the partition's end (high watermark " +
                                std::to_string(hi) +
                                "): was the topic deleted and re-created? Ingest the new topic "
                                "with a new --consumer name (or into a fresh database)");
        stop_at_ = cfg_.stop_at_end ? std::optional<int64_t>(hi) : std::nullopt;
        kafka::PartitionList list(rd_kafka_topic_partition_list_new(1));
        rd_kafka_topic_partition_list_add(list.get(), cfg_.topic.c_str(), cfg_.partition.value)
            ->offset = pos.next_offset;
        rd_kafka_assign(rk_.get(), nullptr);  // drop what the previous assignment fetched
        if (rd_kafka_resp_err_t err = rd_kafka_assign(rk_.get(), list.get()))
            throw ToteError(ErrorClass::Fatal, "cannot assign " + cfg_.describe() + " at offset " +
                                                   std::to_string(pos.next_offset) + ": " +
                                                   err_text(err));
        pos_ = LogPosition{pos.next_offset, 0};
        last_progress_ = Clock::now();
        behind_since_.reset();
        clear_error();
    }

    size_t poll(std::vector<LogRecord>& out, size_t max_records) {
        size_t got = 0;
        bool waited = false;
        while (got < max_records) {
            if (stop_at_ && pos_.next_offset >= *stop_at_) break;
            size_t want = std::min(max_records - got, kMaxChunk);
            if (stop_at_)
                want = std::min<size_t>(want, static_cast<size_t>(*stop_at_ - pos_.next_offset));
            std::chrono::milliseconds wait = kEndWait;
            if (!stop_at_) wait = waited ? std::chrono::milliseconds(0) : cfg_.poll_wait;
            waited = true;
            raw_.resize(want);
            const ssize_t n = rd_kafka_consume_batch_queue(
                queue_.get(), static_cast<int>(wait.count()), raw_.data(), want);
            if (n < 0)
                throw ToteError(ErrorClass::Fatal, "cannot consume from " + cfg_.describe() + ": " +
                                                       err_text(rd_kafka_last_error()));
            bool at_end = false;
            // Own every message first, so nothing leaks when one of them throws.
            std::vector<kafka::Message> msgs;
            msgs.reserve(static_cast<size_t>(n));
            for (ssize_t i = 0; i < n; ++i) msgs.emplace_back(raw_[static_cast<size_t>(i)]);
            for (auto& m : msgs) {
                if (take(*m, out, at_end)) ++got;
            }
            throw_if_fatal();
            if (at_end) break;
            if (!stop_at_ && n == 0) {
                check_stall(true);
                break;  // --follow: nothing new within poll_wait
            }
            if (stop_at_) check_stall(false);
        }
        return got;
    }

    std::optional<int64_t> end_offset() {
        int64_t lo = -1, hi = -1;
        if (rd_kafka_get_watermark_offsets(rk_.get(), cfg_.topic.c_str(), cfg_.partition.value, &lo,
                                           &hi) == RD_KAFKA_RESP_ERR_NO_ERROR &&
            hi >= 0)
            high_seen_ = std::max(high_seen_, hi);
        if (high_seen_ < 0) return std::nullopt;
        return high_seen_;
    }

    const KafkaSourceConfig& config() const { return cfg_; }
    const LogPosition& position() const { return pos_; }

private:
    void set(rd_kafka_conf_t* conf, const std::string& key, const std::string& value) {
        char errstr[512];
        if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), errstr, sizeof errstr) !=
            RD_KAFKA_CONF_OK)
            throw ToteError(ErrorClass::Fatal, "Kafka property " + key + "=" + value + " for " +
                                                   cfg_.describe() + ": " + errstr);
    }

    static void on_error(rd_kafka_t*, int err, const char* reason, void* opaque) {
        static_cast<Impl*>(opaque)->note_error(static_cast<rd_kafka_resp_err_t>(err), reason);
    }

    void note_error(rd_kafka_resp_err_t err, const std::string& reason) {
        if (err == RD_KAFKA_RESP_ERR__FATAL) {
            char buf[512];
            err = rd_kafka_fatal_error(rk_.get(), buf, sizeof buf);
            fatal_ = std::string(buf) + " (" + rd_kafka_err2name(err) + ")";
            return;
        }
        const KafkaMessageKind kind = kafka_message_kind(err);
        if (kind == KafkaMessageKind::Fatal) {
            fatal_ = reason + " (" + rd_kafka_err2name(err) + ")";
            return;
        }
        if (!last_error_) error_since_ = Clock::now();
        last_error_ = reason + " (" + rd_kafka_err2name(err) + ")";
    }

    void clear_error() { last_error_.reset(); }

    std::string last_error_suffix() const {
        return last_error_ ? " (last client error: " + *last_error_ + ")" : std::string();
    }

    void throw_if_fatal() {
        if (fatal_)
            throw ToteError(ErrorClass::Fatal,
                            "Kafka consumer of " + cfg_.describe() + " at offset " +
                                std::to_string(pos_.next_offset) + " failed: " + *fatal_ +
                                ". Check --kafka-brokers, --kafka-property and the broker's log");
    }

    std::string gap_text(int64_t requested, int64_t low) const {
        return "offsets " + std::to_string(requested) + ".." + std::to_string(low - 1) + " of " +
               cfg_.describe() + " are gone: tote must read from offset " +
               std::to_string(requested) +
               " (the next to land, or the partition's start to rebuild the fact state from) but "
               "the partition now starts at " +
               std::to_string(low) + " (its low watermark: retention deleted " +
               std::to_string(low - requested) + " messages tote still needs).";
    }

    // No message for the stall timeout while there is something to read is Retriable; so are
    // client errors for that long, once a probe of the broker fails too (an idle partition sees
    // no message that would clear an error after the broker came back).
    void check_stall(bool follow) {
        const auto now = Clock::now();
        const bool behind = !follow || end_offset().value_or(-1) > pos_.next_offset;
        if (!behind)
            behind_since_.reset();
        else if (!behind_since_)
            behind_since_ = now;
        const Clock::time_point waiting_since =
            behind_since_ ? std::max(*behind_since_, last_progress_) : now;
        const bool stalled = behind_since_ && now - waiting_since >= cfg_.stall_timeout;
        if (!stalled && last_error_ && now - error_since_ >= cfg_.stall_timeout) {
            query_watermarks();  // throws Retriable, naming the error, if the broker is still gone
            clear_error();
        }
        if (stalled)
            throw ToteError(
                ErrorClass::Retriable,
                "no message from " + cfg_.describe() + " at offset " +
                    std::to_string(pos_.next_offset) + " for " +
                    std::to_string(
                        std::chrono::duration_cast<std::chrono::seconds>(now - waiting_since)
                            .count()) +
                    " s while the partition's end is " +
                    std::to_string(stop_at_ ? *stop_at_ : end_offset().value_or(-1)) +
                    last_error_suffix() + ". Is the broker at " + cfg_.brokers +
                    " up (scripts/stack.sh status)? Run the ingest again: it resumes at the "
                    "committed position");
    }

    // One message or event from the queue; true when it became a record in `out`.
    bool take(const rd_kafka_message_t& m, std::vector<LogRecord>& out, bool& at_end) {
        const KafkaMessageKind kind = kafka_message_kind(m.err);
        const bool ours = m.rkt && m.partition == cfg_.partition.value &&
                          cfg_.topic == rd_kafka_topic_name(m.rkt);
        switch (kind) {
            case KafkaMessageKind::Record:
            case KafkaMessageKind::Unreadable: {
                if (!ours || m.offset < pos_.next_offset) return false;  // from an old assignment
                if (kind == KafkaMessageKind::Unreadable && m.offset < 0) {
                    note_error(m.err, rd_kafka_message_errstr(&m));
                    return false;
                }
                LogRecord rec;
                rec.topic = cfg_.topic;
                rec.partition = cfg_.partition;
                rec.offset = Offset{m.offset};
                rd_kafka_timestamp_type_t type;
                const int64_t ts = rd_kafka_message_timestamp(&m, &type);
                rec.timestamp_ms = ts >= 0 ? ts : 0;
                if (m.key) rec.key.emplace(static_cast<const char*>(m.key), m.key_len);
                if (m.payload) rec.value.emplace(static_cast<const char*>(m.payload), m.len);
                if (kind == KafkaMessageKind::Unreadable) {
                    rec.source_error = "kafka: " + std::string(rd_kafka_message_errstr(&m)) + " (" +
                                       rd_kafka_err2name(m.err) + ")";
                    if (!rec.value) rec.value.emplace();
                }
                out.push_back(std::move(rec));
                pos_.next_offset = m.offset + 1;
                last_progress_ = Clock::now();
                clear_error();
                return true;
            }
            case KafkaMessageKind::EndOfPartition:
                if (!ours || m.offset < pos_.next_offset) return false;
                // Offsets below the end that never came as messages (transaction markers,
                // compaction) are behind us too.
                pos_.next_offset = stop_at_ ? std::min<int64_t>(m.offset, *stop_at_) : m.offset;
                high_seen_ = std::max(high_seen_, m.offset);
                last_progress_ = Clock::now();
                clear_error();
                at_end = true;
                return false;
            case KafkaMessageKind::OffsetGone: {
                auto [lo, hi] = query_watermarks();
                if (pos_.next_offset < lo)
                    throw ToteError(ErrorClass::Fatal,
                                    gap_text(pos_.next_offset, lo) +
                                        " Nothing was skipped: raise the topic's retention, or "
                                        "re-snapshot the database into a new topic and ingest "
                                        "it with a new --consumer name");
                throw ToteError(ErrorClass::Fatal,
                                "offset " + std::to_string(pos_.next_offset) + " of " +
                                    cfg_.describe() + " is out of range (partition holds " +
                                    std::to_string(lo) + ".." + std::to_string(hi - 1) +
                                    "): " + rd_kafka_message_errstr(&m));
            }
            case KafkaMessageKind::Transient:
                note_error(m.err, rd_kafka_message_errstr(&m));
                return false;
            case KafkaMessageKind::Fatal:
                throw ToteError(
                    ErrorClass::Fatal,
                    "Kafka consumer of " + cfg_.describe() + " at offset " +
                        std::to_string(pos_.next_offset) + ": " + rd_kafka_message_errstr(&m) +
                        " (" + rd_kafka_err2name(m.err) +
                        "). Check --kafka-topic, --kafka-property and the broker's log");
        }
        return false;
    }

    KafkaSourceConfig cfg_;
    kafka::Client rk_;
    kafka::Queue queue_;
    LogPosition pos_;
    std::optional<int64_t> stop_at_;
    int64_t high_seen_ = -1;
    std::vector<rd_kafka_message_t*> raw_;  // filled by consume_batch, owned at once by Message
    Clock::time_point last_progress_;
    std::optional<Clock::time_point> behind_since_;  // first seen behind without a message
    std::optional<std::string> last_error_;  // a transient client error since the last message
    Clock::time_point error_since_;
    std::optional<std::string> fatal_;
};

KafkaSource::KafkaSource(KafkaSourceConfig config)
    : impl_(std::make_unique<Impl>(std::move(config))) {}
KafkaSource::~KafkaSource() = default;

void KafkaSource::seek(const LogPosition& pos) {
    impl_->seek(pos);
}
size_t KafkaSource::poll(std::vector<LogRecord>& out, size_t max_records) {
    return impl_->poll(out, max_records);
}
LogPosition KafkaSource::position() const {
    return impl_->position();
}
std::string KafkaSource::describe() const {
    return impl_->config().describe();
}
std::optional<int64_t> KafkaSource::end_offset() {
    return impl_->end_offset();
}
std::pair<int64_t, int64_t> KafkaSource::query_watermarks() {
    return impl_->query_watermarks();
}

}  // namespace tote
