// Typed reads of wisdom JSON that reject what a conversion would wrap,
// truncate or make undefined (a negative count, 1e300 as an integer, NaN),
// throwing std::invalid_argument that names the key. Shared by the schema
// and the kernels' configuration records.
#ifndef AMDAHL_LIB_CONFIG_JSON_FIELDS_H_
#define AMDAHL_LIB_CONFIG_JSON_FIELDS_H_

#include <cmath>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace amdahl {
namespace json_fields {

using nlohmann::json;

// Limits that keep a tuned value from harming a kernel.
constexpr uint64_t kMaxThreads = 1 << 16;
constexpr uint64_t kMaxBucket = 63;
constexpr uint64_t kMaxSize = std::numeric_limits<size_t>::max();

[[noreturn]] inline void Bad(const char* key, const std::string& what) {
  throw std::invalid_argument(std::string(key) + " " + what);
}

inline const json& Field(const json& j, const char* key) {
  if (!j.is_object()) Bad(key, "is in something that is not an object");
  const auto it = j.find(key);
  if (it == j.end()) Bad(key, "is missing");
  return *it;
}

inline uint64_t Count(const json& j, const char* key, uint64_t lo, uint64_t hi) {
  const json& v = Field(j, key);
  if (!v.is_number_integer()) Bad(key, "is not an integer");
  if (!v.is_number_unsigned() && v.get<int64_t>() < 0) Bad(key, "is negative");
  const uint64_t u = v.get<uint64_t>();
  if (u < lo || u > hi) {
    Bad(key, "= " + std::to_string(u) + " is outside [" + std::to_string(lo) + ", " +
                 std::to_string(hi) + "]");
  }
  return u;
}

inline double Rate(const json& j, const char* key) {
  const json& v = Field(j, key);
  if (!v.is_number()) Bad(key, "is not a number");
  const double d = v.get<double>();
  if (!std::isfinite(d) || d < 0) Bad(key, "is not a finite rate");
  return d;
}

// A rate that may be absent (0 then).
inline double OptionalRate(const json& j, const char* key) {
  return j.contains(key) ? Rate(j, key) : 0.0;
}

inline std::string Text(const json& j, const char* key) {
  const json& v = Field(j, key);
  if (!v.is_string()) Bad(key, "is not a string");
  return v.get<std::string>();
}

// An optional boolean, false when absent.
inline bool Flag(const json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end()) return false;
  if (!it->is_boolean()) Bad(key, "is not true or false");
  return it->get<bool>();
}

inline const json& Array(const json& j, const char* key) {
  const json& v = Field(j, key);
  if (!v.is_array()) Bad(key, "is not an array");
  return v;
}

}  // namespace json_fields
}  // namespace amdahl

#endif  // AMDAHL_LIB_CONFIG_JSON_FIELDS_H_
