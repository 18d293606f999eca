# SPDX-License-Identifier: MIT
"""Issue 2 end to end: the real image boots through OVMF, every CPU enters
VMX root / SVM host mode, the isotest guests check the hypervisor from the
inside, and their forbidden accesses stop only themselves.

One boot per vendor serves every test in this file (a boot under Bochs
takes ~20 s); each test asserts one property of that boot's serial log.
"""

import re

import pytest

import harness

ROOT_MODE = {"amd": "SVM host mode", "intel": "VMX root mode"}

# Two guests per CPU: the second on each CPU only runs if the hypervisor
# survived the first one's violation. The last two VMs must fail cleanly
# at creation (the image is not an ELF file; the CPU does not exist).
CONFIG = """\
cmdline loglevel=info
module isotest /keel/guests/isotest.elf
vm probe-end image=isotest mem=16M cpu=0 args="probe=end"
vm probe-hv  image=isotest mem=16M cpu=1 args="probe=hv"
vm crash     image=isotest mem=16M cpu=0 args="crash=triple"
vm nopaging  image=isotest mem=16M cpu=1 args="crash=paging-off"
vm clean     image=isotest mem=16M cpu=1 args="rounds=4"
module notelf /keel.cfg
vm badimage  image=notelf mem=16M cpu=0
vm nocpu     image=isotest mem=16M cpu=7
"""

GUESTS = ("probe-end", "probe-hv", "crash", "nopaging", "clean")


@pytest.fixture(scope="module", params=("amd", "intel"))
def vendor(request):
    return request.param


@pytest.fixture(scope="module")
def boot(vendor, tmp_path_factory):
    """Boots once and returns the serial log up to the end of all guests."""
    return harness.boot_until(
        vendor, tmp_path_factory.mktemp(f"boot-{vendor}"), CONFIG,
        r"keel: all guests have stopped",
        guests=[harness.build_dir() / "guests" / "isotest.elf"])


def lines(log, prefix):
    return [l for l in log.splitlines() if l.startswith(prefix)]


def test_every_cpu_enters_root_mode(vendor, boot):
    mode = ROOT_MODE[vendor]
    assert f"keel: 2/2 CPUs in {mode}" in boot
    for cpu in (0, 1):
        assert re.search(rf"^keel: cpu{cpu}: {mode} \(APIC id \d+\)$",
                         boot, re.M), f"cpu{cpu} did not report {mode}"


def test_boot_time_is_reported(boot):
    m = re.search(r"^keel: boot took (\d+) ms", boot, re.M)
    assert m and int(m.group(1)) > 0


def test_no_mapping_is_writable_and_executable(boot):
    m = re.search(r"^keel: page tables: (\d+) writable\+executable mappings "
                  r"\((\d+) pages checked\)", boot, re.M)
    assert m, "the W^X audit did not run"
    assert int(m.group(1)) == 0
    assert int(m.group(2)) > 1000, "the audit walked almost nothing"


@pytest.mark.parametrize("guest", GUESTS)
def test_guest_checks_pass_inside(guest, boot):
    out = "\n".join(lines(boot, f"[{guest}] "))
    assert f"hello from {guest}" in out
    assert "cpuid: signature KeelKeelKeel, VMX and SVM hidden" in out
    assert re.search(r"hypercall: ABI version 1\.\d+\n", out + "\n")
    assert "console write hypercall ok" in out
    assert "bad arguments refused" in out
    assert re.search(r"memory: wrote and verified (\d+) KiB, 0 bad words", out)
    assert "checks done: 0 failures" in out
    assert "FAIL" not in out


def test_read_past_end_of_memory_is_contained(boot):
    assert ("keel: error: vm probe-end: stage-2 violation: read at "
            "guest-physical 0x1000000 (outside guest memory)") in boot
    assert "vm stopped" in lines(boot, "keel: error: vm probe-end:")[0]


def test_read_of_hypervisor_memory_is_contained(boot):
    probe = re.search(r"^\[probe-hv\] probe: reading the hypervisor's image "
                      r"at (0x[0-9a-f]+)", boot, re.M)
    assert probe, "probe-hv never tried"
    hv = probe.group(1)
    assert int(hv, 16) >= 16 << 20, "hypervisor inside guest RAM range?"
    assert (f"keel: error: vm probe-hv: stage-2 violation: read at "
            f"guest-physical {hv}") in boot


def test_triple_fault_is_contained(boot):
    assert re.search(r"^keel: error: vm crash: triple fault .*; vm stopped$",
                     boot, re.M)


def test_illegal_cr0_write_is_contained(vendor, boot):
    # Clearing CR0.PG in 64-bit mode is a #GP on a CPU (SDM MOV CR0): VMX
    # exits on the masked bit and core/cr_access.c injects the #GP; on AMD
    # the CPU raises it itself (QEMU TCG lets it through and the guest
    # dies on its next memory access). The guest has no IDT, so the #GP
    # is a triple fault; either way only that VM stops.
    why = {"intel": "triple fault",
           "amd": "(triple fault|stage-2 violation)"}[vendor]
    assert re.search(rf"^keel: error: vm nopaging: {why}.*; vm stopped$",
                     boot, re.M)
    assert "[nopaging] FAIL" not in boot


def test_other_guests_and_the_hypervisor_keep_running(boot):
    # The guests of a CPU share it round robin; clean checks its memory
    # four times, so it is still running when its neighbours on cpu1 are
    # stopped, and must finish normally.
    log = boot.splitlines()
    stopped = [i for i, l in enumerate(log)
               if re.match(r"keel: error: vm (probe-hv|nopaging):", l)]
    assert len(stopped) == 2
    after = log[max(stopped):]
    assert any(l.startswith("[clean] memory: wrote and verified") for l in after)
    assert "keel: vm clean: halted (hlt with interrupts disabled)" in after
    assert "PANIC" not in boot


def test_bad_vm_configs_fail_cleanly(boot):
    assert re.search(r"^keel: error: vm badimage: cannot create: \S", boot,
                     re.M)
    assert re.search(r"^keel: error: vm nocpu: cannot create: its cpu= names "
                     r"a CPU that is not running", boot, re.M)
    assert "[badimage]" not in boot and "[nocpu]" not in boot
