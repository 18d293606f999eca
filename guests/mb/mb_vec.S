/* SPDX-License-Identifier: MIT */
/*
 * mb_vec: vector registers are private to a guest. A Multiboot kernel
 * that first checks it sees reset-state registers (XMM0-7 zero, MXCSR
 * 0x1f80: never another guest's values), then fills XMM0-7 with a marker
 * made from the first byte of its command line and checks them over and
 * over while the hypervisor preempts it (a round that takes 64 times
 * the quickest round, and at least GAP_TICKS, counts as one preemption:
 * rounds take about 50 TSC ticks on Bochs, thousands on QEMU TCG), until
 * PREEMPT_TARGET preemptions or MAX_ROUNDS checks. Run two with
 * different markers on one CPU with a short slice: each sees only its
 * own values. Prints PASS/FAIL and INFO lines on COM1, then "DONE mb_vec".
 */
#include "mb.inc"

#define MXCSR_RESET    0x1f80
#define GAP_TICKS      20000	/* at least, and GAP_SHIFT: 64 rounds */
#define GAP_SHIFT      6
#define PREEMPT_TARGET 2000
#define MAX_ROUNDS     200000000

	.text
	.code32
_start:
	mov $stack_top, %esp
	mov %ebx, boot_ebx
	SAY32 "mb_vec: started\n"
	call setup_descriptors
	/* SSE on, as an OS turns it on: CR0.EM off, MP on, CR4.OSFXSR */
	mov %cr0, %eax
	and $~CR0_EM, %eax
	or $CR0_MP, %eax
	mov %eax, %cr0
	mov %cr4, %eax
	or $(CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
	mov %eax, %cr4
	call check_fresh
	call fill_marker
	call preempt_loop
	SAY32 "DONE mb_vec\n"
	cli
1:	hlt
	jmp 1b

/* The registers a new vCPU must have: reset values, nobody's data. */
check_fresh:
	stmxcsr mxcsr
	cmpl $MXCSR_RESET, mxcsr
	RESULT e, "fresh MXCSR 0x1f80"
	movdqu %xmm0, seen + 0
	movdqu %xmm1, seen + 16
	movdqu %xmm2, seen + 32
	movdqu %xmm3, seen + 48
	movdqu %xmm4, seen + 64
	movdqu %xmm5, seen + 80
	movdqu %xmm6, seen + 96
	movdqu %xmm7, seen + 112
	xor %eax, %eax
	xor %ecx, %ecx
1:	or seen(, %ecx, 4), %eax
	inc %ecx
	cmp $32, %ecx
	jb 1b
	test %eax, %eax
	RESULT z, "fresh XMM0-7 zero"
	ret

/* want[i] = marker byte x 0x01010101 xor (16 i + dword index). */
fill_marker:
	mov boot_ebx, %ebx
	mov 16(%ebx), %esi		/* the command line */
	movzbl (%esi), %edx
	imul $0x01010101, %edx
	SAY32 "INFO marker=0x"
	mov %edx, %eax
	call puthex32
	SAY32 "\n"
	xor %ecx, %ecx
1:	mov %edx, %eax
	xor %ecx, %eax
	mov %eax, want(, %ecx, 4)
	inc %ecx
	cmp $32, %ecx
	jb 1b
	movdqu want + 0, %xmm0
	movdqu want + 16, %xmm1
	movdqu want + 32, %xmm2
	movdqu want + 48, %xmm3
	movdqu want + 64, %xmm4
	movdqu want + 80, %xmm5
	movdqu want + 96, %xmm6
	movdqu want + 112, %xmm7
	ret

/* Compare XMMn with want[n] (XMM7 is the scratch register last). */
.macro CHECK_XMM n
	movdqu want + 16 * \n, %xmm7
	pcmpeqd %xmm\n, %xmm7
	pmovmskb %xmm7, %eax
	cmp $0xffff, %eax
	je 1f
	incl mismatches
1:
.endm

preempt_loop:
	rdtsc
	mov %eax, last_lo
	mov %edx, last_hi
round:	CHECK_XMM 0
	CHECK_XMM 1
	CHECK_XMM 2
	CHECK_XMM 3
	CHECK_XMM 4
	CHECK_XMM 5
	CHECK_XMM 6
	movdqu want + 112, %xmm7	/* XMM7 itself: restore, then check */
	rdtsc
	mov %eax, %ecx
	mov %edx, %ebx
	sub last_lo, %eax
	sbb last_hi, %edx
	mov %ecx, last_lo
	mov %ebx, last_hi
	test %edx, %edx
	jnz 3f
	cmp min_round, %eax		/* the quickest round so far */
	jae 1f
	test %eax, %eax
	jz 1f
	mov %eax, min_round
1:	mov min_round, %ecx
	shl $GAP_SHIFT, %ecx
	cmp $GAP_TICKS, %ecx
	jae 2f
	mov $GAP_TICKS, %ecx
2:	cmp %ecx, %eax
	jb 4f
3:	incl preemptions
4:	incl rounds
	cmpl $PREEMPT_TARGET, preemptions
	jae 5f
	cmpl $MAX_ROUNDS, rounds
	jb round
5:	SAY32 "INFO preemptions=0x"
	mov preemptions, %eax
	call puthex32
	SAY32 " rounds=0x"
	mov rounds, %eax
	call puthex32
	SAY32 "\n"
	cmpl $0, mismatches
	RESULT e, "XMM0-7 kept their marker across preemptions"
	ret

	.data
boot_ebx:    .long 0
mxcsr:       .long 0
last_lo:     .long 0
last_hi:     .long 0
preemptions: .long 0
rounds:      .long 0
mismatches:  .long 0
min_round:   .long 0xffffffff
	.balign 16
want:        .skip 128
seen:        .skip 128
