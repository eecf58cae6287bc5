#pragma once
// A gtest environment that starts Debian's ClickHouse 18.16 server (scripts/clickhouse18.sh) on
// a free port pair in a temporary folder for one test binary, and stops it at the end.
// The binary defines TOTE_SOURCE_DIR; its main() returns 77 (ctest SKIP) when
// ClickHouse18Environment::installed() is false.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "core/unique_fd.h"
#include "sink/http_clickhouse.h"

#ifndef TOTE_SOURCE_DIR
#error "TOTE_SOURCE_DIR must be defined"
#endif

namespace tote {

class ClickHouse18Environment : public ::testing::Environment {
public:
    // tmp_prefix names the temporary folder, e.g. "/tmp/tote-ch18-sink-".
    explicit ClickHouse18Environment(std::string tmp_prefix) : prefix_(std::move(tmp_prefix)) {
        instance_ = this;
    }

    static bool installed() {
        return std::system(
                   "command -v clickhouse-server >/dev/null 2>&1 || test -x "
                   "/usr/sbin/clickhouse-server") == 0;
    }

    // The server of the running binary (valid between SetUp and TearDown).
    static HttpClickHouse& server() { return *instance_->server_; }

    void SetUp() override {
        std::string tmpl = prefix_ + "XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
        dir_ = tmpl;
        port_ = free_port_pair();
        ASSERT_NE(port_, 0) << "no free port pair on 127.0.0.1";
        ASSERT_EQ(run_script("start"), 0) << "clickhouse 18 did not start; see " << dir_;
        server_ = std::make_unique<HttpClickHouse>("http://127.0.0.1:" + std::to_string(port_));
    }

    void TearDown() override {
        server_.reset();
        run_script("stop");
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }

private:
    // A port p such that p (HTTP) and p+1 (native) are free on 127.0.0.1 now.
    static int free_port_pair() {
        for (int attempt = 0; attempt < 50; ++attempt) {
            UniqueFd fd(::socket(AF_INET, SOCK_STREAM, 0));
            sockaddr_in addr{};
            addr.sin_family = AF_INET;
            addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            addr.sin_port = 0;
            if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) continue;
            socklen_t len = sizeof addr;
            ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&addr), &len);
            int port = ntohs(addr.sin_port);
            if (port >= 65535) continue;
            UniqueFd next(::socket(AF_INET, SOCK_STREAM, 0));
            sockaddr_in a2 = addr;
            a2.sin_port = htons(static_cast<uint16_t>(port + 1));
            if (::bind(next.get(), reinterpret_cast<sockaddr*>(&a2), sizeof a2) == 0) return port;
        }
        return 0;
    }

    int run_script(const std::string& cmd) const {
        std::string line = std::string(TOTE_SOURCE_DIR) + "/scripts/clickhouse18.sh " + cmd + " '" +
                           dir_.string() + "' " + std::to_string(port_);
        int rc = std::system(line.c_str());
        return WIFEXITED(rc) ? WEXITSTATUS(rc) : 1;
    }

    inline static ClickHouse18Environment* instance_ = nullptr;
    std::string prefix_;
    std::filesystem::path dir_;
    int port_ = 0;
    std::unique_ptr<HttpClickHouse> server_;
};

}  // namespace tote
