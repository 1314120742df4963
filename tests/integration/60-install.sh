#!/bin/bash
# make install into a temporary prefix, then run the installed pair with the
# build tree out of the way: nothing may point back into the source tree.
src=$(cd "$(dirname "$0")/../.." && pwd)
. "$(dirname "$0")/../lib/tap.sh"
if [ ! -f "$src/Makefile" ] || [ ! -w "$src" ] || ! command -v musl-gcc >/dev/null; then
	skip "make install" "needs a writable source tree and musl-gcc (the unprivileged pass runs from a copy)"
	exit 0
fi
prefix="$T/prefix"
check "make install PREFIX=... DESTDIR=..." 0 make -s -C "$src" BUILD="$T/build" \
	install PREFIX=/opt/landstrip DESTDIR="$T/stage"
check "make install PREFIX=..." 0 make -s -C "$src" BUILD="$T/build2" install PREFIX="$prefix"
for f in bin/landstrip-exec bin/landstrip-supervisor libexec/landstrip/landstrip-supervisor \
	share/man/man1/landstrip-exec.1 share/man/man5/landstrip.ini.5 \
	share/man/man8/landstrip-supervisor.8 share/landstrip/config.ini.example; do
	test -e "$prefix/$f" && _tap_result ok "installed $f" || _tap_result "not ok" "installed $f"
	test -e "$T/stage/opt/landstrip/$f" && _tap_result ok "staged $f" || _tap_result "not ok" "staged $f"
done
rm -rf "$T/build" "$T/build2"

ls="$prefix/bin/landstrip-exec"
check "the installed shim runs a tool" 0 "$ls" -- true
write_config <<INI
[sandbox]
allowWrite = $T/proj
allowLocalBinding = true
INI
check "the installed shim finds the installed supervisor" 0 "$ls" -- "$TRY" serve-self 127.0.0.1
check "and the supervisor still refuses what it must" 1 "$ls" -- "$TRY" bind 0.0.0.0 0
check "--check names the libexec supervisor" 0 "$ls" --check
check_out "mediation is per-tool" 'mediation: per-tool landstrip-supervisor'
check "--doctor finds the libexec supervisor" 0 sh -c "\"$ls\" --doctor | grep -q 'supervisor: $prefix/libexec/landstrip/landstrip-supervisor'"
check "session mode through the installed symlink" 0 "$prefix/bin/landstrip-supervisor" -- "$ls" -- "$TRY" serve-self 127.0.0.1
check "the installed pages are lint clean" 0 sh -c "! command -v mandoc >/dev/null || mandoc -T lint -W warning $prefix/share/man/man*/*"
check "the example config is valid" 0 "$ls" --check -c "$prefix/share/landstrip/config.ini.example"
check "make uninstall" 0 make -s -C "$src" BUILD="$T/build2" uninstall PREFIX="$prefix"
test -e "$prefix/bin/landstrip-exec" && _tap_result "not ok" "uninstall removed the shim" ||
	_tap_result ok "uninstall removed the shim"
