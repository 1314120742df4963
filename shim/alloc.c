/* The shim's allocator: a bump allocator that never frees.
 *
 * landstrip-exec lives for a fraction of a millisecond and then execs, which
 * returns all memory at once.  musl's allocator costs ~20 us to set up on
 * first use (brk, mmap, and a page fault per size class it spreads over);
 * packing every allocation into a few contiguous pages costs next to
 * nothing.  This file replaces malloc for the static shim only; the unit
 * tests use the system allocator (with ASan). */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define ALIGN 16
#define CHUNK (256 * 1024)

struct header {
	size_t size;
	size_t pad; /* keep payloads 16-byte aligned */
};

static unsigned char first_chunk[64 * 1024] __attribute__((aligned(ALIGN)));
static unsigned char *cursor = first_chunk;
static unsigned char *limit = first_chunk + sizeof first_chunk;
static struct header *last;

static void *grab(size_t size)
{
	size_t need = (sizeof(struct header) + size + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	if (need < size || (size_t)(limit - cursor) < need) {
		size_t len = need > CHUNK ? need : CHUNK;
		if (need < size)
			return errno = ENOMEM, NULL;
		void *m = mmap(NULL, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED)
			return errno = ENOMEM, NULL;
		cursor = m;
		limit = cursor + len;
	}
	last = (struct header *)cursor;
	last->size = size;
	cursor += need;
	return last + 1;
}

void *malloc(size_t size)
{
	return grab(size);
}

void *calloc(size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return errno = ENOMEM, NULL;
	/* Fresh memory from .bss or mmap is already zero. */
	return grab(n * size);
}

void free(void *ptr)
{
	(void)ptr;
}

void *realloc(void *ptr, size_t size)
{
	if (!ptr)
		return grab(size);
	struct header *h = (struct header *)ptr - 1;
	if (h == last && (size_t)(limit - (unsigned char *)ptr) >= size) {
		/* The newest block grows in place. */
		h->size = size;
		cursor = (unsigned char *)ptr +
			 ((size + ALIGN - 1) & ~(size_t)(ALIGN - 1));
		return ptr;
	}
	void *fresh = grab(size);
	if (fresh)
		memcpy(fresh, ptr, h->size < size ? h->size : size);
	return fresh;
}

void *aligned_alloc(size_t alignment, size_t size)
{
	if (alignment > ALIGN)
		return errno = EINVAL, NULL;
	return grab(size);
}

int posix_memalign(void **out, size_t alignment, size_t size)
{
	if (alignment > ALIGN)
		return EINVAL;
	void *p = grab(size);
	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}
