# SPDX-License-Identifier: MIT
#
# Helpers of the KBS tests: start the test KBS and the malicious proxy on
# 127.0.0.1 (each stops by itself after LIFETIME seconds, and teardown ends
# them by their process IDs), and run svsm-sim kbs against them. The
# variables set here are read by kbs.bats, and `status` and `output` come
# from bats' `run`.
# shellcheck disable=SC2034,SC2154

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LIFETIME=${LIFETIME:-60}

# wait_port FILE: the port a server wrote to FILE.
wait_port() {
	local _
	for _ in $(seq 100); do
		[ -s "$1" ] && { cat "$1"; return 0; }
		sleep 0.05
	done
	echo "no port in $1" >&2
	return 1
}

# start_kbs [test-kbs.py options]: KBS_URL, KBS_PID, KBS_LOG.
start_kbs() {
	KBS_LOG=$T/kbs.log
	python3 "$HERE/test-kbs.py" --ark "$T/ark.der" --allow-file "$T/allow" \
		--resource default/vtpm/key="$T/secret.bin" \
		--port-file "$T/kbs.port" --lifetime "$LIFETIME" "$@" \
		2>"$KBS_LOG" &
	KBS_PID=$!
	KBS_URL=http://127.0.0.1:$(wait_port "$T/kbs.port")
}

# start_evil MODE [options]: EVIL_ADDR, EVIL_PID.
start_evil() {
	python3 "$HERE/evil-proxy.py" --url "$KBS_URL" --mode "$@" \
		--port-file "$T/evil.port" --lifetime "$LIFETIME" \
		2>"$T/evil.log" &
	EVIL_PID=$!
	EVIL_ADDR=127.0.0.1:$(wait_port "$T/evil.port")
}

kbs_setup() {
	: "${SVSM_SIM:?set SVSM_SIM}" "${KBS_PROXY:?set KBS_PROXY}"
	export SVSM_KBS_PROXY=$KBS_PROXY
	T=$BATS_TEST_TMPDIR
	head -c 32 /dev/urandom >"$T/secret.bin"
	SECRET_SHA=$(sha256sum "$T/secret.bin" | cut -d' ' -f1)
	SECRET_HEX=$(od -An -tx1 "$T/secret.bin" | tr -d ' \n')
	"$SVSM_SIM" --ark-out "$T/ark.der" query 0 1 >/dev/null
	: >"$T/allow"
	KBS_PID='' EVIL_PID=
}

kbs_teardown() {
	local p
	for p in $EVIL_PID $KBS_PID; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
}

# sim_kbs [svsm-sim kbs options]: the measurement goes into the allowlist
# (the relying party's reference value) unless DENY=1; RESOURCE names
# another resource.
sim_kbs() {
	local m=$T/allow
	[ "${DENY:-0}" = 1 ] && m=$T/other-measurement
	run "$SVSM_SIM" -v kbs --measurement-out "$m" \
		--resource "${RESOURCE:-default/vtpm/key}" --stats "$@"
}

# refused: the run failed cleanly (no crash, no sanitizer report: those exit
# 66 or abort) and released nothing.
refused() {
	[ "$status" -eq 1 ]
	[[ "$output" != *"secret-sha256"* ]]
	[[ "$output" != *"$SECRET_HEX"* ]]
	[[ "$output" == *"no vTPM state key: the vTPM stays off"* ]]
	[[ "$output" == *"vtpm: off"* ]]
}
