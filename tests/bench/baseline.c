// SPDX-License-Identifier: MIT
/*
 * The floor for `make bench`: guests/bench/measure.h's loop run directly
 * on the emulator, without Keel, as an EFI application (BOOTX64.EFI of
 * its own ESP) in ring 0 under OVMF. CPUID, the UART scratch-register
 * OUT and the IA32_APIC_BASE read execute natively; the hypercall's
 * floor is the guest side of the call without the VMCALL/VMMCALL.
 * Interrupts are off while it measures. Prints, on COM1,
 * "bench: NAME median=T min=T n=N" lines and "bench: baseline done".
 */
#include <efi.h>

#include <arch/x86.h>
#include <keel/abi.h>
#include <lib/format.h>

#include "measure.h"

#define COM1           0x3f8
#define COM1_LSR       (COM1 + 5)
#define LSR_THR_EMPTY  0x20
#define SAMPLES        1000

static uint64_t samples[BENCH_MAX_SAMPLES];

__attribute__((noinline)) static void op_hypercall_floor(void)
{
	long ret;

	__asm__ volatile("" : "=a"(ret) : "a"(KEEL_HC_VERSION) : "memory");
}

static void com1_puts(const char *s)
{
	for (; *s; s++) {
		while (!(inb(COM1_LSR) & LSR_THR_EMPTY))
			;
		outb(COM1, (uint8_t)*s);
	}
}

static void report(const char *name, struct bench_result r)
{
	char line[96];

	snprintf(line, sizeof(line), "\r\nbench: %s median=%lu min=%lu n=%u\r\n",
		 name, r.median, r.min, r.n);
	com1_puts(line);
}

/* The firmware calls it (crt0-efi-x86_64). */
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st);

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	static const struct { const char *name; bench_op op; } ops[] = {
		{ "hypercall_null", op_hypercall_floor },
		{ "exit_cpuid", bench_op_cpuid },
		{ "exit_io", bench_op_io },
		{ "exit_msr", bench_op_msr },
	};
	struct bench_result r[sizeof(ops) / sizeof(ops[0])];

	(void)image;
	(void)st;

	__asm__ volatile("cli" ::: "memory");
	for (unsigned int i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		r[i] = bench_measure(ops[i].op, samples, SAMPLES);
	__asm__ volatile("sti" ::: "memory");
	for (unsigned int i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		report(ops[i].name, r[i]);
	com1_puts("\r\nbench: baseline done\r\n");
	for (;;)
		__asm__ volatile("cli; hlt");
	return EFI_SUCCESS;
}
