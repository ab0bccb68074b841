"""config(), tune() and speedup() from Python: the tuner in process into a
temporary wisdom file, its table, its progress and Ctrl-C, the Amdahl plot."""
import json
import os

import numpy as np
import pytest

import amdahl


@pytest.fixture
def wisdom(tmp_path):
    """A temporary wisdom file for the test; the environment's choice after."""
    path = tmp_path / "wisdom.json"
    yield path
    amdahl.set_wisdom_path("")


def test_config_says_what_a_call_runs_with_and_where_it_came_from(wisdom):
    assert amdahl.set_wisdom_path(wisdom) is False
    c = amdahl.config("gemm", np.float32, 512)
    assert c["shape"] == [512, 512, 512] and c["source"] == "defaults"
    assert c["wisdom"] == str(wisdom) and c["wisdom_found"] is False
    assert c["nr"] % c["lanes"] == 0 and c["mc"] % c["mr"] == 0
    assert 1 <= c["threads"] <= amdahl.num_threads()
    d = amdahl.config("dot", "f64", 1 << 20)
    assert d["kernel"] == "dot" and d["dtype"] == "f64" and d["grain"] % 64 == 0
    assert amdahl.config("gemv", "int64", (300, 200))["shape"] == [300, 200]
    with amdahl.threads(1):
        assert amdahl.config("scale", "f32", 1 << 24)["threads"] == 1


def test_config_bad_input_names_the_argument():
    with pytest.raises(ValueError, match="kernel = 'gemmm'"):
        amdahl.config("gemmm", "f32", 8)
    with pytest.raises(TypeError, match="dtype"):
        amdahl.config("gemm", np.complex64, 8)
    with pytest.raises(ValueError, match="ndim = 2 but gemm takes a shape of 3"):
        amdahl.config("gemm", "f32", (8, 8))


def test_tune_into_a_temporary_file_returns_the_table(wisdom):
    calls = []
    result = amdahl.tune(budget=4, kernels=["scale", "gemm"], dtypes="f32", wisdom=wisdom,
                         progress=lambda *a: calls.append(a))
    assert isinstance(result, list) and result
    assert {r["kernel"] for r in result} <= {"scale", "gemm"}
    assert all(r["dtype"] == "f32" and r["rate"] > 0 and r["threads"] >= 1 for r in result)
    assert result.wisdom == str(wisdom) and result.ceilings["memory_gbps"] > 0
    # Progress: (what, done, total, seconds left), with the budget counting down.
    assert calls and all(len(c) == 4 and 0 <= c[1] <= c[2] for c in calls)
    assert calls[-1][3] <= calls[0][3] <= 4
    saved = json.loads(wisdom.read_text())
    assert saved["hosts"], saved.keys()
    # The process now runs with what it saved, at the sizes the tune measured;
    # where the tuner's best did not beat the defaults it saved nothing, and
    # the defaults run.
    for row in result:
        c = amdahl.config(row["kernel"], "f32", row["size"])
        assert c["wisdom_found"] is True
        kept_defaults = "(defaults)" in row["blocks"]
        assert c["source"] in (("defaults",) if kept_defaults else ("wisdom", "interpolated")), \
            (row, c)


def test_tune_progress_bar_writes_lines_off_a_terminal(wisdom, capfd):
    amdahl.tune(budget=2, kernels="scale", dtypes="f64", wisdom=wisdom, progress=True)
    err = capfd.readouterr().err
    assert "tune: loops scale/f64" in err


def test_an_exception_in_progress_cancels_and_saves_nothing(wisdom):
    def interrupt(what, done, total, left):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        amdahl.tune(budget=30, kernels="gemm", dtypes="f32", wisdom=wisdom, progress=interrupt)
    assert not wisdom.exists()


def test_tune_bad_input_names_the_argument(wisdom):
    with pytest.raises(ValueError, match="budget_s = -1"):
        amdahl.tune(budget=-1, wisdom=wisdom, progress=False)
    with pytest.raises(ValueError, match="options->kernels names 'gemmm'"):
        amdahl.tune(budget=1, kernels="gemmm", wisdom=wisdom, progress=False)
    with pytest.raises(ValueError, match="effort"):
        amdahl.tune(budget=1, effort="lazy", wisdom=wisdom, progress=False)
    with pytest.raises(TypeError, match="progress"):
        amdahl.tune(budget=1, progress="yes", wisdom=wisdom)
    assert not wisdom.exists()


def test_speedup_fits_amdahl_and_places_the_roofline(tmp_path):
    s = amdahl.speedup("gemm", "f64", 128)
    p = amdahl.num_threads()
    assert s.threads == list(range(1, p + 1)) and len(s.speedup) == p
    assert s.speedup[0] == 1.0 and s.unit == "GFLOPS" and all(r > 0 for r in s.rate)
    assert 0 <= s.serial_fraction <= 1 and len(s.karp_flatt) == p - 1
    assert s.amdahl(1) == pytest.approx(1.0)
    assert s.roofline_speedup(p) > 0 and s.ceilings_from in ("wisdom", "measured")
    assert amdahl.num_threads() == p  # restored
    ax = s.plot(path=tmp_path / "speedup.png")
    assert ax.get_xlabel() == "threads p"
    assert os.path.getsize(tmp_path / "speedup.png") > 1000
    d = amdahl.speedup("dot", np.float32, 1 << 16, max_threads=1)
    assert d.unit == "GB/s" and d.threads == [1] and d.karp_flatt == []


def test_speedup_bad_input():
    with pytest.raises(ValueError, match="n = 0"):
        amdahl.speedup("dot", "f32", 0)
    with pytest.raises(ValueError, match="kernel = 'dott'"):
        amdahl.speedup("dott", "f32", 10)
