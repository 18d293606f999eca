// SPDX-License-Identifier: MIT
/*
 * Keel's own guest entry convention (docs/guests.md): the ELF64 image
 * loaded at its physical addresses, a start-info page, a GDT, a TSS and
 * page tables identity-mapping the first 4 GiB, and vCPUs that start in
 * 64-bit mode. See core/load/keel_elf.h.
 */
#include <arch/layout.h>
#include <arch/tsc.h>
#include <arch/vendor.h>
#include <arch/x86.h>
#include <core/vm_desc.h>
#include <core/load/elf.h>
#include <core/load/identity_map.h>
#include <core/load/keel_elf.h>
#include <core/vm.h>
#include <keel/abi.h>
#include <keel/boot_info.h>
#include <lib/string.h>
#include <lib/util.h>

#define GUEST_STACK_RESERVE (64 * KIB)	/* below the top of memory, for RSP */
#define GUEST_GDT_CODE64    0x00af9a000000ffffull
#define GUEST_GDT_DATA      0x00cf92000000ffffull
#define GUEST_SEL_CODE      0x08
#define GUEST_SEL_DATA      0x10
#define GUEST_SEL_TSS       0x18
#define GUEST_TSS_LIMIT     0x67
#define TSS_DESC_BUSY64     0x8bull

_Static_assert(GUEST_PD_COUNT == IDENTITY_MAP_PDS, "one identity map");

static int write_u64(struct vm *vm, uint64_t gpa, uint64_t v)
{
	return guest_mem_write(vm, gpa, &v, sizeof(v));
}

int keel_boot_structures(struct vm *vm, const struct vm_desc *desc)
{
	struct keel_start_info si;
	uint64_t tss = GUEST_TSS_GPA;
	int ret = 0;

	memset(&si, 0, sizeof(si));
	si.magic = KEEL_START_MAGIC;
	si.version = KEEL_ABI_VERSION;
	si.flags = (vendor->hypercall_features & KEEL_FEATURE_VMMCALL) ?
		   KEEL_START_VMMCALL : 0;
	si.mem_bytes = vm->mem_bytes;
	si.vcpu_id = 0;
	si.vcpu_count = vm->vcpu_count;
	si.vm_id = vm->id;
	si.tsc_khz = (uint32_t)(tsc_hz / 1000);
	strlcpy(si.name, vm->name, sizeof(si.name));
	strlcpy(si.args, desc->args, sizeof(si.args));
	vm_hypervisor_range(&si.hv_phys_start, &si.hv_phys_end);
	ret |= guest_mem_write(vm, GUEST_START_INFO_GPA, &si, sizeof(si));

	ret |= write_u64(vm, GUEST_GDT_GPA + GUEST_SEL_CODE, GUEST_GDT_CODE64);
	ret |= write_u64(vm, GUEST_GDT_GPA + GUEST_SEL_DATA, GUEST_GDT_DATA);
	ret |= write_u64(vm, GUEST_GDT_GPA + GUEST_SEL_TSS,
			 GUEST_TSS_LIMIT | ((tss & 0xffffff) << 16) |
			 (TSS_DESC_BUSY64 << 40) | (((tss >> 24) & 0xff) << 56));
	ret |= write_u64(vm, GUEST_GDT_GPA + GUEST_SEL_TSS + 8, tss >> 32);

	/* identity map of the first 4 GiB with 2 MiB pages (§5) */
	ret |= identity_map_write(vm, GUEST_PML4_GPA, GUEST_PDPT_GPA,
				  GUEST_PD_GPA);
	return ret ? -KEEL_EFAULT : 0;
}

void keel_entry_state(struct vcpu_entry_state *s, uint64_t entry,
		      uint64_t rsp, uint64_t rdi)
{
	memset(s, 0, sizeof(*s));
	s->rip = entry;
	s->rsp = rsp;
	s->rflags = RFLAGS_FIXED;
	s->rdi = rdi;
	s->cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
	s->cr3 = GUEST_PML4_GPA;
	s->cr4 = CR4_PAE;
	s->efer = EFER_LME | EFER_LMA;
	s->cs = (struct segment){ GUEST_SEL_CODE, SEG_ATTR_CODE64, 0xffffffff, 0 };
	s->ds = (struct segment){ GUEST_SEL_DATA, SEG_ATTR_DATA, 0xffffffff, 0 };
	s->tr = (struct segment){ GUEST_SEL_TSS, SEG_ATTR_TSS64, GUEST_TSS_LIMIT,
				  GUEST_TSS_GPA };
	s->gdt_base = GUEST_GDT_GPA;
	s->gdt_limit = GUEST_SEL_TSS + 16 - 1;
	s->idt_base = 0;
	s->idt_limit = 0;	/* no IDT: an early exception is a triple fault */
}


int keel_elf_load(struct vm *vm, const struct boot_module *image,
		  uint64_t *entry, const char **why)
{
	const void *file = phys_to_virt(image->phys);
	struct elf_image img;

	if (elf_parse(file, image->size, &img, why))
		return -KEEL_ENOEXEC;
	if (img.paddr_lo < KEEL_GUEST_IMAGE_MIN) {
		*why = "the image's segments start below 1 MiB (guest images load at 0x100000 or above)";
		return -KEEL_ENOEXEC;
	}
	if (img.paddr_hi > vm->mem_bytes - GUEST_STACK_RESERVE) {
		*why = "the image does not fit in the VM's memory: give it more mem=";
		return -KEEL_ENOEXEC;
	}
	if (elf_load(&img, file, guest_mem_load, vm)) {
		*why = "the image could not be copied into guest memory";
		return -KEEL_ENOEXEC;
	}
	*entry = img.entry;
	return 0;
}

