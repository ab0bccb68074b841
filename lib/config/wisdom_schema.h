// The wisdom file's schema: {"schema": 1, "hosts": [{"host": {...},
// "library_version", "date", "ceilings": {...}, "loops": [...], "gemm":
// [...]}]}. The entries of "loops" and "gemm" are the kernels' records
// (records.h). Text in, text out: the file itself is durable_file's.
#ifndef AMDAHL_LIB_CONFIG_WISDOM_SCHEMA_H_
#define AMDAHL_LIB_CONFIG_WISDOM_SCHEMA_H_

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>

#include "amdahl/wisdom.h"

namespace amdahl {
namespace schema {

// A wisdom file is small; a larger one (or /dev/zero) is refused unread.
constexpr size_t kMaxFileBytes = size_t{16} << 20;

// Parses file text down to its list of hosts (checks the schema number).
// Returns false with *why: "corrupt: ...", "schema 0, expected 1".
bool ParseFile(const std::string& text, nlohmann::json* file, std::string* why);

// One host's wisdom; FromJson throws std::invalid_argument naming the field.
nlohmann::json HostToJson(const HostWisdom& w);
HostWisdom HostFromJson(const nlohmann::json& j);

// The text of a file holding `file`'s other hosts' entries exactly as they
// are (damaged ones and fields this version does not know included) and
// `wisdom` for its host: merged with the host's earlier entry, whose
// kernels, dtypes and sizes that `wisdom` does not have are kept. `file` may
// be null (no file, or one that is kept aside).
std::string MergedText(const nlohmann::json* file, const HostWisdom& wisdom);

}  // namespace schema
}  // namespace amdahl

#endif  // AMDAHL_LIB_CONFIG_WISDOM_SCHEMA_H_
