#!/bin/bash
# Runs every tests/integration/*.sh against the built shim and prints
# "N passed, N failed".  Started as root, it runs the whole suite a second
# time as the unprivileged user nobody, from a copy of the binaries in a
# world-readable directory: nothing landstrip does may need privilege.
# It ends by listing every check it skipped, with the reason: what this
# machine could not test (tests/lib/tap.sh, "what this machine lacks").
set -u
here=$(cd "$(dirname "$0")" && pwd)
bin=${LANDSTRIP_BIN:-$here/../build}
skipped_list=$(mktemp)
trap 'rm -f "$skipped_list"' EXIT

run_suite() { # label
	local pass=0 fail=0 skipped=0 res skips
	res=$(mktemp)
	skips=$(mktemp)
	for t in "$here"/integration/*.sh; do
		echo "# $1: $(basename "$t")"
		LS="$bin/landstrip-exec" TRY="$bin/try" TAP_RESULTS="$res" \
			TAP_SKIPS="$skips" bash "$t"
		read -r p f s <"$res" || { p=0; f=1; s=0; echo "not ok - $t did not finish"; }
		pass=$((pass + p)) fail=$((fail + f)) skipped=$((skipped + s))
		# One line per skip: "as USER: SCRIPT: DESC: REASON".
		sed "s|^|$1: $(basename "$t"): |" "$skips" >>"$skipped_list"
		: >"$res"
		: >"$skips"
	done
	rm -f "$res" "$skips"
	echo "# $1: $pass passed, $fail failed, $skipped skipped"
	TOTAL_PASS=$((TOTAL_PASS + pass)) TOTAL_FAIL=$((TOTAL_FAIL + fail))
	TOTAL_SKIP=$((TOTAL_SKIP + skipped))
}

TOTAL_PASS=0 TOTAL_FAIL=0 TOTAL_SKIP=0
if [ -n "${LANDSTRIP_UNPRIVILEGED_PASS:-}" ]; then
	run_suite "as $(id -un)"
	{
		echo "$TOTAL_PASS $TOTAL_FAIL $TOTAL_SKIP"
		cat "$skipped_list"
	} >"$LANDSTRIP_UNPRIVILEGED_PASS"
	exit 0
fi

run_suite "as $(id -un)"
if [ "$(id -u)" = 0 ] && ! command -v setpriv >/dev/null; then
	TOTAL_SKIP=$((TOTAL_SKIP + 1))
	echo "as nobody: run-integration.sh: the whole suite: setpriv is not installed" >>"$skipped_list"
elif [ "$(id -u)" = 0 ] && ! id nobody >/dev/null 2>&1; then
	TOTAL_SKIP=$((TOTAL_SKIP + 1))
	echo "as nobody: run-integration.sh: the whole suite: there is no user nobody" >>"$skipped_list"
elif [ "$(id -u)" = 0 ]; then
	copy=$(mktemp -d /tmp/landstrip-unpriv.XXXXXX)
	mkdir -p "$copy/bin"
	cp "$bin/landstrip-exec" "$bin/landstrip-supervisor" "$bin/try" "$copy/bin/"
	cp -r "$here" "$copy/tests"
	chmod -R a+rX "$copy"
	result="$copy/result"
	touch "$result" && chown nobody "$result"
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
		env LANDSTRIP_BIN="$copy/bin" LANDSTRIP_UNPRIVILEGED_PASS="$result" \
		TMPDIR=/tmp bash "$copy/tests/run-integration.sh"
	read -r p f s <"$result" || { p=0; f=1; s=0; }
	TOTAL_PASS=$((TOTAL_PASS + p)) TOTAL_FAIL=$((TOTAL_FAIL + f))
	TOTAL_SKIP=$((TOTAL_SKIP + s))
	tail -n +2 "$result" >>"$skipped_list"
	rm -rf "$copy"
fi
if [ -s "$skipped_list" ]; then
	echo "skipped:"
	sed 's/^/  /' "$skipped_list"
fi
echo "integration: $TOTAL_PASS passed, $TOTAL_FAIL failed, $TOTAL_SKIP skipped"
[ "$TOTAL_FAIL" = 0 ]
