# SPDX-License-Identifier: MIT
# shellcheck shell=sh
#
# Parser of DEVELOPMENT_PLAN.md items for `svsm-release plan-export`.
#
# An item is a level-3 heading with a bracketed ID, followed by bullet
# lines `- Key: value` (also `* Key: value`, `- **Key:** value`, or a bare
# `Key: value` line). Other text up to the next heading is the item's
# description. The enclosing `## Section` becomes the area when the item
# names none. Fenced code blocks (format examples) are skipped.
#
#   ## Core
#   ### [MM-3] Per-CPU page caches
#   - Status: open
#   - Labels: good-first-issue, gsoc
#   - Size: 175h
#   ...

# plan_parse FILE: print a JSON array of items, in file order, each with
# lower-case keys (id, title, section, status, labels, size, difficulty,
# skills, mentors, outcome, depends-on, area, description, ...).
plan_parse() {
	awk '
	function trim(s) { gsub(/^[ \t]+|[ \t]+$/, "", s); return s }
	function emit(k, v) { gsub(/\t/, " ", v); printf "%s\t%s\t%s\n", id, k, v }
	/^[ \t]*(```|~~~)/ { fenced = !fenced; next }
	fenced { next }
	/^##[ \t]/ && !/^###/ {
		id = ""
		section = trim(substr($0, 3))
		next
	}
	/^###[ \t]+\[[^]]+\]/ {
		h = trim(substr($0, 4))
		id = trim(substr(h, 2, index(h, "]") - 2))
		title = trim(substr(h, index(h, "]") + 1))
		sub(/^[-:][ \t]*/, "", title)
		emit("title", title)
		emit("section", section)
		next
	}
	/^#/ { id = ""; next }
	id == "" { next }
	{
		line = $0
		bullet = (line ~ /^[ \t]*[-*+][ \t]+/)
		sub(/^[ \t]*[-*+][ \t]+/, "", line)
		plain = line
		gsub(/\*\*|__/, "", plain)
		if (match(plain, /^[A-Za-z][A-Za-z -]*:/)) {
			k = tolower(trim(substr(plain, 1, RLENGTH - 1)))
			gsub(/[ ]+/, "-", k)
			if (bullet || k ~ /^(area|status|labels|size|difficulty|skills|mentors?|outcome|depends-on|tracking)$/) {
				if (k == "mentor") k = "mentors"
				emit(k, trim(substr(plain, RLENGTH + 1)))
				next
			}
		}
		if (trim($0) != "") emit("description", trim($0))
	}' "$1" | jq -R -s '
		split("\n") | map(select(length > 0) | split("\t"))
		| reduce .[] as $r ({};
			if $r[1] == "description" then
				.[$r[0]].description += (if .[$r[0]].description then " " else "" end) + $r[2]
			else .[$r[0]][$r[1]] = $r[2] end)
		| to_entries
		| map({id: .key} + .value
			| .area = (.area // .section // "")
			| .status = ((.status // "open") | ascii_downcase)
			| .labels = ((.labels // "") | split(",")
				| map(gsub("^\\s+|\\s+$"; "") | ascii_downcase
					| select(length > 0 and . != "none"))))'
}

# jq filter mapping plan labels to GitHub labels (GitHub features "good
# first issue" and "help wanted" spelled with spaces).
# shellcheck disable=SC2034 # used by svsm-release
plan_github_labels_jq='map(if . == "good-first-issue" then "good first issue"
	elif . == "help-wanted" then "help wanted" else . end)'
