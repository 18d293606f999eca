# SPDX-License-Identifier: MIT
"""Devices behind the instruction emulator from 32-bit protected mode
(guests/mb/mb_dev.S; test_devices.py does the same from a 64-bit Keel
ELF guest): REP OUTSB to COM1 without and with 32-bit paging, the
xAPIC page by MOV, moffs MOV, MOVZX, OR and CMP on memory, its timer's
interrupts with EOI written through the page, once without paging and
once through an uncached alias, and last a MOVNTI to the xAPIC page,
which the emulator does not do: that VM stops with the instruction's
bytes in the log while a sleeper on the same CPU runs to its end.

One boot per vendor (amd: QEMU TCG SVM, intel: Bochs VMX).
"""

import re

import pytest

import harness

CONFIG = """\
cmdline loglevel=info
module mb_dev  /keel/guests/mb_dev.bin
module sleeper /keel/guests/sleeper.elf
vm mbdev kernel=mb_dev mem=8M cpu=0
vm alive image=sleeper mem=4M cpu=0 args="period=10 count={count}"
"""
COUNT = {"amd": 300, "intel": 100}
RUN_TIMEOUT = {"amd": 120, "intel": 400}

# every check mb_dev makes; each must print PASS (the APIC ones twice)
ONCE = (
    "rep outsb without paging: ECX 0",
    "rep outsb without paging: ESI past the string",
    "APIC_BASE at reset 0xfee00900 (xAPIC, enabled, BSP)",
    "SVR at reset 0xff",
    "ESR at reset 0",
    "ESR unchanged until written",
    "ESR send illegal vector after a self IPI with vector 5",
    "ESR cleared by the next write",
    "APIC_BASE xAPIC -> x2APIC",
    "APIC_BASE xAPIC mode at 0xfee00000",
    "moffs mov version",
    "orl on absolute SVR",
    "32-bit paging on (4 MiB pages)",
    "rep outsb with paging: ECX 0",
    "rep outsb with paging: ESI past the string",
    "emulated read through the alias: PDE accessed",
    "emulated read through the alias: PDE not dirty",
    "emulated write through the alias: PDE dirty",
    "paging on: identity-mapped version",
)
TWICE = (
    "mov version", "movzx byte version", "movzx word version",
    "movzx byte max LVT", "mov ID", "TPR written and read back",
    "orl TPR and cmp on memory", "SVR enabled by orl on memory",
    "LVT timer written and read back",
    "timer interrupts arrived, EOI through the page",
    "no interrupts after masking the timer", "LVT timer masked",
)


@pytest.fixture(scope="module", params=("amd", "intel"))
def vendor(request):
    return request.param


@pytest.fixture(scope="module")
def run(vendor, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(f"mb-dev-{vendor}")
    guests = harness.build_dir() / "guests"
    esp = harness.make_esp(tmp / "esp", CONFIG.format(count=COUNT[vendor]),
                           guests=[guests / "mb_dev.bin",
                                   guests / "sleeper.elf"])
    with harness.Machine(vendor, esp, smp=2, timeout=RUN_TIMEOUT[vendor],
                         logfile=tmp / "serial.log") as m:
        try:
            m.expect_line(r"keel: all guests have stopped")
        except harness.MachineError:
            pass  # each test below says what did not finish
        return m.log


def guest_lines(log, vm):
    prefix = f"[{vm}] "
    return [l[len(prefix):].rstrip()
            for l in log.splitlines() if l.startswith(prefix)]


def test_outsb_text_reaches_com1(run):
    out = guest_lines(run, "mbdev")
    assert "mb_dev: started" in out, run[-3000:]
    # longer than the 64 iterations one exit does: whole, in order
    assert ("mb_dev: outsb paging off: 0123456789 abcdefghijklmnopqrstuvwxyz "
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ end") in out, "\n".join(out)
    assert ("mb_dev: outsb paging on: through the alias at 0x40000000, "
            "0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ end") in out, "\n".join(out)


@pytest.mark.parametrize("check", ONCE)
def test_check_passes(run, check):
    out = guest_lines(run, "mbdev")
    assert f"PASS {check}" in out, "\n".join(out)


@pytest.mark.parametrize("check", TWICE)
def test_apic_check_passes_with_and_without_paging(run, check):
    out = guest_lines(run, "mbdev")
    assert out.count(f"PASS {check}") == 2, "\n".join(out)


def test_no_failures_and_done(run):
    out = guest_lines(run, "mbdev")
    fails = [l for l in out if l.startswith("FAIL")]
    assert not fails, "\n".join(out)
    assert "DONE mb_dev" in out, "\n".join(out)
    assert out.count("INFO apic pass: paging off") == 1
    assert out.count("INFO apic pass: paging on, alias 0x80200000") == 1


def test_unemulatable_instruction_stops_only_that_vm(run):
    # movnti %eax, 0xfee00080 in 32-bit code: 0f c3 05 and the address
    m = re.search(r"keel: error: vm mbdev: stage-2 violation: write at "
                  r"guest-physical 0xfee00080 \(outside guest memory\): "
                  r"(.*), vcpu 0 rip (0x[0-9a-f]+), "
                  r"bytes 0f c3 05 80 00 e0 fe", run)
    assert m, "mb_dev's MOVNTI did not stop it with its bytes"
    print(f"reason: {m.group(1)}")
    assert re.search(rf"vm mbdev: instruction bytes 0f c3 05 80 00 e0 fe"
                     rf"[0-9a-f ]* at rip {m.group(2)}, vcpu 0", run)
    assert "[mbdev] FAIL final" not in run


def test_other_vm_runs_on(vendor, run):
    stop = run.find("keel: error: vm mbdev:")
    done = re.search(rf"^\[alive\] sleeper: done: {COUNT[vendor]} wake-ups",
                     run, re.M)
    assert done, "the sleeper next to the stopped VM did not finish"
    assert stop >= 0 and done.start() > stop, \
        "the sleeper finished before mb_dev stopped: nothing was shown"
    assert "PANIC" not in run
