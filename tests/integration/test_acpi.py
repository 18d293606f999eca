# SPDX-License-Identifier: MIT
"""Issue 13: the ACPI tables and the power and reset registers of a VM's
PC (docs/guests.md, "The PC platform"), through the admin shell. The
mb_acpi Multiboot test kernel (guests/mb) finds the RSDP by the legacy
scan, walks the XSDT to the MADT (one local APIC per vCPU, the I/O APIC,
the IRQ 0 override) and the FADT to the DSDT's \\_S5, then:
- cmdline=off writes S5 to PM1a_CNT: `list` shows the VM `off`, while a
  sleeper next to it runs on;
- cmdline=cf9 resets through 0xcf9, cmdline=kbc through the keyboard
  controller (0xfe to port 0x64): the VM is `stopped` and the log says
  "reset";
- with on_reboot=restart the reset reloads the VM from its image and
  starts it again (mb_acpi boots, checks and resets, over and over) until
  it is destroyed.

One boot per vendor (amd: QEMU TCG SVM, intel: Bochs VMX) serves the whole
file; each test destroys the VMs it made.
"""

import re

import pytest

import harness
from test_mgmt import PROMPT, Shell

CONFIG = """\
cmdline loglevel=info
vm mgmt image=mgmt mem=16M role=mgmt
vm alive image=sleeper mem=4M args="period=20 count=100000000"
"""

# every check mb_acpi makes before it acts; each must print PASS
CHECKS = (
    "RSDP checksum", "RSDP extended checksum", "RSDP revision 2",
    "XSDT signature and checksum", "MADT in the XSDT", "FADT in the XSDT",
    "MADT local APIC address", "MADT PCAT_COMPAT",
    "MADT one enabled local APIC per vCPU, IDs 0..n-1",
    "MADT I/O APIC ID is the vCPU count", "MADT I/O APIC at 0xfec00000",
    "MADT I/O APIC GSI base 0", "MADT override IRQ 0 -> GSI 2",
    "DSDT signature and checksum", "DSDT has \\_S5",
    "PM1a_CNT reads SCI_EN", "keyboard controller status idle",
)


@pytest.fixture(scope="module", params=("amd", "intel"))
def vendor(request):
    return request.param


@pytest.fixture(scope="module")
def shell(vendor, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(f"acpi-{vendor}")
    guests = harness.build_dir() / "guests"
    esp = harness.make_esp(tmp / "esp", CONFIG,
                           modules=[guests / "mgmt.elf",
                                    guests / "sleeper.elf",
                                    guests / "mb_acpi.bin"])
    with harness.Machine(vendor, esp, smp=2, mem="512M",
                         timeout=harness.DEFAULT_TIMEOUT[vendor],
                         logfile=tmp / "serial.log") as m:
        m.expect(r"Keel management shell; type help\n")
        m.expect(re.escape(PROMPT))
        yield Shell(m)


def run_mb_acpi(shell, name, command, vcpus, state):
    """Creates and starts mb_acpi with the command, waits for the state it
    ends in; returns its console lines."""
    shell.ok(f"create {name} kernel=mb_acpi cmdline={command} "
             f"vcpus={vcpus} mem=8M", rf"^created {name} \(id \d+\)$")
    shell.ok(f"start {name}", rf"started {name}")
    shell.wait_state(name, state, timeout=240)
    shown = shell.console(name, r"DONE mb_acpi checks\n.*\n")
    lines = [l.strip() for l in shown.splitlines()]
    for check in CHECKS:
        assert f"PASS {check}" in lines, shown
    assert not [l for l in lines if l.startswith("FAIL")], shown
    assert f"INFO madt local APICs {vcpus:08x}" in lines, shown
    return lines


def list_state(shell, name):
    """The state column of `list`'s text line for name."""
    out = shell.ok("list")
    for line in out.splitlines():
        fields = line.split()
        if name in fields:
            return fields
    raise AssertionError(f"{name} not in list:\n{out}")


def test_power_off_through_pm1a(shell):
    free = shell.mem_free()
    lines = run_mb_acpi(shell, "acpioff", "off", 2, "off")
    assert "INFO _S5 SLP_TYP 00000005" in lines
    assert "INFO powering off through PM1a_CNT" in lines
    assert "off" in list_state(shell, "acpioff")
    # the sleeper beside it runs on
    assert shell.vm("alive")["state"] == "running"
    log = shell.run("log")
    assert re.search(r"vm acpioff: powered off \(ACPI S5 through PM1a_CNT\)",
                     log), log[-2000:]
    shell.destroy("acpioff")
    assert shell.mem_free() == free


@pytest.mark.parametrize("command,how", [
    ("cf9", "port 0xcf9"),
    ("kbc", "keyboard controller command 0xfe"),
])
def test_reset_stops_the_vm(shell, command, how):
    name = f"rst{command}"
    lines = run_mb_acpi(shell, name, command, 1, "stopped")
    assert any(l.startswith("INFO resetting through") for l in lines)
    assert "stopped" in list_state(shell, name)
    log = shell.run("log")
    assert re.search(rf"vm {name}: reset \({re.escape(how)}\); vm stopped",
                     log), log[-2000:]
    assert shell.vm("alive")["state"] == "running"
    shell.destroy(name)


def test_reset_restarts_with_on_reboot_restart(shell):
    """on_reboot=restart: each reset reloads mb_acpi from its image and
    starts it again (it resets at the end of every boot, so it loops);
    destroy then ends the loop, even mid-restart, and frees everything."""
    free = shell.mem_free()
    shell.ok("create rstloop kernel=mb_acpi cmdline=kbc on_reboot=restart "
             "vcpus=2 mem=8M", r"^created rstloop \(id \d+\)$")
    shell.ok("start rstloop", r"started rstloop")
    shown = shell.console("rstloop",
                          r"(?:mb_acpi: started[\s\S]*?){3}DONE mb_acpi checks",
                          timeout=300)
    lines = [l.strip() for l in shown.splitlines()]
    assert lines.count("mb_acpi: started") >= 3, shown
    assert lines.count("INFO madt local APICs 00000002") >= 3, shown
    assert not [l for l in lines if l.startswith("FAIL")], shown
    log = shell.run("log")
    assert re.search(r"vm rstloop: reset \(keyboard controller command "
                     r"0xfe\); restarting \(on_reboot=restart\)", log), \
        log[-2000:]
    assert len(re.findall(r"vm rstloop: restarted from mb_acpi", log)) >= 2, \
        log[-2000:]
    assert shell.vm("alive")["state"] == "running"
    shell.destroy("rstloop")
    assert "rstloop" not in shell.vms()
    assert shell.mem_free() == free


def test_hypervisor_survives(shell):
    assert "PANIC" not in shell.m.log
    assert sorted(shell.vms()) == ["alive", "mgmt"]
    assert shell.vm("alive")["state"] == "running"
