// CheckpointStore: a checkpoint comes back exactly; the newest two are kept; a damaged, cut,
// foreign or other-version file is reported unreadable (never returned); a temporary file a
// killed writer left is never listed and is removed by the next write.
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "state/checkpoint_store.h"

namespace tote {
namespace {

class CheckpointStoreTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("tote-ckpt-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(dir_);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    static CheckpointMeta meta(int64_t offset) {
        return CheckpointMeta{LogPosition{offset, offset * 100}, offset, "cfg"};
    }
    static std::string state_of(int64_t offset) {
        std::string s(1000 + static_cast<size_t>(offset % 977), 'x');
        for (size_t i = 0; i < s.size(); ++i) s[i] = static_cast<char>((i * 31 + offset) & 0xff);
        return s;
    }
    static void overwrite_byte(const std::filesystem::path& p, size_t at) {
        std::fstream f(p, std::ios::in | std::ios::out | std::ios::binary);
        f.seekg(static_cast<std::streamoff>(at));
        char c = 0;
        f.get(c);
        f.seekp(static_cast<std::streamoff>(at));
        f.put(static_cast<char>(c ^ 0x5a));
    }
    std::filesystem::path dir_;
};

TEST_F(CheckpointStoreTest, WritesReadsAndKeepsTheNewestTwo) {
    CheckpointStore store(dir_);
    EXPECT_TRUE(store.list().empty());
    for (int64_t off : {1000, 2000, 3000}) {
        const uint64_t bytes = store.write(meta(off), state_of(off));
        EXPECT_EQ(bytes, std::filesystem::file_size(store.list().front().second));
    }
    auto all = store.list();
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].first, 3000);
    EXPECT_EQ(all[1].first, 2000);
    std::string why;
    auto cp = store.read(all[0].second, why);
    ASSERT_TRUE(cp) << why;
    EXPECT_EQ(cp->meta.position, (LogPosition{3000, 300000}));
    EXPECT_EQ(cp->meta.records_fed, 3000);
    EXPECT_EQ(cp->meta.fingerprint, "cfg");
    EXPECT_TRUE(cp->state == state_of(3000));
}

TEST_F(CheckpointStoreTest, DamagedFilesAreReportedNeverReturned) {
    CheckpointStore store(dir_, 10);
    store.write(meta(1), state_of(1));
    const auto path = store.list().front().second;
    const auto size = std::filesystem::file_size(path);
    std::string good;
    {
        std::ifstream in(path, std::ios::binary);
        good.assign(std::istreambuf_iterator<char>(in), {});
    }
    auto restore = [&] {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out << good;
    };
    std::string why;
    // One flipped byte anywhere: header, meta or state.
    for (size_t at : {size_t{3}, size_t{9}, size_t{13}, size_t{40}, size_t{60}, size - 1}) {
        restore();
        overwrite_byte(path, at);
        why.clear();
        EXPECT_FALSE(store.read(path, why)) << at;
        EXPECT_FALSE(why.empty()) << at;
    }
    // Cut short (a torn write that was renamed anyway), and an empty file.
    restore();
    std::filesystem::resize_file(path, size - 10);
    EXPECT_FALSE(store.read(path, why));
    EXPECT_NE(why.find("cut short"), std::string::npos) << why;
    std::filesystem::resize_file(path, 0);
    EXPECT_FALSE(store.read(path, why));
    EXPECT_NE(why.find("not a tote checkpoint"), std::string::npos) << why;
    // Another format version.
    restore();
    overwrite_byte(path, 8);
    EXPECT_FALSE(store.read(path, why));
    EXPECT_NE(why.find("format version"), std::string::npos) << why;
    restore();
    EXPECT_TRUE(store.read(path, why));
}

TEST_F(CheckpointStoreTest, TemporaryFilesOfKilledWritersAreIgnoredAndRemoved) {
    CheckpointStore store(dir_);
    { std::ofstream(dir_ / "facts-00000000000000000500.ckpt.tmp") << "half"; }
    EXPECT_TRUE(store.list().empty());
    store.write(meta(7), state_of(7));
    EXPECT_EQ(store.list().size(), 1u);
    EXPECT_FALSE(std::filesystem::exists(dir_ / "facts-00000000000000000500.ckpt.tmp"));
}

}  // namespace
}  // namespace tote
