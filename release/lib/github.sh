# SPDX-License-Identifier: MIT
# shellcheck shell=sh
#
# GitHub REST access for the release tooling: curl + jq, pagination through
# the Link header, clear reports of rate limiting and HTTP errors, and
# dry-run for every request that changes something.
#
# Environment: SVSM_GITHUB_API (default https://api.github.com), GITHUB_TOKEN.
# The token is handed to curl through a private header file, never argv.

GH_API=${SVSM_GITHUB_API:-https://api.github.com}
GH_API=${GH_API%/}

# gh_init: create the scratch directory the requests use.
gh_init() {
	[ -n "${GH_TMP-}" ] && return 0
	GH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/svsm-release.XXXXXX") ||
		die "cannot create a temporary directory"
	: >"$GH_TMP/auth"
	chmod 600 "$GH_TMP/auth"
	if [ -n "${GITHUB_TOKEN-}" ]; then
		printf 'Authorization: Bearer %s\n' "$GITHUB_TOKEN" >"$GH_TMP/auth"
	fi
}

gh_cleanup() {
	[ -n "${GH_TMP-}" ] && rm -rf "$GH_TMP"
	GH_TMP=
}

# gh_header NAME: value of a response header of the last request.
gh_header() {
	tr -d '\r' <"$GH_TMP/headers" | awk -v name="$1" '
		BEGIN { name = tolower(name) }
		/^HTTP\// { val = "" }
		{
			i = index($0, ":")
			if (i && tolower(substr($0, 1, i - 1)) == name) {
				val = substr($0, i + 1)
				sub(/^[ \t]+/, "", val)
			}
		}
		END { print val }'
}

# gh_request METHOD URL [BODY]: one HTTP exchange. Sets GH_STATUS; the
# response is in $GH_TMP/body and $GH_TMP/headers.
gh_request() {
	gh_init
	set -- "$1" "$2" "${3-}" -sS -o "$GH_TMP/body" -D "$GH_TMP/headers" \
		-w '%{http_code}' -X "$1" \
		-H 'Accept: application/vnd.github+json' \
		-H 'X-GitHub-Api-Version: 2022-11-28' \
		-H 'User-Agent: svsm-release' -H "@$GH_TMP/auth"
	if [ -n "$3" ]; then
		set -- "$@" -H 'Content-Type: application/json' --data-binary "$3"
	fi
	_url=$2
	_method=$1
	shift 3
	: >"$GH_TMP/body"
	: >"$GH_TMP/headers"
	if ! GH_STATUS=$(curl "$@" -- "$_url" 2>"$GH_TMP/curl-err"); then
		msg "error: $_method $_url: cannot reach the GitHub API: $(cat "$GH_TMP/curl-err")"
		: >"$GH_TMP/unreachable" # seen by callers outside this subshell
		GH_STATUS=000
		return 1
	fi
}

# gh_check METHOD PATH: report a failed request; returns 0 on 2xx, 44 on
# 404 when GH_ALLOW_404=1 (silently), 1 otherwise.
gh_check() {
	case $GH_STATUS in
	2??) return 0 ;;
	000) return 1 ;;
	esac
	if [ "$GH_STATUS" = 404 ] && [ "${GH_ALLOW_404:-0}" = 1 ]; then
		return 44
	fi
	_m=$(jq -r '.message // empty' "$GH_TMP/body" 2>/dev/null || true)
	_remaining=$(gh_header x-ratelimit-remaining)
	_retry=$(gh_header retry-after)
	if { [ "$GH_STATUS" = 403 ] || [ "$GH_STATUS" = 429 ]; } &&
		{ [ "$_remaining" = 0 ] || [ -n "$_retry" ]; }; then
		if [ -n "$_retry" ]; then
			_when="retry after $_retry seconds"
		else
			_reset=$(gh_header x-ratelimit-reset)
			_when="the limit resets at $(date -u -d "@${_reset:-0}" '+%Y-%m-%d %H:%M:%S UTC' 2>/dev/null || echo "epoch $_reset")"
		fi
		msg "error: GitHub rate limit exceeded on $1 $2 (HTTP $GH_STATUS, limit $(gh_header x-ratelimit-limit), remaining ${_remaining:-?}): $_when${_m:+ ($_m)}"
		[ -n "${GITHUB_TOKEN-}" ] || msg "hint: set GITHUB_TOKEN; unauthenticated requests have a much lower limit"
		return 1
	fi
	msg "error: GitHub API: HTTP $GH_STATUS on $1 $2${_m:+: $_m}"
	case $GH_STATUS in
	401) msg "hint: GITHUB_TOKEN is missing, expired or lacks access" ;;
	5??) msg "hint: GitHub failed on its side; nothing was changed by this request, try again later" ;;
	esac
	return 1
}

# gh_get PATH: GET one resource, print its JSON.
gh_get() {
	gh_request GET "$GH_API$1" || return 1
	gh_check GET "$1" || return
	cat "$GH_TMP/body"
}

# gh_get_all PATH [JQ]: GET every page of a list (Link: rel="next"), apply JQ
# (default `.`, e.g. `.check_runs` for wrapped lists) to each page and print
# one JSON array. Only links under $GH_API are followed.
gh_get_all() {
	_url=$GH_API$1
	_filter=${2:-.}
	_pages=0
	gh_init
	: >"$GH_TMP/pages"
	while [ -n "$_url" ]; do
		_pages=$((_pages + 1))
		[ "$_pages" -le 1000 ] || {
			msg "error: more than 1000 pages from $1"
			return 1
		}
		gh_request GET "$_url" || return 1
		gh_check GET "${_url#"$GH_API"}" || return 1
		jq -c "$_filter" "$GH_TMP/body" >>"$GH_TMP/pages" || {
			msg "error: GET ${_url#"$GH_API"}: response is not the expected JSON"
			return 1
		}
		_url=$(gh_header link | tr ',' '\n' | sed -n 's/^[ \t]*<\([^>]*\)>;.*rel="next".*/\1/p')
		case $_url in
		'' | "$GH_API"/*) ;;
		*)
			msg "error: refusing to follow a pagination link outside $GH_API: $_url"
			return 1
			;;
		esac
	done
	jq -s 'add // []' "$GH_TMP/pages"
}

# gh_get_opt PATH, gh_write_opt METHOD PATH [BODY]: as gh_get and gh_write,
# but a 404 returns 44 silently (the object does not exist). They run in a
# subshell so the setting never leaks into later requests.
gh_get_opt() (
	GH_ALLOW_404=1
	gh_get "$1"
)

gh_write_opt() (
	GH_ALLOW_404=1
	gh_write "$@"
)

# gh_write METHOD PATH [BODY]: a request that changes something. Under
# --dry-run it is printed to fd 3 ("dry-run: METHOD PATH BODY") and not
# sent, and `{}` is printed as its response.
gh_write() {
	if [ "${DRY_RUN:-0}" = 1 ]; then
		printf 'dry-run: %s %s%s\n' "$1" "$2" "${3:+ $3}" >&3
		echo '{}'
		return 0
	fi
	[ -n "${GITHUB_TOKEN-}" ] ||
		die "GITHUB_TOKEN is needed for $1 $2 (or use --dry-run to see the requests)"
	gh_request "$1" "$GH_API$2" "${3-}" || return 1
	gh_check "$1" "$2" || return
	if [ -s "$GH_TMP/body" ]; then cat "$GH_TMP/body"; else echo '{}'; fi
}

# gh_uri STRING: percent-encode for a path segment or query value.
gh_uri() {
	printf '%s' "$1" | jq -sRr @uri
}
