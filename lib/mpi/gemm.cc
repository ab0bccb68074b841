// Distributed GEMM: SUMMA on the grid. C's local block stays put; for each
// panel of k, the process column owning op(A)'s columns broadcasts them along
// its grid row and the process row owning op(B)'s rows broadcasts them down
// its grid column (non-blocking, the next panel posted before this one is
// multiplied), and every rank adds A_panel B_panel with amdahl::Gemm. op(A)
// and op(B) laid out otherwise than C (transposes, other row or column
// blocks) are first redistributed (lib/mpi/redistribute.cc).
#include <mpi.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "amdahl/config.h"
#include "amdahl/error.h"
#include "amdahl/gemm.h"
#include "amdahl/mpi.h"
#include "lib/kernels/scratch_buffer.h"
#include "lib/mpi/common.h"
#include "lib/mpi/redistribute.h"

namespace amdahl {
namespace mpi {
namespace {

// Without wisdom (amdahl-tune --mpi stores the fastest width per size),
// panels of k are gathered up to a width between these (then rounded up to
// whole k-blocks of the local GEMM): deep enough for the
// local GEMM (a block of 32, as ScaLAPACK's, leaves the FMA units waiting on
// C), and at least 4 panels where k allows, so that the next panel travels
// while one is multiplied (one 1024-wide panel at n = 1024 on 2 ranks left
// its broadcast in the open: 93 against 113 GFLOPS with 256).
constexpr int kMinPanelWidth = 256;
constexpr int kMaxPanelWidth = 1024;

// Returns why descriptor `name` cannot describe a rows x cols matrix on the
// grid ("" when it can), with local arrays at `data`.
std::string DescProblem(const char* name, const int* d, int rows, int cols, const Grid& g,
                        const void* data) {
  const std::string n = name;
  if (d == nullptr) return "desc_" + n + " is null";
  if (d[kDtype] != 1) return "desc_" + n + "[0] (DTYPE_) = " + std::to_string(d[kDtype]) + ", not 1";
  if (d[kM] != rows || d[kN] != cols) {
    return "desc_" + n + " describes a " + std::to_string(d[kM]) + " x " + std::to_string(d[kN]) +
           " matrix, but " + n + " must be " + std::to_string(rows) + " x " + std::to_string(cols);
  }
  if (d[kMb] < 1 || d[kNb] < 1) {
    return "desc_" + n + " has blocks " + std::to_string(d[kMb]) + " x " + std::to_string(d[kNb]) +
           "; they must be at least 1 x 1";
  }
  if (d[kRsrc] < 0 || d[kRsrc] >= g.nprow() || d[kCsrc] < 0 || d[kCsrc] >= g.npcol()) {
    return "desc_" + n + " starts at process (" + std::to_string(d[kRsrc]) + ", " +
           std::to_string(d[kCsrc]) + "), outside the " + std::to_string(g.nprow()) + " x " +
           std::to_string(g.npcol()) + " grid";
  }
  const int local_rows = Numroc(rows, d[kMb], g.myrow(), d[kRsrc], g.nprow());
  const int local_cols = Numroc(cols, d[kNb], g.mycol(), d[kCsrc], g.npcol());
  if (d[kLld] < std::max(1, local_rows)) {
    return "desc_" + n + "[8] (LLD_) = " + std::to_string(d[kLld]) + " is less than " +
           std::to_string(std::max(1, local_rows)) + ", the local rows of " + n;
  }
  if (data == nullptr && local_rows > 0 && local_cols > 0) return n + " is null";
  return "";
}

// One stretch of k inside one column block of op(A) and one row block of
// op(B): who owns it and where it is locally.
struct Segment {
  int width;
  int a_root, a_local;  // grid column owning op(A)'s columns; first local column
  int b_root, b_local;  // grid row owning op(B)'s rows; first local row
};

template <typename T>
struct Panels {
  // a: m_loc x width (leading dimension m_loc); b: width x n_loc (leading
  // dimension the widest panel); both column-major.
  T* a = nullptr;
  T* b = nullptr;
  std::vector<MPI_Request> requests;
  std::vector<MPI_Datatype> types;  // freed once the broadcasts are done
};

// The two panels' memory, kept from call to call as the local GEMM keeps its
// packing buffers: allocating, zeroing and faulting in 64 MiB a call cost 6 %
// of f64 n = 4096 on 2 ranks (Xeon, 2026-11-24).
thread_local ScratchBuffer t_panel_memory[2];

template <typename T>
void GemmT(const Grid& g, Trans trans_a, Trans trans_b, int m, int n, int k, T alpha,
           const T* a, int ia, int ja, const int* desc_a, const T* b, int ib, int jb,
           const int* desc_b, T beta, T* c, int ic, int jc, const int* desc_c) {
  const char* fn = "amdahl::mpi::Gemm";
  const bool ta = trans_a == Trans::kYes, tb = trans_b == Trans::kYes;
  std::string problem;
  if (trans_a != Trans::kNo && trans_a != Trans::kYes) problem = "trans_a is not a Trans";
  else if (trans_b != Trans::kNo && trans_b != Trans::kYes) problem = "trans_b is not a Trans";
  else if (m < 0 || n < 0 || k < 0) {
    problem = "m, n, k = " + std::to_string(m) + ", " + std::to_string(n) + ", " +
              std::to_string(k) + ": sizes must not be negative";
  } else if (ia != 1 || ja != 1 || ib != 1 || jb != 1 || ic != 1 || jc != 1) {
    problem = "ia, ja, ib, jb, ic, jc must be 1 (whole matrices; submatrices are not supported)";
  } else {
    problem = DescProblem("a", desc_a, ta ? k : m, ta ? m : k, g, a);
    if (problem.empty()) problem = DescProblem("b", desc_b, tb ? n : k, tb ? k : n, g, b);
    if (problem.empty()) problem = DescProblem("c", desc_c, m, n, g, c);
  }
  Agree(g.comm(), fn, problem);
  {
    // Everything but the local leading dimensions must be the same everywhere.
    const int same[] = {m, n, k, ta, tb, desc_a[kMb], desc_a[kNb], desc_a[kRsrc], desc_a[kCsrc],
                        desc_b[kMb], desc_b[kNb], desc_b[kRsrc], desc_b[kCsrc], desc_c[kMb],
                        desc_c[kNb], desc_c[kRsrc], desc_c[kCsrc]};
    const char* const names[] = {"m", "n", "k", "trans_a", "trans_b", "desc_a MB_", "desc_a NB_",
                                 "desc_a RSRC_", "desc_a CSRC_", "desc_b MB_", "desc_b NB_",
                                 "desc_b RSRC_", "desc_b CSRC_", "desc_c MB_", "desc_c NB_",
                                 "desc_c RSRC_", "desc_c CSRC_"};
    AgreeSame(g.comm(), fn, same, names, static_cast<int>(sizeof(same) / sizeof(same[0])));
  }
  if (m == 0 || n == 0) return;
  const Cyclic c_rows{m, desc_c[kMb], desc_c[kRsrc], g.nprow()};
  const Cyclic c_cols{n, desc_c[kNb], desc_c[kCsrc], g.npcol()};
  const int m_loc = Numroc(m, c_rows.nb, g.myrow(), c_rows.src, g.nprow());
  const int n_loc = Numroc(n, c_cols.nb, g.mycol(), c_cols.src, g.npcol());
  const int ldc = desc_c[kLld];
  const size_t m_ld = static_cast<size_t>(std::max(1, m_loc));
  const size_t n_ld = static_cast<size_t>(std::max(1, n_loc));
  if (g.nprow() * g.npcol() == 1) {
    // One rank holds everything: the local arrays are the matrices.
    Gemm(trans_a, trans_b, static_cast<size_t>(m), static_cast<size_t>(n),
         static_cast<size_t>(k), alpha, a, static_cast<size_t>(desc_a[kLld]), b,
         static_cast<size_t>(desc_b[kLld]), beta, c, static_cast<size_t>(ldc),
         Layout::kColMajor);
    return;
  }
  if (k == 0 || alpha == T(0)) {  // C = beta C, locally
    if (m_loc > 0 && n_loc > 0) {
      Gemm(Trans::kNo, Trans::kNo, static_cast<size_t>(m_loc), static_cast<size_t>(n_loc), 0,
           alpha, a, m_ld, b, 1, beta, c, static_cast<size_t>(ldc), Layout::kColMajor);
    }
    return;
  }

  // op(A) with C's rows; its k columns as they are or as A's blocks.
  Cyclic a_cols{k, ta ? desc_a[kMb] : desc_a[kNb], ta ? 0 : desc_a[kCsrc], g.npcol()};
  const T* a_use = a;
  size_t lda = static_cast<size_t>(desc_a[kLld]);
  std::vector<T> a_moved;
  if (ta || desc_a[kMb] != c_rows.nb || desc_a[kRsrc] != c_rows.src) {
    const int k_loc = Numroc(k, a_cols.nb, g.mycol(), a_cols.src, g.npcol());
    a_moved.resize(m_ld * static_cast<size_t>(std::max(1, k_loc)));
    Redistribute(g, a, desc_a, ta, c_rows, a_cols, a_moved.data(), static_cast<int>(m_ld));
    a_use = a_moved.data();
    lda = m_ld;
  }
  // op(B) with C's columns.
  Cyclic b_rows{k, tb ? desc_b[kNb] : desc_b[kMb], tb ? 0 : desc_b[kRsrc], g.nprow()};
  const T* b_use = b;
  size_t ldb = static_cast<size_t>(desc_b[kLld]);
  std::vector<T> b_moved;
  if (tb || desc_b[kNb] != c_cols.nb || desc_b[kCsrc] != c_cols.src) {
    const int k_loc = Numroc(k, b_rows.nb, g.myrow(), b_rows.src, g.nprow());
    b_moved.resize(static_cast<size_t>(std::max(1, k_loc)) * n_ld);
    Redistribute(g, b, desc_b, tb, b_rows, c_cols, b_moved.data(), std::max(1, k_loc));
    b_use = b_moved.data();
    ldb = static_cast<size_t>(std::max(1, k_loc));
  }

  // The segments of k, then panels of them up to kPanelWidth wide.
  std::vector<Segment> segments;
  for (int k0 = 0; k0 < k;) {
    const int w = std::min({a_cols.nb - k0 % a_cols.nb, b_rows.nb - k0 % b_rows.nb, k - k0});
    segments.push_back({w, a_cols.Owner(k0), a_cols.Local(k0), b_rows.Owner(k0), b_rows.Local(k0)});
    k0 += w;
  }
  const size_t tuned = MpiPanelWidth(static_cast<size_t>(m), static_cast<size_t>(n),
                                     static_cast<size_t>(k), g.nprow() * g.npcol());
  int panel_width = static_cast<int>(std::min<size_t>(tuned, 1 << 16));
  if (tuned == 0) {
    panel_width = std::clamp(k / 4, kMinPanelWidth, kMaxPanelWidth);
    // Whole k-blocks of the local GEMM (column-major: it runs n_loc x m_loc
    // row-major): a ragged last block is one more pass over C per panel.
    const int kc = static_cast<int>(
        GetGemmConfig(DTypeOf<T>(), n_ld, m_ld, static_cast<size_t>(panel_width)).kc);
    if (kc > 0 && kc < panel_width) panel_width = (panel_width + kc - 1) / kc * kc;
  }
  std::vector<std::pair<size_t, size_t>> panels;  // [first, last) segment
  int widest = 0;
  for (size_t s = 0; s < segments.size();) {
    size_t e = s;
    int width = 0;
    while (e < segments.size() && (e == s || width + segments[e].width <= panel_width)) {
      width += segments[e++].width;
    }
    widest = std::max(widest, width);
    panels.emplace_back(s, e);
    s = e;
  }

  // A grid of one column holds all of op(A)'s columns on every rank, one
  // row all of op(B)'s rows: their panels are read in place, unsent.
  const bool a_here = g.npcol() == 1, b_here = g.nprow() == 1;
  const size_t ldp = static_cast<size_t>(std::max(1, widest));
  Panels<T> buf[2];
  for (int i = 0; i < 2; ++i) {
    const size_t a_size = a_here ? 0 : m_ld * ldp, b_size = b_here ? 0 : ldp * n_ld;
    T* memory = static_cast<T*>(t_panel_memory[i].Get((a_size + b_size) * sizeof(T)));
    buf[i].a = memory;
    buf[i].b = memory + a_size;
  }
  const MPI_Datatype type = MpiType<T>();
  auto post = [&](size_t panel, Panels<T>& p) {
    size_t off = 0;
    for (size_t s = panels[panel].first; s < panels[panel].second; ++s) {
      const Segment& seg = segments[s];
      const size_t w = static_cast<size_t>(seg.width);
      MPI_Request req;
      if (!a_here) {
        T* pa = p.a + off * m_ld;
        if (g.mycol() == seg.a_root) {
          for (size_t j = 0; j < w; ++j) {
            const T* col = a_use + (static_cast<size_t>(seg.a_local) + j) * lda;
            std::copy(col, col + m_loc, pa + j * m_ld);
          }
        }
        MPI_Ibcast(pa, static_cast<int>(w * m_ld), type, seg.a_root, g.row_comm(), &req);
        p.requests.push_back(req);
      }
      if (!b_here) {
        // Rows [off, off + w) of the panel: w elements of each of its n_loc
        // columns, ldp apart.
        T* pb = p.b + off;
        if (g.myrow() == seg.b_root) {
          for (size_t j = 0; j < static_cast<size_t>(n_loc); ++j) {
            const T* col = b_use + static_cast<size_t>(seg.b_local) + j * ldb;
            std::copy(col, col + w, pb + j * ldp);
          }
        }
        MPI_Datatype rows;
        MPI_Type_vector(n_loc, static_cast<int>(w), static_cast<int>(ldp), type, &rows);
        MPI_Type_commit(&rows);
        p.types.push_back(rows);
        MPI_Ibcast(pb, n_loc > 0 ? 1 : 0, rows, seg.b_root, g.col_comm(), &req);
        p.requests.push_back(req);
      }
      off += w;
    }
    return off;
  };
  auto finish = [](Panels<T>& p) {
    MPI_Waitall(static_cast<int>(p.requests.size()), p.requests.data(), MPI_STATUSES_IGNORE);
    p.requests.clear();
    for (MPI_Datatype& t : p.types) MPI_Type_free(&t);
    p.types.clear();
  };
  std::vector<size_t> widths(panels.size());
  widths[0] = post(0, buf[0]);
  for (size_t t = 0; t < panels.size(); ++t) {
    Panels<T>& now = buf[t % 2];
    finish(now);
    if (t + 1 < panels.size()) widths[t + 1] = post(t + 1, buf[(t + 1) % 2]);
    if (m_loc == 0 || n_loc == 0) continue;
    const Segment& first = segments[panels[t].first];
    const T* pa = a_here ? a_use + static_cast<size_t>(first.a_local) * lda : now.a;
    const T* pb = b_here ? b_use + static_cast<size_t>(first.b_local) : now.b;
    Gemm(Trans::kNo, Trans::kNo, static_cast<size_t>(m_loc), static_cast<size_t>(n_loc),
         widths[t], alpha, pa, a_here ? lda : m_ld, pb, b_here ? ldb : ldp,
         t == 0 ? beta : T(1), c, static_cast<size_t>(ldc), Layout::kColMajor);
  }
}

}  // namespace

#define AMDAHL_DEFINE_MPI_GEMM(T, ID, name)                                                    \
  void Gemm(const Grid& grid, Trans trans_a, Trans trans_b, int m, int n, int k, T alpha,      \
            const T* a, int ia, int ja, const int* desc_a, const T* b, int ib, int jb,         \
            const int* desc_b, T beta, T* c, int ic, int jc, const int* desc_c) {              \
    GemmT(grid, trans_a, trans_b, m, n, k, alpha, a, ia, ja, desc_a, b, ib, jb, desc_b, beta, \
          c, ic, jc, desc_c);                                                                  \
  }
AMDAHL_FOR_EACH_DTYPE(AMDAHL_DEFINE_MPI_GEMM)
#undef AMDAHL_DEFINE_MPI_GEMM

}  // namespace mpi
}  // namespace amdahl
