// SPDX-License-Identifier: MIT
/*
 * isotest: the first guest. It checks the hypervisor from the inside and
 * prints what it finds on its virtual COM1:
 *   - the start-info page, CPUID as the policy describes it, hypercalls
 *     (good and bad arguments),
 *   - every byte of its free memory written and read back,
 *   - then, as its arguments ask, a forbidden access that must stop it:
 *       probe=end   read just past the end of its memory
 *       probe=hv    read at the hypervisor's own physical address
 *       probe=mmio  read the host's local APIC page
 *       crash=triple  take an exception with no IDT
 *       crash=paging-off  clear CR0.PG in 64-bit mode, which no CPU
 *                     allows: a #GP, and without an IDT a triple fault
 *   rounds=N    repeat the memory check N times first (default 1), to
 *               outlive guests that share its CPU
 * A line starting "FAIL" means the hypervisor let something through.
 */
#include <lib/string.h>

#include "guest.h"

#define STACK_RESERVE   (64 * 1024)
#define LOW_FREE_START  0xa000ull	/* after the boot structures (§5) */
#define LOW_FREE_END    0x100000ull
#define HOST_LAPIC_PA   0xfee00000ull
#define PATTERN_SEED    0x9e3779b97f4a7c15ull

extern char _end[];
static int failures;

static void fail(const char *what)
{
	gprintf("FAIL: %s\n", what);
	failures++;
}

static void check_cpuid(void)
{
	uint32_t a, b, c, d;
	char sig[13];

	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d)
			 : "a"(KEEL_CPUID_BASE), "c"(0));
	memcpy(sig, &b, 4);
	memcpy(sig + 4, &c, 4);
	memcpy(sig + 8, &d, 4);
	sig[12] = 0;
	if (strcmp(sig, "KeelKeelKeel"))
		fail("CPUID 0x40000000 signature");
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d)
			 : "a"(1), "c"(0));
	if (c & (1u << 5))
		fail("CPUID leaf 1 shows VMX");
	if (!(c & (1u << 31)))
		fail("CPUID leaf 1 lacks the hypervisor bit");
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d)
			 : "a"(0x80000001u), "c"(0));
	if (c & (1u << 2))
		fail("CPUID 0x80000001 shows SVM");
	gprintf("cpuid: signature %s, VMX and SVM hidden\n", sig);
}

static void check_hypercalls(void)
{
	static const char msg[] = "console write hypercall ok\n";
	long v = hypercall(KEEL_HC_VERSION, 0, 0);

	if (v != KEEL_ABI_VERSION)
		fail("KEEL_HC_VERSION returned the wrong version");
	gprintf("hypercall: ABI version %ld.%ld\n", v >> 16, v & 0xffff);
	if (hypercall(KEEL_HC_CONSOLE_WRITE, (unsigned long)msg,
		      sizeof(msg) - 1) != (long)(sizeof(msg) - 1))
		fail("console write hypercall");
	if (hypercall(KEEL_HC_CONSOLE_WRITE, start_info->mem_bytes - 8, 64) !=
	    -KEEL_EFAULT)
		fail("console write across the end of memory was not -EFAULT");
	if (hypercall(KEEL_HC_CONSOLE_WRITE, 0, KEEL_CONSOLE_WRITE_MAX + 1) !=
	    -KEEL_E2BIG)
		fail("oversized console write was not -E2BIG");
	if (hypercall(KEEL_HC_CONSOLE_WRITE, ~0ul - 4, 16) != -KEEL_EINVAL)
		fail("wrapping console write was not -EINVAL");
	if (hypercall(KEEL_HC_COUNT + 5, 0, 0) != -KEEL_ENOSYS)
		fail("unknown hypercall was not -ENOSYS");
	gprintf("hypercall: bad arguments refused (EFAULT, E2BIG, EINVAL, ENOSYS)\n");
}

static uint64_t pattern(uint64_t addr)
{
	return (addr * PATTERN_SEED) ^ (addr >> 7);
}

/* Writes then re-reads [start, end): returns the number of bad words. */
static uint64_t memory_pass(uint64_t start, uint64_t end)
{
	uint64_t bad = 0;

	for (uint64_t a = start; a < end; a += 8)
		*(volatile uint64_t *)a = pattern(a);
	for (uint64_t a = start; a < end; a += 8)
		if (*(volatile uint64_t *)a != pattern(a))
			bad++;
	return bad;
}

static void check_memory(void)
{
	uint64_t image_end = ((uint64_t)_end + 4095) & ~4095ull;
	uint64_t top = start_info->mem_bytes - STACK_RESERVE;
	uint64_t bad = memory_pass(LOW_FREE_START, LOW_FREE_END) +
		       memory_pass(image_end, top);
	uint64_t kib = (LOW_FREE_END - LOW_FREE_START + top - image_end) / 1024;

	if (bad)
		fail("memory read back differently");
	gprintf("memory: wrote and verified %lu KiB, %lu bad words\n", kib, bad);
}

static void probe(uint64_t gpa, const char *what)
{
	uint64_t v;

	gprintf("probe: reading %s at %#lx; the hypervisor must stop this VM\n",
		what, gpa);
	v = *(volatile uint64_t *)gpa;
	gprintf("FAIL: read %s at %#lx returned %#lx\n", what, gpa, v);
}

static void triple_fault(void)
{
	gprintf("crash: executing ud2 with no IDT; expect a triple fault\n");
	__asm__ volatile("ud2");
	gprintf("FAIL: survived ud2 without an IDT\n");
}

static void paging_off(void)
{
	uint64_t cr0;

	gprintf("crash: clearing CR0.PG in 64-bit mode; expect to be stopped\n");
	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	cr0 &= ~(1ull << 31);
	__asm__ volatile("mov %0, %%cr0" : : "r"(cr0) : "memory");
	gprintf("FAIL: still running with paging off\n");
}

void guest_main(void)
{
	char arg[32];

	gprintf("hello from %s (vm %u, vcpu %u of %u, %lu MiB)\n",
		start_info->name, start_info->vm_id, start_info->vcpu_id,
		start_info->vcpu_count, start_info->mem_bytes >> 20);
	check_cpuid();
	check_hypercalls();
	for (uint64_t r = arg_u64("rounds", 1); r > 0; r--)
		check_memory();
	gprintf("checks done: %d failures\n", failures);

	if (arg_value("probe", arg, sizeof(arg))) {
		if (!strcmp(arg, "end"))
			probe(start_info->mem_bytes, "past the end of memory");
		else if (!strcmp(arg, "hv"))
			probe(start_info->hv_phys_start, "the hypervisor's image");
		else if (!strcmp(arg, "mmio"))
			probe(HOST_LAPIC_PA, "the host's local APIC");
		else
			gprintf("unknown probe '%s'\n", arg);
	}
	if (arg_value("crash", arg, sizeof(arg))) {
		if (!strcmp(arg, "triple"))
			triple_fault();
		else if (!strcmp(arg, "paging-off"))
			paging_off();
	}
	gprintf("halting\n");
}
