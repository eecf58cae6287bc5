#include "state/rocksdb_cold_state.h"

#include <fcntl.h>
#include <unistd.h>

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/checkpoint.h>

#include "core/error.h"
#include "core/unique_fd.h"

namespace tote {

namespace fs = std::filesystem;

struct RocksDbColdState::Db {
    std::unique_ptr<rocksdb::DB> db;
    rocksdb::WriteOptions write;
    rocksdb::ReadOptions read;
};

namespace {

rocksdb::Options store_options() {
    rocksdb::Options o;
    o.create_if_missing = true;
    o.write_buffer_size = 16u << 20;
    o.max_write_buffer_number = 2;
    // States are rewritten each time they leave memory again: universal compaction rewrites
    // them fewer times than levelled compaction.
    o.compaction_style = rocksdb::kCompactionStyleUniversal;
    o.max_open_files = 256;
    // Uncompressed: LZ4 decompression of the blocks that reads back touch was 14% of the CPU
    // with a small budget (docs/benchmarks.md); disk is the cheaper resource here.
    o.compression = rocksdb::kNoCompression;
    o.max_background_jobs = 1;
    rocksdb::BlockBasedTableOptions t;
    t.block_cache = rocksdb::NewLRUCache(8u << 20);
    t.cache_index_and_filter_blocks = true;
    t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    // Partitioned index and filters: a read-back loads one 4 KB partition of a file's filter,
    // not the whole filter. With whole filters (~1.3 MB per file of ~1M states) a filter no
    // longer fit a 512 KB shard of the cache once compaction made large files, and every read
    // parsed one again: 97.5 % of the ingest thread with 10M players (docs/benchmarks.md, "At
    // scale"). Only the small top-level index and filter stay pinned.
    t.index_type = rocksdb::BlockBasedTableOptions::IndexType::kTwoLevelIndexSearch;
    t.partition_filters = true;
    t.metadata_block_size = 4096;
    t.pin_top_level_index_and_filter = true;
    t.cache_index_and_filter_blocks_with_high_priority = true;
    o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
    return o;
}

void sync_dir(const fs::path& dir) {
    UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd) ::fsync(fd.get());
}

}  // namespace

RocksDbColdState::RocksDbColdState(fs::path dir) : dir_(std::move(dir)) {
    reset();
}

RocksDbColdState::~RocksDbColdState() {
    close();
}

void RocksDbColdState::open() {
    rocksdb::DB* raw = nullptr;
    const rocksdb::Status st = rocksdb::DB::Open(store_options(), dir_.string(), &raw);
    if (!st.ok())
        throw ToteError(ErrorClass::Fatal, "cannot open the cold fact state store " +
                                               dir_.string() + ": " + st.ToString() +
                                               " (check the folder's permissions and free space)");
    db_ = std::make_unique<Db>();
    db_->db.reset(raw);
    db_->write.disableWAL = true;
}

void RocksDbColdState::close() {
    if (db_ && db_->db) db_->db->Close();
    db_.reset();
}

void RocksDbColdState::reset() {
    close();
    std::error_code ec;
    fs::remove_all(dir_, ec);
    fs::create_directories(dir_.parent_path(), ec);
    puts_ = 0;
    open();
}

bool RocksDbColdState::get(std::string_view key, std::string& value) {
    const rocksdb::Status st =
        db_->db->Get(db_->read, rocksdb::Slice(key.data(), key.size()), &value);
    if (st.IsNotFound()) return false;
    if (!st.ok())
        throw ToteError(ErrorClass::Fatal, "cannot read the cold fact state store " +
                                               dir_.string() + ": " + st.ToString());
    return true;
}

void RocksDbColdState::put(std::string_view key, std::string_view value) {
    const rocksdb::Status st = db_->db->Put(db_->write, rocksdb::Slice(key.data(), key.size()),
                                            rocksdb::Slice(value.data(), value.size()));
    if (!st.ok())
        throw ToteError(ErrorClass::Fatal, "cannot write the cold fact state store " +
                                               dir_.string() + ": " + st.ToString() +
                                               " (free disk space, then restart the ingest)");
    ++puts_;
}

void RocksDbColdState::scan(std::string_view prefix,
                            const std::function<void(std::string_view, std::string_view)>& f) {
    std::unique_ptr<rocksdb::Iterator> it(db_->db->NewIterator(db_->read));
    const rocksdb::Slice p(prefix.data(), prefix.size());
    for (it->Seek(p); it->Valid() && it->key().starts_with(p); it->Next())
        f(std::string_view(it->key().data(), it->key().size()),
          std::string_view(it->value().data(), it->value().size()));
    if (!it->status().ok())
        throw ToteError(ErrorClass::Fatal, "cannot read the cold fact state store " +
                                               dir_.string() + ": " + it->status().ToString());
}

void RocksDbColdState::checkpoint_to(const fs::path& dir) {
    const fs::path tmp = dir.string() + ".tmp";
    std::error_code ec;
    fs::remove_all(tmp, ec);
    fs::remove_all(dir, ec);
    rocksdb::Checkpoint* raw = nullptr;
    rocksdb::Status st = rocksdb::Checkpoint::Create(db_->db.get(), &raw);
    std::unique_ptr<rocksdb::Checkpoint> cp(raw);
    // log_size_for_flush 0: the memtable is always flushed (writes skip the WAL).
    if (st.ok()) st = cp->CreateCheckpoint(tmp.string(), 0);
    if (st.ok()) {
        sync_dir(tmp);
        fs::rename(tmp, dir, ec);
        if (!ec) sync_dir(dir.parent_path());
    }
    if (!st.ok() || ec) {
        fs::remove_all(tmp, ec);
        throw ToteError(ErrorClass::Retriable,
                        "cannot copy the cold fact state store to " + dir.string() + ": " +
                            (st.ok() ? ec.message() : st.ToString()) +
                            " (the checkpoint is not written; free disk space)");
    }
}

void RocksDbColdState::restore_from(const fs::path& dir) {
    close();
    std::error_code ec;
    fs::remove_all(dir_, ec);
    fs::create_directories(dir_, ec);
    puts_ = 0;
    // Table files are immutable: hard links. The rest (MANIFEST, CURRENT, OPTIONS) change as
    // the store runs: copies.
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        const fs::path to = dir_ / e.path().filename();
        std::error_code one;
        if (e.path().extension() == ".sst") fs::create_hard_link(e.path(), to, one);
        if (e.path().extension() != ".sst" || one)
            fs::copy_file(e.path(), to, fs::copy_options::overwrite_existing, one);
        if (one) ec = one;
        if (ec) break;
    }
    if (ec) {
        reset();
        throw ToteError(ErrorClass::Fatal, "cannot restore the cold fact state store from " +
                                               dir.string() + ": " + ec.message());
    }
    try {
        open();
    } catch (const ToteError& e) {
        reset();
        throw ToteError(ErrorClass::Fatal,
                        std::string(e.what()) + " (restoring from " + dir.string() + ")");
    }
}

}  // namespace tote
