#!/bin/bash
# One project, one ".": nested shims resolve "." and relative paths against
# the directory the outermost landstrip-exec started in (handed down in
# LANDSTRIP_PROJECT_DIR), which a tool can rewrite only to narrow; and a
# config file beside the project protects itself, not the project.
. "$(dirname "$0")/../lib/tap.sh"

p="$T/proj"
mkdir -p "$p/sub/deeper"
cat >"$T/cfg/dot.ini" <<INI
[sandbox]
allowWrite = .
INI
cfg=$T/cfg/dot.ini
# nested DIR CMD...: CMD under a second shim started in DIR by a first one
# started in the project (what make -C, cargo's rustc or a wrapped shell
# running a wrapped tool does).
nested() {
	local dir=$1
	shift
	"$LS" -c "$cfg" -- sh -c 'cd "$1" && shift && exec "$@"' sh "$dir" \
		"$LS" -c "$cfg" -- "$@"
}

# ---- "." in a nested sandbox ------------------------------------------------------
check "baseline: the outer tool writes the project's top" 0 "$LS" -c "$cfg" -- "$TRY" create "$p/top"
check "a nested tool started in sub/ writes the project's top" 0 nested "$p/sub" "$TRY" create "$p/from-sub"
check "and below it" 0 nested "$p/sub/deeper" "$TRY" create "$p/sub/from-deeper"
check "three levels down, still the project" 0 \
	"$LS" -c "$cfg" -- sh -c 'cd sub && "$1" -c "$2" -- sh -c "cd deeper && \"$1\" -c \"$2\" -- \"$3\" create ../../three"' \
	sh "$LS" "$cfg" "$TRY"
pass "the file is at the project's top" test -f "$p/three"
check "a nested tool still cannot write outside the project" 1 nested "$p/sub" "$TRY" create "$T/outside/x"
check "the tool sees the project directory" 0 nested "$p/sub" sh -c 'echo "$LANDSTRIP_PROJECT_DIR"'
check_out "LANDSTRIP_PROJECT_DIR is the outermost shim's directory" "^$p\$"
check "--check in a nested sandbox names the project directory" 0 nested "$p/sub" "$LS" -c "$cfg" --check
check_out "--check: directory and project directory" "^project directory: $p "

# A relative path other than ".": resolved against the project too.
cat >"$T/cfg/rel.ini" <<INI
[sandbox]
allowWrite = sub/deeper
INI
check "a relative allowWrite in a nested policy means the project's sub/deeper" 0 \
	"$LS" -c "$cfg" -- sh -c 'cd "$1" && "$2" -c "$3" -- "$4" create "$5"' sh \
	"$p/sub" "$LS" "$T/cfg/rel.ini" "$TRY" "$p/sub/deeper/rel"

# ---- a tool that rewrites the project directory only narrows ---------------------
check "baseline: unconfined, the outside is writable" 0 "$TRY" create "$T/outside/base"
check "LANDSTRIP_PROJECT_DIR rewritten to the outside: still refused" 1 \
	"$LS" -c "$cfg" -- env LANDSTRIP_PROJECT_DIR="$T/outside" "$LS" -c "$cfg" -- "$TRY" create "$T/outside/y"
check "... and to /: still refused" 1 \
	"$LS" -c "$cfg" -- env LANDSTRIP_PROJECT_DIR=/ "$LS" -c "$cfg" -- "$TRY" create "$T/outside/z"
pass "nothing was created outside" test ! -e "$T/outside/y" -a ! -e "$T/outside/z"
check "rewritten to a subdirectory: the nested tool narrows to it" 1 \
	"$LS" -c "$cfg" -- env LANDSTRIP_PROJECT_DIR="$p/sub" "$LS" -c "$cfg" -- "$TRY" create "$p/narrowed"
check "... and writes inside it" 0 \
	"$LS" -c "$cfg" -- env LANDSTRIP_PROJECT_DIR="$p/sub" "$LS" -c "$cfg" -- "$TRY" create "$p/sub/narrowed"
# Under an enclosing supervisor that performs writes (a mediated root), the
# nested policy is registered with it and applied too.
cat >"$T/cfg/med.ini" <<INI
[sandbox]
allowWrite = .
denyWrite = .git/hooks
INI
check "mediated outer: rewritten project directory, the outside stays refused" 1 \
	"$LS" -c "$T/cfg/med.ini" -- env LANDSTRIP_PROJECT_DIR="$T/outside" "$LS" -c "$cfg" -- "$TRY" create "$T/outside/m"
check "mediated outer: rewritten project directory, the outer deny holds" 1 \
	"$LS" -c "$T/cfg/med.ini" -- env LANDSTRIP_PROJECT_DIR="$p/.git" "$LS" -c "$cfg" -- "$TRY" create "$p/.git/hooks/pre-commit"
pass "no hook was planted" test ! -e "$p/.git/hooks/pre-commit"
check "a value that is not an absolute directory is refused" 1 \
	"$LS" -c "$cfg" -- env LANDSTRIP_PROJECT_DIR=relative "$LS" -c "$cfg" -- true
check_err "with the variable named" "LANDSTRIP_PROJECT_DIR=relative: not an absolute path to a directory"
# At the top (not nested), an inherited value means nothing: the directory
# where the shim starts is the project.
cd "$p/sub" || exit 1
check "at the top, an inherited LANDSTRIP_PROJECT_DIR is ignored" 0 \
	env LANDSTRIP_PROJECT_DIR="$T/outside" "$LS" -c "$cfg" -- "$TRY" create "$p/sub/top-level"
check "... and grants nothing there" 1 \
	env LANDSTRIP_PROJECT_DIR="$T/outside" "$LS" -c "$cfg" -- "$TRY" create "$T/outside/top"
check "... and is replaced for the tool" 0 \
	env LANDSTRIP_PROJECT_DIR="$T/outside" "$LS" -c "$cfg" -- sh -c 'echo "$LANDSTRIP_PROJECT_DIR"'
check_out "the tool sees its own project directory" "^$p/sub\$"
cd "$p" || exit 1

# ---- a config file beside the project ---------------------------------------------
q="$T/local"
mkdir -p "$q/src"
printf '[sandbox]\nallowWrite = .\n' >"$q/landstrip.ini"
cp "$q/landstrip.ini" "$T/landstrip.ini.orig"
cd "$q" || exit 1
check "--check with -c ./landstrip.ini" 0 "$LS" -c ./landstrip.ini --check
check_out "the config file is write-denied" "^  $q/landstrip.ini +config file\$"
if grep -q '^granted nothing' "$T/out"; then
	_tap_result "not ok" "the project is not listed as granting nothing"
else
	_tap_result ok "the project is not listed as granting nothing"
fi
check "the project stays writable at its top" 0 "$LS" -c ./landstrip.ini -- "$TRY" create "$q/new"
check "and below" 0 "$LS" -c ./landstrip.ini -- sh -c 'mkdir -p src/a && echo x > src/a/f'
check "baseline: the config is writable unconfined" 0 "$TRY" create "$T/probe.ini"
for attack in "append $q/landstrip.ini pwned" "create $q/landstrip.ini" "unlink $q/landstrip.ini" \
	"rename $q/new $q/landstrip.ini" "rename $q/landstrip.ini $q/moved.ini" \
	"link $q/landstrip.ini $q/src/hard.ini" "symlink /etc/passwd $q/landstrip.ini"; do
	# shellcheck disable=SC2086
	check "the config file: $attack is refused" 1 "$LS" -c ./landstrip.ini -- "$TRY" $attack
done
check "unlink and recreate through a shell" 2 "$LS" -c ./landstrip.ini -- sh -c 'rm -f landstrip.ini; echo "[sandbox]" > landstrip.ini'
# Nested (no supervisor of its own: the deny is carved into Landlock's
# snapshot instead of mediated).
check "nested: the project stays writable" 0 "$LS" -c ./landstrip.ini -- "$LS" -c ./landstrip.ini -- "$TRY" create "$q/src/nested"
check "nested: the config file cannot be appended to" 1 "$LS" -c ./landstrip.ini -- "$LS" -c ./landstrip.ini -- "$TRY" append "$q/landstrip.ini" x
check "nested: nor replaced" 1 "$LS" -c ./landstrip.ini -- "$LS" -c ./landstrip.ini -- "$TRY" rename "$q/new" "$q/landstrip.ini"
pass "the config file is intact" cmp -s "$q/landstrip.ini" "$T/landstrip.ini.orig"
pass "no hard link to it was made" test ! -e "$q/src/hard.ini"
cd "$p" || exit 1
