# SPDX-License-Identifier: MIT
"""The 8259 pair delivers (docs/guests.md, "The PC platform"): mb_pic
(guests/mb/mb_pic.S), a Multiboot kernel that knows only the 8259 and
never touches the local APIC, takes the PIT's IRQ 0 and the RTC's IRQ 8
(through the slave) as ExtINT through vCPU 0's LINT0, the virtual wire
Keel's reset leaves; masks, IRR, ISR, EOIs and polls act as on a PC.
Beside it a second VM, also with the PIT and the RTC running, must see
none of mb_pic's interrupts (each VM has its own pair).
"""

import re

import pytest

import harness
from test_mgmt import PROMPT, Shell

CONFIG = """\
cmdline loglevel=info
vm mgmt image=mgmt mem=16M role=mgmt
"""

CHECKS = (
    "pit_irq0_ticks", "isr_in_handler", "pit_rate", "masked_irq0_silent",
    "irr_holds_masked_request", "unmasked_request_arrives",
    "rtc_irq8_through_the_slave", "no_spurious", "if_clear_takes_none",
    "poll_master_cascade", "poll_slave_irq8",
)


@pytest.fixture(scope="module", params=("amd", "intel"))
def vendor(request):
    return request.param


@pytest.fixture(scope="module")
def shell(vendor, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(f"pic-{vendor}")
    guests = harness.build_dir() / "guests"
    esp = harness.make_esp(tmp / "esp", CONFIG,
                           modules=[guests / "mgmt.elf",
                                    guests / "mb_pic.bin"])
    with harness.Machine(vendor, esp, smp=2, mem="512M",
                         timeout=harness.DEFAULT_TIMEOUT[vendor],
                         logfile=tmp / "serial.log") as m:
        m.expect(r"Keel management shell; type help\n")
        m.expect(re.escape(PROMPT))
        yield Shell(m)


def run_mb_pic(shell, name, vcpus):
    shell.ok(f"create {name} kernel=mb_pic mem=4M vcpus={vcpus}",
             rf"^created {name} ")
    shell.ok(f"start {name}", rf"^started {name}$")
    shown = shell.console(name, r"DONE mb_pic\n", timeout=300)
    return shown.splitlines()


@pytest.mark.parametrize("vcpus", (1, 2))
def test_8259_only_kernel_gets_its_interrupts(shell, vcpus):
    free = shell.mem_free()
    name = f"pic{vcpus}"
    lines = run_mb_pic(shell, name, vcpus)
    print("\n".join(l for l in lines if l.startswith("INFO")))
    assert [l for l in lines if l.startswith("FAIL")] == [], lines
    for check in CHECKS:
        assert f"PASS {check}" in lines, (check, lines)
    shell.destroy(name)
    assert shell.mem_free() == free


def test_two_at_once_each_its_own(shell):
    """Two such kernels on the two CPUs: each counts its own ticks; a
    pair shared between VMs would give one of them the other's."""
    free = shell.mem_free()
    for name in ("pa", "pb"):
        shell.ok(f"create {name} kernel=mb_pic mem=4M", rf"^created {name} ")
    shell.ok("start pa", r"^started pa$")
    shell.ok("start pb", r"^started pb$")
    for name in ("pa", "pb"):
        shown = shell.console(name, r"DONE mb_pic\n", timeout=300)
        lines = shown.splitlines()
        assert [l for l in lines if l.startswith("FAIL")] == [], lines
        for check in CHECKS:
            assert f"PASS {check}" in lines, (name, check, lines)
        shell.destroy(name)
    assert shell.mem_free() == free


def test_hypervisor_survives(shell):
    assert "PANIC" not in shell.m.log
    assert list(shell.vms()) == ["mgmt"]
