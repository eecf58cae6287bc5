#pragma once
// Tile results computed once per (tile, parameters, warehouse version), whatever the number of
// viewers: the first request for a key computes it, every concurrent or later request for the
// same key waits for and shares that result. Entries of versions older than the newest
// kKeepVersions seen are dropped. A computation that throws is not kept (the next request
// tries again) and its exception reaches every request that waited for it.
//
// Thread-safe.
#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace tote {

class TileCache {
public:
    static constexpr int64_t kKeepVersions = 4;

    // The result for (tile, params, version), computed by `compute` if no request computed it
    // yet. Throws what compute threw.
    std::string get(const std::string& tile, const std::string& params, int64_t version,
                    const std::function<std::string()>& compute);

    // Per tile: how many times compute ran (succeeded or not), and how many requests were served
    // from an entry computed before (or being computed by) another request.
    std::map<std::string, uint64_t> computations() const;
    std::map<std::string, uint64_t> hits() const;

private:
    using Key = std::tuple<std::string, std::string, int64_t>;
    mutable std::mutex mu_;
    std::map<Key, std::shared_future<std::string>> entries_;
    std::map<std::string, uint64_t> computations_;
    std::map<std::string, uint64_t> hits_;
    int64_t newest_version_ = -1;
};

}  // namespace tote
