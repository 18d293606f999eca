/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor log: leveled messages, each kept in a ring (read later
 * through the admin shell) and printed on the console when its level is
 * at or above the console threshold (command line `loglevel=`).
 */
#ifndef KEEL_CORE_LOG_H
#define KEEL_CORE_LOG_H

#include <stddef.h>
#include <stdint.h>

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

#define LOG_RING_SIZE (64 * 1024)
#define LOG_REPLAY_MAX 2048
#define LOG_EARLY_SIZE (8 * 1024)
/* Console output queued for the UART, and how much of it guests may fill
 * (the rest keeps room for the hypervisor's own lines). */
#define CONSOLE_TX_SIZE (32 * 1024)
#define CONSOLE_TX_GUEST_MAX (CONSOLE_TX_SIZE * 3 / 4)
/* While output waits, CPU 0 comes back this often to send the next 16
 * bytes (the UART's FIFO; they take 1.4 ms at 115200 baud). */
#define CONSOLE_TX_POLL_NS 1000000ull

void log_set_level(enum log_level level);
void log_write(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_error(...) log_write(LOG_ERROR, __VA_ARGS__)
#define log_warn(...)  log_write(LOG_WARN, __VA_ARGS__)
#define log_info(...)  log_write(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_write(LOG_DEBUG, __VA_ARGS__)

/*
 * Console output does not wait for the UART: log lines and console_write
 * are queued (CONSOLE_TX_SIZE bytes) and sent as the UART's transmitter
 * has room, from the scheduler loop (console_tick). What does not fit is
 * dropped, counted, and a warning line says how much.
 */

/* Guest console lines: no prefix, not kept in the log ring. */
void console_write(const char *s, size_t len);
/*
 * One byte as it is (no LF to CRLF): the management VM's COM1. This
 * waits for the UART, after sending what was queued before it.
 */
void console_putc_raw(char c);
/*
 * Called from the scheduler loop (core/vm_console.c vm_console_poll,
 * the scheduler's poll hook): sends what the UART
 * takes now. Returns in how many ns the calling CPU should call again
 * (output still waits), or UINT64_MAX.
 */
uint64_t console_tick(void);

/*
 * Until the console UART is up, console lines are kept (up to
 * LOG_EARLY_SIZE bytes; all of them are in the ring anyway). This prints
 * them and sends later lines straight to the UART.
 */
void log_console_ready(void);
/*
 * From now on the management VM owns the console: log lines are only
 * kept in the ring (a panic prints again).
 */
void log_console_handover(void);
/* The ring's position now (bytes ever logged): a mark to replay from. */
uint64_t log_ring_mark(void);
/*
 * The management VM is gone: log lines go to the console again. A mark
 * other than 0 first sends what was logged since it while the ring alone
 * kept it (a stopped management VM's report): up to LOG_REPLAY_MAX bytes
 * of whole lines, debug lines left out.
 */
void log_console_takeback(uint64_t mark);
/* The same without the lock, for panic. */
void log_console_panic(void);
/* Panic: sends the queued output, waiting for the UART, without the lock. */
void log_console_flush_panic(void);

/*
 * Copies up to size bytes from ring position *from (bytes ever logged),
 * moved up to the oldest byte kept; *head: the position after the newest.
 */
size_t log_ring_read_from(uint64_t *from, uint64_t *head, char *buf,
			  size_t size);

#endif
