// SPDX-License-Identifier: MIT
/*
 * ELF64 and ELF32 executable parsing and loading (include/core/load/elf.h).
 * Shared by the UEFI loader and the hypervisor, so it uses nothing but
 * lib/string.h. The file is untrusted: fields are read with memcpy (no alignment assumed),
 * and every offset, size and address sum is checked before it is used.
 * Field layouts follow the System V gABI, "ELF Header" and "Program
 * Header", and the x86-64 and i386 psABIs for the machine numbers.
 */
#include <stdbool.h>

#include <core/load/elf.h>
#include <keel/abi.h>
#include <lib/string.h>

#define EI_NIDENT     16
#define EI_CLASS      4
#define EI_DATA       5
#define EI_VERSION    6
#define ELFCLASS32    1
#define ELFCLASS64    2
#define ELFDATA2LSB   1
#define EV_CURRENT    1
#define ET_EXEC       2
#define EM_386        3
#define EM_X86_64     62
#define PT_LOAD       1

static const unsigned char elf_magic[] = { 0x7f, 'E', 'L', 'F' };

struct elf64_ehdr {
	unsigned char e_ident[EI_NIDENT];
	uint16_t e_type;
	uint16_t e_machine;
	uint32_t e_version;
	uint64_t e_entry;
	uint64_t e_phoff;
	uint64_t e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize;
	uint16_t e_phentsize;
	uint16_t e_phnum;
	uint16_t e_shentsize;
	uint16_t e_shnum;
	uint16_t e_shstrndx;
};

struct elf64_phdr {
	uint32_t p_type;
	uint32_t p_flags;
	uint64_t p_offset;
	uint64_t p_vaddr;
	uint64_t p_paddr;
	uint64_t p_filesz;
	uint64_t p_memsz;
	uint64_t p_align;
};

struct elf32_ehdr {
	unsigned char e_ident[EI_NIDENT];
	uint16_t e_type;
	uint16_t e_machine;
	uint32_t e_version;
	uint32_t e_entry;
	uint32_t e_phoff;
	uint32_t e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize;
	uint16_t e_phentsize;
	uint16_t e_phnum;
	uint16_t e_shentsize;
	uint16_t e_shnum;
	uint16_t e_shstrndx;
};

/* p_flags comes later than in Elf64_Phdr */
struct elf32_phdr {
	uint32_t p_type;
	uint32_t p_offset;
	uint32_t p_vaddr;
	uint32_t p_paddr;
	uint32_t p_filesz;
	uint32_t p_memsz;
	uint32_t p_flags;
	uint32_t p_align;
};

_Static_assert(sizeof(struct elf64_ehdr) == 64, "gABI: Elf64_Ehdr is 64 bytes");
_Static_assert(sizeof(struct elf64_phdr) == 56, "gABI: Elf64_Phdr is 56 bytes");
_Static_assert(sizeof(struct elf32_ehdr) == 52, "gABI: Elf32_Ehdr is 52 bytes");
_Static_assert(sizeof(struct elf32_phdr) == 32, "gABI: Elf32_Phdr is 32 bytes");

/*
 * The structs above are read by memcpy from a little-endian file, which
 * is only right on a little-endian machine; all of Keel's hosts are.
 */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "ELF fields are copied as little-endian");

/* The fields of either class's headers that are checked, widened. */
struct elf_header {
	unsigned char ident[EI_NIDENT];
	uint16_t type, machine, phentsize, phnum;
	uint32_t version;
	uint64_t entry, phoff;
};

struct elf_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz;
};

/*
 * One class: its machine and layouts, and the highest address a segment
 * may reach (an end past it does not fit the class's addresses). No
 * pointers, so the loader's copy needs no relocation.
 */
struct elf_class {
	unsigned char ident_class;
	uint16_t machine;
	size_t ehdr_size, phdr_size;
	uint64_t addr_max;
};

static const struct elf_class elf64_class = {
	ELFCLASS64, EM_X86_64, sizeof(struct elf64_ehdr),
	sizeof(struct elf64_phdr), UINT64_MAX,
};

static const struct elf_class elf32_class = {
	ELFCLASS32, EM_386, sizeof(struct elf32_ehdr),
	sizeof(struct elf32_phdr), UINT32_MAX,
};

static void read_header(const struct elf_class *c, const unsigned char *file,
			struct elf_header *eh)
{
	struct elf64_ehdr h64;
	struct elf32_ehdr h32;

	if (c->ident_class == ELFCLASS64) {
		memcpy(&h64, file, sizeof(h64));
		*eh = (struct elf_header){
			.type = h64.e_type, .machine = h64.e_machine,
			.phentsize = h64.e_phentsize, .phnum = h64.e_phnum,
			.version = h64.e_version, .entry = h64.e_entry,
			.phoff = h64.e_phoff,
		};
	} else {
		memcpy(&h32, file, sizeof(h32));
		*eh = (struct elf_header){
			.type = h32.e_type, .machine = h32.e_machine,
			.phentsize = h32.e_phentsize, .phnum = h32.e_phnum,
			.version = h32.e_version, .entry = h32.e_entry,
			.phoff = h32.e_phoff,
		};
	}
	/* after the assignment above, which clears it */
	memcpy(eh->ident, file, EI_NIDENT);
}

static void read_phdr(const struct elf_class *c, const unsigned char *at,
		      struct elf_phdr *ph)
{
	struct elf64_phdr p64;
	struct elf32_phdr p32;

	if (c->ident_class == ELFCLASS64) {
		memcpy(&p64, at, sizeof(p64));
		*ph = (struct elf_phdr){ p64.p_type, p64.p_flags, p64.p_offset,
					 p64.p_vaddr, p64.p_paddr,
					 p64.p_filesz, p64.p_memsz };
	} else {
		memcpy(&p32, at, sizeof(p32));
		*ph = (struct elf_phdr){ p32.p_type, p32.p_flags, p32.p_offset,
					 p32.p_vaddr, p32.p_paddr,
					 p32.p_filesz, p32.p_memsz };
	}
}

static int reject(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return -KEEL_ENOEXEC;
}

static const char *check_header(const struct elf_class *c,
				const struct elf_header *eh, size_t size)
{
	uint64_t table_size, table_end;

	if (memcmp(eh->ident, elf_magic, sizeof(elf_magic)))
		return "not an ELF file (bad magic)";
	if (eh->ident[EI_CLASS] != c->ident_class)
		return c->ident_class == ELFCLASS64 ? "not a 64-bit ELF file" :
						      "not a 32-bit ELF file";
	if (eh->ident[EI_DATA] != ELFDATA2LSB)
		return "not a little-endian ELF file";
	if (eh->ident[EI_VERSION] != EV_CURRENT || eh->version != EV_CURRENT)
		return "unknown ELF version";
	if (eh->machine != c->machine)
		return c->machine == EM_X86_64 ? "not an x86-64 ELF file" :
						 "not an i386 ELF file";
	if (eh->type != ET_EXEC)
		return "not an executable (ET_EXEC) ELF file";
	if (eh->phentsize != c->phdr_size)
		return "unexpected program header size";
	/* e_phnum <= 0xffff, so the product cannot overflow */
	table_size = (uint64_t)eh->phnum * eh->phentsize;
	if (__builtin_add_overflow(eh->phoff, table_size, &table_end) ||
	    table_end > size)
		return "program headers lie outside the file";
	return NULL;
}

static bool ranges_overlap(uint64_t a, uint64_t a_len, uint64_t b,
			   uint64_t b_len)
{
	/* ends do not overflow: checked when the segment was taken */
	return a < b + b_len && b < a + a_len;
}

/* Does [addr, addr + len) end at or below max (no wrap)? */
static bool range_fits(uint64_t addr, uint64_t len, uint64_t max)
{
	uint64_t end;

	return !__builtin_add_overflow(addr, len, &end) && end <= max;
}

static const char *check_segment(const struct elf_class *c,
				 const struct elf_phdr *ph, size_t size)
{
	uint64_t end;

	if (__builtin_add_overflow(ph->offset, ph->filesz, &end) ||
	    end > size)
		return "segment data lies outside the file";
	if (ph->filesz > ph->memsz)
		return "segment file size exceeds its memory size";
	if (!range_fits(ph->vaddr, ph->memsz, c->addr_max) ||
	    !range_fits(ph->paddr, ph->memsz, c->addr_max))
		return "segment address range overflows";
	return NULL;
}

static const char *add_segment(struct elf_image *img,
			       const struct elf_phdr *ph)
{
	struct elf_segment *seg;

	for (unsigned int i = 0; i < img->segment_count; i++) {
		const struct elf_segment *s = &img->segments[i];

		if (ranges_overlap(s->vaddr, s->memsz, ph->vaddr, ph->memsz) ||
		    ranges_overlap(s->paddr, s->memsz, ph->paddr, ph->memsz))
			return "segments overlap";
	}
	if (img->segment_count == ELF_MAX_SEGMENTS)
		return "too many loadable segments";
	seg = &img->segments[img->segment_count++];
	seg->vaddr = ph->vaddr;
	seg->paddr = ph->paddr;
	seg->offset = ph->offset;
	seg->filesz = ph->filesz;
	seg->memsz = ph->memsz;
	seg->flags = ph->flags & (ELF_SEG_R | ELF_SEG_W | ELF_SEG_X);
	return NULL;
}

static void compute_span(struct elf_image *img)
{
	img->vaddr_lo = img->paddr_lo = UINT64_MAX;
	img->vaddr_hi = img->paddr_hi = 0;
	for (unsigned int i = 0; i < img->segment_count; i++) {
		const struct elf_segment *s = &img->segments[i];

		if (s->vaddr < img->vaddr_lo)
			img->vaddr_lo = s->vaddr;
		if (s->vaddr + s->memsz > img->vaddr_hi)
			img->vaddr_hi = s->vaddr + s->memsz;
		if (s->paddr < img->paddr_lo)
			img->paddr_lo = s->paddr;
		if (s->paddr + s->memsz > img->paddr_hi)
			img->paddr_hi = s->paddr + s->memsz;
	}
}

/* The executable segment holding the entry point, or NULL. */
static const struct elf_segment *entry_segment(const struct elf_image *img)
{
	for (unsigned int i = 0; i < img->segment_count; i++) {
		const struct elf_segment *s = &img->segments[i];

		if ((s->flags & ELF_SEG_X) && img->entry >= s->vaddr &&
		    img->entry - s->vaddr < s->memsz)
			return s;
	}
	return NULL;
}

static const char *parse_segments(const struct elf_class *c,
				  const unsigned char *file, size_t size,
				  const struct elf_header *eh,
				  struct elf_image *img)
{
	struct elf_phdr ph;
	const char *why;

	for (unsigned int i = 0; i < eh->phnum; i++) {
		read_phdr(c, file + eh->phoff + (uint64_t)i * c->phdr_size, &ph);
		if (ph.type != PT_LOAD)
			continue;
		why = check_segment(c, &ph, size);
		/* an empty PT_LOAD occupies nothing; linkers emit them */
		if (!why && !ph.memsz)
			continue;
		if (!why)
			why = add_segment(img, &ph);
		if (why)
			return why;
	}
	if (!img->segment_count)
		return "no loadable segment";
	return NULL;
}

static int parse_class(const struct elf_class *c, const void *file,
		       size_t size, struct elf_image *img, const char **why)
{
	struct elf_header eh;
	const struct elf_segment *entry;
	const char *reason;

	memset(img, 0, sizeof(*img));
	if (size < c->ehdr_size)
		return reject(why, "file is shorter than an ELF header");
	read_header(c, file, &eh);
	reason = check_header(c, &eh, size);
	if (!reason)
		reason = parse_segments(c, file, size, &eh, img);
	if (reason) {
		memset(img, 0, sizeof(*img));
		return reject(why, reason);
	}
	img->entry = eh.entry;
	entry = entry_segment(img);
	if (!entry) {
		memset(img, 0, sizeof(*img));
		return reject(why, "entry point is not in an executable segment");
	}
	/* inside the segment, so neither side wraps */
	img->entry_paddr = img->entry - entry->vaddr + entry->paddr;
	compute_span(img);
	return 0;
}

int elf_parse(const void *file, size_t size, struct elf_image *img,
	      const char **why)
{
	return parse_class(&elf64_class, file, size, img, why);
}

int elf32_parse(const void *file, size_t size, struct elf_image *img,
		const char **why)
{
	return parse_class(&elf32_class, file, size, img, why);
}

int elf_parse_any(const void *file, size_t size, struct elf_image *img,
		  const char **why)
{
	const unsigned char *ident = file;

	if (size > EI_CLASS && ident[EI_CLASS] == ELFCLASS32)
		return elf32_parse(file, size, img, why);
	return elf_parse(file, size, img, why);
}

int elf_load(const struct elf_image *img, const void *file,
	     elf_write_fn write, void *ctx)
{
	const unsigned char *bytes = file;
	int rc;

	for (unsigned int i = 0; i < img->segment_count; i++) {
		const struct elf_segment *s = &img->segments[i];

		if (s->filesz) {
			rc = write(ctx, s->paddr, bytes + s->offset, s->filesz);
			if (rc)
				return rc;
		}
		if (s->memsz > s->filesz) {
			rc = write(ctx, s->paddr + s->filesz, NULL,
				   s->memsz - s->filesz);
			if (rc)
				return rc;
		}
	}
	return 0;
}
