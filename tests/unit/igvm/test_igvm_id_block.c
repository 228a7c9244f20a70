// SPDX-License-Identifier: MIT
/*
 * igvm-measure's ID block: signed with a P-384 key made here, the
 * signature verifies over the SNP ID_BLOCK (and fails when a byte
 * changes), the key must be P-384, and adding the block to a file keeps
 * the file valid, its data in place and its launch digest unchanged.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "id_block.h"
#include "igvm_test_files.h"

static char key_path[] = "/tmp/igvm-id-key-XXXXXX";

static void write_key(const char *curve, char *path)
{
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", curve);
	int fd = mkstemp(path);
	FILE *f;

	assert_non_null(k);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	assert_int_equal(PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL),
			 1);
	fclose(f);
	EVP_PKEY_free(k);
}

static int setup(void **state)
{
	write_key("P-384", key_path);
	return 0;
}

static int teardown(void **state)
{
	unlink(key_path);
	return 0;
}

static void launch_of(const uint8_t *file, size_t len, struct igvm_file *f,
		      struct igvm_launch *l)
{
	assert_int_equal(igvm_open(f, file, len), 0);
	memset(l, 0, sizeof(*l));
	l->mask = T_SNP;
	assert_int_equal(igvm_snp_launch(f, l, NULL, NULL), 0);
}

static void test_sign_and_verify(void **state)
{
	struct igvm_vhs_snp_id_block b;
	uint8_t ld[48];
	char err[256];

	memset(ld, 0x42, sizeof(ld));
	assert_int_equal(id_block_sign(ld, 0x30000, T_SNP, key_path, &b, err,
				       sizeof(err)),
			 0);
	assert_memory_equal(b.ld, ld, 48);
	assert_int_equal(b.version, 1);
	assert_int_equal(b.id_key_algorithm, 1);
	assert_int_equal(b.id_public_key.curve, 2);
	assert_int_equal(b.author_key_enabled, 0);
	assert_int_equal(id_block_verify(&b, 0x30000), 0);
	/* The policy is signed too, and so is every byte of ld. */
	assert_int_equal(id_block_verify(&b, 0x30001), -1);
	b.ld[47] ^= 1;
	assert_int_equal(id_block_verify(&b, 0x30000), -1);
}

static void test_key_must_be_p384(void **state)
{
	struct igvm_vhs_snp_id_block b;
	char path[] = "/tmp/igvm-p256-key-XXXXXX";
	uint8_t ld[48] = { 0 };
	char err[256];

	write_key("P-256", path);
	assert_int_equal(
		id_block_sign(ld, 0x30000, T_SNP, path, &b, err, sizeof(err)),
		-1);
	assert_non_null(strstr(err, "not an ECDSA P-384 key"));
	unlink(path);
	assert_int_equal(id_block_sign(ld, 0x30000, T_SNP, "/nonexistent", &b,
				       err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "cannot read the ID key"));
}

static void test_add_to_file(void **state)
{
	struct igvm_vhs_snp_id_block b;
	struct igvm_launch *l = calloc(2, sizeof(*l));
	struct igvm_file f, g;
	char err[256];
	size_t len, len2, len3;
	uint8_t *file = t_basic_file(&len), *signed_file, *again;

	assert_non_null(l);
	launch_of(file, len, &f, &l[0]);
	assert_false(l[0].has_id_block);
	assert_int_equal(id_block_sign(l[0].digest, l[0].policy, T_SNP,
				       key_path, &b, err, sizeof(err)),
			 0);
	signed_file = id_block_add(&f, &b, &len2, err, sizeof(err));
	assert_non_null(signed_file);
	assert_int_equal(len2, len + 8 + sizeof(b));
	launch_of(signed_file, len2, &g, &l[1]);
	assert_true(l[1].has_id_block);
	assert_memory_equal(l[1].id_block.ld, l[0].digest, 48);
	assert_memory_equal(l[1].digest, l[0].digest, 48);
	assert_int_equal(id_block_verify(&l[1].id_block, l[1].policy), 0);

	/* Signing again replaces the block: same size, still valid. */
	again = id_block_add(&g, &b, &len3, err, sizeof(err));
	assert_non_null(again);
	assert_int_equal(len3, len2);
	assert_memory_equal(again, signed_file, len2);
	free(again);
	free(signed_file);
	free(file);
	free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sign_and_verify),
		cmocka_unit_test(test_key_must_be_p384),
		cmocka_unit_test(test_add_to_file),
	};

	return cmocka_run_group_tests_name("igvm-id-block", tests, setup,
					   teardown);
}
