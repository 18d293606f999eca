// SPDX-License-Identifier: MIT
/* Register access the victim and the attacker share. */
#include "hostile.h"

const struct private_msr private_msrs[] = {
	{ "lstar", MSR_LSTAR, true },
	{ "star", MSR_STAR, false },
	{ "cstar", MSR_CSTAR, true },
	{ "sfmask", MSR_SFMASK, false },
	{ "kernel_gs_base", MSR_KERNEL_GS_BASE, true },
	{ "fs_base", MSR_FS_BASE, true },
	{ "gs_base", MSR_GS_BASE, true },
	{ "sysenter_cs", MSR_IA32_SYSENTER_CS, false },
	{ "sysenter_esp", MSR_IA32_SYSENTER_ESP, true },
	{ "sysenter_eip", MSR_IA32_SYSENTER_EIP, true },
};
const unsigned int private_msr_count = sizeof(private_msrs) / sizeof(private_msrs[0]);

uint64_t private_msr_value(const struct private_msr *m, bool victim)
{
	unsigned int i = (unsigned int)(m - private_msrs);

	if (m->addr)
		return victim ? VICTIM_ADDR(i + 16) : HOSTILE_ADDR(i + 16);
	if (m->msr == MSR_IA32_SYSENTER_CS)
		return victim ? 0x5610 : 0x4810;
	return victim ? VICTIM_U32(i) : HOSTILE_U32(i);
}

void fxsave(struct fxsave_area *a)
{
	__asm__ volatile("fxsaveq %0" : "=m"(*a));
}

void fxrstor(const struct fxsave_area *a)
{
	__asm__ volatile("fxrstorq %0" : : "m"(*a));
}

/* An FXSAVE image with mark in every ST and XMM register. */
void fpu_fill(struct fxsave_area *a, uint64_t mark, uint16_t fcw, uint32_t mxcsr)
{
	uint8_t *p = (uint8_t *)a;

	for (unsigned int i = 0; i < sizeof(*a); i++)
		p[i] = 0;
	a->fcw = fcw;
	a->ftw = 0xff;		/* abridged: all eight valid */
	a->mxcsr = mxcsr;
	for (unsigned int r = 0; r < 8; r++) {
		uint64_t m = mark | (0x100 + r);
		uint16_t exp = 0x3fff;	/* a normal number: integer bit set */

		m |= 1ull << 63;
		__builtin_memcpy(a->st[r], &m, 8);
		__builtin_memcpy(a->st[r] + 8, &exp, 2);
	}
	for (unsigned int r = 0; r < 16; r++) {
		uint64_t lo = mark | (0x200 + r), hi = mark | (0x300 + r);

		__builtin_memcpy(a->xmm[r], &lo, 8);
		__builtin_memcpy(a->xmm[r] + 8, &hi, 8);
	}
}

void sse_enable(void)
{
	uint64_t cr4;

	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT;
	__asm__ volatile("mov %0, %%cr4" : : "r"(cr4));
}

uint64_t read_dr(int n)
{
	uint64_t v = 0;

	switch (n) {
	case 0:
		__asm__ volatile("mov %%dr0, %0" : "=r"(v));
		break;
	case 1:
		__asm__ volatile("mov %%dr1, %0" : "=r"(v));
		break;
	case 2:
		__asm__ volatile("mov %%dr2, %0" : "=r"(v));
		break;
	case 3:
		__asm__ volatile("mov %%dr3, %0" : "=r"(v));
		break;
	case 6:
		__asm__ volatile("mov %%dr6, %0" : "=r"(v));
		break;
	case 7:
		__asm__ volatile("mov %%dr7, %0" : "=r"(v));
		break;
	}
	return v;
}

void write_dr(int n, uint64_t v)
{
	switch (n) {
	case 0:
		__asm__ volatile("mov %0, %%dr0" : : "r"(v));
		break;
	case 1:
		__asm__ volatile("mov %0, %%dr1" : : "r"(v));
		break;
	case 2:
		__asm__ volatile("mov %0, %%dr2" : : "r"(v));
		break;
	case 3:
		__asm__ volatile("mov %0, %%dr3" : : "r"(v));
		break;
	case 6:
		__asm__ volatile("mov %0, %%dr6" : : "r"(v));
		break;
	case 7:
		__asm__ volatile("mov %0, %%dr7" : : "r"(v));
		break;
	}
}

uint64_t read_cr2_(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

void write_cr2_(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr2" : : "r"(v));
}

uint64_t read_cr8_(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr8, %0" : "=r"(v));
	return v;
}

void write_cr8_(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr8" : : "r"(v));
}

uint64_t xgetbv0(void)
{
	uint32_t lo, hi;

	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((uint64_t)hi << 32) | lo;
}

bool has_xsave(void)
{
	return cpuid(1, 0).ecx & (1u << 26);
}

bool has_avx(void)
{
	return has_xsave() && (cpuid(1, 0).ecx & (1u << 28)) &&
	       (xcr0_supported() & 4);
}

bool has_avx512(void)
{
	return has_avx() && (cpuid(7, 0).ebx & (1u << 16)) &&
	       (xcr0_supported() & 0xe0) == 0xe0;
}

uint64_t xcr0_supported(void)
{
	struct cpuid_regs r;

	if (!has_xsave())
		return 0;
	r = cpuid(0xd, 0);
	return ((uint64_t)r.edx << 32) | r.eax;
}

uint64_t now_ms(void)
{
	return tsc_to_ms(rdtsc());
}
