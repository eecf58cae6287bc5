#pragma once
// Calls the tote-specific endpoints of a running tote process's local API (the ClickHouse
// subset is reached through HttpClickHouse). Every call carries the process's token.
#include <optional>
#include <string>

namespace tote {

class ApiClient {
public:
    // base_url as published in DATA/api.url; token as in DATA/api.token.
    ApiClient(std::string base_url, std::string token);

    // POST /checkpoint: the process pauses its simulator at a transaction boundary, writes the
    // ground truth for that point and waits until the warehouse has landed it. Returns the log
    // offset, or nullopt when the process has no simulator (e.g. `tote ingest --follow`).
    // Throws ToteError when the process answers with an error.
    std::optional<int64_t> checkpoint();
    // POST /resume: lets the simulator continue.
    void resume();
    // POST /status: the process's progress as a JSON object. Throws ToteError (Retriable) when
    // the process does not answer.
    std::string status();

private:
    std::string host_;
    int port_ = 0;
    std::string token_;
};

}  // namespace tote
