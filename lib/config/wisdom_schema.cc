// The wisdom schema: hosts, ceilings and the kernels' records as JSON.
#include "lib/config/wisdom_schema.h"

#include <algorithm>
#include <cstdint>
#include <exception>
#include <string>
#include <vector>

#include "lib/config/json_fields.h"
#include "lib/config/records.h"
#include "lib/hooks.h"
#include "lib/kernels/gemm_exact.h"

namespace amdahl {
namespace schema {
namespace {

using namespace json_fields;  // NOLINT: the typed readers

json KeyToJson(const HostKey& h) {
  return json{{"cpu_model", h.cpu_model}, {"target", h.target},
              {"usable_cores", h.usable_cores}, {"smt", h.smt},
              {"l1d_bytes", h.l1d_bytes}, {"l2_bytes", h.l2_bytes},
              {"l3_bytes", h.l3_bytes}};
}

HostKey KeyFromJson(const json& j) {
  HostKey h;
  h.cpu_model = Text(j, "cpu_model");
  h.target = Text(j, "target");
  h.usable_cores = Count(j, "usable_cores", 0, kMaxSize);
  h.smt = Count(j, "smt", 0, kMaxSize);
  h.l1d_bytes = Count(j, "l1d_bytes", 0, kMaxSize);
  h.l2_bytes = Count(j, "l2_bytes", 0, kMaxSize);
  h.l3_bytes = Count(j, "l3_bytes", 0, kMaxSize);
  return h;
}

// Appends to *now the entries of `old` that it has no entry of the same key
// for (what a save did not measure again).
template <class Entry, class SameKey>
void KeepUnmeasured(const std::vector<Entry>& old, std::vector<Entry>* now, SameKey same) {
  for (const Entry& e : old) {
    if (std::none_of(now->begin(), now->end(), [&](const Entry& n) { return same(n, e); })) {
      now->push_back(e);
    }
  }
}

}  // namespace

bool ParseFile(const std::string& text, json* out, std::string* why) {
  try {
    *out = json::parse(text);
  } catch (const std::exception& e) {
    *why = std::string("corrupt: ") + e.what();
    return false;
  }
  if (!out->is_object() || !out->contains("schema") || !(*out)["schema"].is_number_integer()) {
    *why = "corrupt: no schema";
    return false;
  }
  const json& schema = (*out)["schema"];
  if (schema.is_number_unsigned() ? schema.get<uint64_t>() != kWisdomSchema
                                  : schema.get<int64_t>() != kWisdomSchema) {
    *why = "schema " + schema.dump() + ", expected " + std::to_string(kWisdomSchema);
    return false;
  }
  if (!out->contains("hosts") || !(*out)["hosts"].is_array()) {
    *why = "corrupt: no hosts";
    return false;
  }
  return true;
}

json HostToJson(const HostWisdom& w) {
  json loops = json::array();
  for (const LoopWisdom& l : w.loops) loops.push_back(records::LoopToJson(l));
  json gemm = json::array();
  for (const GemmWisdom& g : w.gemm) gemm.push_back(records::GemmToJson(g));
  return json{{"host", KeyToJson(w.host)},
              {"library_version", w.library_version},
              {"date", w.date},
              {"ceilings",
               {{"peak_f32_gflops_core", w.peak_f32_gflops_core},
                {"peak_f64_gflops_core", w.peak_f64_gflops_core},
                {"memory_gbps", w.memory_gbps},
                {"forkjoin_ns", w.forkjoin_ns}}},
              {"loops", loops},
              {"gemm", gemm},
              {"exact_gemm",
               {{"int64_slice_products", w.int64_slice_products},
                {"int16_pairs", w.int16_pairs}}},
              {"mpi", records::MpiToJson(w.mpi)}};
}

HostWisdom HostFromJson(const json& j) {
  HostWisdom w;
  w.host = KeyFromJson(Field(j, "host"));
  if (j.contains("library_version")) w.library_version = Text(j, "library_version");
  if (j.contains("date")) w.date = Text(j, "date");
  const json& c = Field(j, "ceilings");
  w.peak_f32_gflops_core = Rate(c, "peak_f32_gflops_core");
  w.peak_f64_gflops_core = Rate(c, "peak_f64_gflops_core");
  w.memory_gbps = Rate(c, "memory_gbps");
  w.forkjoin_ns = Rate(c, "forkjoin_ns");
  for (const json& l : Array(j, "loops")) w.loops.push_back(records::LoopFromJson(l));
  for (const json& g : Array(j, "gemm")) w.gemm.push_back(records::GemmFromJson(g));
  // Written since the sliced int64 GEMM; older files have none (-1).
  if (j.contains("exact_gemm")) {
    const json& e = j["exact_gemm"];
    if (!e.is_object()) json_fields::Bad("exact_gemm", "is not an object");
    // An integer field in [-1, most]; -1 (not measured) when absent.
    auto measured = [&e](const char* name, int64_t most) {
      if (e.contains(name) && !e[name].is_number_integer()) {
        json_fields::Bad(name, "is not an integer");
      }
      const int64_t v = e.value(name, int64_t{-1});
      if (v < -1 || v > most) {
        json_fields::Bad(name, "= " + std::to_string(v) + " is outside [-1, " +
                                   std::to_string(most) + "]");
      }
      return static_cast<int>(v);
    };
    w.int64_slice_products =
        measured("int64_slice_products", static_cast<int64_t>(kMaxSlices * kMaxSlices));
    // Written since the GEMM on int16 pairs.
    w.int16_pairs = measured("int16_pairs", 1);
  }
  // Written from schema 1's MPI front on; older files have none.
  if (j.contains("mpi")) w.mpi = records::MpiFromJson(j["mpi"]);
  return w;
}

std::string MergedText(const json* file, const HostWisdom& wisdom) {
  json hosts = json::array();
  HostWisdom merged = wisdom;
  if (file != nullptr) {
    for (const json& entry : (*file)["hosts"]) {
      HostKey key;
      try {
        key = KeyFromJson(Field(entry, "host"));
      } catch (const std::exception&) {
        hosts.push_back(entry);  // a host key that does not parse is not this host's
        continue;
      }
      if (!(key == wisdom.host)) {
        hosts.push_back(entry);
        continue;
      }
      // This host's earlier entry: what was not measured again is kept (a
      // damaged earlier entry is replaced whole).
      try {
        const HostWisdom old = HostFromJson(entry);
        KeepUnmeasured(old.loops, &merged.loops, records::SameLoopKey);
        KeepUnmeasured(old.gemm, &merged.gemm, records::SameGemmKey);
        if (merged.int64_slice_products < 0) {
          merged.int64_slice_products = old.int64_slice_products;
        }
        if (merged.int16_pairs < 0) merged.int16_pairs = old.int16_pairs;
        // The network ceilings are the latest measurement's, if any.
        if (merged.mpi.latency_us == 0) {
          merged.mpi.latency_us = old.mpi.latency_us;
          merged.mpi.bandwidth_gbps = old.mpi.bandwidth_gbps;
        }
        KeepUnmeasured(old.mpi.panels, &merged.mpi.panels, records::SameMpiKey);
      } catch (const std::exception&) {
      }
    }
  }
  hosts.push_back(HostToJson(merged));
  return json{{"schema", kWisdomSchema}, {"hosts", hosts}}.dump(2) + "\n";
}

}  // namespace schema

namespace detail {

using schema::HostFromJson;
using schema::HostToJson;
using schema::ParseFile;
using schema::KeyFromJson;
using json_fields::Field;
using nlohmann::json;

bool ParseWisdom(const std::string& text, const HostKey& host, HostWisdom* out,
                 std::string* why) {
  json j;
  if (!ParseFile(text, &j, why)) return false;
  try {
    for (const json& entry : j["hosts"]) {
      // Another host's damaged key is that host's problem, not this one's.
      HostKey key;
      try {
        key = KeyFromJson(Field(entry, "host"));
      } catch (const std::exception&) {
        continue;
      }
      if (!(key == host)) continue;
      *out = HostFromJson(entry);
      return true;
    }
  } catch (const std::exception& e) {
    *why = std::string("corrupt: ") + e.what();
    return false;
  }
  *why = "no entry for this host";
  return false;
}

std::vector<HostWisdom> ParseAllWisdom(const std::string& text) {
  std::vector<HostWisdom> all;
  json j;
  std::string why;
  if (!ParseFile(text, &j, &why)) return all;
  for (const json& entry : j["hosts"]) {
    try {
      all.push_back(HostFromJson(entry));
    } catch (const std::exception&) {
      // A damaged entry of some host: skipped here, dropped on the next save.
    }
  }
  return all;
}

std::string WisdomText(const std::vector<HostWisdom>& hosts) {
  json list = json::array();
  for (const HostWisdom& w : hosts) list.push_back(HostToJson(w));
  return json{{"schema", kWisdomSchema}, {"hosts", list}}.dump(2) + "\n";
}

}  // namespace detail

}  // namespace amdahl
