#!/bin/bash
# One command from a fresh clone to a working landstrip: install the build
# dependencies (Debian packages), build, install into ~/.local (or
# $PREFIX), write the example config if there is none, make the wrapper
# set, check the setup with --doctor, and show a confined tool call that
# works and one that is refused.  Running it again changes nothing that is
# already in place; an existing config is never overwritten.
set -euo pipefail
cd "$(dirname "$0")/.."
src=$PWD
: "${HOME:?HOME must be set}"
prefix=${PREFIX:-$HOME/.local}

step() { printf '\n== %s\n' "$*"; }

# Run the real tools, not the wrappers of an earlier run: drop from PATH
# every directory where make, sh, bash or git is a link to landstrip-exec.
is_wrapper_dir() {
	local t
	for t in make sh bash git; do
		[ -L "$1/$t" ] && [ "$(basename "$(readlink -f "$1/$t")")" = landstrip-exec ] && return 0
	done
	return 1
}
user_path=$PATH
clean_path=
IFS=: read -ra entries <<<"$PATH"
for d in "${entries[@]}"; do
	is_wrapper_dir "${d:-.}" || clean_path=${clean_path:+$clean_path:}$d
done
export PATH=$clean_path

# ---- build dependencies -----------------------------------------------------
need=(gcc make libc6-dev musl-tools libinih-dev libseccomp-dev)
missing=()
for p in "${need[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	step "Installing build dependencies: ${missing[*]}"
	sudo=""
	[ "$(id -u)" = 0 ] || sudo=sudo
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# ---- build and install ------------------------------------------------------
step "Building and installing into $prefix"
make -s
make -s install PREFIX="$prefix"
ls="$prefix/bin/landstrip-exec"
echo "Installed $ls"

# ---- the config ---------------------------------------------------------------
# The compilers and the linker of the example get a wrapper only where they
# are installed: build systems choose a compiler by looking for it by name
# (configure tries gcc, then cc), and would pick the wrapper of a missing
# one.  So the config written here has their sections commented out when
# they are not found.
compilers=(cc gcc g++ c++ clang clang++ ld rustc)
commented_note="not installed when install/setup.sh wrote this file"
# installed NAME: NAME is on PATH, as a program that is not landstrip-exec.
installed() {
	local d f dirs
	IFS=: read -ra dirs <<<"$PATH"
	for d in "${dirs[@]}"; do
		f="${d:-.}/$1"
		[ -f "$f" ] && [ -x "$f" ] || continue
		[ "$(basename "$(readlink -f "$f")")" = landstrip-exec ] || return 0
	done
	return 1
}
step "Config"
config="$HOME/.config/landstrip/config.ini"
config_in_use=$config
if [ -n "${LANDSTRIP_CONFIG:-}" ]; then
	config_in_use=$LANDSTRIP_CONFIG
	echo "LANDSTRIP_CONFIG names $LANDSTRIP_CONFIG: using it, writing nothing."
elif [ "${XDG_CONFIG_HOME:-}" != "" ] && [ "${XDG_CONFIG_HOME#/}" != "$XDG_CONFIG_HOME" ] &&
	[ -e "$XDG_CONFIG_HOME/landstrip/config.ini" ]; then
	config_in_use=$XDG_CONFIG_HOME/landstrip/config.ini
	echo "Keeping $XDG_CONFIG_HOME/landstrip/config.ini (never overwritten)."
elif [ -e "$config" ]; then
	echo "Keeping $config (never overwritten)."
else
	absent=()
	for c in "${compilers[@]}"; do
		installed "$c" || absent+=("$c")
	done
	mkdir -p "$(dirname "$config")"
	# Comment out the header and the keys of each absent compiler's section,
	# with a note above it.
	awk -v absent=" ${absent[*]} " -v note="$commented_note" '
		/^[ \t]*\[/ {
			name = $0
			sub(/^[ \t]*\[tool\./, "", name)
			sub(/\].*$/, "", name)
			off = $0 ~ /^[ \t]*\[tool\./ && index(absent, " " name " ") > 0
			if (off) {
				print "# " name ": " note
				print "#" $0
				next
			}
		}
		off && $0 !~ /^[ \t]*[#;]/ && NF { print "#" $0; next }
		{ print }
	' "$src/install/config.ini.example" >"$config.tmp.$$"
	chmod 0644 "$config.tmp.$$"
	mv -n "$config.tmp.$$" "$config"
	rm -f "$config.tmp.$$"
	echo "Wrote $config from install/config.ini.example."
	if [ ${#absent[@]} -gt 0 ]; then
		echo "Not installed, so their sections are commented out (no wrapper): ${absent[*]}."
	fi
fi

# ---- the wrapper set ------------------------------------------------------------
step "Wrappers: landstrip-exec --install-wrappers"
out=$("$ls" --install-wrappers)
echo "$out"
wdir=$(printf '%s\n' "$out" | sed -n 's/^  export PATH=\(.*\):\$PATH$/\1/p' | tail -n 1)
[ -n "$wdir" ] && [ -d "$wdir" ] || { echo "setup: cannot tell the wrapper directory" >&2; exit 1; }
# PATH without the wrapper directory: where the real tools are.
real_path=$(printf '%s' "$PATH" | tr ':' '\n' | grep -vxF "$wdir" | paste -sd: -)

# A write root must exist when a tool starts, or it grants nothing, and the
# tool cannot create it: make the caches of the package managers that are
# installed (those that are not get theirs when this script runs again).
made=()
for tool in npm npx pnpm yarn pip pip3 cargo go; do
	[ -e "$wdir/$tool" ] || continue
	PATH="$real_path" command -v "$tool" >/dev/null 2>&1 || continue
	while read -r dir; do
		case $dir in "$HOME"/*) ;; *) continue ;; esac
		[ -e "$dir" ] && continue
		mkdir -p "$dir" && made+=("$dir")
	done < <("$ls" --check -p "$tool" 2>/dev/null | sed -n '/^granted nothing:/,/^[^ ]/s/^  \([^ ]*\) *allowWrite: does not exist .*/\1/p')
done
if [ ${#made[@]} -gt 0 ]; then
	echo "Created the caches the profiles grant: ${made[*]}"
fi

# ---- the doctor -------------------------------------------------------------------
step "landstrip-exec --doctor"
status=0
report=$(PATH="$user_path" "$ls" --doctor) || status=$?
echo "$report"
# What PATH fixes, and tools that are not installed, do not stop the setup.
tolerated='is not in PATH$|before the wrapper$|command not found in PATH'
if [ "$status" != 0 ]; then
	others=$(printf '%s\n' "$report" | grep '^  PROBLEM' | grep -Ev "$tolerated" || true)
	after=$(PATH="$wdir:$real_path" "$ls" --doctor 2>&1 | grep '^  PROBLEM' | grep -Ev "$tolerated" || true)
	if [ -n "$others$after" ]; then
		echo
		echo "setup: the doctor found problems that PATH does not fix (above); fix them and run install/setup.sh again." >&2
		exit 1
	fi
	missing_tools=$(printf '%s\n' "$report" | sed -n 's/^  PROBLEM  \([^:]*\): .*command not found in PATH.*/\1/p' | paste -sd' ' -)
	echo
	if printf '%s\n' "$report" | grep -Eq 'is not in PATH$|before the wrapper$'; then
		echo "Only PATH is left to set: see the line at the end."
	fi
	if [ -n "$missing_tools" ]; then
		echo "Not installed here: $missing_tools.  Their wrappers answer \"command not found\""
		echo "as the missing tool would; remove a section from $config_in_use and run"
		echo "landstrip-exec --install-wrappers to drop its wrapper (do, for a compiler:"
		echo "build systems that look for it would find its wrapper)."
	fi
fi
# Compilers installed since this script commented out their sections.
now=()
for c in "${compilers[@]}"; do
	grep -qxF "# $c: $commented_note" "$config_in_use" 2>/dev/null &&
		grep -qxF "#[tool.$c]" "$config_in_use" && installed "$c" && now+=("$c")
done
if [ ${#now[@]} -gt 0 ]; then
	echo
	echo "Installed now, but commented out in $config_in_use: ${now[*]}.  Uncomment"
	echo "their sections and run landstrip-exec --install-wrappers to wrap them."
fi

# ---- a demonstration --------------------------------------------------------------
step "A confined tool call through the wrappers"
demo=$(mktemp -d "${TMPDIR:-/tmp}/landstrip-demo.XXXXXX")
trap 'rm -rf "$demo"' EXIT
cd "$demo"
export PATH="$wdir:$real_path"
if [ -e "$wdir/sh" ]; then sh=(sh); else sh=("$ls" -- sh); fi
echo "In $demo, with $wdir first in PATH:"
echo
echo "\$ sh -c 'echo hello > inside.txt'         # the project: allowed"
"${sh[@]}" -c 'echo hello > inside.txt'
echo "  -> wrote $demo/inside.txt: $(cat inside.txt)"
if [ -e "$wdir/git" ] && PATH="$real_path" command -v git >/dev/null 2>&1; then
	echo "\$ git init && git commit --allow-empty     # the project: allowed"
	git init -q . && git -c user.name=landstrip-demo -c user.email=demo@example.invalid \
		commit -q --allow-empty -m demo && echo "  -> $(git log --oneline | head -n 1)"
fi
echo "\$ sh -c 'echo >> ~/.bashrc'                # your home: refused"
if "${sh[@]}" -c 'echo >> ~/.bashrc' 2>"$demo/err"; then
	echo "setup: the write to ~/.bashrc was NOT refused: do not use this setup." >&2
	exit 1
fi
sed 's/^/  -> /' "$demo/err"
# A file in ~/.ssh, if there is one (the names stay visible, not the contents).
secret=
for f in "$HOME"/.ssh/id_* "$HOME"/.ssh/*; do
	[ -f "$f" ] && [ -r "$f" ] && { secret=${f#"$HOME"/}; break; }
done
if [ -n "$secret" ]; then
	pad=$((27 - ${#secret}))
	[ "$pad" -gt 0 ] || pad=1
	printf "\$ sh -c 'cat ~/%s'%*s# a secret: refused\n" "$secret" "$pad" ""
	if "${sh[@]}" -c 'cat "$HOME/$1"' sh "$secret" >/dev/null 2>"$demo/err"; then
		echo "setup: reading ~/$secret was NOT refused: do not use this setup." >&2
		exit 1
	fi
	sed 's/^/  -> /' "$demo/err"
fi

# ---- what to do next --------------------------------------------------------------
# The session puts the wrapper directory first in the agent's PATH (and in
# that of the shell it runs commands with, which inherits it), and mediates
# every tool the agent starts: the one command to give.
step "Next"
echo "Start your agent in a landstrip session: every tool it runs by name goes"
echo "through its wrapper in $wdir, and one supervisor"
echo "mediates them all.  Check the session first with:"
echo "  $prefix/bin/landstrip-supervisor -- $ls --doctor"
echo "See README.md.  With your agent's command in place of claude:"
echo
echo "  $prefix/bin/landstrip-supervisor -- claude"
