/* SPDX-License-Identifier: MIT */
/*
 * The setup header of a Linux x86 bzImage (Linux
 * Documentation/x86/boot.rst, "The real-mode kernel header"): the fields
 * a boot loader that enters the kernel through the 64-bit boot protocol
 * needs. Pure C without hypervisor state (tests/unit/test_linux_parse.c,
 * the fuzzer tests/fuzz/fuzz_linux.c). Nothing here trusts the file.
 */
#ifndef KEEL_CORE_LOAD_LINUX_PARSE_H
#define KEEL_CORE_LOAD_LINUX_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Offsets in the file, which are also the offsets in struct boot_params */
#define LINUX_SETUP_SECTS     0x1f1	/* u8: 512-byte sectors; 0 means 4 */
#define LINUX_SYSSIZE         0x1f4	/* u32: protected-mode size / 16 */
#define LINUX_BOOT_FLAG       0x1fe	/* u16: 0xAA55 */
#define LINUX_JUMP            0x200	/* u16: its second byte: header end */
#define LINUX_HEADER          0x202	/* u32: "HdrS" */
#define LINUX_VERSION         0x206	/* u16: the protocol version */
#define LINUX_TYPE_OF_LOADER  0x210	/* u8 */
#define LINUX_LOADFLAGS       0x211	/* u8 */
#define LINUX_CODE32_START    0x214	/* u32 */
#define LINUX_RAMDISK_IMAGE   0x218	/* u32 */
#define LINUX_RAMDISK_SIZE    0x21c	/* u32 */
#define LINUX_CMD_LINE_PTR    0x228	/* u32 */
#define LINUX_INITRD_ADDR_MAX 0x22c	/* u32: highest byte an initrd may use */
#define LINUX_KERNEL_ALIGN    0x230	/* u32 */
#define LINUX_RELOCATABLE     0x234	/* u8 */
#define LINUX_XLOADFLAGS      0x236	/* u16 (2.12) */
#define LINUX_CMDLINE_SIZE    0x238	/* u32 (2.06): without the NUL */
#define LINUX_PREF_ADDRESS    0x258	/* u64 (2.10) */
#define LINUX_INIT_SIZE       0x260	/* u32 (2.10) */
/* The setup header ends at 0x202 + the byte at 0x201, before this. */
#define LINUX_HEADER_LIMIT    0x290

#define LINUX_MAGIC           0x53726448u	/* "HdrS" */
#define LINUX_BOOT_FLAG_MAGIC 0xaa55u
#define LINUX_VERSION_MIN     0x020c	/* 2.12: xloadflags, 64-bit entry */
#define LINUX_LOADED_HIGH     (1u << 0)	/* loadflags: protected mode at 1 MiB+ */
#define LINUX_XLF_KERNEL_64   (1u << 0)	/* xloadflags: startup_64 at +0x200 */
#define LINUX_ENTRY64_OFFSET  0x200	/* of startup_64 from the load address */
#define LINUX_SECTOR          512u
#define LINUX_SETUP_SECTS_DEFAULT 4u

/* A parsed header: what the loader needs, checked against the file. */
struct linux_header {
	uint16_t version;
	uint8_t loadflags;
	uint16_t xloadflags;
	uint32_t header_end;		/* file bytes 0x1f1..header_end are it */
	uint32_t kernel_offset;		/* of the protected-mode kernel */
	uint32_t kernel_size;		/* bytes of it to copy (syssize * 16) */
	uint64_t pref_address;
	uint32_t kernel_alignment;	/* a power of two; 1 if not relocatable */
	bool relocatable;
	uint32_t init_size;		/* room the kernel needs from its load
					   address; at least kernel_size */
	uint32_t initrd_addr_max;
	uint32_t cmdline_size;
};

/*
 * Parses the setup header of file. 0 with *h filled; -KEEL_ENOENT when
 * file is not a bzImage (no "HdrS" and 0xAA55); -KEEL_ENOEXEC with *why
 * set (a static string) when it is one Keel cannot boot: a protocol
 * before 2.12, no 64-bit entry, not loaded high, a header or kernel that
 * lies outside the file, a kernel_alignment that is not a power of two.
 */
int linux_parse(const void *file, size_t size, struct linux_header *h,
		const char **why);

/* Whether file carries the bzImage signatures (0xAA55 and "HdrS"). */
bool linux_is_bzimage(const void *file, size_t size);

#endif
