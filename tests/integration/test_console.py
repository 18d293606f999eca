# SPDX-License-Identifier: MIT
"""The hypervisor's console on hardware-like setups, under QEMU: a UART
found through an ACPI SPCR table (added with -acpitable), a PCI serial
card named in keel.cfg, and an MMIO UART that does not answer (the
console falls back to COM1 and says why). The loader names the console
on the firmware's screen before it leaves it."""

import re
import struct
import time

import pytest

import harness

pytestmark = pytest.mark.amd

CONFIG = """\
module isotest /keel/guests/isotest.elf
vm demo image=isotest mem=16M cpu=0
"""
DONE = "keel: all guests have stopped"


def spcr_table(address, space=1, baud_code=7):
    """An SPCR table (revision 2) for a 16550 at an I/O port or MMIO."""
    t = bytearray(80)
    t[0:4] = b"SPCR"
    struct.pack_into("<I", t, 4, len(t))
    t[8] = 2
    t[10:16] = b"KEELTS"
    t[16:24] = b"KEELSPCR"
    t[36] = 0					# 16550 compatible
    struct.pack_into("<BBBBQ", t, 40, space, 8, 0, 1, address)
    t[58] = baud_code
    struct.pack_into("<HH", t, 64, 0xffff, 0xffff)	# not PCI
    t[9] = -sum(t) & 0xff
    return bytes(t)


def wait_for_text(path, text, timeout=60):
    deadline = time.monotonic() + timeout
    got = ""
    while time.monotonic() < deadline:
        if path.exists():
            got = harness.strip_ansi(path.read_text(errors="replace"))
            if text in got:
                return got
        time.sleep(0.3)
    raise AssertionError(f"{text!r} never reached {path}; it has:\n"
                         f"{got[-2000:]}")


def assert_silent(m, seconds=2):
    """No hypervisor line on COM1 (the console went elsewhere)."""
    with pytest.raises(harness.MachineError):
        m.expect(r"(?m)^keel: ", timeout=seconds)


@pytest.fixture
def esp(make_esp, build_dir):
    def make(extra=""):
        return make_esp(CONFIG + extra,
                        guests=[build_dir / "guests" / "isotest.elf"])
    return make


def test_spcr_moves_the_console_to_com2(esp, machine, tmp_path):
    table = tmp_path / "spcr.bin"
    table.write_bytes(spcr_table(0x2f8))
    com2 = tmp_path / "com2.txt"
    m = machine("amd", esp(), extra_args=[
        "-acpitable", f"file={table}",
        "-serial", "mon:stdio", "-serial", f"file:{com2}"])
    m.expect_line(r"keel-loader: hypervisor console: 16550 at I/O port "
                  r"0x2f8 \(COM2\), 115200 baud \(ACPI SPCR table\)")
    out = wait_for_text(com2, DONE)
    assert ("keel: console: 16550 at I/O port 0x2f8 (COM2), 115200 baud "
            "(ACPI SPCR table)") in out
    # lines logged before the console was up are printed, in order
    assert out.index("keel: Keel ") < out.index("keel: console: ")
    assert "[demo] checks done: 0 failures" in out
    assert_silent(m)


def test_config_names_a_pci_serial_card(esp, machine, tmp_path):
    # an SPCR table too: keel.cfg wins over it
    table = tmp_path / "spcr.bin"
    table.write_bytes(spcr_table(0x2f8))
    card = tmp_path / "card.txt"
    m = machine("amd", esp("console pci=00:05.0 baud=115200\n"), extra_args=[
        "-acpitable", f"file={table}",
        "-chardev", f"file,id=card,path={card}",
        "-device", "pci-serial,chardev=card,addr=05.0"])
    m.expect_line(r"keel-loader: hypervisor console: 16550 in BAR 0 of PCI "
                  r"00:05\.0, 115200 baud \(keel\.cfg\)")
    out = wait_for_text(card, DONE)
    # QEMU's pci-serial: Red Hat 1b36:0002, an I/O BAR the firmware placed
    assert re.search(r"keel: console: 16550 at I/O port 0x[0-9a-f]+ of PCI "
                     r"00:05\.0 \[1b36:0002\], 115200 baud \(keel\.cfg\)",
                     out), out[-2000:]
    assert "[demo] checks done: 0 failures" in out
    assert_silent(m)


def test_mmio_uart_that_does_not_answer_falls_back_to_com1(esp, machine):
    # nothing is mapped there in QEMU: above 4 GiB, so the hypervisor
    # maps it itself (uncached) before it probes the UART
    m = machine("amd", esp("console mmio=0x3ff000000 width=4 baud=9600\n"))
    m.expect_line(r"keel-loader: hypervisor console: 16550 at MMIO "
                  r"0x3ff000000, 32-bit registers, 9600 baud \(keel\.cfg\)")
    line = m.expect_line(r"keel: error: console: ")
    assert ("16550 at MMIO 0x3ff000000, 32-bit registers, 9600 baud "
            "(keel.cfg) does not answer") in line
    assert line.endswith("using COM1 at 115200 baud instead")
    m.expect_line(DONE)
    # the lines from before the console was up came first
    assert m.log.index("keel: Keel ") < m.log.index("keel: error: console")
