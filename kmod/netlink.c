// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "minivmm": the control plane.
 *
 * Attributes are validated strictly against one policy: unknown attributes
 * and wrong lengths are refused by the netlink core before a handler runs.
 * Commands that change anything carry GENL_ADMIN_PERM (CAP_NET_ADMIN),
 * and those naming a VM also need its ownership (mv_vm_may_manage()).
 * Reading a VM's details needs one of the two: without CAP_NET_ADMIN a user
 * sees only their own VMs, as if the others did not exist.  The events
 * group, which names every VM, needs CAP_NET_ADMIN to join.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <net/genetlink.h>
#include "minivmm.h"

#include "nl_policy.h"
#include "policy.h"

static struct genl_family mv_genl_family;
static bool mv_nl_registered;

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

/* Reply to @info with one message whose attributes @put fills. */
static int mv_nl_reply(struct genl_info *info, u8 cmd,
		       int (*put)(struct sk_buff *skb))
{
	struct sk_buff *msg;
	void *hdr;
	int ret;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &mv_genl_family, 0, cmd);
	ret = hdr ? put(msg) : -EMSGSIZE;
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int mv_nl_info(struct sk_buff *skb, struct genl_info *info)
{
	return mv_nl_reply(info, MINIVMM_CMD_INFO, mv_nl_put_info);
}

/* ---- VMs ---------------------------------------------------------------- */

static int mv_nl_put_exits(struct sk_buff *skb, struct mv_vm *vm)
{
	struct nlattr *nest = nla_nest_start(skb, MINIVMM_ATTR_EXITS);
	unsigned int r, i;

	if (!nest)
		return -EMSGSIZE;
	for (r = 0; r < MINIVMM_EXIT_COUNT; r++) {
		u64 n = 0;

		for (i = 0; i < vm->nr_vcpus; i++)
			n += READ_ONCE(vm->vcpus[i]->exits[r]);
		if (nla_put_u64_64bit(skb, r + 1, n, MINIVMM_ATTR_PAD))
			return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * One nest per vCPU: its exits, time in the guest, interrupts and IPIs.
 * Left out, whole, where it does not fit (a dump of many large VMs); a
 * request for one VM sizes its message for it.
 */
#define MV_NL_VCPU_SIZE	96
static int mv_nl_put_vcpus(struct sk_buff *skb, struct mv_vm *vm)
{
	struct nlattr *nest = nla_nest_start(skb, MINIVMM_ATTR_VCPU_STATS);
	unsigned int i, r;

	if (!nest)
		return 0;
	for (i = 0; i < vm->nr_vcpus; i++) {
		struct mv_vcpu *vcpu = vm->vcpus[i];
		struct nlattr *one = nla_nest_start(skb, i + 1);
		u64 exits = 0;

		if (!one)
			goto full;
		for (r = 0; r < MINIVMM_EXIT_COUNT; r++)
			exits += READ_ONCE(vcpu->exits[r]);
		if (nla_put_u64_64bit(skb, MINIVMM_VCPU_ATTR_EXITS, exits,
				      MINIVMM_VCPU_ATTR_PAD) ||
		    nla_put_u64_64bit(skb, MINIVMM_VCPU_ATTR_RUN_TIME_NS,
				      READ_ONCE(vcpu->run_time_ns),
				      MINIVMM_VCPU_ATTR_PAD) ||
		    nla_put_u64_64bit(skb, MINIVMM_VCPU_ATTR_IRQS,
				      READ_ONCE(vcpu->irqs_injected),
				      MINIVMM_VCPU_ATTR_PAD) ||
		    nla_put_u64_64bit(skb, MINIVMM_VCPU_ATTR_IPIS,
				      READ_ONCE(vcpu->apic.ipis),
				      MINIVMM_VCPU_ATTR_PAD) ||
		    nla_put_u32(skb, MINIVMM_VCPU_ATTR_MP_STATE,
				READ_ONCE(vcpu->mp_state)))
			goto full;
		if (mv_vcpu_waits_measured() &&
		    nla_put_u64_64bit(skb, MINIVMM_VCPU_ATTR_WAIT_TIME_NS,
				      mv_vcpu_wait_time(vcpu),
				      MINIVMM_VCPU_ATTR_PAD))
			goto full;
		nla_nest_end(skb, one);
	}
	nla_nest_end(skb, nest);
	return 0;
full:
	nla_nest_cancel(skb, nest);
	return 0;
}

static u64 mv_vm_run_time(struct mv_vm *vm)
{
	u64 t = 0;
	unsigned int i;

	for (i = 0; i < vm->nr_vcpus; i++)
		t += READ_ONCE(vm->vcpus[i]->run_time_ns);
	return t;
}

/* Memory on demand, balloon, pause reason, cgroup (README). */
static int mv_nl_put_resources(struct sk_buff *skb, struct mv_vm *vm)
{
	if (nla_put_u64_64bit(skb, MINIVMM_ATTR_MEM_GRANTED,
			      READ_ONCE(vm->mem_granted), MINIVMM_ATTR_PAD) ||
	    nla_put_u64_64bit(skb, MINIVMM_ATTR_MEM_LIMIT,
			      READ_ONCE(vm->mem_limit), MINIVMM_ATTR_PAD) ||
	    nla_put_u64_64bit(skb, MINIVMM_ATTR_MEM_TARGET,
			      READ_ONCE(vm->mem_target), MINIVMM_ATTR_PAD) ||
	    nla_put_u64_64bit(skb, MINIVMM_ATTR_MEM_RETURNED,
			      READ_ONCE(vm->mem_returned), MINIVMM_ATTR_PAD) ||
	    nla_put_u32(skb, MINIVMM_ATTR_PAUSE_REASON,
			READ_ONCE(vm->state) == MINIVMM_VM_PAUSED ?
			READ_ONCE(vm->pause_reason) : MINIVMM_PAUSE_NONE) ||
	    (vm->mem_prealloc && nla_put_flag(skb, MINIVMM_ATTR_PREALLOC)) ||
	    (vm->cgroup[0] &&
	     nla_put_string(skb, MINIVMM_ATTR_CGROUP, vm->cgroup)))
		return -EMSGSIZE;
	return 0;
}

static int mv_nl_put_vm(struct sk_buff *skb, struct mv_vm *vm)
{
	u32 reason, code;
	u64 gpa, raw;

	spin_lock(&vm->stop_lock);
	reason = vm->stop_reason;
	code = vm->exit_code;
	gpa = vm->error_gpa;
	raw = vm->error_raw;
	spin_unlock(&vm->stop_lock);

	if (nla_put_u32(skb, MINIVMM_ATTR_VM_ID, vm->id) ||
	    nla_put_string(skb, MINIVMM_ATTR_VM_NAME, vm->name) ||
	    nla_put_u32(skb, MINIVMM_ATTR_VM_STATE, READ_ONCE(vm->state)) ||
	    nla_put_u64_64bit(skb, MINIVMM_ATTR_MEM_SIZE, vm->mem_size,
			      MINIVMM_ATTR_PAD) ||
	    nla_put_u32(skb, MINIVMM_ATTR_NR_VCPUS, vm->nr_vcpus) ||
	    nla_put_u32(skb, MINIVMM_ATTR_CPU_MODEL, vm->cpu_model) ||
	    nla_put_u32(skb, MINIVMM_ATTR_OWNER_UID,
			from_kuid_munged(&init_user_ns, vm->owner)) ||
	    nla_put_u32(skb, MINIVMM_ATTR_STOP_REASON, reason) ||
	    nla_put_u32(skb, MINIVMM_ATTR_EXIT_CODE, code) ||
	    nla_put_u64_64bit(skb, MINIVMM_ATTR_ERROR_GPA, gpa,
			      MINIVMM_ATTR_PAD) ||
	    nla_put_u64_64bit(skb, MINIVMM_ATTR_ERROR_RAW, raw,
			      MINIVMM_ATTR_PAD) ||
	    nla_put_u64_64bit(skb, MINIVMM_ATTR_MEM_TOUCHED,
			      READ_ONCE(vm->mem_touched), MINIVMM_ATTR_PAD) ||
	    nla_put_u64_64bit(skb, MINIVMM_ATTR_CONSOLE_BYTES,
			      READ_ONCE(vm->console.total), MINIVMM_ATTR_PAD) ||
	    nla_put_u64_64bit(skb, MINIVMM_ATTR_UNCLAIMED_IO,
			      READ_ONCE(vm->unclaimed_io), MINIVMM_ATTR_PAD) ||
	    nla_put_u64_64bit(skb, MINIVMM_ATTR_RUN_TIME_NS,
			      mv_vm_run_time(vm), MINIVMM_ATTR_PAD) ||
	    mv_nl_put_resources(skb, vm))
		return -EMSGSIZE;
	if (mv_nl_put_exits(skb, vm))
		return -EMSGSIZE;
	return mv_nl_put_vcpus(skb, vm);
}

/* The VM a request names, by id or by name, with a reference; or NULL
 * with the extack set.
 */
static struct mv_vm *mv_nl_lookup(struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	struct mv_vm *vm = NULL;

	if (attrs[MINIVMM_ATTR_VM_ID])
		vm = mv_vm_get(nla_get_u32(attrs[MINIVMM_ATTR_VM_ID]));
	else if (attrs[MINIVMM_ATTR_VM_NAME])
		vm = mv_vm_get_by_name(nla_data(attrs[MINIVMM_ATTR_VM_NAME]));
	else
		NL_SET_ERR_MSG(info->extack, "name the VM: VM_ID or VM_NAME is required");
	if (!vm && (attrs[MINIVMM_ATTR_VM_ID] || attrs[MINIVMM_ATTR_VM_NAME]))
		NL_SET_ERR_MSG(info->extack, "no such VM");
	return vm;
}

/* May the sender of @skb read @vm's details (VM_GET, VM_STATS)? */
static bool mv_nl_may_see(const struct sk_buff *skb, const struct mv_vm *vm)
{
	return netlink_capable(skb, CAP_NET_ADMIN) || mv_vm_may_manage(vm);
}

/* mv_nl_lookup() for reading: a VM the caller may not see is "no such". */
static struct mv_vm *mv_nl_lookup_visible(struct sk_buff *skb,
					  struct genl_info *info)
{
	struct mv_vm *vm = mv_nl_lookup(info);

	if (vm && !mv_nl_may_see(skb, vm)) {
		mv_vm_put(vm);
		NL_SET_ERR_MSG(info->extack, "no such VM");
		return NULL;
	}
	return vm;
}

/*
 * mv_nl_lookup() for changing a VM: *err is -ENOENT, or -EPERM for a VM
 * the caller does not own.
 */
static struct mv_vm *mv_nl_lookup_managed(struct genl_info *info, int *err)
{
	struct mv_vm *vm = mv_nl_lookup(info);

	*err = -ENOENT;
	if (vm && !mv_vm_may_manage(vm)) {
		mv_vm_put(vm);
		NL_SET_ERR_MSG(info->extack, "the VM belongs to another user (only its creator or CAP_SYS_ADMIN may change it)");
		*err = -EPERM;
		return NULL;
	}
	return vm;
}

/*
 * The reply with the new VM's id could not be delivered: destroy the VM,
 * or it would count against the policy while its creator saw a failure.
 */
static void mv_nl_undo_create(u32 id)
{
	struct mv_vm *vm = mv_vm_get(id);

	if (vm) {
		mv_vm_destroy(vm, true, NULL);
		mv_vm_put(vm);
	}
}

static int mv_nl_create(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	struct mv_vm_opts opts = {};
	u32 nr_vcpus = 1, id;
	struct sk_buff *msg;
	void *hdr;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, MINIVMM_ATTR_VM_NAME) ||
	    GENL_REQ_ATTR_CHECK(info, MINIVMM_ATTR_MEM_SIZE))
		return -EINVAL;
	if (attrs[MINIVMM_ATTR_NR_VCPUS])
		nr_vcpus = nla_get_u32(attrs[MINIVMM_ATTR_NR_VCPUS]);
	opts.prealloc = nla_get_flag(attrs[MINIVMM_ATTR_PREALLOC]);
	if (attrs[MINIVMM_ATTR_MEM_LIMIT])
		opts.mem_limit = nla_get_u64(attrs[MINIVMM_ATTR_MEM_LIMIT]);
	if (attrs[MINIVMM_ATTR_CGROUP])
		opts.cgroup = nla_data(attrs[MINIVMM_ATTR_CGROUP]);
	if (attrs[MINIVMM_ATTR_CPU_MODEL])
		opts.cpu_model = nla_get_u32(attrs[MINIVMM_ATTR_CPU_MODEL]);
	ret = mv_cpu_model_check_host(opts.cpu_model, info->extack);
	if (ret)
		return ret;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	ret = mv_vm_create(nla_data(attrs[MINIVMM_ATTR_VM_NAME]),
			   nla_get_u64(attrs[MINIVMM_ATTR_MEM_SIZE]),
			   nr_vcpus, &opts, info->extack, &id);
	if (ret)
		goto err_free;
	hdr = genlmsg_put_reply(msg, info, &mv_genl_family, 0,
				MINIVMM_CMD_VM_CREATE);
	if (!hdr || nla_put_u32(msg, MINIVMM_ATTR_VM_ID, id)) {
		nlmsg_free(msg);
		mv_nl_undo_create(id);
		return -EMSGSIZE;	/* cannot happen with this size */
	}
	genlmsg_end(msg, hdr);
	ret = genlmsg_reply(msg, info);		/* consumes msg */
	if (ret)	/* e.g. a full receive buffer: the caller never learns */
		mv_nl_undo_create(id);
	return ret;

err_free:
	nlmsg_free(msg);
	return ret;
}

static int mv_nl_start(struct sk_buff *skb, struct genl_info *info)
{
	struct mv_vm *vm;
	int ret;

	vm = mv_nl_lookup_managed(info, &ret);
	if (!vm)
		return ret;
	ret = mv_vm_start(vm,
			  nla_get_flag(info->attrs[MINIVMM_ATTR_START_PAUSED]),
			  info->extack);
	mv_vm_put(vm);
	return ret;
}

static int mv_nl_stop(struct sk_buff *skb, struct genl_info *info)
{
	u32 timeout_ms = 250;
	struct mv_vm *vm;
	int ret;

	vm = mv_nl_lookup_managed(info, &ret);
	if (!vm)
		return ret;
	if (info->attrs[MINIVMM_ATTR_TIMEOUT_MS])
		timeout_ms = nla_get_u32(info->attrs[MINIVMM_ATTR_TIMEOUT_MS]);
	ret = mv_vm_stop_user(vm, nla_get_flag(info->attrs[MINIVMM_ATTR_FORCE]),
			      timeout_ms, info->extack);
	mv_vm_put(vm);
	return ret;
}

static int mv_nl_pause(struct sk_buff *skb, struct genl_info *info)
{
	struct mv_vm *vm;
	int ret;

	vm = mv_nl_lookup_managed(info, &ret);
	if (!vm)
		return ret;
	ret = mv_vm_pause(vm, info->extack);
	mv_vm_put(vm);
	return ret;
}

static int mv_nl_resume(struct sk_buff *skb, struct genl_info *info)
{
	struct mv_vm *vm;
	int ret;

	vm = mv_nl_lookup_managed(info, &ret);
	if (!vm)
		return ret;
	ret = mv_vm_resume(vm, info->extack);
	mv_vm_put(vm);
	return ret;
}

static int mv_nl_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	u64 limit, target;
	struct mv_vm *vm;
	int ret;

	vm = mv_nl_lookup_managed(info, &ret);
	if (!vm)
		return ret;
	if (attrs[MINIVMM_ATTR_MEM_LIMIT])
		limit = nla_get_u64(attrs[MINIVMM_ATTR_MEM_LIMIT]);
	if (attrs[MINIVMM_ATTR_MEM_TARGET])
		target = nla_get_u64(attrs[MINIVMM_ATTR_MEM_TARGET]);
	ret = mv_vm_set(vm, attrs[MINIVMM_ATTR_MEM_LIMIT] ? &limit : NULL,
			attrs[MINIVMM_ATTR_MEM_TARGET] ? &target : NULL,
			info->extack);
	mv_vm_put(vm);
	return ret;
}

/* ---- policy ------------------------------------------------------------ */

static int mv_nl_put_policy(struct sk_buff *skb)
{
	struct mv_policy p;
	struct mv_usage u;

	mv_policy_get(&p, &u);
	if (nla_put_u32(skb, MINIVMM_ATTR_POLICY_MAX_VMS, p.max_vms) ||
	    nla_put_u64_64bit(skb, MINIVMM_ATTR_POLICY_MAX_MEM, p.max_mem,
			      MINIVMM_ATTR_PAD) ||
	    nla_put_u32(skb, MINIVMM_ATTR_POLICY_MAX_VCPUS, p.max_vcpus) ||
	    nla_put_u32(skb, MINIVMM_ATTR_NR_VMS, u.nr_vms) ||
	    nla_put_u64_64bit(skb, MINIVMM_ATTR_MEM_RESERVED, u.mem_reserved,
			      MINIVMM_ATTR_PAD) ||
	    nla_put_u64_64bit(skb, MINIVMM_ATTR_POLICY_MAX_GRANTED,
			      p.max_granted, MINIVMM_ATTR_PAD) ||
	    nla_put_u32(skb, MINIVMM_ATTR_POLICY_OVERCOMMIT, p.overcommit) ||
	    nla_put_u64_64bit(skb, MINIVMM_ATTR_MEM_GRANTED, u.mem_granted,
			      MINIVMM_ATTR_PAD))
		return -EMSGSIZE;
	return 0;
}

static int mv_nl_policy_get(struct sk_buff *skb, struct genl_info *info)
{
	return mv_nl_reply(info, MINIVMM_CMD_POLICY_GET, mv_nl_put_policy);
}

static int mv_nl_policy_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	struct mv_policy p;
	struct mv_usage u;

	mv_policy_get(&p, &u);
	if (attrs[MINIVMM_ATTR_POLICY_MAX_VMS])
		p.max_vms = nla_get_u32(attrs[MINIVMM_ATTR_POLICY_MAX_VMS]);
	if (attrs[MINIVMM_ATTR_POLICY_MAX_MEM])
		p.max_mem = nla_get_u64(attrs[MINIVMM_ATTR_POLICY_MAX_MEM]);
	if (attrs[MINIVMM_ATTR_POLICY_MAX_VCPUS])
		p.max_vcpus = nla_get_u32(attrs[MINIVMM_ATTR_POLICY_MAX_VCPUS]);
	if (attrs[MINIVMM_ATTR_POLICY_MAX_GRANTED])
		p.max_granted = nla_get_u64(attrs[MINIVMM_ATTR_POLICY_MAX_GRANTED]);
	if (attrs[MINIVMM_ATTR_POLICY_OVERCOMMIT])
		p.overcommit = nla_get_u32(attrs[MINIVMM_ATTR_POLICY_OVERCOMMIT]);
	return mv_policy_set(&p, info->extack);
}

/* ---- events ------------------------------------------------------------ */

static int mv_nl_put_event(struct sk_buff *skb, struct mv_vm *vm,
			   enum minivmm_event event)
{
	if (nla_put_u32(skb, MINIVMM_ATTR_EVENT, event) ||
	    nla_put_u32(skb, MINIVMM_ATTR_VM_ID, vm->id) ||
	    nla_put_string(skb, MINIVMM_ATTR_VM_NAME, vm->name))
		return -EMSGSIZE;
	switch (event) {
	case MINIVMM_EVENT_EXITED:
		return nla_put_u32(skb, MINIVMM_ATTR_EXIT_CODE, vm->exit_code);
	case MINIVMM_EVENT_CRASHED:
		if (nla_put_u32(skb, MINIVMM_ATTR_STOP_REASON, vm->stop_reason) ||
		    nla_put_u64_64bit(skb, MINIVMM_ATTR_ERROR_GPA,
				      vm->error_gpa, MINIVMM_ATTR_PAD) ||
		    nla_put_u64_64bit(skb, MINIVMM_ATTR_ERROR_RAW,
				      vm->error_raw, MINIVMM_ATTR_PAD))
			return -EMSGSIZE;
		return 0;
	case MINIVMM_EVENT_MEM_REFUSED:
		if (nla_put_u32(skb, MINIVMM_ATTR_PAUSE_REASON,
				READ_ONCE(vm->pause_reason)) ||
		    nla_put_u64_64bit(skb, MINIVMM_ATTR_MEM_GRANTED,
				      READ_ONCE(vm->mem_granted),
				      MINIVMM_ATTR_PAD))
			return -EMSGSIZE;
		return 0;
	default:
		return 0;
	}
}

/*
 * Events are best effort: with no listener, or no memory, nothing is
 * sent and nothing else changes.  The stop details were written before
 * the event is built (mv_vm_stop() records them first).
 */
void mv_nl_event(struct mv_vm *vm, enum minivmm_event event)
{
	struct sk_buff *skb;
	void *hdr;

	/* After unregistering (module exit) the group id is not ours. */
	if (!READ_ONCE(mv_nl_registered) ||
	    !genl_has_listeners(&mv_genl_family, &init_net, 0))
		return;
	skb = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!skb)
		return;
	hdr = genlmsg_put(skb, 0, 0, &mv_genl_family, 0, MINIVMM_CMD_EVENT);
	if (!hdr || mv_nl_put_event(skb, vm, event)) {
		nlmsg_free(skb);
		return;
	}
	genlmsg_end(skb, hdr);
	genlmsg_multicast(&mv_genl_family, skb, 0, 0, GFP_KERNEL);
}

static int mv_nl_destroy(struct sk_buff *skb, struct genl_info *info)
{
	struct mv_vm *vm;
	int ret;

	vm = mv_nl_lookup_managed(info, &ret);
	if (!vm)
		return ret;
	ret = mv_vm_destroy(vm, nla_get_flag(info->attrs[MINIVMM_ATTR_FORCE]),
			    info->extack);
	mv_vm_put(vm);
	return ret;
}

static int mv_nl_get(struct sk_buff *skb, struct genl_info *info)
{
	struct mv_vm *vm = mv_nl_lookup_visible(skb, info);
	struct sk_buff *msg;
	void *hdr;
	int ret;

	if (!vm)
		return -ENOENT;
	ret = -ENOMEM;
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE + vm->nr_vcpus * MV_NL_VCPU_SIZE,
			  GFP_KERNEL);
	if (!msg)
		goto out;
	hdr = genlmsg_put_reply(msg, info, &mv_genl_family, 0,
				MINIVMM_CMD_VM_GET);
	ret = hdr ? mv_nl_put_vm(msg, vm) : -EMSGSIZE;
	if (ret) {
		nlmsg_free(msg);
		goto out;
	}
	genlmsg_end(msg, hdr);
	ret = genlmsg_reply(msg, info);
out:
	mv_vm_put(vm);
	return ret;
}

struct mv_nl_dump_ctx {
	struct sk_buff *skb;
	struct netlink_callback *cb;
	u32 next_id;
};

static int mv_nl_dump_one(struct mv_vm *vm, void *arg)
{
	struct mv_nl_dump_ctx *ctx = arg;
	void *hdr;

	if (!mv_nl_may_see(ctx->cb->skb, vm)) {
		ctx->next_id = vm->id + 1;
		return 0;
	}
	hdr = genlmsg_put(ctx->skb, NETLINK_CB(ctx->cb->skb).portid,
			  ctx->cb->nlh->nlmsg_seq, &mv_genl_family,
			  NLM_F_MULTI, MINIVMM_CMD_VM_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (mv_nl_put_vm(ctx->skb, vm)) {
		genlmsg_cancel(ctx->skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(ctx->skb, hdr);
	ctx->next_id = vm->id + 1;
	return 0;
}

/* cb->args[0]: the id to resume from (ids only grow). */
static int mv_nl_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct mv_nl_dump_ctx ctx = {
		.skb = skb, .cb = cb, .next_id = cb->args[0] ? : 1,
	};
	int ret;

	ret = mv_vm_for_each(ctx.next_id, mv_nl_dump_one, &ctx);
	cb->args[0] = ctx.next_id;
	if (ret && !skb->len)
		return ret;	/* one VM does not fit an empty skb */
	return skb->len;
}

static const struct genl_small_ops mv_genl_ops[] = {
	{
		.cmd	= MINIVMM_CMD_INFO,
		.doit	= mv_nl_info,
	},
	{
		.cmd	= MINIVMM_CMD_VM_CREATE,
		.doit	= mv_nl_create,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= MINIVMM_CMD_VM_START,
		.doit	= mv_nl_start,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= MINIVMM_CMD_VM_STOP,
		.doit	= mv_nl_stop,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= MINIVMM_CMD_VM_DESTROY,
		.doit	= mv_nl_destroy,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= MINIVMM_CMD_VM_GET,
		.doit	= mv_nl_get,
		.dumpit	= mv_nl_dump,
	},
	{
		.cmd	= MINIVMM_CMD_VM_PAUSE,
		.doit	= mv_nl_pause,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= MINIVMM_CMD_VM_RESUME,
		.doit	= mv_nl_resume,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= MINIVMM_CMD_VM_STATS,
		.doit	= mv_nl_get,
		.dumpit	= mv_nl_dump,
	},
	{
		.cmd	= MINIVMM_CMD_POLICY_GET,
		.doit	= mv_nl_policy_get,
	},
	{
		.cmd	= MINIVMM_CMD_POLICY_SET,
		.doit	= mv_nl_policy_set,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= MINIVMM_CMD_VM_SET,
		.doit	= mv_nl_set,
		.flags	= GENL_ADMIN_PERM,
	},
};

static const struct genl_multicast_group mv_genl_mcgrps[] = {
	/* Events name every VM and its crash details: admins only. */
	{
		.name	= MINIVMM_GENL_MCGRP_EVENTS,
		.flags	= GENL_MCAST_CAP_NET_ADMIN,
	},
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
	/* Handlers lock what they touch; a slow stop must not block info. */
	.parallel_ops	= true,
	.mcgrps		= mv_genl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(mv_genl_mcgrps),
};

int mv_netlink_init(void)
{
	int ret = genl_register_family(&mv_genl_family);

	WRITE_ONCE(mv_nl_registered, !ret);
	return ret;
}

/* Stops events first: module exit destroys the VMs after this. */
void mv_netlink_exit(void)
{
	WRITE_ONCE(mv_nl_registered, false);
	genl_unregister_family(&mv_genl_family);
}
