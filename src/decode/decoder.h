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

    // Same outcome as `result = decode(record)`, but a decoder may reuse the storage `result`
    // holds from an earlier call (its strings and vectors): the ingest loop's hot path keeps
    // one result alive across records to save the per-record allocations.
    virtual void decode_into(const LogRecord& record, DecodeResult& result) {
        result = decode(record);
    }
};

}  // namespace tote
