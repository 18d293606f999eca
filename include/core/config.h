/* SPDX-License-Identifier: MIT */
/*
 * keel.cfg: the boot configuration on the ESP, read by the loader (which
 * files to load) and by the hypervisor (which guests to start).
 *
 * One statement per line; '#' starts a comment; blank lines are ignored.
 *
 *   hypervisor PATH          the hypervisor image (default /keel/keel.elf)
 *   cmdline TEXT...          the hypervisor command line (rest of the line)
 *   module NAME PATH         a boot module: a file the loader brings along
 *   vm NAME image=MODULE [mem=SIZE] [maxmem=SIZE] [vcpus=N] [cpu=N]
 *          [cpus=LIST] [prio=P] [slice=MS] [role=mgmt|guest] [args="TEXT"]
 *          [on_reboot=restart|stop]
 *                            a guest started at boot from a module; vcpus
 *                            1-8 (default 1; the guest starts the others
 *                            with KEEL_HC_VCPU_START); cpus
 *                            the CPUs it may run on ("0-3,6" or "all",
 *                            default: only cpu=), cpu the one it starts on
 *                            (default: the first of cpus), prio 0-31
 *                            (higher runs first), slice 1-100 ms;
 *                            maxmem the resize limit (default mem); role
 *                            mgmt makes it the management VM (at most
 *                            one): started first, it owns the console,
 *                            and its prio defaults to 31 (it sleeps
 *                            between keys; a busy guest must not lock
 *                            the operator out); on_reboot what a reset
 *                            of the guest's machine does (default stop;
 *                            restart reloads it from its image). The values are checked by
 *                            vm_desc_check (core/vm_desc.h), as VM_CREATE's
 *                            are: by the parse, and again at boot, when the
 *                            hypervisor knows which CPUs run (a cpu= or
 *                            cpus= naming one that does not keeps that VM
 *                            from being created). kernel= and cmdline=
 *                            are image= and args= by their kernel names;
 *                            module=MODULE (up to 4) is for a Multiboot
 *                            kernel, initrd=MODULE for a Linux kernel
 *                            (docs/guests.md)
 *   console WHERE [baud=N] [width=1|2|4]
 *                            the hypervisor's serial console. WHERE is
 *                            com1..com4, io=PORT, mmio=ADDRESS, pci=BB:DD.F
 *                            (BAR 0 of that PCI function), spcr (the port
 *                            of the ACPI SPCR table) or none. Without a
 *                            console line: spcr when the firmware has an
 *                            SPCR table for a 16550, else com1. baud is
 *                            one of 300 600 1200 2400 4800 9600 19200
 *                            38400 57600 115200 (default: the SPCR's, else
 *                            115200); width is the register width in bytes
 *                            of an mmio or pci UART (default 1)
 *
 * Names are 1-31 characters of [A-Za-z0-9_.-]. Paths use '/' or '\' and
 * are at most BOOT_PATH_LEN-1 bytes. A value may be double-quoted to hold
 * spaces; there are no escapes. Every error names its line.
 *
 * Details the grammar above leaves open, as implemented in core/config.c:
 * lines end in LF or CRLF; a '#' outside quotes starts a comment anywhere
 * on a line; a quote may open a value or follow the '=' of an option and
 * must end the word; cmdline TEXT is kept as written, quotes included;
 * vm options come in any order, each at most once, cpu defaults to 0,
 * mem to CONFIG_DEFAULT_VM_MEM, prio and slice to CONFIG_DEFAULT_VM_PRIO
 * and CONFIG_DEFAULT_VM_SLICE_MS, cpus=all is VM_DESC_CPUS_ALL, a missing
 * maxmem 0, which means mem (maxmem=0 too, as VM_CREATE's mem_max 0);
 * a module may be defined after the vm line that names it; hypervisor
 * and cmdline may each appear once. Paths and
 * args are printable ASCII without '"'. console may appear once, its
 * options in any order; PORT and ADDRESS are numbers (0x for hex), PORT
 * at most 0xfff8, ADDRESS non-zero and below 2^52; BB:DD.F is hex bus,
 * device (up to 1f) and function (up to 7).
 */
#ifndef KEEL_CORE_CONFIG_H
#define KEEL_CORE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <core/vm_desc.h>
#include <keel/abi.h>
#include <keel/boot_info.h>

#define CONFIG_MAX_MODULES BOOT_MAX_MODULES
#define CONFIG_MAX_VMS     32
#define CONFIG_ARGS_LEN    KEEL_ARGS_LEN
#define CONFIG_DEFAULT_HYPERVISOR "/keel/keel.elf"
/* defaults; the limits are vm_desc_check's (core/vm_desc.h) */
#define CONFIG_DEFAULT_VM_MEM     (16ULL << 20)
#define CONFIG_DEFAULT_VM_PRIO    8
#define CONFIG_MGMT_VM_PRIO       KEEL_PRIO_MAX	/* role=mgmt without prio= */
#define CONFIG_DEFAULT_VM_SLICE_MS 10

struct config_module {
	char name[BOOT_NAME_LEN];
	char path[BOOT_PATH_LEN];
};

enum config_console_kind {
	CONFIG_CONSOLE_AUTO,	/* no console line: SPCR, else COM1 */
	CONFIG_CONSOLE_SPCR,
	CONFIG_CONSOLE_NONE,
	CONFIG_CONSOLE_IO,
	CONFIG_CONSOLE_MMIO,
	CONFIG_CONSOLE_PCI,
};

struct config_console {
	enum config_console_kind kind;
	uint64_t address;	/* IO: the port; MMIO: the physical address */
	uint8_t pci_bus, pci_dev, pci_func;	/* PCI */
	uint32_t baud;		/* 0: not given */
	uint8_t width;		/* 0: not given */
};

struct config {
	char hypervisor[BOOT_PATH_LEN];
	char cmdline[BOOT_CMDLINE_LEN];
	unsigned int module_count;
	struct config_module modules[CONFIG_MAX_MODULES];
	unsigned int vm_count;
	struct vm_desc vms[CONFIG_MAX_VMS];
	struct config_console console;
};

struct config_error {
	unsigned int line;	/* 1-based line of the error, 0 if none */
	char message[VM_DESC_WHY_LEN];	/* what is wrong and what to write
					   instead */
};

/*
 * Parses len bytes of text (NUL bytes are an error). Checks the grammar,
 * each vm with vm_desc_check (any CPU may run: the loader cannot know),
 * duplicate names, and that every vm's image names a module. Returns 0, or -KEEL_EINVAL with *err filled (err may be NULL);
 * after an error the contents of *cfg are unspecified.
 */
int config_parse(const char *text, size_t len, struct config *cfg,
		 struct config_error *err);

/* The module called name, or NULL. */
const struct config_module *config_find_module(const struct config *cfg,
					       const char *name);

#endif
