"""What more threads buy: a kernel's measured speedup against threads, the
Amdahl fit (the serial fraction f and the ceiling 1/f), the Karp-Flatt
metric and the roofline, drawn by plot() with matplotlib."""
import json

from . import _amdahl


class Speedup:
    """amdahl.speedup(kernel, dtype, n): measured at 1..P threads.

    threads, speedup, rate (GFLOPS or GB/s: unit) per thread count;
    serial_fraction, ceiling (1/f; None when f is 0); karp_flatt (from 2
    threads: a serial fraction that grows with p means overhead, not serial
    code); roofline_speedup(p): the speedup the machine's FMA peak and memory
    bandwidth allow at p threads (None when not known); ceilings and
    ceilings_from ("wisdom" or "measured")."""

    def __init__(self, data):
        self.data = data
        self.name = data["kernel"]
        self.threads = list(data["threads"])
        self.speedup = list(data["speedup"])
        self.rate = list(data["rate"])
        self.unit = data["unit"]
        self.serial_fraction = data["serial_fraction"]
        self.ceiling = None if data["ceiling"] < 0 else data["ceiling"]
        self.karp_flatt = list(data["karp_flatt"])
        self.bandwidth_bound = data["bandwidth_bound"]
        self.ceilings = data["ceilings"]
        self.ceilings_from = data["ceilings_from"]

    def amdahl(self, p):
        """The fitted Amdahl speedup at p threads: 1 / (f + (1 - f) / p)."""
        f = self.serial_fraction
        return 1.0 / (f + (1.0 - f) / p)

    def roofline_speedup(self, p):
        roof = p * self.data["roof_core"] if self.data["roof_core"] > 0 else None
        memory = self.data["roof_memory"]
        if memory > 0:
            roof = memory if roof is None else min(roof, memory)
        return None if roof is None or not self.rate or self.rate[0] <= 0 else roof / self.rate[0]

    def __repr__(self):
        points = ", ".join(f"{s:.2f}" for s in self.speedup)
        ceiling = "none" if self.ceiling is None else f"{self.ceiling:.1f}x"
        roof = self.roofline_speedup(len(self.speedup))
        return (f"Speedup({self.name}: S = [{points}] at 1..{len(self.speedup)} threads, "
                f"f = {self.serial_fraction:.3f}, ceiling {ceiling}"
                + (f", roofline {roof:.1f}x" if roof else "") + ")")

    def plot(self, ax=None, max_threads=None, path=None, xlabel="threads p"):
        """Draws measured points, the Amdahl fit to max_threads (default 16 or
        twice the measured range), its ceiling, the roofline and the ideal
        line; Karp-Flatt in a second panel when there is an axis to spare.
        Saves to `path` when given. Returns the axes."""
        import matplotlib
        if ax is None and path is not None:
            matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt
        measured = len(self.speedup)
        pmax = max_threads or max(16, 2 * measured)
        ps = [1 + (pmax - 1) * i / 120 for i in range(121)]
        if ax is None:
            fig, (ax, kf) = plt.subplots(1, 2, figsize=(11, 4.2),
                                         gridspec_kw={"width_ratios": [3, 2]})
        else:
            fig, kf = ax.figure, None
        ax.plot(ps, ps, ls="--", color="gray", lw=1, label="ideal (S = p)")
        fit = [self.amdahl(p) for p in ps]
        roof = [self.roofline_speedup(p) for p in ps]
        if all(r is not None for r in roof):
            ax.plot(ps, roof, color="tab:orange", lw=1.5,
                    label=f"roofline ({self.unit}: FMA peak, memory bandwidth)")
            fit = [min(s, r) for s, r in zip(fit, roof)]
        ax.plot(ps, fit, color="tab:blue", lw=2,
                label=f"Amdahl fit, f = {self.serial_fraction:.3f}")
        if self.ceiling is not None and self.ceiling < 4 * pmax:
            ax.axhline(self.ceiling, color="tab:blue", ls=":", lw=1,
                       label=f"Amdahl ceiling 1/f = {self.ceiling:.1f}x")
        ax.plot(self.threads, self.speedup, "o", color="black", label="measured")
        ax.axvline(measured, color="#bbb", lw=1)
        ax.set_xlim(1, pmax)
        ax.set_ylim(0, max(2.0, min(pmax, max(max(fit), max(self.speedup)) * 1.25)))
        ax.set_xlabel(xlabel)
        ax.set_ylabel("speedup S(p)")
        ax.set_title(f"{self.name}: {self.rate[-1]:.1f} {self.unit} at p = {measured}")
        ax.legend(loc="upper left", fontsize=8)
        if kf is not None:
            if self.karp_flatt:
                kf.plot(self.threads[1:], self.karp_flatt, "o-", color="tab:red")
            kf.set_xlabel(xlabel)
            kf.set_ylabel("Karp-Flatt e(p)")
            kf.set_title("experimental serial fraction")
            kf.set_xlim(1.5, measured + 0.5)
            kf.set_xticks(self.threads[1:])
            kf.axhline(0, color="gray", lw=0.8)
            fig.tight_layout()
        if path is not None:
            fig.savefig(path)
        return ax


def measure(kernel, dtype, n, max_threads=None):
    return Speedup(json.loads(_amdahl._speedup(kernel, dtype, int(n), int(max_threads or 0))))
