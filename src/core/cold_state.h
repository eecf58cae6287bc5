#pragma once
// Where the fact builder keeps the per-fact state that has left memory (FactBuilderConfig::
// memory_budget_bytes): a key-value store of serialised BetState / WalletState, read back when a
// late change touches that fact again. The builder decides what leaves and when; the store only
// keeps bytes. Implementations: MemoryColdState (tests) and RocksDbColdState (src/state/), whose
// contents are snapshotted with every checkpoint.
#include <functional>
#include <string>
#include <string_view>

namespace tote {

class ColdState {
public:
    virtual ~ColdState() = default;
    // The bytes stored under `key` into `value`; false when there are none. Throws ToteError
    // when the store cannot be read.
    virtual bool get(std::string_view key, std::string& value) = 0;
    // Stores `value` under `key` (replacing what was there); get() sees it at once. Throws
    // ToteError when the store cannot be written.
    virtual void put(std::string_view key, std::string_view value) = 0;
    // Calls f(key, value) for every key that starts with `prefix`, in key order. Throws
    // ToteError when the store cannot be read.
    virtual void scan(std::string_view prefix,
                      const std::function<void(std::string_view, std::string_view)>& f) = 0;
};

}  // namespace tote
