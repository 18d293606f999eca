// SPDX-License-Identifier: MIT
/*
 * ELF64 executable parsing and loading (include/core/load/elf.h). Shared by the
 * UEFI loader and the hypervisor, so it uses nothing but lib/string.h. The
 * file is untrusted: fields are read with memcpy (no alignment assumed),
 * and every offset, size and address sum is checked before it is used.
 * Field layouts follow the System V gABI, "ELF Header" and "Program
 * Header", and the x86-64 psABI for the machine number.
 */
#include <stdbool.h>

#include <core/load/elf.h>
#include <keel/abi.h>
#include <lib/string.h>

#define EI_NIDENT     16
#define EI_CLASS      4
#define EI_DATA       5
#define EI_VERSION    6
#define ELFCLASS64    2
#define ELFDATA2LSB   1
#define EV_CURRENT    1
#define ET_EXEC       2
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

_Static_assert(sizeof(struct elf64_ehdr) == 64, "gABI: Elf64_Ehdr is 64 bytes");
_Static_assert(sizeof(struct elf64_phdr) == 56, "gABI: Elf64_Phdr is 56 bytes");

/*
 * The structs above are read by memcpy from a little-endian file, which
 * is only right on a little-endian machine; all of Keel's hosts are.
 */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "ELF fields are copied as little-endian");

static int reject(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return -KEEL_ENOEXEC;
}

static const char *check_header(const struct elf64_ehdr *eh, size_t size)
{
	uint64_t table_size, table_end;

	if (memcmp(eh->e_ident, elf_magic, sizeof(elf_magic)))
		return "not an ELF file (bad magic)";
	if (eh->e_ident[EI_CLASS] != ELFCLASS64)
		return "not a 64-bit ELF file";
	if (eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return "not a little-endian ELF file";
	if (eh->e_ident[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT)
		return "unknown ELF version";
	if (eh->e_machine != EM_X86_64)
		return "not an x86-64 ELF file";
	if (eh->e_type != ET_EXEC)
		return "not an executable (ET_EXEC) ELF file";
	if (eh->e_phentsize != sizeof(struct elf64_phdr))
		return "unexpected program header size";
	/* e_phnum <= 0xffff, so the product cannot overflow */
	table_size = (uint64_t)eh->e_phnum * eh->e_phentsize;
	if (__builtin_add_overflow(eh->e_phoff, table_size, &table_end) ||
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

static const char *check_segment(const struct elf64_phdr *ph, size_t size)
{
	uint64_t end;

	if (__builtin_add_overflow(ph->p_offset, ph->p_filesz, &end) ||
	    end > size)
		return "segment data lies outside the file";
	if (ph->p_filesz > ph->p_memsz)
		return "segment file size exceeds its memory size";
	if (__builtin_add_overflow(ph->p_vaddr, ph->p_memsz, &end) ||
	    __builtin_add_overflow(ph->p_paddr, ph->p_memsz, &end))
		return "segment address range overflows";
	return NULL;
}

static const char *add_segment(struct elf_image *img,
			       const struct elf64_phdr *ph)
{
	struct elf_segment *seg;

	for (unsigned int i = 0; i < img->segment_count; i++) {
		const struct elf_segment *s = &img->segments[i];

		if (ranges_overlap(s->vaddr, s->memsz, ph->p_vaddr, ph->p_memsz) ||
		    ranges_overlap(s->paddr, s->memsz, ph->p_paddr, ph->p_memsz))
			return "segments overlap";
	}
	if (img->segment_count == ELF_MAX_SEGMENTS)
		return "too many loadable segments";
	seg = &img->segments[img->segment_count++];
	seg->vaddr = ph->p_vaddr;
	seg->paddr = ph->p_paddr;
	seg->offset = ph->p_offset;
	seg->filesz = ph->p_filesz;
	seg->memsz = ph->p_memsz;
	seg->flags = ph->p_flags & (ELF_SEG_R | ELF_SEG_W | ELF_SEG_X);
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

static bool entry_is_executable(const struct elf_image *img)
{
	for (unsigned int i = 0; i < img->segment_count; i++) {
		const struct elf_segment *s = &img->segments[i];

		if ((s->flags & ELF_SEG_X) && img->entry >= s->vaddr &&
		    img->entry - s->vaddr < s->memsz)
			return true;
	}
	return false;
}

static const char *parse_segments(const unsigned char *file, size_t size,
				  const struct elf64_ehdr *eh,
				  struct elf_image *img)
{
	struct elf64_phdr ph;
	const char *why;

	for (unsigned int i = 0; i < eh->e_phnum; i++) {
		memcpy(&ph, file + eh->e_phoff + (uint64_t)i * sizeof(ph),
		       sizeof(ph));
		if (ph.p_type != PT_LOAD)
			continue;
		why = check_segment(&ph, size);
		/* an empty PT_LOAD occupies nothing; linkers emit them */
		if (!why && !ph.p_memsz)
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

int elf_parse(const void *file, size_t size, struct elf_image *img,
	      const char **why)
{
	struct elf64_ehdr eh;
	const char *reason;

	memset(img, 0, sizeof(*img));
	if (size < sizeof(eh))
		return reject(why, "file is shorter than an ELF header");
	memcpy(&eh, file, sizeof(eh));
	reason = check_header(&eh, size);
	if (!reason)
		reason = parse_segments(file, size, &eh, img);
	if (reason) {
		memset(img, 0, sizeof(*img));
		return reject(why, reason);
	}
	img->entry = eh.e_entry;
	if (!entry_is_executable(img)) {
		memset(img, 0, sizeof(*img));
		return reject(why, "entry point is not in an executable segment");
	}
	compute_span(img);
	return 0;
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
