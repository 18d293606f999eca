# SPDX-License-Identifier: MIT
"""tools/flash: writes and verifies a file target, refuses unsafe targets,
and never touches a real disk. The refusal rules are also checked on
made-up device facts (a system disk, swap, LVM, ...), and the loop-device
tests use a file-backed loop device, skipped with the reason when this
machine cannot make or mount one."""

import importlib.machinery
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import harness

FLASH = harness.TOOLS / "flash"
MIB = 1 << 20


def load_flash():
    loader = importlib.machinery.SourceFileLoader("keel_flash", str(FLASH))
    spec = importlib.util.spec_from_loader("keel_flash", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


flash_mod = load_flash()


def run_flash(*args, stdin=subprocess.DEVNULL):
    return subprocess.run([sys.executable, str(FLASH), *map(str, args)],
                          capture_output=True, text=True, stdin=stdin,
                          timeout=120)


@pytest.fixture
def image(tmp_path):
    """A small stand-in for build/keel.img: a GPT signature and noise."""
    data = bytearray(os.urandom(3 * MIB + 4096))
    data[512:520] = b"EFI PART"
    path = tmp_path / "keel.img"
    path.write_bytes(data)
    return path


# -------------------------------------------------------------- files

def test_writes_and_verifies_a_file(image, tmp_path):
    target = tmp_path / "stick.bin"
    target.write_bytes(b"\xff" * (5 * MIB))
    r = run_flash("--yes", image, target)
    assert r.returncode == 0, r.stderr
    assert "wrote and verified" in r.stdout
    data = target.read_bytes()
    assert data[:image.stat().st_size] == image.read_bytes()
    # only the image's length is written, like on a disk
    assert data[image.stat().st_size:] == b"\xff" * (5 * MIB - image.stat().st_size)
    assert "verifying" in r.stderr		# progress is shown


def test_empty_file_grows_to_the_image(image, tmp_path):
    target = tmp_path / "empty.bin"
    target.touch()
    r = run_flash("--yes", image, target)
    assert r.returncode == 0, r.stderr
    assert target.read_bytes() == image.read_bytes()


def test_refuses_a_missing_target(image, tmp_path):
    target = tmp_path / "sdz"
    r = run_flash("--yes", image, target)
    assert r.returncode == 1
    assert "does not exist" in r.stderr
    assert not target.exists(), "a missing target must not be created"
    r = run_flash("--yes", image, "/dev/keel-no-such-disk")
    assert r.returncode == 1 and "does not exist" in r.stderr
    assert not Path("/dev/keel-no-such-disk").exists()


def test_asks_before_writing(image, tmp_path):
    target = tmp_path / "stick.bin"
    target.write_bytes(b"keep me")
    # no terminal to ask on, no --yes: nothing is written
    r = run_flash(image, target)
    assert r.returncode == 1
    assert "pass --yes" in r.stderr
    assert target.read_bytes() == b"keep me"


def test_asks_on_a_terminal(image, tmp_path):
    pexpect = pytest.importorskip("pexpect")
    target = tmp_path / "stick.bin"
    target.write_bytes(b"keep me")
    child = pexpect.spawn(sys.executable, [str(FLASH), str(image), str(target)],
                          encoding="utf-8", timeout=60)
    child.expect(r"-> the file .*stick\.bin")
    child.expect("Type yes to write: ")
    child.sendline("no")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    assert target.read_bytes() == b"keep me"
    child = pexpect.spawn(sys.executable, [str(FLASH), str(image), str(target)],
                          encoding="utf-8", timeout=60)
    child.expect("Type yes to write: ")
    child.sendline("yes")
    child.expect("wrote and verified")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert target.read_bytes() == image.read_bytes()


def test_refuses_odd_targets_and_images(image, tmp_path):
    r = run_flash("--yes", image, image)
    assert r.returncode == 1 and "is the image itself" in r.stderr
    r = run_flash("--yes", image, "/dev/null")
    assert r.returncode == 1
    assert "neither a block device nor a regular file" in r.stderr
    r = run_flash("--yes", image, tmp_path)
    assert r.returncode == 1
    target = tmp_path / "t.bin"
    target.touch()
    r = run_flash("--yes", tmp_path / "nothing.img", target)
    assert r.returncode == 1 and "make image" in r.stderr
    empty = tmp_path / "empty.img"
    empty.touch()
    r = run_flash("--yes", empty, target)
    assert r.returncode == 1 and "is empty" in r.stderr
    r = run_flash("--yes", image)
    assert r.returncode == 2		# usage


def test_exit_status_is_1_when_verification_fails(image, tmp_path,
                                                  monkeypatch, capsys):
    target = tmp_path / "stick.bin"
    target.touch()
    monkeypatch.setattr(flash_mod, "read_back",
                        lambda path, size, is_block: "0" * 64)
    assert flash_mod.main(["--yes", str(image), str(target)]) == 1
    assert "verification FAILED" in capsys.readouterr().err


# -------------------------------------------------------------- rules

def facts(**kw):
    base = dict(path="/dev/sdx", name="sdx", type="disk", size=16 << 30,
                ro=False, removable=True, tran="usb", model="Keel Stick",
                parent=None, mounted={}, swap=[], holders={}, system=False,
                partitions=[])
    base.update(kw)
    return base


def why(f, force=False, size=64 * MIB):
    return "\n".join(flash_mod.refusals(f, size, force))


def test_rules_allow_a_removable_usb_stick():
    assert flash_mod.refusals(facts(), 64 * MIB, False) == []
    # hot-pluggable or on USB counts as removable too
    assert flash_mod.refusals(facts(removable=True, tran="usb"), 1, False) == []


def test_rules_refuse_unsafe_devices():
    assert "is mounted on /media/x" in why(
        facts(mounted={"/dev/sdx1": ["/media/x"]}))
    assert "in use as swap" in why(facts(swap=["/dev/sdx2"]))
    assert "holds the running system" in why(facts(system=True))
    assert "in use by dm-0" in why(facts(holders={"sdx2": ["dm-0"]}))
    assert "is a partition" in why(facts(type="part", parent="/dev/sdx"))
    assert "tools/flash IMAGE /dev/sdx" in why(
        facts(type="part", parent="/dev/sdx"))
    assert "is a rom device" in why(facts(type="rom"))
    assert "read-only" in why(facts(ro=True))
    assert "less than the image" in why(facts(size=32 * MIB))
    assert "not a removable disk" in why(facts(removable=False, tran="sata"))


def test_force_only_lifts_the_removable_rule():
    fixed = facts(removable=False, tran="nvme")
    assert flash_mod.refusals(fixed, 64 * MIB, True) == []
    for unsafe in (facts(removable=False, system=True),
                   facts(removable=False, mounted={"/dev/sdx": ["/"]}),
                   facts(swap=["/dev/sdx"]), facts(holders={"sdx": ["md0"]}),
                   facts(size=1)):
        assert flash_mod.refusals(unsafe, 64 * MIB, True), unsafe


def test_rules_on_this_machines_system_disk():
    """Only reads facts about the disk under /; writes nothing."""
    src = subprocess.run(["findmnt", "-n", "-o", "SOURCE", "/"],
                         capture_output=True, text=True).stdout.strip()
    if not src.startswith("/dev/") or not os.path.exists(src):
        pytest.skip(f"/ is on {src or 'nothing'}, not a block device")
    f = flash_mod.device_facts(src)
    text = "\n".join(flash_mod.refusals(f, MIB, True))
    assert "holds the running system" in text or "is mounted on /" in text


# -------------------------------------------------------------- loop devices

def loop_skip_reason():
    if os.geteuid() != 0:
        return "loop devices need root"
    if not os.path.exists("/dev/loop-control"):
        return "no /dev/loop-control in this machine"
    for tool in ("losetup", "mke2fs", "mount", "umount"):
        if not shutil.which(tool):
            return f"{tool} is not installed"
    r = subprocess.run(["losetup", "-f"], capture_output=True, text=True)
    if r.returncode != 0:
        return f"losetup -f: {r.stderr.strip() or 'no free loop device'}"
    return None


@pytest.fixture
def loop_device(tmp_path):
    reason = loop_skip_reason()
    if reason:
        pytest.skip(f"cannot test against a loop device: {reason}")
    backing = tmp_path / "loop.img"
    with open(backing, "wb") as f:
        f.truncate(8 * MIB)
    r = subprocess.run(["losetup", "-f", "--show", str(backing)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot test against a loop device: losetup: "
                    f"{r.stderr.strip()}")
    dev = r.stdout.strip()
    try:
        yield dev, backing
    finally:
        subprocess.run(["umount", dev], capture_output=True)
        subprocess.run(["losetup", "-d", dev], capture_output=True)


def test_refuses_a_mounted_loop_device(image, loop_device, tmp_path):
    dev, backing = loop_device
    subprocess.run(["mke2fs", "-q", "-F", dev], check=True,
                   capture_output=True)
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    r = subprocess.run(["mount", dev, str(mnt)], capture_output=True,
                       text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a file system here: {r.stderr.strip()}")
    before = backing.read_bytes()
    r = run_flash("--yes", "--force", image, dev)
    assert r.returncode == 1
    assert f"{dev} is mounted on {mnt}" in r.stderr
    subprocess.run(["umount", str(mnt)], check=True)
    # ext2 leaves its first 1 KiB alone; the image would have filled it
    after = backing.read_bytes()
    assert after[:1024] == before[:1024], "the loop device was written"
    assert after[512:520] != b"EFI PART"


def test_loop_device_needs_force_then_is_written(image, loop_device):
    dev, backing = loop_device
    r = run_flash("--yes", image, dev)
    assert r.returncode == 1
    assert "not a removable disk" in r.stderr and "--force" in r.stderr
    assert backing.read_bytes()[:image.stat().st_size] != image.read_bytes()
    r = run_flash("--yes", "--force", image, dev)
    assert r.returncode == 0, r.stderr
    assert f"wrote and verified {image.stat().st_size} bytes to {dev}" in r.stdout
    assert backing.read_bytes()[:image.stat().st_size] == image.read_bytes()


def test_refuses_an_image_larger_than_the_device(tmp_path, loop_device):
    dev, _ = loop_device
    big = tmp_path / "big.img"
    with open(big, "wb") as f:
        f.seek(512)
        f.write(b"EFI PART")
        f.truncate(9 * MIB)
    r = run_flash("--yes", "--force", big, dev)
    assert r.returncode == 1 and "less than the image" in r.stderr
