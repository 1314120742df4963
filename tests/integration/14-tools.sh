#!/bin/bash
# Real tools: they work under the embedded default policy, and a policy that
# grants only the project refuses them everything else.
#
# HOME lives under /tmp here, so /tmp (a write root of the default) is on
# the path to the protected ~/.config/landstrip and keeps no create rights
# of its own: temporary files go to $TMPDIR inside the test directory.
. "$(dirname "$0")/../lib/tap.sh"
# Its policies are mediated, mostly by per-tool supervisors: where none
# can reach its tool, this script cannot run (tests/lib/tap.sh).
needs_per_tool "every check of this script (mediated policies)" || exit 0

p="$T/proj"
export TMPDIR="$T/tmp"
mkdir -p "$TMPDIR" "$HOME/.ssh" && echo key >"$HOME/.ssh/id_ed25519"
cat >"$T/cfg/project-only.ini" <<INI
[sandbox]
allowWrite = $p
denyRead = ~/.ssh
INI
strict=(-c "$T/cfg/project-only.ini")

if command -v git >/dev/null; then
	check "default: git init" 0 "$LS" -- git init -q "$p"
	check "default: git add and commit" 0 "$LS" -- sh -c 'echo a > a && git add a && git -c user.name=t -c user.email=t@t commit -qm first'
	check "default: git clone into the project" 0 "$LS" -- git clone -q "$p" "$p/clone"
	git init -q --bare "$T/outside/remote.git"
	check "baseline: git push works unconfined" 0 git push -q "$T/outside/remote.git" HEAD:refs/heads/base
	check "project-only: git push outside is refused" 1 \
		sh -c "\"$LS\" ${strict[*]} -- git push -q \"$T/outside/remote.git\" HEAD:refs/heads/x >/dev/null 2>&1 || exit 1"
	check "project-only: a hook cannot be planted in another repository" 1 \
		"$LS" "${strict[@]}" -- "$TRY" write "$T/outside/remote.git/hooks/pre-receive"
else
	skip "git" "git not installed"
fi

if command -v npm >/dev/null; then
	mkdir -p "$T/outside/pkg" "$p/app"
	echo '{"name":"localpkg","version":"1.0.0","main":"index.js"}' >"$T/outside/pkg/package.json"
	echo 'module.exports = 42' >"$T/outside/pkg/index.js"
	(cd "$T/outside/pkg" && npm pack -q >/dev/null 2>&1)
	echo '{"name":"app","version":"1.0.0"}' >"$p/app/package.json"
	cd "$p/app" || exit 1
	check "default: npm install of a local tarball" 0 \
		timeout 120 "$LS" -- npm install --no-audit --no-fund --offline "$T/outside/pkg/localpkg-1.0.0.tgz"
	check "default: the installed package loads" 0 "$LS" -- node -e 'process.exit(require("localpkg") === 42 ? 0 : 1)'
	cd "$p" || exit 1
	check "default: node cannot read ~/.ssh" 1 "$LS" -- node -e 'require("fs").readFileSync(process.env.HOME + "/.ssh/id_ed25519")'
	check "project-only: node cannot write outside" 1 "$LS" "${strict[@]}" -- node -e 'require("fs").writeFileSync(process.argv[1], "x")' "$T/outside/n"
else
	skip "npm" "npm not installed"
fi

if command -v python3 >/dev/null; then
	check "default: python writes in the project" 0 "$LS" -- python3 -c 'open("py.txt", "w").write("x")'
	check "default: python cannot read ~/.ssh" 1 "$LS" -- python3 -c 'import os; open(os.environ["HOME"] + "/.ssh/id_ed25519").read()'
	check "default: python cannot open a UDP socket" 1 "$LS" -- python3 -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM)'
	check "project-only: python cannot write outside" 1 "$LS" "${strict[@]}" -- python3 -c 'import sys; open(sys.argv[1], "w")' "$T/outside/py"
else
	skip "python" "python3 not installed"
fi

if command -v make >/dev/null && command -v cc >/dev/null; then
	printf 'hello: hello.c\n\tcc -o hello hello.c\n' >"$p/Makefile"
	printf 'int main(void){return 0;}\n' >"$p/hello.c"
	check "default: make builds a C program" 0 "$LS" -- make -s -C "$p"
	check "default: the built program runs" 0 "$LS" -- "$p/hello"
	check "project-only: make cannot build outside" 2 "$LS" "${strict[@]}" -- make -s -C "$p" -f - <<<"$(printf 'x:\n\ttouch %s/made\n' "$T/outside")"
else
	skip "make" "make or cc not installed"
fi
