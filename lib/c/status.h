// What the C fronts (libamdahl_c, libamdahl_mpi) return: a status for what a
// call threw, and the message kept for the caller's thread.
#ifndef AMDAHL_LIB_C_STATUS_H_
#define AMDAHL_LIB_C_STATUS_H_

#include <new>
#include <stdexcept>
#include <string>

#include "amdahl/amdahl_c.h"

namespace amdahl {

// Runs f; returns AMDAHL_OK and clears *message, or the status of what f
// threw (amdahl::Error and other std::invalid_argument: invalid argument)
// with its text in *message.
template <class F>
amdahl_status StatusOf(std::string* message, const F& f) {
  try {
    f();
    message->clear();
    return AMDAHL_OK;
  } catch (const std::invalid_argument& e) {
    *message = e.what();
    return AMDAHL_INVALID_ARGUMENT;
  } catch (const std::bad_alloc&) {
    *message = "out of memory";
    return AMDAHL_OUT_OF_MEMORY;
  } catch (const std::exception& e) {
    *message = e.what();
    return AMDAHL_RUNTIME_ERROR;
  } catch (...) {
    *message = "unknown exception";
    return AMDAHL_INTERNAL_ERROR;
  }
}

}  // namespace amdahl

#endif  // AMDAHL_LIB_C_STATUS_H_
