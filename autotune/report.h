// amdahl-tune's output: the table, the JSON summary, the Amdahl/roofline
// report and its SVG plot.
#ifndef AMDAHL_AUTOTUNE_REPORT_H_
#define AMDAHL_AUTOTUNE_REPORT_H_

#include <string>
#include <vector>

#include "amdahl/wisdom.h"
#include "autotune/tuner.h"

namespace amdahl_tune {

std::string FormatTable(const std::vector<Row>& rows);
std::string FormatAmdahl(const std::vector<Curve>& curves, const amdahl::HostWisdom& w);
std::string FormatWisdom(const amdahl::HostWisdom& w);
std::string SummaryJson(const amdahl::HostWisdom& w, const std::vector<Row>& rows,
                        const std::vector<Curve>& curves, const std::string& path);

// One curve (amdahl_speedup's answer) with the thread counts and the
// ceilings its roofline used.
std::string SpeedupJson(const Curve& c, const Ceilings& ceilings,
                        const std::string& ceilings_from);

// Speedup against threads, measured points and fitted curves, one colour per
// kernel, with the ideal line: a person sees where each one flattens.
std::string SpeedupSvg(const std::vector<Curve>& curves);

}  // namespace amdahl_tune

#endif  // AMDAHL_AUTOTUNE_REPORT_H_
