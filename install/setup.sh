#!/bin/bash
# One command from a fresh clone to a working landstrip: install the build
# dependencies (Debian packages), build, install into ~/.local, and show a
# confined tool call that works and one that is refused.
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=${PREFIX:-$HOME/.local}

need=(gcc make libc6-dev musl-tools libinih-dev libseccomp-dev)
missing=()
for p in "${need[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "Installing build dependencies: ${missing[*]}"
	sudo=""
	[ "$(id -u)" = 0 ] || sudo=sudo
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

make -s
make -s install PREFIX="$prefix"
ls="$prefix/bin/landstrip-exec"
echo "Installed $ls"
echo

demo=$(mktemp -d "${TMPDIR:-/tmp}/landstrip-demo.XXXXXX")
trap 'rm -rf "$demo"' EXIT
cd "$demo"
echo "Policy in use (embedded default unless you have a config):"
"$ls" --check | sed -n '1,4p'
echo
echo "\$ landstrip-exec -- sh -c 'echo hello > inside.txt'    # the project: allowed"
"$ls" -- sh -c 'echo hello > inside.txt' && echo "  -> wrote $demo/inside.txt"
echo "\$ landstrip-exec -- sh -c 'echo pwned >> ~/.bashrc'    # outside: refused"
if "$ls" -- sh -c 'echo pwned >> ~/.bashrc' 2>&1 | sed 's/^/  -> /'; then :; fi
echo
echo "Next: put wrapper symlinks first in your agent's PATH (see README.md),"
echo "and make sure $prefix/bin is on your PATH."
