# SPDX-License-Identifier: MIT
"""The UEFI loader's failure paths: each prints one clear
`keel-loader: error:` line. None of them needs a working hypervisor."""

import pytest

ERROR = r"keel-loader: error: "


@pytest.mark.amd
def test_missing_module_names_the_file(make_esp, machine):
    esp = make_esp("module ghost /keel/guests/ghost.elf\n")
    m = machine("amd", esp)
    line = m.expect_line(ERROR)
    assert "/keel/guests/ghost.elf" in line
    assert "not found" in line


@pytest.mark.amd
def test_cpu_without_svm_is_refused(make_esp, machine):
    esp = make_esp("cmdline test\n")
    m = machine("amd", esp, cpu="qemu64,-svm")
    m.expect_line(ERROR + r"this CPU has neither VT-x nor AMD-V: "
                  r"Keel cannot run here")


@pytest.mark.parametrize("vendor", ["amd", "intel"])
def test_config_syntax_error_gives_the_line(vendor, make_esp, machine):
    esp = make_esp("# a comment\n"
                   "cmdline test\n"
                   "modul typo /keel/guests/typo.elf\n")
    m = machine(vendor, esp)
    line = m.expect_line(ERROR)
    assert ERROR + "keel.cfg line 3: " in line


@pytest.mark.amd
def test_missing_hypervisor_names_the_file(make_esp, machine):
    esp = make_esp("hypervisor /keel/nowhere.elf\n")
    m = machine("amd", esp)
    line = m.expect_line(ERROR)
    assert "/keel/nowhere.elf" in line and "not found" in line


@pytest.mark.amd
def test_bad_hypervisor_image_gives_the_reason(make_esp, machine):
    # keel.cfg itself is not an ELF file.
    esp = make_esp("hypervisor /keel.cfg\n")
    m = machine("amd", esp)
    line = m.expect_line(ERROR)
    assert "hypervisor /keel.cfg is not a valid image: " in line
