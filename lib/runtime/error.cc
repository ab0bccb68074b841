#include "amdahl/error.h"

namespace amdahl {

Error::Error(const std::string& what) : std::invalid_argument(what) {}
Error::~Error() = default;

}  // namespace amdahl
