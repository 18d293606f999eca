#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""make soak: many create/start/destroy cycles through the management VM.

Boots the real image with only the management VM, reads `info --json`,
runs the shell's `cycle` command (each cycle makes the same VM_CREATE,
VM_SET_MEM, VM_START and VM_DESTROY hypercalls as typing create, start and
destroy; typing 10,000 of each over the serial line would only measure
the terminal), reads `info --json` again and passes only if the free
memory is back exactly where it started and no VM is left.

    tests/integration/soak.py [--vendor amd|intel] [--cycles N]
                              [--image hello] [--mem 2M]

Prints the shell's progress lines as they come and ends with one line
"soak: N cycles ... PASS" or "... FAIL".
"""

import argparse
import json
import re
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
# Seconds per cycle the wait allows at most (measured: well below).
SECONDS_PER_CYCLE = {"amd": 1.0, "intel": 10.0}


def run(m, line, timeout=60):
    """Types one command (in short chunks, as the UART's FIFO is small)
    and returns its output."""
    for i in range(0, len(line), 8):
        m.send(line[i:i + 8])
        m.expect(re.escape(line[i:i + 8]), timeout=timeout)
    m.send("\r")
    return m.expect(r"(?s)(.*?)" + re.escape(PROMPT), timeout).group(1)


def info(m):
    out = run(m, "info --json").strip().splitlines()
    return json.loads(out[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vendor", default="amd", choices=("amd", "intel"))
    ap.add_argument("--cycles", type=int, default=10000)
    ap.add_argument("--image", default="hello")
    ap.add_argument("--mem", default="2M")
    a = ap.parse_args()

    build = harness.build_dir()
    tmp = Path(tempfile.mkdtemp(prefix="keel-soak-"))
    esp = harness.make_esp(tmp / "esp", CONFIG,
                           modules=[build / "guests" / f"{g}.elf"
                                    for g in ("mgmt", a.image)])
    print(f"soak: {a.cycles} create/start/destroy cycles of "
          f"'{a.image} mem={a.mem}' on {a.vendor}; serial log "
          f"{tmp / 'serial.log'}", flush=True)
    with harness.Machine(a.vendor, esp, smp=2, mem="512M",
                         timeout=harness.DEFAULT_TIMEOUT[a.vendor],
                         logfile=tmp / "serial.log") as m:
        m.expect(r"Keel management shell; type help\n")
        m.expect(re.escape(PROMPT))
        before = info(m)
        started = time.monotonic()
        line = f"cycle soak {a.image} mem={a.mem} count={a.cycles}"
        for i in range(0, len(line), 8):
            m.send(line[i:i + 8])
            m.expect(re.escape(line[i:i + 8]))
        m.send("\r")
        limit = 120 + a.cycles * SECONDS_PER_CYCLE[a.vendor]
        while True:
            got = m.expect(r"(cycle soak: .*|cycled soak .*|error: .*)\n",
                           timeout=limit)
            print(f"soak: {time.monotonic() - started:7.1f} s: "
                  f"{got.group(1)}", flush=True)
            if not got.group(1).startswith("cycle soak:"):
                break
        took = time.monotonic() - started
        m.expect(re.escape(PROMPT))
        after = info(m)
    ok = (got.group(1).startswith("cycled soak")
          and before["mem_free"] == after["mem_free"]
          and after["vm_count"] == before["vm_count"] == 1)
    print(f"soak: {a.cycles} cycles on {a.vendor} in {took:.1f} s "
          f"({1000 * took / a.cycles:.1f} ms each); mem_free "
          f"{before['mem_free']} before, {after['mem_free']} after; "
          f"{after['vm_count']} VM left: {'PASS' if ok else 'FAIL'}",
          flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
