#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Benchmark ci/dco-check against a bare `git log --format=%B` over the same
# 10,000 commits, in a scratch repository built with git fast-import.
#
#   tests/dco/bench.sh DIR [COMMITS] [RUNS]
#
# Prints the best of RUNS (default 7) for each, and the ratio against the
# budget of 3x. Timings are reported, never asserted; the script fails only
# if dco-check does not pass the generated history.
set -eu

dir=${1:?usage: bench.sh DIR [COMMITS] [RUNS]}
count=${2:-10000}
runs=${3:-7}
src=$(cd "$(dirname "$0")/../.." && pwd)
check=$src/ci/dco-check

unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE
export GIT_CONFIG_NOSYSTEM=1 HOME="$dir/home"
repo=$dir/repo
rm -rf "$dir"
mkdir -p "$HOME"
git init -q -b main "$repo"

# The fast-import stream: twenty authors, bodies of 2-7 lines, a file change
# per commit, some Co-developed-by pairs and review trailers; every commit is
# signed off by its author.
LC_ALL=C awk -v n="$count" 'BEGIN {
	t = 1700000000
	for (i = 1; i <= n; i++) {
		a = i % 20
		name = "Developer " a
		mail = "dev" a "@example.org"
		msg = "area" (i % 17) ": change number " i "\n\n"
		lines = 2 + i % 6
		for (l = 1; l <= lines; l++)
			msg = msg "This explains why change " i " is needed, line " l " of the body.\n"
		msg = msg "\n"
		if (i % 7 == 0)
			msg = msg "Co-developed-by: Helper " a " <helper" a "@example.org>\nSigned-off-by: Helper " a " <helper" a "@example.org>\n"
		if (i % 3 == 0)
			msg = msg "Reviewed-by: Reviewer <reviewer@example.org>\n"
		msg = msg "Signed-off-by: " name " <" mail ">\n"
		printf "commit refs/heads/main\nmark :%d\n", i
		printf "author %s <%s> %d +0000\n", name, mail, t + i
		printf "committer %s <%s> %d +0000\n", name, mail, t + i
		printf "data %d\n%s\n", length(msg), msg
		f = "file " i "\n"
		printf "M 100644 inline src/f%d.c\ndata %d\n%s\n", i % 50, length(f), f
	}
}' | git -C "$repo" fast-import --quiet
git -C "$repo" reset -q --hard main

now() {
	date +%s.%N
}

# elapsed CMD...: the wall time of one run, in seconds
elapsed() {
	t0=$(now)
	"$@" >/dev/null
	t1=$(now)
	awk -v a="$t0" -v z="$t1" 'BEGIN { print z - a }'
}

# min A B
min() {
	awk -v a="$1" -v b="$2" 'BEGIN { print (b == "" || a < b) ? a : b }'
}

bare_log() {
	git -C "$repo" log --format=%B
}

dco() {
	(cd "$repo" && "$check" --all -q)
}

# Correctness first: every generated commit must pass.
out=$(cd "$repo" && "$check" --all)
case $out in
"dco-check: HEAD (whole history): $count commits pass") ;;
*)
	printf 'bench-dco: dco-check did not pass the generated history:\n%s\n' "$out" >&2
	exit 1
	;;
esac

# Warm the caches, then alternate the two so that load from elsewhere on
# the machine hits both alike; keep the best of each.
dco >/dev/null
bare_log >/dev/null
t_dco=
t_log=
i=0
while [ "$i" -lt "$runs" ]; do
	t_dco=$(min "$(elapsed dco)" "$t_dco")
	t_log=$(min "$(elapsed bare_log)" "$t_log")
	i=$((i + 1))
done
awk -v n="$count" -v d="$t_dco" -v l="$t_log" 'BEGIN {
	printf "dco-check: %d commits, %.3fs vs bare git log %.3fs: ratio %.1fx (limit 3x)\n", n, d, l, d / l
	printf "dco-check: %.1f us/commit\n", d * 1e6 / n
}'
