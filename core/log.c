// SPDX-License-Identifier: MIT
/* Leveled log with a ring buffer; see core/log.h. */
#include <stdarg.h>

#include <core/log.h>
#include <drivers/uart.h>
#include <lib/format.h>
#include <lib/spinlock.h>
#include <lib/string.h>

#define LOG_LINE_MAX 256

static const char *const level_prefix[] = {
	[LOG_ERROR] = "keel: error: ",
	[LOG_WARN] = "keel: warning: ",
	[LOG_INFO] = "keel: ",
	[LOG_DEBUG] = "keel: debug: ",
};

static struct spinlock console_lock = SPINLOCK_INIT;
static enum log_level console_level = LOG_INFO;
static char ring[LOG_RING_SIZE];
static uint64_t ring_head;	/* total bytes ever written */

void log_set_level(enum log_level level)
{
	console_level = level;
}

static void ring_append(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		ring[(ring_head + i) % LOG_RING_SIZE] = s[i];
	ring_head += len;
}

void log_write(enum log_level level, const char *fmt, ...)
{
	char line[LOG_LINE_MAX];
	size_t prefix = strlcpy(line, level_prefix[level], sizeof(line));
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line + prefix, sizeof(line) - prefix - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	n = prefix + n;
	if ((size_t)n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';

	spin_lock(&console_lock);
	ring_append(line, n);
	if (level <= console_level)
		uart_write(line, n);
	spin_unlock(&console_lock);
}

void console_write(const char *s, size_t len)
{
	spin_lock(&console_lock);
	uart_write(s, len);
	spin_unlock(&console_lock);
}

size_t log_ring_read(char *buf, size_t size)
{
	uint64_t start, len;

	spin_lock(&console_lock);
	len = ring_head < LOG_RING_SIZE ? ring_head : LOG_RING_SIZE;
	if (len > size)
		len = size;
	start = ring_head - len;
	for (uint64_t i = 0; i < len; i++)
		buf[i] = ring[(start + i) % LOG_RING_SIZE];
	spin_unlock(&console_lock);
	return len;
}
