// SPDX-License-Identifier: GPL-2.0
/*
 * mvcreate N PREFIX SIZE [MIN_FREE_KB]: create up to N minivmm VMs named
 * PREFIX0, PREFIX1, ... with SIZE bytes of RAM and one vCPU (never
 * started), from one process over generic netlink, until the module refuses
 * one or (with MIN_FREE_KB) MemFree in /proc/meminfo is below MIN_FREE_KB
 * before a create, as kvmrun --idle --min-free.  Prints
 * "mvcreate created=K" and, if it stopped early, why.  The VMs stay after
 * it exits (minivmm VMs are not tied to a file descriptor).
 *
 * The same thing as "minivmmctl create" in a loop, without paying for a
 * process start per VM: the benchmarks' VMs-alive figure compares kernels,
 * and kvmrun --idle also creates its VMs from one process.
 *
 * Each create is answered by two datagrams, the reply (VM_ID) and the ACK
 * (NLMSG_ERROR 0), or by one error ACK.  Both are read before the next
 * create.  (An earlier version used nl_send_sync(), whose nl_wait_for_ack()
 * returns after reading one datagram: the reply.  One ACK per create was
 * left queued, the socket's 64 KiB receive buffer filled after about 85
 * creates, the kernel dropped the next reply and set ENOBUFS on the socket,
 * and libnl reported that as "Out of memory".  See README.md.)
 * Build: gcc -static ... $(pkg-config --cflags --libs --static libnl-genl-3.0)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include "../../uapi/minivmm.h"
#include "meminfo.h"

struct ctx {
	int done;	/* the ACK or the error arrived */
	int err;	/* errno from the kernel, 0 if none */
	int replies;	/* VM_CREATE replies seen for this request */
	char msg[256];	/* the kernel's extended-ack message, if any */
};

static int on_reply(struct nl_msg *msg, void *arg)
{
	(void)msg;
	((struct ctx *)arg)->replies++;
	return NL_OK;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	(void)msg;
	((struct ctx *)arg)->done = 1;
	return NL_STOP;
}

/* NLMSG_ERROR: errno, the echoed request (unless capped), then TLVs. */
static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	const struct nlmsghdr *nlh =
		(const struct nlmsghdr *)((const char *)e - NLMSG_HDRLEN);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1] = { NULL };
	struct ctx *c = arg;
	size_t total, off;

	(void)nla;
	c->done = 1;
	c->err = -e->error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	total = nlh->nlmsg_len - NLMSG_HDRLEN;
	off = sizeof(*e);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	off = NLMSG_ALIGN(off);
	if (off < total &&
	    nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)((char *)e + off),
		      (int)(total - off), NULL) == 0 &&
	    tb[NLMSGERR_ATTR_MSG] && nla_len(tb[NLMSGERR_ATTR_MSG]) > 1)
		snprintf(c->msg, sizeof(c->msg), "%.*s",
			 nla_len(tb[NLMSGERR_ATTR_MSG]) - 1,
			 (char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
	return NL_STOP;
}

int main(int argc, char **argv)
{
	struct nl_sock *sk;
	struct nl_cb *cb;
	struct ctx c;
	unsigned long long size;
	char *end, name[MINIVMM_NAME_MAX], buf[320];
	const char *why = NULL;
	long n, k, min_free = 0, free_kb;
	int fam, err = 0, one = 1;

	if (argc < 4 || argc > 5 || (n = strtol(argv[1], NULL, 0)) <= 0) {
		fprintf(stderr, "usage: mvcreate N PREFIX SIZE [MIN_FREE_KB]\n");
		return 2;
	}
	if (argc == 5)
		min_free = strtol(argv[4], NULL, 0);
	size = strtoull(argv[3], &end, 0);
	switch (*end) {
	case 'k': case 'K': size <<= 10; break;
	case 'm': case 'M': size <<= 20; break;
	case 'g': case 'G': size <<= 30; break;
	}
	sk = nl_socket_alloc();
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!sk || !cb || genl_connect(sk) < 0) {
		fprintf(stderr, "mvcreate: cannot open a generic netlink socket\n");
		return 1;
	}
	/* The policy's refusal reason comes as an extended-ack message. */
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	fam = genl_ctrl_resolve(sk, MINIVMM_GENL_NAME);
	if (fam < 0) {
		fprintf(stderr, "mvcreate: family %s: %s (module loaded?)\n",
			MINIVMM_GENL_NAME, nl_geterror(fam));
		return 1;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_reply, &c);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &c);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &c);
	for (k = 0; k < n; k++) {
		struct nl_msg *msg;

		free_kb = min_free > 0 ? meminfo_kb("MemFree") : -1;
		if (free_kb >= 0 && free_kb < min_free) {
			snprintf(name, sizeof(name), "%s%ld", argv[2], k);
			snprintf(buf, sizeof(buf), "MemFree %ld kB < %ld kB",
				 free_kb, min_free);
			why = buf;
			break;
		}
		msg = nlmsg_alloc();
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
		memset(&c, 0, sizeof(c));
		/* nl_send_auto() adds NLM_F_REQUEST and NLM_F_ACK. */
		err = nl_send_auto(sk, msg);
		nlmsg_free(msg);
		/* The reply, then the ACK; or the error alone. */
		while (err >= 0 && !c.done)
			err = nl_recvmsgs(sk, cb);
		/* An error ACK also makes nl_recvmsgs() fail: report the
		 * kernel's errno and message, not libnl's translation. */
		if (c.err) {
			snprintf(buf, sizeof(buf), "%s%s%s%s", c.msg,
				 c.msg[0] ? " (" : "", strerror(c.err),
				 c.msg[0] ? ")" : "");
			why = buf;
			break;
		}
		if (err < 0) {
			why = nl_geterror(err);
			break;
		}
		if (c.replies != 1) {
			why = "no VM_ID reply before the ACK";
			break;
		}
	}
	if (why)
		printf("mvcreate created=%ld stopped: create %s: %s\n", k, name,
		       why);
	else
		printf("mvcreate created=%ld\n", k);
	nl_cb_put(cb);
	nl_socket_free(sk);
	return 0;
}
