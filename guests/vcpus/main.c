// SPDX-License-Identifier: MIT
/*
 * vcpus: a guest whose vCPUs come and go with the shell's
 * `resize NAME vcpus=N`. It registers where new vCPUs start
 * (KEEL_HC_VCPU_ENTRY) and starts the vcpus= it was created with; every
 * vCPU says "vcpus: vcpuN online" and then counts in 10 ms sleeps. vCPU 0
 * reports "vcpus: N online" whenever the number the hypervisor reports
 * (SELF_INFO) changes.
 *   period=MS   how often vCPU 0 checks (default 50)
 */
#include <stdarg.h>

#include <lib/format.h>
#include <lib/string.h>

#include "guest.h"

#define STACK_SIZE 16384
#define NS_PER_MS  1000000ull

static uint8_t stacks[KEEL_MAX_VCPUS][STACK_SIZE] __attribute__((aligned(16)));
static volatile uint64_t ticks[KEEL_MAX_VCPUS];

/*
 * One line in one CONSOLE_WRITE: no lock, so a vCPU the hypervisor takes
 * offline mid-line cannot leave the others spinning on gprintf's.
 */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void say(const char *fmt, ...)
{
	char buf[96];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	console_write(buf, strlen(buf));
}

static void count_forever(uint32_t id)
{
	for (;;) {
		ticks[id]++;
		sleep_ns(10 * NS_PER_MS);
	}
}

void guest_ap_main(uint64_t arg)
{
	uint32_t id = (uint32_t)arg;

	say("vcpus: vcpu%u online\n", id);
	if (id < KEEL_MAX_VCPUS)
		count_forever(id);
}

static uint32_t online(void)
{
	struct keel_vm_info vi;

	if (hypercall(KEEL_HC_SELF_INFO, (unsigned long)&vi, sizeof(vi)))
		return 0;
	return vi.vcpus;
}

void guest_main(void)
{
	uint64_t period = arg_u64("period", 50);
	uint32_t n = start_info->vcpu_count, seen = 0;
	long ret;

	say("vcpus: vcpu0 online\n");
	ret = vcpu_entry_register(stacks, STACK_SIZE);
	if (ret)
		say("FAIL: vcpus: VCPU_ENTRY returned %ld\n", ret);
	for (uint32_t id = 1; id < n && id < KEEL_MAX_VCPUS; id++) {
		ret = vcpu_start(id, stacks[id] + STACK_SIZE, id);
		if (ret)
			say("FAIL: vcpus: starting vcpu%u returned %ld\n",
				id, ret);
	}
	for (;;) {
		uint32_t now = online();

		if (now != seen) {
			say("vcpus: %u online\n", now);
			seen = now;
		}
		ticks[0]++;
		sleep_ns(period * NS_PER_MS);
	}
}
