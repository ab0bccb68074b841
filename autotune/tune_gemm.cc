// Phase 3: GEMM's register tile, blocks and threads per size bucket: first
// every tile at its analytical blocks, then blocks around the winner's.
#include "autotune/tuner.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "amdahl/amdahl.h"
#include "autotune/cases.h"
#include "autotune/overrides.h"
#include "autotune/search.h"
#include "lib/hooks.h"

namespace amdahl_tune {

using amdahl::DType;
using amdahl::Kernel;
using amdahl_cases::MakeCase;

namespace {

// Whether threads beyond one have work enough to be worth timing: 0.125
// MFLOP each, half the defaults' rule (so that n = 64 is tried on 2).
bool EnoughPerThread(size_t n, size_t threads) {
  return threads == 1 || 2.0 * n * n * n >= 1.25e5 * static_cast<double>(threads);
}

}  // namespace

std::vector<amdahl::GemmConfig> Tuner::GemmTileCandidates(DType dtype, size_t n) const {
  std::vector<amdahl::GemmConfig> cands;
  for (const amdahl::GemmTileShape& tile : amdahl::GemmTiles(dtype)) {
    for (size_t t = 1; t <= threads_; ++t) {
      if (!EnoughPerThread(n, t)) continue;
      amdahl::GemmConfig c = amdahl::DefaultGemmConfig(dtype, n, n, n, tile);
      c.threads = t;
      cands.push_back(c);
    }
  }
  return cands;
}

std::vector<amdahl::GemmConfig> Tuner::GemmCandidates(DType dtype, size_t n, bool exhaustive,
                                                       const amdahl::GemmTileShape& tile) const {
  const amdahl::GemmConfig model = amdahl::DefaultGemmConfig(dtype, n, n, n, tile);
  // The model and its neighbours; --validate's exhaustive grid is wider.
  std::vector<size_t> kcs = {model.kc / 2, model.kc * 3 / 4, model.kc, model.kc * 3 / 2};
  std::vector<size_t> ncs = {model.nc / 2, model.nc, model.nc * 2};
  if (exhaustive) {
    kcs = {64, 128, 192, 256, 384, 512, 768, 1024};
    ncs.clear();
    for (size_t tiles : {1, 2, 3, 5, 8, 10, 16, 20, 32}) ncs.push_back(tiles * model.nr);
  }
  // B read in place (its rows span at most b_in_place_max_bytes) is one
  // block of all its columns whatever nc says: no nc but the model's.
  if (amdahl::ReadsBInPlace(model, false, n, n, amdahl::DTypeSize(dtype))) ncs = {model.nc};
  std::vector<amdahl::GemmConfig> cands;
  for (size_t kc : kcs) {
    for (size_t nc : ncs) {
      for (size_t t = 1; t <= threads_; ++t) {
        amdahl::GemmConfig c = model;
        c.kc = std::max<size_t>(16, kc / 16 * 16);
        c.nc = std::max(c.nr, nc / c.nr * c.nr);
        c.threads = t;
        // Meaningless candidates are filtered before any timing: blocks far
        // beyond the problem (they behave as the whole problem), threads
        // with under ~0.5 MFLOP each.
        if (c.kc > 2 * n && kc != model.kc) continue;
        if (c.nc > 2 * n && nc != model.nc) continue;
        if (!EnoughPerThread(n, t)) continue;
        cands.push_back(c);
      }
    }
  }
  return cands;
}

void Tuner::TuneGemm() {
  if (options_.effort == Effort::kEstimate || !Wants(Kernel::kGemm)) return;
  std::vector<size_t> sizes = {64, 128, 256, 512, 1024};
  if (options_.effort == Effort::kPatient) sizes.push_back(2048);
  std::vector<DType> dtypes;
  for (DType t : amdahl_cases::AllDTypes()) {
    if (Wants(t)) dtypes.push_back(t);
  }
  size_t done = 0;
  const size_t total = sizes.size() * dtypes.size();
  for (DType dtype : dtypes) {
    for (size_t n : sizes) {
      const double share = SecondsLeft() / static_cast<double>(total - done);
      ++done;
      if (share < 0.05) continue;
      auto g = MakeCase(Kernel::kGemm, dtype, n);
      const std::string name = std::string("gemm/") + amdahl::DTypeName(dtype) + "/" + std::to_string(n);
      Progress(name, done - 1, total);
      SearchOptions so = BaseSearch();
      so.rounds = options_.effort == Effort::kPatient ? 4 : 2;
      so.repeats = 2;
      // Half the share to each stage.
      double budget_per_timing = 0;
      auto time = [&](const amdahl::GemmConfig& cfg) {
        ConfigOverride o(Kernel::kGemm, dtype, cfg);
        return TimePerCall([&] { g->Run(); }, 1, std::min(2e-3, budget_per_timing));
      };
      auto search = [&](const std::vector<amdahl::GemmConfig>& cands) {
        budget_per_timing =
            share / 2 / static_cast<double>(cands.size() * so.rounds * so.repeats + 1);
        return RoundRobinSearch(cands.size(), [&](size_t i) { return time(cands[i]); }, so);
      };
      const std::vector<amdahl::GemmConfig> tiles = GemmTileCandidates(dtype, n);
      const SearchResult by_tile = search(tiles);
      const amdahl::GemmConfig& tile = tiles[by_tile.best];
      const std::vector<amdahl::GemmConfig> cands =
          GemmCandidates(dtype, n, false, {tile.mr, tile.nr, tile.lanes});
      const SearchResult r = search(cands);
      // The winner is kept only where it beats the defaults, timed against
      // them interleaved, beyond the noise; else the defaults stay in charge
      // (no entry) and the row says so.
      const amdahl::GemmConfig defaults = amdahl::DefaultGemmConfig(dtype, n, n, n);
      const amdahl::GemmConfig& winner = cands[r.best];
      double seconds = r.seconds[r.best];
      bool kept = true;
      if (winner.mr != defaults.mr || winner.nr != defaults.nr || winner.mc != defaults.mc ||
          winner.kc != defaults.kc || winner.nc != defaults.nc ||
          winner.threads != defaults.threads) {
        const Comparison cmp = CompareWithBaseline([&] { return time(winner); },
                                                   [&] { return time(defaults); }, 4);
        kept = cmp.tuned_wins;
        seconds = kept ? cmp.tuned : cmp.baseline;
      }
      const amdahl::GemmConfig& best = kept ? winner : defaults;
      const double flops = 2.0 * static_cast<double>(n) * n * n;
      // The fastest one-thread candidate of both stages.
      const amdahl::GemmConfig* one_cfg = nullptr;
      double one_thread = 0;
      for (const auto& [list, result] : {std::make_pair(&tiles, &by_tile), std::make_pair(&cands, &r)}) {
        for (size_t i = 0; i < list->size(); ++i) {
          const double sec = result->seconds[i];
          if ((*list)[i].threads == 1 && sec > 0 && (one_thread == 0 || sec < one_thread)) {
            one_thread = sec;
            one_cfg = &(*list)[i];
          }
        }
      }
      amdahl::GemmWisdom e;
      e.dtype = dtype;
      e.bucket = amdahl::GemmBucket(n, n, n);
      e.config = best;
      e.gflops = flops / seconds * 1e-9;
      if (kept) wisdom_.gemm.push_back(e);
      // A choice for more threads has its own one-thread entry, for calls
      // capped at one (SetNumThreads, AMDAHL_NUM_THREADS): the tile that
      // wins on two cores can lose on one (Zen 5, f32 512: a 4 x 4 tuned
      // on two ran one thread at 161 GFLOPS, OpenBLAS 180). The fastest
      // one-thread candidate where it beats the defaults on one thread, as
      // above; else the defaults on one thread, so that the choice for more
      // does not stand in for them.
      if (kept && best.threads > 1 && one_cfg != nullptr) {
        amdahl::GemmConfig one_defaults = defaults;
        one_defaults.threads = 1;
        amdahl::GemmWisdom one = e;
        one.config = one_defaults;
        one.gflops = flops / one_thread * 1e-9;
        if (one_cfg->mr != one_defaults.mr || one_cfg->nr != one_defaults.nr ||
            one_cfg->kc != one_defaults.kc || one_cfg->nc != one_defaults.nc ||
            one_cfg->mc != one_defaults.mc) {
          const amdahl::GemmConfig tuned_one = *one_cfg;
          const Comparison cmp = CompareWithBaseline([&] { return time(tuned_one); },
                                                     [&] { return time(one_defaults); }, 4);
          if (cmp.tuned_wins) one.config = tuned_one;
          one.gflops = flops / (cmp.tuned_wins ? cmp.tuned : cmp.baseline) * 1e-9;
        }
        wisdom_.gemm.push_back(one);
      }
      Row row;
      row.kernel = "gemm";
      row.dtype = amdahl::DTypeName(dtype);
      row.size = n;
      row.threads = best.threads;
      // The tile (rows x vectors), kc and nc are searched; mc is the model's.
      row.blocks = std::to_string(best.mr) + "x" + std::to_string(best.nr / best.lanes) + " " +
                   std::to_string(best.kc) + "/" + std::to_string(best.nc) +
                   (kept ? "" : " (defaults)");
      row.rate = e.gflops;
      row.unit = "GFLOPS";
      row.peak_fraction = e.gflops / (PeakPerCore(wisdom_, dtype) * static_cast<double>(best.threads));
      row.speedup = one_thread > 0 ? one_thread / seconds : 1;
      rows_.push_back(row);
      if (options_.tty && !Quiet()) std::printf("\n");
    }
  }
}

void Tuner::TuneInt64Slicing() {
  if (options_.effort == Effort::kEstimate || !Wants(Kernel::kGemm) || !Wants(DType::kI64)) {
    return;
  }
  if (SecondsLeft() < 1) return;
  Progress("gemm/i64 slicing", 0, 1);
  // 384^3 with values up to 2^30 (one operand cut in two: 2 products) and
  // 2^40 (both cut: 4), each timed against the integer kernels on the same
  // values, alternately. 3 products cost about the mean of 2 and 4; 9 about
  // 9/4 of 4's.
  constexpr size_t n = 384;
  auto values = [](int bits, uint32_t seed) {
    std::mt19937_64 rng(seed);
    const int64_t h = int64_t{1} << bits;
    std::vector<int64_t> v(n * n);
    for (auto& x : v) x = static_cast<int64_t>(rng() % (2 * static_cast<uint64_t>(h))) - h;
    return v;
  };
  std::vector<int64_t> c(n * n);
  const int before = amdahl::detail::SetInt64SliceProducts(-1);
  // The two measured counts, each against the integer kernels.
  auto compare = [&](int products) {
    const int bits = products == 2 ? 30 : 40;
    const std::vector<int64_t> a = values(bits, 1), b = values(bits, 2);
    auto run = [&](int allowed) {
      amdahl::detail::SetInt64SliceProducts(allowed);
      return TimePerCall([&] {
        amdahl::Gemm(amdahl::Trans::kNo, amdahl::Trans::kNo, n, n, n, int64_t{1}, a.data(), n,
                     b.data(), n, int64_t{0}, c.data(), n);
      }, 1, 2e-3);
    };
    return CompareWithBaseline([&] { return run(products); }, [&] { return run(0); }, 4);
  };
  const Comparison two = compare(2), four = compare(4);
  amdahl::detail::SetInt64SliceProducts(before);
  int best = 0;
  if (two.tuned_wins) best = 2;
  if (two.tuned_wins && (two.tuned + four.tuned) / 2 < 0.95 * four.baseline) best = 3;
  if (four.tuned_wins) best = 4;
  if (four.tuned_wins && four.tuned * 9 / 4 < 0.95 * four.baseline) best = 9;
  wisdom_.int64_slice_products = best;
  if (!Quiet()) {
    std::printf("\n  gemm/i64 %zu^3 past double's range: integer kernels %.2f ms; 2 slice "
                "products %.2f ms, 4 %.2f ms -> slice into at most %d\n",
                n, 1e3 * two.baseline, 1e3 * two.tuned, 1e3 * four.tuned, best);
  }
}

void Tuner::TuneInt16Pairs() {
  if (options_.effort == Effort::kEstimate || !Wants(Kernel::kGemm) ||
      (!Wants(DType::kI32) && !Wants(DType::kI64))) {
    return;
  }
  if (SecondsLeft() < 1) return;
  Progress("gemm int16 pairs", 0, 1);
  // The notebook's values (randint(0, 10)) at 384^3, which the float path
  // takes whole in f32: the pairs against it, alternately, for each type.
  constexpr size_t n = 384;
  auto compare = [&](auto type_tag) {
    using I = decltype(type_tag);
    std::mt19937_64 rng(7);
    std::vector<I> a(n * n), b(n * n), c(n * n);
    for (auto& x : a) x = static_cast<I>(rng() % 10);
    for (auto& x : b) x = static_cast<I>(rng() % 10);
    auto run = [&](int pairs) {
      amdahl::detail::SetIntegerGemmOnPairs(pairs);
      return TimePerCall([&] {
        amdahl::Gemm(amdahl::Trans::kNo, amdahl::Trans::kNo, n, n, n, I{1}, a.data(), n,
                     b.data(), n, I{0}, c.data(), n);
      }, 1, 2e-3);
    };
    return CompareWithBaseline([&] { return run(1); }, [&] { return run(0); }, 4);
  };
  const int before = amdahl::detail::SetIntegerGemmOnPairs(-1);
  const Comparison i32 = compare(int32_t{}), i64 = compare(int64_t{});
  amdahl::detail::SetIntegerGemmOnPairs(before);
  // One setting for both types (one kernel): kept only when both win.
  wisdom_.int16_pairs = i32.tuned_wins && i64.tuned_wins ? 1 : 0;
  if (!Quiet()) {
    std::printf("\n  gemm %zu^3 within int16: i32 float path %.3f ms, int16 pairs %.3f ms; "
                "i64 %.3f ms, %.3f ms -> %s\n",
                n, 1e3 * i32.baseline, 1e3 * i32.tuned, 1e3 * i64.baseline, 1e3 * i64.tuned,
                wisdom_.int16_pairs == 1 ? "int16 pairs" : "float path");
  }
}

}  // namespace amdahl_tune
