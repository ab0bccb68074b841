// Wisdom files: JSON with nlohmann-json, atomic saves, lazy loading.
#include "amdahl/wisdom.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <cstdint>
#include <ctime>
#include <mutex>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <utility>

#include "amdahl/error.h"
#include "amdahl/machine.h"
#include "amdahl/topology.h"
#include "lib/runtime/log.h"
#include "lib/hooks.h"

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

// Typed reads that reject what a conversion would wrap, truncate or make
// undefined (a negative count, 1e300 as an int, NaN), naming the key.
[[noreturn]] void Bad(const char* key, const std::string& what) {
  throw std::invalid_argument(std::string(key) + " " + what);
}

const json& Field(const json& j, const char* key) {
  if (!j.is_object()) Bad(key, "is in something that is not an object");
  const auto it = j.find(key);
  if (it == j.end()) Bad(key, "is missing");
  return *it;
}

uint64_t Count(const json& j, const char* key, uint64_t lo, uint64_t hi) {
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

double Rate(const json& j, const char* key) {
  const json& v = Field(j, key);
  if (!v.is_number()) Bad(key, "is not a number");
  const double d = v.get<double>();
  if (!std::isfinite(d) || d < 0) Bad(key, "is not a finite rate");
  return d;
}

std::string Text(const json& j, const char* key) {
  const json& v = Field(j, key);
  if (!v.is_string()) Bad(key, "is not a string");
  return v.get<std::string>();
}

// An optional boolean, false when absent.
bool Flag(const json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end()) return false;
  if (!it->is_boolean()) Bad(key, "is not true or false");
  return it->get<bool>();
}

const json& Array(const json& j, const char* key) {
  const json& v = Field(j, key);
  if (!v.is_array()) Bad(key, "is not an array");
  return v;
}

// Limits that keep a tuned value from harming a kernel: packed GEMM blocks of
// at most 2^26 elements, thread counts a machine can have.
constexpr uint64_t kMaxThreads = 1 << 16;
constexpr uint64_t kMaxBlock = 1 << 20;
constexpr uint64_t kMaxBlockElements = uint64_t{1} << 26;
constexpr uint64_t kMaxBucket = 63;
constexpr uint64_t kMaxSize = std::numeric_limits<size_t>::max();

HostKey HostFromJson(const json& j) {
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

json WisdomToJson(const HostWisdom& w) {
  json loops = json::array();
  for (const LoopWisdom& l : w.loops) {
    loops.push_back({{"kernel", KernelName(l.kernel)}, {"dtype", DTypeName(l.dtype)},
                     {"bucket", l.bucket}, {"threads", l.config.threads},
                     {"serial_cutoff", l.config.serial_cutoff},
                     {"grain", l.config.grain}, {"stream_min", l.config.stream_min},
                     {"gbps", l.gbps}});
    if (l.interpolated) loops.back()["interpolated"] = true;
  }
  json gemm = json::array();
  for (const GemmWisdom& g : w.gemm) {
    gemm.push_back({{"dtype", DTypeName(g.dtype)}, {"bucket", g.bucket},
                    {"mr", g.config.mr}, {"nr", g.config.nr}, {"mc", g.config.mc},
                    {"kc", g.config.kc}, {"nc", g.config.nc},
                    {"threads", g.config.threads}, {"gflops", g.gflops}});
    if (g.interpolated) gemm.back()["interpolated"] = true;
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

HostWisdom WisdomFromJson(const json& j) {
  HostWisdom w;
  w.host = HostFromJson(Field(j, "host"));
  if (j.contains("library_version")) w.library_version = Text(j, "library_version");
  if (j.contains("date")) w.date = Text(j, "date");
  const json& c = Field(j, "ceilings");
  w.peak_f32_gflops_core = Rate(c, "peak_f32_gflops_core");
  w.peak_f64_gflops_core = Rate(c, "peak_f64_gflops_core");
  w.memory_gbps = Rate(c, "memory_gbps");
  w.forkjoin_ns = Rate(c, "forkjoin_ns");
  for (const json& l : Array(j, "loops")) {
    LoopWisdom e;
    if (!KernelFromName(Text(l, "kernel"), &e.kernel)) Bad("kernel", "is unknown");
    if (!DTypeFromName(Text(l, "dtype"), &e.dtype)) Bad("dtype", "is unknown");
    e.bucket = static_cast<int>(Count(l, "bucket", 0, kMaxBucket));
    e.config.threads = Count(l, "threads", 1, kMaxThreads);
    e.config.serial_cutoff = Count(l, "serial_cutoff", 0, kMaxSize);
    e.config.grain = Count(l, "grain", 1, kMaxSize);
    e.config.stream_min = Count(l, "stream_min", 0, kMaxSize);
    e.interpolated = Flag(l, "interpolated");
    e.config.source = e.interpolated ? "interpolated" : "wisdom";
    e.gbps = l.contains("gbps") ? Rate(l, "gbps") : 0.0;
    w.loops.push_back(e);
  }
  for (const json& g : Array(j, "gemm")) {
    GemmWisdom e;
    if (!DTypeFromName(Text(g, "dtype"), &e.dtype)) Bad("dtype", "is unknown");
    e.bucket = static_cast<int>(Count(g, "bucket", 0, kMaxBucket));
    e.config.mr = Count(g, "mr", 1, 64);
    e.config.nr = Count(g, "nr", 1, 256);
    e.config.mc = Count(g, "mc", 1, kMaxBlock);
    e.config.kc = Count(g, "kc", 1, kMaxBlock);
    e.config.nc = Count(g, "nc", 1, kMaxBlock);
    if (uint64_t{e.config.mc} * e.config.kc > kMaxBlockElements ||
        uint64_t{e.config.kc} * e.config.nc > kMaxBlockElements) {
      Bad("mc/kc/nc", "make a packed block larger than 2^26 elements");
    }
    // Packing writes whole slivers of mr rows and nr columns: blocks that
    // are not whole tiles would write past the packing buffers.
    if (e.config.mc % e.config.mr != 0) {
      Bad("mc", "= " + std::to_string(e.config.mc) + " is not a multiple of mr = " +
                    std::to_string(e.config.mr));
    }
    if (e.config.nc % e.config.nr != 0) {
      Bad("nc", "= " + std::to_string(e.config.nc) + " is not a multiple of nr = " +
                    std::to_string(e.config.nr));
    }
    e.config.threads = Count(g, "threads", 1, kMaxThreads);
    e.interpolated = Flag(g, "interpolated");
    e.config.source = e.interpolated ? "interpolated" : "wisdom";
    e.gflops = g.contains("gflops") ? Rate(g, "gflops") : 0.0;
    w.gemm.push_back(e);
  }
  return w;
}

// A wisdom file is small; a larger one (or /dev/zero) is refused unread.
constexpr size_t kMaxWisdomBytes = size_t{16} << 20;

std::string Errno(const std::string& what, const std::string& path) {
  return "amdahl: cannot " + what + " " + path + ": " + std::strerror(errno);
}

std::string Folder(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// Reads the whole file. Returns false with *why: what is wrong, in words.
bool ReadText(const std::string& path, std::string* text, std::string* why) {
  // O_NONBLOCK: a FIFO at the path must not hang the program (it is refused
  // below, like any file that is not a regular one).
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    const int err = errno;
    struct stat st;
    if (err == ENOENT && stat(Folder(path).c_str(), &st) != 0) {
      *why = "no file (folder " + Folder(path) + " is missing)";
    } else if (err == ENOENT) {
      *why = "no file";
    } else {
      *why = std::string("cannot read: ") + std::strerror(err);
    }
    return false;
  }
  struct stat st = {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    *why = S_ISDIR(st.st_mode) ? "is a folder, not a file" : "is not a regular file";
    return false;
  }
  text->clear();
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      *why = std::string("cannot read: ") + std::strerror(errno);
      close(fd);
      return false;
    }
    if (n == 0) break;
    text->append(buf, static_cast<size_t>(n));
    if (text->size() > kMaxWisdomBytes) {
      *why = "corrupt: larger than " + std::to_string(kMaxWisdomBytes >> 20) + " MiB";
      close(fd);
      return false;
    }
  }
  close(fd);
  return true;
}

// Parses wisdom text down to its list of hosts. Returns false with *why.
bool ParseJson(const std::string& text, json* out, std::string* why) {
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

// The file a save replaces: symbolic links followed, so that a link to a
// shared file keeps being a link.
std::string SaveTarget(const std::string& path) {
  char* real = realpath(path.c_str(), nullptr);
  if (real == nullptr) return path;
  std::string out(real);
  std::free(real);
  return out;
}

// Temporary files are "<name>.tmp-<host>-<pid>-XXXXXX": a saver killed
// between creating and renaming one leaves it behind; the next saver on the
// same host removes those whose process is gone.
std::string HostName() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0') return "host";
  for (char& ch : name) {
    if (ch == '/' || ch == '-') ch = '_';
  }
  return name;
}

// mkstemp's template for a temporary file of this process beside `path`.
std::string TempTemplate(const std::string& path) {
  return path + ".tmp-" + HostName() + "-" + std::to_string(getpid()) + "-XXXXXX";
}

// What a save finds at its (symlink-resolved) target. A folder is an error.
enum class Target { kRegularOrNone, kOther };
Target ClassifyTarget(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0 || S_ISREG(st.st_mode)) return Target::kRegularOrNone;
  if (S_ISDIR(st.st_mode)) {
    throw std::runtime_error("amdahl: cannot write wisdom to " + path + ": it is a folder");
  }
  return Target::kOther;
}

void RemoveStaleTemps(const std::string& dir, const std::string& base) {
  const std::string prefix = base + ".tmp-" + HostName() + "-";
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return;
  while (const dirent* e = readdir(d)) {
    const std::string name = e->d_name;
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    const long pid = std::strtol(name.c_str() + prefix.size(), nullptr, 10);
    if (pid > 0 && kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) {
      unlinkat(dirfd(d), e->d_name, 0);
    }
  }
  closedir(d);
}

// A target that is not a regular file (a device such as /dev/full, a pipe)
// is written in place: renaming over it would replace the device.
void WriteInPlace(const std::string& path, const std::string& text) {
  const int fd = open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error(Errno("open", path));
  try {
    WriteAll(fd, text, path);
  } catch (...) {
    close(fd);
    throw;
  }
  if (close(fd) != 0) throw std::runtime_error(Errno("write", path));
}

// Replaces `path` with `text` atomically: a temporary file in the same
// folder, fsync, rename, fsync of the folder. A process killed at any
// moment leaves either the old file or the new one.
void ReplaceDurably(const std::string& path, const std::string& text) {
  std::string tmp = TempTemplate(path);
  const int fd = mkstemp(tmp.data());
  if (fd < 0) throw std::runtime_error(Errno("create a temporary file beside", path));
  bool closed = false;
  try {
    WriteAll(fd, text, tmp);
    if (fsync(fd) != 0) throw std::runtime_error(Errno("sync", tmp));
    if (fchmod(fd, 0644) != 0) throw std::runtime_error(Errno("set the mode of", tmp));
    closed = true;
    if (close(fd) != 0) throw std::runtime_error(Errno("write", tmp));
  } catch (...) {
    if (!closed) close(fd);
    unlink(tmp.c_str());
    throw;
  }
  if (rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string message = Errno("replace", path);
    unlink(tmp.c_str());
    throw std::runtime_error(message);
  }
  // Make the rename itself durable.
  const int dir_fd = open(Folder(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    fsync(dir_fd);
    close(dir_fd);
  }
}

// "<path>.damaged-<UTC time>", made unique with a counter if needed.
std::string AsidePath(const std::string& path) {
  const std::time_t now = std::time(nullptr);
  char stamp[32];
  std::strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", std::gmtime(&now));
  std::string aside = path + ".damaged-" + stamp;
  struct stat st;
  for (int i = 1; lstat(aside.c_str(), &st) == 0; ++i) {
    aside = path + ".damaged-" + stamp + "-" + std::to_string(i);
  }
  return aside;
}

// The text a save writes: the file's other hosts' entries exactly as they
// are (damaged ones and fields this version does not know included), and
// `wisdom` in place of this host's. A file that cannot be read is refused;
// one that is not wisdom of this schema is kept aside, under a dated name
// named in a warning, before it is replaced: no host's wisdom is lost.
std::string MergedText(const std::string& path, const HostWisdom& wisdom) {
  std::string old, why;
  json j;
  json hosts = json::array();
  if (ReadText(path, &old, &why)) {
    if (ParseJson(old, &j, &why)) {
      for (const json& entry : j["hosts"]) {
        try {
          if (HostFromJson(Field(entry, "host")) == wisdom.host) continue;
        } catch (const std::exception&) {
          // A host key that does not parse is not this host's: kept.
        }
        hosts.push_back(entry);
      }
    } else {
      const std::string aside = AsidePath(path);
      ReplaceDurably(aside, old);
      WarnOnce("wisdom " + path + ": " + why + "; kept it as " + aside +
               " and wrote a new file");
    }
  } else if (why.rfind("no file", 0) != 0) {
    // Unreadable or too large: writing over it would lose what it holds.
    throw std::runtime_error("amdahl: cannot save wisdom to " + path + ": it " +
                             (why.rfind("is ", 0) == 0 ? "" : "is ") + why +
                             "; move it away first");
  }
  hosts.push_back(WisdomToJson(wisdom));
  return json{{"schema", kWisdomSchema}, {"hosts", hosts}}.dump(2) + "\n";
}

}  // namespace

namespace detail {

bool ParseWisdom(const std::string& text, const HostKey& host, HostWisdom* out,
                 std::string* why) {
  json j;
  if (!ParseJson(text, &j, why)) return false;
  try {
    for (const json& entry : j["hosts"]) {
      // Another host's damaged key is that host's problem, not this one's.
      HostKey key;
      try {
        key = HostFromJson(Field(entry, "host"));
      } catch (const std::exception&) {
        continue;
      }
      if (!(key == host)) continue;
      *out = WisdomFromJson(entry);
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
  if (!ParseJson(text, &j, &why)) return all;
  for (const json& entry : j["hosts"]) {
    try {
      all.push_back(WisdomFromJson(entry));
    } catch (const std::exception&) {
      // A damaged entry of some host: skipped here, dropped on the next save.
    }
  }
  return all;
}

std::string WisdomText(const std::vector<HostWisdom>& hosts) {
  json list = json::array();
  for (const HostWisdom& w : hosts) list.push_back(WisdomToJson(w));
  return json{{"schema", kWisdomSchema}, {"hosts", list}}.dump(2) + "\n";
}

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
  if (out == nullptr) throw Error("amdahl::LoadWisdom: out is null");
  if (why == nullptr) throw Error("amdahl::LoadWisdom: why is null");
  if (path.empty()) {
    *why = "no file (empty path)";
    return false;
  }
  std::string text;
  if (!ReadText(path, &text, why)) return false;
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
  if (path.empty() || !ReadText(path, &text, &why)) return {};
  return detail::ParseAllWisdom(text);
}

void CheckWisdomWritable(const std::string& path_in) {
  if (path_in.empty()) throw Error("amdahl::CheckWisdomWritable: path is empty");
  const std::string path = SaveTarget(path_in);
  if (ClassifyTarget(path) == Target::kOther) {
    const int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) throw std::runtime_error(Errno("open", path));
    close(fd);
    return;
  }
  const std::string dir = Folder(path);
  MakeDirs(dir);
  std::string probe = TempTemplate(path);
  const int fd = mkstemp(probe.data());
  if (fd < 0) throw std::runtime_error(Errno("create a file in", dir));
  close(fd);
  unlink(probe.c_str());
}

void SaveWisdom(const std::string& path_in, const HostWisdom& wisdom) {
  if (path_in.empty()) throw Error("amdahl::SaveWisdom: path is empty");
  // What is saved must load again: checked before anything is written.
  try {
    WisdomFromJson(WisdomToJson(wisdom));
  } catch (const std::exception& e) {
    throw Error(std::string("amdahl::SaveWisdom: wisdom: ") + e.what());
  }
  const std::string path = SaveTarget(path_in);
  if (ClassifyTarget(path) == Target::kOther) {
    WriteInPlace(path, detail::WisdomText({wisdom}));
    return;
  }
  const std::string dir = Folder(path);
  MakeDirs(dir);

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
  const size_t slash = path.find_last_of('/');
  RemoveStaleTemps(dir, slash == std::string::npos ? path : path.substr(slash + 1));

  const std::string text = MergedText(path, wisdom);
  ReplaceDurably(path, text);
}

namespace {

std::mutex g_active_mu;
std::atomic<bool> g_active_loaded{false};
std::atomic<const HostWisdom*> g_active{nullptr};

// Loads WisdomPath() for this host (caller holds g_active_mu). An earlier
// wisdom is not freed: a kernel on another thread may still read it.
void LoadActive() {
  const char* strict = std::getenv("AMDAHL_WISDOM_STRICT");
  const HostWisdom* w = detail::LoadWisdomFor(
      WisdomPath(), CurrentHostKey(), strict != nullptr && std::strcmp(strict, "1") == 0);
  // The wisdom it replaces stays reachable: tables built from it may still
  // be read by kernels on other threads.
  static auto* retired = new std::vector<const HostWisdom*>();
  if (const HostWisdom* old = g_active.load(std::memory_order_relaxed)) retired->push_back(old);
  g_active.store(w, std::memory_order_release);
  g_active_loaded.store(true, std::memory_order_release);
}

}  // namespace

const HostWisdom* ActiveWisdom() {
  if (!g_active_loaded.load(std::memory_order_acquire)) {
    std::lock_guard<std::mutex> lock(g_active_mu);
    if (!g_active_loaded.load(std::memory_order_relaxed)) LoadActive();
  }
  return g_active.load(std::memory_order_acquire);
}

void ReloadWisdom() {
  std::lock_guard<std::mutex> lock(g_active_mu);
  LoadActive();
}

}  // namespace amdahl
