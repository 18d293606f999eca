# SPDX-License-Identifier: MIT
"""linux_boot (issue 13): a Debian kernel's boot to the initramfs
marker, in instructions, as a Keel guest and on the bare emulator.

Keel: the admin shell creates and starts the VM (the kernel, initrd,
command line, vCPUs and memory below), `console` waits for the marker
`KEEL-LINUX-READY <kver> cpus=N tsc=T`, and `stats NAME --json` gives the
exits by reason at that point. T is the guest's TSC, which Keel starts
at 0 when the VM starts (docs/cpuid.md), so T is the boot's length in
TSC ticks.

Bare: the same kernel, initrd, command line, vCPU count and memory with
QEMU -kernel (SeaBIOS and QEMU's linuxboot option ROM run the setup code
first: a few million instructions more than Keel's direct 64-bit entry).
Bochs cannot load a bzImage, so the bare reference of both vendors is
this QEMU count.

QEMU runs with -icount shift=S,sleep=off,align=off in both cases: its TSC
is the virtual clock in ns and every instruction of any of its CPUs
advances that clock by 2^S ns (virtual time is the sum over the CPUs:
QEMU runs them round robin), and a machine whose CPUs all halt jumps to
its next timer. So T / 2^S counts the instructions of every CPU of the
machine (Keel's, the management VM's, the guest's) plus the idle jumps:
the boot's length in instruction units. Bochs's TSC ticks once per
instruction (clock: sync=none), its CPUs in lock step.
"""

import fcntl
import re
import shutil
import time

import pexpect

import harness

# 2^LINUX_SHIFT ns per instruction. A small shift keeps the kernel's
# timer tick a few million instructions apart (shift 7: every 31,000,
# and the boot crawled for minutes).
LINUX_SHIFT = 3
# One vCPU: bare QEMU 7.2 with -icount does not bring up a second CPU of
# this kernel (it stays at "x86: Booting SMP configuration:" for minutes,
# with -cpu max, max,-monitor, max,-tsc-deadline and EPYC alike), and the
# comparison needs the same vCPU count on both sides.
VCPUS = 1
MEM = "256M"
CMDLINE = "console=ttyS0 loglevel=4"
# The whole TSC: the line ends (QEMU's serial gives "\r\r\n", Bochs's can
# arrive in pieces, so the digits must be followed by the end of the line).
READY = r"KEEL-LINUX-READY (\S+) cpus=(\d+) tsc=(\d+)\r*\n"
PROMPT = "keel> "
TIMEOUT = {"amd": 1200, "intel": 2400, "bare": 1200}

CONFIG = """\
cmdline loglevel=info
vm mgmt image=mgmt mem=16M role=mgmt
"""


def icount_args():
    return ["-icount", f"shift={LINUX_SHIFT},sleep=off,align=off"]


def files():
    linux = harness.build_dir() / "linux"
    kernel, initrd = linux / "vmlinuz", linux / "initrd.img"
    if not (kernel.is_file() and initrd.is_file()):
        raise SystemExit(f"bench: linux_boot needs {kernel} and {initrd} "
                         "(make linux-image)")
    return kernel, initrd


def ticks_per_insn(vendor):
    return 2 ** LINUX_SHIFT if vendor in ("amd", "bare") else 1


class _Shell:
    """The admin shell over a harness.Machine (tests/integration's
    test_mgmt.Shell without pytest)."""

    def __init__(self, m):
        self.m = m

    def type(self, text):
        for i in range(0, len(text), 8):
            chunk = text[i:i + 8]
            self.m.send(chunk)
            self.m.expect(re.escape(chunk), timeout=60)

    def run(self, line, timeout=120):
        self.type(line)
        self.m.send("\r")
        out = self.m.expect(r"(?s)(.*?)" + re.escape(PROMPT),
                            timeout).group(1).strip("\n")
        if "error:" in out:
            raise SystemExit(f"bench: linux_boot: {line!r}: {out}")
        return out

    def json(self, line):
        import json
        return json.loads(self.run(line).splitlines()[-1])


def exits_by_reason(stats):
    """{reason: count} summed over the vCPUs of `stats NAME --json`."""
    total = {}
    for v in stats["vcpus"]:
        for reason, n in v["exits"].items():
            total[reason] = total.get(reason, 0) + n
    return total


def measure_keel(vendor, out):
    """{insns, tsc, kver, cpus, exits{}, mgmt_exits{}, tsc_khz}."""
    kernel, initrd = files()
    guests = harness.build_dir() / "guests"
    esp = harness.make_esp(out / f"esp-linux-{vendor}", CONFIG,
                           modules=[guests / "mgmt.elf", kernel, initrd])
    extra = icount_args() if vendor == "amd" else []
    log = out / f"serial-linux_boot-{vendor}.log"
    with harness.Machine(vendor, esp, smp=2, mem="512M",
                         timeout=harness.DEFAULT_TIMEOUT[vendor],
                         extra_args=extra, logfile=log) as m:
        m.expect(r"Keel management shell; type help\n")
        m.expect(re.escape(PROMPT))
        sh = _Shell(m)
        tsc_khz = sh.json("info --json")["tsc_khz"]
        sh.run(f'create lx kernel=vmlinuz initrd=initrd cmdline="{CMDLINE}" '
               f"vcpus={VCPUS} mem={MEM}")
        mgmt_before = exits_by_reason(sh.json("stats mgmt --json"))
        sh.type("start lx")
        m.send("\r")
        m.expect(re.escape(PROMPT))
        started = time.monotonic()
        sh.type("console lx")
        m.send("\r")
        m.expect(r"attached to lx; Enter ~ \. detaches\n")
        got = m.expect(READY, TIMEOUT[vendor])
        wall = time.monotonic() - started
        kver, cpus, tsc = got.group(1), int(got.group(2)), int(got.group(3))
        m.send("\r~.")
        m.expect(r"detached from lx\n")
        m.expect(re.escape(PROMPT))
        exits = exits_by_reason(sh.json("stats lx --json"))
        mgmt = exits_by_reason(sh.json("stats mgmt --json"))
    shutil.rmtree(esp, ignore_errors=True)
    per = ticks_per_insn(vendor)
    return {"insns": round(tsc / per), "tsc": tsc, "tsc_khz": tsc_khz,
            "kver": kver, "cpus": cpus, "wall_s": round(wall, 1),
            "exits": {k: v for k, v in exits.items() if v},
            "mgmt_exits": {k: mgmt[k] - mgmt_before.get(k, 0)
                           for k in mgmt if mgmt[k] - mgmt_before.get(k, 0)}}


def measure_bare(out):
    """The same boot on QEMU without Keel: {insns, tsc, kver, cpus}."""
    kernel, initrd = files()
    args = ["-accel", "tcg", "-cpu", "max", "-machine", "q35", "-m", MEM,
            "-smp", str(VCPUS), "-nographic", "-no-reboot", "-net", "none",
            "-kernel", str(kernel), "-initrd", str(initrd),
            "-append", CMDLINE] + icount_args()
    with open(harness.EMULATOR_LOCK, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        started = time.monotonic()
        child = pexpect.spawn("qemu-system-x86_64", args, encoding="utf-8",
                              codec_errors="replace", echo=False,
                              timeout=TIMEOUT["bare"])
        with open(out / "serial-linux_boot-bare.log", "w") as log:
            child.logfile_read = log
            try:
                child.expect(READY)
            finally:
                child.terminate(force=True)
        fcntl.flock(lock, fcntl.LOCK_UN)
    kver, cpus, tsc = (child.match.group(1), int(child.match.group(2)),
                       int(child.match.group(3)))
    return {"insns": round(tsc / ticks_per_insn("bare")), "tsc": tsc,
            "kver": kver, "cpus": cpus,
            "wall_s": round(time.monotonic() - started, 1)}


def per_million(keel):
    """Exits by reason per million instructions of the boot, most first."""
    mi = keel["insns"] / 1e6
    return {k: round(v / mi, 2) for k, v in
            sorted(keel["exits"].items(), key=lambda kv: -kv[1])}


def per_second(keel):
    """Exits by reason per second of the guest's TSC time."""
    s = keel["tsc"] / (keel["tsc_khz"] * 1000)
    return {k: round(v / s) for k, v in
            sorted(keel["exits"].items(), key=lambda kv: -kv[1])}


def measure(vendors, out):
    """results['linux_boot']: per vendor section, the bare reference and
    the ratios."""
    res = {"shift": LINUX_SHIFT, "cmdline": CMDLINE, "vcpus": VCPUS,
           "mem": MEM}
    res["bare"] = measure_bare(out)
    for vendor in vendors:
        keel = measure_keel(vendor, out)
        keel["ratio"] = round(keel["insns"] / res["bare"]["insns"], 3)
        keel["exits_per_minsn"] = per_million(keel)
        keel["exits_per_s"] = per_second(keel)
        keel["exits_total"] = sum(keel["exits"].values())
        res[{"amd": "svm", "intel": "vmx"}[vendor]] = keel
    return res


def markdown(res):
    """The linux_boot table and the exits by reason."""
    bare = res["bare"]["insns"]
    lines = [f"| `linux_boot` | instructions to the marker | bare (QEMU "
             f"-kernel) | ratio | target |", "|---|---|---|---|---|"]
    for sec, what in (("svm", "SVM (QEMU -icount)"), ("vmx", "VMX (Bochs)")):
        if sec in res:
            r = res[sec]["ratio"]
            lines.append(f"| {what} | {res[sec]['insns']} | {bare} | {r} | "
                         f"<= 1.3 ({'met' if r <= 1.3 else 'missed'}) |")
    lines += ["", "| exit reason | SVM count | SVM per M insns | SVM per s "
              "| VMX count | VMX per M insns | VMX per s |",
              "|---|---|---|---|---|---|---|"]
    reasons = []
    for sec in ("svm", "vmx"):
        for k in res.get(sec, {}).get("exits_per_minsn", {}):
            if k not in reasons:
                reasons.append(k)
    for k in reasons:
        row = [f"`{k}`"]
        for sec in ("svm", "vmx"):
            s = res.get(sec, {})
            row += [str(s.get("exits", {}).get(k, "")),
                    str(s.get("exits_per_minsn", {}).get(k, "")),
                    str(s.get("exits_per_s", {}).get(k, ""))]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines) + "\n"
