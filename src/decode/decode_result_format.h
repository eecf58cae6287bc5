#pragma once
// Stable one-line text of a DecodeResult: what the golden tests compare and what a person
// reads when checking a capture. The layout is part of the golden files: change it only
// together with them (TOTE_UPDATE_GOLDEN=1).
//
//   change table=bets op=c key={"id":3} version=26465868 lsn=26465864 (0/193D648)
//          tx=741 order=1 snapshot=false ts=1795601078493   (snapshot=true, or table_end for
//          the last read of a table by a complete snapshot)
//          before=- after={id:Int64=3, stake:Decimal(2)=20.00, note:String=null, ...}
//          unavailable=[note]
//   txmarker BEGIN tx=741 lsn=26465864 ts=1795601078493
//   txmarker END tx=741 events=5 lsn=26466680 ts=...   (END's lsn: the commit LSN)
//   tombstone
//   failure "reason"
// (all on one line). Strings are JSON-quoted, so the line never breaks.
#include <string>

#include <string_view>
#include "core/json_escape.h"

#include "core/change_event.h"
#include "core/value.h"

namespace tote {

// "Int64", "Float64", "Bool", "String", "Decimal(2)".
std::string format_column_type(const ColumnType& t);

// A value as text: null, <unavailable>, 12, 1.5, true, "text", -12.50.
void append_value(std::string& out, const Value& v);

std::string format_decode_result(const DecodeResult& r);

}  // namespace tote
