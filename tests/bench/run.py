#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""`make bench`: deterministic instruction counts of Keel's exit, switch
and wake-up paths, measured inside guests on both vendors, its memory
overhead, the same guest code without Keel (the floor), and the cost of
the scheduling decision on the host.

QEMU runs with -icount shift=S,sleep=off: every instruction advances the
virtual clock by 2^S ns and QEMU's TSC is that clock in ns, so a TSC
delta divided by 2^S is an instruction count. Bochs's TSC counts one tick
per instruction (clock: sync=none). Numbers are instructions, not cycles:
path lengths for comparing versions, never latencies.

Writes build/bench/results.json, build/bench/performance.md (the table
for docs/performance.md), build/bench/shares-{svm,vmx}.png and prints
the table.

    run.py [--quick] [--vendor amd|intel]... [--only PART]... [--out DIR]

PART: `paths` (exits, switches, IPIs, VM life cycle, boot, floor,
scheduling decision) or `linux_boot` (a Debian kernel's boot as a Keel
guest and bare, tests/bench/linux_boot.py; needs make linux-image);
default both, or `paths` alone with --quick. A run of some parts keeps the other parts' results from
an earlier results.json.

--quick: few samples, short runs and no 1 GiB VM on Bochs (the
regression check in make test uses it; its numbers are not the
benchmark's). --out: where results and logs go (default build/bench;
the programs it runs are always build/bench's, from make bench-build).
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))
import harness  # noqa: E402
import linux_boot  # noqa: E402

ICOUNT_SHIFT = 7
SECTION = {"amd": "svm", "intel": "vmx"}
EMULATOR = {"amd": "QEMU TCG -icount", "intel": "Bochs"}

# Samples per metric, the CPU share scenario's run time (ms of TSC time),
# the IPI round count, the machine's memory and the big VM's, per vendor.
# 3 GiB leaves a 1 GiB-aligned free block for the big VM's 1 GiB page:
# at 4 GiB on QEMU, at 1 GiB on Bochs (2 GiB had none).
FULL = {
    "amd": dict(count=1000, run=1500, ipis=100, mem="3G", big="1G", vms=5),
    "intel": dict(count=300, run=300, ipis=30, mem="3G", big="1G", vms=3),
}
QUICK = {
    "amd": dict(count=50, run=200, ipis=10, mem="3G", big="1G", vms=1),
    "intel": dict(count=20, run=120, ipis=5, mem="512M", big="64M", vms=1),
}

# Every measuring guest first sleeps (quiet=MS, guests/bench): with all
# of them asleep the CPUs idle, and the console sends the boot log
# (about 5 KB at loglevel=debug) then, rather than inside the samples of
# the switch and the IPI, whose paths pass the scheduler and with it the
# console (one FIFO's worth a pass; Bochs's UART takes the bytes at
# 115200 baud, about 0.45 s for the log). The yielders and the spinners
# sleep twice as long, until the exits' result lines are out too.
QUIET_MS = 500

EXITS_CONFIG = """\
cmdline loglevel=debug
module bench /keel/guests/bench.elf
vm exits image=bench cpu=0 prio=9 args="mode=exits count={count} quiet={quiet}"
vm ping image=bench cpu=0 prio=8 args="mode=yield count={count} quiet={quiet2}"
vm pong image=bench cpu=0 prio=8 args="mode=yield count={count} quiet={quiet2}"
vm s10 image=bench cpu=0 prio=7 slice=10 args="mode=spin run={run} quiet={quiet2}"
vm s30 image=bench cpu=0 prio=7 slice=30 args="mode=spin run={run} quiet={quiet2}"
"""

IPI_CONFIG = """\
cmdline loglevel=debug
module bench /keel/guests/bench.elf
vm big image=bench mem={big} cpu=1 args="mode=idle"
vm ipi image=bench vcpus=2 cpus=0-1 args="mode=ipi count={ipis} quiet={quiet}"
"""

# The management VM is this bench guest: it creates and destroys a 16 MiB
# VM with the management hypercalls, and its first instruction ends the
# boot measured from the loader's entry (the admin shell's own start-up,
# banner and prompt, is not in it).
MGMT_CONFIG = """\
cmdline loglevel=debug
module bench /keel/guests/bench.elf
vm mgmt image=bench role=mgmt cpus=all args="mode=mgmt count={vms}"
"""

# The admin shell idle at its prompt, no other guest: the emulator's own
# CPU time over IDLE_SECONDS of wall time (no -icount: real time).
IDLE_CONFIG = """\
cmdline loglevel=info
vm mgmt image=mgmt mem=16M role=mgmt
"""
IDLE_SECONDS = 30
IDLE_SETTLE_SECONDS = 3

EXIT_METRICS = ("hypercall_null", "exit_cpuid", "exit_io", "exit_msr")
LOADER_TSC = re.compile(r"^keel: debug: boot: the loader started at TSC (\d+)$",
                        re.M)
MGMT_START = re.compile(r"^(?:\[mgmt\] )?bench: mgmt_start (\d+)$", re.M)
# A guest's TSC starts at 0 when its VM starts (docs/cpuid.md): its
# readings are put on the host's time line with the start Keel logs.
VM_TSC_START = re.compile(r"^keel: debug: vm (\S+): its TSC is 0 at host TSC "
                          r"(\d+)$", re.M)

# a VM's lines are prefixed [name]; the management VM's are not
RESULT = re.compile(r"^(?:\[(\S+)\] )?bench: (\S+) median=(\d+) min=(\d+) "
                    r"n=(\d+)$", re.M)
RAN = re.compile(r"^\[(\S+)\] bench: ran (\d+) (\d+) (\d+) (\d+)$", re.M)
STAGE2 = re.compile(r"^keel: debug: vm (\S+): stage-2 tables: (\d+) KiB "
                    r"for (\d+) MiB$", re.M)
FOOTPRINT = re.compile(r"^keel: memory: hypervisor footprint (\d+) KiB", re.M)
TSC = re.compile(r"^keel: TSC: (\d+) MHz", re.M)


def boot(vendor, out, name, config, guests=(), smp=1, mem="512M",
         until=r"keel: all guests have stopped", loader=None, timeout=1800):
    """Boots one scenario; returns its serial log (also in out/)."""
    build = harness.build_dir()
    esp = harness.make_esp(out / f"esp-{name}-{vendor}", config,
                           guests=[build / "guests" / f"{g}.elf"
                                   for g in guests], loader=loader)
    extra = (["-icount", f"shift={ICOUNT_SHIFT},sleep=off"]
             if vendor == "amd" else [])
    with harness.Machine(vendor, esp, smp=smp, mem=mem, timeout=timeout,
                         extra_args=extra,
                         logfile=out / f"serial-{name}-{vendor}.log") as m:
        m.expect_line(until)
        log = m.log
    shutil.rmtree(esp, ignore_errors=True)
    if "PANIC" in log or "bench: FAIL" in log:
        raise SystemExit(f"{vendor} {name}: failed; see "
                         f"{out / f'serial-{name}-{vendor}.log'}")
    return log


def ticks_per_insn(vendor, log=None):
    """TSC ticks per instruction: 2^S ns under icount (QEMU's TSC is
    its virtual clock in ns, which Keel's calibration confirms), 1 on
    Bochs."""
    if vendor == "intel":
        return 1
    if log is not None:
        mhz = int(TSC.search(log).group(1))
        if mhz != 1000:
            raise SystemExit(f"QEMU -icount: TSC {mhz} MHz, expected 1000")
    return 2 ** ICOUNT_SHIFT


def results_of(log, vm=None):
    """{name: (median, min)} of the bench lines (of one VM if given)."""
    return {m.group(2): (int(m.group(3)), int(m.group(4)))
            for m in RESULT.finditer(log) if vm is None or m.group(1) == vm}


def vm_tsc_starts(log):
    """{vm: the host TSC at which its guest TSC was 0}."""
    return {m.group(1): int(m.group(2)) for m in VM_TSC_START.finditer(log)}


def insns(ticks, per):
    return round(ticks / per)


def shares(log, per_tick_ms, window_ms, step_ms=2):
    """From the intervals s10 and s30 ran (progress linear inside an
    interval, flat between them): their CPU shares per window
    [(t_ms, share10, share30)], their work every step_ms [(t_ms, units10,
    units30)] and the ratio of their work s30/s10 over whole windows."""
    runs = {"s10": [], "s30": []}
    start = vm_tsc_starts(log)
    for m in RAN.finditer(log):
        if m.group(1) in runs:
            t0, t1, u0, u1 = (int(x) for x in m.group(2, 3, 4, 5))
            host = start[m.group(1)]
            runs[m.group(1)].append((t0 + host, t1 + host, u0, u1))
    if not runs["s10"] or not runs["s30"]:
        raise SystemExit("the CPU share scenario printed no intervals")
    t_start = min(r[0][0] for r in runs.values())
    t_end = min(r[-1][1] for r in runs.values())	# while both ran

    def units_at(vm, t):
        done = 0
        for t0, t1, u0, u1 in runs[vm]:
            if t >= t1:
                done = u1
            elif t > t0:
                return u0 + (u1 - u0) * (t - t0) / (t1 - t0)
            else:
                return done
        return done

    window, step = window_ms / per_tick_ms, step_ms / per_tick_ms
    rows, t = [], t_start
    while t + window <= t_end:
        d10 = units_at("s10", t + window) - units_at("s10", t)
        d30 = units_at("s30", t + window) - units_at("s30", t)
        if d10 + d30:
            rows.append(((t - t_start) * per_tick_ms, d10 / (d10 + d30),
                         d30 / (d10 + d30)))
        t += window
    whole = t
    work, t = [], t_start
    while t <= t_end:
        work.append(((t - t_start) * per_tick_ms, units_at("s10", t),
                     units_at("s30", t)))
        t += step
    done10 = units_at("s10", whole) - units_at("s10", t_start)
    done30 = units_at("s30", whole) - units_at("s30", t_start)
    return rows, work, (done30 / done10 if done10 else 0.0)


def plot_shares(rows, work, ratio, vendor, out):
    """build/bench/shares-SECTION.png (gnuplot): the work of both guests
    over time, and their shares per window."""
    name = SECTION[vendor]
    data, cum = out / f"shares-{name}.dat", out / f"work-{name}.dat"
    data.write_text("".join(f"{t:.1f} {a:.4f} {b:.4f}\n" for t, a, b in rows))
    cum.write_text("".join(f"{t:.1f} {a:.1f} {b:.1f}\n" for t, a, b in work))
    png = out / f"shares-{name}.png"
    script = f"""
set terminal pngcairo size 900,640
set output '{png}'
set multiplot layout 2,1 title 'Two spin guests on one CPU, slices 10 and 30 ms ({name.upper()}, {EMULATOR[vendor]}): work ratio {ratio:.2f}'
set key outside right
set grid
set xlabel 'time since both started (ms of TSC time)'
set ylabel 'work done (units)'
plot '{cum}' using 1:3 with lines lw 2 title 'slice=30', \\
     '{cum}' using 1:2 with lines lw 2 title 'slice=10'
set ylabel 'CPU share per 40 ms'
set yrange [0:1]
plot '{data}' using 1:3 with linespoints title 'slice=30', \\
     '{data}' using 1:2 with linespoints title 'slice=10', \\
     0.75 with lines dashtype 2 title 'expected 3/4', \\
     0.25 with lines dashtype 2 title 'expected 1/4'
unset multiplot
"""
    if not shutil.which("gnuplot"):
        print("bench: gnuplot not found (apt-get install gnuplot-nox): "
              f"no {png.name}", file=sys.stderr)
        return None
    subprocess.run(["gnuplot"], input=script, text=True, check=True)
    return png


def measure_vendor(vendor, p, out):
    """Every metric of one vendor: {metric: number}, plus the plot."""
    values = {}
    log = boot(vendor, out, "exits",
               EXITS_CONFIG.format(**p, quiet=QUIET_MS,
                                   quiet2=2 * QUIET_MS), ["bench"])
    per = ticks_per_insn(vendor, log)
    exits = results_of(log, "exits")
    for name in EXIT_METRICS:
        values[name] = insns(exits[name][0], per)
    yields = [r["yield"][0] for r in (results_of(log, "ping"),
                                      results_of(log, "pong")) if "yield" in r]
    if len(yields) != 2:
        raise SystemExit(f"{vendor}: no yield result from ping and pong")
    # a yield round trip is 2 hypercall exits and 2 vCPU switches
    values["vcpu_switch"] = round((insns(min(yields), per) -
                                   2 * values["hypercall_null"]) / 2)
    stage2 = {m.group(1): (int(m.group(2)), int(m.group(3)))
              for m in STAGE2.finditer(log)}
    values["stage2_bytes_16m"] = stage2["exits"][0] * 1024
    values["hv_footprint_bytes"] = int(FOOTPRINT.search(log).group(1)) * 1024

    tsc_mhz = int(TSC.search(log).group(1))
    rows, work, ratio = shares(log, 1 / (tsc_mhz * 1000), 40)
    values["sched_share_ratio_30_10"] = round(ratio, 3)
    plot_shares(rows, work, ratio, vendor, out)

    log = boot(vendor, out, "ipi", IPI_CONFIG.format(**p, quiet=QUIET_MS),
               ["bench"], smp=2, mem=p["mem"])
    values["ipi_wake"] = insns(results_of(log, "ipi")["ipi_wake"][0], per)
    stage2 = {m.group(1): (int(m.group(2)), int(m.group(3)))
              for m in STAGE2.finditer(log)}
    kib, mib = stage2["big"]
    values["stage2_bytes_per_gib"] = round(kib * 1024 * 1024 / max(mib, 1024))
    values["stage2_vm_mib"] = mib

    log = boot(vendor, out, "mgmt", MGMT_CONFIG.format(**p), ["bench"],
               smp=2, until=r"bench: vm_destroy_16m")
    mgmt = results_of(log)
    for name in ("vm_create_16m", "vm_destroy_16m"):
        values[name] = insns(mgmt[name][0], per)
    values["boot_to_shell"] = insns(
        int(MGMT_START.search(log).group(1)) + vm_tsc_starts(log)["mgmt"] -
        int(LOADER_TSC.search(log).group(1)), per)
    return values


def proc_cpu_seconds(pid):
    """utime + stime of a process (/proc/PID/stat fields 14 and 15)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure_idle(vendor, out, seconds=IDLE_SECONDS):
    """idle_cpu_pct: the emulator's CPU use, in % of one host CPU, while
    the management VM waits at its prompt with no other guest (2 CPUs).
    Only QEMU's is the hypervisor's: an idle vCPU thread of QEMU sleeps
    while its CPU halts. Bochs (clock: sync=none) emulates every CPU
    flat out, halted or not, so its process always uses a whole CPU:
    for VMX the number is not measured (None)."""
    if vendor != "amd":
        return None
    build = harness.build_dir()
    esp = harness.make_esp(out / f"esp-idle-{vendor}", IDLE_CONFIG,
                           modules=[build / "guests" / "mgmt.elf"])
    with harness.Machine(vendor, esp, smp=2, mem="512M",
                         logfile=out / f"serial-idle-{vendor}.log") as m:
        m.expect("keel> ")
        pid = m._child.pid
        time.sleep(IDLE_SETTLE_SECONDS)
        t0, c0 = time.monotonic(), proc_cpu_seconds(pid)
        time.sleep(seconds)
        t1, c1 = time.monotonic(), proc_cpu_seconds(pid)
        m.sendline("list")
        m.expect("mgmt")
    shutil.rmtree(esp, ignore_errors=True)
    return round(100 * (c1 - c0) / (t1 - t0), 2)


def measure_baseline(vendor, out):
    """The same measuring code without Keel: an EFI app under OVMF."""
    log = boot(vendor, out, "baseline", "", until=r"bench: baseline done",
               loader=harness.build_dir() / "bench" / "baseline.efi")
    per = ticks_per_insn(vendor)
    found = {m.group(1): int(m.group(2)) for m in re.finditer(
        r"bench: (\S+) median=(\d+) min=\d+ n=\d+", log)}
    return {name: insns(found[name], per) for name in EXIT_METRICS}


def sched_decision(out):
    """Instructions per sched_pick + sched_next_event on the host, by
    vCPUs on the run queue (callgrind; the marginal cost of N more
    decisions, so set-up does not count)."""
    exe = harness.build_dir() / "bench" / "sched_decision"
    if not shutil.which("valgrind"):
        raise SystemExit("bench: valgrind not found (apt-get install valgrind)")
    values = {}
    for vcpus in (1, 8, 64):
        ir = []
        for n in (1000, 2000):
            cg = out / f"callgrind.{vcpus}.{n}"
            subprocess.run(["valgrind", "--tool=callgrind",
                            "--toggle-collect=decide",
                            f"--callgrind-out-file={cg}", str(exe),
                            str(vcpus), str(n)],
                           check=True, capture_output=True)
            ir.append(int(re.search(r"^summary: (\d+)", cg.read_text(),
                                    re.M).group(1)))
            cg.unlink()
        values[f"sched_decision_{vcpus}"] = round((ir[1] - ir[0]) / 1000)
    return values


def text_bytes(elf):
    size = subprocess.run(["size", "-A", str(elf)], capture_output=True,
                          text=True, check=True).stdout
    return int(re.search(r"^\.text\s+(\d+)", size, re.M).group(1))


PARTS = ("paths", "linux_boot")

# issue 14's targets (issue 5's, 150 / 200 / 1500, are met); text_bytes
# is issue 5's
TARGETS = {"idle_cpu_pct": 1, "hypercall_null": 100, "exit_cpuid": 100,
           "exit_io": 120, "exit_msr": 120, "vcpu_switch": 400,
           "stage2_bytes_per_gib": 8192, "text_bytes": 96 * 1024}


def target_cell(metric, values):
    """'<= N (met)' when every vendor's value is within it, else missed."""
    if metric not in TARGETS:
        return ""
    got = [v for v in values if v is not None]
    if not got:
        return f"<= {TARGETS[metric]}"
    met = all(v <= TARGETS[metric] for v in got)
    return f"<= {TARGETS[metric]} ({'met' if met else 'missed'})"


DESCRIPTION = {
    "hypercall_null": "`version` hypercall round trip (VMCALL/VMMCALL)",
    "exit_cpuid": "CPUID exit round trip",
    "exit_io": "OUT to the virtual UART's scratch register",
    "exit_msr": "RDMSR IA32_APIC_BASE (intercepted)",
    "vcpu_switch": "switch between two guests' vCPUs on one CPU (yield)",
    "ipi_wake": "IPI from a vCPU on CPU 0 to a vCPU blocked in hlt on CPU 1, send to its handler",
    "stage2_bytes_16m": "stage-2 tables of a 16 MiB VM (bytes)",
    "stage2_bytes_per_gib": "stage-2 tables per GiB of a 1 GiB VM (bytes)",
    "hv_footprint_bytes": "hypervisor memory, no guests (bytes)",
    "sched_share_ratio_30_10": "CPU share ratio, slices 30:10 ms (ratio)",
    "vm_create_16m": "VM_CREATE + VM_START of a 16 MiB guest, from the management VM",
    "vm_destroy_16m": "VM_DESTROY of it until done (unmap, scrub, free)",
    "boot_to_shell": "loader entry to the management VM's first instruction",
    "idle_cpu_pct": "QEMU's CPU use over 30 s, admin shell idle, no guest (% of one CPU; wall clock, no -icount)",
}


def markdown(results):
    lines = ["| metric | SVM (QEMU -icount) | VMX (Bochs) | floor SVM | "
             "floor VMX | target | what |", "|---|---|---|---|---|---|---|"]
    metrics = [m for m in DESCRIPTION if m in results.get("svm", {}) or
               m in results.get("vmx", {})]
    for m in metrics:
        row = [f"`{m}`"]
        for section in ("svm", "vmx"):
            v = results.get(section, {}).get(m)
            row.append("" if v is None else f"{v}")
        for section in ("svm", "vmx"):
            v = results.get("baseline", {}).get(section, {}).get(m)
            row.append("" if v is None else f"{v}")
        row.append(target_cell(m, [results.get(sec, {}).get(m)
                                   for sec in ("svm", "vmx")]))
        row.append(DESCRIPTION[m])
        lines.append("| " + " | ".join(row) + " |")
    lines.append(f"| `text_bytes` | {results['text_bytes']} | | | | "
                 f"{target_cell('text_bytes', [results['text_bytes']])} "
                 f"| hypervisor .text (bytes) |")
    host = results.get("host", {})
    if host:
        lines += ["", "| vCPUs on the run queue | instructions per "
                  "scheduling decision (host, callgrind) |", "|---|---|"]
        for k, v in host.items():
            lines.append(f"| {k.rsplit('_', 1)[1]} | {v} |")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--vendor", action="append", choices=("amd", "intel"))
    ap.add_argument("--only", action="append", choices=PARTS)
    ap.add_argument("--out", type=Path, default=harness.build_dir() / "bench")
    ap.add_argument("--idle-only", action="store_true",
                    help="measure only idle_cpu_pct (printed; results.json "
                    "is left alone)")
    args = ap.parse_args()
    vendors = args.vendor or ["amd", "intel"]
    # --quick (make test's regression check) leaves out the Linux boot:
    # minutes per vendor, and its numbers are only the benchmark's
    parts = args.only or (["paths"] if args.quick else list(PARTS))
    params = QUICK if args.quick else FULL
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)

    if args.idle_only:
        for vendor in vendors:
            print(f"{SECTION[vendor]} idle_cpu_pct: "
                  f"{measure_idle(vendor, out)}")
        return
    results = {"units": "instructions unless the name says bytes"}
    old = out / "results.json"
    if set(parts) != set(PARTS) and old.is_file():
        results = json.loads(old.read_text())
    if "paths" in parts:
        for vendor in vendors:
            section = results.setdefault(SECTION[vendor], {})
            section.update(measure_vendor(vendor, params[vendor], out))
            # --quick: a shorter window, the same measurement
            idle = measure_idle(vendor, out,
                                10 if args.quick else IDLE_SECONDS)
            if idle is not None:
                section["idle_cpu_pct"] = idle
        results["baseline"] = {SECTION[v]: measure_baseline(v, out)
                               for v in vendors}
        results["host"] = sched_decision(out)
        results["text_bytes"] = text_bytes(harness.build_dir() / "keel.elf")
        results["quick"] = args.quick
    if "linux_boot" in parts:
        results["linux_boot"] = linux_boot.measure(vendors, out)

    (out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    table = ""
    if "text_bytes" in results:
        table = markdown(results)
    if "linux_boot" in results:
        table += "\n" + linux_boot.markdown(results["linux_boot"])
    (out / "performance.md").write_text(table)
    print(table)
    print(f"written: {out / 'results.json'}, {out / 'performance.md'}")


if __name__ == "__main__":
    main()
