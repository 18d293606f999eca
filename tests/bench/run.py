#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""`make bench`: deterministic instruction counts of Keel's exit and switch
paths, measured inside guests, on both vendors.

QEMU runs with -icount shift=S,sleep=off: the guest's clock advances 2^S ns
per instruction, so TSC ticks convert to instructions through the TSC rate
the hypervisor calibrated on that same clock. Bochs's TSC counts one tick
per instruction. Both runs use one CPU so no other CPU's instructions are
counted. Writes build/bench/results.json and prints a Markdown table.

Numbers are instructions, not cycles: path lengths for comparing versions.
"""

import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))
import harness  # noqa: E402

ICOUNT_SHIFT = 7
CONFIG = """\
cmdline loglevel=info
module pingpong /keel/guests/pingpong.elf
vm ping image=pingpong cpu=0 args="count={count}"
vm pong image=pingpong cpu=0 args="count={count}"
"""
COUNT = {"amd": 2000, "intel": 500}


def measure(vendor, workdir):
    build = harness.build_dir()
    esp = harness.make_esp(workdir / f"esp-{vendor}",
                           CONFIG.format(count=COUNT[vendor]),
                           guests=[build / "guests" / "pingpong.elf"])
    extra = (["-icount", f"shift={ICOUNT_SHIFT},sleep=off"]
             if vendor == "amd" else [])
    with harness.Machine(vendor, esp, smp=1, timeout=900, extra_args=extra,
                         logfile=workdir / f"serial-{vendor}.log") as m:
        m.expect_line(r"keel: all guests have stopped")
        log = m.log
    tsc_mhz = int(re.search(r"^keel: TSC: (\d+) MHz", log, re.M).group(1))
    if vendor == "amd":
        # instructions per second of guest clock / TSC ticks per second
        per_tick = (1e9 / 2 ** ICOUNT_SHIFT) / (tsc_mhz * 1e6)
    else:
        per_tick = 1.0
    values = {}
    for name in ("hypercall_null", "exit_cpuid", "yield"):
        ticks = [int(x) for x in re.findall(
            rf"^\[p[io]ng\] pingpong: {name} (\d+)$", log, re.M)]
        if not ticks:
            raise SystemExit(f"{vendor}: no {name} result in the log")
        values[name] = round(min(ticks) * per_tick)
    # a yield round trip is 2 hypercall exits and 2 vCPU switches
    values["vcpu_switch"] = round((values["yield"] -
                                   2 * values["hypercall_null"]) / 2)
    del values["yield"]
    return values, tsc_mhz


def main():
    out = harness.build_dir() / "bench"
    out.mkdir(parents=True, exist_ok=True)
    results = {}
    for vendor, section in (("amd", "svm"), ("intel", "vmx")):
        results[section], _ = measure(vendor, out)
    text = (harness.build_dir() / "keel.elf")
    results["text_bytes"] = _text_bytes(text)
    (out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    metrics = [k for k in results["svm"]]
    print("| metric (instructions) | SVM (QEMU icount) | VMX (Bochs) |")
    print("|---|---|---|")
    for k in metrics:
        print(f"| `{k}` | {results['svm'][k]} | {results['vmx'][k]} |")
    print(f"| `text_bytes` | {results['text_bytes']} | |")
    print(f"\nwritten: {out / 'results.json'}")


def _text_bytes(elf):
    import subprocess
    size = subprocess.run(["size", "-A", str(elf)], capture_output=True,
                          text=True, check=True).stdout
    return int(re.search(r"^\.text\s+(\d+)", size, re.M).group(1))


if __name__ == "__main__":
    main()
