// SPDX-License-Identifier: GPL-2.0
/*
 * kvmclock: KVM's paravirtual clock, so that a Linux guest knows its TSC's
 * rate at boot and keeps time by the TSC, with no exit per clock read.
 * Without it, Linux cannot calibrate the TSC here (its PIT loops need port
 * reads of microseconds) and keeps time by jiffies.
 *
 * CPUID 0x40000100-0x40000101: KVM's signature and features, after
 * minivmm's own leaves at 0x40000000 (KVM places its own after Hyper-V's
 * the same way).  Offered: KVM_FEATURE_CLOCKSOURCE2 (the two MSRs below),
 * KVM_FEATURE_NOP_IO_DELAY (no device here needs port 0x80 delays) and
 * KVM_FEATURE_CLOCKSOURCE_STABLE_BIT (one clock for all vCPUs; only
 * while the host's own TSC is stable, as KVM: else the guest guards its
 * clock against going back between vCPUs on unsynchronised TSCs).  Nothing
 * else of KVM's interface: no hypercalls, steal time or async faults.
 *
 * The clock is the guest's TSC scaled by the host's TSC rate (tsc_khz):
 * every vCPU has the same TSC, so all read one clock, and a guest's time
 * goes on across save and restore as its TSC does (ctl/snap_vcpu.c).
 *   MSR_KVM_SYSTEM_TIME_NEW: a vCPU's struct pvclock_vcpu_time_info, at
 *     the guest-physical address written (bit 0: on).  Filled when the
 *     guest turns it on, and again when a saved state is put back: the
 *     restoring host's TSC rate may differ, and the clock must go on from
 *     where it was, not jump.
 *   MSR_KVM_WALL_CLOCK_NEW: struct pvclock_wall_clock, the wall-clock
 *     time at guest time 0, filled when written.
 * An address outside RAM, or a structure across a page boundary, is kept
 * (RDMSR returns it) but never written, as KVM does.
 */
#include <linux/mm.h>
#include <linux/timekeeping.h>
#include <asm/msr.h>
#include <asm/tsc.h>
#include "minivmm.h"
#include "pvclock.h"

#define MV_KVM_LEAF		0x40000100	/* KVMKVMKVM */
#define MV_KVM_LEAF_FEATURES	0x40000101
#define MV_KVM_SIG_EBX		0x4b4d564b	/* "KVMK" */
#define MV_KVM_SIG_ECX		0x564b4d56	/* "VMKV" */
#define MV_KVM_SIG_EDX		0x0000004d	/* "M\0\0\0" */
#define MV_KVM_FEATURE_NOP_IO_DELAY	BIT(1)
#define MV_KVM_FEATURE_CLOCKSOURCE2	BIT(3)
#define MV_KVM_FEATURE_STABLE_BIT	BIT(24)

#define MV_PVCLOCK_TSC_STABLE	BIT(0)	/* PVCLOCK_TSC_STABLE_BIT */

/* The guest's view (the pvclock ABI), 32 and 12 bytes. */
struct mv_pvclock_time {
	u32 version;
	u32 pad0;
	u64 tsc_timestamp;
	u64 system_time;
	u32 tsc_to_system_mul;
	s8 tsc_shift;
	u8 flags;
	u8 pad[2];
} __packed;

struct mv_pvclock_wall {
	u32 version;
	u32 sec;
	u32 nsec;
} __packed;

/* ---- CPUID and MSRs ---------------------------------------------------- */

/* Whether the host knows its TSC rate: without it there is no clock. */
static bool mv_kvmclock_offered(void)
{
	return tsc_khz != 0;
}

/* One TSC for every host CPU, so one clock for every vCPU. */
static bool mv_kvmclock_stable(void)
{
	return !check_tsc_unstable();
}

bool mv_kvmclock_cpuid(u32 leaf, u32 *a, u32 *b, u32 *c, u32 *d)
{
	if (leaf != MV_KVM_LEAF && leaf != MV_KVM_LEAF_FEATURES)
		return false;
	*a = *b = *c = *d = 0;
	if (!mv_kvmclock_offered())
		return true;
	if (leaf == MV_KVM_LEAF) {
		*a = MV_KVM_LEAF_FEATURES;
		*b = MV_KVM_SIG_EBX;
		*c = MV_KVM_SIG_ECX;
		*d = MV_KVM_SIG_EDX;
	} else {
		*a = MV_KVM_FEATURE_NOP_IO_DELAY | MV_KVM_FEATURE_CLOCKSOURCE2;
		if (mv_kvmclock_stable())
			*a |= MV_KVM_FEATURE_STABLE_BIT;
	}
	return true;
}

/* The guest's page holding [gpa, gpa + len), mapped, or NULL. */
static struct page *mv_kvmclock_page(struct mv_vm *vm, u64 gpa, size_t len)
{
	struct page *page;

	if (offset_in_page(gpa) + len > PAGE_SIZE)
		return NULL;
	page = mv_gpa_to_page(vm, gpa, true);
	return IS_ERR(page) ? NULL : page;
}

/*
 * Write the time structure: version odd while it changes, even after, so
 * a guest that reads it meanwhile reads again.
 */
static void mv_kvmclock_put(struct mv_vcpu *vcpu, u64 gpa, u64 tsc,
			    u64 ns)
{
	struct page *page = mv_kvmclock_page(vcpu->vm, gpa,
					     sizeof(struct mv_pvclock_time));
	struct mv_pvclock_time *t;
	u32 mul, v;
	s8 shift;

	if (!page)
		return;
	mv_pvclock_scale((u64)tsc_khz * 1000, &mul, &shift);
	t = page_address(page) + offset_in_page(gpa);
	v = vcpu->kvmclock_version | 1;
	WRITE_ONCE(t->version, v);
	smp_wmb();	/* the guest sees the odd version before any field */
	t->tsc_timestamp = tsc;
	t->system_time = ns;
	t->tsc_to_system_mul = mul;
	t->tsc_shift = shift;
	t->flags = mv_kvmclock_stable() ? MV_PVCLOCK_TSC_STABLE : 0;
	smp_wmb();	/* and every field before the even version */
	vcpu->kvmclock_version = v + 1;
	WRITE_ONCE(t->version, v + 1);
	mv_dirty_mark(vcpu->vm, gpa);
	mv_guest_page_put(page);
}

/* Guest time at guest TSC @tsc, at this host's rate. */
static u64 mv_kvmclock_ns_at(u64 tsc)
{
	u32 mul;
	s8 shift;

	mv_pvclock_scale((u64)tsc_khz * 1000, &mul, &shift);
	return mv_pvclock_ns(tsc, mul, shift);
}

static void mv_kvmclock_put_wall(struct mv_vcpu *vcpu, u64 gpa, u64 tsc)
{
	struct page *page = mv_kvmclock_page(vcpu->vm, gpa,
					     sizeof(struct mv_pvclock_wall));
	struct mv_pvclock_wall *w;
	u64 boot = ktime_get_real_ns() - mv_kvmclock_ns_at(tsc);
	u32 nsec;

	if (!page)
		return;
	w = page_address(page) + offset_in_page(gpa);
	WRITE_ONCE(w->version, READ_ONCE(w->version) | 1);
	smp_wmb();	/* as in mv_kvmclock_put() */
	w->sec = (u32)div_u64_rem(boot, NSEC_PER_SEC, &nsec);
	w->nsec = nsec;
	smp_wmb();	/* as in mv_kvmclock_put() */
	WRITE_ONCE(w->version, w->version + 1);
	mv_dirty_mark(vcpu->vm, gpa);
	mv_guest_page_put(page);
}

static u64 mv_guest_tsc(struct mv_vcpu *vcpu)
{
	u64 tsc;

	if (mv_host.ops->get_msr(vcpu, MSR_IA32_TSC, &tsc))
		tsc = rdtsc();
	return tsc;
}

/* RDMSR: 0 and @val, or -ENOENT for an MSR not kvmclock's. */
int mv_kvmclock_get_msr(struct mv_vcpu *vcpu, u32 msr, u64 *val)
{
	if (!mv_kvmclock_offered())
		return -ENOENT;
	if (msr == MV_MSR_KVM_SYSTEM_TIME)
		*val = vcpu->kvm_system_time;
	else if (msr == MV_MSR_KVM_WALL_CLOCK)
		*val = vcpu->kvm_wall_clock;
	else
		return -ENOENT;
	return 0;
}

/* WRMSR from the guest: 0, or -ENOENT for an MSR not kvmclock's. */
int mv_kvmclock_set_msr(struct mv_vcpu *vcpu, u32 msr, u64 val)
{
	u64 tsc;

	if (!mv_kvmclock_offered() ||
	    (msr != MV_MSR_KVM_SYSTEM_TIME && msr != MV_MSR_KVM_WALL_CLOCK))
		return -ENOENT;
	tsc = mv_guest_tsc(vcpu);
	if (msr == MV_MSR_KVM_WALL_CLOCK) {
		vcpu->kvm_wall_clock = val;
		mv_kvmclock_put_wall(vcpu, val, tsc);
		return 0;
	}
	vcpu->kvm_system_time = val;
	if (val & 1)
		mv_kvmclock_put(vcpu, val & ~1ULL, tsc, mv_kvmclock_ns_at(tsc));
	return 0;
}

/*
 * A saved state was put back (SET_STATE): the clock goes on from the time
 * the guest's own structure gives for its TSC now, at this host's rate.
 * A structure never written, or one the guest scribbled a scale into that
 * we would not write, starts afresh.  The VM is quiet.
 */
void mv_kvmclock_restored(struct mv_vcpu *vcpu)
{
	u64 gpa = vcpu->kvm_system_time & ~1ULL, tsc, ns;
	struct mv_pvclock_time old;
	struct page *page;

	if (!mv_kvmclock_offered() || !(vcpu->kvm_system_time & 1))
		return;
	page = mv_kvmclock_page(vcpu->vm, gpa, sizeof(old));
	if (!page)
		return;
	memcpy(&old, page_address(page) + offset_in_page(gpa), sizeof(old));
	mv_guest_page_put(page);
	vcpu->kvmclock_version = old.version;
	tsc = mv_guest_tsc(vcpu);
	if (mv_pvclock_scale_valid(old.tsc_to_system_mul, old.tsc_shift) &&
	    tsc >= old.tsc_timestamp)
		ns = old.system_time + mv_pvclock_ns(tsc - old.tsc_timestamp,
						     old.tsc_to_system_mul,
						     old.tsc_shift);
	else
		ns = mv_kvmclock_ns_at(tsc);
	mv_kvmclock_put(vcpu, gpa, tsc, ns);
}
