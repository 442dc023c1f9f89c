"""The teaching page's core gives the command line's numbers: for several settings,
page_check (web/page_core.c natively, the presets compiled in) runs both arms and writes the
scenario file the page's "copy as scenario" gives; discsim runs that file, and every summary
metric of both arms must be the same double in its HDF5 file.

Usage: web_page_check.py PAGE_CHECK DISCSIM OUT_DIR"""
import json
import os
import subprocess
import sys

import h5py

page_check, discsim, out = sys.argv[1:4]
os.makedirs(out, exist_ok=True)
# preset, paraspinal tone, size mm, gap mm, grade, session minute, claimed
settings = [
    ("office", "0.025", "4", "1.5", "3", "600", "0"),
    ("standing", "0.03", "5", "2.5", "4", "1380", "1"),   # 23:00, the claim
    ("bedrest", "0.01", "3", "0.5", "2", "300", "1"),     # 05:00: the next calendar day
    ("office", "0.02", "0", "3", "1", "420", "0"),        # no contact at all
]
failed = 0
for i, s in enumerate(settings):
    yaml = os.path.join(out, f"page_{i}.yaml")
    h5 = os.path.join(out, f"page_{i}.h5")
    page = json.loads(subprocess.run([page_check, *s, yaml], check=True, capture_output=True, text=True).stdout)
    subprocess.run([discsim, "run", yaml, "-o", h5, "-q"], check=True)
    with h5py.File(h5, "r") as f:
        for name, (control, massage) in page["metrics"].items():
            cli = (f[f"arms/control/summary/{name}"][0], f[f"arms/massage/summary/{name}"][0])
            if (control, massage) != cli:
                failed += 1
                print(f"web_page_check: {s}: {name}: page {control!r}, {massage!r}; command line {cli[0]!r}, {cli[1]!r}")
    if len(page["metrics"]) < 10:
        failed += 1
        print(f"web_page_check: {s}: only {len(page['metrics'])} metrics")
    print(f"{' '.join(s)}: {len(page['metrics'])} metrics of both arms the same; mean contact pressure "
          f"{page['metrics']['mean_contact_pressure'][0]:.6g} -> {page['metrics']['mean_contact_pressure'][1]:.6g} mmHg")
sys.exit(1 if failed else 0)
