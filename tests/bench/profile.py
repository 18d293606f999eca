#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Where the instructions of one exit go, on SVM under QEMU.

    KEEL_BUILD=build tests/bench/profile.py [--exit hypercall|cpuid|io|msr|yield]

Boots the bench guest under QEMU with -icount (so guest timers follow
instructions, not the slow single-stepping host) and -singlestep, and has
QEMU log every instruction the hypervisor executes (-d exec,nochain with
-dfilter on the hypervisor's text) while a second bench guest measures
(logging is switched on and off from the QEMU monitor, before and after
it; build/bench/profile.log, about 80 MB). Each stretch from one VMRUN
to the next is one exit; the script
picks the most common stretch that contains the handler of the chosen
exit and prints, in order, the functions it runs through and how many
instructions each takes, and then each instruction with --list.
`--exit yield` has two bench guests yield to each other on one CPU: its
stretch is one YIELD hypercall and the switch to the other guest (half
a `vcpu_switch` round trip, which also counts the other's hypercall).

Bochs has no such log; the VMX path shares everything but the entry stub
and vmx.c with SVM.
"""

import argparse
import bisect
import collections
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))
import harness  # noqa: E402

HANDLER = {"hypercall": "hc_version", "cpuid": "cpuid_handle",
           "io": "io_handle", "msr": "msr_handle_read",
           "yield": "hc_yield"}

# "first" marks the moment to switch logging on; "pad" spins (its guest
# instructions are not logged) while the monitor does; then the measured
# guests: "target" for an exit; for the switch, two guests yielding to
# each other on CPU 0.
SETUP = """\
cmdline loglevel=info
module bench /keel/guests/bench.elf
vm first image=bench cpu=0 prio=9 args="mode=idle"
vm pad image=bench cpu=0 prio=8 args="mode=spin run=3000"
"""
CONFIG = SETUP + """\
vm target image=bench cpu=0 prio=7 args="mode=exits count=1024"
"""
CONFIG_YIELD = SETUP + "".join(
    f'vm {name} image=bench cpu=0 prio=7 args="mode=yield count=256"\n'
    for name in ("ping", "pong"))


def symbols(elf):
    syms = []
    out = subprocess.run(["nm", "-n", str(elf)], capture_output=True,
                         text=True, check=True).stdout
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tTwW":
            syms.append((int(parts[0], 16), parts[2]))
    return syms


def disassembly(elf):
    out = subprocess.run(["objdump", "-d", "--no-show-raw-insn", str(elf)],
                         capture_output=True, text=True, check=True).stdout
    return {int(m.group(1), 16): m.group(2).strip() for m in
            re.finditer(r"^(ffffffff[0-9a-f]+):\s+(.*)$", out, re.M)}


def record(trace, exit_name):
    build = harness.build_dir()
    elf = build / "keel.elf"
    syms = symbols(elf)
    text = [a for a, n in syms if n in ("__text_start", "_start")]
    lo = min(text) if text else syms[0][0]
    tmp = Path(tempfile.mkdtemp(prefix="keel-profile-"))
    config = CONFIG_YIELD if exit_name == "yield" else CONFIG
    esp = harness.make_esp(tmp / "esp", config,
                           guests=[build / "guests" / "bench.elf"])
    extra = ["-icount", "shift=7,sleep=off", "-singlestep", "-d", "nochain",
             "-dfilter", f"{lo:#x}..0xffffffffffffffff", "-D", str(trace)]
    with harness.Machine("amd", esp, smp=1, timeout=900,
                         extra_args=extra) as m:
        m.expect(r"keel: vm first: halted")
        m.send("\x01c")
        time.sleep(0.1)
        m.send("log exec,nochain\r")
        m.expect(r"\[ping\] bench: yield median" if exit_name == "yield"
                 else r"\[target\] bench: exit_msr median")
        m.send("log none\r")
        time.sleep(0.1)
        m.send("\x01c")


def analyze(trace, exit_name, listing):
    elf = harness.build_dir() / "keel.elf"
    syms = symbols(elf)
    addrs = [a for a, _ in syms]
    dis = disassembly(elf)

    def fn(pc):
        return syms[bisect.bisect_right(addrs, pc) - 1][1]

    pcs = [int(m.group(1), 16) for m in re.finditer(
        r"\[[0-9a-f]+/([0-9a-f]+)/", trace.read_text())]
    entries = {a for a, t in dis.items() if t.startswith("vmrun")}
    at = [i for i, pc in enumerate(pcs) if pc in entries]
    exits = [pcs[a:b] for a, b in zip(at, at[1:])]
    handler = HANDLER[exit_name]
    mine = [e for e in exits if any(fn(pc) == handler for pc in e)]
    if not mine:
        raise SystemExit(f"no {exit_name} exit in the log: try again")
    common = collections.Counter(len(e) for e in mine).most_common(1)[0][0]
    path = next(e for e in mine if len(e) == common)
    runs = []
    for pc in path:
        if runs and runs[-1][0] == fn(pc):
            runs[-1][1] += 1
        else:
            runs.append([fn(pc), 1])
    print(f"{exit_name}: {common} hypervisor instructions from VMRUN to "
          f"VMRUN ({len(mine)} such exits logged, "
          f"{collections.Counter(len(e) for e in mine).most_common(3)})")
    for name, n in runs:
        print(f"  {n:4d}  {name}")
    totals = collections.Counter()
    for name, n in runs:
        totals[name] += n
    print("by function:", ", ".join(f"{n} {name}" for name, n in
                                    totals.most_common()))
    if listing:
        for pc in path:
            print(f"{fn(pc):24s} {dis.get(pc, '?')}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--exit", choices=sorted(HANDLER), default="hypercall")
    ap.add_argument("--list", action="store_true",
                    help="print every instruction of the path")
    ap.add_argument("--trace", type=Path,
                    help="analyze this log (build/bench/profile.log from an "
                    "earlier run) instead of recording one")
    args = ap.parse_args()
    trace = args.trace
    if trace is None:
        trace = harness.build_dir() / "bench" / "profile.log"
        trace.parent.mkdir(parents=True, exist_ok=True)
        trace.unlink(missing_ok=True)
        record(trace, args.exit)
    analyze(trace, args.exit, args.list)


if __name__ == "__main__":
    main()
