#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""An idle CPU beside a busy one whose work is pinned to it (issue 14).

Boots the real image under QEMU (SVM, 2 CPUs, multi-threaded TCG, no
-icount: real time) with the management VM at its prompt, then types
into the admin shell two spinners with 1 ms slices pinned to CPU 1:
CPU 1's scheduler passes every millisecond with work queued that no
other CPU may run. Measures, over SECONDS of wall time, the CPU time of
QEMU's thread for CPU 0 ("CPU 0/TCG"), in % of one host CPU: a CPU 0
that is woken only to find nothing it may pull shows here.

    tests/bench/pinned_idle.py [--seconds 20]
"""

import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))
import harness  # noqa: E402
from density import PROMPT, run  # noqa: E402

CONFIG = """\
cmdline loglevel=info
vm mgmt image=mgmt mem=16M role=mgmt cpus=0
"""
SETTLE_SECONDS = 3


def qemu_pid(pid):
    """pid itself if it is QEMU, else its first descendant that is (the
    harness may start QEMU through tools/run)."""
    todo = [pid]
    while todo:
        p = todo.pop(0)
        if Path(f"/proc/{p}/comm").read_text().startswith("qemu"):
            return p
        for task in Path(f"/proc/{p}/task").iterdir():
            todo += [int(c) for c in (task / "children").read_text().split()]
    raise SystemExit(f"pinned_idle: no QEMU process under pid {pid}")


def thread_cpu_seconds(pid, name):
    """utime + stime of the thread of pid called name (its own
    /proc/PID/task/TID/stat: /proc/TID/stat counts the whole process)."""
    for task in Path(f"/proc/{pid}/task").iterdir():
        if (task / "comm").read_text().strip() == name:
            stat = (task / "stat").read_text()
            fields = stat[stat.rindex(")") + 2:].split()
            return (int(fields[11]) + int(fields[12])) / \
                os.sysconf("SC_CLK_TCK")
    raise SystemExit(f"pinned_idle: QEMU has no thread {name!r}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=20)
    args = ap.parse_args()
    build = harness.build_dir()
    tmp = Path(tempfile.mkdtemp(prefix="keel-pinned-"))
    esp = harness.make_esp(tmp / "esp", CONFIG,
                           modules=[build / "guests" / f"{g}.elf"
                                    for g in ("mgmt", "spin")])
    # debug-threads: QEMU names its vCPU threads "CPU N/TCG"
    with harness.Machine("amd", esp, smp=2, mem="512M", timeout=120,
                         extra_args=("-name", "keel,debug-threads=on"),
                         logfile=tmp / "serial.log") as m:
        m.expect(re.escape(PROMPT))
        for name in ("p1", "p2"):
            run(m, f'create {name} spin mem=2M slice=1 cpus=1 '
                   f'args="run=100000000 report=0"')
            run(m, f"start {name}")
        pid = qemu_pid(m._child.pid)
        time.sleep(SETTLE_SECONDS)
        t0 = time.monotonic()
        c0 = thread_cpu_seconds(pid, "CPU 0/TCG")
        c1 = thread_cpu_seconds(pid, "CPU 1/TCG")
        time.sleep(args.seconds)
        t1 = time.monotonic()
        d0 = thread_cpu_seconds(pid, "CPU 0/TCG") - c0
        d1 = thread_cpu_seconds(pid, "CPU 1/TCG") - c1
        run(m, "list")
    wall = t1 - t0
    print(f"pinned_idle: over {wall:.1f} s: CPU 0/TCG "
          f"{100 * d0 / wall:.2f} %, CPU 1/TCG {100 * d1 / wall:.2f} % "
          f"of one host CPU")


if __name__ == "__main__":
    main()
