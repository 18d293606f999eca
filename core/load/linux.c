// SPDX-License-Identifier: MIT
/*
 * Linux guests by the x86 boot protocol (Linux Documentation/x86/boot.rst,
 * zero-page.rst): see core/load/linux.h. Guest-physical layout
 * (docs/guests.md "The PC platform"): the zero page at 0x7000, the
 * command line at 0x20000, the GDT, TSS and page tables of the 64-bit
 * entry at 0xa0000 in the reserved hole below 1 MiB (E820 type 2, so the
 * kernel keeps off them while it still runs on them), the kernel at its
 * pref_address (or 1 MiB aligned up to its kernel_alignment), the initrd
 * page-aligned at the top of RAM.
 */
#include <arch/layout.h>
#include <arch/x86.h>
#include <core/load/identity_map.h>
#include <core/load/linux.h>
#include <core/load/linux_parse.h>
#include <core/main.h>
#include <core/vm.h>
#include <core/vm_desc.h>
#include <keel/abi.h>
#include <keel/boot_info.h>
#include <lib/string.h>
#include <lib/util.h>

/* The entry's own structures, in the reserved 0x9fc00-0xfffff */
#define LX_BOOT_GPA      0xa0000ull
#define LX_PML4_GPA      LX_BOOT_GPA
#define LX_PDPT_GPA      (LX_BOOT_GPA + 0x1000)
#define LX_PD_GPA        (LX_BOOT_GPA + 0x2000)	/* IDENTITY_MAP_PDS pages */
#define LX_GDT_GPA       (LX_BOOT_GPA + 0x6000)
#define LX_TSS_GPA       (LX_BOOT_GPA + 0x7000)
#define LX_BOOT_END      (LX_BOOT_GPA + 0x8000)
#define LX_ACPI_RSDP_GPA 0xe0000ull	/* docs/guests.md "The PC platform" */

#define LX_LOW_END       0x9fc00ull	/* 639 KiB of low memory */
#define LX_HIGH_START    0x100000ull
#define LX_4G            0x100000000ull
#define E820_RAM         1u
#define E820_RESERVED    2u
#define LX_LOADER_UNDEFINED 0xffu	/* type_of_loader: no assigned id */

/* struct boot_params (zero-page.rst) offsets not in the setup header */
#define BP_ACPI_RSDP_ADDR 0x070		/* u64 */
#define BP_E820_ENTRIES   0x1e8		/* u8 */
#define BP_E820_TABLE     0x2d0		/* 128 entries of 20 bytes */
#define BP_SIZE           0x1000

#define SEL_CODE64  0x10		/* __BOOT_CS */
#define SEL_DATA    0x18		/* __BOOT_DS */
#define SEL_TSS     0x20
#define GDT_CODE64  0x00af9a000000ffffull
#define GDT_DATA    0x00cf92000000ffffull
#define TSS_LIMIT   0x67
#define TSS_BUSY64  0x8bull
#define ACPI_RSDP_SIGNATURE "RSD PTR "

struct e820_entry {
	uint64_t addr, size;
	uint32_t type;
} __attribute__((packed));
_Static_assert(sizeof(struct e820_entry) == 20, "zero-page.rst layout");
_Static_assert(LX_PD_GPA + IDENTITY_MAP_PDS * 0x1000 <= LX_GDT_GPA,
	       "the page directories end before the GDT");
_Static_assert(LX_BOOT_GPA >= LX_LOW_END && LX_BOOT_END <= LX_ACPI_RSDP_GPA &&
	       LINUX_PARAMS_GPA + BP_SIZE <= LINUX_CMDLINE_GPA,
	       "the boot structures lie apart, the entry's in the reserved hole");

static int put(struct vm *vm, uint64_t offset, const void *v, size_t len)
{
	return guest_mem_write(vm, LINUX_PARAMS_GPA + offset, v, len);
}

static int write_u64(struct vm *vm, uint64_t gpa, uint64_t v)
{
	return guest_mem_write(vm, gpa, &v, sizeof(v));
}

/*
 * Where the kernel goes: its pref_address if it fits there (a kernel that
 * is not relocatable must go there), else 1 MiB aligned up to its
 * kernel_alignment. It needs init_size bytes from there.
 */
static int place_kernel(const struct vm *vm, const struct linux_header *h,
			uint64_t *at, const char **why)
{
	uint64_t pref = h->pref_address, low;

	if (pref >= LX_HIGH_START && !(pref % h->kernel_alignment) &&
	    pref + h->init_size <= vm->mem_bytes) {
		*at = pref;
		return 0;
	}
	low = ALIGN_UP(LX_HIGH_START, h->kernel_alignment);
	if (!h->relocatable || low + h->init_size > vm->mem_bytes) {
		*why = "the Linux kernel does not fit the VM's memory (it needs init_size from its load address): give it more mem=";
		return -KEEL_ENOEXEC;
	}
	*at = low;
	return 0;
}

/*
 * The initrd page-aligned at the top of RAM below initrd_addr_max and
 * 4 GiB, above the kernel's init_size area. 0 with *at, or an error.
 */
static int load_initrd(struct vm *vm, const struct linux_header *h,
		       const struct boot_module *m, uint64_t kernel_end,
		       uint64_t *at, const char **why)
{
	uint64_t top = MIN(vm->mem_bytes, MIN((uint64_t)h->initrd_addr_max + 1,
					      LX_4G));

	if (m->size > top || ALIGN_DOWN(top - m->size, PT_PAGE_4K) < kernel_end) {
		*why = "the initrd does not fit between the Linux kernel and the top of memory: give the VM more mem=";
		return -KEEL_ENOEXEC;
	}
	*at = ALIGN_DOWN(top - m->size, PT_PAGE_4K);
	if (guest_mem_write(vm, *at, phys_to_virt(m->phys), m->size))
		return -KEEL_ENOEXEC;
	return 0;
}

static int write_e820(struct vm *vm)
{
	struct e820_entry map[] = {
		{ 0, LX_LOW_END, E820_RAM },
		{ LX_LOW_END, LX_HIGH_START - LX_LOW_END, E820_RESERVED },
		{ LX_HIGH_START, vm->mem_bytes - LX_HIGH_START, E820_RAM },
	};
	uint8_t n = ARRAY_SIZE(map);

	return put(vm, BP_E820_TABLE, map, sizeof(map)) |
	       put(vm, BP_E820_ENTRIES, &n, sizeof(n));
}

/*
 * The zero page: zeros, the file's setup header at its offset, then what
 * the loader fills in (boot.rst "Details of header fields").
 */
static int write_zero_page(struct vm *vm, const struct linux_header *h,
			   const uint8_t *file, uint64_t initrd,
			   uint64_t initrd_size)
{
	uint8_t loader = LX_LOADER_UNDEFINED;
	uint32_t cmdline = (uint32_t)LINUX_CMDLINE_GPA;
	uint32_t rd = (uint32_t)initrd, rd_size = (uint32_t)initrd_size;
	char sig[sizeof(ACPI_RSDP_SIGNATURE) - 1];
	int ret = 0;

	ret |= put(vm, LINUX_SETUP_SECTS, file + LINUX_SETUP_SECTS,
		   h->header_end - LINUX_SETUP_SECTS);
	ret |= put(vm, LINUX_TYPE_OF_LOADER, &loader, sizeof(loader));
	ret |= put(vm, LINUX_CMD_LINE_PTR, &cmdline, sizeof(cmdline));
	ret |= put(vm, LINUX_RAMDISK_IMAGE, &rd, sizeof(rd));
	ret |= put(vm, LINUX_RAMDISK_SIZE, &rd_size, sizeof(rd_size));
	ret |= write_e820(vm);
	/* 2.14+: only if the ACPI tables are there (else the legacy scan) */
	if (!guest_mem_read(vm, LX_ACPI_RSDP_GPA, sig, sizeof(sig)) &&
	    !memcmp(sig, ACPI_RSDP_SIGNATURE, sizeof(sig))) {
		uint64_t rsdp = LX_ACPI_RSDP_GPA;

		ret |= put(vm, BP_ACPI_RSDP_ADDR, &rsdp, sizeof(rsdp));
	}
	return ret ? -KEEL_EFAULT : 0;
}

/* GDT (__BOOT_CS, __BOOT_DS, a TSS) and 4 GiB identity-mapped, 2 MiB pages. */
static int write_entry_structures(struct vm *vm)
{
	uint64_t tss = LX_TSS_GPA;
	int ret = 0;

	ret |= write_u64(vm, LX_GDT_GPA + SEL_CODE64, GDT_CODE64);
	ret |= write_u64(vm, LX_GDT_GPA + SEL_DATA, GDT_DATA);
	ret |= write_u64(vm, LX_GDT_GPA + SEL_TSS,
			 TSS_LIMIT | ((tss & 0xffffff) << 16) |
			 (TSS_BUSY64 << 40) | (((tss >> 24) & 0xff) << 56));
	ret |= write_u64(vm, LX_GDT_GPA + SEL_TSS + 8, tss >> 32);
	ret |= identity_map_write(vm, LX_PML4_GPA, LX_PDPT_GPA, LX_PD_GPA);
	return ret ? -KEEL_EFAULT : 0;
}

int linux_load(struct vm *vm, const struct vm_desc *d,
	       const struct boot_module *image, uint64_t *entry,
	       const char **why)
{
	const uint8_t *file = phys_to_virt(image->phys);
	const struct boot_module *rd = NULL;
	size_t cmdline_len = strnlen(d->args, sizeof(d->args) - 1);
	struct linux_header h;
	uint64_t at, rd_at = 0;
	int ret;

	ret = linux_parse(file, image->size, &h, why);
	if (ret == -KEEL_ENOENT)
		*why = "the image is no Linux bzImage";
	if (ret)
		return -KEEL_ENOEXEC;
	if (cmdline_len > h.cmdline_size) {
		*why = "cmdline= is longer than the Linux kernel's cmdline_size";
		return -KEEL_ENOEXEC;
	}
	if (d->initrd[0]) {
		rd = boot_module_find(d->initrd);
		if (!rd) {
			*why = "initrd= names no boot module";
			return -KEEL_ENOENT;
		}
	}
	ret = place_kernel(vm, &h, &at, why);
	if (ret)
		return ret;
	if (guest_mem_load(vm, at, file + h.kernel_offset, h.kernel_size))
		return -KEEL_ENOEXEC;
	if (rd) {
		ret = load_initrd(vm, &h, rd, at + h.init_size, &rd_at, why);
		if (ret)
			return ret;
	}
	if (guest_mem_write(vm, LINUX_CMDLINE_GPA, d->args, cmdline_len + 1) ||
	    write_zero_page(vm, &h, file, rd_at, rd ? rd->size : 0) ||
	    write_entry_structures(vm)) {
		*why = "the VM's memory is too small for the Linux boot structures";
		return -KEEL_ENOEXEC;
	}
	*entry = at + LINUX_ENTRY64_OFFSET;
	vm->linux_params_gpa = LINUX_PARAMS_GPA;
	return 0;
}

void linux_entry_state(struct vcpu_entry_state *s, uint64_t entry)
{
	memset(s, 0, sizeof(*s));
	s->rip = entry;
	s->rflags = RFLAGS_FIXED;	/* IF clear */
	s->cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_PG;
	s->cr3 = LX_PML4_GPA;
	s->cr4 = CR4_PAE;
	s->efer = EFER_LME | EFER_LMA;
	s->cs = (struct segment){ SEL_CODE64, SEG_ATTR_CODE64, 0xffffffff, 0 };
	s->ds = (struct segment){ SEL_DATA, SEG_ATTR_DATA, 0xffffffff, 0 };
	s->tr = (struct segment){ SEL_TSS, SEG_ATTR_TSS64, TSS_LIMIT,
				  LX_TSS_GPA };
	s->gdt_base = LX_GDT_GPA;
	s->gdt_limit = SEL_TSS + 16 - 1;
	/* no IDT: the kernel loads its own first thing */
}
