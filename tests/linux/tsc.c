// SPDX-License-Identifier: MIT
/*
 * /bin/tsc in the Linux guest's initramfs (tools/linux-image): prints the
 * time-stamp counter in decimal. A Keel guest's TSC starts near 0 when its
 * VM starts, and under QEMU -icount the TSC counts instructions, so the
 * value at the initramfs marker is the boot's length (tests/bench/run.py,
 * linux_boot). A static x86-64 Linux program with no C library.
 */
#include <stdint.h>

static long sys_write(int fd, const void *buf, unsigned long len)
{
	long ret;

	__asm__ volatile("syscall" : "=a"(ret)
			 : "0"(1L), "D"((long)fd), "S"(buf), "d"(len)
			 : "rcx", "r11", "memory");
	return ret;
}

static __attribute__((noreturn)) void sys_exit(int code)
{
	__asm__ volatile("syscall" : : "a"(60L), "D"((long)code));
	__builtin_unreachable();
}

void _start(void)
{
	uint32_t lo, hi;
	char buf[24];
	int i = sizeof(buf);
	uint64_t tsc;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	tsc = (uint64_t)hi << 32 | lo;
	buf[--i] = '\n';
	do {
		buf[--i] = (char)('0' + tsc % 10);
		tsc /= 10;
	} while (tsc);
	sys_write(1, buf + i, sizeof(buf) - i);
	sys_exit(0);
}
