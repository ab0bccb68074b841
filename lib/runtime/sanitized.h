// AMDAHL_SANITIZED: 1 in an AddressSanitizer or ThreadSanitizer build (GCC
// says so with __SANITIZE_*__, Clang with __has_feature; Highway 1.0.3's
// HWY_IS_ASAN/HWY_IS_TSAN see only Clang's), else 0.
#ifndef AMDAHL_RUNTIME_SANITIZED_H_
#define AMDAHL_RUNTIME_SANITIZED_H_

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define AMDAHL_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define AMDAHL_SANITIZED 1
#endif
#endif
#ifndef AMDAHL_SANITIZED
#define AMDAHL_SANITIZED 0
#endif

#endif  // AMDAHL_RUNTIME_SANITIZED_H_
