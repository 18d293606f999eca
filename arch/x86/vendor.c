// SPDX-License-Identifier: MIT
/* Picks the virtualization back-end at boot: one image for both vendors. */
#include <arch/vendor.h>
#include <arch/x86.h>
#include <keel/abi.h>
#include <lib/string.h>

const struct vendor_ops *vendor;

int vendor_select(const char **why)
{
	struct cpuid_regs v = cpuid(0, 0);
	char id[13];
	const struct vendor_ops *ops;

	memcpy(id, &v.ebx, 4);
	memcpy(id + 4, &v.edx, 4);
	memcpy(id + 8, &v.ecx, 4);
	id[12] = 0;
	if (!strcmp(id, "GenuineIntel")) {
		ops = &vmx_ops;
	} else if (!strcmp(id, "AuthenticAMD") || !strcmp(id, "HygonGenuine")) {
		ops = &svm_ops;
	} else {
		/* an unknown vendor: take whichever extension CPUID shows */
		ops = (cpuid(1, 0).ecx & CPUID_1_ECX_VMX) ? &vmx_ops : &svm_ops;
	}
	if (ops->probe(why))
		return -KEEL_ENOSYS;
	vendor = ops;
	return 0;
}
