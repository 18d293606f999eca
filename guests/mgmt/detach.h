/* SPDX-License-Identifier: MIT */
/*
 * The console relay's escape, as in SSH: '~' at the start of a line
 * (after CR or LF, or first of all) followed by '.' detaches. That '~' is
 * held back until the next key shows it was not the escape; then both go
 * to the guest.
 */
#ifndef KEEL_MGMT_DETACH_H
#define KEEL_MGMT_DETACH_H

#include <stdbool.h>

#define DETACH_KEY_MAX 2	/* bytes one key can release */

struct detach {
	bool line_start;
	bool tilde;		/* a '~' is held back */
};

void detach_init(struct detach *d);
/*
 * One typed byte: returns how many bytes (0-2) to forward, written to
 * fwd, or -1 when the user asked to detach.
 */
int detach_feed(struct detach *d, char c, char fwd[DETACH_KEY_MAX]);

#endif
