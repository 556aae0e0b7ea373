// SPDX-License-Identifier: GPL-2.0
/*
 * seedrng FILE: credit FILE's bytes (up to 512, drawn from the outer
 * host's /dev/urandom by tests/e2e/run) to the kernel's entropy pool
 * (RNDADDENTROPY), so that its RNG is ready at boot.  Under Bochs, with no
 * fast entropy source, it took about two minutes of wall time to get
 * ready, and anything that called getrandom() first waited for it:
 * json-c seeds its hash tables so, and every "minivmmctl ... --json" with
 * them.  Exit 0 on success, 1 with the errno's text on failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/random.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define SEED_MAX 512

int main(int argc, char **argv)
{
	struct {
		struct rand_pool_info info;
		unsigned char buf[SEED_MAX];
	} seed;
	ssize_t n;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: seedrng FILE\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0 || (n = read(fd, seed.buf, sizeof(seed.buf))) <= 0) {
		fprintf(stderr, "seedrng: %s: %s\n", argv[1],
			fd < 0 || n < 0 ? strerror(errno) : "empty");
		return 1;
	}
	close(fd);
	seed.info.entropy_count = n * 8;
	seed.info.buf_size = n;
	fd = open("/dev/urandom", O_WRONLY);
	if (fd < 0 || ioctl(fd, RNDADDENTROPY, &seed.info) < 0) {
		fprintf(stderr, "seedrng: RNDADDENTROPY: %s\n", strerror(errno));
		return 1;
	}
	close(fd);
	return 0;
}
