// SPDX-License-Identifier: MIT
/*
 * Files on the volume the loader itself was started from (UEFI 2.10,
 * 9.1 EFI_LOADED_IMAGE_PROTOCOL, 13.4 EFI_SIMPLE_FILE_SYSTEM_PROTOCOL,
 * 13.5 EFI_FILE_PROTOCOL).
 */
#include <lib/string.h>

#include "loader.h"

static EFI_GUID loaded_image_guid = EFI_LOADED_IMAGE_PROTOCOL_GUID;
static EFI_GUID file_system_guid = EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID;
static EFI_GUID file_info_guid = EFI_FILE_INFO_ID;

EFI_STATUS volume_open(EFI_HANDLE image, EFI_FILE_HANDLE *root)
{
	EFI_LOADED_IMAGE *loaded;
	EFI_FILE_IO_INTERFACE *fs;
	EFI_STATUS status;

	status = loader_bs->HandleProtocol(image, &loaded_image_guid,
					   (void **)&loaded);
	if (EFI_ERROR(status))
		return loader_fail(status, "cannot find the loader's own image (%s)",
				   efi_status_text(status));
	status = loader_bs->HandleProtocol(loaded->DeviceHandle,
					   &file_system_guid, (void **)&fs);
	if (EFI_ERROR(status))
		return loader_fail(status, "the boot device has no FAT file system (%s): boot Keel from its ESP",
				   efi_status_text(status));
	status = fs->OpenVolume(fs, root);
	if (EFI_ERROR(status))
		return loader_fail(status, "cannot open the boot volume (%s)",
				   efi_status_text(status));
	return EFI_SUCCESS;
}

/* keel.cfg paths use '/' or '\'; UEFI wants '\' and an absolute path. */
static int path_to_efi(const char *path, CHAR16 *out, size_t out_len)
{
	size_t n = 0;

	if (*path != '/' && *path != '\\')
		out[n++] = L'\\';
	for (; *path; path++) {
		if (n + 1 >= out_len)
			return -1;
		out[n++] = *path == '/' ? L'\\' : (CHAR16)(unsigned char)*path;
	}
	out[n] = 0;
	return 0;
}

static EFI_STATUS file_size(EFI_FILE_HANDLE file, uint64_t *size)
{
	union {
		EFI_FILE_INFO info;
		uint8_t bytes[sizeof(EFI_FILE_INFO) + 2 * BOOT_PATH_LEN];
	} buf;
	UINTN len = sizeof(buf);
	EFI_STATUS status;

	status = file->GetInfo(file, &file_info_guid, &len, &buf.info);
	if (EFI_ERROR(status))
		return status;
	if (buf.info.Attribute & EFI_FILE_DIRECTORY)
		return EFI_NOT_FOUND;
	*size = buf.info.FileSize;
	return EFI_SUCCESS;
}

/*
 * Reads the whole file at path into fresh pages of the given type, with
 * one NUL byte after its end. `what` names the file's role in messages.
 */
EFI_STATUS file_read(EFI_FILE_HANDLE root, const char *path,
		     EFI_MEMORY_TYPE type, const char *what,
		     struct loaded_file *out)
{
	CHAR16 efi_path[BOOT_PATH_LEN + 1];
	EFI_FILE_HANDLE file;
	EFI_STATUS status;
	UINTN len;
	void *data;

	memset(out, 0, sizeof(*out));
	if (path_to_efi(path, efi_path, BOOT_PATH_LEN + 1))
		return loader_fail(EFI_INVALID_PARAMETER, "%s path %s is too long",
				   what, path);
	status = root->Open(root, &file, efi_path, EFI_FILE_MODE_READ, 0);
	if (status == EFI_NOT_FOUND)
		return loader_fail(status, "%s %s not found on the boot volume: copy it there or fix keel.cfg",
				   what, path);
	if (EFI_ERROR(status))
		return loader_fail(status, "cannot open %s %s (%s)", what, path,
				   efi_status_text(status));

	status = file_size(file, &out->size);
	if (status == EFI_NOT_FOUND) {
		file->Close(file);
		return loader_fail(status, "%s %s is a directory, not a file",
				   what, path);
	}
	if (EFI_ERROR(status)) {
		file->Close(file);
		return loader_fail(status, "cannot read the size of %s %s (%s)",
				   what, path, efi_status_text(status));
	}

	status = pages_alloc(out->size + 1, type, path, &data);
	if (EFI_ERROR(status)) {
		file->Close(file);
		return status;
	}
	out->data = data;
	out->pages = (out->size + 1 + X86_PAGE_4K - 1) / X86_PAGE_4K;

	len = out->size;
	status = file->Read(file, &len, data);
	file->Close(file);
	if (EFI_ERROR(status) || len != out->size) {
		file_free(out);
		return loader_fail(EFI_ERROR(status) ? status : EFI_DEVICE_ERROR,
				   "cannot read %s %s (%s)", what, path,
				   EFI_ERROR(status) ? efi_status_text(status)
						     : "short read");
	}
	((char *)data)[out->size] = 0;
	return EFI_SUCCESS;
}

void file_free(struct loaded_file *f)
{
	if (f->data)
		loader_bs->FreePages((EFI_PHYSICAL_ADDRESS)(uintptr_t)f->data,
				     f->pages);
	f->data = 0;
}
