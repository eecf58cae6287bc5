#pragma once
// A decoder turns one Kafka-shaped record into the internal change representation.
// It never throws for bad input: every problem is a DecodeFailure with a reason.
#include "core/change_event.h"
#include "core/log_record.h"

namespace tote {

class Decoder {
public:
    virtual ~Decoder() = default;
    virtual DecodeResult decode(const LogRecord& record) = 0;
};

}  // namespace tote
