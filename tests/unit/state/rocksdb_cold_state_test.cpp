// RocksDbColdState: what is put comes back; a copy taken with checkpoint_to() restores exactly
// that moment's contents (later puts gone, the copy itself untouched by the restored store's
// writes); reset() empties; a missing copy is an error that leaves the store empty; and
// CheckpointStore removes the copies of the checkpoints it removes.
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "core/error.h"
#include "state/checkpoint_store.h"
#include "state/rocksdb_cold_state.h"

namespace tote {
namespace {

namespace fs = std::filesystem;

class RocksDbColdStateTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() /
               ("tote-cold-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }
    static std::string value_of(int i) {
        return std::string(100 + i % 50, static_cast<char>('a' + i % 26));
    }
    static std::string get(RocksDbColdState& s, const std::string& key) {
        std::string v;
        return s.get(key, v) ? v : "<none>";
    }
    fs::path dir_;
};

TEST_F(RocksDbColdStateTest, PutGetCheckpointRestoreReset) {
    RocksDbColdState store(dir_ / "work");
    for (int i = 0; i < 5000; ++i) store.put("k" + std::to_string(i), value_of(i));
    EXPECT_EQ(get(store, "k42"), value_of(42));
    EXPECT_EQ(get(store, "missing"), "<none>");

    const fs::path copy = dir_ / "facts-00000000000000001000.cold";
    store.checkpoint_to(copy);
    ASSERT_TRUE(fs::is_directory(copy));
    EXPECT_FALSE(fs::exists(copy.string() + ".tmp"));

    // After the copy: an overwrite and a new key.
    store.put("k42", "changed");
    store.put("new", "after the checkpoint");
    EXPECT_EQ(get(store, "k42"), "changed");

    store.restore_from(copy);
    EXPECT_EQ(get(store, "k42"), value_of(42));
    EXPECT_EQ(get(store, "k4999"), value_of(4999));
    EXPECT_EQ(get(store, "new"), "<none>");

    // Writing to the restored store leaves the copy as it was.
    store.put("k7", "written after the restore");
    store.restore_from(copy);
    EXPECT_EQ(get(store, "k7"), value_of(7));

    store.reset();
    EXPECT_EQ(get(store, "k7"), "<none>");
    EXPECT_THROW(store.restore_from(dir_ / "no-such-copy"), ToteError);
    EXPECT_EQ(get(store, "k1"), "<none>");
    store.put("after", "a failed restore");
    EXPECT_EQ(get(store, "after"), "a failed restore");
}

TEST_F(RocksDbColdStateTest, CheckpointStoreRemovesTheCopiesOfRemovedCheckpoints) {
    CheckpointStore checkpoints(dir_ / "ckpt", 2);
    RocksDbColdState store(dir_ / "ckpt" / "cold");
    fs::create_directories(dir_ / "ckpt" / "facts-00000000000000000005.cold.tmp");  // killed
    for (int64_t offset : {10, 20, 30}) {
        store.put("k" + std::to_string(offset), "v");
        store.checkpoint_to(checkpoints.companion_dir_for(offset));
        checkpoints.write(CheckpointMeta{LogPosition{offset, offset}, offset, "cfg"}, "state");
    }
    EXPECT_FALSE(fs::exists(checkpoints.companion_dir_for(10)));
    EXPECT_TRUE(fs::is_directory(checkpoints.companion_dir_for(20)));
    EXPECT_TRUE(fs::is_directory(checkpoints.companion_dir_for(30)));
    EXPECT_FALSE(fs::exists(dir_ / "ckpt" / "facts-00000000000000000005.cold.tmp"));
    EXPECT_TRUE(fs::is_directory(dir_ / "ckpt" / "cold")) << "the working store stays";
    ASSERT_EQ(checkpoints.list().size(), 2u);
    EXPECT_EQ(CheckpointStore::companion_dir(checkpoints.list()[0].second),
              checkpoints.companion_dir_for(30));
}

}  // namespace
}  // namespace tote
