// Kafka source settings, the classification of librdkafka codes, and the positions a
// KafkaSource refuses, all without a broker.
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include <chrono>
#include <functional>

#include "core/error.h"
#include "source/kafka_message_kind.h"
#include "source/kafka_source.h"
#include "source/kafka_source_config.h"

namespace tote {
namespace {

KafkaSourceConfig config() {
    KafkaSourceConfig c;
    c.brokers = "127.0.0.1:1";  // nothing listens on port 1: refused at once
    c.topic = "tote.all";
    return c;
}

std::string fatal_message(const std::function<void()>& f) {
    try {
        f();
    } catch (const ToteError& e) {
        EXPECT_EQ(e.error_class(), ErrorClass::Fatal) << e.what();
        return e.what();
    }
    ADD_FAILURE() << "no error";
    return "";
}

TEST(KafkaSourceConfig, ParsesPropertiesAsKeyAndValue) {
    EXPECT_EQ(kafka_property("fetch.max.bytes=52428800"),
              (std::pair<std::string, std::string>{"fetch.max.bytes", "52428800"}));
    // The value is everything after the first '=' (SASL settings hold '=').
    EXPECT_EQ(kafka_property("sasl.oauthbearer.config=a=b c=d").second, "a=b c=d");
    EXPECT_EQ(kafka_property("client.rack=").second, "");
}

TEST(KafkaSourceConfig, RefusesMalformedAndReservedProperties) {
    EXPECT_NE(fatal_message([] { kafka_property("fetch.max.bytes"); }).find("is not key=value"),
              std::string::npos);
    EXPECT_NE(fatal_message([] { kafka_property("=5"); }).find("is not key=value"),
              std::string::npos);
    for (const char* key : {"enable.auto.commit", "auto.offset.reset", "enable.auto.offset.store",
                            "enable.partition.eof"}) {
        const std::string m = fatal_message([&] { kafka_property(std::string(key) + "=x"); });
        EXPECT_NE(m.find("is set by tote itself"), std::string::npos) << m;
    }
    EXPECT_NE(
        fatal_message([] { kafka_property("bootstrap.servers=h:1"); }).find("pass --kafka-brokers"),
        std::string::npos);
}

TEST(KafkaSourceConfig, ValidatesEachSetting) {
    auto c = config();
    c.validate();
    c.brokers.clear();
    EXPECT_NE(fatal_message([&] { c.validate(); }).find("--kafka-brokers"), std::string::npos);
    c = config();
    c.topic.clear();
    EXPECT_NE(fatal_message([&] { c.validate(); }).find("--kafka-topic"), std::string::npos);
    c = config();
    c.partition = Partition{-1};
    EXPECT_NE(fatal_message([&] { c.validate(); }).find("--kafka-partition"), std::string::npos);
    c = config();
    c.properties.push_back({"enable.auto.commit", "true"});
    EXPECT_NE(fatal_message([&] { c.validate(); }).find("set by tote itself"), std::string::npos);
}

TEST(KafkaSourceConfig, ConsumerNameKeepsSourcesApart) {
    auto c = config();
    EXPECT_EQ(kafka_consumer_name(c), "kafka:tote.all:0");
    c.partition = Partition{3};
    EXPECT_EQ(kafka_consumer_name(c), "kafka:tote.all:3");
    EXPECT_EQ(c.describe(), "kafka://127.0.0.1:1/tote.all/3");
}

TEST(KafkaMessageKind, ClassifiesByCode) {
    EXPECT_EQ(kafka_message_kind(RD_KAFKA_RESP_ERR_NO_ERROR), KafkaMessageKind::Record);
    EXPECT_EQ(kafka_message_kind(RD_KAFKA_RESP_ERR__PARTITION_EOF),
              KafkaMessageKind::EndOfPartition);
    EXPECT_EQ(kafka_message_kind(RD_KAFKA_RESP_ERR__BAD_MSG), KafkaMessageKind::Unreadable);
    EXPECT_EQ(kafka_message_kind(RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE),
              KafkaMessageKind::Unreadable);
    EXPECT_EQ(kafka_message_kind(RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET),
              KafkaMessageKind::OffsetGone);
    EXPECT_EQ(kafka_message_kind(RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE),
              KafkaMessageKind::OffsetGone);
    EXPECT_EQ(kafka_message_kind(RD_KAFKA_RESP_ERR__TRANSPORT), KafkaMessageKind::Transient);
    EXPECT_EQ(kafka_message_kind(RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN), KafkaMessageKind::Transient);
    EXPECT_EQ(kafka_message_kind(RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION),
              KafkaMessageKind::Transient);
    EXPECT_EQ(kafka_message_kind(RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED),
              KafkaMessageKind::Fatal);
    EXPECT_EQ(kafka_message_kind(RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART), KafkaMessageKind::Fatal);
}

TEST(KafkaSource, ABadPropertyIsFatalAndNamesIt) {
    auto c = config();
    c.properties.push_back({"fetch.max.bytes", "not-a-number"});
    const std::string m = fatal_message([&] { KafkaSource s(c); });
    EXPECT_NE(m.find("fetch.max.bytes=not-a-number"), std::string::npos) << m;
}

TEST(KafkaSource, APositionOfAFileSourceIsRefusedBeforeAnyNetwork) {
    KafkaSource s(config());
    const std::string m = fatal_message([&] { s.seek(LogPosition{10, 4096}); });
    EXPECT_NE(m.find("written by a file source"), std::string::npos) << m;
    EXPECT_EQ(s.position(), (LogPosition{0, 0}));
}

TEST(KafkaSource, AnUnreachableBrokerIsRetriableAndNamesWhereAndWhatToDo) {
    auto c = config();
    c.metadata_timeout = std::chrono::milliseconds(500);
    KafkaSource s(c);
    try {
        s.seek(LogPosition{42, 0});
        FAIL() << "seek succeeded without a broker";
    } catch (const ToteError& e) {
        EXPECT_EQ(e.error_class(), ErrorClass::Retriable) << e.what();
        const std::string m = e.what();
        EXPECT_NE(m.find("kafka://127.0.0.1:1/tote.all/0"), std::string::npos) << m;
        EXPECT_NE(m.find("Run the ingest again"), std::string::npos) << m;
    }
    EXPECT_FALSE(s.end_offset().has_value());
}

TEST(KafkaSource, AFollowingPollGivesUpRetriablyOnlyAfterTheStallTimeout) {
    auto c = config();
    c.stop_at_end = false;  // --follow
    c.poll_wait = std::chrono::milliseconds(20);
    c.stall_timeout = std::chrono::milliseconds(400);
    c.metadata_timeout = std::chrono::milliseconds(200);
    KafkaSource s(c);
    std::vector<LogRecord> out;
    const auto start = std::chrono::steady_clock::now();
    try {
        // Each poll returns nothing within poll_wait; the client's connection errors pile up.
        while (std::chrono::steady_clock::now() - start < std::chrono::seconds(10))
            EXPECT_EQ(s.poll(out, 100), 0u);
        FAIL() << "no error within 10 s";
    } catch (const ToteError& e) {
        EXPECT_EQ(e.error_class(), ErrorClass::Retriable) << e.what();
        EXPECT_GE(std::chrono::steady_clock::now() - start, c.stall_timeout);
        const std::string m = e.what();
        EXPECT_NE(m.find("kafka://127.0.0.1:1/tote.all/0"), std::string::npos) << m;
        EXPECT_NE(m.find("last client error"), std::string::npos) << m;
    }
    EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace tote
