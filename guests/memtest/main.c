// SPDX-License-Identifier: MIT
/*
 * memtest: a guest that follows resizes of its memory (docs/hypercalls.md
 * §4.7). It reports what it sees (SELF_INFO, MEM_MAP), writes and checks a
 * pattern over its free memory, then every period looks again:
 *   - more memory (mem_actual grew): it checks the new range and says
 *     "memtest: memory grew to N MiB; checked";
 *   - asked to shrink (mem_target below mem_actual): it gives the top back
 *     with MEM_RELEASE and says "memtest: released N MiB; now M MiB";
 *   - memory taken back by force: it says so.
 * Its stack is in its image: the hypervisor starts it on a stack at the
 * top of its initial memory, which is exactly what a shrink takes away.
 *   release=no   never release (the management VM must force)
 *   period=MS    how often it looks (default 50)
 *   race=yes     (with vcpus=2) both vCPUs release at once: each polls
 *                and gives back the top 2 MiB, so the two often ask for
 *                the same range at the same moment; exactly one may win
 *                (0), the other is refused (-EINVAL). vCPU 0 reports
 *                the totals ("memtest: race: ...") each time the target
 *                is reached.
 *                Memory is not pattern-checked in this mode.
 */
#include <lib/string.h>

#include "guest.h"

#define STACK_SIZE   16384
#define PAGE_SIZE    4096ull
#define MIB_SHIFT    20
#define NS_PER_MS    1000000ull
#define PATTERN_SEED 0x9e3779b97f4a7c15ull

extern char _end[];

static uint8_t stack[STACK_SIZE] __attribute__((aligned(16)));
static uint8_t ap_stack[STACK_SIZE] __attribute__((aligned(16)));
static struct keel_mem_range ranges[KEEL_MEM_MAP_MAX];
static uint64_t known;		/* mem_actual as this guest last saw it */

/* race=yes: shared by both vCPUs */
static uint64_t race_lowest;
static uint64_t race_won, race_refused, race_failed, race_bytes;

static uint64_t mib(uint64_t bytes)
{
	return bytes >> MIB_SHIFT;
}

static void self_info(struct keel_vm_info *vi)
{
	long ret = hypercall(KEEL_HC_SELF_INFO, (unsigned long)vi, sizeof(*vi));

	if (ret) {
		gprintf("FAIL: memtest: SELF_INFO returned %ld\n", ret);
		guest_halt();
	}
}

/* MEM_MAP must show one RAM range [0, actual) (§4.7 in ABI 1.3). */
static void check_map(uint64_t actual)
{
	long n = hypercall(KEEL_HC_MEM_MAP, (unsigned long)ranges,
			   KEEL_MEM_MAP_MAX);

	if (n != 1 || ranges[0].gpa != 0 || ranges[0].bytes != actual ||
	    ranges[0].type != KEEL_MEM_RAM)
		gprintf("FAIL: memtest: MEM_MAP returned %ld ranges, first "
			"0x%lx+0x%lx type %u; SELF_INFO says 0x%lx\n", n,
			(unsigned long)ranges[0].gpa,
			(unsigned long)ranges[0].bytes, ranges[0].type,
			(unsigned long)actual);
}

/* Writes a pattern over [from, to), reads it back: the bad words. */
static uint64_t check(uint64_t from, uint64_t to)
{
	volatile uint64_t *p = (volatile uint64_t *)from;
	volatile uint64_t *end = (volatile uint64_t *)to;
	uint64_t bad = 0;

	for (volatile uint64_t *q = p; q < end; q++)
		*q = (uint64_t)q * PATTERN_SEED;
	for (volatile uint64_t *q = p; q < end; q++)
		bad += *q != (uint64_t)q * PATTERN_SEED;
	return bad;
}

static void report_check(const char *what, uint64_t from, uint64_t to)
{
	uint64_t bad = check(from, to);

	if (bad)
		gprintf("FAIL: memtest: %lu bad words in 0x%lx-0x%lx\n",
			(unsigned long)bad, (unsigned long)from,
			(unsigned long)to - 1);
	else
		gprintf("memtest: %s %lu MiB; checked\n", what,
			(unsigned long)mib(to));
}

/* Gives back the top of memory down to the target, never its image. */
static void release(const struct keel_vm_info *vi, uint64_t lowest)
{
	uint64_t from = vi->mem_target > lowest ? vi->mem_target : lowest;
	long ret;

	if (from >= vi->mem_actual)
		return;
	ret = hypercall(KEEL_HC_MEM_RELEASE, from, vi->mem_actual - from);
	if (ret) {
		gprintf("FAIL: memtest: MEM_RELEASE 0x%lx+0x%lx returned %ld\n",
			(unsigned long)from,
			(unsigned long)(vi->mem_actual - from), ret);
		return;
	}
	gprintf("memtest: released %lu MiB; now %lu MiB\n",
		(unsigned long)mib(vi->mem_actual - from),
		(unsigned long)mib(from));
	known = from;
}

/*
 * One racing step of vCPU id: while the target is below what is mapped,
 * release the top 2 MiB. True if there was something to release.
 */
static bool race_step(uint32_t id)
{
	struct keel_vm_info vi;
	uint64_t from;
	long ret;

	self_info(&vi);
	if (vi.mem_target >= vi.mem_actual ||
	    vi.mem_actual - KEEL_MEM_ALIGN < race_lowest)
		return false;
	from = vi.mem_actual - KEEL_MEM_ALIGN;
	ret = hypercall(KEEL_HC_MEM_RELEASE, from, KEEL_MEM_ALIGN);
	if (!ret) {
		__atomic_add_fetch(&race_won, 1, __ATOMIC_RELAXED);
		__atomic_add_fetch(&race_bytes, KEEL_MEM_ALIGN, __ATOMIC_RELAXED);
	} else if (ret == -KEEL_EINVAL) {
		/* the other vCPU (or a forced shrink) took it first */
		__atomic_add_fetch(&race_refused, 1, __ATOMIC_RELAXED);
	} else {
		__atomic_add_fetch(&race_failed, 1, __ATOMIC_RELAXED);
		gprintf("FAIL: memtest: vcpu%u MEM_RELEASE 0x%lx returned %ld\n",
			id, (unsigned long)from, ret);
	}
	return true;
}

void guest_ap_main(uint64_t arg)
{
	for (;;)
		if (!race_step((uint32_t)arg))
			sleep_ns(NS_PER_MS);
}

static __attribute__((noreturn)) void race_main(uint64_t lowest)
{
	struct keel_vm_info vi;
	uint64_t reported = 0;
	long ret;

	race_lowest = lowest;
	self_info(&vi);
	if (vi.vcpus < 2) {
		gprintf("FAIL: memtest: race=yes needs vcpus=2\n");
		guest_halt();
	}
	ret = vcpu_start(1, ap_stack + STACK_SIZE, 1);
	if (ret) {
		gprintf("FAIL: memtest: starting vcpu1 returned %ld\n", ret);
		guest_halt();
	}
	gprintf("memtest: %lu MiB; 2 vCPUs release at once\n",
		(unsigned long)mib(vi.mem_actual));
	for (;;) {
		bool busy = race_step(0);

		if (busy)
			continue;
		self_info(&vi);
		if (race_bytes != reported && vi.mem_actual <= vi.mem_target) {
			reported = race_bytes;
			gprintf("memtest: race: released %lu MiB: %lu won, %lu "
				"refused, %lu failed; now %lu MiB\n",
				(unsigned long)mib(race_bytes),
				(unsigned long)race_won,
				(unsigned long)race_refused,
				(unsigned long)race_failed,
				(unsigned long)mib(vi.mem_actual));
		}
		sleep_ns(NS_PER_MS);
	}
}

static __attribute__((noreturn)) void memtest_main(void)
{
	uint64_t image_end = ((uint64_t)_end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	uint64_t lowest = (image_end + KEEL_MEM_ALIGN - 1) & ~(KEEL_MEM_ALIGN - 1);
	uint64_t period = arg_u64("period", 50), refused = 0;
	char value[8];
	bool may_release = !(arg_value("release", value, sizeof(value)) &&
			     !strcmp(value, "no"));
	struct keel_vm_info vi;

	if (arg_value("race", value, sizeof(value)) && !strcmp(value, "yes"))
		race_main(lowest);

	self_info(&vi);
	check_map(vi.mem_actual);
	gprintf("memtest: %lu MiB (target %lu MiB, max %lu MiB), %s\n",
		(unsigned long)mib(vi.mem_actual),
		(unsigned long)mib(vi.mem_target), (unsigned long)mib(vi.mem_max),
		may_release ? "releases on request" : "never releases");
	report_check("memory", image_end, vi.mem_actual);
	known = vi.mem_actual;
	for (;;) {
		sleep_ns(period * NS_PER_MS);
		self_info(&vi);
		if (vi.mem_actual > known) {
			check_map(vi.mem_actual);
			report_check("memory grew to", known, vi.mem_actual);
		} else if (vi.mem_actual < known) {
			gprintf("memtest: memory taken back: now %lu MiB\n",
				(unsigned long)mib(vi.mem_actual));
		}
		known = vi.mem_actual;
		if (vi.mem_target >= vi.mem_actual)
			continue;
		if (may_release) {
			release(&vi, lowest);
		} else if (vi.mem_target != refused) {
			gprintf("memtest: asked to shrink to %lu MiB; keeping "
				"%lu MiB (release=no)\n",
				(unsigned long)mib(vi.mem_target),
				(unsigned long)mib(vi.mem_actual));
			refused = vi.mem_target;
		}
	}
}

void guest_main(void)
{
	__asm__ volatile("mov %0, %%rsp\n\tcall *%1"
			 : : "r"(stack + STACK_SIZE), "r"(memtest_main)
			 : "memory");
	__builtin_unreachable();
}
