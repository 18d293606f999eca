# SPDX-License-Identifier: MIT
"""The VM's clocks and timers (issue 13, docs/guests.md "The PC platform"):
CPUID 0x40000000/0x40000010, the 8254 PIT with port 0x61, the CMOS RTC,
port 0x80 (guests/timetest). One boot per vendor.

Every check timetest makes prints "timetest: PASS name"; its measurements
(PIT channel 2 against the advertised TSC rate, the RTC over a 2 s sleep)
are printed here. The periodic IRQ 0 / IRQ 8 checks need the I/O APIC to
route them: they run with irq=1 once core/dev/vioapic.c is in the tree.
"""

import pathlib
import re
import time

import pytest

import harness

REPO = pathlib.Path(__file__).resolve().parents[2]
HAS_IOAPIC = (REPO / "core" / "dev" / "vioapic.c").exists()

CONFIG = """\
cmdline loglevel=info
module timetest /keel/guests/timetest.elf
vm timetest image=timetest mem=8M cpu=1 args="irq={irq}"
"""
RUN_TIMEOUT = {"amd": 180, "intel": 600}

CHECKS = (
    "cpuid_hypervisor_bit", "cpuid_max_leaf", "cpuid_timing_leaf",
    "cpuid_khz_vs_tsc", "pit_ch2_one_shot", "pit_readback_status",
    "pit_latch", "port61_refresh_toggles", "port80",
    "rtc_status_reset", "rtc_advances", "rtc_c_update_flag", "rtc_uip_seen",
    "rtc_binary", "rtc_12_hour", "rtc_set_holds", "rtc_set_time",
    "cmos_ram", "cmos_base_memory",
)
IRQ_CHECKS = ("irq0_periodic", "irq8_periodic")


@pytest.fixture(scope="module", params=("amd", "intel"))
def vendor(request):
    return request.param


@pytest.fixture(scope="module")
def run(vendor, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(f"timers-{vendor}")
    build = harness.build_dir()
    esp = harness.make_esp(tmp / "esp", CONFIG.format(irq=int(HAS_IOAPIC)),
                           guests=[build / "guests" / "timetest.elf"])
    with harness.Machine(vendor, esp, smp=2, timeout=RUN_TIMEOUT[vendor],
                         logfile=tmp / "serial.log") as m:
        try:
            m.expect_line(r"keel: all guests have stopped")
        except harness.MachineError:
            pass  # each test below says what did not finish
        return m.log


@pytest.mark.parametrize("check", CHECKS + (IRQ_CHECKS if HAS_IOAPIC else ()))
def test_check_passes(run, check):
    fail = re.search(rf"^\[timetest\] timetest: FAIL {check}:.*$", run, re.M)
    assert not fail, fail.group(0)
    assert re.search(rf"^\[timetest\] timetest: PASS {check}\s*$", run, re.M), \
        f"no PASS line for {check}"


def test_done_without_failures(vendor, run):
    for line in re.findall(r"^\[timetest\] timetest: (?!PASS).*$", run, re.M):
        print(f"{vendor}: {line}")
    assert re.search(r"^\[timetest\] timetest: done: 0 failures", run, re.M)
    assert "PANIC" not in run


def test_host_rtc_read_at_boot(vendor, run):
    m = re.search(r"host RTC: (\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)", run)
    assert m, "no host RTC line"
    print(f"{vendor}: host RTC {m.group(0)}")
    if vendor == "amd":
        # QEMU's RTC is the host's UTC time: the guest sees today's date
        year = time.gmtime().tm_year
        assert int(m.group(1)) in (year, year - 1, year + 1)
        d = re.search(r"timetest: rtc_date=(\d{4})-", run)
        assert d and int(d.group(1)) == int(m.group(1))
