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
#define DROP_NOTE_MAX 96

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

/*
 * Console output waiting for the UART (already LF to CRLF): the UART
 * takes it only as fast as its line runs (115200 baud: 11.5 bytes per
 * ms), and no CPU waits for it. Positions count bytes ever queued and
 * sent. What does not fit is dropped and counted, and a note says so.
 */
static char tx[CONSOLE_TX_SIZE];
static uint64_t tx_head, tx_tail;
static uint64_t tx_dropped;

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

/* The bytes s takes in tx: every LF goes out as CR LF. */
static size_t tx_cost(const char *s, size_t len)
{
	size_t cost = len;

	for (size_t i = 0; i < len; i++)
		cost += s[i] == '\n';
	return cost;
}

/* Lock held. Queues all of s, or nothing (false) when it does not fit. */
static bool tx_put(const char *s, size_t len, size_t limit)
{
	if (tx_head - tx_tail + tx_cost(s, len) > limit)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			tx[tx_head++ % CONSOLE_TX_SIZE] = '\r';
		tx[tx_head++ % CONSOLE_TX_SIZE] = s[i];
	}
	return true;
}

/*
 * Lock held. Once output was dropped, guest output stays refused until
 * the queue has drained to a quarter; then one note says how much went.
 * So a flood shows as long runs of whole lines between rare notes.
 */
static void tx_note_dropped(void)
{
	char note[DROP_NOTE_MAX];
	int n;

	if (!tx_dropped || tx_head - tx_tail > CONSOLE_TX_SIZE / 4)
		return;
	n = snprintf(note, sizeof(note),
		     "keel: warning: %lu bytes of console output dropped "
		     "(the serial line is slower)\n", tx_dropped);
	if (n > 0 && tx_put(note, MIN((size_t)n, sizeof(note) - 1),
			    CONSOLE_TX_SIZE))
		tx_dropped = 0;
}

/*
 * Lock held. Hands the UART what it takes now, one FIFO's worth at most:
 * never waits, and bounds the port accesses per call (under emulation
 * each one is an exit of its own, and a UART that is always ready would
 * otherwise be fed the whole queue here).
 */
static void tx_push(void)
{
	size_t at = tx_tail % CONSOLE_TX_SIZE;

	if (tx_tail != tx_head)
		tx_tail += uart_write_ready(tx + at, MIN(tx_head - tx_tail,
						       CONSOLE_TX_SIZE - at));
}

/*
 * Lock held. Queues s (limit: how full tx may get). An idle line starts
 * sending at once; else console_tick sends on, so a writer never pays
 * for more than one FIFO's worth of port accesses.
 */
static void tx_queue(const char *s, size_t len, size_t limit)
{
	bool idle = tx_tail == tx_head;

	tx_note_dropped();
	/* the hypervisor's own lines (limit: all of tx) are never held back */
	if ((tx_dropped && limit < CONSOLE_TX_SIZE) || !tx_put(s, len, limit))
		tx_dropped += len;
	if (idle)
		tx_push();
}

/* Lock held (or panic). Sends everything queued, waiting for the UART. */
static void tx_flush_wait(void)
{
	while (tx_tail != tx_head) {
		char c = tx[tx_tail++ % CONSOLE_TX_SIZE];

		uart_putc(c);
	}
}

uint64_t console_tick(void)
{
	bool more;

	if (__atomic_load_n(&tx_head, __ATOMIC_RELAXED) ==
	    __atomic_load_n(&tx_tail, __ATOMIC_RELAXED) && !tx_dropped)
		return UINT64_MAX;
	spin_lock(&console_lock);
	tx_note_dropped();
	tx_push();
	more = tx_tail != tx_head || tx_dropped;
	spin_unlock(&console_lock);
	/*
	 * Every CPU with output waiting comes back for it: a CPU kept from
	 * its loop (a long hypercall, a stuck guest) must not hold up the
	 * others' lines.
	 */
	return more ? CONSOLE_TX_POLL_NS : UINT64_MAX;
}

/* A console line: queued, or kept until the console is up. */
static void console_line(const char *line, size_t len)
{
	if (console_handed_over) {
		return;		/* kept in the ring only */
	} else if (console_up) {
		tx_queue(line, len, CONSOLE_TX_SIZE);
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

/* Lock held: the ring's lines from mark, as log_console_takeback says. */
static void replay_from(uint64_t mark)
{
	const char *debug = level_prefix[LOG_DEBUG];
	size_t debug_len = strlen(debug);
	char buf[LOG_REPLAY_MAX];
	size_t n = ring_copy_out(ring, LOG_RING_SIZE, ring_head, &mark, buf,
				 sizeof(buf)), at = 0;

	while (at < n) {
		size_t len = 0;

		while (at + len < n && buf[at + len] != '\n')
			len++;
		if (at + len == n)
			break;		/* a line cut by the bound: left out */
		len++;
		if (len < debug_len || memcmp(buf + at, debug, debug_len))
			tx_queue(buf + at, len, CONSOLE_TX_SIZE);
		at += len;
	}
}

void log_console_takeback(uint64_t mark)
{
	spin_lock(&console_lock);
	console_handed_over = false;
	/* in the same hold: no line logged meanwhile is sent twice */
	if (mark && console_up)
		replay_from(mark);
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

void log_console_flush_panic(void)
{
	tx_flush_wait();
}

void console_write(const char *s, size_t len)
{
	spin_lock(&console_lock);
	tx_queue(s, len, CONSOLE_TX_GUEST_MAX);
	spin_unlock(&console_lock);
}

void console_putc_raw(char c)
{
	spin_lock(&console_lock);
	tx_flush_wait();	/* lines queued before the handover go first */
	uart_putc(c);
	spin_unlock(&console_lock);
}

uint64_t log_ring_mark(void)
{
	uint64_t mark;

	spin_lock(&console_lock);
	mark = ring_head;
	spin_unlock(&console_lock);
	return mark;
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
