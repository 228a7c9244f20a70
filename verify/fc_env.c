// SPDX-License-Identifier: MIT
/* The state the contracts of fc_env.h and include/ read and write. */
#include "fc_env.h"
#include "openssl/evp.h"

int fc_env_state;
int fc_openssl_state;
/* Defined by svsm/core/vcpu.c, which is not analysed (fc_env.h stubs it). */
struct svsm_state svsm;
struct spinlock core_lock;
uint8_t fc_ek_public[512];
