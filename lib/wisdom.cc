// Wisdom files: JSON with nlohmann-json, atomic saves, lazy loading.
#include "amdahl/wisdom.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "amdahl/machine.h"
#include "amdahl/topology.h"
#include "lib/log.h"

#ifndef AMDAHL_VERSION
#define AMDAHL_VERSION "unknown"
#endif

namespace amdahl {
namespace {

using nlohmann::json;

json HostToJson(const HostKey& h) {
  return json{{"cpu_model", h.cpu_model}, {"target", h.target},
              {"usable_cores", h.usable_cores}, {"smt", h.smt},
              {"l1d_bytes", h.l1d_bytes}, {"l2_bytes", h.l2_bytes},
              {"l3_bytes", h.l3_bytes}};
}

HostKey HostFromJson(const json& j) {
  HostKey h;
  h.cpu_model = j.at("cpu_model").get<std::string>();
  h.target = j.at("target").get<std::string>();
  h.usable_cores = j.at("usable_cores").get<size_t>();
  h.smt = j.at("smt").get<size_t>();
  h.l1d_bytes = j.at("l1d_bytes").get<size_t>();
  h.l2_bytes = j.at("l2_bytes").get<size_t>();
  h.l3_bytes = j.at("l3_bytes").get<size_t>();
  return h;
}

json WisdomToJson(const HostWisdom& w) {
  json loops = json::array();
  for (const LoopWisdom& l : w.loops) {
    loops.push_back({{"kernel", KernelName(l.kernel)}, {"dtype", DTypeName(l.dtype)},
                     {"bucket", l.bucket}, {"threads", l.config.threads},
                     {"serial_cutoff", l.config.serial_cutoff},
                     {"grain", l.config.grain}, {"stream_min", l.config.stream_min},
                     {"gbps", l.gbps}});
  }
  json gemm = json::array();
  for (const GemmWisdom& g : w.gemm) {
    gemm.push_back({{"dtype", DTypeName(g.dtype)}, {"bucket", g.bucket},
                    {"mr", g.config.mr}, {"nr", g.config.nr}, {"mc", g.config.mc},
                    {"kc", g.config.kc}, {"nc", g.config.nc},
                    {"threads", g.config.threads}, {"gflops", g.gflops}});
  }
  return json{{"host", HostToJson(w.host)},
              {"library_version", w.library_version},
              {"date", w.date},
              {"ceilings",
               {{"peak_f32_gflops_core", w.peak_f32_gflops_core},
                {"peak_f64_gflops_core", w.peak_f64_gflops_core},
                {"memory_gbps", w.memory_gbps},
                {"forkjoin_ns", w.forkjoin_ns}}},
              {"loops", loops},
              {"gemm", gemm}};
}

// Values that would make a kernel misbehave are rejected, not trusted.
size_t Positive(const json& j, const char* key) {
  const size_t v = j.at(key).get<size_t>();
  if (v == 0) throw std::invalid_argument(std::string(key) + " is 0");
  return v;
}

HostWisdom WisdomFromJson(const json& j) {
  HostWisdom w;
  w.host = HostFromJson(j.at("host"));
  w.library_version = j.value("library_version", "");
  w.date = j.value("date", "");
  const json& c = j.at("ceilings");
  w.peak_f32_gflops_core = c.at("peak_f32_gflops_core").get<double>();
  w.peak_f64_gflops_core = c.at("peak_f64_gflops_core").get<double>();
  w.memory_gbps = c.at("memory_gbps").get<double>();
  w.forkjoin_ns = c.at("forkjoin_ns").get<double>();
  for (const json& l : j.at("loops")) {
    LoopWisdom e;
    if (!KernelFromName(l.at("kernel").get<std::string>(), &e.kernel) ||
        !DTypeFromName(l.at("dtype").get<std::string>(), &e.dtype)) {
      throw std::invalid_argument("unknown kernel or dtype");
    }
    e.bucket = l.at("bucket").get<int>();
    e.config.threads = Positive(l, "threads");
    e.config.serial_cutoff = l.at("serial_cutoff").get<size_t>();
    e.config.grain = Positive(l, "grain");
    e.config.stream_min = l.at("stream_min").get<size_t>();
    e.config.source = "wisdom";
    e.gbps = l.value("gbps", 0.0);
    w.loops.push_back(e);
  }
  for (const json& g : j.at("gemm")) {
    GemmWisdom e;
    if (!DTypeFromName(g.at("dtype").get<std::string>(), &e.dtype)) {
      throw std::invalid_argument("unknown dtype");
    }
    e.bucket = g.at("bucket").get<int>();
    e.config.mr = Positive(g, "mr");
    e.config.nr = Positive(g, "nr");
    e.config.mc = Positive(g, "mc");
    e.config.kc = Positive(g, "kc");
    e.config.nc = Positive(g, "nc");
    e.config.threads = Positive(g, "threads");
    e.config.source = "wisdom";
    e.gflops = g.value("gflops", 0.0);
    w.gemm.push_back(e);
  }
  return w;
}

// Reads and parses the whole file. Returns false with *why on failure.
bool ReadJson(const std::string& path, json* out, std::string* why) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *why = "no file";
    return false;
  }
  std::stringstream text;
  text << in.rdbuf();
  try {
    *out = json::parse(text.str());
  } catch (const std::exception& e) {
    *why = std::string("corrupt: ") + e.what();
    return false;
  }
  if (!out->is_object() || !out->contains("schema") || !(*out)["schema"].is_number_integer()) {
    *why = "corrupt: no schema";
    return false;
  }
  const int schema = (*out)["schema"].get<int>();
  if (schema != kWisdomSchema) {
    *why = "schema " + std::to_string(schema) + ", expected " + std::to_string(kWisdomSchema);
    return false;
  }
  if (!out->contains("hosts") || !(*out)["hosts"].is_array()) {
    *why = "corrupt: no hosts";
    return false;
  }
  return true;
}

std::string Errno(const std::string& what, const std::string& path) {
  return "amdahl: cannot " + what + " " + path + ": " + std::strerror(errno);
}

// Creates every missing folder of `dir` (mkdir -p).
void MakeDirs(const std::string& dir) {
  for (size_t pos = 1; pos <= dir.size(); ++pos) {
    if (pos == dir.size() || dir[pos] == '/') {
      const std::string part = dir.substr(0, pos);
      if (mkdir(part.c_str(), 0755) != 0 && errno != EEXIST) {
        throw std::runtime_error(Errno("create folder", part));
      }
    }
  }
}

// Writes all of `data` to fd, or throws.
void WriteAll(int fd, const std::string& data, const std::string& path) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(Errno("write", path));
    }
    done += static_cast<size_t>(n);
  }
}

}  // namespace

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

int LoopBucket(size_t n) {
  int b = 0;
  while (n > 1) {
    n >>= 1;
    ++b;
  }
  return b;
}

int GemmBucket(size_t m, size_t n, size_t k) {
  const double cube = std::cbrt(static_cast<double>(m) * static_cast<double>(n) *
                                static_cast<double>(k));
  return cube < 1 ? 0 : static_cast<int>(std::floor(std::log2(cube) + 1e-9));
}

std::string WisdomPath() {
  if (const char* p = std::getenv("AMDAHL_WISDOM"); p != nullptr && p[0] != '\0') return p;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x != nullptr && x[0] != '\0') {
    return std::string(x) + "/amdahl/wisdom.json";
  }
  const char* home = std::getenv("HOME");
  return std::string(home && home[0] ? home : "/tmp") + "/.cache/amdahl/wisdom.json";
}

bool LoadWisdom(const std::string& path, const HostKey& host, HostWisdom* out,
                std::string* why, std::string* warning) {
  json j;
  if (!ReadJson(path, &j, why)) return false;
  try {
    for (const json& entry : j["hosts"]) {
      if (!(HostFromJson(entry.at("host")) == host)) continue;
      *out = WisdomFromJson(entry);
      if (warning && out->library_version != AMDAHL_VERSION) {
        *warning = "wisdom in " + path + " was measured by amdahl " +
                   out->library_version + ", this is " + AMDAHL_VERSION;
      }
      return true;
    }
  } catch (const std::exception& e) {
    *why = std::string("corrupt: ") + e.what();
    return false;
  }
  *why = "no entry for this host";
  return false;
}

std::vector<HostWisdom> LoadAllWisdom(const std::string& path) {
  std::vector<HostWisdom> all;
  json j;
  std::string why;
  if (!ReadJson(path, &j, &why)) return all;
  for (const json& entry : j["hosts"]) {
    try {
      all.push_back(WisdomFromJson(entry));
    } catch (const std::exception&) {
      // A damaged entry of some host: skipped here, dropped on the next save.
    }
  }
  return all;
}

void SaveWisdom(const std::string& path, const HostWisdom& wisdom) {
  const size_t slash = path.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
  if (slash != std::string::npos && slash != 0) MakeDirs(dir);

  // Savers on other processes (other hosts sharing a home) serialize here, so
  // that none drops the entry another just wrote.
  const std::string lock_path = path + ".lock";
  const int lock_fd = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd < 0) throw std::runtime_error(Errno("create lock file", lock_path));
  struct LockGuard {
    int fd;
    ~LockGuard() {
      flock(fd, LOCK_UN);
      close(fd);
    }
  } guard{lock_fd};
  while (flock(lock_fd, LOCK_EX) != 0) {
    if (errno != EINTR) throw std::runtime_error(Errno("lock", lock_path));
  }

  json hosts = json::array();
  for (const HostWisdom& other : LoadAllWisdom(path)) {
    if (!(other.host == wisdom.host)) hosts.push_back(WisdomToJson(other));
  }
  hosts.push_back(WisdomToJson(wisdom));
  const std::string text =
      json{{"schema", kWisdomSchema}, {"hosts", hosts}}.dump(2) + "\n";

  std::string tmp = path + ".XXXXXX";
  const int fd = mkstemp(tmp.data());
  if (fd < 0) throw std::runtime_error(Errno("create a temporary file beside", path));
  try {
    WriteAll(fd, text, tmp);
    if (fsync(fd) != 0) throw std::runtime_error(Errno("sync", tmp));
    if (fchmod(fd, 0644) != 0) throw std::runtime_error(Errno("set the mode of", tmp));
  } catch (...) {
    close(fd);
    unlink(tmp.c_str());
    throw;
  }
  close(fd);
  if (rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string message = Errno("replace", path);
    unlink(tmp.c_str());
    throw std::runtime_error(message);
  }
  // Make the rename itself durable.
  const int dir_fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    fsync(dir_fd);
    close(dir_fd);
  }
}

const HostWisdom* ActiveWisdom() {
  static const HostWisdom* active = [] {
    const std::string path = WisdomPath();
    auto* w = new HostWisdom;
    std::string why, warning;
    if (LoadWisdom(path, CurrentHostKey(), w, &why, &warning)) {
      if (!warning.empty()) WarnOnce(warning);
      return static_cast<const HostWisdom*>(w);
    }
    delete w;
    const char* strict = std::getenv("AMDAHL_WISDOM_STRICT");
    if (strict != nullptr && std::strcmp(strict, "1") == 0) {
      throw std::runtime_error("amdahl: wisdom " + path + ": " + why +
                               " (AMDAHL_WISDOM_STRICT=1)");
    }
    WarnOnce("wisdom " + path + ": " + why + "; using defaults (run amdahl-tune)");
    return static_cast<const HostWisdom*>(nullptr);
  }();
  return active;
}

}  // namespace amdahl
