#pragma once
// A map kept as a vector of (key, value) pairs sorted by key: the same lookups and the same
// iteration order as std::map, without a heap node per element. For the small per-bet maps of
// BetState (a bet has a handful of legs and ledger rows), where std::map's ~48-byte node and
// allocation per element dominated. Inserting moves later elements: references and iterators
// are invalidated by operator[] of a new key and by erase. Not thread-safe.
#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

namespace tote::facts {

template <class K, class V>
class SortedVectorMap {
public:
    using value_type = std::pair<K, V>;
    using iterator = typename std::vector<value_type>::iterator;
    using const_iterator = typename std::vector<value_type>::const_iterator;

    // The value of `key`, value-initialised and inserted in key order when absent.
    V& operator[](const K& key) {
        auto it = lower(key);
        if (it == items_.end() || it->first != key) it = items_.emplace(it, key, V{});
        return it->second;
    }
    iterator find(const K& key) {
        auto it = lower(key);
        return it != items_.end() && it->first == key ? it : items_.end();
    }
    const_iterator find(const K& key) const {
        auto it = std::lower_bound(items_.begin(), items_.end(), key,
                                   [](const value_type& e, const K& k) { return e.first < k; });
        return it != items_.end() && it->first == key ? it : items_.end();
    }
    size_t count(const K& key) const { return find(key) != end() ? 1 : 0; }
    size_t erase(const K& key) {
        auto it = find(key);
        if (it == items_.end()) return 0;
        items_.erase(it);
        return 1;
    }

    iterator begin() { return items_.begin(); }
    iterator end() { return items_.end(); }
    const_iterator begin() const { return items_.begin(); }
    const_iterator end() const { return items_.end(); }
    size_t size() const { return items_.size(); }
    size_t capacity() const { return items_.capacity(); }
    bool empty() const { return items_.empty(); }

private:
    iterator lower(const K& key) {
        return std::lower_bound(items_.begin(), items_.end(), key,
                                [](const value_type& e, const K& k) { return e.first < k; });
    }

    std::vector<value_type> items_;
};

}  // namespace tote::facts
