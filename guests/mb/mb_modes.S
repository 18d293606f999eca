/* SPDX-License-Identifier: MIT */
/*
 * mb_modes: a Multiboot kernel that walks the CPU modes as an OS does
 * and checks what a CPU must refuse. From the Multiboot state (32-bit
 * protected mode, no paging) it checks EAX and the information structure
 * (flags, memory, memory map, command line, module 0, which must begin
 * with "KEELMOD!"), then PAE paging, twice long mode and back (EFER.LME,
 * CR0.PG, a far jump to 64-bit code, compatibility mode, paging off,
 * LME off), CR0.WP / CR4.PGE / CR4.OSFXSR toggles, LMSW from memory,
 * and #GP for illegal
 * writes: CR0.NW without CD, CR4 reserved and VMXE
 * bits, paging with LME but without PAE, LME changed while paging, and
 * in 64-bit mode clearing CR4.PAE, CR0.PG or EFER.LME, and last CR0.PG
 * without PE. One PASS or FAIL
 * line per check on COM1, then "DONE mb_modes".
 */
#include "mb.inc"

#define PTE_P   1
#define PTE_RW  2
#define PDE_PS  0x80
#define MODCHK0 0x4c45454b	/* "KEEL" */
#define MODCHK1 0x21444f4d	/* "MOD!" */
#define MBI_NEEDED 0x24d	/* memory, cmdline, mods, mmap, loader name */

	.text
	.code32
_start:
	mov $stack_top, %esp
	mov %eax, boot_eax
	mov %ebx, boot_ebx
	SAY32 "mb_modes: started\n"
	cmpl $BOOT_MAGIC, boot_eax
	RESULT e, "multiboot magic in EAX"
	call check_info
	call setup_descriptors
	call build_tables
	call illegal_unpaged
	call pae_paging
	movl $2, rounds
1:	call long_mode_round
	decl rounds
	jnz 1b
	call toggles
	call pg_without_pe
	SAY32 "DONE mb_modes\n"
	cli
2:	hlt
	jmp 2b

/* The information structure EBX pointed to (Multiboot spec 3.3). */
check_info:
	mov boot_ebx, %ebx
	mov (%ebx), %eax
	and $MBI_NEEDED, %eax
	cmp $MBI_NEEDED, %eax
	RESULT e, "info flags"
	cmpl $639, 4(%ebx)
	RESULT e, "mem_lower 639 KiB"
	SAY32 "INFO mem_upper=0x"
	mov 8(%ebx), %eax
	call puthex32
	SAY32 "\nINFO cmdline="
	mov 16(%ebx), %esi
	call puts32
	SAY32 "\nINFO loader="
	mov 64(%ebx), %esi
	call puts32
	SAY32 "\n"
	cmpl $1, 20(%ebx)
	RESULT ae, "at least one module"
	mov 24(%ebx), %edx		/* module 0: start, end, string */
	SAY32 "INFO module0="
	mov 8(%edx), %esi
	call puts32
	SAY32 "\n"
	mov (%edx), %eax
	test $0xfff, %eax
	RESULT z, "module page-aligned"
	cmpl $MODCHK0, (%eax)
	jne 1f
	cmpl $MODCHK1, 4(%eax)
1:	RESULT e, "module contents"
	call check_mmap
	ret

/* An available entry from 1 MiB to 1 MiB + mem_upper KiB. */
check_mmap:
	mov 48(%ebx), %esi		/* mmap_addr */
	mov 44(%ebx), %edi
	add %esi, %edi			/* its end */
	mov 8(%ebx), %ecx
	shl $10, %ecx
	add $0x100000, %ecx		/* the expected end of memory */
	xor %edx, %edx			/* found */
1:	cmp %edi, %esi
	jae 3f
	cmpl $1, 20(%esi)		/* type */
	jne 2f
	cmpl $0x100000, 4(%esi)		/* base low */
	jne 2f
	mov 4(%esi), %eax
	add 12(%esi), %eax		/* + length low */
	cmp %ecx, %eax
	jne 2f
	mov $1, %edx
2:	add (%esi), %esi
	add $4, %esi
	jmp 1b
3:	cmp $1, %edx
	RESULT e, "memory map"
	ret

/* Identity map of the first GiB with 2 MiB pages, for PAE and long mode. */
build_tables:
	xor %ecx, %ecx
1:	mov %ecx, %eax
	shl $21, %eax
	or $(PTE_P | PTE_RW | PDE_PS), %eax
	mov %eax, pd(, %ecx, 8)
	inc %ecx
	cmp $512, %ecx
	jb 1b
	movl $(pd + PTE_P + PTE_RW), pdpt_lm
	movl $(pdpt_lm + PTE_P + PTE_RW), pml4
	movl $(pd + PTE_P), pdpt_pae	/* PAE PDPTEs have no R/W bit */
	ret

/* Writes a CPU refuses while paging is off. */
illegal_unpaged:
	EXPECT_GP
	mov %cr0, %eax
	and $~CR0_CD, %eax
	or $CR0_NW, %eax
	mov %eax, %cr0
	END_GP "gp: CR0.NW without CR0.CD"
	EXPECT_GP
	mov %cr4, %eax
	or $(1 << 15), %eax
	mov %eax, %cr4
	END_GP "gp: CR4 reserved bit 15"
	EXPECT_GP
	mov %cr4, %eax
	or $CR4_VMXE, %eax
	mov %eax, %cr4
	END_GP "gp: CR4.VMXE (VMX not offered)"
	/* long mode without PAE */
	mov $MSR_EFER, %ecx
	rdmsr
	or $EFER_LME, %eax
	wrmsr
	EXPECT_GP
	mov %cr0, %eax
	or $CR0_PG, %eax
	mov %eax, %cr0
	END_GP "gp: CR0.PG with EFER.LME and no CR4.PAE"
	mov $MSR_EFER, %ecx
	rdmsr
	and $~EFER_LME, %eax
	wrmsr
	mov %cr0, %eax
	test $CR0_PG, %eax
	RESULT z, "paging still off after the refused writes"
	ret

/*
 * Last, as a CPU that lets it through (QEMU TCG's SVM does) leaves the
 * kernel in no state to go on.
 */
pg_without_pe:
	EXPECT_GP
	mov %cr0, %eax
	and $~CR0_PE, %eax
	or $CR0_PG, %eax
	mov %eax, %cr0
	END_GP "gp: CR0.PG without CR0.PE"
	ret

/* 32-bit PAE paging without long mode: PDPTEs from CR3. */
pae_paging:
	mov $pdpt_pae, %eax
	mov %eax, %cr3
	mov %cr4, %eax
	or $CR4_PAE, %eax
	mov %eax, %cr4
	mov %cr0, %eax
	or $CR0_PG, %eax
	mov %eax, %cr0
	movl $0x5a5a1234, probe
	cmpl $0x5a5a1234, probe
	RESULT e, "PAE paging on"
	EXPECT_GP
	mov $MSR_EFER, %ecx
	rdmsr
	or $EFER_LME, %eax
	wrmsr
	END_GP "gp: EFER.LME changed while paging"
	mov %cr0, %eax
	and $~CR0_PG, %eax
	mov %eax, %cr0
	mov %cr0, %eax
	test $CR0_PG, %eax
	RESULT z, "PAE paging off"
	ret

/* Into long mode and 64-bit code, the illegal writes there, and back. */
long_mode_round:
	mov $pml4, %eax
	mov %eax, %cr3
	mov %cr4, %eax
	or $CR4_PAE, %eax
	mov %eax, %cr4
	mov $MSR_EFER, %ecx
	rdmsr
	or $EFER_LME, %eax
	wrmsr
	mov %cr0, %eax
	or $CR0_PG, %eax
	mov %eax, %cr0
	mov $MSR_EFER, %ecx
	rdmsr
	test $EFER_LMA, %eax
	RESULT nz, "EFER.LMA set by CR0.PG"
	ljmp $SEL_CODE64, $long64

	.code64
long64:
	lidt idt64_ptr
	SAY64 "PASS 64-bit mode\n"
	EXPECT_GP 64
	mov %cr4, %rax
	and $~CR4_PAE, %rax
	mov %rax, %cr4
	END_GP "gp: clear CR4.PAE in long mode", 64
	EXPECT_GP 64
	mov %cr0, %rax
	btr $31, %rax
	mov %rax, %cr0
	END_GP "gp: clear CR0.PG in 64-bit mode", 64
	EXPECT_GP 64
	mov $MSR_EFER, %ecx
	rdmsr
	and $~EFER_LME, %eax
	wrmsr
	END_GP "gp: clear EFER.LME in long mode", 64
	/* to compatibility mode, whence long mode may be left */
	pushq $SEL_CODE32
	pushq $compat32
	lretq

	.code32
compat32:
	mov %cr0, %eax
	and $~CR0_PG, %eax
	mov %eax, %cr0
	lidt idt32_ptr
	mov $MSR_EFER, %ecx
	rdmsr
	test $EFER_LMA, %eax
	RESULT z, "left long mode: EFER.LMA clear"
	and $~EFER_LME, %eax
	wrmsr
	rdmsr
	test $EFER_LME, %eax
	RESULT z, "EFER.LME cleared"
	mov %cr4, %eax
	and $~CR4_PAE, %eax
	mov %eax, %cr4
	SAY32 "PASS back in 32-bit protected mode without paging\n"
	ret

/* Bits a CPU lets an OS set and clear at will. */
.macro TOGGLE cr, bit, name
	mov %\cr, %eax
	or $\bit, %eax
	mov %eax, %\cr
	mov %\cr, %eax
	test $\bit, %eax
	jz 5f
	and $~\bit, %eax
	mov %eax, %\cr
	mov %\cr, %eax
	test $\bit, %eax
	jnz 5f
	xor %eax, %eax
5:	test %eax, %eax
	RESULT z, "\name"
.endm

toggles:
	TOGGLE cr0, CR0_WP, "toggle CR0.WP"
	TOGGLE cr4, CR4_PGE, "toggle CR4.PGE"
	TOGGLE cr4, CR4_OSFXSR, "toggle CR4.OSFXSR"
	TOGGLE cr0, CR0_CD, "toggle CR0.CD"
	call lmsw_memory
	ret

/*
 * LMSW with a memory operand (SVM intercepts it and the emulator reads
 * the word): CR0 bits 3:0 from it, MP and TS set, PE kept though the
 * word has it clear; then EM from a second word, and CR0 restored.
 */
lmsw_memory:
	mov %cr0, %eax
	mov %eax, saved_cr0
	movw $(CR0_MP | CR0_TS), msw_word
	lmsw msw_word
	mov %cr0, %eax
	and $0xf, %eax
	cmp $(CR0_PE | CR0_MP | CR0_TS), %eax
	RESULT e, "lmsw from memory: MP and TS set, PE kept"
	movw $CR0_EM, msw_word
	mov $msw_word - 0x10, %ebx
	lmsw 0x10(%ebx)
	mov %cr0, %eax
	and $0xf, %eax
	cmp $(CR0_PE | CR0_EM), %eax
	RESULT e, "lmsw from memory (base + disp8): EM only"
	mov saved_cr0, %eax
	mov %eax, %cr0
	ret

	.data
boot_eax: .long 0
boot_ebx: .long 0
rounds:   .long 0
probe:    .long 0
saved_cr0: .long 0
msw_word: .word 0

	.bss
	.balign 4096
pml4:     .skip 4096
pdpt_lm:  .skip 4096
pdpt_pae: .skip 4096
pd:       .skip 4096
