// SPDX-License-Identifier: MIT
/*
 * bench: what `make bench` (tests/bench/run.py) measures from inside a
 * guest, in TSC ticks (instructions under QEMU -icount and Bochs; see
 * measure.h). Prints "bench: NAME median=T min=T n=N" lines.
 *   mode=exits  (default) hypercall_null, exit_cpuid, exit_io, exit_msr
 *   mode=yield  yield round trips: with a second bench guest in this
 *               mode on the same CPU and priority, each is two vCPU
 *               switches and two hypercall exits
 *   mode=ipi    ipi_wake: vCPU 0 wakes vCPU 1, blocked in hlt, with an
 *               x2APIC IPI; from the RDTSC before the ICR write to the
 *               first RDTSC of vCPU 1's interrupt handler (TSCs are
 *               synchronized). Needs vcpus=2 on two CPUs.
 *   mode=spin   burns CPU for run=MS of TSC time and prints the
 *               intervals it ran: "bench: ran T0 T1 U0 U1" (TSC at the
 *               start and end, work units done by then), for the CPU
 *               share plot
 *   mode=mgmt   as the management VM (role=mgmt): "bench: mgmt_start T"
 *               (the TSC at its first instruction), then vm_create_16m
 *               (VM_CREATE + VM_START of a 16 MiB bench guest in
 *               mode=idle) and vm_destroy_16m (VM_DESTROY until done),
 *               count=N times each; image=MODULE names the bench module
 *               (default bench)
 *   mode=idle   stops at once (a VM that only occupies memory)
 *   count=N     samples per metric (default 1000)
 *   quiet=MS    sleeps MS ms first (default 0): with every bench guest
 *               asleep the CPU is idle, and the hypervisor's console
 *               sends its queued boot log then, not in the middle of
 *               the samples (one FIFO's worth per scheduler pass)
 */
#include <lib/string.h>

#include "guest.h"
#include "measure.h"

#define X2_EOI       0x80b
#define X2_SVR       0x80f
#define X2_ICR       0x830
#define SVR_ENABLE   0x100
#define VEC_WAKE     0x42
#define STACK_SIZE   16384
#define NS_PER_US    1000ul
#define SETTLE_NS    (2000 * NS_PER_US)	/* vCPU 1 blocks well within this */
#define POLL_NS      (100 * NS_PER_US)

static uint64_t samples[BENCH_MAX_SAMPLES];

__attribute__((noinline)) static void op_vmmcall(void)
{
	long ret;

	__asm__ volatile("vmmcall" : "=a"(ret) : "a"(KEEL_HC_VERSION) : "memory");
}

__attribute__((noinline)) static void op_vmcall(void)
{
	long ret;

	__asm__ volatile("vmcall" : "=a"(ret) : "a"(KEEL_HC_VERSION) : "memory");
}

__attribute__((noinline)) static void op_yield(void)
{
	yield();
}

static void report(const char *name, struct bench_result r)
{
	gprintf("bench: %s median=%lu min=%lu n=%u\n", name, r.median, r.min, r.n);
}

static void exits(unsigned int n)
{
	bench_op hc = start_info->flags & KEEL_START_VMMCALL ? op_vmmcall :
							       op_vmcall;

	report("hypercall_null", bench_measure(hc, samples, n));
	report("exit_cpuid", bench_measure(bench_op_cpuid, samples, n));
	report("exit_io", bench_measure(bench_op_io, samples, n));
	report("exit_msr", bench_measure(bench_op_msr, samples, n));
}

/* ------------------------------------------------------------ ipi_wake */

static uint8_t stack1[STACK_SIZE] __attribute__((aligned(16)));
static volatile uint64_t t_send, t_wake, wake_rip;
static volatile unsigned int round_armed, woken, done;
extern char bench_after_hlt[];

__attribute__((interrupt)) static void isr_wake(struct interrupt_frame *f)
{
	t_wake = rdtsc();
	wake_rip = *(uint64_t *)f;	/* the frame starts with RIP */
	woken++;
	wrmsr(X2_EOI, 0);
}

/* sti; hlt with the address after hlt known: a wake-up from hlt returns there */
__attribute__((noinline)) static void halt_once(void)
{
	__asm__ volatile("sti; hlt\n"
			 ".globl bench_after_hlt\n"
			 "bench_after_hlt:\n\t"
			 "cli" ::: "memory");
}

void guest_ap_main(uint64_t n)
{
	unsigned int valid = 0;

	idt_load();
	wrmsr(X2_SVR, SVR_ENABLE | 0xff);
	for (unsigned int i = 0; i < n; i++) {
		__asm__ volatile("cli");
		round_armed = i + 1;
		while (woken < i + 1)
			halt_once();
		/* only wake-ups of a vCPU really blocked in hlt count */
		if (wake_rip == (uint64_t)bench_after_hlt)
			samples[valid++] = t_wake - t_send;
	}
	if (valid)
		report("ipi_wake", bench_summary(samples, valid));
	else
		gprintf("bench: FAIL: no IPI found vcpu1 halted\n");
	done = 1;
}

static void ipi(unsigned int n)
{
	long ret;

	if (start_info->vcpu_count < 2) {
		gprintf("bench: FAIL: mode=ipi needs vcpus=2\n");
		return;
	}
	idt_set_gate(VEC_WAKE, isr_wake);
	ret = vcpu_start(1, stack1 + STACK_SIZE, n);
	if (ret) {
		gprintf("bench: FAIL: vcpu_start returned %ld\n", ret);
		return;
	}
	for (unsigned int i = 0; i < n; i++) {
		/* sleeping, so that this CPU idles and vCPU 1 gets to hlt */
		while (round_armed < i + 1)
			sleep_ns(POLL_NS);
		sleep_ns(SETTLE_NS);
		t_send = rdtsc();
		wrmsr(X2_ICR, (1ull << 32) | VEC_WAKE);
	}
	while (!done)
		sleep_ns(POLL_NS);
}

/* ---------------------------------------------------------------- spin */

#define SPIN_UNIT_ITERATIONS 100
#define SPIN_MAX_INTERVALS   512

struct interval {
	uint64_t t0, t1, u0, u1;
};

static struct interval intervals[SPIN_MAX_INTERVALS];

static uint64_t spin_unit(uint64_t x)
{
	for (unsigned int i = 0; i < SPIN_UNIT_ITERATIONS; i++)
		x = x * 6364136223846793005ul + 1442695040888963407ul;
	return x;
}

/*
 * A unit takes microseconds; a gap of more than gap ticks between two
 * means another vCPU ran: one interval ends and the next starts.
 */
static void spin(uint64_t run_ms)
{
	uint64_t gap = ms_to_tsc(1) / 2, sink = 1, units = 0;
	uint64_t start = rdtsc(), end = start + ms_to_tsc(run_ms), last, now;
	unsigned int n = 0;

	intervals[0] = (struct interval){ start, start, 0, 0 };
	last = start;
	while ((now = rdtsc()) < end) {
		if (now - last > gap && n + 1 < SPIN_MAX_INTERVALS) {
			intervals[n].t1 = last;
			intervals[n].u1 = units;
			intervals[++n] = (struct interval){ now, now, units, units };
		}
		sink = spin_unit(sink);
		units++;
		last = now;
	}
	intervals[n].t1 = last;
	intervals[n].u1 = units;
	for (unsigned int i = 0; i <= n; i++)
		gprintf("bench: ran %lu %lu %lu %lu\n", intervals[i].t0,
			intervals[i].t1, intervals[i].u0, intervals[i].u1);
	gprintf("bench: spin done: %lu units (%lx)\n", units, sink & 0xf);
}

/* ---------------------------------------------------------------- mgmt */

#define CHILD_MEM  (16ul << 20)
#define CHILD_PRIO 8
#define CHILD_SLICE_MS 10

static uint64_t destroy_samples[BENCH_MAX_SAMPLES];

static void mgmt(unsigned int n, uint64_t start_tsc)
{
	static struct keel_vm_config cfg;
	unsigned int created = 0;

	gprintf("bench: mgmt_start %lu\n", start_tsc);
	strlcpy(cfg.name, "child", sizeof(cfg.name));
	if (!arg_value("image", cfg.image, sizeof(cfg.image)))
		strlcpy(cfg.image, "bench", sizeof(cfg.image));
	strlcpy(cfg.args, "mode=idle", sizeof(cfg.args));
	cfg.mem_bytes = CHILD_MEM;
	cfg.vcpus = 1;
	cfg.prio = CHILD_PRIO;
	cfg.slice_ms = CHILD_SLICE_MS;
	if (n > BENCH_MAX_SAMPLES)
		n = BENCH_MAX_SAMPLES;
	for (unsigned int i = 0; i < n; i++) {
		uint64_t t0 = rdtsc(), t1;
		long id = hypercall4(KEEL_HC_VM_CREATE, (unsigned long)&cfg,
				     sizeof(cfg), 0, 0), ret;

		if (id < 0 || (ret = hypercall4(KEEL_HC_VM_START, id, 0, 0, 0))) {
			gprintf("bench: FAIL: vm_create/start: %ld\n",
				id < 0 ? id : ret);
			return;
		}
		t1 = rdtsc();
		samples[i] = t1 - t0;
		while ((ret = hypercall4(KEEL_HC_VM_DESTROY, id, 0, 0, 0)) > 0)
			;
		if (ret < 0) {
			gprintf("bench: FAIL: vm_destroy: %ld\n", ret);
			return;
		}
		destroy_samples[i] = rdtsc() - t1;
		created++;
	}
	report("vm_create_16m", bench_summary(samples, created));
	report("vm_destroy_16m", bench_summary(destroy_samples, created));
}

void guest_main(void)
{
	uint64_t start_tsc = rdtsc();
	unsigned int n = (unsigned int)arg_u64("count", 1000);
	uint64_t quiet_ms = arg_u64("quiet", 0);
	char mode[16];

	if (!arg_value("mode", mode, sizeof(mode)))
		mode[0] = 0;
	if (quiet_ms)
		sleep_ns(quiet_ms * 1000 * NS_PER_US);
	if (!mode[0] || !strcmp(mode, "exits"))
		exits(n);
	else if (!strcmp(mode, "yield"))
		report("yield", bench_measure(op_yield, samples, n));
	else if (!strcmp(mode, "ipi"))
		ipi(n);
	else if (!strcmp(mode, "spin"))
		spin(arg_u64("run", 1000));
	else if (!strcmp(mode, "mgmt"))
		mgmt(n, start_tsc);
	else if (strcmp(mode, "idle"))
		gprintf("bench: FAIL: unknown mode=%s\n", mode);
}
