// SPDX-License-Identifier: MIT
/*
 * hello: the smallest demo image. It greets with its name, vCPU count and
 * memory, then halts (hlt with interrupts off: the VM is "halted").
 *   probe=mgmt   first try a management call (VM_LIST), which a guest
 *                without the management role must get -EPERM for
 *   echo=yes     then, instead of halting, read lines typed on its COM1
 *                (the shell's `console NAME` forwards keys) and answer
 *                each with "hello: you typed 'LINE'"
 */
#include <lib/string.h>

#include "guest.h"

#define MIB_SHIFT 20
#define LINE_MAX  80
#define NS_PER_MS 1000000ull

static void probe_mgmt(void)
{
	uint32_t ids[KEEL_MAX_VMS];
	long ret = hypercall4(KEEL_HC_VM_LIST, (unsigned long)ids,
			      KEEL_MAX_VMS, 0, 0);

	if (ret == -KEEL_EPERM)
		gprintf("hello: VM_LIST refused with EPERM, as it must be\n");
	else
		gprintf("FAIL: hello: VM_LIST returned %ld, not -EPERM\n", ret);
}

static __attribute__((noreturn)) void echo_lines(void)
{
	char line[LINE_MAX + 1], c;
	size_t len = 0;

	gprintf("hello: echoing what you type\n");
	for (;;) {
		if (!console_getc(&c)) {
			sleep_ns(NS_PER_MS);
			continue;
		}
		if (c == '\r' || c == '\n') {
			line[len] = '\0';
			if (len)
				gprintf("hello: you typed '%s'\n", line);
			len = 0;
		} else if (len < LINE_MAX) {
			line[len++] = c;
		}
	}
}

void guest_main(void)
{
	char probe[16], echo[8];

	if (arg_value("probe", probe, sizeof(probe)) && !strcmp(probe, "mgmt"))
		probe_mgmt();
	gprintf("hello from %s (vm %u, %u vCPU%s, %lu MiB)\n", start_info->name,
		start_info->vm_id, start_info->vcpu_count,
		start_info->vcpu_count == 1 ? "" : "s",
		(unsigned long)(start_info->mem_bytes >> MIB_SHIFT));
	if (arg_value("echo", echo, sizeof(echo)) && !strcmp(echo, "yes"))
		echo_lines();
}
