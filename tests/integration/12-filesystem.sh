#!/bin/bash
# Filesystem rules attacked: writes outside the roots, into carved-out deny
# subtrees, through symlinks and links, to landstrip's own files; reads of
# denied secrets.
. "$(dirname "$0")/../lib/tap.sh"
# Its policies are mediated, mostly by per-tool supervisors: where none
# can reach its tool, this script cannot run (tests/lib/tap.sh).
needs_per_tool "every check of this script (mediated policies)" || exit 0

p="$T/proj"
mkdir -p "$p/src" "$p/protected/empty" "$HOME/.ssh" "$p/vendor"
echo data >"$p/protected/file"
echo readme >"$p/README"
echo key >"$HOME/.ssh/id_rsa"
echo hosts >"$HOME/.ssh/known_hosts"
echo secret >"$p/secret.env"
echo outside >"$T/outside/file"
ln -s "$T/outside" "$p/escape"
write_config <<INI
[sandbox]
allowWrite = .
denyWrite = protected
denyRead = ~/.ssh
denyRead = secret.env
allowRead = ~/.ssh/known_hosts
INI

# Baselines: every attacked operation works unconfined.
check "baseline: can write outside unconfined" 0 "$TRY" write "$T/outside/base"
check "baseline: can read the key unconfined" 0 "$TRY" read "$HOME/.ssh/id_rsa"

check "write inside the project" 0 "$LS" -- "$TRY" write "$p/src/new"
check "overwrite an existing top-level file" 0 "$LS" -- "$TRY" write "$p/README" x
check "write outside the project" 1 "$LS" -- "$TRY" write "$T/outside/new"
check_out "refused with EACCES" '^EACCES$'
check "write to HOME" 1 "$LS" -- "$TRY" write "$HOME/.bashrc"
check "truncate a file outside" 1 "$LS" -- "$TRY" truncate "$T/outside/file"
check "rename out of the project" 1 "$LS" -- "$TRY" rename "$p/src/new" "$T/outside/moved"
check "write through a symlink to outside" 1 "$LS" -- "$TRY" write "$p/escape/x"
check "hard link from outside into the project" 1 "$LS" -- "$TRY" link "$T/outside/file" "$p/src/linked"
check "mkdir outside" 1 "$LS" -- "$TRY" mkdir "$T/outside/d"
check "mkfifo outside" 1 "$LS" -- "$TRY" mkfifo "$T/outside/fifo"
check "symlink outside" 1 "$LS" -- "$TRY" symlink /etc "$T/outside/l"

# The carved-out subtree.
check "write into a denied subtree" 1 "$LS" -- "$TRY" append "$p/protected/file"
check "create in a denied subtree" 1 "$LS" -- "$TRY" create "$p/protected/new"
check "unlink in a denied subtree" 1 "$LS" -- "$TRY" unlink "$p/protected/file"
check "rename the denied directory away" 1 "$LS" -- "$TRY" rename "$p/protected" "$p/src/p2"
check "remove a directory inside the denied subtree" 1 "$LS" -- "$TRY" rmdir "$p/protected/empty"
test -f "$p/protected/file" && [ "$(cat "$p/protected/file")" = data ] &&
	_tap_result ok "denied file intact" || _tap_result "not ok" "denied file intact"
# The deny holds when a write happens (a mediated root): the project's top
# level, on the path to it, still takes new entries.
check "a new top-level entry beside a deny" 0 "$LS" -- "$TRY" create "$p/newtop"
# secret.env (denyRead) sits at the top level too: Landlock's read rules
# there are a snapshot, so the supervisor decides reads in this root.
check "a file made at the top level reads back" 0 "$LS" -- sh -c "echo hello > $p/made && cat $p/made"
check_out "with its content" '^hello$'
check "a directory made there lists and reads" 0 "$LS" -- sh -c "mkdir -p $p/mk/d && echo x > $p/mk/d/f && ls $p/mk/d && cat $p/mk/d/f"
check "the read deny still holds, reported" 1 "$LS" -- sh -c "cat $p/secret.env"
check_err "naming the rule" 'refused read .*/secret.env by sh .*denyRead = secret.env at .*config.ini:5'
check "a script made there runs through its interpreter" 0 "$LS" -- sh -c "printf 'echo ran\\n' > $p/run.sh && sh $p/run.sh"
check "sibling directories keep full rights" 0 "$LS" -- "$TRY" mkdir "$p/vendor/pkg"

# O_CREAT must not leave an empty file behind when refused.
"$LS" -- "$TRY" create "$T/outside/ghost" >/dev/null 2>&1
test -e "$T/outside/ghost" && _tap_result "not ok" "refused O_CREAT leaves nothing" ||
	_tap_result ok "refused O_CREAT leaves nothing"

# Reads.
check "read a denied secret" 1 "$LS" -- "$TRY" read "$HOME/.ssh/id_rsa"
check_out "refused with EACCES" '^EACCES$'
check "read an allowRead file inside the denied directory" 0 "$LS" -- "$TRY" read "$HOME/.ssh/known_hosts"
check "read a denied file inside the project" 1 "$LS" -- "$TRY" read "$p/secret.env"
check "read ordinary system files" 0 "$LS" -- "$TRY" read /etc/passwd
check "read the project" 0 "$LS" -- "$TRY" read "$p/README"
cp /bin/true "$HOME/.ssh/tool" 2>/dev/null
check "execute from a denied directory" 1 "$LS" -- "$TRY" exec "$HOME/.ssh/tool"
check "overwrite a denyRead file inside a write root" 1 "$LS" -- "$TRY" append "$p/secret.env" x
check "copy a secret via a shell" 1 "$LS" -- sh -c "cat $HOME/.ssh/id_rsa > $p/src/stolen"

# Devices stay usable.
check "write /dev/null" 0 "$LS" -- sh -c 'echo x > /dev/null'
check "truncate-open /dev/null" 0 "$LS" -- "$TRY" write /dev/null

# landstrip's own files stay write-protected even inside a write root
# (THREATS.md #2).  Use a copy of the shim that this user owns, so that
# only landstrip can be what refuses.
mkdir -p "$T/bin"
cp "$LS" "$T/bin/landstrip-exec"
# The root holds denies, so its writes are mediated: the supervisor comes
# along (a copy next to the shim, found there).
cp "$(dirname "$LS")/landstrip-supervisor" "$T/bin/landstrip-supervisor"
LS2="$T/bin/landstrip-exec"
write_config <<INI
[sandbox]
allowWrite = $T
allowWrite = $HOME
INI
check "baseline: the shim copy is writable unconfined" 0 "$TRY" append "$LS2"
check "overwrite the shim binary" 1 "$LS2" -- "$TRY" append "$LS2"
check "overwrite the supervisor next to the shim" 1 "$LS2" -- "$TRY" append "$T/bin/landstrip-supervisor"
check "plant a file beside the shim (its directory is not the root's)" 0 "$LS2" -- "$TRY" create "$T/bin/other"
check "edit the config in use" 1 "$LS2" -- "$TRY" append "$T/cfg/config.ini"
check "replace the config by rename" 1 "$LS2" -- sh -c "echo '[sandbox]' > $T/outside/x.ini && mv $T/outside/x.ini $T/cfg/config.ini"
# The config file is protected, not its directory (it may be the project).
check "a file beside the config may be created" 0 "$LS2" -- "$TRY" create "$T/cfg/other.ini"
check "the config file cannot be replaced by a new one" 2 "$LS2" -- sh -c "rm -f $T/cfg/config.ini; echo '[sandbox]' > $T/cfg/config.ini"
check "plant a default config for later" 1 "$LS2" -- sh -c "mkdir -p $HOME/.config/landstrip && echo '[sandbox]' > $HOME/.config/landstrip/config.ini"
test -e "$HOME/.config/landstrip/config.ini" && _tap_result "not ok" "no planted config" ||
	_tap_result ok "no planted config"
check "plant wrappers in the default wrapper directory" 1 "$LS2" -- sh -c "mkdir -p $HOME/.local/share/landstrip/bin && ln -s /bin/true $HOME/.local/share/landstrip/bin/git"
test -e "$HOME/.local/share/landstrip/bin" && _tap_result "not ok" "no wrapper directory made" ||
	_tap_result ok "no wrapper directory made"
check "elsewhere in the root still writable" 0 "$LS2" -- "$TRY" write "$T/outside/fine"

# denyRead implies denyWrite: an allowWrite root above ~/.ssh must not let a
# tool plant a key.
mkdir -p "$HOME/.ssh" "$HOME/work"
write_config <<INI
[sandbox]
allowWrite = ~
denyRead = ~/.ssh
INI
check "baseline: authorized_keys can be planted unconfined" 0 "$TRY" write "$HOME/.ssh/planted"
rm -f "$HOME/.ssh/planted"
check "plant ~/.ssh/authorized_keys under allowWrite = ~" 1 "$LS" -- "$TRY" write "$HOME/.ssh/authorized_keys"
check "other directories in HOME stay writable" 0 "$LS" -- "$TRY" write "$HOME/work/f"

# A config directory that is a symlink (dotfile managers make them): neither
# the link nor its target may be replaced.
mkdir -p "$T/dotfiles/landstrip" "$HOME/.config"
rm -rf "$HOME/.config/landstrip"
ln -s "$T/dotfiles/landstrip" "$HOME/.config/landstrip"
write_config <<INI
[sandbox]
allowWrite = $HOME
allowWrite = $T/dotfiles
INI
check "baseline: the link can be replaced unconfined" 0 sh -c "mv $HOME/.config/landstrip $HOME/.config/l2 && mv $HOME/.config/l2 $HOME/.config/landstrip"
check "replace a symlinked config directory" 1 "$LS2" -- "$TRY" rename "$HOME/.config/landstrip" "$HOME/.config/old"
check "plant a config in the symlink's target" 1 "$LS2" -- "$TRY" write "$T/dotfiles/landstrip/config.ini"
rm -f "$HOME/.config/landstrip"

# Explicit mandatory deny from [landstrip].
mkdir -p "$T/wrappers"
write_config <<INI
[landstrip]
wrapperDir = $T/wrappers
[sandbox]
allowWrite = $T/wrappers
INI
check "wrapperDir is write-denied even when allowWrite names it" 1 "$LS" -- "$TRY" create "$T/wrappers/git"
check "--check lists the mandatory deny" 0 "$LS" --check
check_out "--check shows wrapperDir among the mandatory denies" "$T/wrappers +wrapperDir"

# The embedded default: a project works, secrets and the rest do not.
unset LANDSTRIP_CONFIG
mkdir -p "$T/proj2"
cd "$T/proj2" || exit 1
check "default: new top-level file in the project" 0 "$LS" -- "$TRY" write "$T/proj2/new"
# (HOME is inside $T here, so /tmp and $T are on the path to the protected
# ~/.config/landstrip and keep no create rights: write into a sibling.)
mkdir -p "$T.d"
check "default: write to /tmp" 0 "$LS" -- "$TRY" write "$T.d/file"
rm -rf "$T.d"
# HOME is under /tmp here, which the default allows: the most specific
# rule (allowWrite = /tmp) decides, but landstrip's own config directory
# below it stays refused.
# (~/.profile itself is in the built-in protected set: another file.)
check "default: HOME under /tmp follows /tmp" 0 "$LS" -- "$TRY" write "$HOME/notes"
check "default: but ~/.profile is protected (built-in)" 1 "$LS" -- "$TRY" write "$HOME/.profile"
check "default: the config directory below it stays refused" 1 "$LS" -- sh -c "mkdir -p $HOME/.config/landstrip && echo x > $HOME/.config/landstrip/config.ini"
check "default: read ~/.ssh" 1 "$LS" -- "$TRY" read "$HOME/.ssh/id_rsa"
if command -v git >/dev/null; then
	check "default: git init" 0 "$LS" -- git init -q "$T/proj2"
	check "default: git commit" 0 "$LS" -- sh -c 'echo a > a && git add a && git -c user.name=t -c user.email=t@t commit -qm a'
else
	skip "default: git init" "git not installed"
fi

# Read patterns are expanded when the tool starts: every match is
# unreadable, one made unlistable to hide from the walk is denied whole,
# and a pattern over too big a tree refuses to run.
mkdir -p "$T/rg/a/b" "$T/rg/locked/in" "$T/rg/big"
echo k >"$T/rg/a/b/id.pem"
echo k >"$T/rg/locked/in/x.pem"
echo ok >"$T/rg/a/readme"
chmod 000 "$T/rg/locked"
write_config <<INI
[sandbox]
allowWrite = $T/rg/a
denyRead = $T/rg/**/*.pem
INI
check "baseline: the pem is readable unconfined" 0 "$TRY" read "$T/rg/a/b/id.pem"
check "a read pattern denies its match" 1 "$LS" -- "$TRY" read "$T/rg/a/b/id.pem"
check_out "refused with EACCES" '^EACCES$'
check "and a read pattern denies writing it" 1 "$LS" -- "$TRY" write "$T/rg/a/b/id.pem"
check "others beside it stay readable" 0 "$LS" -- "$TRY" read "$T/rg/a/readme"
chmod 755 "$T/rg/locked"
# An unprivileged walk cannot list mode 000; root can, so only check the
# outcome that holds for both: after it is readable again, it is denied.
chmod 000 "$T/rg/locked"
if [ "$(id -u)" != 0 ]; then
	check "an unlistable directory is denied whole" 1 "$LS" -- sh -c "chmod 755 $T/rg/locked; cat $T/rg/locked/in/x.pem"
else
	skip "an unlistable directory is denied whole" "root lists mode 000 directories"
fi
chmod 755 "$T/rg/locked"
for i in $(seq 1 250); do mkdir -p "$T/rg/big/d$i"; for j in $(seq 1 90); do : >"$T/rg/big/d$i/f$j"; done; done
check "a read pattern over a tree too big to walk refuses to run" 1 "$LS" -- true
check_err "and says which line and what to do" 'config.ini:3: .*matches below a tree of over 20000 entries.*narrow the pattern'

# A FIFO in a mediated root: opening it waits for the peer, as it does
# outside, on a thread of the supervisor's own (other calls go on).
write_config <<INI
[sandbox]
allowWrite = $p
denyWrite = $p/protected
INI
mkfifo "$p/fifo1" "$p/fifo2"
(sleep 0.4; cat "$p/fifo1" >"$T/fifo1.out") &
check "a writer with O_CREAT waits for its reader" 0 timeout 10 "$LS" -- sh -c "echo through > $p/fifo1"
wait
check "  and the reader gets the line" 0 grep -qx through "$T/fifo1.out"
(sleep 0.4; cat "$p/fifo2" >"$T/fifo2.out") &
check "a writer without O_CREAT waits too" 0 timeout 10 "$LS" -- "$TRY" append "$p/fifo2" plain
wait
check "  and the reader gets it" 0 grep -q plain "$T/fifo2.out"
check "meanwhile other calls are served" 0 timeout 10 "$LS" -- sh -c \
	"(echo late > $p/fifo1 &) ; sleep 0.2; echo other > $p/other.txt; cat $p/fifo1 >/dev/null"
# Writers that give up (killed while they wait for a reader) free their
# waiting place: the supervisor does not keep waiting for them.
check "66 writers killed while waiting leave the FIFO usable" 0 timeout 20 "$LS" -- sh -c "
	i=0; pids=
	while [ \$i -lt 66 ]; do
		(echo x > $p/fifo2) 2>/dev/null & pids=\"\$pids \$!\"; i=\$((i + 1))
	done
	sleep 1; kill \$pids 2>/dev/null; sleep 0.5
	(sleep 0.3; cat $p/fifo1 > $p/fifo3.out) &
	echo after > $p/fifo1; wait"
check "  and the last line went through" 0 grep -qx after "$p/fifo3.out"
rm -f "$p/fifo1" "$p/fifo2" "$p/fifo3.out"
