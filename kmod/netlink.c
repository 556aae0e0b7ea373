// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "minivmm": the control plane.
 *
 * Attributes are validated strictly against one policy: unknown attributes
 * and wrong lengths are refused by the netlink core before a handler runs.
 * Commands that change anything carry GENL_ADMIN_PERM (CAP_NET_ADMIN).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <net/genetlink.h>
#include "minivmm.h"

static const struct nla_policy mv_nl_policy[MINIVMM_ATTR_MAX + 1] = {
	[MINIVMM_ATTR_PAD]		= { .type = NLA_REJECT },
	[MINIVMM_ATTR_API_VERSION]	= { .type = NLA_U32 },
	[MINIVMM_ATTR_VENDOR]		= { .type = NLA_U32 },
	[MINIVMM_ATTR_CPUS_ENABLED]	= { .type = NLA_U32 },
	[MINIVMM_ATTR_FEATURES]		= { .type = NLA_U64 },
};

static struct genl_family mv_genl_family;

static int mv_nl_put_info(struct sk_buff *skb)
{
	struct minivmm_info info;

	mv_fill_info(&info);
	if (nla_put_u32(skb, MINIVMM_ATTR_API_VERSION, info.api_version) ||
	    nla_put_u32(skb, MINIVMM_ATTR_VENDOR, info.vendor) ||
	    nla_put_u32(skb, MINIVMM_ATTR_CPUS_ENABLED, info.cpus_enabled) ||
	    nla_put_u64_64bit(skb, MINIVMM_ATTR_FEATURES, info.features,
			      MINIVMM_ATTR_PAD))
		return -EMSGSIZE;
	return 0;
}

static int mv_nl_info(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;
	int ret;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &mv_genl_family, 0,
				MINIVMM_CMD_INFO);
	if (!hdr) {
		ret = -EMSGSIZE;
		goto err_free;
	}
	ret = mv_nl_put_info(msg);
	if (ret)
		goto err_free;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return ret;
}

static const struct genl_small_ops mv_genl_ops[] = {
	{
		.cmd	= MINIVMM_CMD_INFO,
		.doit	= mv_nl_info,
	},
};

static const struct genl_multicast_group mv_genl_mcgrps[] = {
	{ .name = MINIVMM_GENL_MCGRP_EVENTS },
};

static struct genl_family mv_genl_family __ro_after_init = {
	.name		= MINIVMM_GENL_NAME,
	.version	= MINIVMM_GENL_VERSION,
	.maxattr	= MINIVMM_ATTR_MAX,
	.policy		= mv_nl_policy,
	.module		= THIS_MODULE,
	.small_ops	= mv_genl_ops,
	.n_small_ops	= ARRAY_SIZE(mv_genl_ops),
	/* Every command validates its header's reserved bytes strictly. */
	.resv_start_op	= MINIVMM_CMD_UNSPEC + 1,
	.mcgrps		= mv_genl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(mv_genl_mcgrps),
};

int mv_netlink_init(void)
{
	return genl_register_family(&mv_genl_family);
}

void mv_netlink_exit(void)
{
	genl_unregister_family(&mv_genl_family);
}
