// SPDX-License-Identifier: MIT
/* Per-vCPU register state switched by software; see arch/guest_state.h. */
#include <arch/guest_state.h>
#include <arch/layout.h>
#include <arch/msr.h>
#include <arch/x86.h>
#include <keel/abi.h>
#include <lib/string.h>
#include <lib/util.h>
#include <mm/frame_pool.h>

#define LEAF_XSAVE            0x0000000du
#define LEAF_EXT_FEATURES     0x80000001u
#define LEAF_STRUCT_FEATURES  0x00000007u
#define CPUID_7_ECX_RDPID     (1u << 22)
#define FXSAVE_SIZE           512u
#define LEGACY_FCW            0	/* offsets in the legacy region (SDM 10.5.1) */
#define LEGACY_MXCSR          24
#define PAGE_SIZE             4096u

static bool has_xsave, has_tsc_aux;
static uint64_t xcr0_supported;
static uint32_t xsave_size = FXSAVE_SIZE;

/* The components the CPU has (CPUID.(0xD,0) EDX:EAX). */
static uint64_t host_components(void)
{
	struct cpuid_regs r = cpuid(LEAF_XSAVE, 0);

	return ((uint64_t)r.edx << 32) | r.eax;
}

void guest_state_cpu_init(void)
{
	uint64_t cr4 = read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT;

	has_xsave = cpuid(1, 0).ecx & CPUID_1_ECX_XSAVE;
	has_tsc_aux = (cpuid(LEAF_EXT_FEATURES, 0).edx & CPUID_80000001_EDX_RDTSCP) ||
		      (cpuid(LEAF_STRUCT_FEATURES, 0).ecx & CPUID_7_ECX_RDPID);
	write_cr0(read_cr0() & ~(CR0_TS | CR0_EM));
	if (!has_xsave) {
		write_cr4(cr4);
		xcr0_supported = XFEATURE_X87 | XFEATURE_SSE;
		return;
	}
	write_cr4(cr4 | CR4_OSXSAVE);
	xcr0_supported = xcr0_guest_mask(host_components());
	xsetbv(0, xcr0_supported);
	/* EBX: the image size for the XCR0 now in force (SDM 13.2) */
	xsave_size = cpuid(LEAF_XSAVE, 0).ebx;
}

uint64_t guest_xcr0_supported(void)
{
	return xcr0_supported;
}

uint32_t guest_xsave_size(void)
{
	return xsave_size;
}

bool guest_xcr0_valid(uint64_t xcr0)
{
	return xcr0_valid(xcr0, xcr0_supported);
}

static unsigned int area_order(void)
{
	unsigned int order = 0;

	while ((PAGE_SIZE << order) < xsave_size)
		order++;
	return order;
}

int guest_state_init(struct guest_state *s)
{
	uint64_t pa;
	uint8_t *area;

	if (frames_alloc_zeroed(area_order(), &pa))
		return -KEEL_ENOMEM;
	area = phys_to_virt(pa);
	/*
	 * The XSAVE header (offset 512) is zero: XSTATE_BV 0 puts every
	 * component in its init state on the first load. MXCSR is loaded
	 * from the legacy region regardless, and FXRSTOR reads it all.
	 */
	*(uint16_t *)(area + LEGACY_FCW) = FPU_FCW_INIT;
	*(uint32_t *)(area + LEGACY_MXCSR) = MXCSR_INIT;
	memset(s, 0, sizeof(*s));
	s->xsave_area = area;
	s->xcr0 = XFEATURE_X87;
	return 0;
}

void guest_state_free(struct guest_state *s)
{
	if (!s->xsave_area)
		return;
	/* nothing of this guest's may reach the next owner of these frames */
	memset(s->xsave_area, 0, PAGE_SIZE << area_order());
	frames_free(virt_to_phys(s->xsave_area), area_order());
	s->xsave_area = NULL;
}

static void xrstor(const void *area, uint64_t mask)
{
	__asm__ volatile("xrstor64 (%0)" : : "r"(area), "a"((uint32_t)mask),
			 "d"((uint32_t)(mask >> 32)) : "memory");
}

static void xsave(void *area, uint64_t mask)
{
	__asm__ volatile("xsave64 (%0)" : : "r"(area), "a"((uint32_t)mask),
			 "d"((uint32_t)(mask >> 32)) : "memory");
}

void guest_state_load(const struct guest_state *s)
{
	if (has_xsave) {
		/* every component, so nothing of the last vCPU stays behind */
		xsetbv(0, xcr0_supported);
		xrstor(s->xsave_area, xcr0_supported);
		if (s->xcr0 != xcr0_supported)
			xsetbv(0, s->xcr0);
	} else {
		__asm__ volatile("fxrstor64 (%0)" : : "r"(s->xsave_area) : "memory");
	}
	write_dr0(s->dr[0]);
	write_dr1(s->dr[1]);
	write_dr2(s->dr[2]);
	write_dr3(s->dr[3]);
	if (has_tsc_aux)
		wrmsr(MSR_TSC_AUX, s->tsc_aux);
}

void guest_state_save(struct guest_state *s)
{
	if (has_xsave) {
		/*
		 * Read back rather than trust the XSETBV exits: QEMU TCG's SVM
		 * lets XSETBV run in the guest despite the intercept, and then
		 * the CPU's XCR0 is the only record of the guest's.
		 */
		s->xcr0 = xgetbv(0);
		if (s->xcr0 != xcr0_supported)
			xsetbv(0, xcr0_supported);
		xsave(s->xsave_area, xcr0_supported);
	} else {
		__asm__ volatile("fxsave64 (%0)" : : "r"(s->xsave_area) : "memory");
	}
	s->dr[0] = read_dr0();
	s->dr[1] = read_dr1();
	s->dr[2] = read_dr2();
	s->dr[3] = read_dr3();
	if (has_tsc_aux)
		s->tsc_aux = rdmsr(MSR_TSC_AUX);
}

void guest_state_set_xcr0(struct guest_state *s, uint64_t xcr0)
{
	s->xcr0 = xcr0;
	xsetbv(0, xcr0);
}

const uint32_t msr_passthrough[] = {
	MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE,
	MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SFMASK,
	MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
	MSR_TSC_AUX,
};
const unsigned int msr_passthrough_count = ARRAY_SIZE(msr_passthrough);
