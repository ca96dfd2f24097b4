// SPDX-License-Identifier: GPL-2.0
/*
 * kjump ROUNDS: kexec jump round trips to a one-page image that returns at
 * once, in the manner of upstream's selftests/kexec/test_kexec_jump.c.
 *
 * The image is loaded with KEXEC_PRESERVE_CONTEXT at IMAGE_ADDR; every
 * reboot(LINUX_REBOOT_CMD_KEXEC) calls it and returns when it returns.  It
 * holds two entry points, A and B.  The kernel keeps the entry point it
 * called in the qword above the return address, and uses the qword found
 * there on return as the entry point of the next jump.  Each entry checks
 * that the qword holds its own address, then leaves the other entry there,
 * so the jumps alternate A, B, A...  An entry that finds anything else
 * executes UD2: with the kernel's IDT gone at that point the machine
 * resets, which the test sees as a round trip that never came back.
 *
 * Between the jumps, user memory filled with a pattern must keep it, and
 * every CPU must be online again.  One line per round trip on stdout.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/kexec.h>
#include <linux/reboot.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#define IMAGE_ADDR	0x400000UL
#define IMAGE_SIZE	4096
#define PATTERN_SIZE	(32UL << 20)

/* Both entry points are position independent: the copy runs at IMAGE_ADDR. */
extern const unsigned char kjump_image[], kjump_entry_b[], kjump_image_end[];
asm(".pushsection .rodata\n"
    "kjump_image:\n"
    "	leaq	kjump_image(%rip), %rax\n"
    "	cmpq	%rax, 8(%rsp)\n"
    "	jne	1f\n"
    "	leaq	kjump_entry_b(%rip), %rax\n"
    "	movq	%rax, 8(%rsp)\n"
    "	ret\n"
    "kjump_entry_b:\n"
    "	leaq	kjump_entry_b(%rip), %rax\n"
    "	cmpq	%rax, 8(%rsp)\n"
    "	jne	1f\n"
    "	leaq	kjump_image(%rip), %rax\n"
    "	movq	%rax, 8(%rsp)\n"
    "	ret\n"
    "1:	ud2\n"
    "kjump_image_end:\n"
    ".popsection\n");

/* What the I-th word of the user memory pattern holds. */
static uint64_t pattern_word(size_t i)
{
	return i * 0x9e3779b97f4a7c15ULL;
}

static int online_cpus(void)
{
	return (int)sysconf(_SC_NPROCESSORS_ONLN);
}

int main(int argc, char **argv)
{
	static unsigned char image[IMAGE_SIZE];
	struct kexec_segment seg = {
		.buf = image, .bufsz = IMAGE_SIZE,
		.mem = (void *)IMAGE_ADDR, .memsz = IMAGE_SIZE,
	};
	int rounds = argc > 1 ? atoi(argv[1]) : 0;
	int cpus = online_cpus();
	uint64_t *pattern;
	size_t i, n = PATTERN_SIZE / sizeof(*pattern);
	int r;

	if (rounds <= 0) {
		fprintf(stderr, "usage: kjump ROUNDS\n");
		return 2;
	}
	memcpy(image, kjump_image, kjump_image_end - kjump_image);
	if (syscall(SYS_kexec_load, IMAGE_ADDR, 1UL, &seg,
		    KEXEC_PRESERVE_CONTEXT | KEXEC_ARCH_DEFAULT)) {
		printf("kjump: kexec_load: %s\n", strerror(errno));
		return 1;
	}
	pattern = malloc(PATTERN_SIZE);
	if (!pattern)
		return 1;
	for (i = 0; i < n; i++)
		pattern[i] = pattern_word(i);

	for (r = 1; r <= rounds; r++) {
		if (syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2,
			    LINUX_REBOOT_CMD_KEXEC, NULL)) {
			printf("kjump: round trip %d: reboot: %s\n", r, strerror(errno));
			return 1;
		}
		for (i = 0; i < n; i++) {
			if (pattern[i] != pattern_word(i)) {
				printf("kjump: round trip %d: user memory changed at %p\n",
				       r, (void *)&pattern[i]);
				return 1;
			}
		}
		if (online_cpus() != cpus) {
			printf("kjump: round trip %d: %d of %d CPUs online\n",
			       r, online_cpus(), cpus);
			return 1;
		}
		printf("kjump: round trip %d done, %d CPUs online\n", r, cpus);
		/* On the console before the next jump's kernel messages. */
		fflush(stdout);
		tcdrain(STDOUT_FILENO);
	}
	return 0;
}
