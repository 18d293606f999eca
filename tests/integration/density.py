#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""make density: hundreds of small VMs on a 2-CPU, 2 GiB machine (issue 14).

Boots the real image under QEMU (SVM) with only the management VM, then
types into the admin shell: `create dN sleeper mem=4M` and `start dN` for
N = 1..200 (the sleeper guest sleeps 100 ms and wakes, forever), reading
`info --json` at 10, 100 and 200 VMs; times `list` with all of them
running; then destroys them, last first. Reports:

- per-VM hypervisor overhead in bytes: the frame pool's free bytes spent
  per VM beyond its 4 MiB of guest memory (the VM's control structure,
  its vCPU's VMCB or VMCS and bitmaps, stage-2 tables, the VM table);
- create (+ start) and destroy cost in ms of wall time, the mean over the
  10 VMs up to 10, 100 and 200 (destroy: the first 10 destroyed from 200,
  from 100 and the last 10), which must not grow with the number of VMs;
- how long `list` takes with 201 VMs.

Writes build/density/results.json and prints a table. Passes if every
VM was created and started, `list` shows them all running and answers
within LIST_MAX_S, and the free memory is back where it started.

    tests/integration/density.py [--vms 200] [--mem 4M] [--out DIR]

--accel tcg-single runs QEMU's CPUs on one host thread (tools/run).
KEEL_DENSITY_QEMU, if set, is split on spaces and passed to QEMU after
tools/run's own arguments (say "-d cpu_reset -D /tmp/q.log").
"""

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402

PROMPT = "keel> "
CONFIG = """\
cmdline loglevel=info
vm mgmt image=mgmt mem=16M role=mgmt
"""
MIB = 1 << 20
CHECKPOINTS = (10, 100, 200)
WINDOW = 10
LIST_MAX_S = 10.0


def run(m, line, timeout=120, check=True):
    """One command and its output. QEMU holds back what the UART's FIFO
    cannot take, so the line goes at once (Bochs would drop bytes)."""
    m.send(line + "\r")
    got = m.expect(r"(?s)" + re.escape(line) + r"[\r\n]+(.*?)" +
                   re.escape(PROMPT), timeout)
    out = got.group(1)
    if check and "error:" in out:
        raise SystemExit(f"density: {line!r}: {out.strip()}")
    return out


def stop_reports(log):
    """The hypervisor log's reports of stopped VMs: each error line with
    the dump lines after it."""
    out, keep = [], False
    for line in log.splitlines():
        if re.match(r"keel: error: vm d\d+:", line):
            keep = True
        elif not line.startswith("keel:   "):
            keep = False
        if keep:
            out.append(line.rstrip())
    return out


def mem_free(m):
    return json.loads(run(m, "info --json").strip().splitlines()[-1])[
        "mem_free"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--vms", type=int, default=200)
    ap.add_argument("--mem", default="4M")
    ap.add_argument("--accel", default="tcg", choices=("tcg", "tcg-single"),
                    help="QEMU's TCG: one host thread per CPU, or one in all")
    ap.add_argument("--cpus", default="",
                    help="the sleepers' CPUs (create's cpus=), default "
                    "all; 'alt': dN on CPU N % 2, none moves")
    ap.add_argument("--out", type=Path,
                    default=harness.build_dir() / "density")
    args = ap.parse_args()
    mem_bytes = int(args.mem[:-1]) * MIB
    checkpoints = [c for c in CHECKPOINTS if c <= args.vms]
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    build = harness.build_dir()
    tmp = Path(tempfile.mkdtemp(prefix="keel-density-"))
    esp = harness.make_esp(tmp / "esp", CONFIG,
                           modules=[build / "guests" / f"{g}.elf"
                                    for g in ("mgmt", "sleeper")])
    result = {"vms": args.vms, "vm_mem_bytes": mem_bytes, "machine":
              "QEMU TCG (SVM), 2 CPUs, 2 GiB", "units": "ms of wall time, "
              "bytes"}
    create_ms, destroy_ms = [], {}
    with harness.Machine("amd", esp, smp=2, mem="2G", timeout=120,
                         logfile=out / "serial.log", accel=args.accel,
                         extra_args=os.environ.get("KEEL_DENSITY_QEMU",
                                                   "").split() or None) as m:
        m.expect(re.escape(PROMPT))
        free0 = mem_free(m)
        overhead = {}
        for i in range(1, args.vms + 1):
            t0 = time.monotonic()
            cpus = str(i % 2) if args.cpus == "alt" else args.cpus
            pin = f" cpus={cpus}" if cpus else ""
            run(m, f"create d{i} sleeper mem={args.mem}{pin} "
                   f"args=\"period=100 count=1000000000\"")
            run(m, f"start d{i}")
            create_ms.append((time.monotonic() - t0) * 1000)
            if i in checkpoints:
                spent = free0 - mem_free(m)
                overhead[i] = spent / i - mem_bytes
                print(f"density: {i} VMs: {spent} bytes spent, "
                      f"{overhead[i]:.0f} per VM beyond its memory",
                      flush=True)
        t0 = time.monotonic()
        listing = run(m, "list")
        list_s = time.monotonic() - t0
        running = len(re.findall(r"^\s*\d+\s+d\d+\s+running\b", listing,
                                 re.M))
        if running < args.vms:
            # why they stopped: the reports are in the hypervisor's log
            for line in stop_reports(run(m, "log", check=False)):
                print(f"density: {line}", flush=True)
        for left in range(args.vms, 0, -1):
            t0 = time.monotonic()
            run(m, f"destroy d{left}")
            destroy_ms[left] = (time.monotonic() - t0) * 1000
        free1 = mem_free(m)

    def window(values):
        return round(statistics.mean(values), 1)

    result["overhead_bytes_per_vm"] = {str(n): round(overhead[n])
                                       for n in checkpoints}
    result["create_start_ms"] = {
        str(n): window(create_ms[n - WINDOW:n]) for n in checkpoints}
    result["destroy_ms"] = {
        str(n): window([destroy_ms[k] for k in range(n, n - WINDOW, -1)])
        for n in checkpoints}
    result["list_ms"] = round(list_s * 1000)
    result["list_running"] = running
    result["mem_free_before"], result["mem_free_after"] = free0, free1
    (out / "results.json").write_text(json.dumps(result, indent=2) + "\n")

    print("| VMs | overhead per VM (bytes) | create+start (ms) | "
          "destroy (ms) |")
    print("|---|---|---|---|")
    for n in checkpoints:
        print(f"| {n} | {result['overhead_bytes_per_vm'][str(n)]} | "
              f"{result['create_start_ms'][str(n)]} | "
              f"{result['destroy_ms'][str(n)]} |")
    print(f"list with {args.vms + 1} VMs: {result['list_ms']} ms, "
          f"{running} sleepers running")
    ok = (running == args.vms and list_s <= LIST_MAX_S and free1 == free0)
    print(f"density: {args.vms} VMs of {args.mem}: "
          f"{'PASS' if ok else 'FAIL'} (free memory {free0} before, "
          f"{free1} after)")
    print(f"written: {out / 'results.json'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
