#pragma once
// One INSERT, encoded and ready to run: the qualified table, the "name Type" column list and the
// RowBinary rows. Lets a stage encode its rows on its own thread and hand them to the
// WarehouseWriter, which runs them in its next commit before the resume position.
#include <string>

namespace tote {

struct EncodedInsert {
    std::string table;  // e.g. "tote.fact_bet"
    std::string columns;
    std::string rows;  // RowBinary
};

}  // namespace tote
