// SPDX-License-Identifier: MIT
/*
 * CRC32 (IEEE 802.3, reflected, polynomial 0xEDB88320; zlib's crc32()):
 * the IGVM fixed header's checksum. Bitwise: it only covers the headers.
 */
#include "igvm_internal.h"

uint32_t igvm_crc32(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	crc = ~crc;
	while (len--) {
		crc ^= *p++;
		for (int i = 0; i < 8; i++)
			crc = (crc >> 1) ^ (0xEDB88320U & (0U - (crc & 1U)));
	}
	return ~crc;
}
