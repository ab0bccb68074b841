// The kernels' configuration records as the wisdom schema sees them: each
// record (loop_config.cc, gemm_config.cc) owns its JSON fields, the key that
// makes two entries the same, and its validation. The schema
// (wisdom_schema.cc) holds the host and the lists, and calls these.
#ifndef AMDAHL_LIB_CONFIG_RECORDS_H_
#define AMDAHL_LIB_CONFIG_RECORDS_H_

#include <nlohmann/json.hpp>

#include "amdahl/wisdom.h"

namespace amdahl {
namespace records {

// A record's JSON: ToJson writes every field; FromJson throws
// std::invalid_argument naming the field that is missing, mistyped or out
// of range, or a block that would harm the kernel.
nlohmann::json LoopToJson(const LoopWisdom& e);
LoopWisdom LoopFromJson(const nlohmann::json& j);
bool SameLoopKey(const LoopWisdom& a, const LoopWisdom& b);  // kernel, dtype, bucket

nlohmann::json GemmToJson(const GemmWisdom& e);
GemmWisdom GemmFromJson(const nlohmann::json& j);
bool SameGemmKey(const GemmWisdom& a, const GemmWisdom& b);  // dtype, bucket

nlohmann::json MpiToJson(const MpiWisdom& e);
MpiWisdom MpiFromJson(const nlohmann::json& j);
bool SameMpiKey(const MpiPanelWisdom& a, const MpiPanelWisdom& b);  // ranks, bucket

}  // namespace records
}  // namespace amdahl

#endif  // AMDAHL_LIB_CONFIG_RECORDS_H_
