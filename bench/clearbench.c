// SPDX-License-Identifier: GPL-2.0
/*
 * clearbench: how fast one CPU clears memory with the loop the kernel uses
 * to reset TDX private memory (tdx_reset_pages(): MOVDIR64B of a zero
 * cache line, 64 bytes at a time), beside the fastest other ways to clear
 * memory on the same CPU: AVX2 non-temporal stores, rep stosb, memset.
 *
 * Usage: clearbench [MiB]	(default 1024)
 * On a CPU without MOVDIR64B it says so, measures the others, exits 0.
 */
#include <cpuid.h>
#include <immintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REPS 5

static const uint8_t zero_line[64] __attribute__((aligned(64)));

static int cpu_has(unsigned int ecx_bit, unsigned int ebx_bit)
{
	unsigned int a, b, c, d;

	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
		return 0;
	return ecx_bit ? !!(c & ecx_bit) : !!(b & ebx_bit);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The kernel's loop: MOVDIR64B from a zero line, then a full barrier. */
__attribute__((target("movdir64b")))
static void clear_movdir64b(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i += 64)
		_movdir64b(p + i, zero_line);
	__asm__ volatile("mfence" ::: "memory");
}

__attribute__((target("avx2")))
static void clear_nt_avx2(uint8_t *p, size_t n)
{
	__m256i z = _mm256_setzero_si256();

	for (size_t i = 0; i < n; i += 64) {
		_mm256_stream_si256((__m256i *)(p + i), z);
		_mm256_stream_si256((__m256i *)(p + i + 32), z);
	}
	_mm_sfence();
}

static void clear_rep_stosb(uint8_t *p, size_t n)
{
	__asm__ volatile("rep stosb" : "+D"(p), "+c"(n) : "a"(0) : "memory");
}

static void clear_memset(uint8_t *p, size_t n)
{
	memset(p, 0, n);
	__asm__ volatile("" : : "r"(p) : "memory");
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void bench(const char *name, void (*fn)(uint8_t *, size_t), uint8_t *buf, size_t n)
{
	double gbs[REPS];

	for (int r = 0; r < REPS; r++) {
		memset(buf, 0x5a, n);	/* dirty, as private memory would be */
		double t = now();
		fn(buf, n);
		gbs[r] = n / (now() - t) / 1e9;
		if (buf[n / 2] || buf[n - 1]) {
			fprintf(stderr, "%s did not clear the buffer\n", name);
			exit(1);
		}
	}
	qsort(gbs, REPS, sizeof(gbs[0]), cmp);
	printf("%-28s %7.2f GB/s (median of %d, best %.2f)\n", name, gbs[REPS / 2], REPS,
	       gbs[REPS - 1]);
}

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], NULL, 0) : 1024;
	size_t n = mib << 20;
	uint8_t *buf = aligned_alloc(4096, n);

	if (!mib || !buf) {
		fprintf(stderr, "usage: %s [MiB]: cannot allocate %zu MiB\n", argv[0], mib);
		return 2;
	}
	printf("clearing %zu MiB on one CPU\n", mib);
	if (cpu_has(bit_MOVDIR64B, 0))
		bench("MOVDIR64B (kernel's loop)", clear_movdir64b, buf, n);
	else
		printf("%-28s not supported by this CPU\n", "MOVDIR64B (kernel's loop)");
	if (cpu_has(0, bit_AVX2))
		bench("AVX2 non-temporal stores", clear_nt_avx2, buf, n);
	bench("rep stosb", clear_rep_stosb, buf, n);
	bench("memset", clear_memset, buf, n);
	free(buf);
	return 0;
}
