// Marks the symbols of the public API: the library is built with hidden
// visibility, so everything else stays internal to libamdahl.
#ifndef AMDAHL_EXPORT_H_
#define AMDAHL_EXPORT_H_

#if defined(_WIN32)
#define AMDAHL_API
#else
#define AMDAHL_API __attribute__((visibility("default")))
#endif

#endif  // AMDAHL_EXPORT_H_
