#include "core/error.h"

namespace tote {

const char* to_string(ErrorClass c) {
    switch (c) {
        case ErrorClass::Retriable:
            return "retriable";
        case ErrorClass::Fatal:
            return "fatal";
    }
    return "unknown";
}

}  // namespace tote
