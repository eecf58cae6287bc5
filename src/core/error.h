#pragma once
// Errors that end an operation carry a class, so callers decide by class, not by parsing text.
#include <stdexcept>
#include <string>

namespace tote {

enum class ErrorClass {
    Retriable,  // try again later (server busy, connection refused, timeout)
    Fatal,      // configuration or programming error: stop and tell the operator
};

const char* to_string(ErrorClass c);

class ToteError : public std::runtime_error {
public:
    ToteError(ErrorClass cls, const std::string& what) : std::runtime_error(what), cls_(cls) {}
    ErrorClass error_class() const { return cls_; }
    bool retriable() const { return cls_ == ErrorClass::Retriable; }

private:
    ErrorClass cls_;
};

}  // namespace tote
