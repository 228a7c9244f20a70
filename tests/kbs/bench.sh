#!/bin/bash
# SPDX-License-Identifier: MIT
#
# bench-kbs: the time of one full KBS attestation (svsm-sim kbs through
# kbs-proxy to the test KBS: auth, report, attest with full verification,
# resource, JWE) against a plain boot of the same machine measured in the
# same run, and the sizes of the messages. Prints; asserts nothing.
set -euo pipefail
: "${SVSM_SIM:?set SVSM_SIM}" "${KBS_PROXY:?set KBS_PROXY}"
HERE=$(cd "$(dirname "$0")" && pwd)
RUNS=${RUNS:-5}
T=$(mktemp -d)
KBS_PID=
cleanup() {
	[ -n "$KBS_PID" ] && kill "$KBS_PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
export SVSM_KBS_PROXY=$KBS_PROXY

head -c 32 /dev/urandom >"$T/secret.bin"
"$SVSM_SIM" --ark-out "$T/ark.der" query 0 1 >/dev/null
: >"$T/allow"
python3 "$HERE/test-kbs.py" --ark "$T/ark.der" --allow-file "$T/allow" \
	--resource default/vtpm/key="$T/secret.bin" --port-file "$T/port" \
	--lifetime 300 2>/dev/null &
KBS_PID=$!
for _ in $(seq 100); do [ -s "$T/port" ] && break; sleep 0.05; done
URL=http://127.0.0.1:$(cat "$T/port")

now() { date +%s%N; }
kbs() {
	"$SVSM_SIM" kbs --url "$URL" --resource default/vtpm/key \
		--measurement-out "$T/allow" --stats
}
kbs >"$T/first" # warm up; also the message sizes
boot_ns=0 kbs_ns=0
for _ in $(seq "$RUNS"); do
	t0=$(now)
	"$SVSM_SIM" query 0 1 >/dev/null
	t1=$(now)
	kbs >/dev/null
	t2=$(now)
	boot_ns=$((boot_ns + t1 - t0))
	kbs_ns=$((kbs_ns + t2 - t1))
done
boot_ms=$((boot_ns / RUNS / 1000000))
kbs_ms=$((kbs_ns / RUNS / 1000000))
echo "bench-kbs: $RUNS runs each"
grep -E '^(auth|attest|resource):' "$T/first" | sed 's/^/  /'
echo "  plain boot (reference):            ${boot_ms} ms"
echo "  boot + full KBS attestation:       ${kbs_ms} ms"
echo "  one attestation (difference):      $((kbs_ms - boot_ms)) ms"
awk -v k="$kbs_ns" -v b="$boot_ns" \
	'BEGIN { printf "  ratio boot+attestation / boot:     %.2f\n", k / b }'
