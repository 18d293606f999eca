# SPDX-License-Identifier: MIT
"""`make bench` still builds and runs (issue 5): its quick mode on QEMU
(SVM) must produce a results.json with every metric a number. Its
numbers are not checked: they are the benchmark's business, not a
test's."""

import json
import os
import subprocess
import sys

import pytest

import harness

QUICK_TIMEOUT_S = 600	# the run itself is ~60 s; the emulator lock may wait


@pytest.mark.amd
def test_bench_quick_mode_produces_every_metric(build_dir, tmp_path):
    make = os.environ.get("MAKE", "make")
    subprocess.run([make, "-s", f"BUILD={build_dir}", "bench-build"],
                   cwd=harness.REPO, check=True)
    run = subprocess.run(
        [sys.executable, str(harness.REPO / "tests" / "bench" / "run.py"),
         "--quick", "--vendor", "amd", "--out", str(tmp_path)],
        cwd=harness.REPO, capture_output=True, text=True,
        timeout=QUICK_TIMEOUT_S, env=dict(os.environ, KEEL_BUILD=str(build_dir)))
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    results = json.loads((tmp_path / "results.json").read_text())

    for section in (results["svm"], results["baseline"]["svm"],
                    results["host"]):
        assert section
        for name, value in section.items():
            assert isinstance(value, (int, float)), (name, value)
    for name in ("hypercall_null", "exit_cpuid", "exit_io", "exit_msr",
                 "vcpu_switch", "ipi_wake", "stage2_bytes_per_gib",
                 "hv_footprint_bytes", "vm_create_16m", "vm_destroy_16m",
                 "boot_to_shell", "idle_cpu_pct"):
        assert isinstance(results["svm"][name], (int, float)), name
    assert isinstance(results["text_bytes"], int)
    assert (tmp_path / "shares-svm.png").stat().st_size > 0
    assert "| `exit_cpuid` |" in (tmp_path / "performance.md").read_text()
