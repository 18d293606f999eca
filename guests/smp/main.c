// SPDX-License-Identifier: MIT
/*
 * smp: a guest with several vCPUs. vCPU 0 starts the others with
 * KEEL_HC_VCPU_START; each adds to a shared counter with atomic
 * increments and reports which vCPU it is; vCPU 0 waits for all of them
 * and checks the total, which only comes out right if every vCPU ran its
 * share with its own registers and shared the VM's memory.
 *   work=N   increments per vCPU (default 200000)
 */
#include "guest.h"

#define STACK_SIZE 16384
#define KEEL_MAX_VCPUS_GUEST 8
#define NS_PER_MS  1000000ul

static uint8_t stacks[KEEL_MAX_VCPUS_GUEST][STACK_SIZE] __attribute__((aligned(16)));
static volatile uint64_t counter;
static volatile uint32_t finished;
static uint64_t work;

static uint32_t cpuid_vcpu_id(void)
{
	uint32_t a, b, c, d;

	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d)
			 : "a"(1), "c"(0));
	return b >> 24;
}

static void do_work(uint32_t id)
{
	for (uint64_t i = 0; i < work; i++)
		__atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED);
	gprintf("smp: vcpu%u (cpuid id %u) added %lu\n", id, cpuid_vcpu_id(),
		work);
	__atomic_add_fetch(&finished, 1, __ATOMIC_RELEASE);
}

void guest_ap_main(uint64_t arg)
{
	do_work((uint32_t)arg);
}

void guest_main(void)
{
	uint32_t n = start_info->vcpu_count;

	work = arg_u64("work", 200000);
	if (n > KEEL_MAX_VCPUS_GUEST)
		n = KEEL_MAX_VCPUS_GUEST;
	gprintf("smp: %u vCPUs\n", n);
	for (uint32_t id = 1; id < n; id++) {
		long ret = vcpu_start(id, stacks[id] + STACK_SIZE, id);

		if (ret)
			gprintf("FAIL: starting vcpu%u returned %ld\n", id, ret);
	}
	if (n > 1 && vcpu_start(1, stacks[1] + STACK_SIZE, 1) != -KEEL_EBUSY)
		gprintf("FAIL: starting vcpu1 twice was not -EBUSY\n");
	if (vcpu_start(n, stacks[0] + STACK_SIZE, 0) != -KEEL_EINVAL)
		gprintf("FAIL: starting a vCPU beyond vcpu_count was not -EINVAL\n");
	do_work(0);
	while (__atomic_load_n(&finished, __ATOMIC_ACQUIRE) < n)
		sleep_ns(NS_PER_MS);
	gprintf("smp: all %u vCPUs ran, counter %lu (%s)\n", n, counter,
		counter == (uint64_t)n * work ? "correct" : "FAIL: wrong");
}
