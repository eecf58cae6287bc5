#pragma once
// A ColdState in a hash map: for tests, which compare a builder with a tiny memory budget with
// one without (the bytes that leave "memory" stay in this process).
#include <string>
#include <string_view>
#include <unordered_map>

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
    size_t size() const { return rows_.size(); }

private:
    std::unordered_map<std::string, std::string> rows_;
};

}  // namespace tote::facts
