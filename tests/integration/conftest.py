# SPDX-License-Identifier: MIT
"""Fixtures for the boot tests.

Markers: `amd` (QEMU TCG, SVM) and `intel` (Bochs, VMX), so
`pytest -m amd` or `-m intel` picks one emulator. A test parametrized
over `vendor` gets the marker of each value automatically.

Fixtures:
  build_dir   the build directory ($KEEL_BUILD, default build)
  make_esp    make_esp(config, guests=(), modules=(), **kw) -> ESP dir
              in the test's tmp_path (see harness.make_esp)
  machine     machine(vendor, esp, **kw) -> a started harness.Machine,
              closed after the test; the serial log is kept in
              tmp_path/serial-N.log
"""

import pytest

import harness

VENDORS = ("amd", "intel")


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "amd: boots under QEMU TCG (AMD SVM + NPT)")
    config.addinivalue_line(
        "markers", "intel: boots under Bochs (Intel VMX + EPT)")


def pytest_collection_modifyitems(config, items):
    for item in items:
        callspec = getattr(item, "callspec", None)
        vendor = callspec.params.get("vendor") if callspec else None
        if vendor in VENDORS:
            item.add_marker(getattr(pytest.mark, vendor))


@pytest.fixture(scope="session")
def build_dir():
    path = harness.build_dir()
    if not (path / "BOOTX64.EFI").exists():
        pytest.fail(f"{path}/BOOTX64.EFI is missing: run make first "
                    f"(or set KEEL_BUILD)", pytrace=False)
    return path


@pytest.fixture
def make_esp(build_dir, tmp_path):
    count = 0

    def make(config, guests=(), modules=(), **kw):
        nonlocal count
        count += 1
        return harness.make_esp(tmp_path / f"esp{count}", config,
                                guests=guests, modules=modules,
                                build=build_dir, **kw)
    return make


@pytest.fixture
def machine(tmp_path):
    started = []

    def start(vendor, esp, **kw):
        kw.setdefault("logfile", tmp_path / f"serial-{len(started) + 1}.log")
        m = harness.Machine(vendor, esp, **kw)
        started.append(m)
        return m
    yield start
    for m in started:
        m.close()
