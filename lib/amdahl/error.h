// The one exception type of amdahl: bad arguments, named in the message.
#ifndef AMDAHL_ERROR_H_
#define AMDAHL_ERROR_H_

#include <stdexcept>
#include <string>

#include "amdahl/export.h"

namespace amdahl {

// Thrown before anything is written when an argument is invalid. what() names
// the function, the argument and its value, e.g.
// "amdahl::Scale: x is null with n = 5".
class AMDAHL_API Error : public std::invalid_argument {
 public:
  explicit Error(const std::string& what);
  ~Error() override;
};

}  // namespace amdahl

#endif  // AMDAHL_ERROR_H_
