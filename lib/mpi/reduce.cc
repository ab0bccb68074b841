// Distributed Sum and Dot with the bits of one process's: the vector's
// leaves (kReduceLeaf elements each, counted from the start of the whole
// vector) are reduced by the local leaf kernel, and the leaf results added
// in the local pairwise tree, on every rank alike. A leaf that straddles
// ranks is completed on the rank where it starts: the later ranks send it
// their share of it first (one MPI_Alltoallv).
#include <mpi.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "amdahl/config.h"
#include "amdahl/error.h"
#include "amdahl/mpi.h"
#include "amdahl/reduce.h"
#include "lib/mpi/common.h"

namespace amdahl {
namespace mpi {
namespace {

constexpr uint64_t kLeaf = kReduceLeaf;

// xs: the inputs (1 for Sum, 2 for Dot), n_local elements each here.
template <typename T, class Partials>
T ReduceT(const char* fn, MPI_Comm comm, size_t n_local, std::vector<const T*> xs,
          const Partials& partials_of) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  std::string problem;
  for (size_t v = 0; v < xs.size(); ++v) {
    if (n_local > 0 && xs[v] == nullptr) problem = std::string(v == 0 ? "x" : "y") + " is null";
  }
  Agree(comm, fn, problem);
  // Every rank's offset in the whole vector.
  std::vector<uint64_t> counts(static_cast<size_t>(size));
  const uint64_t mine = n_local;
  MPI_Allgather(&mine, 1, MPI_UINT64_T, counts.data(), 1, MPI_UINT64_T, comm);
  std::vector<uint64_t> offset(static_cast<size_t>(size) + 1, 0);
  for (int r = 0; r < size; ++r) offset[static_cast<size_t>(r) + 1] = offset[static_cast<size_t>(r)] + counts[static_cast<size_t>(r)];
  const uint64_t n = offset.back();
  if (n == 0) return T(0);
  const auto round_up = [](uint64_t i) { return (i + kLeaf - 1) / kLeaf * kLeaf; };
  // Rank r owns the leaves that start in [offset[r], offset[r + 1]).
  auto owner_of_leaf_at = [&](uint64_t start) {
    return static_cast<int>(std::upper_bound(offset.begin(), offset.end(), start) - offset.begin()) - 1;
  };
  const uint64_t begin = offset[static_cast<size_t>(rank)], end = offset[static_cast<size_t>(rank) + 1];
  // My head [begin, round_up(begin)) belongs to the leaf that started before.
  const uint64_t head_end = std::min(round_up(begin), end);
  const size_t head = static_cast<size_t>(head_end - begin);
  std::vector<int> send_counts(static_cast<size_t>(size), 0), send_displs(send_counts);
  if (head > 0 && begin % kLeaf != 0) {
    send_counts[static_cast<size_t>(owner_of_leaf_at(begin / kLeaf * kLeaf))] = static_cast<int>(head);
  }
  // My tail leaf [tail_start, min(tail_start + L, n)) needs what follows end.
  const uint64_t tail_start = end % kLeaf == 0 ? end : end / kLeaf * kLeaf;
  const bool tail = end % kLeaf != 0 && tail_start >= begin && end < n;
  std::vector<int> recv_counts(static_cast<size_t>(size), 0), recv_displs(recv_counts);
  const uint64_t tail_end = std::min(tail_start + kLeaf, n);
  if (tail) {
    for (int r = rank + 1; r < size; ++r) {
      const uint64_t lo = std::max(offset[static_cast<size_t>(r)], end);
      const uint64_t hi = std::min(offset[static_cast<size_t>(r) + 1], tail_end);
      if (hi > lo) recv_counts[static_cast<size_t>(r)] = static_cast<int>(hi - lo);
    }
  }
  int at = 0;
  for (int r = 0; r < size; ++r) {
    recv_displs[static_cast<size_t>(r)] = at;
    at += recv_counts[static_cast<size_t>(r)];
  }
  const size_t received = static_cast<size_t>(at);
  // The completed tail leaf, per input.
  std::vector<std::vector<T>> tail_leaf(xs.size());
  for (size_t v = 0; v < xs.size(); ++v) {
    const size_t own = tail ? static_cast<size_t>(end - tail_start) : 0;
    tail_leaf[v].resize(own + received);
    if (own > 0) std::copy(xs[v] + (tail_start - begin), xs[v] + n_local, tail_leaf[v].begin());
    MPI_Alltoallv(xs[v], send_counts.data(), send_displs.data(), MpiType<T>(),
                  tail_leaf[v].data() + own, recv_counts.data(), recv_displs.data(),
                  MpiType<T>(), comm);
  }
  // My leaves: the whole ones in place, then the completed tail.
  const uint64_t first = round_up(begin);
  const uint64_t whole_end = tail ? tail_start : std::min(round_up(end), n);
  const size_t whole = first < whole_end ? static_cast<size_t>(whole_end - first) : 0;
  std::vector<T> partials((whole + kLeaf - 1) / kLeaf + (tail ? 1 : 0));
  std::vector<const T*> at_first(xs.size());
  for (size_t v = 0; v < xs.size(); ++v) at_first[v] = xs[v] + (first - begin);
  if (whole > 0) partials_of(whole, at_first, partials.data());
  if (tail) {
    std::vector<const T*> leaf(xs.size());
    for (size_t v = 0; v < xs.size(); ++v) leaf[v] = tail_leaf[v].data();
    partials_of(tail_leaf[0].size(), leaf, partials.data() + partials.size() - 1);
  }
  // Every leaf result, in order, on every rank; then the same tree.
  const int my_count = static_cast<int>(partials.size());
  std::vector<int> leaf_counts(static_cast<size_t>(size)), leaf_displs(static_cast<size_t>(size));
  MPI_Allgather(&my_count, 1, MPI_INT, leaf_counts.data(), 1, MPI_INT, comm);
  int total = 0;
  for (int r = 0; r < size; ++r) {
    leaf_displs[static_cast<size_t>(r)] = total;
    total += leaf_counts[static_cast<size_t>(r)];
  }
  std::vector<T> all(static_cast<size_t>(total));
  MPI_Allgatherv(partials.data(), my_count, MpiType<T>(), all.data(), leaf_counts.data(),
                 leaf_displs.data(), MpiType<T>(), comm);
  return PairwiseSum(all.size(), all.data());
}

}  // namespace

#define AMDAHL_DEFINE_MPI_REDUCE(T, ID, name)                                                  \
  T Sum(MPI_Comm comm, size_t n_local, const T* x) {                                          \
    return ReduceT<T>("amdahl::mpi::Sum", comm, n_local, {x},                                  \
                      [](size_t n, const std::vector<const T*>& v, T* p) {                    \
                        SumPartials(n, v[0], p);                                               \
                      });                                                                      \
  }                                                                                            \
  T Dot(MPI_Comm comm, size_t n_local, const T* x, const T* y) {                              \
    return ReduceT<T>("amdahl::mpi::Dot", comm, n_local, {x, y},                               \
                      [](size_t n, const std::vector<const T*>& v, T* p) {                    \
                        DotPartials(n, v[0], v[1], p);                                         \
                      });                                                                      \
  }
AMDAHL_FOR_EACH_DTYPE(AMDAHL_DEFINE_MPI_REDUCE)
#undef AMDAHL_DEFINE_MPI_REDUCE

}  // namespace mpi
}  // namespace amdahl
