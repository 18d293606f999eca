# SPDX-License-Identifier: MIT
"""Linux guests under QEMU's single-threaded TCG (`tools/run --accel
tcg-single`, `make run ACCEL=tcg-single`), SVM only: Bochs has no such
mode.

There QEMU delivered an interrupt injected through the VMCB's EVENTINJ a
second time when it switched CPUs right after the VMRUN that delivered
it: at the handler's first instruction, with IF clear. Linux then hung
on a spinlock its own interrupt handler held, or took an interrupt from
user mode without SWAPGS and panicked. Keel now gives plain interrupts
as V_IRQ (arch/x86/svm/svm.c, svm_inject_interrupt; docs/performance.md
"Stop 29"). Before that change this sequence failed in every one of five
runs; the destroyed guest first changes nothing itself, it only brings
the two boots after it to where the switches fall often:

  - a 2-vCPU Linux guest is created, started, and destroyed after its
    banner;
  - a 2-vCPU and a 1-vCPU guest boot at the same time beside the
    management VM: both reach KEEL-LINUX-READY with every CPU, neither
    panics, and each answers a command through its console.

About 2 minutes. Needs build/linux (`make linux-image`); skipped without.
"""

import re

import pytest

import harness
from test_linux import INITRD, KERNEL, READY, in_guest
from test_mgmt import PROMPT, Shell

CONFIG = """\
cmdline loglevel=info
vm mgmt image=mgmt mem=16M role=mgmt
"""
BANNER = r"Linux version \d+\.\d+"
BOOT_TIMEOUT = 240
FAILED = r"Kernel panic|end trace|BUG: |rcu_sched self-detected stall"

pytestmark = [
    pytest.mark.amd,
    pytest.mark.skipif(
        not (KERNEL.is_file() and INITRD.is_file()),
        reason=f"no Linux kernel: {KERNEL} and {INITRD} are missing "
               "(make linux-image)"),
]


@pytest.fixture(scope="module")
def shell(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("linux-tcg-single")
    guests = harness.build_dir() / "guests"
    esp = harness.make_esp(tmp / "esp", CONFIG,
                           modules=[guests / "mgmt.elf", KERNEL, INITRD])
    with harness.Machine("amd", esp, smp=2, mem="512M",
                         accel="tcg-single",
                         timeout=harness.DEFAULT_TIMEOUT["amd"],
                         logfile=tmp / "serial.log") as m:
        m.expect(r"Keel management shell; type help\n")
        m.expect(re.escape(PROMPT))
        yield Shell(m)


def create(shell, name, vcpus, mem):
    shell.ok(f'create {name} kernel=vmlinuz initrd=initrd '
             f'cmdline="console=ttyS0 loglevel=6" mem={mem} vcpus={vcpus}',
             rf"^created {name} \(id \d+\)$")


def test_two_linux_guests_boot_after_one_destroyed(shell):
    create(shell, "lx0", 2, "256M")
    shell.ok("start lx0", r"started lx0")
    shell.console("lx0", BANNER, timeout=BOOT_TIMEOUT)
    shell.destroy("lx0")

    create(shell, "lx1", 2, "256M")
    create(shell, "lx2", 1, "128M")
    shell.ok("start lx1", r"started lx1")
    shell.ok("start lx2", r"started lx2")
    for name, cpus in (("lx1", "2"), ("lx2", "1")):
        shown = shell.console(name, f"(?:{READY}|{FAILED})",
                              timeout=BOOT_TIMEOUT)
        assert not re.search(FAILED, shown), shown
        m = re.search(READY, shown)
        assert m and m.group(2) == cpus, shown
    vms = shell.vms()
    assert vms["lx1"]["state"] == "running", vms
    assert vms["lx2"]["state"] == "running", vms
    for name, cpus in (("lx1", 2), ("lx2", 1)):
        out = in_guest(shell, name, f"echo {name}-$(nproc)-$((6*7))",
                       rf"\n{name}-{cpus}-42\r?\n")
        assert f"{name}-{cpus}-42" in out
    for name in ("lx1", "lx2"):
        shell.destroy(name)
