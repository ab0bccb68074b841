// Small files that must never be torn or lost: bounded reads that refuse
// what is not a regular file, and saves that are atomic (a temporary file in
// the same folder, fsync, rename, fsync of the folder) and serialized between
// processes by a lock file. Nothing here knows what the file holds.
#ifndef AMDAHL_LIB_CONFIG_DURABLE_FILE_H_
#define AMDAHL_LIB_CONFIG_DURABLE_FILE_H_

#include <cstddef>
#include <string>

namespace amdahl {
namespace durable {

// Reads the whole regular file at `path` (a FIFO or device is refused, never
// waited on). Returns false with *why in words: "no file", "no file (folder
// F is missing)", "cannot read: <errno>", "is a folder, not a file", "is not
// a regular file", "corrupt: larger than N MiB".
bool ReadFile(const std::string& path, size_t max_bytes, std::string* text,
              std::string* why);

// The folder of `path` ("." for a bare name).
std::string Folder(const std::string& path);

// `path` with symbolic links resolved (itself if it does not exist yet): a
// link to a shared file stays a link after a save.
std::string ResolveLinks(const std::string& path);

// Whether `path` (link-resolved) is a device or pipe rather than a regular
// file or nothing; throws std::runtime_error when it is a folder.
bool IsSpecial(const std::string& path);

// Creates every missing folder of `dir` (mkdir -p); throws naming the one
// that cannot be made.
void MakeFolders(const std::string& dir);

// Holds an exclusive lock on "<path>.lock" (created if needed) while it
// lives: savers in other processes wait, so none drops what another wrote.
class FileLock {
 public:
  explicit FileLock(const std::string& path);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_;
};

// Replaces `path` (already link-resolved) with `text`: atomically when it is
// a regular file or missing (a process killed at any moment leaves the old
// file or the new one, whole), in place when it is a device or pipe
// (renaming over /dev/null would replace the device). Creates missing
// folders; removes temporary files that dead savers of this host left.
// Throws std::runtime_error naming the path and the reason (a folder at the
// path, read-only folder, full disk).
void Replace(const std::string& path, const std::string& text);

// Copies `text` durably to "<path>.damaged-<UTC time>" (unique) and returns
// that name: what a file held before it is replaced by something else.
std::string KeepAside(const std::string& path, const std::string& text);

// Throws what Replace would if `path` (link-resolved) cannot be written,
// changing nothing there (creates missing folders).
void CheckWritable(const std::string& path);

}  // namespace durable
}  // namespace amdahl

#endif  // AMDAHL_LIB_CONFIG_DURABLE_FILE_H_
