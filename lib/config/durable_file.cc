// Durable small files: bounded reads, atomic locked saves (see the header).
#include "lib/config/durable_file.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <stdexcept>

namespace amdahl {
namespace durable {
namespace {

std::string Errno(const std::string& what, const std::string& path) {
  return "amdahl: cannot " + what + " " + path + ": " + std::strerror(errno);
}

}  // namespace

std::string Folder(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

bool ReadFile(const std::string& path, size_t max_bytes, std::string* text,
              std::string* why) {
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
    if (text->size() > max_bytes) {
      *why = "corrupt: larger than " + std::to_string(max_bytes >> 20) + " MiB";
      close(fd);
      return false;
    }
  }
  close(fd);
  return true;
}

void MakeFolders(const std::string& dir) {
  for (size_t pos = 1; pos <= dir.size(); ++pos) {
    if (pos == dir.size() || dir[pos] == '/') {
      const std::string part = dir.substr(0, pos);
      if (mkdir(part.c_str(), 0755) != 0 && errno != EEXIST) {
        throw std::runtime_error(Errno("create folder", part));
      }
    }
  }
}

std::string ResolveLinks(const std::string& path) {
  char* real = realpath(path.c_str(), nullptr);
  if (real == nullptr) return path;
  std::string out(real);
  std::free(real);
  return out;
}

bool IsSpecial(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0 || S_ISREG(st.st_mode)) return false;
  if (S_ISDIR(st.st_mode)) {
    throw std::runtime_error("amdahl: cannot write " + path + ": it is a folder");
  }
  return true;
}

namespace {

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

}  // namespace


FileLock::FileLock(const std::string& path) {
  const std::string lock_path = path + ".lock";
  fd_ = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw std::runtime_error(Errno("create lock file", lock_path));
  while (flock(fd_, LOCK_EX) != 0) {
    if (errno != EINTR) {
      const std::string message = Errno("lock", lock_path);
      close(fd_);
      throw std::runtime_error(message);
    }
  }
}

FileLock::~FileLock() {
  flock(fd_, LOCK_UN);
  close(fd_);
}

void Replace(const std::string& path, const std::string& text) {
  if (IsSpecial(path)) {
    WriteInPlace(path, text);
    return;
  }
  const std::string dir = Folder(path);
  MakeFolders(dir);
  const size_t slash = path.find_last_of('/');
  RemoveStaleTemps(dir, slash == std::string::npos ? path : path.substr(slash + 1));
  ReplaceDurably(path, text);
}

std::string KeepAside(const std::string& path, const std::string& text) {
  const std::string aside = AsidePath(path);
  ReplaceDurably(aside, text);
  return aside;
}

void CheckWritable(const std::string& path) {
  if (IsSpecial(path)) {
    const int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) throw std::runtime_error(Errno("open", path));
    close(fd);
    return;
  }
  const std::string dir = Folder(path);
  MakeFolders(dir);
  std::string probe = TempTemplate(path);
  const int fd = mkstemp(probe.data());
  if (fd < 0) throw std::runtime_error(Errno("create a file in", dir));
  close(fd);
  unlink(probe.c_str());
}

}  // namespace durable
}  // namespace amdahl
