#include "source/kafka_client_log.h"

#include <string>

#include "core/log.h"

namespace tote::kafka {
namespace {

void on_log(const rd_kafka_t* rk, int level, const char* facility, const char* message) {
    const LogLevel to = level <= 4 ? LogLevel::Warn : LogLevel::Debug;
    if (!Log::enabled(to)) return;
    Log::write(to, "kafka", message,
               {{"client", rk ? rd_kafka_name(rk) : ""}, {"facility", facility ? facility : ""}});
}

}  // namespace

void route_client_log(rd_kafka_conf_t* conf) {
    rd_kafka_conf_set_log_cb(conf, &on_log);
}

}  // namespace tote::kafka
