#pragma once
// The Debezium PostgreSQL connector on Kafka Connect (REST API), with the settings tote needs
// to read the OLTP exactly (docs/operations.md): pgoutput, transaction metadata (BEGIN/END on
// <prefix>.transaction), truncates not skipped, decimals as strings, JSON with value schemas.
// The same settings as `scripts/stack.sh connector`. Registers a missing connector and waits
// until it runs and its replication slot exists; an existing one is checked, never changed:
// a wrong setting is named with the value tote needs and how to fix it.
#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace tote {

struct ConnectorTarget {
    std::string connect_url;  // http://127.0.0.1:18083
    std::string name;         // connector name; also names the slot and publication (tote_<name>)
    std::string db_host, db_port, db_name, db_user, db_password;
    std::string topic_prefix;
    // The one ordered topic Debezium routes every table and the transaction metadata into (what
    // `tote ingest --kafka-topic` reads; docs/operations.md, "Ingest from Kafka"), by a
    // RegexRouter named "route"; "" = Debezium's topic per table.
    std::string route_topic;
    std::chrono::seconds timeout{120};  // to reach RUNNING
};

class DebeziumConnector {
public:
    explicit DebeziumConnector(ConnectorTarget target);

    // The settings tote needs, as registered (key -> value).
    std::map<std::string, std::string> wanted_config() const;
    // The settings an existing connector must have, with the reason (what breaks without it).
    static const std::vector<std::pair<std::string, std::string>>& required_settings();

    enum class Outcome { Registered, AlreadyCorrect };
    // Registers or checks (see above); then waits until the connector and its task are RUNNING.
    // Throws Fatal for wrong settings or a FAILED connector, Retriable when Connect cannot be
    // reached or does not get there within the timeout.
    Outcome ensure();

    const std::string& slot_name() const { return slot_; }

private:
    // HTTP through libcurl (RAII inside); returns the status code, fills body.
    long request(const std::string& method, const std::string& path, const std::string& payload,
                 std::string& body) const;
    std::string connector_state(std::string& trace) const;

    ConnectorTarget t_;
    std::string slot_;
};

}  // namespace tote
