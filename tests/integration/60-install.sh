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

# ---- install/setup.sh: the compiler wrappers where the compilers are ----------
# setup.sh builds and installs from a copy of the source tree, with a HOME
# under /var/tmp (its demonstration checks that ~/.bashrc is not writable,
# which under /tmp, a write root, it would be), and a PATH of links to the
# system's programs, without clang and clang++: those two are "not
# installed".  The other compilers get a wrapper where they are installed.
setup_deps_missing=
for pkg in gcc make libc6-dev musl-tools libinih-dev libseccomp-dev; do
	dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" ||
		setup_deps_missing="$setup_deps_missing $pkg"
done
if [ ! -f "$src/install/setup.sh" ]; then
	skip "install/setup.sh" "not in this tree"
elif [ -n "$setup_deps_missing" ]; then
	skip "install/setup.sh" "it would install packages:$setup_deps_missing"
elif [ ! -d /var/tmp ] || [ ! -w /var/tmp ]; then
	skip "install/setup.sh" "/var/tmp is not writable: HOME must be outside /tmp"
else
	unset LANDSTRIP_CONFIG
	S=$(mktemp -d /var/tmp/landstrip-setup.XXXXXX)
	trap 'rm -rf "$S"; _tap_done' EXIT
	mkdir -p "$S/src" "$S/home" "$S/bin" "$S/proj"
	tar -C "$src" --exclude=./build --exclude=./.git -cf - . | tar -C "$S/src" -xf -
	hidden=" clang clang++ "
	for f in /usr/local/bin/* /usr/local/sbin/* /usr/bin/* /usr/sbin/* /bin/* /sbin/*; do
		n=${f##*/}
		case $hidden in *" $n "*) continue ;; esac
		[ -e "$S/bin/$n" ] || ln -s "$f" "$S/bin/$n"
	done
	sw="$S/home/.local/share/landstrip/bin"
	scfg="$S/home/.config/landstrip/config.ini"
	setup() { env HOME="$S/home" PATH="$S/bin" TMPDIR=/tmp bash "$S/src/install/setup.sh"; }
	check "setup.sh without clang and clang++" 0 setup
	for c in cc gcc g++ c++ clang clang++ ld rustc; do
		if PATH="$S/bin" command -v "$c" >/dev/null; then
			[ -L "$sw/$c" ] && _tap_result ok "setup.sh: $c is installed: wrapped" ||
				_tap_result "not ok" "setup.sh: $c is installed: wrapped"
			grep -qx "\[tool\.$c\]" "$scfg" && _tap_result ok "setup.sh: $c's section is in the config" ||
				_tap_result "not ok" "setup.sh: $c's section is in the config"
		else
			[ ! -e "$sw/$c" ] && _tap_result ok "setup.sh: $c is not installed: no wrapper" ||
				_tap_result "not ok" "setup.sh: $c is not installed: no wrapper"
			grep -qx "#\[tool\.$c\]" "$scfg" && _tap_result ok "setup.sh: $c's section is commented out" ||
				_tap_result "not ok" "setup.sh: $c's section is commented out"
		fi
	done
	check_out "setup.sh: says which are commented out" \
		'^Not installed, so their sections are commented out \(no wrapper\): .*clang clang\+\+'
	check "setup.sh: the config it wrote is valid" 0 "$S/home/.local/bin/landstrip-exec" --check -c "$scfg"
	check "setup.sh: --install-wrappers again adds no wrapper" 0 \
		env HOME="$S/home" PATH="$S/bin" "$S/home/.local/bin/landstrip-exec" --install-wrappers
	check_out "setup.sh: nothing added, nothing removed" '^0 added, 0 removed'
	if PATH="$S/bin" command -v cc >/dev/null; then
		printf 'int main(void) { return 0; }\n' >"$S/proj/hello.c"
		check "setup.sh: cc compiles through its wrapper" 0 \
			sh -c 'cd "$1" && env HOME="$2" PATH="$3:$4" cc -o hello hello.c && ./hello' sh \
			"$S/proj" "$S/home" "$sw" "$S/bin"
		check "setup.sh: and cannot write outside the project" 1 \
			sh -c 'cd "$1" && env HOME="$2" PATH="$3:$4" cc -o "$2/hello" hello.c' sh \
			"$S/proj" "$S/home" "$sw" "$S/bin"
	else
		skip "setup.sh: cc through its wrapper" "cc is not installed"
	fi
	# clang installed later: setup.sh keeps the config, and says what to do.
	if command -v clang >/dev/null; then
		ln -s "$(command -v clang)" "$S/bin/clang"
		check "setup.sh again, with clang" 0 setup
		check_out "setup.sh: keeps the config" "^Keeping $scfg \(never overwritten\)\.$"
		check_out "setup.sh: says to uncomment clang's section" \
			'^Installed now, but commented out in .*: clang\.'
		[ ! -e "$sw/clang" ] && _tap_result ok "setup.sh: and wraps nothing it was not told to" ||
			_tap_result "not ok" "setup.sh: and wraps nothing it was not told to"
	else
		skip "setup.sh with clang installed later" "clang is not installed"
	fi
fi
