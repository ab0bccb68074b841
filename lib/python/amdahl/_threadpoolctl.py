"""amdahl's pool as threadpoolctl sees it: threadpool_info() lists it
(user_api "amdahl", the file libamdahl_c), threadpool_limits(n) limits it.

threadpoolctl finds pools by scanning the loaded shared libraries for
known file-name prefixes and resolving C symbols; amdahl's C library exports
amdahl_get_num_threads / amdahl_set_num_threads / amdahl_get_version. From
threadpoolctl 3.2 a controller is registered with register(); 3.1 (Debian
12) has no such call, and the controller is added to its table of supported
libraries instead, which depends on 3.1's internals (checked below)."""
import ctypes

_INFO = {
    "user_api": "amdahl",
    "internal_api": "amdahl",
    "filename_prefixes": ("libamdahl_c",),
    "check_symbols": ("amdahl_get_num_threads", "amdahl_set_num_threads",
                      "amdahl_get_version"),
}


def _make_controller_class(threadpoolctl):
    class AmdahlController(threadpoolctl.LibController):
        """amdahl's process-wide fork-join pool."""

        user_api = _INFO["user_api"]
        internal_api = _INFO["internal_api"]
        filename_prefixes = _INFO["filename_prefixes"]
        check_symbols = _INFO["check_symbols"]

        def get_num_threads(self):
            get = self._dynlib.amdahl_get_num_threads
            get.restype = ctypes.c_size_t
            return int(get())

        def set_num_threads(self, num_threads):
            set_ = self._dynlib.amdahl_set_num_threads
            set_.argtypes = [ctypes.c_size_t]
            set_.restype = ctypes.c_int
            return set_(int(num_threads))

        def get_version(self):
            version = self._dynlib.amdahl_get_version
            version.restype = ctypes.c_char_p
            return version().decode()

    return AmdahlController


def register():
    """Makes threadpoolctl (when installed) know amdahl's pool. Returns how:
    "register" (>= 3.2), "table" (3.1's table of supported libraries),
    "already", or None (no threadpoolctl, or one this code does not know)."""
    try:
        import threadpoolctl
    except ImportError:
        return None
    if getattr(threadpoolctl, "AmdahlController", None) is not None:
        return "already"
    controller = _make_controller_class(threadpoolctl)
    threadpoolctl.AmdahlController = controller
    if hasattr(threadpoolctl, "register"):
        threadpoolctl.register(controller)
        return "register"
    table = getattr(threadpoolctl, "_SUPPORTED_LIBRARIES", None)
    apis = getattr(threadpoolctl, "_ALL_USER_APIS", None)
    if not isinstance(table, dict) or not isinstance(apis, list):
        return None
    # 3.1 creates controllers by class name from its module's globals and
    # checks user_api against _ALL_USER_APIS (a list read at each call).
    table["AmdahlController"] = {k: _INFO[k] for k in ("user_api", "internal_api",
                                                        "filename_prefixes")}
    apis.append(_INFO["user_api"])
    for name, value in (("_ALL_INTERNAL_APIS", _INFO["internal_api"]),
                        ("_ALL_PREFIXES", _INFO["filename_prefixes"][0])):
        listed = getattr(threadpoolctl, name, None)
        if isinstance(listed, list):
            listed.append(value)
    return "table"
