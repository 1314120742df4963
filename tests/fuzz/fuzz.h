/* The entry point shared by the libFuzzer target (fuzz_protocol.c, linked
 * with -fsanitize=fuzzer) and the corpus replayer (replay.c, plain main):
 * one input, any bytes; it returns 0 or aborts. */
#ifndef LANDSTRIP_FUZZ_H
#define LANDSTRIP_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
