// SPDX-License-Identifier: MIT
/* Hypercalls with bad arguments (docs/hypercalls.md), and calls from CPL 3. */
#include <lib/string.h>

#include "cases.h"
#include "hostile.h"

static uint8_t buf[4096] __attribute__((aligned(4096)));

static uint64_t mem(void)
{
	return start_info->mem_bytes;
}

void case_hc_console_bad(void)
{
	expect_hc("console_write past RAM", hc(KEEL_HC_CONSOLE_WRITE, mem(), 16, 0, 0),
		  -KEEL_EFAULT);
	expect_hc("console_write straddling the end",
		  hc(KEEL_HC_CONSOLE_WRITE, mem() - 8, 64, 0, 0), -KEEL_EFAULT);
	expect_hc("console_write overflowing gpa+len",
		  hc(KEEL_HC_CONSOLE_WRITE, ~0ul - 4, 16, 0, 0), -KEEL_EINVAL);
	expect_hc("console_write 4097 bytes",
		  hc(KEEL_HC_CONSOLE_WRITE, (uint64_t)buf, 4097, 0, 0), -KEEL_E2BIG);
	expect_hc("console_write at the host LAPIC",
		  hc(KEEL_HC_CONSOLE_WRITE, 0xfee00000ul, 16, 0, 0), -KEEL_EFAULT);
	expect_hc("console_write at 2^63",
		  hc(KEEL_HC_CONSOLE_WRITE, 1ul << 63, 16, 0, 0), -KEEL_EFAULT);
	expect_hc("console_write of 0 bytes",
		  hc(KEEL_HC_CONSOLE_WRITE, mem() + 4096, 0, 0, 0), 0);
}

void case_hc_console_hv(void)
{
	uint64_t hv = start_info->hv_phys_start;

	expect_hc("console_write of the hypervisor's image",
		  hc(KEEL_HC_CONSOLE_WRITE, hv, 64, 0, 0), -KEEL_EFAULT);
	expect_hc("self_info into the hypervisor's image",
		  hc(KEEL_HC_SELF_INFO, hv, sizeof(struct keel_vm_info), 0, 0),
		  -KEEL_EFAULT);
	expect_hc("mem_map into the hypervisor's image",
		  hc(KEEL_HC_MEM_MAP, start_info->hv_phys_end - 8, 1, 0, 0),
		  -KEEL_EFAULT);
}

void case_hc_sleep_bad(void)
{
	expect_hc("sleep over an hour", hc(KEEL_HC_SLEEP, KEEL_SLEEP_MAX_NS + 1, 0, 0, 0),
		  -KEEL_EINVAL);
	expect_hc("sleep ~0", hc(KEEL_HC_SLEEP, ~0ul, 0, 0, 0), -KEEL_EINVAL);
	expect_hc("sleep 0", hc(KEEL_HC_SLEEP, 0, 0, 0, 0), 0);
	expect_hc("sleep with a reserved flag", hc(KEEL_HC_SLEEP, 0, 2, 0, 0),
		  -KEEL_EINVAL);
	expect_hc("sleep with every flag", hc(KEEL_HC_SLEEP, 0, ~0ul, 0, 0),
		  -KEEL_EINVAL);
	expect_hc("console sleep over an hour",
		  hc(KEEL_HC_SLEEP, KEEL_SLEEP_MAX_NS + 1, KEEL_SLEEP_CONSOLE, 0, 0),
		  -KEEL_EINVAL);
	/* no input ever comes for this VM: the sleep ends at its time */
	expect_hc("console sleep of 1 ms, no input",
		  hc(KEEL_HC_SLEEP, 1000000, KEEL_SLEEP_CONSOLE, 0, 0), 0);
	expect_hc("yield with junk arguments", hc(KEEL_HC_YIELD, ~0ul, ~0ul, ~0ul, ~0ul), 0);
}

void case_hc_vcpu_start_bad(void)
{
	uint64_t sp = (uint64_t)buf + sizeof(buf), rip = (uint64_t)guest_halt;

	expect_hc("vcpu_start(0)", hc(KEEL_HC_VCPU_START, 0, rip, sp, 0), -KEEL_EINVAL);
	expect_hc("vcpu_start(8)", hc(KEEL_HC_VCPU_START, 8, rip, sp, 0), -KEEL_EINVAL);
	expect_hc("vcpu_start(2^32 + 1)",
		  hc(KEEL_HC_VCPU_START, (1ul << 32) + 1, rip, sp, 0), -KEEL_EINVAL);
	expect_hc("vcpu_start with rip past RAM",
		  hc(KEEL_HC_VCPU_START, start_info->vcpu_count, mem(), sp, 0),
		  -KEEL_EINVAL);
	if (start_info->vcpu_count > 1) {
		long r = hc(KEEL_HC_VCPU_START, 1, mem() + 4096, sp, 0);

		if (r != -KEEL_EBUSY && r != -KEEL_EINVAL)
			fail("vcpu_start(1) with rip past RAM returned %ld", r);
	}
}

void case_hc_self_info_bad(void)
{
	uint64_t len = sizeof(struct keel_vm_info);

	expect_hc("self_info len-1", hc(KEEL_HC_SELF_INFO, (uint64_t)buf, len - 1, 0, 0),
		  -KEEL_EINVAL);
	expect_hc("self_info len+1", hc(KEEL_HC_SELF_INFO, (uint64_t)buf, len + 1, 0, 0),
		  -KEEL_EINVAL);
	expect_hc("self_info past RAM", hc(KEEL_HC_SELF_INFO, mem(), len, 0, 0),
		  -KEEL_EFAULT);
	expect_hc("self_info straddling the end",
		  hc(KEEL_HC_SELF_INFO, mem() - 64, len, 0, 0), -KEEL_EFAULT);
	expect_hc("self_info overflowing",
		  hc(KEEL_HC_SELF_INFO, ~0ul - 16, len, 0, 0), -KEEL_EINVAL);
	expect_hc("self_info ok", hc(KEEL_HC_SELF_INFO, (uint64_t)buf, len, 0, 0), 0);
}

void case_hc_mem_map_bad(void)
{
	expect_hc("mem_map 65 entries", hc(KEEL_HC_MEM_MAP, (uint64_t)buf, 65, 0, 0),
		  -KEEL_E2BIG);
	expect_hc("mem_map past RAM", hc(KEEL_HC_MEM_MAP, mem(), 1, 0, 0), -KEEL_EFAULT);
	expect_hc("mem_map straddling", hc(KEEL_HC_MEM_MAP, mem() - 8, 1, 0, 0),
		  -KEEL_EFAULT);
	expect_hc("mem_map count only", hc(KEEL_HC_MEM_MAP, mem(), 0, 0, 0), 1);
}

void case_hc_mem_release_bad(void)
{
	uint64_t top = mem(), mb2 = 2ul << 20;

	expect_hc("mem_release above target",
		  hc(KEEL_HC_MEM_RELEASE, top - mb2, mb2, 0, 0), -KEEL_EINVAL);
	expect_hc("mem_release unaligned",
		  hc(KEEL_HC_MEM_RELEASE, top - mb2 + 4096, mb2 - 4096, 0, 0),
		  -KEEL_EINVAL);
	expect_hc("mem_release empty", hc(KEEL_HC_MEM_RELEASE, top, 0, 0, 0),
		  -KEEL_EINVAL);
	expect_hc("mem_release not at the end",
		  hc(KEEL_HC_MEM_RELEASE, top - 2 * mb2, mb2, 0, 0), -KEEL_EINVAL);
	expect_hc("mem_release overflowing",
		  hc(KEEL_HC_MEM_RELEASE, ~0ul - mb2 + 1, mb2, 0, 0), -KEEL_EINVAL);
	expect_hc("mem_release everything", hc(KEEL_HC_MEM_RELEASE, 0, top, 0, 0),
		  -KEEL_EINVAL);
	if (hc(KEEL_HC_SELF_INFO, (uint64_t)buf, sizeof(struct keel_vm_info), 0, 0) == 0 &&
	    ((struct keel_vm_info *)buf)->mem_actual != top)
		fail("mem_actual changed to %#lx",
		     ((struct keel_vm_info *)buf)->mem_actual);
}

void case_hc_vcpu_entry_bad(void)
{
	uint64_t stacks = (uint64_t)buf;

	expect_hc("vcpu_entry rip 0", hc(KEEL_HC_VCPU_ENTRY, 0, stacks, 4096, 0),
		  -KEEL_EINVAL);
	expect_hc("vcpu_entry rip past RAM",
		  hc(KEEL_HC_VCPU_ENTRY, mem(), stacks, 4096, 0), -KEEL_EINVAL);
	expect_hc("vcpu_entry small stacks",
		  hc(KEEL_HC_VCPU_ENTRY, 0x100000, stacks, 4080, 0), -KEEL_EINVAL);
	expect_hc("vcpu_entry misaligned stacks",
		  hc(KEEL_HC_VCPU_ENTRY, 0x100000, stacks + 8, 4096, 0), -KEEL_EINVAL);
	expect_hc("vcpu_entry stacks past RAM",
		  hc(KEEL_HC_VCPU_ENTRY, 0x100000, mem() - 4096, 4096, 0), -KEEL_EINVAL);
	expect_hc("vcpu_entry overflowing",
		  hc(KEEL_HC_VCPU_ENTRY, 0x100000, ~0ul - 15, 4096, 0), -KEEL_EINVAL);
}

void case_hc_mgmt_eperm(void)
{
	for (unsigned long nr = KEEL_HC_HOST_INFO; nr <= KEEL_HC_HOST_REBOOT; nr++) {
		long r = hc(nr, 1, (uint64_t)buf, (uint64_t)buf, 64);

		if (r != -KEEL_EPERM) {
			fail("management call %lu returned %ld, want -EPERM", nr, r);
			return;
		}
	}
}

void case_hc_enosys(void)
{
	static const unsigned long nrs[] = {
		9, 63, 83, 127, 128, 129, 1ul << 32, 1ul << 63, ~0ul,
	};

	for (unsigned int i = 0; i < sizeof(nrs) / sizeof(nrs[0]); i++) {
		long r = hc(nrs[i], 0, 0, 0, 0);

		if (r != -KEEL_ENOSYS) {
			fail("call %#lx returned %ld, want -ENOSYS", nrs[i], r);
			return;
		}
	}
}

void case_hc_regs_preserved(void)
{
	uint64_t out[15];
	unsigned int bad;

	/* a failing call (sleep too long) must preserve them as well */
	gpr_sleep(out, KEEL_SLEEP_MAX_NS + 1, use_vmmcall(), HOSTILE_MARK);
	if (gpr_check(out, KEEL_SLEEP_MAX_NS + 1, HOSTILE_MARK, &bad) != 1 ||
	    bad != 14 || (long)out[14] != -KEEL_EINVAL)
		fail("word %u is %#lx after a refused sleep", bad, out[bad]);
}

/* --------------------------------------------------------------- CPL 3 */

static void user_hypercalls(void)
{
	long r;

	r = KEEL_HC_VERSION;
	if (start_info->flags & KEEL_START_VMMCALL)
		__asm__ volatile("vmmcall" : "+a"(r) : : "memory");
	else
		__asm__ volatile("vmcall" : "+a"(r) : : "memory");
	ring3_result[0] = r;
	r = KEEL_HC_CONSOLE_WRITE;
	if (start_info->flags & KEEL_START_VMMCALL)
		__asm__ volatile("vmmcall" : "+a"(r) : "D"("FAIL: ring 3 wrote\n"),
				 "S"(19ul) : "memory");
	else
		__asm__ volatile("vmcall" : "+a"(r) : "D"("FAIL: ring 3 wrote\n"),
				 "S"(19ul) : "memory");
	ring3_result[1] = r;
	r = KEEL_HC_SLEEP;
	if (start_info->flags & KEEL_START_VMMCALL)
		__asm__ volatile("vmmcall" : "+a"(r) : "D"(~0ul) : "memory");
	else
		__asm__ volatile("vmcall" : "+a"(r) : "D"(~0ul) : "memory");
	ring3_result[2] = r;
	ring3_exit();
}

void case_cpl3_hypercall_eperm(void)
{
	ring3_init();
	ring3_run(user_hypercalls);
	expect_hc("version from CPL 3", ring3_result[0], -KEEL_EPERM);
	expect_hc("console_write from CPL 3", ring3_result[1], -KEEL_EPERM);
	expect_hc("sleep from CPL 3", ring3_result[2], -KEEL_EPERM);
}

static void user_privileged(void)
{
	uint32_t lo, hi;
	uint64_t v;

	TRY("rdmsr", : "=a"(lo), "=d"(hi) : "c"(MSR_IA32_PAT) : "r11", "memory");
	ring3_result[0] = trap.vector;
	TRY("inb %%dx, %%al", : "=a"(lo) : "d"(0x3f8) : "r11", "memory");
	ring3_result[1] = trap.vector;
	TRY("hlt", : : : "r11", "memory");
	ring3_result[2] = trap.vector;
	TRY("rdpmc", : "=a"(lo), "=d"(hi) : "c"(0) : "r11", "memory");
	ring3_result[3] = trap.vector;
	TRY("mov %%cr3, %0", : "=r"(v) : : "r11", "memory");
	ring3_result[4] = trap.vector;
	TRY("xsetbv", : : "a"(3), "d"(0), "c"(0) : "r11", "memory");
	ring3_result[5] = trap.vector;
	ring3_exit();
}

void case_cpl3_privileged_gp(void)
{
	static const char *const what[] = {
		"rdmsr", "in from COM1", "hlt", "rdpmc", "mov from cr3", "xsetbv",
	};

	ring3_init();
	ring3_run(user_privileged);
	for (int i = 0; i < 6; i++) {
		long want = VECTOR_GP;

		/* xsetbv with CR4.OSXSAVE clear: #UD and #GP both refuse it */
		if (i == 5 && ring3_result[i] == VECTOR_UD)
			continue;
		if (ring3_result[i] != want)
			fail("%s at CPL 3: vector %ld, want %ld", what[i],
			     ring3_result[i], want);
	}
}
