/* SPDX-License-Identifier: MIT */
/*
 * Decoding the instructions that raise #VC in the kernel (see
 * <kernel/vc.h>). The kernel runs only its own code, so the forms are few:
 * IN/OUT with an immediate port or DX, an operand-size prefix for 16-bit
 * accesses, and the two-byte CPUID, RDMSR, WRMSR, RDTSC and the
 * three-byte RDTSCP.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kernel/vc.h>

/** See <kernel/vc.h>. */
bool vc_decode_ioio(const uint8_t *insn, size_t avail, uint64_t rdx,
		    struct vc_ioio *out)
{
	size_t i = 0;
	bool opsize16 = false;
	uint8_t op;

	if (avail > 0 && insn[0] == 0x66) {
		opsize16 = true;
		i = 1;
	}
	if (i >= avail) {
		return false;
	}
	op = insn[i++];
	switch (op) {
	case 0xe4: /* IN AL, imm8 */
	case 0xe5: /* IN eAX, imm8 */
	case 0xe6: /* OUT imm8, AL */
	case 0xe7: /* OUT imm8, eAX */
		if (i >= avail) {
			return false;
		}
		out->port = insn[i++];
		break;
	case 0xec: /* IN AL, DX */
	case 0xed: /* IN eAX, DX */
	case 0xee: /* OUT DX, AL */
	case 0xef: /* OUT DX, eAX */
		out->port = (uint16_t)rdx;
		break;
	default:
		return false;
	}
	out->in = op == 0xe4 || op == 0xe5 || op == 0xec || op == 0xed;
	if ((op & 1) == 0) {
		out->size = 1;
	} else {
		out->size = opsize16 ? 2 : 4;
	}
	out->len = (uint8_t)i;
	out->exitinfo1 = ((uint64_t)out->port << 16) |
			 (out->in ? IOIO_TYPE_IN : 0) |
			 (out->size == 1 ? IOIO_SZ8 :
			  out->size == 2 ? IOIO_SZ16 :
					   IOIO_SZ32);
	return true;
}

/** See <kernel/vc.h>. */
unsigned int vc_decode_simple(const uint8_t *insn, size_t avail,
			      uint64_t exit_code, bool *write)
{
	*write = false;
	if (avail < 2 || insn[0] != 0x0f) {
		return 0;
	}
	switch (exit_code) {
	case SVM_EXIT_CPUID:
		return insn[1] == 0xa2 ? 2 : 0;
	case SVM_EXIT_RDTSC:
		return insn[1] == 0x31 ? 2 : 0;
	case SVM_EXIT_MSR:
		if (insn[1] == 0x30) {
			*write = true;
			return 2;
		}
		return insn[1] == 0x32 ? 2 : 0;
	case SVM_EXIT_RDTSCP:
		return avail >= 3 && insn[1] == 0x01 && insn[2] == 0xf9 ? 3 : 0;
	default:
		return 0;
	}
}
