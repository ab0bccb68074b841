#include "autotune/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

namespace amdahl_tune {
namespace {

std::string Fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", digits, v);
  return buf;
}

nlohmann::json CurveJson(const Curve& c) {
  return {{"kernel", c.name}, {"speedup", c.speedup}, {"rate", c.rate}, {"unit", c.unit},
          {"serial_fraction", c.fit.serial_fraction},
          {"ceiling", std::isinf(c.fit.ceiling) ? -1.0 : c.fit.ceiling},
          {"karp_flatt", c.fit.karp_flatt}, {"roof_core", c.roof_core},
          {"roof_memory", c.roof_memory}, {"roofline_rate", c.roofline_rate},
          {"roofline_speedup", c.roofline_speedup}, {"bandwidth_bound", c.bandwidth_bound}};
}

}  // namespace

std::string FormatTable(const std::vector<Row>& rows) {
  std::ostringstream out;
  out << "(tile kc/nc: the GEMM register tile (rows x vectors) and blocks searched; mc and"
         " the loops' grain are the analytical"
         " defaults; \"(defaults)\": the best found did not beat the defaults beyond the"
         " noise, timed against them, so the defaults stay)\n";
  char line[256];
  std::snprintf(line, sizeof(line), "%-6s %-5s %10s %7s %-20s %12s %8s %8s %10s\n", "kernel",
                "dtype", "size", "threads", "tile kc/nc", "rate", "% peak", "speedup", "cutoff");
  out << line;
  for (const Row& r : rows) {
    const std::string rate = Fixed(r.rate, 1) + " " + r.unit;
    const std::string cutoff = r.kernel == "gemm" ? "-" : std::to_string(r.serial_cutoff);
    const std::string peak =
        r.peak_fraction > 0 ? Fixed(100 * r.peak_fraction, 0) + "%" : std::string("-");
    std::snprintf(line, sizeof(line), "%-6s %-5s %10zu %7zu %-20s %12s %8s %7.2fx %10s\n",
                  r.kernel.c_str(), r.dtype.c_str(), r.size, r.threads, r.blocks.c_str(),
                  rate.c_str(), peak.c_str(), r.speedup, cutoff.c_str());
    out << line;
  }
  return out.str();
}

std::string FormatAmdahl(const std::vector<Curve>& curves, const amdahl::HostWisdom& w) {
  std::ostringstream out;
  out << "Speedup against threads (Amdahl: 1/S = f + (1 - f)/p, f fitted by least squares):\n";
  for (const Curve& c : curves) {
    out << "  " << c.name << ": S =";
    for (size_t p = 0; p < c.speedup.size(); ++p) out << " " << Fixed(c.speedup[p], 2);
    out << "  f = " << Fixed(c.fit.serial_fraction, 3);
    out << "  ceiling " << (std::isinf(c.fit.ceiling) ? std::string("unbounded") : Fixed(c.fit.ceiling, 1) + "x");
    if (!c.fit.karp_flatt.empty()) {
      out << "  Karp-Flatt";
      for (double e : c.fit.karp_flatt) out << " " << Fixed(e, 3);
    }
    out << "  (" << Fixed(c.rate_all, 1) << " " << c.unit << " on all threads)";
    if (c.speedup.size() <= 2) {
      out << "\n      rough: a fit through " << c.speedup.size()
          << " points (1 and " << c.speedup.size() << " threads) has no check of its own";
    }
    if (c.bandwidth_bound) {
      out << "\n      limited by memory bandwidth (roofline: " << Fixed(w.memory_gbps, 1)
          << " GB/s measured), not by serial code: more cores add no bandwidth";
    } else if (c.roofline_speedup > 0) {
      out << "\n      the roofline (" << Fixed(c.roofline_rate, 1) << " " << c.unit << ": "
          << (std::string(c.unit) == "GB/s" ? "memory bandwidth" : "FMA peak of all cores")
          << ") caps its speedup at " << Fixed(c.roofline_speedup, 1) << "x";
    }
    out << "\n";
  }
  return out.str();
}

std::string FormatWisdom(const amdahl::HostWisdom& w) {
  std::ostringstream out;
  out << "host: " << w.host.cpu_model << ", " << w.host.target << ", " << w.host.usable_cores
      << " cores, measured " << w.date << " by amdahl " << w.library_version << "\n";
  out << "ceilings: FMA f32 " << Fixed(w.peak_f32_gflops_core, 1) << " GFLOPS/core, f64 "
      << Fixed(w.peak_f64_gflops_core, 1) << "; memory " << Fixed(w.memory_gbps, 1)
      << " GB/s; fork-join " << Fixed(w.forkjoin_ns, 0) << " ns\n";
  if (w.int64_slice_products >= 0) {
    out << "  gemm/i64 past double's exact range: "
        << (w.int64_slice_products == 0
                ? std::string("the integer kernels (slicing does not pay here)")
                : "sliced into at most " + std::to_string(w.int64_slice_products) +
                      " float products")
        << "\n";
  }
  if (w.int16_pairs >= 0) {
    out << "  gemm/i32, i64 within int16: "
        << (w.int16_pairs == 1 ? "int16 pairs (faster than the float path here)"
                               : "the float path (int16 pairs do not pay here)")
        << "\n";
  }
  for (const amdahl::LoopWisdom& l : w.loops) {
    out << "  " << amdahl::KernelName(l.kernel) << "/" << amdahl::DTypeName(l.dtype)
        << " n in [2^" << l.bucket << ", 2^" << l.bucket + 1 << "): threads "
        << l.config.threads << ", serial below " << l.config.serial_cutoff << ", grain "
        << l.config.grain << (l.gbps > 0 ? ", " + Fixed(l.gbps, 1) + " GB/s" : "") << "\n";
  }
  for (const amdahl::GemmWisdom& g : w.gemm) {
    out << "  gemm/" << amdahl::DTypeName(g.dtype) << " size ~2^" << g.bucket << ": threads "
        << g.config.threads << ", mr x nr " << g.config.mr << " x " << g.config.nr
        << ", mc/kc/nc " << g.config.mc << "/" << g.config.kc << "/" << g.config.nc << ", "
        << Fixed(g.gflops, 1) << " GFLOPS\n";
  }
  return out.str();
}

std::string SummaryJson(const amdahl::HostWisdom& w, const std::vector<Row>& rows,
                        const std::vector<Curve>& curves, const std::string& path) {
  nlohmann::json j;
  j["wisdom"] = path;
  j["host"] = {{"cpu_model", w.host.cpu_model}, {"target", w.host.target},
               {"usable_cores", w.host.usable_cores}};
  j["ceilings"] = {{"peak_f32_gflops_core", w.peak_f32_gflops_core},
                   {"peak_f64_gflops_core", w.peak_f64_gflops_core},
                   {"memory_gbps", w.memory_gbps},
                   {"forkjoin_ns", w.forkjoin_ns}};
  j["results"] = nlohmann::json::array();
  for (const Row& r : rows) {
    j["results"].push_back({{"kernel", r.kernel}, {"dtype", r.dtype}, {"size", r.size},
                            {"threads", r.threads}, {"blocks", r.blocks}, {"rate", r.rate},
                            {"unit", r.unit}, {"peak_fraction", r.peak_fraction},
                            {"speedup", r.speedup}, {"serial_cutoff", r.serial_cutoff}});
  }
  j["amdahl"] = nlohmann::json::array();
  for (const Curve& c : curves) j["amdahl"].push_back(CurveJson(c));
  return j.dump(2) + "\n";
}

std::string SpeedupJson(const Curve& c, const Ceilings& ceilings,
                        const std::string& ceilings_from) {
  nlohmann::json j = CurveJson(c);
  std::vector<size_t> threads;
  for (size_t p = 1; p <= c.speedup.size(); ++p) threads.push_back(p);
  j["threads"] = threads;
  j["ceilings"] = {{"peak_gflops_core", ceilings.peak_gflops_core},
                   {"memory_gbps", ceilings.memory_gbps}};
  j["ceilings_from"] = ceilings_from;
  return j.dump();
}

std::string SpeedupSvg(const std::vector<Curve>& curves) {
  const double w = 720, h = 440, left = 60, right = 250, top = 40, bottom = 50;
  // Measured points up to P threads; the fitted curves go on to 16 (or 2P)
  // so that the ceiling each one approaches is visible.
  size_t measured = 1;
  for (const Curve& c : curves) measured = std::max(measured, c.speedup.size());
  const double pmax = static_cast<double>(std::max<size_t>(16, 2 * measured));
  double smax = 2;
  for (const Curve& c : curves) {
    for (double s : c.speedup) smax = std::max(smax, s);
    double end = AmdahlSpeedup(c.fit.serial_fraction, pmax);
    if (c.RooflineSpeedup(pmax) > 0) end = std::min(end, c.RooflineSpeedup(pmax));
    smax = std::max(smax, end);
  }
  smax = std::ceil(smax * 1.1);
  auto x = [&](double p) { return left + (p - 1) / (pmax - 1) * (w - left - right); };
  auto y = [&](double s) { return h - bottom - (std::min(s, smax) / smax) * (h - top - bottom); };
  const char* colors[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"};
  std::ostringstream out;
  out << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << w << "\" height=\"" << h
      << "\" font-family=\"sans-serif\" font-size=\"12\">\n"
      << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      << "<text x=\"" << left << "\" y=\"24\" font-size=\"15\">Speedup against threads: "
         "measured (dots), Amdahl fit (lines), ideal (dashed)</text>\n";
  out << "<line x1=\"" << left << "\" y1=\"" << y(0) << "\" x2=\"" << x(pmax) << "\" y2=\""
      << y(0) << "\" stroke=\"black\"/>\n<line x1=\"" << left << "\" y1=\"" << y(0)
      << "\" x2=\"" << left << "\" y2=\"" << y(smax) << "\" stroke=\"black\"/>\n";
  const int pstep = pmax > 16 ? 4 : 2;
  for (int p = 1; p <= static_cast<int>(pmax); p += (p == 1 ? pstep - 1 : pstep)) {
    out << "<text x=\"" << x(p) - 4 << "\" y=\"" << y(0) + 16 << "\">" << p << "</text>\n";
  }
  const int sstep = smax > 10 ? 2 : 1;
  for (int s = 0; s <= static_cast<int>(smax); s += sstep) {
    out << "<text x=\"" << left - 24 << "\" y=\"" << y(s) + 4 << "\">" << s << "</text>\n";
  }
  out << "<line x1=\"" << x(static_cast<double>(measured)) << "\" y1=\"" << y(0) << "\" x2=\""
      << x(static_cast<double>(measured)) << "\" y2=\"" << y(smax)
      << "\" stroke=\"#bbb\"/>\n<text x=\"" << x(static_cast<double>(measured)) + 4 << "\" y=\""
      << y(smax) + 12 << "\" font-size=\"11\" fill=\"#777\">cores here</text>\n";
  out << "<text x=\"" << (left + w - right) / 2 - 20 << "\" y=\"" << h - 12
      << "\">threads p</text>\n<text x=\"12\" y=\"" << top + 10 << "\">S(p)</text>\n";
  out << "<line x1=\"" << x(1) << "\" y1=\"" << y(1) << "\" x2=\"" << x(std::min(pmax, smax))
      << "\" y2=\"" << y(std::min(pmax, smax)) << "\" stroke=\"gray\" stroke-dasharray=\"4 4\"/>\n";
  for (size_t i = 0; i < curves.size(); ++i) {
    const Curve& c = curves[i];
    const char* color = colors[i % 6];
    out << "<polyline fill=\"none\" stroke=\"" << color << "\" points=\"";
    for (int k = 0; k <= 60; ++k) {
      const double p = 1 + (pmax - 1) * k / 60.0;
      double s = AmdahlSpeedup(c.fit.serial_fraction, p);
      // A kernel flattens at the roofline (memory bandwidth, the cores' FMA
      // peak), whatever f says.
      if (c.RooflineSpeedup(p) > 0) s = std::min(s, c.RooflineSpeedup(p));
      out << x(p) << "," << y(s) << " ";
    }
    out << "\"/>\n";
    for (size_t p = 0; p < c.speedup.size(); ++p) {
      out << "<circle cx=\"" << x(static_cast<double>(p + 1)) << "\" cy=\"" << y(c.speedup[p])
          << "\" r=\"4\" fill=\"" << color << "\"/>\n";
    }
    const double ly = top + 20 + 36 * static_cast<double>(i);
    const std::string ceiling =
        std::isinf(c.fit.ceiling) ? std::string("none") : Fixed(c.fit.ceiling, 1) + "x";
    out << "<rect x=\"" << w - right + 14 << "\" y=\"" << ly - 9
        << "\" width=\"10\" height=\"10\" fill=\"" << color << "\"/>\n<text x=\""
        << w - right + 30 << "\" y=\"" << ly << "\">" << c.name << "</text>\n<text x=\""
        << w - right + 30 << "\" y=\"" << ly + 14 << "\" font-size=\"11\">f = "
        << Fixed(c.fit.serial_fraction, 3) << ", ceiling " << ceiling
        << (c.roofline_speedup > 0 ? ", roofline " + Fixed(c.roofline_speedup, 1) + "x" : "")
        << "</text>\n";
  }
  out << "</svg>\n";
  return out.str();
}

}  // namespace amdahl_tune
