// SPDX-License-Identifier: MIT
/* The emulator's results; see include/core/emul/result.h. */
#include <core/emul/result.h>

void emul_raise(struct emul_result *res, const struct emul_regs *r,
		uint8_t vector, uint32_t error_code)
{
	res->status = EMUL_EXCEPTION;
	res->vector = vector;
	res->has_error_code = r->mode != EMUL_MODE_REAL &&
			      vector != EMUL_VEC_UD;
	res->error_code = res->has_error_code ? error_code : 0;
	res->cr2 = 0;
}

void emul_raise_pf(struct emul_result *res, const struct emul_regs *r,
		   uint32_t error_code, uint64_t cr2)
{
	emul_raise(res, r, EMUL_VEC_PF, error_code);
	res->cr2 = cr2;
}

void emul_fail(struct emul_result *res, int error, const char *why)
{
	res->status = EMUL_ERROR;
	res->error = error;
	res->why = why;
}

void emul_unsupported(struct emul_result *res, const char *why,
		      const uint8_t *bytes, unsigned int len)
{
	res->status = EMUL_UNSUPPORTED;
	res->why = why;
	if (len > EMUL_MAX_LEN)
		len = EMUL_MAX_LEN;
	res->len = (uint8_t)len;
	for (unsigned int i = 0; i < len; i++)
		res->bytes[i] = bytes[i];
}
