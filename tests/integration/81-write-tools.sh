#!/bin/bash
# Real tools in a mediated write root (issue 5): with `allowWrite = .` and a
# deny inside it, git and npm create, rename and remove files anywhere in
# the project (top level and .git included), and only the denied paths stay
# closed: .git/hooks for git, **/.env for npm's install scripts.
. "$(dirname "$0")/../lib/tap.sh"
# Its policies are mediated, mostly by per-tool supervisors: where none
# can reach its tool, this script cannot run (tests/lib/tap.sh).
needs_per_tool "every check of this script (mediated policies)" || exit 0

p="$T/proj"
export TMPDIR="$T/tmp" GIT_CONFIG_NOSYSTEM=1 npm_config_update_notifier=false
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_TEMPLATE_DIR
mkdir -p "$TMPDIR"
printf '[user]\n\tname = t\n\temail = t@t.invalid\n[init]\n\tdefaultBranch = master\n[advice]\n\tdetachedHead = false\n' \
	>"$HOME/.gitconfig"
cat >"$T/cfg/hooks.ini" <<INI
[sandbox]
allowWrite = .
denyWrite = .git/hooks
INI
# The same without the deny: the baseline of every refusal below.  The
# built-in protected set denies .git/hooks too (83-protected.sh): the
# baseline relaxes that entry.
cat >"$T/cfg/plain.ini" <<INI
[sandbox]
allowWrite = .
allowWrite = .git/hooks
INI
hooks() { timeout 120 "$LS" -c "$T/cfg/hooks.ini" -- "$@"; }
plain() { timeout 120 "$LS" -c "$T/cfg/plain.ini" -- "$@"; }
# nonzero CMD...: CMD fails with a status of its own (git's 128 included),
# not by timing out or by a signal.
nonzero() { "$@"; local rc=$?; [ "$rc" != 0 ] && [ "$rc" != 124 ] && [ "$rc" -le 128 ]; }
files_in() { find "$1" -path "$1/.git" -prune -o -type f -print 2>/dev/null | wc -l; }
clean() { local s; s=$(git status --porcelain) && [ -z "$s" ]; }
no_files() { [ -z "$(find "$1" -type f 2>/dev/null)" ]; }
empty_dir() { [ -d "$1" ] && [ -z "$(ls -A "$1")" ]; }

if command -v git >/dev/null; then
	# git init: the template copy cannot create .git/hooks, and git (2.39 at
	# least) gives up on the first template it cannot copy.  The sandbox's
	# part: git is refused, and not one sample hook lands in .git/hooks.
	git init -q "$T/probe"
	samples=$(find "$T/probe/.git/hooks" -name '*.sample' 2>/dev/null)
	if [ -n "$samples" ]; then
		_tap_result ok "baseline: unconfined git init copies sample hooks into .git/hooks"
		mkdir -p "$T/fresh" && cd "$T/fresh" || exit 1
		check "git init with git's templates, .git/hooks denied: git gives up" 0 nonzero hooks git init -q
		check_err "git names .git/hooks as what it could not write" '\.git/hooks.*(Permission denied|cannot)|(Permission denied|cannot).*\.git/hooks'
		check "  no sample hook in .git/hooks" 0 no_files .git/hooks
		# The recipe landstrip.ini(5) gives: let git copy its samples,
		# which git never runs, and nothing else.
		cat >"$T/cfg/samples.ini" <<INI
[sandbox]
allowWrite = .
denyWrite = .git/hooks
allowWrite = .git/hooks/*.sample
INI
		mkdir -p "$T/fresh2" && cd "$T/fresh2" || exit 1
		check "git init with the *.sample exception works" 0 "$LS" -c "$T/cfg/samples.ini" -- git init -q
		check "  the samples are there" 0 test -f .git/hooks/pre-commit.sample
		check "  a real hook is still refused" 1 "$LS" -c "$T/cfg/samples.ini" -- "$TRY" write .git/hooks/pre-commit
		check "  so is renaming a sample into a hook" 1 "$LS" -c "$T/cfg/samples.ini" -- "$TRY" rename .git/hooks/pre-commit.sample .git/hooks/pre-commit
		check "  the sample is still there" 0 test -f .git/hooks/pre-commit.sample
		cd "$p" || exit 1
	else
		skip "git init with templates, .git/hooks denied" "git's templates have no sample hooks here"
	fi

	# Without templates git init needs nothing in .git/hooks: it creates .git
	# at the project's top level (which a snapshot of the tree refused).
	check "git init --template= in the project (.git at the top level)" 0 hooks git init -q --template=
	check "the repository is there" 0 test "$(git rev-parse --git-dir 2>/dev/null)" = .git
	check "its .git/HEAD names master" 0 grep -qx 'ref: refs/heads/master' .git/HEAD
	check "git init created no .git/hooks" 1 test -e .git/hooks
	check "a top-level file" 0 hooks sh -c 'echo top > top.txt'

	cat >"$T/mk300.sh" <<'SH'
for d in 0 1 2 3 4 5 6 7 8 9; do
	mkdir "src$d" || exit 1
	for f in $(seq 30); do echo "src $d file $f" >"src$d/f$f.c" || exit 1; done
done
SH
	cat >"$T/mkbig.sh" <<'SH'
git checkout -q -b big || exit 1
for d in $(seq 20); do
	mkdir "big$d" || exit 1
	for f in $(seq 100); do echo "big $d file $f" >"big$d/g$f.txt" || exit 1; done
done
printf '#!/bin/sh\necho ran\n' >big1/run.sh && chmod +x big1/run.sh &&
	git add -A && git commit -qm big
SH
	check "300 files in 10 new directories" 0 hooks sh "$T/mk300.sh"
	check "git add of 300 files" 0 hooks git add -A
	check "git commit of 300 files" 0 hooks git commit -qm first
	check "the commit holds 301 files" 0 test "$(git ls-tree -r --name-only HEAD 2>/dev/null | wc -l)" = 301
	check "the work tree is clean" 0 clean

	check "a branch with 2000 more files, one executable" 0 hooks sh "$T/mkbig.sh"
	check "git checkout master removes them" 0 hooks git checkout -q master
	check "only the 301 files of master are left" 0 test "$(files_in "$p")" = 301
	check "git checkout of the branch with 2301 files" 0 hooks git checkout -q big
	check "all 2302 files are back" 0 test "$(files_in "$p")" = 2302
	check "their content is right" 0 grep -qx 'big 17 file 42' big17/g42.txt
	check "the executable is still executable" 0 test -x big1/run.sh
	check "git sees a clean work tree" 0 clean
	check "git fsck finds every object sound" 0 git fsck --no-progress
	check "a file created with umask 077 is 0600" 0 hooks sh -c 'umask 077; echo x > umask077'
	check "  its mode" 0 test "$(stat -c %a umask077 2>/dev/null)" = 600
	check "a file created with umask 022 is 0644, owned by the tool's uid" 0 hooks sh -c 'umask 022; echo x > umask022'
	check "  its mode and owner" 0 test "$(stat -c '%a %u' umask022 2>/dev/null)" = "644 $(id -u)"

	# .git/hooks stays closed, whether or not it exists.  (A repository is
	# made here if the sandbox could not, so that these refusals stay real.)
	[ -d .git ] || git init -q --template=
	# An empty directory plants nothing: .git/hooks itself may be made
	# (git init does), and everything below it stays closed.
	check "mkdir .git/hooks itself is allowed" 0 hooks sh -c 'umask 0; mkdir .git/hooks'
	check "  never group- or world-writable, whatever the umask" 0 test "$(stat -c %a .git/hooks 2>/dev/null)" = 755
	check "  but not a directory inside it" 1 hooks mkdir .git/hooks/sub
	check "  a directory beside it can be made" 0 hooks mkdir .git/hooks-beside
	mkdir -p .git/hooks
	# attack DESC FILE CMD [REPORT]: CMD creates FILE without the deny, and
	# with it fails and creates nothing in .git/hooks (and landstrip says
	# so: REPORT).
	attack() {
		check "baseline: without the deny, $1" 0 plain sh -c "$3"
		check "  baseline: $2 was created" 0 test -f "$2"
		find .git/hooks -mindepth 1 -delete
		check "with .git/hooks denied, $1 is refused" 0 nonzero hooks sh -c "$3"
		[ -z "${4:-}" ] || check_err "  landstrip reports the refusal and the rule" "$4"
		check "  nothing was created in .git/hooks" 0 empty_dir .git/hooks
	}
	attack "write .git/hooks/pre-commit" .git/hooks/pre-commit 'echo x > .git/hooks/pre-commit' \
		'landstrip: refused create .*/\.git/hooks/pre-commit by .*denyWrite = \.git/hooks at .*hooks\.ini:3'
	attack "rename a file into .git/hooks" .git/hooks/post-checkout 'echo x > hook && mv hook .git/hooks/post-checkout'
	attack "write a hook through a symlink" .git/hooks/post-commit 'ln -sf .git/hooks/post-commit lnk && echo x > lnk'
	attack "move a directory of hooks into place" .git/hooks/sub/pre-push \
		'rm -rf d && mkdir d && echo x > d/pre-push && mv d .git/hooks/sub'
	check "git commit works with the hooks directory closed" 0 hooks sh -c 'echo y >> top.txt && git commit -qam second'

	# .git/hooks made while the tool runs is closed as well.
	mkdir -p "$T/late" && git -C "$T/late" init -q --template= && cd "$T/late" || exit 1
	rm -f started
	hooks sh -c 'echo > started; i=0
		while [ ! -d .git/hooks ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
		echo x > .git/hooks/pre-push' >"$T/late.out" 2>&1 &
	late=$!
	for _ in $(seq 100); do [ -e started ] && break; sleep 0.05; done
	mkdir .git/hooks
	check "a tool started before .git/hooks existed" 0 test -e started
	check "a hook in .git/hooks made after the tool started is refused" 0 nonzero wait "$late"
	check "  nothing was created in .git/hooks" 0 empty_dir .git/hooks
	cd "$p" || exit 1

	# git clone from outside into the project: a clone's hooks are not the
	# project's .git/hooks (relative entries are anchored where the shim
	# started), so git copies its templates there.
	mkdir -p "$T/outside/src" && (cd "$T/outside/src" && git init -q &&
		for f in $(seq 50); do echo "$f" >"s$f"; done && git add -A && git commit -qm src)
	check "git clone of a local repository into the project" 0 hooks git clone -q "$T/outside/src" clone
	check "  the clone has its files" 0 test "$(files_in "$p/clone")" = 50
	check "  its history" 0 git -C clone rev-parse --verify -q HEAD
	check "  git fsck of the clone" 0 git -C clone fsck --no-progress
	if [ -n "$samples" ]; then
		check "  the clone's own .git/hooks got git's sample hooks" 0 test -n "$(find clone/.git/hooks -name '*.sample' 2>/dev/null)"
	fi
else
	skip "git" "git not installed"
fi

if command -v npm >/dev/null && command -v node >/dev/null; then
	# Two local packages, a depending on b, each with a postinstall that
	# tries to plant .env files in the project and writes one file it may
	# write.  --install-links: npm unpacks them into node_modules as it does
	# registry packages (so the scripts run in node_modules/a, node_modules/b).
	pk="$T/outside/pkgs"
	mkdir -p "$pk/a" "$pk/b" "$HOME/.npm"
	echo '{"name":"b","version":"1.0.0","main":"index.js","scripts":{"postinstall":"sh ../../tryenv.sh b"}}' >"$pk/b/package.json"
	echo 'module.exports = "b"' >"$pk/b/index.js"
	echo '{"name":"a","version":"1.0.0","main":"index.js","dependencies":{"b":"file:../b"},"scripts":{"postinstall":"sh ../../tryenv.sh a"}}' >"$pk/a/package.json"
	echo 'module.exports = "a" + require("b")' >"$pk/a/index.js"
	for app in base app; do
		mkdir -p "$p/$app/sub" "$p/$app/secrets"
		echo secret >"$p/$app/secrets/.env"
		echo "{\"name\":\"$app\",\"version\":\"1.0.0\",\"private\":true,\"dependencies\":{\"a\":\"file:$pk/a\"}}" >"$p/$app/package.json"
		cat >"$p/$app/tryenv.sh" <<'SH'
# postinstall of package $1, run in node_modules/$1: one line per attempt.
p=$INIT_CWD
t() { if (eval "$2") 2>/dev/null; then echo "$1 wrote $2"; else echo "$1 refused $2"; fi; }
{
	t "$1" 'echo x > .env'
	t "$1" 'echo x > ../.env'
	t "$1" 'echo x > ../../.env'
	t "$1" 'echo x > "$p/sub/.env"'
	t "$1" 'echo x > "$p/secrets/.env"'
	t "$1" 'echo x >> "$p/secrets/.env"'
	t "$1" 'mkdir -p "$p/new-$1/deep" && echo x > "$p/new-$1/deep/.env"'
	t "$1" 'echo x > "$p/env-$1" && mv "$p/env-$1" "$p/sub/.env"'
	t "$1" 'ln -s .env "$p/sub/link-$1" && echo x > "$p/sub/link-$1"'
	t "$1" 'echo x > "ok-$1"'
} >>"$p/postinstall.log"
SH
	done
	cat >"$T/cfg/npm.ini" <<INI
[sandbox]
allowWrite = .
allowWrite = ~/.npm
denyWrite = **/.env
INI
	cat >"$T/cfg/npm-plain.ini" <<INI
[sandbox]
allowWrite = .
allowWrite = ~/.npm
INI
	npmi() { timeout 180 "$LS" -c "$T/cfg/$1.ini" -- npm install --offline --no-audit --no-fund --install-links; }
	envs() { find "$1" -name .env | sort | tr '\n' ' '; }
	ran='^[ab] wrote echo x > "ok-\$1"$' # the line of the allowed write

	cd "$p/base" || exit 1
	check "baseline: npm install without the .env deny" 0 npmi npm-plain
	check "baseline: both postinstall scripts ran" 0 test "$(grep -c "$ran" postinstall.log 2>/dev/null)" = 2
	check "baseline: every .env attempt wrote (so each can be refused)" 0 \
		test "$(grep -c ' wrote ' postinstall.log 2>/dev/null)" = 20
	check "baseline: .env files were planted in the project" 0 test "$(find "$p/base" -name .env | wc -l)" -gt 1

	cd "$p/app" || exit 1
	check "npm install with denyWrite = **/.env" 0 npmi npm
	check "node_modules/a and node_modules/b are populated" 0 \
		test -f node_modules/a/index.js -a -f node_modules/b/index.js -a -f node_modules/.package-lock.json -a -f package-lock.json
	check "the installed packages load" 0 node -e 'process.exit(require("a") === "ab" ? 0 : 1)'
	check "both postinstall scripts ran and wrote their own file" 0 \
		test -f node_modules/a/ok-a -a -f node_modules/b/ok-b -a "$(grep -c "$ran" postinstall.log 2>/dev/null)" = 2
	check "every .env attempt was refused" 0 test "$(grep -c ' refused ' postinstall.log 2>/dev/null)" = 18
	check "  no .env file but the one that was there" 0 test "$(envs "$p/app")" = "$p/app/secrets/.env "
	check "  which still holds its secret" 0 grep -qx secret secrets/.env
	check "  the directories the script made are there" 0 test -d new-a/deep -a -d new-b/deep
	grep -v -e ' refused ' -e "$ran" postinstall.log 2>/dev/null | sed 's/^/# unexpected: /'
	cd "$p" || exit 1
else
	skip "npm" "npm or node not installed"
fi
