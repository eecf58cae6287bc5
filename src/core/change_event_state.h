#pragma once
// The members of the core change types as a checkpoint writes them (StateWriter/StateReader;
// see state_traits.h). A new member must be added here, and the checkpoint format version
// raised (src/state/checkpoint_store.h).
#include "core/change_event.h"
#include "core/value.h"

namespace tote {

template <class A>
void state_fields(A&, NullValue&) {}
template <class A>
void state_fields(A&, UnavailableValue&) {}
template <class A>
void state_fields(A& a, Decimal& d) {
    a(d.unscaled, d.scale);
}
template <class A>
void state_fields(A& a, ColumnType& t) {
    a(t.kind, t.scale);
}
// Field::declared is not kept: it only tells the landing sink how a freshly decoded change was
// typed; the fact state read back from a checkpoint never lands (a restored field reads false).
template <class A>
void state_fields(A& a, Field& f) {
    a(f.name, f.type, f.value);
}
template <class A>
void state_fields(A& a, RowImage& r) {
    a(r.fields);
}
template <class A>
void state_fields(A& a, SourcePosition& p) {
    a(p.lsn, p.tx_id, p.total_order, p.snapshot, p.snapshot_table_end, p.commit_ts_ms, p.tx_last);
}
template <class A>
void state_fields(A& a, ChangeEvent& c) {
    a(c.table, c.op, c.key, c.before, c.after, c.source, c.version, c.unavailable);
}

}  // namespace tote
