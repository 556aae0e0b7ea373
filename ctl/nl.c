// SPDX-License-Identifier: GPL-2.0
/*
 * minivmmctl's side of the generic netlink family "minivmm", on libnl-genl-3.
 */
#include <errno.h>
#include <string.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include "ctl.h"

static struct nla_policy reply_policy[MINIVMM_ATTR_MAX + 1] = {
	[MINIVMM_ATTR_API_VERSION]	= { .type = NLA_U32 },
	[MINIVMM_ATTR_VENDOR]		= { .type = NLA_U32 },
	[MINIVMM_ATTR_CPUS_ENABLED]	= { .type = NLA_U32 },
	[MINIVMM_ATTR_FEATURES]		= { .type = NLA_U64 },
};

struct reply_ctx {
	ctl_nl_handler handle;
	void *arg;
	int ret;
};

static int on_reply(struct nl_msg *msg, void *arg)
{
	struct reply_ctx *ctx = arg;
	struct nlattr *attrs[MINIVMM_ATTR_MAX + 1];
	int err;

	err = genlmsg_parse(nlmsg_hdr(msg), 0, attrs, MINIVMM_ATTR_MAX,
			    reply_policy);
	if (err < 0) {
		ctl_err("malformed reply from the kernel: %s", nl_geterror(err));
		ctx->ret = CTL_EXIT_FAIL;
		return NL_STOP;
	}
	ctx->ret = ctx->handle(attrs, ctx->arg);
	return ctx->ret ? NL_STOP : NL_OK;
}

static int connect_family(struct nl_sock **sockp, int *family)
{
	struct nl_sock *sock = nl_socket_alloc();
	int err;

	if (!sock) {
		ctl_err("out of memory");
		return CTL_EXIT_FAIL;
	}
	err = genl_connect(sock);
	if (err < 0) {
		ctl_err("cannot open a netlink socket: %s", nl_geterror(err));
		goto fail;
	}
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

int ctl_nl_request(int cmd, ctl_nl_handler handle, void *arg)
{
	struct reply_ctx ctx = { .handle = handle, .arg = arg };
	struct nl_sock *sock;
	struct nl_msg *msg;
	int family, err;

	err = connect_family(&sock, &family);
	if (err)
		return err;
	msg = nlmsg_alloc();
	if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0,
				 NLM_F_REQUEST, cmd, MINIVMM_GENL_VERSION)) {
		ctl_err("out of memory");
		ctx.ret = CTL_EXIT_FAIL;
		goto out;
	}
	nl_socket_modify_cb(sock, NL_CB_VALID, NL_CB_CUSTOM, on_reply, &ctx);
	err = nl_send_auto(sock, msg);
	if (err >= 0)
		err = nl_recvmsgs_default(sock);
	if (err < 0 && !ctx.ret) {
		ctl_err("the kernel refused the request: %s", nl_geterror(err));
		ctx.ret = CTL_EXIT_FAIL;
	}
out:
	nlmsg_free(msg);
	nl_socket_free(sock);
	return ctx.ret;
}
