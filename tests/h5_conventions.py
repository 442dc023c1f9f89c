"""The output as h5py and xarray (through h5netcdf) read it: named dimensions with their
coordinates on every series and per-subject array, units on every array, lists as string
arrays, the summary window as numbers, and the run's provenance at the root.

Usage: h5_conventions.py DISCSIM SOURCE_DIR   (run by CTest with Debian's python3, python3-h5py,
python3-xarray and python3-h5netcdf)
"""
import os
import re
import subprocess
import sys
import tempfile

import h5py
import xarray

discsim, src = sys.argv[1], sys.argv[2]
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)


def run(scenario, out, *extra):
    cmd = [discsim, "run", os.path.join(src, "scenarios", scenario), "-o", out, "-q", *extra]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def scale_name(dim):
    return dim[0].name if len(dim) else None


def check_streams(f, fname):
    """Every [subject][time] series: dims subject and time, the stream's own axes; units."""
    streams = [p for p in ["", *("/arms/" + a for a in f["arms"])] if p + "/time" in f] if "arms" in f else [""]
    nseries = 0
    for pre in streams:
        time, subj = f[pre + "/time"], f[pre + "/subject"]
        check(time.attrs.get("CLASS") == b"DIMENSION_SCALE", f"{fname}:{pre}/time is not a dimension scale")

        def visit(name, obj):
            nonlocal nseries
            full = pre + "/" + name
            if not isinstance(obj, h5py.Dataset) or obj.ndim != 2 or name.startswith(("meta/", "summary/")):
                return
            nseries += 1
            check([d.label for d in obj.dims] == ["subject", "time"], f"{fname}:{full}: dims {[d.label for d in obj.dims]}")
            check(scale_name(obj.dims[1]) == time.name, f"{fname}:{full}: time axis is {scale_name(obj.dims[1])}")
            check(scale_name(obj.dims[0]) == subj.name, f"{fname}:{full}: subject axis is {scale_name(obj.dims[0])}")
            check(obj.shape == (subj.shape[0], time.shape[0]), f"{fname}:{full}: shape {obj.shape}")
            check(len(obj.attrs.get("units", "")) > 0, f"{fname}:{full}: no units")

        f[pre or "/"].visititems(visit)
    return nseries


def check_per_subject(f, fname, nsubj):
    """Per-subject arrays (summaries, parameters, solver statistics, failures, effects, draws)."""
    count = 0

    def visit(name, obj):
        nonlocal count
        if not isinstance(obj, h5py.Dataset) or obj.ndim != 1 or obj.attrs.get("CLASS") == b"DIMENSION_SCALE":
            return
        if not re.search(r"(^|/)(summary|meta/parameters|meta/solver|meta/failure|cohort/parameters)/", name):
            return
        count += 1
        check(obj.shape == (nsubj,), f"{fname}:{name}: shape {obj.shape}, expected ({nsubj},)")
        check(obj.dims[0].label == "subject", f"{fname}:{name}: dim 0 is '{obj.dims[0].label}', not subject")
        check("units" in obj.attrs or obj.dtype.kind == "O", f"{fname}:{name}: no units")

    f.visititems(visit)
    return count


def check_root(f, fname):
    a = f.attrs
    check(a.get("program") == "discsim", f"{fname}: root attribute program is {a.get('program')!r}")
    check(re.fullmatch(r"\d+\.\d+\.\d+", a.get("program_version", "")), f"{fname}: program_version")
    check(len(a.get("git_commit", "")) > 0, f"{fname}: git_commit")
    check(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", a.get("created", "")), f"{fname}: created {a.get('created')!r}")
    check(" run " in a.get("command_line", ""), f"{fname}: command_line {a.get('command_line')!r}")


with tempfile.TemporaryDirectory() as tmp:
    # a single run with series
    one = os.path.join(tmp, "one.h5")
    run("diurnal_l4l5.yaml", one, "--set", "timeline.repeat=1")
    with h5py.File(one, "r") as f:
        check_root(f, "one")
        check(check_streams(f, "one") >= 6, "one: fewer than 6 series")
        check(check_per_subject(f, "one", 1) > 10, "one: few per-subject arrays")
        posture = f["/meta/timeline/phase_posture"]
        check(posture.ndim == 1 and posture.shape[0] == f["/meta/timeline/phase_span"].shape[0],
              "one: phase_posture is not a list as long as phase_span")
        check(posture.asstr()[0] in ("standing", "lying", "sitting", "sleeping"), f"one: posture {posture.asstr()[0]!r}")
        s = f["/summary"].attrs
        check(float(s["window_to_s"]) == 86400.0 and float(s["window_from_s"]) == 0.0, "one: summary window")
        # the README's example: a series with its units against its time axis
        p = f["/levels/L4L5/pressure"]
        t = p.dims[1][0]
        check(p.attrs["units"] == "MPa" and t.attrs["units"] == "s" and t[-1] == 86400.0, "one: README example")
    # xarray, through h5netcdf: the axes are coordinates at the root and named in the groups
    root = xarray.open_dataset(one, engine="h5netcdf", phony_dims="access")
    check(root.sizes.get("time") == 1441 and float(root["time"][-1]) == 86400.0 and "subject" in root.coords,
          f"one: xarray's coordinates {dict(root.sizes)}")
    level = xarray.open_dataset(one, engine="h5netcdf", group="/levels/L4L5", phony_dims="access")
    check(level["pressure"].dims == ("subject", "time") and level["pressure"].attrs.get("units") == "MPa",
          f"one: xarray's pressure {level['pressure'].dims}")

    # arms of a cohort, with time series
    arms = os.path.join(tmp, "arms.h5")
    run("massage_cohort.yaml", arms, "--set", "cohort.n=8", "--set", "record.interval=1h")
    with h5py.File(arms, "r") as f:
        check_root(f, "arms")
        check(check_streams(f, "arms") > 0, "arms: no series")
        check(check_per_subject(f, "arms", 8) > 30, "arms: few per-subject arrays")
        names = list(f["/meta/arms"].asstr()[:])
        check(names[0] == "control" and len(names) == 3, f"arms: /meta/arms is {names}")
        eff = f[f"/summary/effect/{names[1]}/mean_contact_pressure"]
        check(eff.dims[0].label == "subject" and scale_name(eff.dims[0]) == "/subject", "arms: effect axis")

    # a sweep: its axes are the swept parameters' values
    sweep = os.path.join(tmp, "sweep.h5")
    run("tone_sweep.yaml", sweep)
    with h5py.File(sweep, "r") as f:
        check_root(f, "sweep")
        m = f["/sweep/summary/mean_contact_pressure"]
        check([d.label for d in m.dims] == ["parameters.muscles.erector_spinae.tone", "herniation.size", "subject"],
              f"sweep: dims {[d.label for d in m.dims]}")
        check(scale_name(m.dims[0]) == "/sweep/values_1" and list(m.dims[1][0][:]) == [3.0, 4.0, 5.0],
              "sweep: axis coordinates")

if failures:
    print("h5_conventions: FAILED", *failures, sep="\n  ")
    sys.exit(1)
print("h5_conventions: ok")
