// SPDX-License-Identifier: MIT
/*
 * The memory race: a VM with two vCPUs on two CPUs releases its top 2 MiB
 * from both at the same instant, round after round, until it reaches the
 * target the management helper set. Exactly one call per round may
 * succeed. The helper (role=mgmt) lowers the target, waits for the racer
 * to halt, relays its console and the log (it owns the serial console),
 * and checks that the frame pool grew by exactly what was released.
 */
#include <lib/format.h>
#include <lib/string.h>

#include "cases.h"
#include "hostile.h"

#define MB2 ((uint64_t)2 << 20)
#define MAX_ROUNDS 64

static struct keel_vm_info info __attribute__((aligned(64)));
static volatile uint64_t round_top[MAX_ROUNDS];
static volatile int arrived[MAX_ROUNDS];
static volatile long result[2][MAX_ROUNDS];
static volatile int go_round = -1, rounds_total;
static uint8_t race_stack[2][16384] __attribute__((aligned(16)));

static bool self_info(void)
{
	return hc(KEEL_HC_SELF_INFO, (uint64_t)&info, sizeof(info), 0, 0) == 0;
}

static void race_round(int who, int r)
{
	__atomic_fetch_add(&arrived[r], 1, __ATOMIC_ACQ_REL);
	while (__atomic_load_n(&arrived[r], __ATOMIC_ACQUIRE) < 2)
		__asm__ volatile("pause");
	result[who][r] = hc(KEEL_HC_MEM_RELEASE, round_top[r] - MB2, MB2, 0, 0);
}

void race_ap(void)
{
	for (int r = 0;; r++) {
		while (__atomic_load_n(&go_round, __ATOMIC_ACQUIRE) < r) {
			if (__atomic_load_n(&rounds_total, __ATOMIC_ACQUIRE))
				return;
			__asm__ volatile("pause");
		}
		if (__atomic_load_n(&rounds_total, __ATOMIC_ACQUIRE) &&
		    r >= rounds_total)
			return;
		race_round(1, r);
	}
}

__attribute__((noreturn)) static void race_main(void)
{
	uint64_t t0 = now_ms(), target, top;
	int r, wins = 0;
	long ret;

	/* vCPU 1 first: the helper reads mem_free once it runs (its VMCB/VMCS is allocated) */
	ret = vcpu_start(1, race_stack[1] + sizeof(race_stack[1]), 1);
	if (ret) {
		gprintf("hostile: case race_mem_release: FAIL (vcpu_start %ld)\n", ret);
		guest_halt();
	}
	/* wait for the management helper to lower our target */
	while (self_info() && info.mem_target >= info.mem_actual) {
		if (now_ms() - t0 > 20000)
			break;
		sleep_ns(5000000);
	}
	target = info.mem_target;
	top = info.mem_actual;
	gprintf("hostile: race: %lu MiB, target %lu MiB\n", top >> 20, target >> 20);
	if (target >= top) {
		gprintf("hostile: case race_mem_release: FAIL (the target was never lowered)\n");
		guest_halt();
	}
	for (r = 0; r < MAX_ROUNDS && top > target; r++) {
		round_top[r] = top;
		__atomic_store_n(&go_round, r, __ATOMIC_RELEASE);
		race_round(0, r);
		while (result[1][r] == 1)	/* the other's answer */
			__asm__ volatile("pause");
		if (!self_info())
			break;
		top = info.mem_actual;
	}
	__atomic_store_n(&rounds_total, r ? r : 1, __ATOMIC_RELEASE);
	__atomic_store_n(&go_round, MAX_ROUNDS, __ATOMIC_RELEASE);
	for (int i = 0; i < r; i++) {
		int ok = (result[0][i] == 0) + (result[1][i] == 0);

		wins += ok;
		if (ok != 1) {
			gprintf("hostile: case race_mem_release: FAIL (round %d: results %ld and %ld)\n",
				i, result[0][i], result[1][i]);
			guest_halt();
		}
	}
	if (info.mem_actual != target) {
		gprintf("hostile: case race_mem_release: FAIL (mem_actual %lu MiB, target %lu MiB)\n",
			info.mem_actual >> 20, target >> 20);
		guest_halt();
	}
	gprintf("hostile: case race_mem_release: ok (%d rounds, %d releases)\n", r, wins);
	guest_halt();
}

/* Results are 0 or negative: 1 means "not answered yet". */
static void race_prepare(void)
{
	for (int i = 0; i < MAX_ROUNDS; i++)
		result[0][i] = result[1][i] = 1;
}

void run_on_stack(void (*fn)(void), void *top);
__asm__(".text\n"
	".globl run_on_stack\n"
	"run_on_stack:\n"
	"	movq %rsi, %rsp\n"
	"	call *%rdi\n"
	"	ud2\n");

void case_race_mem_release(void)
{
	race_prepare();
	/* the top of RAM (our boot stack) is about to go away */
	run_on_stack(race_main, race_stack[0] + sizeof(race_stack[0]));
}

/* ---------------------------------------------------- management helper */

static struct keel_host_info host __attribute__((aligned(64)));
static char relay[16400] __attribute__((aligned(64)));
static uint32_t ids[KEEL_MAX_VMS];
static struct keel_vcpu_stats stats __attribute__((aligned(64)));

static uint64_t mem_free(void)
{
	if (hc(KEEL_HC_HOST_INFO, (uint64_t)&host, sizeof(host), 0, 0))
		return 0;
	return host.mem_free;
}

static void relay_ring(unsigned long nr, uint64_t id, const char *prefix)
{
	uint64_t pos = 0;

	for (;;) {
		long n = nr == KEEL_HC_LOG_READ ?
			 hc(nr, pos, (uint64_t)relay, sizeof(relay) - 1, 0) :
			 hc(nr, id, pos, (uint64_t)relay, sizeof(relay) - 1);
		const struct keel_chunk *c = (const void *)relay;
		char *text = relay + sizeof(*c), *line;

		if (n <= 0)
			return;
		text[n] = 0;
		line = text;
		while (*line) {
			char *end = line;

			while (*end && *end != '\n')
				end++;
			if (*end)
				*end++ = 0;
			else
				*end = 0;
			gprintf("%s%s\n", prefix, line);
			line = end;
		}
		pos = c->from + (uint64_t)n;
	}
}

void mgmt_main(void)
{
	char name[32];
	uint64_t free0, free1, free2, id = 0, start = 0;
	long n, left;

	/* first, so the racer's memory is measured with that VM halted */
	if (arg_value("tscpin", name, sizeof(name))) {
		id = tsc_pin_mgmt(name);
		if (id)
			relay_ring(KEEL_HC_CONSOLE_READ, id, "[tscpin] ");
		id = 0;
	}
	if (!arg_value("race", name, sizeof(name)))
		return;
	n = hc(KEEL_HC_VM_LIST, (uint64_t)ids, KEEL_MAX_VMS, 0, 0);
	for (long i = 0; i < n && i < KEEL_MAX_VMS; i++)
		if (!hc(KEEL_HC_VM_INFO, ids[i], (uint64_t)&info, sizeof(info), 0) &&
		    !strcmp(info.name, name)) {
			id = ids[i];
			start = info.mem_actual;
		}
	if (!id) {
		gprintf("hostile: case race_mem_free: FAIL (no VM named %s)\n", name);
		return;
	}
	/*
	 * The racer's vCPU 1 must exist before the pool is measured: it is
	 * marked started before its control structures are allocated, so
	 * wait until it has run.
	 */
	for (int i = 0; i < 2000; i++) {
		if (!hc(KEEL_HC_VCPU_STATS, id, 1, (uint64_t)&stats, sizeof(stats)) &&
		    stats.state != KEEL_VCPU_OFFLINE && stats.switches)
			break;
		sleep_ns(5000000);
	}
	free0 = mem_free();
	left = hc(KEEL_HC_VM_SET_MEM, id, 16ull << 20, 0, 0);
	gprintf("mgmt: asked %s to shrink to 16 MiB: %ld bytes to release\n", name, left);
	for (int i = 0; i < 6000; i++) {
		if (hc(KEEL_HC_VM_INFO, id, (uint64_t)&info, sizeof(info), 0) ||
		    info.state == KEEL_VM_HALTED || info.state == KEEL_VM_STOPPED)
			break;
		sleep_ns(10000000);
	}
	free1 = mem_free();
	relay_ring(KEEL_HC_CONSOLE_READ, id, "[race] ");
	relay_ring(KEEL_HC_LOG_READ, 0, "log: ");
	while ((n = hc(KEEL_HC_VM_DESTROY, id, 0, 0, 0)) > 0)
		;
	free2 = mem_free();
	gprintf("mgmt: mem_free %lu KiB at start, %lu KiB after the race (%s %lu MiB), %lu KiB after destroy\n",
		free0 >> 10, free1 >> 10, info.state == KEEL_VM_HALTED ? "halted," : "not halted,",
		info.mem_actual >> 20, free2 >> 10);
	if (free1 - free0 != start - info.mem_actual)
		gprintf("hostile: case race_mem_free: FAIL (the pool grew by %lu KiB, %lu KiB were released)\n",
			(free1 - free0) >> 10, (start - info.mem_actual) >> 10);
	else if (free2 < free1 + info.mem_actual)
		gprintf("hostile: case race_mem_free: FAIL (destroy returned %lu KiB of %lu KiB)\n",
			(free2 - free1) >> 10, info.mem_actual >> 10);
	else
		gprintf("hostile: case race_mem_free: ok\n");
}
