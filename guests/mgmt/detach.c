// SPDX-License-Identifier: MIT
/* The console relay's Enter ~ . escape: see detach.h. */
#include "detach.h"

void detach_init(struct detach *d)
{
	d->line_start = true;
	d->tilde = false;
}

int detach_feed(struct detach *d, char c, char fwd[DETACH_KEY_MAX])
{
	int n = 0;

	if (d->tilde) {
		d->tilde = false;
		if (c == '.')
			return -1;
		fwd[n++] = '~';
	} else if (d->line_start && c == '~') {
		d->tilde = true;
		d->line_start = false;
		return 0;
	}
	fwd[n++] = c;
	d->line_start = c == '\r' || c == '\n';
	return n;
}
