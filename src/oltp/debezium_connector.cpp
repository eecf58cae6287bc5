#include "oltp/debezium_connector.h"

#include <curl/curl.h>
#include <simdjson.h>

#include <cctype>
#include <memory>
#include <optional>
#include <thread>

#include "core/error.h"
#include "core/json_escape.h"

namespace tote {
namespace {

struct CurlDeleter {
    void operator()(CURL* c) const noexcept { curl_easy_cleanup(c); }
};
struct SlistDeleter {
    void operator()(curl_slist* l) const noexcept { curl_slist_free_all(l); }
};

size_t append_body(char* data, size_t size, size_t n, void* out) {
    static_cast<std::string*>(out)->append(data, size * n);
    return size * n;
}

std::string lower(std::string s) {
    for (char& c : s)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return s;
}

}  // namespace

DebeziumConnector::DebeziumConnector(ConnectorTarget target)
    : t_(std::move(target)), slot_(lower("tote_" + t_.name)) {
    while (!t_.connect_url.empty() && t_.connect_url.back() == '/') t_.connect_url.pop_back();
    for (char c : t_.name)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_'))
            throw ToteError(ErrorClass::Fatal,
                            "connector name '" + t_.name +
                                "': use letters, digits and _ (it names the replication slot)");
}

const std::vector<std::pair<std::string, std::string>>& DebeziumConnector::required_settings() {
    static const std::vector<std::pair<std::string, std::string>> kRequired = {
        {"connector.class", "tote reads the Debezium PostgreSQL connector's envelope"},
        {"plugin.name", "pgoutput is PostgreSQL's built-in logical decoding plugin"},
        {"provide.transaction.metadata", "facts wait for a transaction's END (event_count)"},
        {"skipped.operations",
         "with the default, TRUNCATE is dropped and the warehouse keeps "
         "rows the OLTP no longer has"},
        {"decimal.handling.mode", "string keeps money exact with or without schemas"},
        {"value.converter", "tote decodes Kafka Connect's JSON"},
        {"value.converter.schemas.enable", "value schemas carry column types"},
        {"tombstones.on.delete", "deletes are followed by tombstones, as tote expects"},
    };
    return kRequired;
}

std::map<std::string, std::string> DebeziumConnector::wanted_config() const {
    std::map<std::string, std::string> config = {
        {"connector.class", "io.debezium.connector.postgresql.PostgresConnector"},
        {"tasks.max", "1"},
        {"database.hostname", t_.db_host},
        {"database.port", t_.db_port},
        {"database.user", t_.db_user},
        {"database.password", t_.db_password},
        {"database.dbname", t_.db_name},
        {"topic.prefix", t_.topic_prefix},
        {"plugin.name", "pgoutput"},
        {"slot.name", slot_},
        {"publication.name", slot_},
        {"publication.autocreate.mode", "filtered"},
        {"provide.transaction.metadata", "true"},
        {"skipped.operations", "none"},
        {"decimal.handling.mode", "string"},
        {"tombstones.on.delete", "true"},
        {"key.converter", "org.apache.kafka.connect.json.JsonConverter"},
        {"value.converter", "org.apache.kafka.connect.json.JsonConverter"},
        {"key.converter.schemas.enable", "true"},
        {"value.converter.schemas.enable", "true"},
    };
    if (!t_.route_topic.empty()) {
        std::string regex;
        for (char c : t_.topic_prefix) {
            if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') regex += '\\';
            regex += c;
        }
        config["transforms"] = "route";
        config["transforms.route.type"] = "org.apache.kafka.connect.transforms.RegexRouter";
        config["transforms.route.regex"] = regex + "\\..*";
        config["transforms.route.replacement"] = t_.route_topic;
    }
    return config;
}

long DebeziumConnector::request(const std::string& method, const std::string& path,
                                const std::string& payload, std::string& body) const {
    static const bool curl_ready = [] {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        return true;
    }();
    (void)curl_ready;
    std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
    if (!curl) throw ToteError(ErrorClass::Retriable, "libcurl could not start a request");
    std::unique_ptr<curl_slist, SlistDeleter> headers(
        curl_slist_append(nullptr, "Content-Type: application/json"));
    std::string url = t_.connect_url + path;
    body.clear();
    CURL* c = curl.get();
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, append_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    if (method != "GET") {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, payload.c_str());
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(payload.size()));
    }
    CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK)
        throw ToteError(ErrorClass::Retriable,
                        "cannot reach Kafka Connect at " + t_.connect_url + " (" + method + " " +
                            path + "): " + curl_easy_strerror(rc) +
                            ". Is Connect running there? (scripts/stack.sh up; scripts/stack.sh "
                            "env prints its URL)");
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    return code;
}

std::string DebeziumConnector::connector_state(std::string& trace) const {
    std::string body;
    long code = request("GET", "/connectors/" + t_.name + "/status", "", body);
    if (code != 200) return "HTTP " + std::to_string(code);
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.parse(body).get(doc)) return "unreadable status";
    std::string_view conn_state;
    if (doc["connector"]["state"].get(conn_state)) return "unreadable status";
    std::string state(conn_state);
    simdjson::dom::array tasks;
    bool all_running = state == "RUNNING";
    size_t n = 0;
    if (!doc["tasks"].get(tasks)) {
        for (auto task : tasks) {
            ++n;
            std::string_view ts;
            if (task["state"].get(ts)) continue;
            if (ts != "RUNNING") all_running = false;
            if (ts == "FAILED") {
                state = "FAILED";
                std::string_view tr;
                if (!task["trace"].get(tr)) trace = std::string(tr.substr(0, 2000));
            }
        }
    }
    if (state == "FAILED") return state;
    return all_running && n > 0 ? "RUNNING" : state + " (tasks: " + std::to_string(n) + ")";
}

DebeziumConnector::Outcome DebeziumConnector::ensure() {
    std::string body;
    long code = request("GET", "/connectors/" + t_.name + "/config", "", body);
    Outcome outcome = Outcome::AlreadyCorrect;
    const auto wanted = wanted_config();
    if (code == 200) {
        simdjson::dom::parser parser;
        simdjson::dom::object have;
        if (parser.parse(body).get(have))
            throw ToteError(ErrorClass::Retriable, "Kafka Connect at " + t_.connect_url +
                                                       " answered the config of connector " +
                                                       t_.name + " with unreadable JSON");
        auto value_of = [&](const std::string& key) -> std::optional<std::string> {
            std::string_view v;
            if (have[key].get(v)) return std::nullopt;
            return std::string(v);
        };
        std::vector<std::pair<std::string, std::string>> checks(required_settings());
        checks.emplace_back("database.dbname",
                            "the connector must capture the database tote "
                            "writes into");
        checks.emplace_back("topic.prefix",
                            "tote's topics are <prefix>.public.<table> and "
                            "<prefix>.transaction (--topic-prefix)");
        if (!t_.route_topic.empty())
            checks.emplace_back("transforms.route.replacement",
                                "tote ingest reads one ordered topic holding every table and the "
                                "transaction metadata (--route-topic)");
        std::string wrong;
        for (const auto& [key, why] : checks) {
            auto v = value_of(key);
            const std::string& need = wanted.at(key);
            // Not set: Debezium's default (tombstones on), or the Connect worker's converter
            // settings (the project's stack: JSON with schemas), which the REST API does not show.
            bool ok = v ? *v == need
                        : (key == "value.converter" || key == "value.converter.schemas.enable" ||
                           key == "tombstones.on.delete");
            if (!ok)
                wrong += "\n  " + key + " is " + (v ? "'" + *v + "'" : "not set") +
                         ", tote needs '" + need + "' (" + why + ")";
        }
        if (!wrong.empty())
            throw ToteError(ErrorClass::Fatal,
                            "connector " + t_.name + " on " + t_.connect_url +
                                " exists with settings tote cannot read exactly:" + wrong +
                                "\nFix them in its configuration (Kafka Connect: PUT " +
                                t_.connect_url + "/connectors/" + t_.name +
                                "/config with the whole configuration), or delete it with `curl "
                                "-X DELETE " +
                                t_.connect_url + "/connectors/" + t_.name +
                                "` and run again to register it; or pass another "
                                "--connector-name");
    } else if (code == 404) {
        std::string payload = "{";
        for (const auto& [k, v] : wanted) {
            if (payload.size() > 1) payload += ',';
            append_json_string(payload, k);
            payload += ':';
            append_json_string(payload, v);
        }
        payload += '}';
        // Connect answers 409 while its workers rebalance: bounded retries.
        for (int tries = 0;; ++tries) {
            code = request("PUT", "/connectors/" + t_.name + "/config", payload, body);
            if (code == 200 || code == 201) break;
            if (code != 409 || tries == 30)
                throw ToteError(ErrorClass::Fatal, "Kafka Connect at " + t_.connect_url +
                                                       " refused connector " + t_.name + " (HTTP " +
                                                       std::to_string(code) + "): " + body +
                                                       ". Check the Connect log");
            std::this_thread::sleep_for(std::chrono::milliseconds(500));  // retry pacing
        }
        outcome = Outcome::Registered;
    } else {
        throw ToteError(ErrorClass::Retriable, "Kafka Connect at " + t_.connect_url +
                                                   " answered HTTP " + std::to_string(code) +
                                                   " for connector " + t_.name + ": " + body);
    }
    const auto deadline = std::chrono::steady_clock::now() + t_.timeout;
    std::string state, trace;
    for (;;) {
        state = connector_state(trace);
        if (state == "RUNNING") break;
        if (state == "FAILED")
            throw ToteError(ErrorClass::Fatal,
                            "connector " + t_.name + " FAILED on " + t_.connect_url + ": " + trace +
                                "\nFix the cause (see the Connect log), then delete it with "
                                "`curl -X DELETE " +
                                t_.connect_url + "/connectors/" + t_.name + "` and run again");
        if (state.rfind("PAUSED", 0) == 0 || state.rfind("STOPPED", 0) == 0)
            throw ToteError(ErrorClass::Fatal,
                            "connector " + t_.name + " on " + t_.connect_url + " is " + state +
                                ": resume it with `curl -X PUT " + t_.connect_url + "/connectors/" +
                                t_.name + "/resume` and run again");
        if (std::chrono::steady_clock::now() >= deadline)
            throw ToteError(ErrorClass::Retriable,
                            "connector " + t_.name + " not RUNNING on " + t_.connect_url +
                                " within " + std::to_string(t_.timeout.count()) +
                                " s (state: " + state + "); see the Connect log");
        std::this_thread::sleep_for(std::chrono::milliseconds(300));  // polling Connect's status
    }
    return outcome;
}

}  // namespace tote
