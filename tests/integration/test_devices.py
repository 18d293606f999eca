# SPDX-License-Identifier: MIT
"""Devices behind the instruction emulator (issue 12): string port I/O,
the local APIC's xAPIC page and IA32_APIC_BASE's modes, and what happens
when the emulator cannot go on (guests/devtest, core/emulate.c).

One boot per vendor runs three VMs:
  devtest  every check prints "devtest: PASS name" or "FAIL name: ...";
           its last access is a MOVNTI to the xAPIC page, which the
           emulator does not do: that VM stops, the bytes in the log;
  devhole  reads 0xfed00000, where no device is: that VM stops too;
  alive    a sleeper on devtest's CPU, which must run to its end after
           both stopped.
"""

import re

import pytest

import harness

CONFIG = """\
cmdline loglevel=info
module devtest /keel/guests/devtest.elf
module sleeper /keel/guests/sleeper.elf
vm devtest image=devtest mem=8M cpu=0
vm devhole image=devtest mem=8M cpu=1 args="only=hole"
vm alive   image=sleeper mem=4M cpu=0 args="period=10 count={count}"
"""
COUNT = {"amd": 300, "intel": 100}
RUN_TIMEOUT = {"amd": 120, "intel": 400}

# every check devtest makes; each must print PASS
CHECKS = (
    "outsb", "insb", "insw_empty_port",
    "outsb_page_fault", "outsb_page_fault_state",
    "apic_base_reset", "x2apic_to_xapic_gp", "x2apic_to_disabled",
    "x2apic_msr_gp_when_disabled", "disabled_to_x2apic_gp",
    "disabled_to_xapic", "apic_base_xapic", "x2apic_msr_gp_in_xapic",
    "mov_id", "movzx_version_byte", "movzx_version_word",
    "mov_imm_tpr", "or_tpr", "and_tpr", "word_tpr",
    "timer_current", "timer_periodic", "self_ipi",
    "xapic_to_x2apic", "x2apic_again",
)


@pytest.fixture(scope="module", params=("amd", "intel"))
def vendor(request):
    return request.param


@pytest.fixture(scope="module")
def run(vendor, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(f"devices-{vendor}")
    build = harness.build_dir()
    esp = harness.make_esp(tmp / "esp", CONFIG.format(count=COUNT[vendor]),
                           guests=[build / "guests" / f"{g}.elf"
                                   for g in ("devtest", "sleeper")])
    with harness.Machine(vendor, esp, smp=2, timeout=RUN_TIMEOUT[vendor],
                         logfile=tmp / "serial.log") as m:
        try:
            m.expect_line(r"keel: all guests have stopped")
        except harness.MachineError:
            pass  # each test below says what did not finish
        return m.log


@pytest.mark.parametrize("check", CHECKS)
def test_check_passes(run, check):
    assert re.search(rf"^\[devtest\] devtest: PASS {check}\s*$", run, re.M), \
        f"no PASS line for {check}"
    assert not re.search(rf"^\[devtest\] devtest: FAIL {check}:", run, re.M)


def test_no_failures(run):
    fails = re.findall(r"^\[devtest\] devtest: FAIL.*$", run, re.M)
    assert not fails, "\n".join(fails)
    assert re.search(r"^\[devtest\] devtest: done: 0 failures", run, re.M)


def test_unemulatable_instruction_stops_only_that_vm(run):
    m = re.search(r"keel: error: vm devtest: stage-2 violation: write at "
                  r"guest-physical 0xfee00080 \(outside guest memory\): "
                  r"(.*), vcpu 0 rip (0x[0-9a-f]+), bytes 0f c3", run)
    assert m, "devtest's MOVNTI did not stop it with its bytes"
    print(f"reason: {m.group(1)}")
    # the full bytes on a line of their own
    assert re.search(rf"vm devtest: instruction bytes 0f c3 [0-9a-f ]+ at rip "
                     rf"{m.group(2)}, vcpu 0", run)
    assert "[devtest] devtest: FAIL final" not in run


def test_mmio_hole_stops_only_that_vm(run):
    assert re.search(r"keel: error: vm devhole: stage-2 violation: read at "
                     r"guest-physical 0xfed00000 \(outside guest memory\): "
                     r"no device answers there, vcpu 0 rip 0x[0-9a-f]+, "
                     r"bytes [0-9a-f]{2}", run), "devhole did not stop as it should"
    # a decoded instruction: its own bytes only, not the next ones
    m = re.search(r"vm devhole: instruction bytes ([0-9a-f ]+) at rip", run)
    assert m and 1 <= len(m.group(1).split()) <= 8, \
        f"the bytes of the load: {m.group(1) if m else None}"
    assert "[devhole] devtest: FAIL final" not in run


def test_other_vm_runs_on(vendor, run):
    stop = run.find("keel: error: vm devtest:")
    done = re.search(rf"^\[alive\] sleeper: done: {COUNT[vendor]} wake-ups",
                     run, re.M)
    assert done, "the sleeper next to the stopped VMs did not finish"
    assert stop >= 0 and done.start() > stop, \
        "the sleeper finished before devtest stopped: nothing was shown"
    assert "PANIC" not in run
