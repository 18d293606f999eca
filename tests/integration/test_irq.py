# SPDX-License-Identifier: MIT
"""The PC platform's interrupt routing (issue 13, docs/guests.md): the
I/O APIC, COM1's interrupts on GSI 4, the 8259 pair's register state,
and the local APIC's TMR and EOI broadcast, seen from guests/irqtest.

One boot per vendor: the management VM owns the console, irqtest (two
vCPUs on CPUs 0-1) runs its checks, each "irqtest: PASS name", then
waits for input. The test attaches to its console through the admin
shell and types a key: the management VM hands it to irqtest's COM1
(KEEL_HC_CONSOLE_INPUT), whose received-data interrupt brings it in.
"""

import re

import pytest

import harness

PROMPT = "keel> "
TYPE_CHUNK = 8

CONFIG = """\
cmdline loglevel=info
vm mgmt image=mgmt mem=16M role=mgmt
vm irqtest image=irqtest mem=8M vcpus=2 cpus=0-1
"""

# every check irqtest makes; each must print PASS
CHECKS = (
    "ioapic_id", "ioapic_version", "ioapic_arb", "redir_reset",
    "redir_readback",
    "thre_interrupt", "iir_cleared_by_read", "thre_after_write",
    "out2_gates", "iir_fifo_bits", "iir_fifo_thre",
    "cr8_is_tpr", "cr8_holds_back", "tpr_is_cr8", "tpr_class_holds_back",
    "cr8_lowered_delivers", "cr8_cleared",
    "masked_holds_back", "level_eoi_redelivers", "remote_irr_in_service",
    "tmr_in_service", "remote_irr_cleared", "mask_level", "unmask_delivers",
    "remote_halted", "remote_running_logical",
    "nmi_self", "nmi_blocks_nmi", "nmi_after_iret", "nmi_remote_running", "nmi_remote_halted",
    "ioapic_nmi", "ioapic_nmi_level",
    "window_no_register", "window_select_bits", "window_byte_reads",
    "window_qword_read", "window_byte_write", "window_elsewhere",
    "window_unaligned",
    "pic_probe", "pic_init_mask", "pic_irr", "pic_isr",
    "rda",
)


def type_text(m, text):
    """Types into the shell a few bytes at a time, each after its echo."""
    for i in range(0, len(text), TYPE_CHUNK):
        chunk = text[i:i + TYPE_CHUNK]
        m.send(chunk)
        m.expect(re.escape(chunk), timeout=60)


@pytest.fixture(scope="module", params=("amd", "intel"))
def vendor(request):
    return request.param


@pytest.fixture(scope="module")
def run(vendor, tmp_path_factory):
    """The console text irqtest showed while attached (scroll-back, then
    live), and the whole serial log."""
    tmp = tmp_path_factory.mktemp(f"irq-{vendor}")
    build = harness.build_dir()
    esp = harness.make_esp(tmp / "esp", CONFIG,
                           modules=[build / "guests" / f"{g}.elf"
                                    for g in ("mgmt", "irqtest")])
    with harness.Machine(vendor, esp, smp=2, mem="512M",
                         timeout=harness.DEFAULT_TIMEOUT[vendor],
                         logfile=tmp / "serial.log") as m:
        m.expect(r"Keel management shell; type help\n")
        m.expect(re.escape(PROMPT))
        type_text(m, "console irqtest")
        m.send("\r")
        m.expect(r"attached to irqtest; Enter ~ \. detaches\n")
        shown = m.expect(r"(?s)(.*?irqtest: waiting for input\n)").group(1)
        m.send("k")
        shown += m.expect(r"(?s)(.*?irqtest: done: \d+ failures\n)").group(1)
        m.send("\r")
        m.send("~.")
        m.expect(r"detached from irqtest\n")
        m.expect(re.escape(PROMPT))
        # the hypervisor's log: nothing stopped the VM
        type_text(m, "log")
        m.send("\r")
        log = m.expect(r"(?s)(.*?)" + re.escape(PROMPT)).group(1)
        return {"console": shown, "log": log, "serial": m.log}


@pytest.mark.parametrize("check", CHECKS)
def test_check_passes(run, check):
    out = run["console"]
    assert re.search(rf"^irqtest: PASS {check}\s*$", out, re.M), \
        f"no PASS line for {check}"
    assert not re.search(rf"^irqtest: FAIL {check}:", out, re.M)


def test_no_failures(run):
    out = run["console"]
    fails = re.findall(r"^irqtest: FAIL.*$", out, re.M)
    assert not fails, "\n".join(fails)
    assert re.search(r"^irqtest: done: 0 failures", out, re.M)


def test_typed_key_arrived_by_interrupt(run):
    m = re.search(r"^irqtest: got '([^']*)' in (\d+) interrupt", run["console"],
                  re.M)
    assert m and m.group(1).startswith("k"), run["console"][-500:]
    print(f"received {m.group(1)!r} in {m.group(2)} interrupt(s)")


def test_nothing_stopped(run):
    assert "PANIC" not in run["serial"]
    assert not re.search(r"vm irqtest: .*(stage-2 violation|stopped)",
                         run["log"]), run["log"][-2000:]
