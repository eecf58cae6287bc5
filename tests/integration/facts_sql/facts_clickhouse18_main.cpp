// The facts scenario on a real ClickHouse 18.16 server (Debian's clickhouse-server) over HTTP,
// started on a free port in a temporary folder by scripts/clickhouse18.sh and stopped at the end.
// Exit 77 (ctest SKIP) only when clickhouse-server is not installed.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>

#include "core/unique_fd.h"
#include "facts_scenario.h"
#include "sink/http_clickhouse.h"

#ifndef TOTE_SOURCE_DIR
#error "TOTE_SOURCE_DIR must be defined"
#endif

namespace tote {
namespace {

std::filesystem::path g_dir;
int g_port = 0;
std::unique_ptr<HttpClickHouse> g_server;

// A port p such that p and p+1 are free on 127.0.0.1 now.
int free_port_pair() {
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

int run_script(const std::string& cmd) {
    std::string line = std::string(TOTE_SOURCE_DIR) + "/scripts/clickhouse18.sh " + cmd + " '" +
                       g_dir.string() + "' " + std::to_string(g_port);
    int rc = std::system(line.c_str());
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : 1;
}

class ServerEnvironment : public ::testing::Environment {
public:
    void SetUp() override {
        char tmpl[] = "/tmp/tote-facts-sql-18-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        g_dir = tmpl;
        g_port = free_port_pair();
        ASSERT_NE(g_port, 0) << "no free port pair on 127.0.0.1";
        ASSERT_EQ(run_script("start"), 0) << "clickhouse 18 did not start; see " << g_dir;
        g_server = std::make_unique<HttpClickHouse>("http://127.0.0.1:" + std::to_string(g_port));
    }
    void TearDown() override {
        g_server.reset();
        run_script("stop");
        std::error_code ec;
        std::filesystem::remove_all(g_dir, ec);
    }
};

TEST(FactsEngine, IsTheServer1816) {
    EXPECT_EQ(g_server->server_version().substr(0, 6), "18.16.");
}

}  // namespace

ClickHouseConnection& facts_connection() {
    return *g_server;
}
std::string facts_database_prefix() {
    return "ch18_";
}

}  // namespace tote

int main(int argc, char** argv) {
    if (std::system("command -v clickhouse-server >/dev/null 2>&1 || test -x "
                    "/usr/sbin/clickhouse-server") != 0) {
        std::printf("clickhouse-server is not installed: skipping\n");
        return 77;
    }
    ::testing::InitGoogleTest(&argc, argv);
    ::testing::AddGlobalTestEnvironment(new tote::ServerEnvironment);
    return RUN_ALL_TESTS();
}
