// Warnings on stderr, each printed once per process, silenced by AMDAHL_QUIET=1.
#ifndef AMDAHL_LIB_LOG_H_
#define AMDAHL_LIB_LOG_H_

#include <string>

namespace amdahl {

// Prints "amdahl: warning: <message>" once per distinct message.
void WarnOnce(const std::string& message);

}  // namespace amdahl

#endif  // AMDAHL_LIB_LOG_H_
