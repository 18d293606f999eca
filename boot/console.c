// SPDX-License-Identifier: MIT
/*
 * Progress and error lines on the firmware console. OVMF mirrors ConOut
 * to the serial line, which is where tests and operators read them.
 */
#include <stdarg.h>

#include <lib/format.h>
#include <lib/string.h>

#include "loader.h"

EFI_SYSTEM_TABLE *loader_st;
EFI_BOOT_SERVICES *loader_bs;

#define LINE_MAX 320

void console_init(EFI_SYSTEM_TABLE *st)
{
	loader_st = st;
	loader_bs = st->BootServices;
}

/* ConOut takes UCS-2 and wants CR LF (UEFI 2.10, 12.4 OutputString). */
static void console_write(const char *s)
{
	CHAR16 out[LINE_MAX * 2 + 1];
	unsigned int n = 0;

	if (!loader_st || !loader_st->ConOut)
		return;
	for (; *s && n < LINE_MAX * 2 - 1; s++) {
		if (*s == '\n')
			out[n++] = L'\r';
		out[n++] = (CHAR16)(unsigned char)*s;
	}
	out[n] = 0;
	loader_st->ConOut->OutputString(loader_st->ConOut, out);
}

static void console_vline(const char *prefix, const char *fmt, va_list ap)
{
	char line[LINE_MAX];
	int n = snprintf(line, sizeof(line), "keel-loader: %s", prefix);

	if (n < 0 || (unsigned int)n >= sizeof(line))
		n = 0;
	/* Leave room for the newline. */
	vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	n = strlen(line);
	line[n] = '\n';
	line[n + 1] = 0;
	console_write(line);
}

void loader_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	console_vline("", fmt, ap);
	va_end(ap);
}

EFI_STATUS loader_fail(EFI_STATUS status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	console_vline("error: ", fmt, ap);
	va_end(ap);
	return status;
}

const char *efi_status_text(EFI_STATUS status)
{
	switch (status) {
	case EFI_SUCCESS:		return "success";
	case EFI_NOT_FOUND:		return "not found";
	case EFI_OUT_OF_RESOURCES:	return "out of resources";
	case EFI_INVALID_PARAMETER:	return "invalid parameter";
	case EFI_UNSUPPORTED:		return "unsupported";
	case EFI_DEVICE_ERROR:		return "device error";
	case EFI_VOLUME_CORRUPTED:	return "volume corrupted";
	case EFI_NO_MEDIA:		return "no media";
	case EFI_MEDIA_CHANGED:		return "media changed";
	case EFI_ACCESS_DENIED:		return "access denied";
	case EFI_BUFFER_TOO_SMALL:	return "buffer too small";
	case EFI_LOAD_ERROR:		return "load error";
	default:			return "EFI error";
	}
}
