# SPDX-License-Identifier: MIT
"""Issue 12, secondary vCPUs the way an OS starts them: a Multiboot
kernel (guests/mb/mb_sipi.S) whose vCPUs 1-3 wait for INIT and STARTUP
and start in real mode in a trampoline at 0x8000, three rounds: xAPIC
physical INIT-SIPI-SIPI to each AP; INIT to the halted APs, all excluding
self; x2APIC logical, after which the APs keep running; INIT to the
running APs, x2APIC all excluding self. Each AP counts in and prints "sipi: ap N up"; no AP
starts twice for the second STARTUP. When every vCPU has halted, the VM
halts.

One boot per vendor serves every test (amd: QEMU TCG SVM, intel: Bochs
VMX), 4 vCPUs spread over 2 host CPUs.
"""

import pytest

import harness

VCPUS = 4
ROUNDS = 4

CONFIG = f"""\
cmdline loglevel=info
module mb_sipi /keel/guests/mb_sipi.bin
vm sipi kernel=mb_sipi mem=4M vcpus={VCPUS} cpus=all
"""


@pytest.fixture(scope="module", params=("amd", "intel"))
def vendor(request):
    return request.param


@pytest.fixture(scope="module")
def boot(vendor, tmp_path_factory):
    """Boots once and returns the serial log up to the end of the guest."""
    tmp = tmp_path_factory.mktemp(f"sipi-{vendor}")
    guests = harness.build_dir() / "guests"
    esp = harness.make_esp(tmp / "esp", CONFIG,
                           guests=[guests / "mb_sipi.bin"])
    with harness.Machine(vendor, esp, smp=2,
                         logfile=tmp / "serial.log") as m:
        try:
            m.expect_line(r"DONE mb_sipi", timeout=600)
            m.expect_line(r"keel: all guests have stopped", timeout=120)
        except harness.MachineError:
            pass    # the tests below say what is missing
        return m.log


def guest_lines(log, vm="sipi"):
    prefix = f"[{vm}] "
    return [l[len(prefix):] for l in log.splitlines() if l.startswith(prefix)]


def test_every_round_passes(vendor, boot):
    out = guest_lines(boot)
    assert "DONE mb_sipi" in out, boot[-4000:]
    fails = [l for l in out if l.startswith("FAIL")]
    assert not fails, "\n".join(out)
    passes = [l for l in out if l.startswith("PASS round")]
    assert len(passes) == ROUNDS, "\n".join(out)


def test_each_ap_up_every_round(boot):
    out = guest_lines(boot)
    # The rounds' counts (the guest's lock xadd) are judged by the PASS
    # lines. An AP counts in before it prints, and the guest waits for
    # every AP's line too before its own (once, under QEMU, a slow AP's
    # line and the BSP's INFO line came out interleaved), so each AP shows
    # once per round, whole.
    for ap in range(1, VCPUS):
        seen = out.count(f"sipi: ap {ap} up")
        assert seen == ROUNDS, "\n".join(out)
    assert "sipi: ap 0 up" not in out


def test_vm_halts_when_every_vcpu_halted(boot):
    assert "keel: vm sipi: halted (hlt with interrupts disabled)" in boot, \
        boot[-3000:]
    assert "keel: all guests have stopped" in boot
