# SPDX-License-Identifier: MIT
"""The scheduler on real hardware paths (issue 3, first part): time-slice
shares inside a priority level, strict priority, and sleeping guests
woken on time, on both vendors.

Guests run with interrupts disabled, so a time slice can only end through
the hypervisor: the LAPIC timer's INTR exit on SVM, the VMX-preemption
timer on VMX. Durations are TSC time inside the guests; Bochs is ~50 times
slower than QEMU, so its runs are shorter.
"""

import re

import pytest

import harness

# per vendor: spin run time, hi's delay and run time, sleeper period/count
TIMES = {
    "amd": dict(run=1500, report=100, delay=300, hi=400, period=10, count=50),
    "intel": dict(run=300, report=50, delay=60, hi=80, period=5, count=20),
}

# Wake-up latency bound we state: the minimum run time a lower-priority
# vCPU is guaranteed before preemption (1 ms) plus 1 ms of timer and exit
# granularity. Bochs runs on its own deterministic clock; QEMU TCG's clock
# is the host's wall clock, so its host-scheduling jitter gets 4 ms more.
WAKE_BOUND_US = {"amd": 6000, "intel": 2000}

CONFIG = """\
cmdline loglevel=info
module spin /keel/guests/spin.elf
module sleeper /keel/guests/sleeper.elf
vm s10  image=spin cpu=0 prio=5 slice=10 args="run={run} report={report}"
vm s30  image=spin cpu=0 prio=5 slice=30 args="run={run} report={report}"
vm hi   image=spin cpu=0 prio=9 slice=10 args="delay={delay} run={hi} report=0"
vm nap  image=sleeper cpu=1 prio=9 args="period={period} count={count}"
vm busy image=spin cpu=1 prio=5 args="run={run} report=0"
"""


@pytest.fixture(scope="module", params=("amd", "intel"))
def vendor(request):
    return request.param


def boot_until_done(vendor, tmp_path_factory, name, config, guests,
                    late=None):
    """Boots config with the named guest images; returns the serial log
    up to the end of all guests.

    late(vendor, log) names the wall-clock verdicts of the log that failed
    (lateness, tick counts), or returns "". QEMU TCG's guests see the
    host's clock, so a loaded host makes them late without any fault in
    Keel: when only such verdicts fail, boot once more and judge that log
    (the first one's trouble is printed). Everything else is judged on the
    first boot."""
    tmp = tmp_path_factory.mktemp(f"{name}-{vendor}")
    build = harness.build_dir()
    esp = harness.make_esp(tmp / "esp", config,
                           guests=[build / "guests" / f"{g}.elf"
                                   for g in guests])
    for attempt in (1, 2):
        with harness.Machine(vendor, esp, smp=2, timeout=600,
                             logfile=tmp / f"serial-{attempt}.log") as m:
            m.expect_line(r"keel: all guests have stopped")
            log = m.log
        trouble = late(vendor, log) if late else ""
        if not trouble or attempt == 2:
            return log
        print(f"{name}: late on boot 1 ({trouble}); booting once more")
    return log


@pytest.fixture(scope="module")
def run(vendor, tmp_path_factory):
    return boot_until_done(vendor, tmp_path_factory, "sched",
                           CONFIG.format(**TIMES[vendor]), ("spin", "sleeper"),
                           late=sleeper_late)


def sleeper_late(vendor, log):
    """The sleeper's worst lateness, if over the bound. On QEMU it is the
    host's clock: ten boots of an idle 2-core host gave maxima of 1.2 to
    8.7 ms (averages 0.14 to 0.48 ms), a loaded one 34 ms once."""
    m = re.search(r"^\[nap\] sleeper: done: .* max (\d+) us", log, re.M)
    if m and int(m.group(1)) > WAKE_BOUND_US[vendor]:
        return f"sleeper {m.group(1)} us late"
    return ""


def units(log, vm):
    m = re.search(rf"^\[{vm}\] spin: done: (\d+) units in (\d+) ms", log, re.M)
    assert m, f"{vm} did not finish"
    return int(m.group(1))


def test_slices_set_the_shares_inside_a_level(run):
    ratio = units(run, "s30") / units(run, "s10")
    print(f"s30/s10 work ratio: {ratio:.3f}")
    assert 2.4 <= ratio <= 3.6, f"slices 30:10 gave a ratio of {ratio:.2f}"


def test_higher_priority_stops_lower_ones_while_it_runs(run):
    log = run.splitlines()
    start = log.index("[hi] spin: start: burning %d ms" % int(
        re.search(r"\[hi\] spin: start: burning (\d+)", run).group(1)))
    done = next(i for i, l in enumerate(log) if l.startswith("[hi] spin: done"))
    between = [l for l in log[start:done] if l.startswith(("[s10]", "[s30]"))]
    assert not between, f"priority-5 guests ran during hi: {between[:3]}"
    # they were burning before it came, and ran again after it
    for vm in ("s10", "s30"):
        assert any(l.startswith(f"[{vm}] spin: start") for l in log[:start])
        assert any(l.startswith(f"[{vm}] spin:") for l in log[done:])


def test_sleeping_guest_wakes_within_the_bound(vendor, run):
    m = re.search(r"^\[nap\] sleeper: done: (\d+) wake-ups, period (\d+) ms, "
                  r"late avg (\d+) us, max (\d+) us", run, re.M)
    assert m, "the sleeper did not finish"
    print(f"wake-up lateness: avg {m.group(3)} us, max {m.group(4)} us")
    assert int(m.group(1)) > 0
    assert int(m.group(4)) <= WAKE_BOUND_US[vendor]
    assert "[nap] FAIL" not in run


def test_all_guests_finish(run):
    for vm in ("s10", "s30", "hi", "busy"):
        units(run, vm)
    assert "PANIC" not in run


def test_accounting_is_reported(run):
    stats = {m.group(1): m for m in re.finditer(
        r"^keel: vm (\S+): vcpu0 ran (\d+) ms, waited (\d+) ms, (\d+) "
        r"switches, on cpus 0x[0-9a-f]+, last cpu(\d); exits:(.*)$", run,
        re.M)}
    assert set(stats) == {"s10", "s30", "hi", "nap", "busy"}
    # s10 and s30 shared cpu0 in many turns; hi ran about its run time
    for vm in ("s10", "s30"):
        assert int(stats[vm].group(4)) > 5
        assert int(stats[vm].group(3)) > 0
        assert stats[vm].group(5) == "0"
    assert stats["nap"].group(5) == "1"
    assert "hypercall=" in stats["nap"].group(6)


# Migration: everything may run on both CPUs but starts on cpu0, except a
# sleeper pinned to cpu1, which leaves cpu1 idle between its wake-ups so it
# pulls work from cpu0: first m2, which is short, then, once m2 is done,
# vCPUs that have been running on cpu0. The memory checkers verify all of
# their memory many times while they are moved around.
MIGRATE_TIMES = {"amd": dict(run=1500, short=300, rounds=40, period=10,
                             count=100),
                 "intel": dict(run=300, short=60, rounds=8, period=5,
                               count=40)}

MIGRATE_CONFIG = """\
cmdline loglevel=info
module spin /keel/guests/spin.elf
module sleeper /keel/guests/sleeper.elf
module isotest /keel/guests/isotest.elf
vm pinned image=sleeper cpus=1 prio=9 args="period={period} count={count}"
vm m1 image=spin cpus=0-1 args="run={run} report=0"
vm m2 image=spin cpus=0-1 args="run={short} report=0"
vm mem1 image=isotest mem=4M cpus=0-1 args="rounds={rounds}"
vm mem2 image=isotest mem=4M cpus=0-1 args="rounds={rounds}"
"""

STATS = re.compile(r"^keel: vm (\S+): vcpu0 ran (\d+) ms, waited (\d+) ms, "
                   r"(\d+) switches, on cpus (0x[0-9a-f]+), last cpu(\d)",
                   re.M)


@pytest.fixture(scope="module")
def migrate(vendor, tmp_path_factory):
    return boot_until_done(vendor, tmp_path_factory, "migrate",
                           MIGRATE_CONFIG.format(**MIGRATE_TIMES[vendor]),
                           ("spin", "sleeper", "isotest"))


def test_pinned_vcpu_never_runs_elsewhere(migrate):
    ran_on = {m.group(1): int(m.group(5), 16) for m in STATS.finditer(migrate)}
    assert ran_on["pinned"] == 0b10


def test_idle_cpu_pulls_work(migrate):
    ran_on = {m.group(1): int(m.group(5), 16) for m in STATS.finditer(migrate)}
    moved = [vm for vm in ("m1", "m2", "mem1", "mem2") if ran_on[vm] & 0b10]
    both = [vm for vm in ("m1", "mem1", "mem2") if ran_on[vm] == 0b11]
    print("pulled to cpu1:", moved, "ran on both CPUs:", both)
    assert moved, "no vCPU was pulled to the idle CPU"
    assert both, "no running vCPU was migrated"


def test_migration_loses_no_guest_state(migrate):
    for vm in ("mem1", "mem2"):
        out = [l for l in migrate.splitlines() if l.startswith(f"[{vm}]")]
        assert any("checks done: 0 failures" in l for l in out), out[-3:]
        assert not any("FAIL" in l for l in out)
        verified = [l for l in out if "memory: wrote and verified" in l]
        assert verified and all(l.endswith(" 0 bad words") for l in verified)
    for vm in ("m1", "m2"):
        units(migrate, vm)
    assert "PANIC" not in migrate


# Several vCPUs in one guest: vCPU 0 starts the others (KEEL_HC_VCPU_START),
# they land on both CPUs next to a busy guest, and their atomic increments
# of one shared counter must add up. The work keeps cpu0 busy longer than
# the busy guest's slice on cpu1, or an idle cpu0 pulls every vCPU over
# (as it should) before cpu1 runs one.
SMP_CONFIG = """\
cmdline loglevel=info
module smp /keel/guests/smp.elf
module spin /keel/guests/spin.elf
vm smp4 image=smp vcpus=4 cpus=0-1 args="work={work}"
vm bg image=spin cpu=1 args="run={run} report=0"
"""
SMP_TIMES = {"amd": dict(work=300000, run=500), "intel": dict(work=200000, run=100)}


@pytest.fixture(scope="module")
def smp(vendor, tmp_path_factory):
    return boot_until_done(vendor, tmp_path_factory, "smp",
                           SMP_CONFIG.format(**SMP_TIMES[vendor]),
                           ("smp", "spin"))


def test_secondary_vcpus_start_and_share_memory(smp):
    assert re.search(r"^\[smp4\] smp: all 4 vCPUs ran, counter \d+ \(correct\)$",
                     smp, re.M)
    for vcpu in range(4):
        assert re.search(rf"^\[smp4\] smp: vcpu{vcpu} \(cpuid id {vcpu}\) "
                         rf"added \d+$", smp, re.M)
    assert "FAIL" not in smp


def test_vcpus_of_one_guest_run_on_both_cpus(smp):
    ran_on = 0
    for m in re.finditer(r"^keel: vm smp4: vcpu\d ran .* on cpus "
                         r"(0x[0-9a-f]+),", smp, re.M):
        ran_on |= int(m.group(1), 16)
    assert ran_on == 0b11
    assert "keel: vm smp4: halted (hlt with interrupts disabled)" in smp


# The virtual local APIC timer, used as an OS would: IDT, sti, hlt. It
# shares its CPU with a busy lower-priority guest, so each wake-up also
# preempts that guest.
VTIMER_CONFIG = """\
cmdline loglevel=info
module vtimer /keel/guests/vtimer.elf
module spin /keel/guests/spin.elf
vm vt image=vtimer cpu=1 prio=9 args="period={period} count={count}"
vm bg image=spin cpu=1 args="run={run} report=0"
"""
VTIMER_TIMES = {"amd": dict(period=10, count=20, run=800),
                "intel": dict(period=5, count=10, run=200)}


@pytest.fixture(scope="module")
def vtimer(vendor, tmp_path_factory):
    return boot_until_done(vendor, tmp_path_factory, "vtimer",
                           VTIMER_CONFIG.format(**VTIMER_TIMES[vendor]),
                           ("vtimer", "spin"), late=vtimer_late)


def vtimer_late(vendor, log):
    """The periodic run's length and the one-shot lateness, if out of bounds."""
    t = VTIMER_TIMES[vendor]
    expected = t["period"] * t["count"]
    trouble = []
    m = re.search(r"^\[vt\] vtimer: done: periodic \d+ ticks of \d+ ms "
                  r"in (\d+) ms$", log, re.M)
    if m and not expected <= int(m.group(1)) <= expected + t["period"]:
        trouble.append(f"periodic run {m.group(1)} ms")
    m = re.search(r"^\[vt\] vtimer: done: one-shot .* max (\d+) us$", log,
                  re.M)
    if m and int(m.group(1)) > WAKE_BOUND_US[vendor]:
        trouble.append(f"one-shot {m.group(1)} us late")
    return ", ".join(trouble)


def test_virtual_timer_periodic_mode(vendor, vtimer):
    t = VTIMER_TIMES[vendor]
    m = re.search(r"^\[vt\] vtimer: done: periodic (\d+) ticks of (\d+) ms "
                  r"in (\d+) ms$", vtimer, re.M)
    assert m, "periodic mode never finished"
    expected = t["period"] * t["count"]
    assert expected <= int(m.group(3)) <= expected + t["period"]


def test_virtual_timer_one_shot_wakes_hlt_on_time(vendor, vtimer):
    m = re.search(r"^\[vt\] vtimer: done: one-shot \d+ x \d+ ms, late avg "
                  r"(\d+) us, max (\d+) us$", vtimer, re.M)
    assert m, "one-shot mode never finished"
    print(f"virtual timer lateness: avg {m.group(1)} us, max {m.group(2)} us")
    assert int(m.group(2)) <= WAKE_BOUND_US[vendor]


def test_interrupts_wait_for_the_guest_to_enable_them(vtimer):
    assert "[vt] vtimer: done: held while IF=0, taken right after sti" in vtimer
    assert "[vt] FAIL" not in vtimer
    assert "intr_window=" in vtimer


@pytest.fixture(scope="module")
def ipi(vendor, tmp_path_factory):
    config = ("cmdline loglevel=info\nmodule ipi /keel/guests/ipi.elf\n"
              "vm ipi image=ipi vcpus=2 cpus=0-1\n")
    return boot_until_done(vendor, tmp_path_factory, "ipi", config, ("ipi",))


def test_ipis_wake_halted_vcpus_across_cpus(ipi):
    # vcpu1 runs on cpu1, vcpu0 on cpu0: each wake-up crosses CPUs
    assert "keel: vm ipi: vcpu1 started on cpu1" in ipi
    assert "[ipi] ipi: vcpu0 woke from hlt by vcpu1's IPI" in ipi
    assert "[ipi] ipi: vcpu1 woke from hlt by vcpu0's IPI" in ipi
    assert "[ipi] ipi: done" in ipi
    assert "FAIL" not in ipi


# Console flooding (issue 10, defect 10): without a management VM a guest
# writes 4 KiB console calls (and every 16th one byte by byte to its COM1)
# as fast as it can while a sleeper on the same CPU measures how late it
# wakes. Guest output is queued and sent as the UART takes it, so neither
# the flooding vCPU's calls nor the sleeper wait for the serial line.
# Bochs runs its UART at 115200 baud in emulated time: there a 4 KiB
# write that waited took 402 ms and made the sleeper 397 ms late (measured
# before the queue); now 4.6 ms and 4.1 ms (the call's own work, about
# 230,000 instructions at Bochs' 50 MIPS). QEMU's UART has no baud rate,
# so on QEMU the bound is loose: its per-port-access cost and host
# scheduling dominate (19-52 ms late with or without the queue). The
# sleeper outlasts the flood by more than the queue takes to drain, so
# its last line is not dropped.
FLOOD_TIMES = {
    "amd": dict(run=1000, quiet=3000, period=10, count=300),
    "intel": dict(run=300, quiet=2500, period=5, count=600),
}
# Bound of the slowest 4 KiB CONSOLE_WRITE call and of the sleeper's
# lateness, preemption included.
FLOOD_BOUND_US = {"amd": 100000, "intel": 10000}

FLOOD_CONFIG = """\
cmdline loglevel=info
module flood /keel/guests/flood.elf
module sleeper /keel/guests/sleeper.elf
vm flood image=flood cpu=0 prio=5 args="run={run} quiet={quiet}"
vm nap   image=sleeper cpu=0 prio=9 args="period={period} count={count}"
"""


@pytest.fixture(scope="module")
def flood(vendor, tmp_path_factory):
    return boot_until_done(vendor, tmp_path_factory, "flood",
                           FLOOD_CONFIG.format(**FLOOD_TIMES[vendor]),
                           ("flood", "sleeper"), late=flood_late)


def flood_late(vendor, log):
    """The slowest write and the sleeper's lateness, if out of bounds."""
    trouble = []
    for what, pattern in (
            ("slowest write", r"^\[flood\] flood: done: .* slowest call "
                              r"(\d+) us"),
            ("sleeper", r"^\[nap\] sleeper: done: .* max (\d+) us")):
        m = re.search(pattern, log, re.M)
        if m and int(m.group(1)) > FLOOD_BOUND_US[vendor]:
            trouble.append(f"{what} {m.group(1)} us")
    return ", ".join(trouble)


def test_console_flood_does_not_stall_the_cpu(vendor, flood):
    m = re.search(r"^\[flood\] flood: done: (\d+) writes of (\d+) bytes in "
                  r"(\d+) ms, slowest call (\d+) us", flood, re.M)
    assert m, "the flood guest did not finish"
    s = re.search(r"^\[nap\] sleeper: done: (\d+) wake-ups, period (\d+) "
                  r"ms, late avg (\d+) us, max (\d+) us", flood, re.M)
    assert s, "the sleeper did not finish"
    dropped = sum(int(d) for d in re.findall(
        r"keel: warning: (\d+) bytes of console output dropped", flood))
    print(f"{vendor}: flood {m.group(1)} writes of {m.group(2)} bytes in "
          f"{m.group(3)} ms, slowest call {m.group(4)} us, {dropped} bytes "
          f"dropped; sleeper late avg {s.group(3)} us, max {s.group(4)} us")
    assert int(m.group(1)) > 0
    assert int(m.group(4)) <= FLOOD_BOUND_US[vendor]
    assert int(s.group(4)) <= FLOOD_BOUND_US[vendor]
    assert "FAIL" not in flood and "PANIC" not in flood
