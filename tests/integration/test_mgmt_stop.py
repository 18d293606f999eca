# SPDX-License-Identifier: MIT
"""A management VM that dies gives the serial console back with its stop
report: while it owned the console the hypervisor's lines went only to
the log ring, which nobody can read once it is gone. The report says
whether the guest's own page tables map the instruction it died at.

The management VM here is isotest taking an exception with no IDT (a
triple fault); one boot per vendor.
"""

import re

import pytest

import harness

CONFIG = """\
cmdline loglevel=info
module isotest /keel/guests/isotest.elf
vm m image=isotest mem=16M cpu=0 role=mgmt args="crash=triple"
"""


@pytest.fixture(scope="module", params=("amd", "intel"))
def vendor(request):
    return request.param


@pytest.fixture(scope="module")
def boot(vendor, tmp_path_factory):
    return harness.boot_until(
        vendor, tmp_path_factory.mktemp(f"mgmt-stop-{vendor}"), CONFIG,
        r"keel: all guests have stopped",
        guests=[harness.build_dir() / "guests" / "isotest.elf"])


def after_takeback(log):
    """The serial lines from the management VM's handover on."""
    at = log.index("the serial console is now this management VM's")
    return log[at:].splitlines()


def test_the_console_comes_back(boot):
    assert re.search(r"^keel: warning: vm m: the management VM has stopped "
                     r"\(triple fault .*\); the serial console is the "
                     r"hypervisor's again$", boot, re.M)


def test_the_stop_report_is_replayed_before_the_takeback_line(boot):
    out = after_takeback(boot)
    error = [i for i, l in enumerate(out)
             if re.match(r"keel: error: vm m: triple fault \(exit 0x[0-9a-f]+"
                         r"\), vcpu 0 rip 0x[0-9a-f]+; vm stopped$", l)]
    back = [i for i, l in enumerate(out) if "hypervisor's again" in l]
    assert len(error) == 1, "the stop report was not shown"
    assert back and error[0] < back[0]
    # the vendor's register dump came with it
    assert any(re.match(r"keel:   rip=[0-9a-f]{16} rsp=", l)
               for l in out[error[0]:back[0]])
    # no debug lines in the replay
    assert not any(l.startswith("keel: debug:") for l in out[:back[0]])


def test_the_report_says_whether_its_page_tables_map_rip(boot):
    died = re.search(r"^keel: error: vm m: triple fault .* rip (0x[0-9a-f]+);",
                     boot, re.M)
    walk = re.search(r"^keel:   its page tables \(cr3 0x[0-9a-f]+\) map rip "
                     r"(0x[0-9a-f]+) to guest-physical (0x[0-9a-f]+) now$",
                     boot, re.M)
    assert died and walk, "no page-table line in the report"
    # the ud2 it died at, mapped 1:1 as Keel maps its ELF guests
    assert walk.group(1) == died.group(1) == walk.group(2)
