// SPDX-License-Identifier: GPL-2.0
/*
 * mvcreate N PREFIX SIZE: create up to N minivmm VMs named PREFIX0,
 * PREFIX1, ... with SIZE bytes of RAM and one vCPU (never started), from one
 * process over generic netlink, until the module refuses one.  Prints
 * "mvcreate created=K" and, if it stopped early, why.  The VMs stay after
 * it exits (minivmm VMs are not tied to a file descriptor).
 *
 * The same thing as "minivmmctl create" in a loop, without paying for a
 * process start per VM: the benchmarks' VMs-alive figure compares kernels,
 * and kvmrun --idle also creates its VMs from one process.
 * Build: gcc -static ... $(pkg-config --cflags --libs --static libnl-genl-3.0)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include "../../uapi/minivmm.h"

int main(int argc, char **argv)
{
	struct nl_sock *sk;
	unsigned long long size;
	char *end, name[MINIVMM_NAME_MAX];
	long n, k;
	int fam, err = 0;

	if (argc != 4 || (n = strtol(argv[1], NULL, 0)) <= 0) {
		fprintf(stderr, "usage: mvcreate N PREFIX SIZE\n");
		return 2;
	}
	size = strtoull(argv[3], &end, 0);
	switch (*end) {
	case 'k': case 'K': size <<= 10; break;
	case 'm': case 'M': size <<= 20; break;
	case 'g': case 'G': size <<= 30; break;
	}
	sk = nl_socket_alloc();
	if (!sk || genl_connect(sk) < 0) {
		fprintf(stderr, "mvcreate: cannot open a generic netlink socket\n");
		return 1;
	}
	fam = genl_ctrl_resolve(sk, MINIVMM_GENL_NAME);
	if (fam < 0) {
		fprintf(stderr, "mvcreate: family %s: %s (module loaded?)\n",
			MINIVMM_GENL_NAME, nl_geterror(fam));
		return 1;
	}
	for (k = 0; k < n; k++) {
		struct nl_msg *msg = nlmsg_alloc();

		if (!msg) {
			fprintf(stderr, "mvcreate: out of memory\n");
			return 1;
		}
		snprintf(name, sizeof(name), "%s%ld", argv[2], k);
		if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, fam, 0, 0,
				 MINIVMM_CMD_VM_CREATE, MINIVMM_GENL_VERSION) ||
		    nla_put_string(msg, MINIVMM_ATTR_VM_NAME, name) ||
		    nla_put_u64(msg, MINIVMM_ATTR_MEM_SIZE, size) ||
		    nla_put_u32(msg, MINIVMM_ATTR_NR_VCPUS, 1)) {
			fprintf(stderr, "mvcreate: building the message failed\n");
			return 1;
		}
		/* Sends, then reads the reply (VM_ID) and the ACK or error. */
		err = nl_send_sync(sk, msg);
		if (err < 0)
			break;
	}
	if (err < 0)
		printf("mvcreate created=%ld stopped: create %s: %s\n", k, name,
		       nl_geterror(err));
	else
		printf("mvcreate created=%ld\n", k);
	nl_socket_free(sk);
	return 0;
}
