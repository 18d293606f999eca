// SPDX-License-Identifier: MIT
/*
 * Multiboot 1 guests (Multiboot Specification 0.6.96): see
 * core/load/multiboot.h. Guest-physical layout: the GDT and TSS where
 * Keel ELF guests have theirs (GUEST_GDT_GPA, GUEST_TSS_GPA), the
 * information structure and what it points to at MB_INFO_GPA (64 KiB),
 * the kernel at its own addresses (1 MiB and up), the modules after it,
 * each page-aligned.
 */
#include <arch/layout.h>
#include <arch/x86.h>
#include <core/load/elf.h>
#include <core/load/multiboot.h>
#include <core/load/multiboot_parse.h>
#include <core/main.h>
#include <core/vm.h>
#include <core/vm_desc.h>
#include <keel/abi.h>
#include <keel/boot_info.h>
#include <lib/string.h>
#include <lib/util.h>

/* The information structure's area, below 640 KiB (MB_MEM_LOWER) */
#define MB_INFO_GPA      0x10000ull
#define MB_MMAP_GPA      (MB_INFO_GPA + 0x100)
#define MB_NAME_GPA      (MB_INFO_GPA + 0x200)	/* boot_loader_name */
#define MB_MODS_GPA      (MB_INFO_GPA + 0x300)
#define MB_CMDLINE_GPA   (MB_INFO_GPA + 0x400)
#define MB_MOD_NAMES_GPA (MB_INFO_GPA + 0x800)	/* KEEL_NAME_LEN each */
#define MB_LOADER_NAME   "Keel"
#define MB_LOW_END       0x9fc00ull	/* 639 KiB of low memory */
#define MB_HIGH_START    0x100000ull
#define MB_MMAP_AVAILABLE 1u
#define MB_MMAP_RESERVED  2u

/* struct multiboot_info flags (spec 3.3) */
#define MB_INFO_MEMORY   (1u << 0)
#define MB_INFO_CMDLINE  (1u << 2)
#define MB_INFO_MODS     (1u << 3)
#define MB_INFO_MMAP     (1u << 6)
#define MB_INFO_LOADER   (1u << 9)

#define GDT_CODE32  0x00cf9a000000ffffull
#define GDT_DATA32  0x00cf92000000ffffull
#define SEL_CODE    0x08
#define SEL_DATA    0x10
#define SEL_TSS     0x18
#define TSS_LIMIT   0x67
#define TSS_BUSY32  0x8bull

struct mb_info {
	uint32_t flags;
	uint32_t mem_lower, mem_upper;		/* KiB */
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
	uint32_t drives_length, drives_addr;
	uint32_t config_table;
	uint32_t boot_loader_name;
	uint32_t apm_table;
	uint32_t vbe[6];
};
_Static_assert(sizeof(struct mb_info) == 96, "spec 3.3 layout");

struct mb_module {
	uint32_t mod_start, mod_end;
	uint32_t string;
	uint32_t reserved;
};

struct mb_mmap_entry {
	uint32_t size;		/* of the rest: 20 */
	uint64_t base, length;
	uint32_t type;
} __attribute__((packed));
_Static_assert(sizeof(struct mb_mmap_entry) == 24, "spec 3.3 layout");
_Static_assert(MB_INFO_GPA + sizeof(struct mb_info) <= MB_MMAP_GPA &&
	       MB_MODS_GPA + VM_DESC_MAX_MODULES * sizeof(struct mb_module) <=
	       MB_CMDLINE_GPA && MB_CMDLINE_GPA + KEEL_ARGS_LEN <=
	       MB_MOD_NAMES_GPA, "the information area's parts do not overlap");

static int write_u64(struct vm *vm, uint64_t gpa, uint64_t v)
{
	return guest_mem_write(vm, gpa, &v, sizeof(v));
}

/* Does [lo, hi) lie in the VM's memory above 1 MiB? */
static bool fits(const struct vm *vm, uint64_t lo, uint64_t hi)
{
	return lo >= MB_HIGH_START && hi >= lo && hi <= vm->mem_bytes;
}

/*
 * The kernel by its address fields (flag 16) or else by its ELF32 or
 * ELF64 program headers, each segment at its p_paddr and the entry point
 * e_entry moved by its segment's p_paddr - p_vaddr, as GRUB loads one.
 */
static int load_kernel(struct vm *vm, const struct boot_module *image,
		       const struct mb_header *h, uint64_t *entry,
		       uint64_t *end, const char **why)
{
	const uint8_t *file = phys_to_virt(image->phys);
	struct elf_image img;

	if (h->addresses) {
		if (!fits(vm, h->load_addr, h->bss_end)) {
			*why = "the Multiboot kernel does not fit the VM's memory above 1 MiB";
			return -KEEL_ENOEXEC;
		}
		if (guest_mem_load(vm, h->load_addr, file + h->file_offset,
			       h->load_size) ||
		    guest_mem_load(vm, h->load_addr + h->load_size, NULL,
			       h->bss_end - h->load_addr - h->load_size))
			return -KEEL_ENOEXEC;
		*entry = h->entry;
		*end = h->bss_end;
		return 0;
	}
	if (elf_parse_any(file, image->size, &img, why))
		return -KEEL_ENOEXEC;
	if (!fits(vm, img.paddr_lo, img.paddr_hi) ||
	    img.entry_paddr > UINT32_MAX) {
		*why = "the Multiboot kernel does not fit the VM's memory above 1 MiB";
		return -KEEL_ENOEXEC;
	}
	if (elf_load(&img, file, guest_mem_load, vm))
		return -KEEL_ENOEXEC;
	*entry = img.entry_paddr;
	*end = img.paddr_hi;
	return 0;
}

/* d's modules, page-aligned from *next up, and their table entries. */
static int load_modules(struct vm *vm, const struct vm_desc *d, uint64_t next,
			const char **why)
{
	for (uint32_t i = 0; i < d->module_count; i++) {
		const struct boot_module *m = boot_module_find(d->modules[i]);
		uint64_t name = MB_MOD_NAMES_GPA + i * KEEL_NAME_LEN;
		struct mb_module entry;

		next = ALIGN_UP(next, PT_PAGE_4K);
		if (!m) {
			*why = "a module= names no boot module";
			return -KEEL_ENOENT;
		}
		if (!fits(vm, next, next + m->size) || next + m->size > UINT32_MAX) {
			*why = "the Multiboot modules do not fit the VM's memory";
			return -KEEL_ENOEXEC;
		}
		entry = (struct mb_module){ (uint32_t)next,
					    (uint32_t)(next + m->size),
					    (uint32_t)name, 0 };
		if (guest_mem_write(vm, next, phys_to_virt(m->phys), m->size) ||
		    guest_mem_write(vm, name, m->name, strlen(m->name) + 1) ||
		    guest_mem_write(vm, MB_MODS_GPA + i * sizeof(entry), &entry,
				    sizeof(entry)))
			return -KEEL_ENOEXEC;
		next += m->size;
	}
	return 0;
}

/* The information structure and its memory map, command line and name. */
static int write_info(struct vm *vm, const struct vm_desc *d)
{
	struct mb_mmap_entry map[] = {
		{ 20, 0, MB_LOW_END, MB_MMAP_AVAILABLE },
		{ 20, MB_LOW_END, MB_HIGH_START - MB_LOW_END, MB_MMAP_RESERVED },
		{ 20, MB_HIGH_START, vm->mem_bytes - MB_HIGH_START,
		  MB_MMAP_AVAILABLE },
	};
	struct mb_info info;
	int ret = 0;

	memset(&info, 0, sizeof(info));
	info.flags = MB_INFO_MEMORY | MB_INFO_CMDLINE | MB_INFO_MODS |
		     MB_INFO_MMAP | MB_INFO_LOADER;
	info.mem_lower = (uint32_t)(MB_LOW_END / KIB);
	/* 32 bits of KiB: up to 4 TiB, beyond any VM's memory */
	info.mem_upper = (uint32_t)((vm->mem_bytes - MB_HIGH_START) / KIB);
	info.cmdline = (uint32_t)MB_CMDLINE_GPA;
	info.mods_count = d->module_count;
	info.mods_addr = (uint32_t)MB_MODS_GPA;
	info.mmap_length = sizeof(map);
	info.mmap_addr = (uint32_t)MB_MMAP_GPA;
	info.boot_loader_name = (uint32_t)MB_NAME_GPA;
	ret |= guest_mem_write(vm, MB_INFO_GPA, &info, sizeof(info));
	ret |= guest_mem_write(vm, MB_MMAP_GPA, map, sizeof(map));
	ret |= guest_mem_write(vm, MB_NAME_GPA, MB_LOADER_NAME,
			       sizeof(MB_LOADER_NAME));
	ret |= guest_mem_write(vm, MB_CMDLINE_GPA, d->args,
			       strnlen(d->args, sizeof(d->args) - 1) + 1);
	return ret ? -KEEL_EFAULT : 0;
}

/* A flat 32-bit GDT and a TSS, so the entry state has real descriptors. */
static int write_gdt(struct vm *vm)
{
	uint64_t tss = GUEST_TSS_GPA;
	int ret = 0;

	ret |= write_u64(vm, GUEST_GDT_GPA, 0);
	ret |= write_u64(vm, GUEST_GDT_GPA + SEL_CODE, GDT_CODE32);
	ret |= write_u64(vm, GUEST_GDT_GPA + SEL_DATA, GDT_DATA32);
	ret |= write_u64(vm, GUEST_GDT_GPA + SEL_TSS,
			 TSS_LIMIT | ((tss & 0xffffff) << 16) |
			 (TSS_BUSY32 << 40) | (((tss >> 24) & 0xff) << 56));
	return ret ? -KEEL_EFAULT : 0;
}

int multiboot_load(struct vm *vm, const struct vm_desc *d,
		   const struct boot_module *image, uint64_t *entry,
		   const char **why)
{
	struct mb_header h;
	uint64_t end;
	int ret;

	ret = multiboot_parse(phys_to_virt(image->phys), image->size, &h, why);
	if (ret == -KEEL_ENOENT)
		*why = "the image has no Multiboot header";
	if (ret)
		return -KEEL_ENOEXEC;
	ret = load_kernel(vm, image, &h, entry, &end, why);
	if (!ret)
		ret = load_modules(vm, d, end, why);
	if (ret)
		return ret;
	if (write_info(vm, d) || write_gdt(vm)) {
		*why = "the VM's memory is too small for the Multiboot structures";
		return -KEEL_ENOEXEC;
	}
	vm->mb_info_gpa = MB_INFO_GPA;
	return 0;
}

void multiboot_entry_state(struct vcpu_entry_state *s, uint64_t entry)
{
	memset(s, 0, sizeof(*s));
	s->rip = entry;
	s->rflags = RFLAGS_FIXED;
	s->cr0 = CR0_PE | CR0_ET;
	s->cs = (struct segment){ SEL_CODE, SEG_ATTR_CODE32, 0xffffffff, 0 };
	s->ds = (struct segment){ SEL_DATA, SEG_ATTR_DATA, 0xffffffff, 0 };
	s->tr = (struct segment){ SEL_TSS, SEG_ATTR_TSS32, TSS_LIMIT,
				  GUEST_TSS_GPA };
	s->gdt_base = GUEST_GDT_GPA;
	s->gdt_limit = SEL_TSS + 8 - 1;
	/* no IDT: the kernel sets up its own (spec 3.2) */
}
