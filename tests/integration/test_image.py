# SPDX-License-Identifier: MIT
"""`make image`: the GPT disk image for real hardware. Its partition
table and FAT file system are checked byte by byte, then it boots as a
plain disk through OVMF, once per vendor (QEMU: -drive format=raw; Bochs:
a flat ATA disk)."""

import re
import struct
import subprocess
import uuid
import zlib
from pathlib import Path

import pytest

import harness

SECTOR = 512
ESP_TYPE = uuid.UUID("c12a7328-f81f-11d2-ba4b-00a0c93ec93b")
BOCHS_CYLINDER = 16 * 63		# sectors


def make_image(build, *extra):
    """Runs `make image` with extra make arguments; returns its output."""
    r = subprocess.run(["make", "-s", f"BUILD={build}", *extra, "image"],
                       cwd=harness.REPO, capture_output=True, text=True)
    assert r.returncode == 0, f"make image failed:\n{r.stdout}{r.stderr}"
    return r.stdout


@pytest.fixture(scope="module")
def image():
    build = harness.build_dir()
    make_image(build)
    path = build / "keel.img"
    assert path.is_file(), "make image did not write build/keel.img"
    return path


def gpt_header(disk, lba):
    raw = disk[lba * SECTOR:(lba + 1) * SECTOR]
    (sig, rev, size, crc, _, my_lba, alt_lba, first, last, guid, entries_lba,
     count, entry_size, entries_crc) = struct.unpack_from(
        "<8sIII4sQQQQ16sQIII", raw)
    assert sig == b"EFI PART", f"no GPT header at LBA {lba}"
    assert rev == 0x00010000 and size == 92
    check = bytearray(raw[:size])
    check[16:20] = b"\0\0\0\0"
    assert zlib.crc32(check) == crc, f"GPT header CRC wrong at LBA {lba}"
    table = disk[entries_lba * SECTOR:
                 entries_lba * SECTOR + count * entry_size]
    assert zlib.crc32(table) == entries_crc, "partition array CRC wrong"
    return dict(my_lba=my_lba, alt_lba=alt_lba, first=first, last=last,
                guid=guid, entries=table, count=count,
                entry_size=entry_size)


def partitions(hdr):
    out = []
    for i in range(hdr["count"]):
        e = hdr["entries"][i * hdr["entry_size"]:(i + 1) * hdr["entry_size"]]
        type_guid = uuid.UUID(bytes_le=bytes(e[:16]))
        if type_guid.int == 0:
            continue
        first, last = struct.unpack_from("<QQ", e, 32)
        name = bytes(e[56:128]).decode("utf-16-le").rstrip("\0")
        out.append(dict(type=type_guid, first=first, last=last, name=name))
    return out


@pytest.fixture(scope="module")
def layout(image):
    disk = image.read_bytes()
    primary = gpt_header(disk, 1)
    parts = partitions(primary)
    return disk, primary, parts


def test_protective_mbr_and_gpt(image, layout):
    disk, primary, parts = layout
    sectors = len(disk) // SECTOR
    assert len(disk) % SECTOR == 0
    # protective MBR: one partition of type 0xEE over the disk
    assert disk[510:512] == b"\x55\xaa"
    assert disk[446 + 4] == 0xEE
    assert primary["my_lba"] == 1
    assert primary["alt_lba"] == sectors - 1, "backup GPT not at the end"
    backup = gpt_header(disk, sectors - 1)
    assert backup["my_lba"] == sectors - 1 and backup["alt_lba"] == 1
    assert backup["guid"] == primary["guid"]
    assert backup["entries"] == primary["entries"]


def test_one_efi_system_partition(layout):
    _, primary, parts = layout
    assert len(parts) == 1, parts
    esp = parts[0]
    assert esp["type"] == ESP_TYPE
    assert esp["first"] == 2048, "the ESP should start at 1 MiB"
    assert primary["first"] <= esp["first"] <= esp["last"] <= primary["last"]
    assert (esp["last"] - esp["first"] + 1) * SECTOR >= 64 << 20


def test_bochs_takes_it_as_a_flat_disk(layout):
    disk, _, _ = layout
    assert (len(disk) // SECTOR) % BOCHS_CYLINDER == 0


def esp_offset(layout):
    return layout[2][0]["first"] * SECTOR


def test_esp_is_fat32(layout):
    disk, _, parts = layout
    boot = disk[esp_offset(layout):esp_offset(layout) + SECTOR]
    assert boot[510:512] == b"\x55\xaa"
    assert boot[82:90] == b"FAT32   ", "the ESP is not FAT32"
    hidden, total = struct.unpack_from("<II", boot, 28)
    assert hidden == parts[0]["first"]
    assert total == parts[0]["last"] - parts[0]["first"] + 1
    assert boot[71:82] == b"KEEL       "


def mtools(image, layout, *args):
    r = subprocess.run([args[0], "-i", f"{image}@@{esp_offset(layout)}",
                        *args[1:]], capture_output=True,
                       env={"MTOOLS_SKIP_CHECK": "1", "PATH": "/usr/bin:/bin"})
    assert r.returncode == 0, r.stderr.decode()
    return r.stdout


def test_esp_holds_the_files(image, layout):
    build = harness.build_dir()
    listing = mtools(image, layout, "mdir", "-/", "-b", "::/").decode()
    files = {l.strip() for l in listing.splitlines()}
    for f in ("::/EFI/BOOT/BOOTX64.EFI", "::/keel.cfg", "::/keel/keel.elf",
              "::/keel/guests/isotest.elf"):
        assert f in files, f"{f} missing from the ESP: {sorted(files)}"
    for path, local in (("::/EFI/BOOT/BOOTX64.EFI", build / "BOOTX64.EFI"),
                        ("::/keel/keel.elf", build / "keel.elf"),
                        ("::/keel/guests/isotest.elf",
                         build / "guests" / "isotest.elf"),
                        ("::/keel.cfg", harness.REPO / "boot" / "keel.cfg")):
        assert mtools(image, layout, "mtype", path) == local.read_bytes(), \
            f"{path} differs from {local}"


def test_guests_are_added(tmp_path):
    """make image GUESTS="file ..." puts them on the ESP as modules."""
    extra = tmp_path / "extra-guest.elf"
    extra.write_bytes(b"\x7fELF not really")
    img = tmp_path / "keel.img"
    make_image(harness.build_dir(), f"ESP_DIR={tmp_path}/esp",
               f"ESP_IMAGE={img}", f"GUESTS={extra}")
    disk = img.read_bytes()
    esp = partitions(gpt_header(disk, 1))[0]
    at = f"{img}@@{esp['first'] * SECTOR}"
    env = {"MTOOLS_SKIP_CHECK": "1", "PATH": "/usr/bin:/bin"}
    got = subprocess.run(["mtype", "-i", at, "::/keel/guests/extra-guest.elf"],
                         capture_output=True, env=env, check=True).stdout
    assert got == extra.read_bytes()
    cfg = subprocess.run(["mtype", "-i", at, "::/keel.cfg"],
                         capture_output=True, env=env, check=True).stdout
    assert b"module extra-guest /keel/guests/extra-guest.elf" in cfg


ROOT_MODE = {"amd": "SVM host mode", "intel": "VMX root mode"}


@pytest.mark.parametrize("vendor", ["amd", "intel"])
def test_image_boots_as_a_plain_disk(vendor, image, machine):
    m = machine(vendor, image)
    m.expect_line(r"keel-loader: hypervisor console: 16550 at I/O port "
                  r"0x3f8 \(COM1\), 115200 baud \(default; no ACPI SPCR "
                  r"table\)")
    m.expect_line(r"keel: console: 16550 at I/O port 0x3f8 \(COM1\)")
    m.expect_line(rf"keel: 2/2 CPUs in {ROOT_MODE[vendor]}")
    m.expect(r"keel> ")	# the default keel.cfg: the management VM's shell
    assert "PANIC" not in m.log
    # the local APIC mode is stated, whichever it is
    assert re.search(r"^keel: local APIC: (xAPIC|x2APIC)", m.log, re.M)
