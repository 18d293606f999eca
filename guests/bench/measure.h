/* SPDX-License-Identifier: MIT */
/*
 * The measuring loop `make bench` runs both inside Keel (guests/bench)
 * and directly on the emulator without Keel (tests/bench/baseline.c, an
 * EFI application): the same code, so the difference is Keel's.
 *
 * Each sample is one call of an operation between two RDTSCs. Under QEMU
 * -icount and Bochs the TSC counts instructions, so a sample is the
 * instructions of the operation, the call around it and one RDTSC.
 * Reported is the median of the samples (a timer interrupt or another
 * CPU's work in a few of them does not move it) and the minimum.
 */
#ifndef KEEL_BENCH_MEASURE_H
#define KEEL_BENCH_MEASURE_H

#include <stdint.h>

#include <arch/x86.h>

#define BENCH_WARMUP      16
#define BENCH_MAX_SAMPLES 4096
#define BENCH_UART_SCR    0x3ff		/* COM1 scratch register: no side effect */
#define BENCH_MSR         0x1b		/* IA32_APIC_BASE */

typedef void (*bench_op)(void);

struct bench_result {
	uint64_t median, min;
	unsigned int n;
};

__attribute__((noinline)) static void bench_op_cpuid(void)
{
	uint32_t a = 0, b, c = 0, d;

	__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
}

__attribute__((noinline)) static void bench_op_io(void)
{
	outb(BENCH_UART_SCR, 0);
}

__attribute__((noinline)) static void bench_op_msr(void)
{
	(void)rdmsr(BENCH_MSR);
}

/* Sorts the few thousand samples in place (they are mostly equal). */
static void bench_sort(uint64_t *s, unsigned int n)
{
	for (unsigned int i = 1; i < n; i++) {
		uint64_t v = s[i];
		unsigned int j = i;

		for (; j && s[j - 1] > v; j--)
			s[j] = s[j - 1];
		s[j] = v;
	}
}

static struct bench_result bench_summary(uint64_t *samples, unsigned int n)
{
	bench_sort(samples, n);
	return (struct bench_result){ samples[n / 2], samples[0], n };
}

/* n samples of op (at most BENCH_MAX_SAMPLES) into samples, summarized. */
static struct bench_result bench_measure(bench_op op, uint64_t *samples,
					 unsigned int n)
{
	if (n > BENCH_MAX_SAMPLES)
		n = BENCH_MAX_SAMPLES;
	if (!n)
		n = 1;
	for (unsigned int i = 0; i < BENCH_WARMUP; i++)
		op();
	for (unsigned int i = 0; i < n; i++) {
		uint64_t t0 = rdtsc();

		op();
		samples[i] = rdtsc() - t0;
	}
	return bench_summary(samples, n);
}

#endif
