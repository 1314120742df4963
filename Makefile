# landstrip: see README.md.  `make`, `make check`, `make bench`,
# `make install PREFIX=... DESTDIR=...`.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBEXECDIR ?= $(PREFIX)/libexec/landstrip
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/landstrip
VERSION := 0.1.0

CC ?= cc
# The shim sits on every tool call: musl starts ~0.4 ms faster than static
# glibc (MEASURED.md).  It is linked statically so that it runs wherever the
# wrapper directory is, with nothing to load.
SHIM_CC ?= musl-gcc

# Warnings are errors; hardening as the distributions do it.
WARN := -Wall -Wextra -Werror -Wformat=2 -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wno-format-nonliteral
HARDEN := -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fstack-clash-protection \
	-fno-strict-overflow
CFLAGS ?= -O2 -g
ALL_CFLAGS := -std=gnu11 -D_GNU_SOURCE $(WARN) $(HARDEN) -DLANDSTRIP_VERSION='"$(VERSION)"' \
	-DLANDSTRIP_LIBEXECDIR='"$(LIBEXECDIR)"' $(CFLAGS)
# relro/now: no writable GOT for an attacker to aim at.
LDHARDEN := -Wl,-z,relro -Wl,-z,now -Wl,-z,noexecstack

BUILD := build
# musl has no kernel or inih headers of its own: give it exactly those.
MUSL_INC := $(BUILD)/musl-include
INIH_A ?= /usr/lib/x86_64-linux-gnu/libinih.a
# The supervisor's seccomp notifications (supervisor/notify.c).
LIBSECCOMP_A ?= /usr/lib/x86_64-linux-gnu/libseccomp.a

CONFIG_SRC := config/diag.c config/parse.c config/keys.c config/merge.c \
	config/default_config.c config/paths.c config/lower.c config/system.c \
	config/glob.c config/deps.c config/locate.c config/protect.c
SHIM_SRC := shim/alloc.c shim/main.c shim/caps.c shim/mediation.c \
	shim/wrappers.c shim/doctor.c shim/admin.c shim/enforce.c \
	config/protocol.c shim/cli.c shim/context.c shim/program.c \
	shim/landlock.c shim/seccomp.c shim/filter_plan.c shim/fds.c \
	shim/report.c config/cache_wire.c shim/rulecache.c
SUPERVISOR_SRC := supervisor/main.c supervisor/loop.c supervisor/mediate.c \
	supervisor/notify.c supervisor/decide.c supervisor/report.c \
	config/protocol.c supervisor/fsmediate.c supervisor/decide_write.c \
	config/cache_wire.c supervisor/rulecache.c supervisor/recent.c \
	supervisor/watch.c \
	config/diag.c config/paths.c config/system.c config/glob.c config/deps.c \
	config/parse.c config/keys.c config/default_config.c config/locate.c
HEADERS := $(wildcard config/*.h shim/*.h supervisor/*.h)
MANPAGES := shim/landstrip-exec.1 config/landstrip.ini.5 supervisor/landstrip-supervisor.8

.PHONY: FORCE all check unit lint-man integration bench install uninstall clean
all: $(BUILD)/landstrip-exec $(BUILD)/landstrip-supervisor

# libseccomp's headers go in a directory of their own, for the supervisor
# only: the shim has a seccomp.h of its own.  The stamp is redone when they
# are missing (a build directory from before them).
$(MUSL_INC)/.stamp: $(if $(wildcard $(MUSL_INC)/libseccomp/seccomp-syscalls.h),,FORCE)
	mkdir -p $(MUSL_INC)
	ln -sfn /usr/include/linux $(MUSL_INC)/linux
	ln -sfn /usr/include/asm-generic $(MUSL_INC)/asm-generic
	ln -sfn /usr/include/x86_64-linux-gnu/asm $(MUSL_INC)/asm
	ln -sfn /usr/include/ini.h $(MUSL_INC)/ini.h
	mkdir -p $(MUSL_INC)/libseccomp
	ln -sfn /usr/include/seccomp.h $(MUSL_INC)/libseccomp/seccomp.h
	ln -sfn /usr/include/seccomp-syscalls.h $(MUSL_INC)/libseccomp/seccomp-syscalls.h
	touch $@

# The supervisor's libexec path is compiled into the shim: a different
# PREFIX at install time must rebuild it, and only then.
$(BUILD)/libexecdir: FORCE
	@mkdir -p $(BUILD)
	@echo '$(LIBEXECDIR)' | cmp -s - $@ || echo '$(LIBEXECDIR)' > $@
FORCE:

# The shim's seccomp programs, made at build time with libseccomp (the
# generator links it; the shim does not): build/filters.c.  The test file
# holds libseccomp's own view of each program (PFC) for the unit tests.
$(BUILD)/gen_filters: shim/gen_filters.c shim/filter_plan.c shim/filter_plan.h \
		shim/seccomp.h | $(BUILD)
	$(CC) -std=gnu11 -D_GNU_SOURCE $(WARN) -O1 -g -o $@ shim/gen_filters.c \
		shim/filter_plan.c -lseccomp
$(BUILD)/filters.c: $(BUILD)/gen_filters
	$(BUILD)/gen_filters $@ $(BUILD)/filters_test.c
$(BUILD)/filters_test.c: $(BUILD)/filters.c

$(BUILD)/landstrip-exec: $(CONFIG_SRC) $(SHIM_SRC) $(BUILD)/filters.c $(HEADERS) \
		$(MUSL_INC)/.stamp $(BUILD)/libexecdir
	$(SHIM_CC) $(ALL_CFLAGS) -Os -I$(MUSL_INC) -Iconfig -Ishim -static $(LDHARDEN) -s \
		-o $@ $(CONFIG_SRC) $(SHIM_SRC) $(BUILD)/filters.c $(INIH_A)
	@size=$$(stat -c %s $@); test $$size -le 409600 || \
		{ echo "landstrip-exec is $$size bytes, over the 400 KB budget"; exit 1; }

# The supervisor is static too: per-tool mode starts one on every mediated
# call, so its start-up is on the tool's critical path.  Debian's
# libseccomp.a is built for glibc: supervisor/glibc_compat.c gives musl what
# it lacks.
$(BUILD)/landstrip-supervisor: $(SUPERVISOR_SRC) supervisor/glibc_compat.c $(HEADERS) $(MUSL_INC)/.stamp
	$(SHIM_CC) $(ALL_CFLAGS) -Os -I$(MUSL_INC) -I$(MUSL_INC)/libseccomp -Iconfig -static $(LDHARDEN) -s \
		-o $@ $(SUPERVISOR_SRC) supervisor/glibc_compat.c $(LIBSECCOMP_A) $(INIH_A) -lpthread

# Test helpers and unit tests use the system compiler with sanitizers.
TEST_CFLAGS := -std=gnu11 -D_GNU_SOURCE $(WARN) -O1 -g -fsanitize=address,undefined \
	-fno-omit-frame-pointer -Iconfig -Ishim
$(BUILD):
	mkdir -p $@

$(BUILD)/unit-tests: | $(BUILD)
$(BUILD)/try: | $(BUILD)
$(BUILD)/landstrip-supervisor: | $(BUILD)
UNIT_SHIM_SRC := shim/seccomp.c shim/filter_plan.c shim/program.c \
	$(BUILD)/filters.c $(BUILD)/filters_test.c
$(BUILD)/unit-tests: tests/unit/*.c tests/unit/*.h $(CONFIG_SRC) $(HEADERS) $(UNIT_SHIM_SRC) \
		config/protocol.c config/protocol.h supervisor/decide.c supervisor/decide.h \
		supervisor/decide_write.c config/cache_wire.c supervisor/recent.c supervisor/watch.c
	$(CC) $(TEST_CFLAGS) -Isupervisor -o $@ tests/unit/*.c $(CONFIG_SRC) $(UNIT_SHIM_SRC) \
		config/protocol.c supervisor/decide.c supervisor/decide_write.c \
		config/cache_wire.c supervisor/recent.c supervisor/watch.c $(UNIT_NOTIFY) -linih -lseccomp -lpthread

# supervisor/notify.c for the unit tests, compiled apart without -Ishim:
# its <seccomp.h> is libseccomp's, not shim/seccomp.h.
UNIT_NOTIFY := $(BUILD)/unit-notify.o
$(BUILD)/unit-tests: $(UNIT_NOTIFY)
$(UNIT_NOTIFY): supervisor/notify.c supervisor/notify.h | $(BUILD)
	$(CC) $(filter-out -Ishim,$(TEST_CFLAGS)) -c -o $@ supervisor/notify.c

$(BUILD)/try: tests/helpers/try.c
	$(CC) -std=gnu11 $(WARN) -O1 -g -o $@ $< -lpthread

unit: $(BUILD)/unit-tests
	$(BUILD)/unit-tests

integration: all $(BUILD)/try
	tests/run-integration.sh

# Man pages must be clean at warning level (STYLE notes such as a manual
# not installed yet are not failures).
lint-man:
	@if command -v mandoc >/dev/null; then \
		mandoc -T lint -W warning $(MANPAGES) && echo "man pages: lint clean"; \
	else echo "man pages: mandoc not installed, lint skipped"; fi

check: unit fuzz-replay lint-man integration

bench: all
	tests/bench.sh

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXECDIR) \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(DATADIR)
	install -m 0755 $(BUILD)/landstrip-exec $(DESTDIR)$(BINDIR)/
	install -m 0755 $(BUILD)/landstrip-supervisor $(DESTDIR)$(LIBEXECDIR)/
	ln -sf "$$(realpath -m --relative-to=$(BINDIR) $(LIBEXECDIR))/landstrip-supervisor" \
		$(DESTDIR)$(BINDIR)/landstrip-supervisor
	install -m 0644 shim/landstrip-exec.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 config/landstrip.ini.5 $(DESTDIR)$(MANDIR)/man5/
	test ! -f supervisor/landstrip-supervisor.8 || \
		install -m 0644 supervisor/landstrip-supervisor.8 $(DESTDIR)$(MANDIR)/man8/
	install -m 0644 install/config.ini.example $(DESTDIR)$(DATADIR)/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/landstrip-exec \
		$(DESTDIR)$(BINDIR)/landstrip-supervisor \
		$(DESTDIR)$(LIBEXECDIR)/landstrip-supervisor \
		$(DESTDIR)$(MANDIR)/man1/landstrip-exec.1 \
		$(DESTDIR)$(MANDIR)/man5/landstrip.ini.5 \
		$(DESTDIR)$(MANDIR)/man8/landstrip-supervisor.8
	rm -rf $(DESTDIR)$(DATADIR)
	-rmdir $(DESTDIR)$(LIBEXECDIR)

clean:
	rm -rf $(BUILD)

# Fuzzing the wire decoders (tests/fuzz/).  `make fuzz` runs libFuzzer
# (clang) for FUZZ_SECONDS over the kept corpus; what it finds goes to
# build/fuzz-corpus, not into the tree: fold it in with -merge=1 (see
# tests/fuzz/README).  `make fuzz-replay` needs no libFuzzer: it reruns the
# kept corpus under ASan/UBSan with the system compiler.
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_CORPUS := tests/fuzz/corpus/protocol
FUZZ_SRC := tests/fuzz/fuzz_protocol.c config/protocol.c config/diag.c config/glob.c \
	config/paths.c config/system.c config/deps.c config/cache_wire.c
FUZZ_DEPS := $(FUZZ_SRC) tests/fuzz/fuzz.h config/protocol.h config/diag.h config/glob.h

.PHONY: fuzz fuzz-config fuzz-replay fuzz-seeds
$(BUILD)/fuzz-protocol: $(FUZZ_DEPS)
	@mkdir -p $(BUILD)
	$(FUZZ_CC) -std=gnu11 -D_GNU_SOURCE $(WARN) -g -O1 \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-Iconfig -Isupervisor -o $@ $(FUZZ_SRC)

fuzz: $(BUILD)/fuzz-protocol
	@mkdir -p $(BUILD)/fuzz-corpus
	$(BUILD)/fuzz-protocol -max_total_time=$(FUZZ_SECONDS) \
		-dict=tests/fuzz/protocol.dict -artifact_prefix=$(BUILD)/ \
		$(BUILD)/fuzz-corpus $(FUZZ_CORPUS)

$(BUILD)/fuzz-replay: tests/fuzz/replay.c $(FUZZ_DEPS)
	@mkdir -p $(BUILD)
	$(CC) $(TEST_CFLAGS) -fno-sanitize-recover=all -Isupervisor -o $@ \
		tests/fuzz/replay.c $(FUZZ_SRC)

fuzz-replay: $(BUILD)/fuzz-replay $(BUILD)/fuzz-config-replay
	$(BUILD)/fuzz-replay $(FUZZ_CORPUS)
	$(BUILD)/fuzz-config-replay $(FUZZ_CONFIG_CORPUS)

# Valid packets of each kind, from the encoders: the corpus's starting point.
$(BUILD)/fuzz-seeds: tests/fuzz/seeds.c config/protocol.c config/protocol.h config/diag.c config/glob.c
	@mkdir -p $(BUILD)
	$(CC) $(TEST_CFLAGS) -Isupervisor -o $@ tests/fuzz/seeds.c \
		config/protocol.c config/diag.c config/glob.c config/paths.c config/system.c \
		config/deps.c config/cache_wire.c

fuzz-seeds: $(BUILD)/fuzz-seeds
	@mkdir -p $(BUILD)/fuzz-seeds.d
	$(BUILD)/fuzz-seeds $(BUILD)/fuzz-seeds.d

# Fuzzing the INI loader (tests/fuzz/fuzz_config.c): the line scanner,
# libinih (the system's, as the shim links it), the keys, [landstrip]
# denies, merging and lowering, in the shim's order.  New inputs go to
# build/fuzz-config-corpus.
FUZZ_CONFIG_CORPUS := tests/fuzz/corpus/config
FUZZ_CONFIG_SRC := tests/fuzz/fuzz_config.c $(CONFIG_SRC) shim/context.c
FUZZ_CONFIG_DEPS := $(FUZZ_CONFIG_SRC) tests/fuzz/fuzz.h $(HEADERS)

$(BUILD)/fuzz-config: $(FUZZ_CONFIG_DEPS)
	@mkdir -p $(BUILD)
	$(FUZZ_CC) -std=gnu11 -D_GNU_SOURCE $(WARN) -g -O1 \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-Iconfig -o $@ $(FUZZ_CONFIG_SRC) -linih

fuzz-config: $(BUILD)/fuzz-config
	@mkdir -p $(BUILD)/fuzz-config-corpus
	$(BUILD)/fuzz-config -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
		-dict=tests/fuzz/config.dict -artifact_prefix=$(BUILD)/ \
		$(BUILD)/fuzz-config-corpus $(FUZZ_CONFIG_CORPUS)

$(BUILD)/fuzz-config-replay: tests/fuzz/replay.c $(FUZZ_CONFIG_DEPS)
	@mkdir -p $(BUILD)
	$(CC) $(TEST_CFLAGS) -fno-sanitize-recover=all -o $@ \
		tests/fuzz/replay.c $(FUZZ_CONFIG_SRC) -linih
