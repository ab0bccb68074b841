// Block-cyclic redistribution. The destination of element (i, j) of src is
// separable: its row owner depends on one index and its column owner on the
// other, so what rank s sends rank d is a product of an index list of rows
// and one of columns, which both sides compute alike and walk in the same
// order (columns outer, rows inner): no indices travel, only values.
#include "lib/mpi/redistribute.h"

#include <cstdint>
#include <vector>

#include "amdahl/error.h"

namespace amdahl {
namespace mpi {
namespace {

// buckets[key] = the indices g in [0, n) with keep(g) and key_of(g) == key,
// ascending.
template <class Keep, class Key>
std::vector<std::vector<int>> Bucket(int n, int keys, const Keep& keep, const Key& key_of) {
  std::vector<std::vector<int>> buckets(static_cast<size_t>(keys));
  for (int g = 0; g < n; ++g) {
    if (keep(g)) buckets[static_cast<size_t>(key_of(g))].push_back(g);
  }
  return buckets;
}

}  // namespace

template <typename T>
void Redistribute(const Grid& grid, const T* src, const int* desc_src, bool trans,
                  const Cyclic& rows, const Cyclic& cols, T* dst, int dst_ld) {
  const int nprow = grid.nprow(), npcol = grid.npcol();
  const int myrow = grid.myrow(), mycol = grid.mycol();
  const Cyclic sr{desc_src[kM], desc_src[kMb], desc_src[kRsrc], nprow};
  const Cyclic sc{desc_src[kN], desc_src[kNb], desc_src[kCsrc], npcol};
  const int lld = desc_src[kLld];
  // A source row i lands in destination row rows.Owner(i), or (transposed)
  // destination column cols.Owner(i); a source column j likewise.
  const int row_keys = trans ? npcol : nprow, col_keys = trans ? nprow : npcol;
  auto row_key = [&](int i) { return trans ? cols.Owner(i) : rows.Owner(i); };
  auto col_key = [&](int j) { return trans ? rows.Owner(j) : cols.Owner(j); };
  const int size = nprow * npcol;
  auto rank_of = [&](int row_key_value, int col_key_value) {
    // Destination grid coordinates from the keys.
    const int dr = trans ? col_key_value : row_key_value;
    const int dc = trans ? row_key_value : col_key_value;
    return dr * npcol + dc;
  };

  // What I send: my rows and columns, by destination key.
  const auto send_rows = Bucket(sr.n, row_keys, [&](int i) { return sr.Owner(i) == myrow; }, row_key);
  const auto send_cols = Bucket(sc.n, col_keys, [&](int j) { return sc.Owner(j) == mycol; }, col_key);
  // What I receive: the rows and columns that land here, by source owner.
  const int my_row_key = trans ? mycol : myrow, my_col_key = trans ? myrow : mycol;
  const auto recv_rows = Bucket(sr.n, nprow, [&](int i) { return row_key(i) == my_row_key; },
                                [&](int i) { return sr.Owner(i); });
  const auto recv_cols = Bucket(sc.n, npcol, [&](int j) { return col_key(j) == my_col_key; },
                                [&](int j) { return sc.Owner(j); });

  std::vector<int> send_counts(static_cast<size_t>(size), 0), recv_counts(send_counts);
  std::vector<int> send_displs(send_counts), recv_displs(send_counts);
  std::vector<T> send;
  for (int rk = 0; rk < row_keys; ++rk) {
    for (int ck = 0; ck < col_keys; ++ck) {
      const size_t d = static_cast<size_t>(rank_of(rk, ck));
      const auto& rr = send_rows[static_cast<size_t>(rk)];
      const auto& cc = send_cols[static_cast<size_t>(ck)];
      send_counts[d] = static_cast<int>(rr.size() * cc.size());
    }
  }
  size_t total = 0;
  for (int d = 0; d < size; ++d) {
    send_displs[static_cast<size_t>(d)] = static_cast<int>(total);
    total += static_cast<size_t>(send_counts[static_cast<size_t>(d)]);
  }
  send.resize(total);
  for (int rk = 0; rk < row_keys; ++rk) {
    for (int ck = 0; ck < col_keys; ++ck) {
      size_t at = static_cast<size_t>(send_displs[static_cast<size_t>(rank_of(rk, ck))]);
      for (int j : send_cols[static_cast<size_t>(ck)]) {
        const T* column = src + static_cast<size_t>(sc.Local(j)) * static_cast<size_t>(lld);
        for (int i : send_rows[static_cast<size_t>(rk)]) send[at++] = column[sr.Local(i)];
      }
    }
  }
  total = 0;
  for (int s = 0; s < size; ++s) {
    const size_t pr = static_cast<size_t>(s / npcol), pc = static_cast<size_t>(s % npcol);
    recv_counts[static_cast<size_t>(s)] =
        static_cast<int>(recv_rows[pr].size() * recv_cols[pc].size());
    recv_displs[static_cast<size_t>(s)] = static_cast<int>(total);
    total += recv_rows[pr].size() * recv_cols[pc].size();
  }
  std::vector<T> recv(total);
  MPI_Alltoallv(send.data(), send_counts.data(), send_displs.data(), MpiType<T>(), recv.data(),
                recv_counts.data(), recv_displs.data(), MpiType<T>(), grid.comm());
  for (int s = 0; s < size; ++s) {
    size_t at = static_cast<size_t>(recv_displs[static_cast<size_t>(s)]);
    for (int j : recv_cols[static_cast<size_t>(s % npcol)]) {
      for (int i : recv_rows[static_cast<size_t>(s / npcol)]) {
        const int ti = trans ? j : i, tj = trans ? i : j;
        dst[static_cast<size_t>(rows.Local(ti)) +
            static_cast<size_t>(cols.Local(tj)) * static_cast<size_t>(dst_ld)] = recv[at++];
      }
    }
  }
}

#define AMDAHL_INSTANTIATE_REDISTRIBUTE(T, ID, name)                                       \
  template void Redistribute<T>(const Grid&, const T*, const int*, bool, const Cyclic&,      \
                                const Cyclic&, T*, int);
AMDAHL_FOR_EACH_DTYPE(AMDAHL_INSTANTIATE_REDISTRIBUTE)
#undef AMDAHL_INSTANTIATE_REDISTRIBUTE

}  // namespace mpi
}  // namespace amdahl
