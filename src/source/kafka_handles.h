#pragma once
// One owner for every librdkafka handle: unique_ptr with the library's own destroy function.
// Included only by .cpp files (the rest of tote never sees rdkafka.h).
#include <librdkafka/rdkafka.h>

#include <memory>

namespace tote::kafka {

struct ConfDeleter {
    void operator()(rd_kafka_conf_t* p) const { rd_kafka_conf_destroy(p); }
};
struct ClientDeleter {
    // A consumer leaves its (never joined) group cleanly before it is destroyed.
    void operator()(rd_kafka_t* p) const {
        if (rd_kafka_type(p) == RD_KAFKA_CONSUMER) rd_kafka_consumer_close(p);
        rd_kafka_destroy(p);
    }
};
struct PartitionListDeleter {
    void operator()(rd_kafka_topic_partition_list_t* p) const {
        rd_kafka_topic_partition_list_destroy(p);
    }
};
struct QueueDeleter {
    void operator()(rd_kafka_queue_t* p) const { rd_kafka_queue_destroy(p); }
};
struct MessageDeleter {
    void operator()(rd_kafka_message_t* p) const { rd_kafka_message_destroy(p); }
};

using Conf = std::unique_ptr<rd_kafka_conf_t, ConfDeleter>;
using Client = std::unique_ptr<rd_kafka_t, ClientDeleter>;
using PartitionList = std::unique_ptr<rd_kafka_topic_partition_list_t, PartitionListDeleter>;
using Queue = std::unique_ptr<rd_kafka_queue_t, QueueDeleter>;
using Message = std::unique_ptr<rd_kafka_message_t, MessageDeleter>;

}  // namespace tote::kafka
