// SPDX-License-Identifier: GPL-2.0
/*
 * VM objects: admission, guest RAM, lifecycle (see the state machine in
 * uapi/minivmm.h) and teardown.
 *
 * Every entry point has the same shape: look the VM up and take a
 * reference, lock it, check the state, act, unlock, put.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/ctype.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/sizes.h>
#include <net/netlink.h>
#include "minivmm.h"
#include "policy.h"

#define MV_MEM_MIN		SZ_64K
#define MV_MAX_VMS		64

/*
 * mv_vms_lock protects the list, id allocation, the policy and the usage.
 * A VM's resources are charged at create and released when its last
 * reference goes (normally at destroy; later if a file descriptor still
 * holds it).
 */
static DEFINE_MUTEX(mv_vms_lock);
static LIST_HEAD(mv_vms);		/* sorted by id */
static u32 mv_next_id = 1;
static u64 mv_next_serial = 1;
static struct mv_policy mv_policy;
static struct mv_usage mv_usage;

/* Guest RAM the host may hand out in total: three quarters of its RAM. */
static u64 mv_host_mem_limit(void)
{
	return (u64)totalram_pages() * PAGE_SIZE / 4 * 3;
}

void mv_policy_init(void)
{
	mv_policy.max_vms = MV_MAX_VMS;
	mv_policy.max_mem = mv_host_mem_limit();
	mv_policy.max_vcpus = MINIVMM_MAX_VCPUS;
	mv_policy.max_granted = mv_policy.max_mem;
	mv_policy.overcommit = 100;
	mv_mem_set_host_limit(mv_policy.max_granted);
}

void mv_policy_get(struct mv_policy *policy, struct mv_usage *usage)
{
	mutex_lock(&mv_vms_lock);
	*policy = mv_policy;
	*usage = mv_usage;
	mutex_unlock(&mv_vms_lock);
	usage->mem_granted = mv_mem_granted_total();
}

int mv_policy_set(const struct mv_policy *policy,
		  struct netlink_ext_ack *extack)
{
	const char *why = mv_policy_check(policy, mv_host_mem_limit(),
					  MINIVMM_MAX_VCPUS);

	if (why) {
		if (extack)	/* @why is a string literal: it outlives the ack */
			extack->_msg = why;
		return -EINVAL;
	}
	mutex_lock(&mv_vms_lock);
	mv_policy = *policy;
	/* Lowering it refuses new grants only: nothing is taken back. */
	mv_mem_set_host_limit(policy->max_granted);
	mutex_unlock(&mv_vms_lock);
	return 0;
}

static bool mv_name_valid(const char *name)
{
	size_t len = strnlen(name, MINIVMM_NAME_MAX);
	size_t i;

	if (len == 0 || len >= MINIVMM_NAME_MAX)
		return false;
	for (i = 0; i < len; i++)
		if (!isalnum(name[i]) && !strchr("._-", name[i]))
			return false;
	return true;
}

/*
 * A nested page fault inside RAM maps the page around it (kmod/mem.c,
 * allocating it on first touch); a data access to a device page is
 * emulated; anything else stops the VM naming the address.
 */
enum mv_exit_action mv_exit_npf(struct mv_vcpu *vcpu, u64 gpa,
				unsigned int flags)
{
	struct mv_vm *vm = vcpu->vm;

	vcpu->exits[MINIVMM_EXIT_NPF]++;
	if (gpa >= vm->mem_size && mv_mmio_claims(vcpu, gpa, flags))
		return mv_exit_mmio(vcpu, gpa);
	if (gpa >= vm->mem_size) {
		mv_vm_stop(vm, MINIVMM_STOP_BAD_GPA, gpa);
		return MV_EXIT_STOP;
	}
	return mv_mem_fault(vcpu, gpa);	/* kmod/mem.c */
}

/* ---- lookup and references ---------------------------------------------- */

static void mv_vm_free(struct kref *ref)
{
	struct mv_vm *vm = container_of(ref, struct mv_vm, ref);
	unsigned int i;

	for (i = 0; i < vm->nr_vcpus; i++)
		if (vm->vcpus[i])
			mv_vcpu_free(vm->vcpus[i]);
	if (vm->npt.root) {
		mv_host.ops->vm_destroy(vm);
		mv_npt_destroy(&vm->npt);
		/* Every table, live or retired, must be gone by now. */
		WARN_ONCE(vm->npt.nr_tables, "minivmm: VM %u leaked %lu nested page-table pages\n",
			  vm->id, vm->npt.nr_tables);
	}
	mv_console_free(&vm->console);
	mv_uio_free(vm);
	mv_mem_free(vm);

	mutex_lock(&mv_vms_lock);
	mv_usage_release(&mv_usage, vm->mem_size);
	mutex_unlock(&mv_vms_lock);
	kfree(vm->vcpus);
	kfree(vm);
}

void mv_vm_put(struct mv_vm *vm)
{
	kref_put(&vm->ref, mv_vm_free);
}

/*
 * One rule for both interfaces (netlink and the VM fd): a VM is its
 * creator's; only an administrator of the whole machine acts on another
 * user's VM.
 */
bool mv_vm_may_manage(const struct mv_vm *vm)
{
	return uid_eq(current_euid(), vm->owner) || capable(CAP_SYS_ADMIN);
}

struct mv_vm *mv_vm_get(u32 id)
{
	struct mv_vm *vm, *found = NULL;

	mutex_lock(&mv_vms_lock);
	list_for_each_entry(vm, &mv_vms, node) {
		if (vm->id == id) {
			kref_get(&vm->ref);
			found = vm;
			break;
		}
	}
	mutex_unlock(&mv_vms_lock);
	return found;
}

static struct mv_vm *mv_vm_find_name_locked(const char *name)
{
	struct mv_vm *vm;

	list_for_each_entry(vm, &mv_vms, node)
		if (!strcmp(vm->name, name))
			return vm;
	return NULL;
}

struct mv_vm *mv_vm_get_by_name(const char *name)
{
	struct mv_vm *vm;

	mutex_lock(&mv_vms_lock);
	vm = mv_vm_find_name_locked(name);
	if (vm)
		kref_get(&vm->ref);
	mutex_unlock(&mv_vms_lock);
	return vm;
}

int mv_vm_for_each(u32 start_id, int (*fn)(struct mv_vm *vm, void *arg),
		   void *arg)
{
	struct mv_vm *vm;
	int ret = 0;

	mutex_lock(&mv_vms_lock);
	list_for_each_entry(vm, &mv_vms, node) {
		if (vm->id < start_id)
			continue;
		ret = fn(vm, arg);
		if (ret)
			break;
	}
	mutex_unlock(&mv_vms_lock);
	return ret;
}

/* ---- create ------------------------------------------------------------- */

/*
 * A fixed message on every kernel: three u64 amounts do not fit the 80-byte
 * formatted extack (6.12 W=1: -Wformat-truncation); minivmmctl adds the
 * numbers from POLICY_GET.
 */
#define MV_ERR_AMOUNTS(extack, what, asked, limit, used)		\
	NL_SET_ERR_MSG(extack, what)

/* Reserve a slot and the memory under the host-wide policy. */
static int mv_admit(const char *name, u64 mem_size, u32 nr_vcpus,
		    struct netlink_ext_ack *extack)
{
	if (mv_vm_find_name_locked(name)) {
		NL_SET_ERR_MSG(extack, "a VM with this name already exists");
		return -EEXIST;
	}
	switch (mv_policy_admit(&mv_policy, &mv_usage, mem_size, nr_vcpus)) {
	case MV_ADMIT_TOO_MANY_VMS:
		MV_ERR_AMOUNTS(extack, "the policy's limit on the number of VMs is reached",
			       1, mv_policy.max_vms, mv_usage.nr_vms);
		return -ENOSPC;
	case MV_ADMIT_TOO_MANY_VCPUS:
		MV_ERR_AMOUNTS(extack, "the policy's limit on vCPUs per VM is lower than asked",
			       nr_vcpus, mv_policy.max_vcpus, 0);
		return -EINVAL;
	case MV_ADMIT_NO_MEMORY:
		MV_ERR_AMOUNTS(extack, "the memory asked exceeds what the policy's guest-memory limit has left",
			       mem_size, mv_policy.max_mem,
			       mv_usage.mem_reserved);
		return -ENOMEM;
	case MV_ADMIT_OK:
		break;
	}
	mv_usage_charge(&mv_usage, mem_size);
	return 0;
}

static struct mv_vm *mv_vm_alloc(const char *name, u64 mem_size,
				 u32 nr_vcpus, const struct mv_vm_opts *opts)
{
	struct mv_vm *vm = kzalloc(mv_host.ops->vm_size, GFP_KERNEL_ACCOUNT);

	if (!vm)
		return NULL;
	vm->vcpus = kcalloc(nr_vcpus, sizeof(*vm->vcpus), GFP_KERNEL_ACCOUNT);
	if (!vm->vcpus) {
		kfree(vm);
		return NULL;
	}
	kref_init(&vm->ref);
	strscpy(vm->name, name, sizeof(vm->name));
	vm->mem_size = mem_size;
	vm->nr_vcpus = nr_vcpus;
	vm->platform.ram_size = mem_size;
	vm->platform.nr_cpus = nr_vcpus;
	mv_platform_init(&vm->platform);
	mv_irq_vm_init(vm);
	mv_smp_vm_init(vm);
	mv_ioapic_vm_init(vm);
	vm->state = MINIVMM_VM_CREATED;
	mutex_init(&vm->lock);
	mutex_init(&vm->npt_lock);
	spin_lock_init(&vm->stop_lock);
	init_waitqueue_head(&vm->stop_wait);
	init_waitqueue_head(&vm->run_wait);
	INIT_LIST_HEAD(&vm->node);
	vm->owner = current_euid();
	vm->mem_limit = opts->mem_limit;
	if (opts->cgroup)
		strscpy(vm->cgroup, opts->cgroup, sizeof(vm->cgroup));
	vm->cpu_model = opts->cpu_model;
	return vm;
}

/* Everything that can fail without touching the global list. */
static int mv_vm_build(struct mv_vm *vm, const struct mv_vm_opts *opts,
		       struct netlink_ext_ack *extack)
{
	enum mv_npt_kind kind = mv_host.ops->vendor == MINIVMM_VENDOR_VMX ?
				MV_NPT_EPT : MV_NPT_AMD;
	unsigned int i;
	int ret;

	ret = mv_mem_init(vm, opts->prealloc, extack);
	if (ret)
		return ret;
	NL_SET_ERR_MSG(extack, "not enough host memory for this VM");
	ret = mv_console_init(&vm->console);
	if (ret)
		return ret;
	ret = mv_npt_init(&vm->npt, kind, GFP_KERNEL_ACCOUNT);
	if (ret)
		return ret;
	vm->npt.ept_ad = !!(mv_host.features & MINIVMM_FEAT(NPT_AD));
	vm->npt.small_only = !(mv_host.features & MINIVMM_FEAT(NPT_2M));
	ret = mv_host.ops->vm_init(vm);
	if (ret) {
		mv_npt_destroy(&vm->npt);
		return ret;
	}
	for (i = 0; i < vm->nr_vcpus; i++) {
		ret = mv_vcpu_create(vm, i);
		if (ret)
			return ret;
	}
	return 0;
}

static void mv_vm_link(struct mv_vm *vm)
{
	vm->id = mv_next_id++;
	vm->serial = mv_next_serial++;
	/* ids only grow, so appending keeps the list sorted */
	list_add_tail(&vm->node, &mv_vms);
}

int mv_vm_create(const char *name, u64 mem_size, u32 nr_vcpus,
		 const struct mv_vm_opts *opts,
		 struct netlink_ext_ack *extack, u32 *id)
{
	struct mv_vm *vm;
	int ret;

	if (!mv_host.ops->vm_init) {
		NL_SET_ERR_MSG(extack, "this backend cannot run guests yet");
		return -EOPNOTSUPP;
	}
	if (!mv_name_valid(name)) {
		NL_SET_ERR_MSG(extack, "VM names are 1-31 characters of A-Z a-z 0-9 . _ -");
		return -EINVAL;
	}
	/* RAM is one block from 0: above 0xfee00000 it would hide the APIC. */
	if (mem_size > MINIVMM_APIC_BASE) {
		NL_SET_ERR_MSG(extack, "guest memory is limited to 4074 MiB (RAM ends below the local APIC at 0xfee00000)");
		return -EINVAL;
	}
	if (mem_size < MV_MEM_MIN || !PAGE_ALIGNED(mem_size)) {
		NL_SET_ERR_MSG(extack, "guest memory must be at least 64 KiB and a multiple of 4 KiB");
		return -EINVAL;
	}
	if (nr_vcpus < 1 || nr_vcpus > MINIVMM_MAX_VCPUS) {
		NL_SET_ERR_MSG(extack, "a VM has 1 to 64 vCPUs");
		return -EINVAL;
	}
	if (opts->prealloc && opts->mem_limit && opts->mem_limit < mem_size) {
		NL_SET_ERR_MSG(extack, "a preallocated VM's memory limit cannot be below its RAM size");
		return -EINVAL;
	}

	mutex_lock(&mv_vms_lock);
	ret = mv_admit(name, mem_size, nr_vcpus, extack);
	mutex_unlock(&mv_vms_lock);
	if (ret)
		return ret;

	vm = mv_vm_alloc(name, mem_size, nr_vcpus, opts);
	if (!vm) {
		mutex_lock(&mv_vms_lock);
		mv_usage_release(&mv_usage, mem_size);
		mutex_unlock(&mv_vms_lock);
		return -ENOMEM;
	}
	/* From here the VM's final put releases what mv_admit() charged. */
	ret = mv_vm_build(vm, opts, extack);
	if (ret) {
		mv_vm_put(vm);
		return ret;
	}

	mutex_lock(&mv_vms_lock);
	if (mv_vm_find_name_locked(name)) {	/* lost a race for the name */
		mutex_unlock(&mv_vms_lock);
		NL_SET_ERR_MSG(extack, "a VM with this name already exists");
		mv_vm_put(vm);
		return -EEXIST;
	}
	mv_vm_link(vm);
	*id = vm->id;
	mutex_unlock(&mv_vms_lock);
	mv_nl_event(vm, MINIVMM_EVENT_CREATED);
	return 0;
}

/* VM_SET: limits and targets apply at once, to a VM in any state. */
int mv_vm_set(struct mv_vm *vm, const u64 *mem_limit, const u64 *mem_target,
	      struct netlink_ext_ack *extack)
{
	if (mem_target && *mem_target > vm->mem_size) {
		NL_SET_ERR_MSG(extack, "the memory target cannot exceed the VM's RAM size");
		return -EINVAL;
	}
	if (mem_target && *mem_target && (*mem_target & ~PAGE_MASK)) {
		NL_SET_ERR_MSG(extack, "the memory target must be a multiple of 4 KiB");
		return -EINVAL;
	}
	if (mem_limit && vm->mem_prealloc && *mem_limit &&
	    *mem_limit < vm->mem_size) {
		NL_SET_ERR_MSG(extack, "a preallocated VM's memory limit cannot be below its RAM size");
		return -EINVAL;
	}
	/* A lower limit refuses new grants only; nothing is taken back. */
	if (mem_limit)
		WRITE_ONCE(vm->mem_limit, *mem_limit);
	if (mem_target)
		WRITE_ONCE(vm->mem_target, *mem_target);
	return 0;
}

/* ---- lifecycle ---------------------------------------------------------- */

static void mv_vm_set_state(struct mv_vm *vm, enum minivmm_vm_state state)
{
	spin_lock(&vm->stop_lock);
	WRITE_ONCE(vm->state, state);
	spin_unlock(&vm->stop_lock);
}

static enum minivmm_event mv_stop_event(enum minivmm_stop_reason reason)
{
	switch (reason) {
	case MINIVMM_STOP_EXITED:
		return MINIVMM_EVENT_EXITED;
	case MINIVMM_STOP_HALTED:
		return MINIVMM_EVENT_HALTED;
	case MINIVMM_STOP_USER:
		return MINIVMM_EVENT_STOPPED;
	case MINIVMM_STOP_POWEROFF:
		return MINIVMM_EVENT_POWEROFF;
	default:
		return MINIVMM_EVENT_CRASHED;
	}
}

/* Process context; may be called with vm->lock held. */
void mv_vm_stop(struct mv_vm *vm, enum minivmm_stop_reason reason,
		u64 detail)
{
	bool first = false;

	spin_lock(&vm->stop_lock);
	if (vm->stop_reason == MINIVMM_STOP_NONE) {
		first = true;
		vm->stop_reason = reason;
		switch (reason) {
		case MINIVMM_STOP_EXITED:
			vm->exit_code = (u32)detail;
			break;
		case MINIVMM_STOP_BAD_GPA:
			vm->error_gpa = detail;
			break;
		case MINIVMM_STOP_INTERNAL_ERROR:
			vm->error_raw = detail;
			break;
		default:
			break;
		}
		WRITE_ONCE(vm->state, MINIVMM_VM_STOPPED);
	}
	spin_unlock(&vm->stop_lock);
	wake_up_all(&vm->stop_wait);
	mv_vm_wake_all(vm);
	wake_up_interruptible_all(&vm->console.wait);
	if (first)
		mv_nl_event(vm, mv_stop_event(reason));
}

/* Wait for the vCPU threads to finish and release them. */
void mv_vm_reap_threads(struct mv_vm *vm)
{
	unsigned int i;

	lockdep_assert_held(&vm->lock);
	/*
	 * Every thread ends before any task struct is put: a vCPU thread
	 * still running reads its siblings' (mv_smp_notify(),
	 * mv_vcpu_yield_to_sibling()) without vm->lock.
	 */
	for (i = 0; i < vm->nr_vcpus; i++)
		if (vm->vcpus[i] && vm->vcpus[i]->thread)
			kthread_stop(vm->vcpus[i]->thread);
	for (i = 0; i < vm->nr_vcpus; i++) {
		struct mv_vcpu *vcpu = vm->vcpus[i];

		if (!vcpu || !vcpu->thread)
			continue;
		put_task_struct(vcpu->thread);
		vcpu->thread = NULL;
	}
}

static void mv_vm_kick_all(struct mv_vm *vm)
{
	unsigned int i;

	for (i = 0; i < vm->nr_vcpus; i++)
		mv_vcpu_kick(vm->vcpus[i]);
}

static bool mv_vm_all_parked(struct mv_vm *vm)
{
	unsigned int i;

	for (i = 0; i < vm->nr_vcpus; i++)
		if (!smp_load_acquire(&vm->vcpus[i]->parked))
			return false;
	return true;
}

/*
 * After the state became PAUSED (vm->lock held): wait until every vCPU
 * has parked, then say the VM is paused.
 */
static int mv_vm_wait_parked(struct mv_vm *vm, struct netlink_ext_ack *extack)
{
	if (wait_event_killable(vm->stop_wait, mv_vm_all_parked(vm) ||
				READ_ONCE(vm->state) == MINIVMM_VM_STOPPED)) {
		NL_SET_ERR_MSG(extack, "interrupted; the VM is pausing");
		return -EINTR;
	}
	if (READ_ONCE(vm->state) == MINIVMM_VM_STOPPED) {
		NL_SET_ERR_MSG(extack, "the VM stopped while being paused");
		return -EINVAL;
	}
	mv_nl_event(vm, MINIVMM_EVENT_PAUSED);
	return 0;
}

/*
 * Start: the vCPU threads are made and run the guest; with @paused they
 * park at once instead (state PAUSED, as after mv_vm_pause()), so that a
 * later resume only wakes them.  A migration's receiver starts so before
 * the source pauses, taking the threads' creation off the downtime.
 */
int mv_vm_start(struct mv_vm *vm, bool paused, struct netlink_ext_ack *extack)
{
	unsigned int i;
	int ret = 0;

	mutex_lock(&vm->lock);
	if (READ_ONCE(vm->state) != MINIVMM_VM_CREATED) {
		NL_SET_ERR_MSG(extack, "only a VM that was never started can be started");
		ret = -EBUSY;
		goto out;
	}
	ret = mv_console_start(&vm->console);
	if (ret) {
		NL_SET_ERR_MSG(extack, "not enough host memory for the VM's console");
		goto out;
	}
	for (i = 0; i < vm->nr_vcpus; i++) {
		ret = mv_vcpu_start_thread(vm->vcpus[i]);
		if (!ret) {
			ret = mv_cgroup_attach(vm->vcpus[i]->thread);
			if (ret)
				NL_SET_ERR_MSG(extack, "cannot move the vCPU thread into the caller's cgroups");
		}
		if (ret) {
			if (!vm->vcpus[i]->thread)
				NL_SET_ERR_MSG(extack, "cannot create the vCPU thread");
			mv_vm_stop(vm, MINIVMM_STOP_INTERNAL_ERROR, 0);
			mv_vm_reap_threads(vm);
			goto out;
		}
	}
	if (paused) {
		WRITE_ONCE(vm->pause_reason, MINIVMM_PAUSE_USER);
		mv_vm_set_state(vm, MINIVMM_VM_PAUSED);
	} else {
		mv_vm_set_state(vm, MINIVMM_VM_RUNNING);
	}
	/*
	 * Before any vCPU runs (kthread_create() leaves them asleep): a guest
	 * can exit, and say so, before the wake-up returns.
	 */
	mv_nl_event(vm, MINIVMM_EVENT_STARTED);
	for (i = 0; i < vm->nr_vcpus; i++)
		wake_up_process(vm->vcpus[i]->thread);
	if (paused)
		ret = mv_vm_wait_parked(vm, extack);
out:
	mutex_unlock(&vm->lock);
	return ret;
}

/*
 * Pause: every vCPU leaves guest mode (an IPI makes it exit now) and parks
 * in its thread; registers can then be read and written.
 */
/*
 * The control path's waits are killable: a caller that gives up (a fatal
 * signal) leaves the VM as the request made it, and the vCPUs finish the
 * transition on their own.
 */
int mv_vm_pause(struct mv_vm *vm, struct netlink_ext_ack *extack)
{
	int ret = 0;

	if (mutex_lock_killable(&vm->lock))
		return -EINTR;
	if (READ_ONCE(vm->state) != MINIVMM_VM_RUNNING) {
		NL_SET_ERR_MSG(extack, "only a running VM can be paused");
		ret = -EINVAL;
		goto out;
	}
	WRITE_ONCE(vm->pause_reason, MINIVMM_PAUSE_USER);
	mv_vm_set_state(vm, MINIVMM_VM_PAUSED);
	mv_vm_wake_all(vm);	/* a halted vCPU parks too */
	mv_vm_kick_all(vm);
	ret = mv_vm_wait_parked(vm, extack);
out:
	mutex_unlock(&vm->lock);
	return ret;
}

int mv_vm_resume(struct mv_vm *vm, struct netlink_ext_ack *extack)
{
	int ret = 0;

	if (mutex_lock_killable(&vm->lock))
		return -EINTR;
	if (READ_ONCE(vm->state) != MINIVMM_VM_PAUSED) {
		NL_SET_ERR_MSG(extack, "only a paused VM can be resumed");
		ret = -EINVAL;
		goto out;
	}
	/*
	 * The event first: a parked vCPU woken for another reason (console
	 * input) may run, and its guest exit, as soon as the state says so.
	 */
	mv_nl_event(vm, MINIVMM_EVENT_RESUMED);
	WRITE_ONCE(vm->pause_reason, MINIVMM_PAUSE_NONE);
	mv_vm_set_state(vm, MINIVMM_VM_RUNNING);
	mv_vm_wake_all(vm);
out:
	mutex_unlock(&vm->lock);
	return ret;
}

/* Stop now: mark the VM stopped, pull its vCPUs out, end the threads. */
static void mv_vm_force_stop(struct mv_vm *vm)
{
	mv_vm_stop(vm, MINIVMM_STOP_USER, 0);
	mv_vm_kick_all(vm);
	mv_vm_reap_threads(vm);
}

/*
 * Stop a VM.  A guest that polls MINIVMM_HC_STOP_REQUESTED learns of the
 * request and has @timeout_ms to end itself; then, or at once with @force
 * or for a guest that never polled, the stop is forced.
 */
int mv_vm_stop_user(struct mv_vm *vm, bool force, u32 timeout_ms,
		    struct netlink_ext_ack *extack)
{
	enum minivmm_vm_state state;
	int ret = 0;

	if (mutex_lock_killable(&vm->lock))
		return -EINTR;
	state = READ_ONCE(vm->state);
	if (state == MINIVMM_VM_CREATED || state == MINIVMM_VM_STOPPED) {
		NL_SET_ERR_MSG(extack, "the VM is not running");
		ret = -EINVAL;
		goto out;
	}
	if (!force && state == MINIVMM_VM_RUNNING && timeout_ms &&
	    READ_ONCE(vm->stop_aware)) {
		WRITE_ONCE(vm->stop_requested, true);
		wait_event_timeout(vm->stop_wait,
				   READ_ONCE(vm->state) == MINIVMM_VM_STOPPED,
				   msecs_to_jiffies(timeout_ms));
	}
	mv_vm_force_stop(vm);
out:
	mutex_unlock(&vm->lock);
	return ret;
}

static void mv_vm_unlink(struct mv_vm *vm)
{
	mutex_lock(&mv_vms_lock);
	list_del_init(&vm->node);
	mutex_unlock(&mv_vms_lock);
}

/* Stops and unlinks; memory goes back when the last reference is put. */
int mv_vm_destroy(struct mv_vm *vm, bool force,
		  struct netlink_ext_ack *extack)
{
	enum minivmm_vm_state state;

	mutex_lock(&vm->lock);
	state = READ_ONCE(vm->state);
	if (!force && (state == MINIVMM_VM_RUNNING ||
		       state == MINIVMM_VM_PAUSED)) {
		mutex_unlock(&vm->lock);
		NL_SET_ERR_MSG(extack, "the VM is running: stop it first or destroy with force");
		return -EBUSY;
	}
	if (list_empty(&vm->node)) {	/* a concurrent destroy won */
		mutex_unlock(&vm->lock);
		NL_SET_ERR_MSG(extack, "no such VM");
		return -ENOENT;
	}
	if (state == MINIVMM_VM_CREATED)
		mv_vm_set_state(vm, MINIVMM_VM_STOPPED);	/* no threads */
	else
		mv_vm_force_stop(vm);
	wake_up_interruptible_all(&vm->console.wait);
	mv_vm_unlink(vm);
	mutex_unlock(&vm->lock);

	mv_nl_event(vm, MINIVMM_EVENT_DESTROYED);
	mv_vm_put(vm);			/* the list's reference */
	return 0;
}

/* Module exit: no user can reach the VMs any more. */
void mv_vm_destroy_all(void)
{
	struct mv_vm *vm;

	for (;;) {
		mutex_lock(&mv_vms_lock);
		vm = list_first_entry_or_null(&mv_vms, struct mv_vm, node);
		if (vm)
			kref_get(&vm->ref);
		mutex_unlock(&mv_vms_lock);
		if (!vm)
			return;
		mv_vm_destroy(vm, true, NULL);
		mv_vm_put(vm);
	}
}
