# SPDX-License-Identifier: MIT
"""Issue 12 in the admin shell: `create NAME kernel=MODULE module=MODULE
cmdline="..."` makes a Multiboot kernel's VM through VM_CREATE (ABI 1.4,
keel_vm_config.modules), as a keel.cfg vm line does. The mb_modes test
kernel (guests/mb) prints the command line and the modules it was handed
and checks their contents; its console is read through the shell. The
refusals are asserted too: module= for a Keel ELF image, a module that does
not exist, a fifth module=, IMAGE together with kernel=.

One boot per vendor (amd: QEMU TCG SVM, intel: Bochs VMX) serves the whole
file; the tests run in file order on that machine and each removes the VMs
it made.
"""

import re

import pytest

import harness
from test_mgmt import PROMPT, Shell

# The same module text as test_multiboot.py: mb_modes checks it begins
# with KEELMOD!.
MODULE_TEXT = b"KEELMOD!\nmodule contents for mb_modes\n"

CONFIG = """\
cmdline loglevel=info
vm mgmt image=mgmt mem=16M role=mgmt
"""

CREATE = 'create mbk kernel=mb_modes module=mbmod cmdline="mb_modes test=1" mem=16M'


@pytest.fixture(scope="module", params=("amd", "intel"))
def vendor(request):
    return request.param


@pytest.fixture(scope="module")
def shell(vendor, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(f"create-mb-{vendor}")
    mod = tmp / "mbmod.txt"
    mod.write_bytes(MODULE_TEXT)
    guests = harness.build_dir() / "guests"
    esp = harness.make_esp(tmp / "esp", CONFIG,
                           modules=[guests / "mgmt.elf", guests / "hello.elf",
                                    guests / "mb_modes.bin",
                                    guests / "mb_modes32.elf", mod])
    with harness.Machine(vendor, esp, smp=2, mem="512M",
                         timeout=harness.DEFAULT_TIMEOUT[vendor],
                         logfile=tmp / "serial.log") as m:
        m.expect(r"Keel management shell; type help\n")
        m.expect(re.escape(PROMPT))
        yield Shell(m)


def test_images_kinds(shell):
    images = {i["name"]: i["kind"]
              for i in shell.json("images --json")["images"]}
    assert images["mb_modes"] == "multiboot"
    # an ELF32 file whose Multiboot header has no address fields
    assert images["mb_modes32"] == "multiboot"
    assert images["hello"] == "keel-elf"
    assert images["mbmod"] not in ("multiboot", "keel-elf")
    shell.ok("help create", r"create NAME IMAGE\|kernel=MODULE "
             r"\[module=MODULE\]\.\.\.")


def test_refusals(shell):
    before = shell.stable_vms()
    shell.error("create x kernel=hello module=mbmod",
                "module= is only for Multiboot kernels; 'hello' is a Keel "
                "ELF image")
    shell.error("create y kernel=mb_modes module=nosuch",
                "no boot module named 'nosuch'")
    shell.error("create z kernel=mb_modes module=mbmod module=mbmod "
                "module=mbmod module=mbmod module=mbmod",
                "too many module= options: a Multiboot kernel takes at most 4")
    shell.error("create w mb_modes kernel=mb_modes",
                "IMAGE or kernel=MODULE, not both")
    shell.error("create w module=mbmod", "create needs an image")
    shell.error('create w kernel=mb_modes args="a" cmdline="b"',
                "give one of them")
    # nothing was made
    assert shell.stable_vms() == before


def test_multiboot_kernel_from_the_shell(shell):
    free = shell.mem_free()
    shell.ok(CREATE, r"^created mbk \(id \d+\)$")
    vm = shell.vm("mbk")
    assert vm["state"] == "created" and vm["mem_target"] == 16 << 20
    shell.ok("start mbk", r"started mbk")
    shown = shell.console("mbk", r"DONE mb_modes", timeout=240)
    lines = [l.strip() for l in shown.splitlines()]
    assert "INFO cmdline=mb_modes test=1" in lines, shown
    assert "INFO loader=Keel" in lines, shown
    assert "INFO module0=mbmod" in lines, shown
    for check in ("multiboot magic in EAX", "info flags", "memory map",
                  "module contents", "module page-aligned", "64-bit mode"):
        assert f"PASS {check}" in lines, check
    assert not [l for l in lines if l.startswith("FAIL")], shown
    shell.wait_state("mbk", "halted", timeout=120)
    shell.destroy("mbk")
    assert "mbk" not in shell.vms()
    assert shell.mem_free() == free


def test_cycle_takes_the_same_options(shell):
    shell.ok('cycle c kernel=mb_modes module=mbmod cmdline="x" count=2',
             r"cycled c 2 times in \d+ ms; .*\(the same\)", timeout=240)
    shell.error("cycle c kernel=hello module=mbmod count=2",
                "module= is only for Multiboot kernels")


def test_hypervisor_survives(shell):
    assert "PANIC" not in shell.m.log
    assert list(shell.vms()) == ["mgmt"]
