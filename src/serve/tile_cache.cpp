#include "serve/tile_cache.h"

#include <exception>

namespace tote {

std::string TileCache::get(const std::string& tile, const std::string& params, int64_t version,
                           const std::function<std::string()>& compute) {
    const Key key{tile, params, version};
    std::promise<std::string> promise;
    std::shared_future<std::string> result;
    bool mine = false;  // this request computes the entry
    {
        std::lock_guard lock(mu_);
        if (auto it = entries_.find(key); it != entries_.end()) {
            ++hits_[tile];
            result = it->second;
        } else {
            mine = true;
            ++computations_[tile];
            result = promise.get_future().share();
            entries_.emplace(key, result);
            if (version > newest_version_) {
                newest_version_ = version;
                for (auto e = entries_.begin(); e != entries_.end();)
                    e = std::get<2>(e->first) <= newest_version_ - kKeepVersions ? entries_.erase(e)
                                                                                 : std::next(e);
            }
        }
    }
    if (mine) {
        try {
            promise.set_value(compute());
        } catch (...) {
            promise.set_exception(std::current_exception());
            std::lock_guard lock(mu_);
            entries_.erase(key);  // not kept: the next request tries again
        }
    }
    return result.get();
}

std::map<std::string, uint64_t> TileCache::computations() const {
    std::lock_guard lock(mu_);
    return computations_;
}

std::map<std::string, uint64_t> TileCache::hits() const {
    std::lock_guard lock(mu_);
    return hits_;
}

}  // namespace tote
