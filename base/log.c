// SPDX-License-Identifier: MIT
/* Leveled log with a ring buffer; see base/log.h. */
#include <stdarg.h>
#include <stdbool.h>

#include <base/log.h>
#include <drivers/uart.h>
#include <lib/format.h>
#include <lib/ring.h>
#include <lib/spinlock.h>
#include <lib/string.h>
#include <lib/util.h>

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
/* Console lines written before the console was up (log_console_ready). */
static char early[LOG_EARLY_SIZE];
static size_t early_len;
static bool early_overflow;
static bool console_up;
static bool console_handed_over;	/* the management VM owns the UART */

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

/* A console line: printed, or kept until the console is up. */
static void console_line(const char *line, size_t len)
{
	if (console_handed_over) {
		return;		/* kept in the ring only */
	} else if (console_up) {
		uart_write(line, len);
	} else if (early_len + len <= sizeof(early)) {
		memcpy(early + early_len, line, len);
		early_len += len;
	} else {
		early_overflow = true;
	}
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
		console_line(line, n);
	spin_unlock(&console_lock);
}

static void early_print(void)
{
	static const char lost[] =
		"keel: (early lines left out here are in the log ring)\n";

	uart_write(early, early_len);
	if (early_overflow)
		uart_write(lost, sizeof(lost) - 1);
	early_len = 0;
	early_overflow = false;
}

void log_console_ready(void)
{
	spin_lock(&console_lock);
	console_up = true;
	early_print();
	spin_unlock(&console_lock);
}

void log_console_handover(void)
{
	spin_lock(&console_lock);
	console_handed_over = true;
	spin_unlock(&console_lock);
}

void log_console_takeback(void)
{
	spin_lock(&console_lock);
	console_handed_over = false;
	spin_unlock(&console_lock);
}

void log_console_panic(void)
{
	console_handed_over = false;
	if (console_up)
		return;
	console_up = true;
	early_print();
}

void console_write(const char *s, size_t len)
{
	spin_lock(&console_lock);
	uart_write(s, len);
	spin_unlock(&console_lock);
}

void console_putc_raw(char c)
{
	spin_lock(&console_lock);
	uart_putc(c);
	spin_unlock(&console_lock);
}

size_t log_ring_read_from(uint64_t *from, uint64_t *head, char *buf,
			  size_t size)
{
	size_t n;

	spin_lock(&console_lock);
	*head = ring_head;
	n = ring_copy_out(ring, LOG_RING_SIZE, ring_head, from, buf, size);
	spin_unlock(&console_lock);
	return n;
}
