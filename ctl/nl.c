// SPDX-License-Identifier: GPL-2.0
/*
 * minivmmctl's side of the generic netlink family "minivmm", on libnl-genl-3.
 *
 * One request per socket: connect, resolve the family, send the command with
 * its attributes (NLM_F_ACK, or NLM_F_DUMP for a dump), hand every reply to
 * the caller's handler, and finish on the ACK (plain request), NLMSG_DONE
 * (dump) or an error.  Extended ack is switched on so that a refusal comes
 * with the kernel's own sentence (NLMSGERR_ATTR_MSG), which is printed with
 * strerror() of the errno.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include "ctl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

static struct nla_policy reply_policy[MINIVMM_ATTR_MAX + 1] = {
	[MINIVMM_ATTR_API_VERSION]	= { .type = NLA_U32 },
	[MINIVMM_ATTR_VENDOR]		= { .type = NLA_U32 },
	[MINIVMM_ATTR_CPUS_ENABLED]	= { .type = NLA_U32 },
	[MINIVMM_ATTR_FEATURES]		= { .type = NLA_U64 },
	[MINIVMM_ATTR_VM_ID]		= { .type = NLA_U32 },
	[MINIVMM_ATTR_VM_NAME]		= { .type = NLA_STRING,
					    .maxlen = MINIVMM_NAME_MAX },
	[MINIVMM_ATTR_MEM_SIZE]		= { .type = NLA_U64 },
	[MINIVMM_ATTR_NR_VCPUS]		= { .type = NLA_U32 },
	[MINIVMM_ATTR_FORCE]		= { .type = NLA_FLAG },
	[MINIVMM_ATTR_VM_STATE]		= { .type = NLA_U32 },
	[MINIVMM_ATTR_STOP_REASON]	= { .type = NLA_U32 },
	[MINIVMM_ATTR_EXIT_CODE]	= { .type = NLA_U32 },
	[MINIVMM_ATTR_ERROR_GPA]	= { .type = NLA_U64 },
	[MINIVMM_ATTR_ERROR_RAW]	= { .type = NLA_U64 },
	[MINIVMM_ATTR_MEM_TOUCHED]	= { .type = NLA_U64 },
	[MINIVMM_ATTR_CONSOLE_BYTES]	= { .type = NLA_U64 },
	[MINIVMM_ATTR_UNCLAIMED_IO]	= { .type = NLA_U64 },
	[MINIVMM_ATTR_RUN_TIME_NS]	= { .type = NLA_U64 },
	[MINIVMM_ATTR_EXITS]		= { .type = NLA_NESTED },
	[MINIVMM_ATTR_TIMEOUT_MS]	= { .type = NLA_U32 },
	[MINIVMM_ATTR_POLICY_MAX_VMS]	= { .type = NLA_U32 },
	[MINIVMM_ATTR_POLICY_MAX_MEM]	= { .type = NLA_U64 },
	[MINIVMM_ATTR_POLICY_MAX_VCPUS]	= { .type = NLA_U32 },
	[MINIVMM_ATTR_NR_VMS]		= { .type = NLA_U32 },
	[MINIVMM_ATTR_MEM_RESERVED]	= { .type = NLA_U64 },
	[MINIVMM_ATTR_EVENT]		= { .type = NLA_U32 },
	[MINIVMM_ATTR_OWNER_UID]	= { .type = NLA_U32 },
	[MINIVMM_ATTR_VCPU_STATS]	= { .type = NLA_NESTED },
	[MINIVMM_ATTR_PAUSE_REASON]	= { .type = NLA_U32 },
	[MINIVMM_ATTR_CPU_MODEL]	= { .type = NLA_U32 },
};

struct reply_ctx {
	struct ctl_nl_req *req;
	ctl_nl_handler handle;
	void *arg;
	int ret;
	bool done;
};

static int on_reply(struct nl_msg *msg, void *arg)
{
	struct reply_ctx *ctx = arg;
	struct nlattr *attrs[MINIVMM_ATTR_MAX + 1];
	int err;

	err = genlmsg_parse(nlmsg_hdr(msg), 0, attrs, MINIVMM_ATTR_MAX,
			    reply_policy);
	if (err < 0) {
		ctl_err("%s: malformed reply from the kernel: %s",
			ctx->req->what, nl_geterror(err));
		ctx->ret = CTL_EXIT_FAIL;
		return NL_STOP;
	}
	if (ctx->handle)
		ctx->ret = ctx->handle(attrs, ctx->arg);
	return ctx->ret ? NL_STOP : NL_OK;
}

static int on_done(struct nl_msg *msg, void *arg)
{
	struct reply_ctx *ctx = arg;

	ctx->done = true;
	return NL_STOP;
}

/*
 * NLMSG_ERROR with a non-zero error.  The message is: nlmsghdr, struct
 * nlmsgerr (errno + the echoed request header), the rest of the echoed
 * request unless NLM_F_CAPPED, then extended-ack TLVs if NLM_F_ACK_TLVS.
 */
static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct reply_ctx *ctx = arg;
	const struct nlmsghdr *nlh =
		(const struct nlmsghdr *)((const char *)e - NLMSG_HDRLEN);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1] = { NULL };
	const char *msg = NULL;
	int errnum = -e->error;

	ctx->done = true;
	ctx->req->err = errnum;
	ctx->ret = CTL_EXIT_FAIL;

	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		size_t total = nlh->nlmsg_len - NLMSG_HDRLEN;
		size_t off = sizeof(*e);

		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += e->msg.nlmsg_len - NLMSG_HDRLEN;
		off = NLMSG_ALIGN(off);
		if (nlh->nlmsg_len >= NLMSG_HDRLEN && off < total &&
		    nla_parse(tb, NLMSGERR_ATTR_MAX,
			      (struct nlattr *)((char *)e + off),
			      (int)(total - off), NULL) == 0 &&
		    tb[NLMSGERR_ATTR_MSG] && nla_len(tb[NLMSGERR_ATTR_MSG]) > 1) {
			msg = nla_data(tb[NLMSGERR_ATTR_MSG]);
			/* The kernel NUL-terminates; do not trust it. */
			if (memchr(msg, 0, nla_len(tb[NLMSGERR_ATTR_MSG])) == NULL)
				msg = NULL;
		}
	}
	if (msg)
		snprintf(ctx->req->errmsg, sizeof(ctx->req->errmsg), "%s", msg);
	if (ctx->req->quiet)
		return NL_STOP;
	if (msg)
		ctl_err("%s: %s (%s)", ctx->req->what, msg, strerror(errnum));
	else if (errnum == EPERM)
		ctl_err("%s: %s (run as root or with CAP_NET_ADMIN)",
			ctx->req->what, strerror(errnum));
	else
		ctl_err("%s: the kernel refused: %s", ctx->req->what,
			strerror(errnum));
	return NL_STOP;
}

static int connect_family(struct nl_sock **sockp, int *family)
{
	struct nl_sock *sock = nl_socket_alloc();
	int err, one = 1;

	if (!sock) {
		ctl_err("out of memory");
		return CTL_EXIT_FAIL;
	}
	err = genl_connect(sock);
	if (err < 0) {
		ctl_err("cannot open a netlink socket: %s", nl_geterror(err));
		goto fail;
	}
	/* Best effort: kernels without extended ack still give the errno. */
	setsockopt(nl_socket_get_fd(sock), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	*family = genl_ctrl_resolve(sock, MINIVMM_GENL_NAME);
	if (*family < 0) {
		ctl_err("the minivmm kernel module is not loaded; load it with 'modprobe minivmm' (or 'insmod minivmm.ko')");
		goto fail;
	}
	*sockp = sock;
	return 0;
fail:
	nl_socket_free(sock);
	return CTL_EXIT_FAIL;
}

/*
 * Requests share one socket per process, connected and with the family
 * resolved once: a migration pauses the VM and starts it on the other
 * side within its downtime, and every request used to open a socket and
 * ask for the family first (two round trips to the kernel instead of
 * one).  A forked child opens its own; a request that failed drops the
 * socket, so that nothing left unread in it meets the next one.
 */
static struct nl_sock *req_sock;
static int req_family;
static pid_t req_pid;

static void drop_req_sock(void)
{
	nl_socket_free(req_sock);	/* in a child: its copy of the fd */
	req_sock = NULL;
}

static int get_req_sock(struct nl_sock **sockp, int *family)
{
	int err;

	if (req_sock && req_pid != getpid())
		drop_req_sock();
	if (!req_sock) {
		err = connect_family(&req_sock, &req_family);
		if (err)
			return err;
		req_pid = getpid();
	}
	*sockp = req_sock;
	*family = req_family;
	return 0;
}

static int put_attrs(struct nl_msg *msg, const struct ctl_nl_req *req)
{
	if (req->has_id && nla_put_u32(msg, MINIVMM_ATTR_VM_ID, req->id) < 0)
		return -1;
	if (req->name && nla_put_string(msg, MINIVMM_ATTR_VM_NAME, req->name) < 0)
		return -1;
	if (req->has_mem && nla_put_u64(msg, MINIVMM_ATTR_MEM_SIZE, req->mem) < 0)
		return -1;
	if (req->has_vcpus &&
	    nla_put_u32(msg, MINIVMM_ATTR_NR_VCPUS, req->vcpus) < 0)
		return -1;
	if (req->force && nla_put_flag(msg, MINIVMM_ATTR_FORCE) < 0)
		return -1;
	if (req->has_timeout &&
	    nla_put_u32(msg, MINIVMM_ATTR_TIMEOUT_MS, req->timeout_ms) < 0)
		return -1;
	if (req->has_max_vms &&
	    nla_put_u32(msg, MINIVMM_ATTR_POLICY_MAX_VMS, req->max_vms) < 0)
		return -1;
	if (req->has_max_mem &&
	    nla_put_u64(msg, MINIVMM_ATTR_POLICY_MAX_MEM, req->max_mem) < 0)
		return -1;
	if (req->has_max_vcpus &&
	    nla_put_u32(msg, MINIVMM_ATTR_POLICY_MAX_VCPUS, req->max_vcpus) < 0)
		return -1;
	if (req->prealloc && nla_put_flag(msg, MINIVMM_ATTR_PREALLOC) < 0)
		return -1;
	if (req->start_paused &&
	    nla_put_flag(msg, MINIVMM_ATTR_START_PAUSED) < 0)
		return -1;
	if (req->has_mem_limit &&
	    nla_put_u64(msg, MINIVMM_ATTR_MEM_LIMIT, req->mem_limit) < 0)
		return -1;
	if (req->has_mem_target &&
	    nla_put_u64(msg, MINIVMM_ATTR_MEM_TARGET, req->mem_target) < 0)
		return -1;
	if (req->has_max_granted &&
	    nla_put_u64(msg, MINIVMM_ATTR_POLICY_MAX_GRANTED, req->max_granted) < 0)
		return -1;
	if (req->has_overcommit &&
	    nla_put_u32(msg, MINIVMM_ATTR_POLICY_OVERCOMMIT, req->overcommit) < 0)
		return -1;
	if (req->has_cpu_model &&
	    nla_put_u32(msg, MINIVMM_ATTR_CPU_MODEL, req->cpu_model) < 0)
		return -1;
	if (req->cgroup && nla_put_string(msg, MINIVMM_ATTR_CGROUP, req->cgroup) < 0)
		return -1;
	return 0;
}

int ctl_nl_call(struct ctl_nl_req *req, ctl_nl_handler handle, void *arg)
{
	struct reply_ctx ctx = { .req = req, .handle = handle, .arg = arg };
	struct nl_sock *sock;
	struct nl_msg *msg = NULL;
	struct nl_cb *cb = NULL;
	int family, err;

	if (!req->what)
		req->what = "request";
	req->err = 0;
	req->errmsg[0] = 0;
	err = get_req_sock(&sock, &family);
	if (err)
		return err;
	msg = nlmsg_alloc();
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!msg || !cb ||
	    !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0,
			 req->dump ? NLM_F_DUMP : 0, req->cmd,
			 MINIVMM_GENL_VERSION) ||
	    put_attrs(msg, req) < 0) {
		ctl_err("out of memory");
		ctx.ret = CTL_EXIT_FAIL;
		goto out;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_reply, &ctx);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_done, &ctx);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_done, &ctx);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &ctx);

	/* nl_send_auto() adds NLM_F_REQUEST and NLM_F_ACK. */
	err = nl_send_auto(sock, msg);
	if (err < 0) {
		ctl_err("%s: cannot send to the kernel: %s", req->what,
			nl_geterror(err));
		ctx.ret = CTL_EXIT_FAIL;
		goto out;
	}
	/* A dump ends with NLMSG_DONE (no ACK), a request with its ACK. */
	while (!ctx.done && !ctx.ret) {
		err = nl_recvmsgs(sock, cb);
		if (err < 0 && !ctx.ret) {
			ctl_err("%s: %s", req->what, nl_geterror(err));
			ctx.ret = CTL_EXIT_FAIL;
		}
	}
out:
	nl_cb_put(cb);
	nlmsg_free(msg);
	if (ctx.ret)
		drop_req_sock();
	return ctx.ret;
}

int ctl_nl_request(int cmd, ctl_nl_handler handle, void *arg)
{
	struct ctl_nl_req req = { .cmd = cmd, .what = "request" };

	if (cmd == MINIVMM_CMD_INFO)
		req.what = "info";
	return ctl_nl_call(&req, handle, arg);
}

/* ---- the "events" multicast group ---------------------------------------- */

struct event_ctx {
	ctl_nl_handler handle;
	void *arg;
	int ret;
};

static int on_event(struct nl_msg *msg, void *arg)
{
	struct event_ctx *ctx = arg;
	struct nlattr *attrs[MINIVMM_ATTR_MAX + 1];
	struct genlmsghdr *gh = nlmsg_data(nlmsg_hdr(msg));

	if (!genlmsg_valid_hdr(nlmsg_hdr(msg), 0) ||
	    gh->cmd != MINIVMM_CMD_EVENT)
		return NL_SKIP;
	if (genlmsg_parse(nlmsg_hdr(msg), 0, attrs, MINIVMM_ATTR_MAX,
			  reply_policy) < 0) {
		ctl_err("events: skipping a malformed event from the kernel");
		return NL_SKIP;
	}
	ctx->ret = ctx->handle(attrs, ctx->arg);
	return ctx->ret ? NL_STOP : NL_OK;
}

int ctl_nl_listen_events(ctl_nl_handler handle, void *arg)
{
	struct event_ctx ctx = { .handle = handle, .arg = arg };
	struct nl_sock *sock;
	int family, grp, err;

	err = connect_family(&sock, &family);
	if (err)
		return err;
	grp = genl_ctrl_resolve_grp(sock, MINIVMM_GENL_NAME,
				    MINIVMM_GENL_MCGRP_EVENTS);
	if (grp < 0) {
		ctl_err("events: the module offers no '%s' multicast group: %s",
			MINIVMM_GENL_MCGRP_EVENTS, nl_geterror(grp));
		goto fail;
	}
	err = nl_socket_add_membership(sock, grp);
	if (err < 0) {
		ctl_err("events: cannot join the '%s' group: %s%s",
			MINIVMM_GENL_MCGRP_EVENTS, nl_geterror(err),
			err == -NLE_PERM ?
			" (events name every VM: run as root or with CAP_NET_ADMIN)" :
			"");
		goto fail;
	}
	nl_socket_set_buffer_size(sock, 1 << 20, 0);
	/* From here on no event is missed: say so (scripts wait for it). */
	fprintf(stderr, "minivmmctl: listening for events\n");
	/* Events are not answers to our requests: no sequence numbers. */
	nl_socket_disable_seq_check(sock);
	nl_socket_modify_cb(sock, NL_CB_VALID, NL_CB_CUSTOM, on_event, &ctx);
	while (!ctx.ret) {
		err = nl_recvmsgs_default(sock);
		if (err < 0 && !ctx.ret) {
			if (err == -NLE_INTR)
				continue;
			if (err == -NLE_NOMEM) {	/* ENOBUFS: overrun */
				ctl_err("events: some events were lost (the receive buffer overran)");
				continue;
			}
			ctl_err("events: receiving from the kernel: %s",
				nl_geterror(err));
			ctx.ret = CTL_EXIT_FAIL;
		}
	}
	nl_socket_free(sock);
	return ctx.ret < 0 ? 0 : ctx.ret;
fail:
	nl_socket_free(sock);
	return CTL_EXIT_FAIL;
}
