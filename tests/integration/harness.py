# SPDX-License-Identifier: MIT
"""Boot Keel in an emulator and talk to it over its serial line.

    with Machine("amd", esp) as m:
        m.expect(r"keel-loader: error: (.*)")
        m.send("help\r")

A Machine runs tools/run (QEMU for "amd", Bochs for "intel") on a
pseudo-terminal, so tests read the guest's COM1 output and type into it
the same way a person at `make run` would. Only one emulator runs at a
time on this machine (a lock file serializes them, also across
processes): the build machines give about one core of throughput.

make_esp() builds a per-test ESP directory with tools/mkesp.
"""

import fcntl
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pexpect

REPO = Path(__file__).resolve().parents[2]
TOOLS = REPO / "tools"
EMULATOR_LOCK = Path(tempfile.gettempdir()) / "keel-emulator.lock"

# Boot budgets measured on the build machine (OVMF to the loader: about
# 3 s under QEMU TCG, 9-16 s under Bochs), with room for a slow day.
DEFAULT_TIMEOUT = {"amd": 60, "intel": 180}

# CSI sequences (colours, cursor moves), other two-byte escapes, and CRs.
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[@-Z\\-_]|\r")


_ANSI_START = re.compile(r"\x1b(\[[0-?]*[ -/]*)?\Z")


def strip_ansi(text):
    """Serial output as plain text: ANSI escapes and CRs removed.

    An escape sequence cut off at the end of text (the rest has not
    arrived yet) is left out, so that the result only ever grows.
    """
    partial = _ANSI_START.search(text, max(0, len(text) - 64))
    if partial:
        text = text[:partial.start()]
    return _ANSI.sub("", text)


def build_dir():
    """The build directory: $KEEL_BUILD (default build), from the repo root."""
    path = Path(os.environ.get("KEEL_BUILD", "build"))
    return path if path.is_absolute() else REPO / path


class MachineError(AssertionError):
    """The machine did not do what the test expected; carries the log."""


class Machine:
    """One emulator run with its serial line attached.

    vendor: "amd" (QEMU TCG, SVM) or "intel" (Bochs, VMX).
    esp: an ESP directory or FAT image.
    cpu: a CPU model instead of the default (QEMU -cpu, Bochs model=),
        e.g. "qemu64,-svm" for a CPU without AMD-V.
    extra_args: more emulator arguments (QEMU options, or Bochs rc lines).
    timeout: default seconds for expect().
    logfile: if given, the raw serial output is also written there.
    """

    def __init__(self, vendor, esp, smp=2, mem="512M", timeout=None,
                 cpu=None, extra_args=(), debug_exit=True, logfile=None,
                 accel="tcg"):
        if vendor not in DEFAULT_TIMEOUT:
            raise ValueError(f"vendor must be amd or intel, not {vendor!r}")
        self.vendor = vendor
        self.esp = Path(esp)
        self.timeout = timeout or DEFAULT_TIMEOUT[vendor]
        self.exitstatus = None
        self._raw = ""
        self._clean = ""
        self._pos = 0
        self._child = None
        self._logfile = open(logfile, "w") if logfile else None
        self._workdir = tempfile.mkdtemp(prefix="keel-machine-")
        self._lock = open(EMULATOR_LOCK, "a")
        fcntl.flock(self._lock, fcntl.LOCK_EX)

        args = ["--vendor", vendor, "--esp", str(self.esp),
                "--smp", str(smp), "--mem", str(mem),
                "--accel", accel, "--workdir", self._workdir]
        if debug_exit:
            args.append("--debug-exit")
        if cpu:
            args += ["--cpu", cpu]
        if extra_args:
            args += ["--", *extra_args]
        try:
            self._child = pexpect.spawn(
                str(TOOLS / "run"), args, cwd=str(REPO),
                encoding="utf-8", codec_errors="replace", echo=False,
                dimensions=(50, 200), env=dict(os.environ))
        except Exception:
            self._release()
            raise
        self.started = time.monotonic()

    # -- reading ---------------------------------------------------------

    @property
    def log(self):
        """All serial output so far, ANSI escapes stripped."""
        return self._clean

    def _read_some(self, timeout):
        """Reads what is there within timeout; False once the child is gone."""
        try:
            chunk = self._child.read_nonblocking(65536, timeout=timeout)
        except pexpect.TIMEOUT:
            return True
        except pexpect.EOF:
            return False
        self._raw += chunk
        self._clean = strip_ansi(self._raw)
        if self._logfile:
            self._logfile.write(chunk)
            self._logfile.flush()
        return True

    def expect(self, pattern, timeout=None):
        """Waits for pattern (a regex) in the output after the last match.

        Returns the re.Match. Raises MachineError on timeout or when the
        emulator exits first.
        """
        rx = re.compile(pattern) if isinstance(pattern, str) else pattern
        timeout = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        while True:
            m = rx.search(self._clean, self._pos)
            if m:
                self._pos = m.end()
                return m
            left = deadline - time.monotonic()
            if left <= 0:
                raise MachineError(self._report(
                    f"timeout after {timeout} s waiting for {rx.pattern!r}"))
            if not self._read_some(min(left, 0.5)):
                m = rx.search(self._clean, self._pos)
                if m:
                    self._pos = m.end()
                    return m
                self._reap()
                raise MachineError(self._report(
                    f"emulator exited (status {self.exitstatus}) while "
                    f"waiting for {rx.pattern!r}"))

    def expect_line(self, pattern, timeout=None):
        """Waits for a whole output line containing pattern; returns it.

        The line is returned without its newline; its own match is in
        self.match_in_line (an re.Match against the line).
        """
        rx = re.compile(pattern) if isinstance(pattern, str) else pattern
        m = self.expect(r"(?m)^.*?" + rx.pattern + r".*\n", timeout)
        line = m.group(0)[:-1]
        self.match_in_line = rx.search(line)
        return line

    def wait_exit(self, timeout=None):
        """Waits for the emulator to exit; returns its exit status.

        With QEMU's debug-exit device that is (code << 1) | 1.
        """
        timeout = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        while self._read_some(min(max(deadline - time.monotonic(), 0), 0.5)):
            if time.monotonic() >= deadline:
                raise MachineError(self._report(
                    f"still running after {timeout} s"))
        self._reap()
        return self.exitstatus

    def _reap(self):
        if self._child is not None and self.exitstatus is None:
            self._child.close(force=True)
            self.exitstatus = (self._child.exitstatus
                               if self._child.exitstatus is not None
                               else -(self._child.signalstatus or 0))

    def _report(self, what):
        tail = self._clean[-3000:]
        text = f"{self.vendor}: {what}\n--- serial output (last 3000 chars) ---\n{tail}"
        bochs_log = Path(self._workdir) / "bochs.log"
        if bochs_log.exists():
            lines = bochs_log.read_text(errors="replace").splitlines()[-15:]
            text += "\n--- bochs.log (last lines) ---\n" + "\n".join(lines)
        return text

    # -- writing ---------------------------------------------------------

    def send(self, text):
        """Types text on the serial line (use "\\r" for Enter)."""
        self._child.send(text)

    def sendline(self, text=""):
        self.send(text + "\r")

    # -- life cycle ------------------------------------------------------

    def close(self):
        """Stops the emulator and removes its files (and Bochs lock files)."""
        child, self._child = self._child, None
        if child is not None:
            if child.isalive():
                # tools/run stops Bochs cleanly on SIGTERM; QEMU just exits.
                child.kill(signal.SIGTERM)
                end = time.monotonic() + 8
                while child.isalive() and time.monotonic() < end:
                    time.sleep(0.1)
            if child.isalive():
                try:
                    os.killpg(child.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            child.close(force=True)
            if self.exitstatus is None:
                self.exitstatus = child.exitstatus
        self._release()

    def _release(self):
        for lock in Path(self._workdir).glob("*.lock"):
            lock.unlink(missing_ok=True)
        shutil.rmtree(self._workdir, ignore_errors=True)
        if self._logfile:
            self._logfile.close()
            self._logfile = None
        if self._lock:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()
            self._lock = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __del__(self):
        if getattr(self, "_lock", None):
            self.close()


def make_esp(dest, config, guests=(), modules=(), loader=None,
             hypervisor=None, build=None):
    """Builds an ESP directory at dest with tools/mkesp and returns it.

    config: the text of keel.cfg.
    guests: files copied to /keel/guests/ (config refers to them).
    modules: files copied there with a `module NAME /keel/guests/FILE`
        line appended to keel.cfg.
    loader, hypervisor: default to the build directory's; the
        hypervisor is left out when it has not been built (the loader's
        own error paths need none).
    """
    build = Path(build) if build else build_dir()
    dest = Path(dest)
    loader = Path(loader) if loader else build / "BOOTX64.EFI"
    if not loader.exists():
        raise FileNotFoundError(f"{loader} is missing: run make first")
    if hypervisor is None and (build / "keel.elf").exists():
        hypervisor = build / "keel.elf"
    dest.mkdir(parents=True, exist_ok=True)
    cfg = dest.parent / (dest.name + ".keel.cfg")
    cfg.write_text(config)
    args = [str(TOOLS / "mkesp"), "--out", str(dest), "--loader", str(loader),
            "--config", str(cfg)]
    if hypervisor:
        args += ["--hypervisor", str(hypervisor)]
    for g in guests:
        args += ["--guest", str(g)]
    for m in modules:
        args += ["--module", str(m)]
    subprocess.run(args, check=True)
    return dest


def boot_until(vendor, tmp, config, line, guests=(), modules=(), smp=2):
    """Boots an ESP made in tmp from config and returns the serial log up
    to the first line matching line (the serial log is kept in tmp)."""
    esp = make_esp(Path(tmp) / "esp", config, guests=guests, modules=modules)
    with Machine(vendor, esp, smp=smp,
                 logfile=Path(tmp) / "serial.log") as m:
        m.expect_line(line)
        return m.log
