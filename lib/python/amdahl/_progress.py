"""The tuner's progress as a bar that redraws in place on a terminal and in
a Jupyter notebook (whose output honours a carriage return), and as one
line per phase where output goes to a file or a pipe."""
import sys
import time


def _interactive(stream):
    if "ipykernel" in sys.modules:
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class ProgressBar:
    """Called as progress(what, done, total, seconds_left); the bar fills with
    the time spent of the budget (the tuner works to its budget), the label
    says what is being measured."""

    def __init__(self, budget, stream=None, width=28):
        self.budget = float(budget)
        self.stream = stream if stream is not None else sys.stderr
        self.width = width
        self.start = time.monotonic()
        self.interactive = _interactive(self.stream)
        self.last_what = None

    def __call__(self, what, done, total, seconds_left):
        if self.interactive:
            spent = min(1.0, max(0.0, 1.0 - seconds_left / self.budget)) if self.budget else 1.0
            filled = int(round(self.width * spent))
            bar = "#" * filled + "." * (self.width - filled)
            self.stream.write(f"\r  tune [{bar}] {spent:4.0%}  {what} ({done}/{total})"
                              f"  ~{seconds_left:.0f} s left   ")
            self.stream.flush()
        elif what != self.last_what:
            self.stream.write(f"  tune: {what}, {seconds_left:.0f} s of budget left\n")
            self.stream.flush()
        self.last_what = what

    def close(self):
        if self.interactive:
            self.stream.write(f"\r  tune done in {time.monotonic() - self.start:.1f} s"
                              + " " * (self.width + 40) + "\n")
            self.stream.flush()
