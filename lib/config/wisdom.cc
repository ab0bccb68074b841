// Wisdom's policy: which file (path), which entry (host), when it is read
// (lazily, again on ReloadWisdom or SetWisdomPath) and how a save merges.
// The schema is wisdom_schema.cc's, the file handling durable_file.cc's.
#include "amdahl/wisdom.h"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <utility>

#include "amdahl/error.h"
#include "amdahl/machine.h"
#include "amdahl/topology.h"
#include "lib/config/durable_file.h"
#include "lib/config/wisdom_schema.h"
#include "lib/hooks.h"
#include "lib/runtime/log.h"

#ifndef AMDAHL_VERSION
#define AMDAHL_VERSION "unknown"
#endif

namespace amdahl {

bool HostKey::operator==(const HostKey& o) const {
  return cpu_model == o.cpu_model && target == o.target &&
         usable_cores == o.usable_cores && smt == o.smt && l1d_bytes == o.l1d_bytes &&
         l2_bytes == o.l2_bytes && l3_bytes == o.l3_bytes;
}

HostKey CurrentHostKey() {
  const Topology& t = GetTopology();
  HostKey h;
  h.cpu_model = t.cpu_model;
  h.target = ActiveTarget();
  h.usable_cores = t.usable_cores.value;
  h.smt = t.smt.value;
  h.l1d_bytes = t.l1d_bytes.value;
  h.l2_bytes = t.l2_bytes.value;
  h.l3_bytes = t.l3_bytes.value;
  return h;
}

namespace {

// The path SetWisdomPath chose (empty: the environment decides).
std::mutex g_path_mu;
std::string g_path;

}  // namespace

std::string WisdomPath() {
  {
    std::lock_guard<std::mutex> lock(g_path_mu);
    if (!g_path.empty()) return g_path;
  }
  if (const char* p = std::getenv("AMDAHL_WISDOM"); p != nullptr && p[0] != '\0') return p;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x != nullptr && x[0] != '\0') {
    return std::string(x) + "/amdahl/wisdom.json";
  }
  const char* home = std::getenv("HOME");
  return std::string(home && home[0] ? home : "/tmp") + "/.cache/amdahl/wisdom.json";
}

bool LoadWisdom(const std::string& path, const HostKey& host, HostWisdom* out,
                std::string* why, std::string* warning) {
  if (out == nullptr) throw Error("amdahl::LoadWisdom: out is null");
  if (why == nullptr) throw Error("amdahl::LoadWisdom: why is null");
  if (path.empty()) {
    *why = "no file (empty path)";
    return false;
  }
  std::string text;
  if (!durable::ReadFile(path, schema::kMaxFileBytes, &text, why)) return false;
  HostWisdom w;
  if (!detail::ParseWisdom(text, host, &w, why)) return false;
  *out = std::move(w);
  if (warning && out->library_version != AMDAHL_VERSION) {
    *warning = "wisdom in " + path + " was measured by amdahl " +
               out->library_version + ", this is " + AMDAHL_VERSION;
  }
  return true;
}

std::vector<HostWisdom> LoadAllWisdom(const std::string& path) {
  std::string text, why;
  if (path.empty() || !durable::ReadFile(path, schema::kMaxFileBytes, &text, &why)) return {};
  return detail::ParseAllWisdom(text);
}

void CheckWisdomWritable(const std::string& path) {
  if (path.empty()) throw Error("amdahl::CheckWisdomWritable: path is empty");
  durable::CheckWritable(durable::ResolveLinks(path));
}

void SaveWisdom(const std::string& path_in, const HostWisdom& wisdom) {
  if (path_in.empty()) throw Error("amdahl::SaveWisdom: path is empty");
  // What is saved must load again: checked before anything is written.
  try {
    schema::HostFromJson(schema::HostToJson(wisdom));
  } catch (const std::exception& e) {
    throw Error(std::string("amdahl::SaveWisdom: wisdom: ") + e.what());
  }
  const std::string path = durable::ResolveLinks(path_in);
  if (durable::IsSpecial(path)) {  // a device such as /dev/full: written in place
    durable::Replace(path, schema::MergedText(nullptr, wisdom));
    return;
  }
  durable::MakeFolders(durable::Folder(path));
  // Savers in other processes (hosts sharing a home) serialize here, so that
  // none drops the entry another just wrote: read, merge and replace under
  // the lock.
  durable::FileLock lock(path);
  std::string old, why;
  nlohmann::json file;
  bool have_file = false;
  if (durable::ReadFile(path, schema::kMaxFileBytes, &old, &why)) {
    if (schema::ParseFile(old, &file, &why)) {
      have_file = true;
    } else {
      // Not wisdom of this schema: kept aside, under a dated name named in a
      // warning, so that no host's wisdom is lost.
      const std::string aside = durable::KeepAside(path, old);
      WarnOnce("wisdom " + path + ": " + why + "; kept it as " + aside +
               " and wrote a new file");
    }
  } else if (why.rfind("no file", 0) != 0) {
    // Unreadable or too large: writing over it would lose what it holds.
    throw std::runtime_error("amdahl: cannot save wisdom to " + path + ": it " +
                             (why.rfind("is ", 0) == 0 ? "" : "is ") + why +
                             "; move it away first");
  }
  durable::Replace(path, schema::MergedText(have_file ? &file : nullptr, wisdom));
}

namespace detail {

const HostWisdom* LoadWisdomFor(const std::string& path, const HostKey& host,
                                bool strict) {
  auto w = std::make_unique<HostWisdom>();
  std::string why, warning;
  if (LoadWisdom(path, host, w.get(), &why, &warning)) {
    if (!warning.empty()) WarnOnce(warning);
    return w.release();
  }
  if (strict) {
    throw std::runtime_error("amdahl: wisdom " + path + ": " + why +
                             " (AMDAHL_WISDOM_STRICT=1)");
  }
  WarnOnce("wisdom " + path + ": " + why + "; using defaults (run amdahl-tune)");
  return nullptr;
}

}  // namespace detail

namespace {

std::mutex g_active_mu;
std::atomic<bool> g_active_loaded{false};
std::atomic<const HostWisdom*> g_active{nullptr};

// Makes `w` the active wisdom (caller holds g_active_mu). The wisdom it
// replaces stays reachable, not freed: a kernel on another thread may still
// read it or a table built from it.
void Activate(const HostWisdom* w) {
  static auto* retired = new std::vector<const HostWisdom*>();
  if (const HostWisdom* old = g_active.load(std::memory_order_relaxed)) retired->push_back(old);
  g_active.store(w, std::memory_order_release);
  g_active_loaded.store(true, std::memory_order_release);
}

bool StrictFromEnv() {
  const char* strict = std::getenv("AMDAHL_WISDOM_STRICT");
  return strict != nullptr && std::strcmp(strict, "1") == 0;
}

}  // namespace

const HostWisdom* ActiveWisdom() {
  if (!g_active_loaded.load(std::memory_order_acquire)) {
    std::lock_guard<std::mutex> lock(g_active_mu);
    if (!g_active_loaded.load(std::memory_order_relaxed)) {
      Activate(detail::LoadWisdomFor(WisdomPath(), CurrentHostKey(), StrictFromEnv()));
    }
  }
  return g_active.load(std::memory_order_acquire);
}

void ReloadWisdom() {
  std::lock_guard<std::mutex> lock(g_active_mu);
  Activate(detail::LoadWisdomFor(WisdomPath(), CurrentHostKey(), StrictFromEnv()));
}

bool SetWisdomPath(const std::string& path, std::string* why) {
  std::lock_guard<std::mutex> lock(g_active_mu);
  {
    std::lock_guard<std::mutex> path_lock(g_path_mu);
    g_path = path;
  }
  const std::string now = WisdomPath();
  if (why == nullptr) {
    Activate(detail::LoadWisdomFor(now, CurrentHostKey(), StrictFromEnv()));
    return g_active.load(std::memory_order_relaxed) != nullptr;
  }
  // The caller takes the news of a miss: no warning, no strict error.
  auto w = std::make_unique<HostWisdom>();
  std::string warning;
  why->clear();
  if (!LoadWisdom(now, CurrentHostKey(), w.get(), why, &warning)) {
    Activate(nullptr);
    return false;
  }
  if (!warning.empty()) WarnOnce(warning);
  Activate(w.release());
  return true;
}

}  // namespace amdahl
