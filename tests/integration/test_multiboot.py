# SPDX-License-Identifier: MIT
"""Issue 12, CPU modes and Multiboot: Multiboot 1 test kernels
(guests/mb) boot from keel.cfg `vm NAME kernel=... module=...
cmdline="..."` lines, start in 32-bit protected mode without paging,
check the Multiboot information structure, walk PAE paging and long mode
back and forth with the #GPs a CPU gives for illegal control-register
writes, and keep their vector registers to themselves while two of them
share a CPU with a 1 ms slice. The same mb_modes kernel runs twice: as a
flat image loaded by its header's address fields (flag 16), and as an
ELF32 (i386) file without them (mb_modes32.elf), loaded by its program
headers as GRUB loads most real Multiboot kernels.

One boot per vendor serves every test (amd: QEMU TCG SVM, intel: Bochs
VMX); each test asserts one property of its serial log.
"""

import re

import pytest

import harness

MODULE_TEXT = b"KEELMOD!\nmodule contents for mb_modes\n"

CONFIG = """\
cmdline loglevel=info
module mb_modes /keel/guests/mb_modes.bin
module mb_modes32 /keel/guests/mb_modes32.elf
module mb_vec   /keel/guests/mb_vec.bin
module mbmod    /keel/guests/mbmod.txt
vm modes kernel=mb_modes module=mbmod cmdline="mb_modes test=1" mem=16M cpu=0
vm modes32 kernel=mb_modes32 module=mbmod cmdline="mb_modes test=1" mem=16M cpu=0
vm veca  kernel=mb_vec cmdline="A" mem=4M cpu=1 slice=1
vm vecb  kernel=mb_vec cmdline="B" mem=4M cpu=1 slice=1
"""


@pytest.fixture(scope="module", params=("amd", "intel"))
def vendor(request):
    return request.param


@pytest.fixture(scope="module")
def boot(vendor, tmp_path_factory):
    """Boots once and returns the serial log up to the end of all guests."""
    tmp = tmp_path_factory.mktemp(f"mb-{vendor}")
    mod = tmp / "mbmod.txt"
    mod.write_bytes(MODULE_TEXT)
    guests = harness.build_dir() / "guests"
    esp = harness.make_esp(tmp / "esp", CONFIG,
                           guests=[guests / "mb_modes.bin",
                                   guests / "mb_modes32.elf",
                                   guests / "mb_vec.bin", mod])
    with harness.Machine(vendor, esp, smp=2,
                         logfile=tmp / "serial.log") as m:
        m.expect_line(r"keel: all guests have stopped", timeout=300)
        return m.log


def guest_lines(log, vm):
    prefix = f"[{vm}] "
    return [l[len(prefix):] for l in log.splitlines() if l.startswith(prefix)]


# the flat image (flag 16) and the ELF32 file (no flag 16)
MODES_VMS = ("modes", "modes32")


def test_elf32_image_is_elf32_without_address_fields():
    data = (harness.build_dir() / "guests" / "mb_modes32.elf").read_bytes()
    assert data[:5] == b"\x7fELF\x01"   # ELFCLASS32
    assert int.from_bytes(data[18:20], "little") == 3   # EM_386
    off = data.find((0x1BADB002).to_bytes(4, "little"))
    assert 0 <= off < 8192 and off % 4 == 0
    flags = int.from_bytes(data[off + 4:off + 8], "little")
    assert not flags & (1 << 16), hex(flags)


@pytest.mark.parametrize("vm", MODES_VMS)
def test_modes_kernel_ran_to_the_end(vendor, boot, vm):
    out = guest_lines(boot, vm)
    assert "mb_modes: started" in out, boot[-3000:]
    assert "PASS toggle CR0.CD" in out, "\n".join(out)
    assert "DONE mb_modes" in out, "\n".join(out)
    assert f"keel: vm {vm}: halted (hlt with interrupts disabled)" in boot


@pytest.mark.parametrize("vm", MODES_VMS)
def test_modes_every_check_passes(boot, vm):
    out = guest_lines(boot, vm)
    fails = [l for l in out if l.startswith("FAIL")]
    assert not fails, "\n".join(out)
    passes = [l for l in out if l.startswith("PASS")]
    # the one-time checks, then two long-mode rounds of eight each
    assert len(passes) >= 20, "\n".join(out)


@pytest.mark.parametrize("vm", MODES_VMS)
def test_info_structure(boot, vm):
    out = guest_lines(boot, vm)
    assert "INFO cmdline=mb_modes test=1" in out
    assert "INFO loader=Keel" in out
    assert "INFO module0=mbmod" in out
    m = next(l for l in out if l.startswith("INFO mem_upper=0x"))
    assert int(m.split("0x")[1], 16) == (16 << 10) - 1024
    for check in ("multiboot magic in EAX", "info flags", "memory map",
                  "module contents", "module page-aligned"):
        assert f"PASS {check}" in out


@pytest.mark.parametrize("vm", MODES_VMS)
def test_mode_transitions(boot, vm):
    out = guest_lines(boot, vm)
    for check in ("PAE paging on", "PAE paging off", "EFER.LMA set by CR0.PG",
                  "64-bit mode", "left long mode: EFER.LMA clear",
                  "back in 32-bit protected mode without paging"):
        assert out.count(f"PASS {check}") >= 1, check
    # back and forth: long mode twice
    assert out.count("PASS 64-bit mode") == 2
    for check in ("toggle CR0.WP", "toggle CR4.PGE", "toggle CR4.OSFXSR",
                  "lmsw from memory: MP and TS set, PE kept",
                  "lmsw from memory (base + disp8): EM only"):
        assert f"PASS {check}" in out, check


@pytest.mark.parametrize("vm", MODES_VMS)
def test_illegal_writes_raise_gp(vendor, boot, vm):
    out = guest_lines(boot, vm)
    for check in ("CR0.PG without CR0.PE", "CR0.NW without CR0.CD",
                  "CR4 reserved bit 15", "CR4.VMXE (VMX not offered)",
                  "CR0.PG with EFER.LME and no CR4.PAE",
                  "EFER.LME changed while paging",
                  "clear CR4.PAE in long mode", "clear CR0.PG in 64-bit mode",
                  "clear EFER.LME in long mode"):
        assert f"PASS gp: {check}" in out, check


@pytest.mark.parametrize("vm", ("veca", "vecb"))
def test_fresh_guest_sees_reset_registers(boot, vm):
    out = guest_lines(boot, vm)
    assert "PASS fresh MXCSR 0x1f80" in out, "\n".join(out)
    assert "PASS fresh XMM0-7 zero" in out, "\n".join(out)


@pytest.mark.parametrize("vm,marker", (("veca", "41414141"),
                                       ("vecb", "42424242")))
def test_vector_registers_survive_preemption(boot, vm, marker):
    out = guest_lines(boot, vm)
    assert f"INFO marker=0x{marker}" in out
    info = next(l for l in out if l.startswith("INFO preemptions="))
    n = int(re.search(r"preemptions=0x([0-9a-f]+)", info).group(1), 16)
    assert n >= 1000, info
    assert "PASS XMM0-7 kept their marker across preemptions" in out
    assert "DONE mb_vec" in out
    assert not [l for l in out if l.startswith("FAIL")], "\n".join(out)


def test_hypervisor_survives(vendor, boot):
    assert "PANIC" not in boot
    assert not re.search(r"^keel: error: vm (modes|modes32|veca|vecb):",
                         boot, re.M)
