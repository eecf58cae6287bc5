#pragma once
// librdkafka's own log lines (connection failures, broker state) through tote's log (core/log.h):
// with tote's levels, in text or JSON as configured (--log-format), instead of the library's
// raw "%3|…|FAIL|…" lines on stderr. Included only by .cpp files that create a client.
#include <librdkafka/rdkafka.h>

namespace tote::kafka {

// Sets the log callback of a client configuration (before rd_kafka_new): syslog levels 0-4
// (emergency to warning) are tote warnings, the rest debug lines; the client's name and the
// facility are fields.
void route_client_log(rd_kafka_conf_t* conf);

}  // namespace tote::kafka
