/* The entry points shared by the libFuzzer targets (fuzz_protocol.c,
 * fuzz_config.c, linked with -fsanitize=fuzzer) and the corpus replayer
 * (replay.c, plain main, linked with one target): one input, any bytes; it
 * returns 0 or aborts.  A target may also define LLVMFuzzerInitialize,
 * which libFuzzer and the replayer call once before the first input. */
#ifndef LANDSTRIP_FUZZ_H
#define LANDSTRIP_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#endif
