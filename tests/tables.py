"""Tables for programs, read as programs read them: Python's csv and json modules on
`validate --table`, `run --table` (arms with a cohort, a sweep) and `info --json`.

Usage: tables.py DISCSIM SOURCE_DIR
"""
import csv
import io
import json
import os
import subprocess
import sys
import tempfile

discsim, src = sys.argv[1], sys.argv[2]
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)


def out(*args):
    r = subprocess.run([discsim, *args], check=True, capture_output=True, text=True, cwd=src)
    return r.stdout


# validate: 15 published targets, every one a row with numbers where numbers belong
rows = list(csv.DictReader(io.StringIO(out("validate", "--table", "csv"), newline="")))
check(len(rows) == 15, f"validate csv: {len(rows)} rows")
check(all(float(r["low"]) <= float(r["model"]) <= float(r["high"]) for r in rows if r["pass"] == "1"),
      "validate csv: a passing model value outside its range")
v = json.loads(out("validate", "--table", "json"))
check([r["id"] for r in v["validation"]] == [r["id"] for r in rows], "validate json: other rows than csv")
check(all(isinstance(r["model"], float) for r in v["validation"]), "validate json: model values not numbers")

with tempfile.TemporaryDirectory() as tmp:
    h5 = os.path.join(tmp, "c.h5")
    doc = json.loads(out("run", "scenarios/massage_cohort.yaml", "-o", h5, "--record", "summary", "--set", "cohort.n=8",
                         "--table", "json"))
    check(set(doc) >= {"arms", "cohort_effects", "cohort_correlations"}, f"run json: tables {sorted(doc)}")
    arms = {r["metric"]: r for r in doc.get("arms", [])}
    m = arms.get("mean_contact_pressure", {})
    check(m.get("subjects") == 8 and abs(m["massage"] - m["control"] - m["massage-control"]) < 1e-9 * abs(m["control"]),
          f"run json: arms row {m}")
    eff = [r for r in doc.get("cohort_effects", []) if r["arm"] == "massage" and r["metric"] == "mean_contact_pressure"]
    check(len(eff) == 1 and eff[0]["n"] == 8 and eff[0]["ci95_low"] <= eff[0]["mean"] <= eff[0]["ci95_high"],
          f"run json: effect row {eff}")
    # the same as CSV: several tables, each under "# name"
    text = out("run", "scenarios/massage_cohort.yaml", "-o", h5, "--record", "summary", "--set", "cohort.n=8",
               "--table", "csv")
    parts = {}
    for block in text.replace("\r\n", "\n").strip().split("\n\n"):
        name, _, body = block.partition("\n")
        parts[name.lstrip("# ")] = list(csv.DictReader(io.StringIO(body)))
    check(set(parts) == set(doc), f"run csv: tables {sorted(parts)} against json {sorted(doc)}")
    check(len(parts.get("cohort_effects", [])) == len(doc.get("cohort_effects", [])), "run csv: effect rows")

    info = json.loads(out("info", h5, "/cohort", "--json"))
    check(info["file"][0]["study"] == "arms" and all(d["path"].startswith("/cohort/") for d in info["datasets"]),
          "info json: file or datasets")
    check((info["file"][0]["cohort"] or "").startswith("8 subjects, "), f"info json: cohort {info['file'][0]['cohort']}")
    sweep = list(csv.DictReader(io.StringIO(out("run", "scenarios/tone_sweep.yaml", "-o", h5, "--table", "csv"),
                                            newline="")))
    check(len(sweep) == 12 and float(sweep[4]["herniation.size (mm)"]) == 4.0, f"sweep csv: {sweep[:1]}")

if failures:
    print("tables: FAILED", *failures, sep="\n  ")
    sys.exit(1)
print("tables: ok")
