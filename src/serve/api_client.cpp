#include "serve/api_client.h"

#include <httplib.h>

#include "core/error.h"

namespace tote {

namespace {
httplib::Headers token_header(const std::string& token) {
    return {{"X-ClickHouse-Key", token}};
}
}  // namespace

ApiClient::ApiClient(std::string base_url, std::string token) : token_(std::move(token)) {
    // base_url is what ApiServer::start returned: http://127.0.0.1:PORT
    const std::string prefix = "http://";
    std::string rest = base_url.rfind(prefix, 0) == 0 ? base_url.substr(prefix.size()) : base_url;
    auto colon = rest.rfind(':');
    if (colon == std::string::npos)
        throw ToteError(ErrorClass::Fatal, "malformed tote API URL '" + base_url + "'");
    host_ = rest.substr(0, colon);
    port_ = std::stoi(rest.substr(colon + 1));
}

std::optional<int64_t> ApiClient::checkpoint() {
    httplib::Client client(host_, port_);
    client.set_read_timeout(120, 0);
    auto res = client.Post("/checkpoint", token_header(token_), "", "application/json");
    if (!res)
        throw ToteError(ErrorClass::Retriable, "the tote process at " + host_ + ":" +
                                                   std::to_string(port_) +
                                                   " did not answer /checkpoint");
    if (res->status == 404) return std::nullopt;
    const std::string key = "\"log_offset\":";
    auto at = res->body.find(key);
    if (res->status != 200 || at == std::string::npos)
        throw ToteError(ErrorClass::Retriable, "checkpoint failed: HTTP " +
                                                   std::to_string(res->status) + ": " + res->body);
    return std::stoll(res->body.substr(at + key.size()));
}

void ApiClient::resume() {
    httplib::Client client(host_, port_);
    client.Post("/resume", token_header(token_), "", "application/json");
}

std::string ApiClient::status() {
    httplib::Client client(host_, port_);
    client.set_read_timeout(10, 0);
    auto res = client.Post("/status", token_header(token_), "", "application/json");
    if (!res || res->status != 200)
        throw ToteError(ErrorClass::Retriable,
                        "the tote process at " + host_ + ":" + std::to_string(port_) +
                            " did not answer /status" +
                            (res ? ": HTTP " + std::to_string(res->status) + " " + res->body : ""));
    return res->body;
}

}  // namespace tote
