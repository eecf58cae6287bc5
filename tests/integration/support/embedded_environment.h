#pragma once
// A gtest environment that opens one EmbeddedClickHouse for a whole test binary (libchdb allows
// one connection per process) on a temporary warehouse folder, and removes it at the end.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "sink/embedded_clickhouse.h"

namespace tote {

class EmbeddedEnvironment : public ::testing::Environment {
public:
    // tmp_prefix names the temporary folder, e.g. "/tmp/tote-facts-sql-".
    explicit EmbeddedEnvironment(std::string tmp_prefix) : prefix_(std::move(tmp_prefix)) {
        instance_ = this;
    }

    void SetUp() override {
        std::string tmpl = prefix_ + "XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
        dir_ = tmpl;
        engine_ = std::make_unique<EmbeddedClickHouse>(dir_ / "warehouse");
    }
    void TearDown() override {
        engine_.reset();
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }

    static EmbeddedClickHouse& engine() { return *instance_->engine_; }

private:
    static inline EmbeddedEnvironment* instance_ = nullptr;
    std::string prefix_;
    std::filesystem::path dir_;
    std::unique_ptr<EmbeddedClickHouse> engine_;
};

}  // namespace tote
