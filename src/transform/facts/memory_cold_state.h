#pragma once
// A ColdState in a sorted map: for tests, which compare a builder with a tiny memory budget with
// one without (the bytes that leave "memory" stay in this process).
#include <map>
#include <string>
#include <string_view>

#include "core/cold_state.h"

namespace tote::facts {

class MemoryColdState : public ColdState {
public:
    bool get(std::string_view key, std::string& value) override {
        auto it = rows_.find(std::string(key));
        if (it == rows_.end()) return false;
        value = it->second;
        return true;
    }
    void put(std::string_view key, std::string_view value) override {
        rows_[std::string(key)] = std::string(value);
    }
    void scan(std::string_view prefix,
              const std::function<void(std::string_view, std::string_view)>& f) override {
        for (auto it = rows_.lower_bound(std::string(prefix));
             it != rows_.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it)
            f(it->first, it->second);
    }
    size_t size() const { return rows_.size(); }

private:
    std::map<std::string, std::string> rows_;
};

}  // namespace tote::facts
