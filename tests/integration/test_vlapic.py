# SPDX-License-Identifier: MIT
"""The virtual local APIC timer against a guest that abuses it (issue 10,
defect 6): a periodic timer of about 1 ns (the fewest ticks at divide 1)
must neither stall the CPU it runs on nor flood its guest. The hypervisor
holds a periodic timer to at least VLAPIC_MIN_PERIOD (200 us), so the
attacker gets at most one interrupt per 200 us, its sleeps end on time,
and a victim sharing its CPU still wakes on time.

The attacker (vtimer mode=storm) waits WAIT ms with sti; hlt, then sleeps
SLEEP ms with KEEL_HC_SLEEP while the timer runs; the victim (sleeper, a
higher priority, the same CPU) sleeps 10 ms at a time all along. The
attacker prints only after the victim is done (quiet=): the hypervisor
writes each console line to the serial port at once, about 7 ms a line at
115200 baud under Bochs, and that is not what this test measures.
"""

import re

import pytest

import harness

MIN_PERIOD_US = 200
# per vendor: the attacker's hlt wait and sleep, the victim's wake-ups (it
# sleeps longer than the attacker runs), and how long the whole run may take
# after the boot: without a minimum period the attacker stalls its CPU for
# ever longer, and the run never ends. Bochs is about 50 times slower than
# QEMU, so its run is shorter.
TIMES = {"amd": dict(wait=1000, sleep=1000, count=300, quiet=1500),
         "intel": dict(wait=300, sleep=300, count=90, quiet=600)}
RUN_TIMEOUT = {"amd": 120, "intel": 400}
# How late the attacker's sleep may end, and a wake-up of the victim. Without
# the minimum period the victim's worst wake-up was seconds late (3.2 s under
# QEMU). Bochs runs on its own deterministic clock (about 50 us measured);
# QEMU TCG's clock is the host's wall clock, and on a loaded build machine
# test_sched.py's sleeper alone saw 7.7 ms: room for that.
LATE_BOUND_MS = {"amd": 500, "intel": 150}
VICTIM_LATE_BOUND_US = {"amd": 25000, "intel": 3000}

CONFIG = """\
cmdline loglevel=info
module vtimer /keel/guests/vtimer.elf
module sleeper /keel/guests/sleeper.elf
vm storm image=vtimer cpu=1 args="mode=storm wait={wait} sleep={sleep} quiet={quiet}"
vm victim image=sleeper cpu=1 prio=9 args="period=10 count={count}"
"""


@pytest.fixture(scope="module", params=("amd", "intel"))
def vendor(request):
    return request.param


@pytest.fixture(scope="module")
def storm(vendor, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(f"vlapic-{vendor}")
    build = harness.build_dir()
    esp = harness.make_esp(tmp / "esp", CONFIG.format(**TIMES[vendor]),
                           guests=[build / "guests" / f"{g}.elf"
                                   for g in ("vtimer", "sleeper")])
    with harness.Machine(vendor, esp, smp=2, timeout=RUN_TIMEOUT[vendor],
                         logfile=tmp / "serial.log") as m:
        try:
            m.expect_line(r"keel: all guests have stopped")
        except harness.MachineError:
            pass  # each test below says what did not finish
        return m.log


def storm_line(log, what):
    m = re.search(rf"^\[storm\] vtimer: storm: (\d+) interrupts in a (\d+) ms "
                  rf"{what} that took (\d+) ms$", log, re.M)
    assert m, f"the attacker's {what} never finished"
    print(f"attacker {what}: {m.group(1)} interrupts in {m.group(2)} ms, "
          f"took {m.group(3)} ms")
    return int(m.group(1)), int(m.group(2)), int(m.group(3))


def test_hlt_wait_gets_at_most_one_interrupt_per_minimum_period(vendor, storm):
    count, asked, took = storm_line(storm, "hlt wait")
    assert took <= asked + LATE_BOUND_MS[vendor]
    # one per 200 us of the time it really took, plus slack
    assert count <= took * 1000 // MIN_PERIOD_US + 50
    assert count > 0, "the timer never fired"


def test_sleep_ends_on_time_with_the_timer_running(vendor, storm):
    count, asked, took = storm_line(storm, "sleep")
    assert asked <= took <= asked + LATE_BOUND_MS[vendor]
    # the periods missed while asleep are one interrupt, delivered after
    # the sleep; a few more may come before the guest's cli
    assert count <= 20
    assert "[storm] FAIL" not in storm


def test_victim_on_the_same_cpu_is_not_stalled(vendor, storm):
    m = re.search(r"^\[victim\] sleeper: done: (\d+) wake-ups, period (\d+) ms, "
                  r"late avg (\d+) us, max (\d+) us", storm, re.M)
    assert m, "the victim did not finish"
    print(f"victim lateness: avg {m.group(3)} us, max {m.group(4)} us")
    assert int(m.group(4)) <= VICTIM_LATE_BOUND_US[vendor]
    assert "[victim] FAIL" not in storm
    assert "PANIC" not in storm
