/* SPDX-License-Identifier: GPL-2.0 */
/*
 * minivmm core: what the vendor backends (vmx/, svm/) and the core (kmod/)
 * share.  The core talks to the hardware only through one const
 * struct mv_vendor_ops per vendor.
 */
#ifndef MINIVMM_CORE_H
#define MINIVMM_CORE_H

#include <linux/types.h>
#include <linux/atomic.h>
#include <linux/hrtimer.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/preempt.h>
#include <linux/spinlock.h>
#include <linux/uidgid.h>
#include <linux/wait.h>
#include "uapi/minivmm.h"
#include "npt/npt.h"
#include "lapic.h"
#include "ioapic.h"
#include "pit.h"
#include "platform.h"
#include "state.h"
#include "probe.h"

struct netlink_ext_ack;

struct mv_vm;
struct mv_vcpu;
struct mv_state_limits;

/*
 * A guest timer (the APIC timer, PIT channel 0) run on a host hrtimer by
 * kmod/irq.c: the callback counts expiries and wakes or kicks the vCPU
 * that armed it, whose thread folds them into its device model.
 */
struct mv_guest_timer {
	struct hrtimer hrtimer;
	struct mv_vcpu *vcpu;		/* set while cancelled */
	u64 period_ns;			/* 0: one-shot; set while cancelled */
	atomic_t fired;
};

/* What an exit handler tells the run loop. */
enum mv_exit_action {
	MV_EXIT_RESUME,		/* enter the guest again */
	MV_EXIT_STOP,		/* the VM has stopped (reason recorded) */
};

/*
 * Hardware operations of one vendor.  Every op is set; the core never checks
 * for NULL.  cpu_enable/cpu_disable run on the CPU concerned, from a CPU
 * hotplug callback (preemptible, but pinned to that CPU).
 */
struct mv_vendor_ops {
	const char *name;		/* "vmx" or "svm" */
	enum minivmm_vendor vendor;

	/*
	 * Check that this CPU model supports us and that firmware left the
	 * feature on.  On refusal, log one line ("cannot load: ...") and
	 * return a negative errno.  Fills *features with MINIVMM_FEAT bits.
	 */
	int (*probe)(u64 *features);
	/* Allocate what every CPU needs; undone by hardware_unsetup. */
	int (*hardware_setup)(void);
	void (*hardware_unsetup)(void);
	/*
	 * Switch virtualization on/off on the current CPU.  cpu_enable
	 * returns -EBUSY, after logging why, if someone else already owns it.
	 */
	int (*cpu_enable)(void);
	void (*cpu_disable)(void);
	/* Reboot/crash path, NMI context: leave VMX/SVM, never fault. */
	void (*emergency_disable)(void);

	/*
	 * VMs and vCPUs.  The backend embeds the core object first in its
	 * own (struct svm_vm { struct mv_vm base; ... }) and declares the
	 * sizes; the core allocates zeroed memory of that size.
	 */
	size_t vm_size;
	size_t vcpu_size;
	int (*vm_init)(struct mv_vm *vm);	/* after vm->npt is ready */
	void (*vm_destroy)(struct mv_vm *vm);
	/* Allocate the VMCB/VMCS; put the vCPU in its reset state. */
	int (*vcpu_init)(struct mv_vcpu *vcpu);
	void (*vcpu_destroy)(struct mv_vcpu *vcpu);
	/*
	 * Enter the guest once from the vCPU thread (preemptible on entry
	 * and return), then dispatch the exit through the backend's exit
	 * table, which calls the core's mv_exit_*() handlers.  Syncs
	 * vcpu->gprs/rip/rflags in and out.
	 */
	enum mv_exit_action (*vcpu_run)(struct mv_vcpu *vcpu);
	/*
	 * The vCPU state the backend keeps (VMCB/VMCS and its own copies),
	 * vCPU outside guest mode, for the sections of @mask: segments,
	 * GDTR/IDTR; CR0/2/3/4, EFER; DR6/DR7; the MSRs of struct
	 * minivmm_state_msrs but TSC_AUX, APIC_BASE, MISC_ENABLE; events.
	 * The core keeps the rest (kmod/vstate.c).  set_state gets a state
	 * the core checked (kmod/state.c), every section filled, and writes
	 * the sections of @mask; it fails only for want of the hardware.
	 */
	void (*get_state)(struct mv_vcpu *vcpu, struct minivmm_vcpu_state *st,
			  u32 mask);
	int (*set_state)(struct mv_vcpu *vcpu,
			 const struct minivmm_vcpu_state *st, u32 mask);
	/* Narrow the core's limits to what guest mode allows (CR4, EFER). */
	void (*state_limits)(struct mv_state_limits *lim);
	/*
	 * MSRs the backend keeps in its VMCB/VMCS (EFER, PAT, ...): return 0
	 * when handled, -ENOENT when not the backend's (the core decides),
	 * -EINVAL to refuse (the core injects #GP).
	 */
	int (*get_msr)(struct mv_vcpu *vcpu, u32 msr, u64 *val);
	int (*set_msr)(struct mv_vcpu *vcpu, u32 msr, u64 val);
	/* Queue a hardware exception for the next entry. */
	void (*inject_exception)(struct mv_vcpu *vcpu, u8 vector,
				 bool has_error, u32 error_code);
};

extern const struct mv_vendor_ops mv_vmx_ops;
extern const struct mv_vendor_ops mv_svm_ops;

/*
 * A vCPU.  The guest's general registers, RIP and RFLAGS live here, in the
 * vendor-neutral layout, whenever the vCPU is outside guest mode: the
 * backend copies RAX/RSP/RIP/RFLAGS to and from its VMCB/VMCS around each
 * entry, the rest are loaded and saved by the entry code directly.  Only
 * the vCPU thread touches them while the VM runs; the register ioctls
 * touch them only while it does not (vm->lock, state != RUNNING).
 */
enum mv_vcpu_mode {
	MV_OUTSIDE_GUEST,
	MV_IN_GUEST,
};

struct mv_vcpu {
	struct mv_vm *vm;		/* creator; const */
	unsigned int index;		/* creator; const */
	struct task_struct *thread;	/* vm->lock */

	u64 gprs[MINIVMM_NR_GPRS];
	u64 rip;
	u64 rflags;
	/* Bytes to skip when the current exit's instruction completes;
	 * set by the backend before it calls a mv_exit_*() handler.
	 */
	u8 exit_insn_len;

	/*
	 * Kicks (mv_vcpu_kick()): @cpu is where the thread is about to enter
	 * or is in guest mode; both written by the thread with interrupts
	 * off, @cpu first, so a kicker that reads @mode IN_GUEST has the
	 * right CPU (see mv_vcpu_enter_guest_mode()).
	 */
	int cpu;
	int mode;			/* enum mv_vcpu_mode */
	/* Set by the thread while it waits outside guest mode, released
	 * to pause (which acquires it).
	 */
	bool parked;
	/*
	 * A PAUSE-loop exit asks the thread to give its host CPU to a
	 * sibling vCPU before the next entry; the search for one starts
	 * at @yield_next (vCPU thread; mv_vcpu_yield_to_sibling()).
	 */
	bool spinning;
	unsigned int yield_next;
	/*
	 * Where the thread sleeps in HLT or wait-for-SIPI: an IPI, its
	 * timer or console input wakes this vCPU alone (mv_vcpu_wake());
	 * a change of the VM's state wakes them all (mv_vm_wake_all()).
	 */
	wait_queue_head_t wait;

	/*
	 * Guest x87/SSE/AVX state, restored around each entry: an XSAVE
	 * area, or an FXSAVE one where the host has no XSAVE (kmod/fpu.c).
	 * XCR0 is the guest's (vCPU thread).
	 */
	void *fpu;
	u64 xcr0;

	/*
	 * Registers the guest uses without an exit and the CPU shares with
	 * the host: loaded before each entry, saved after (vCPU thread).
	 * DR6 only where it is not in the VMCB/VMCS (VT-x).  TSC_AUX is
	 * read by RDTSCP/RDPID and written only through WRMSR (intercepted).
	 */
	u64 db[4];
	u64 dr6;
	u64 tsc_aux;
	/* kvmclock's MSRs as the guest wrote them (kmod/kvmclock.c). */
	u64 kvm_system_time, kvm_wall_clock;
	u32 kvmclock_version;	/* of the time structure last written */
	u32 pkru;		/* RDPKRU/WRPKRU need no exit either */
	u32 pkrs;		/* IA32_PKRS (WRMSR exits) */

	/* Local APIC (kmod/lapic.c); vCPU thread, or vm->lock when stopped. */
	struct mv_lapic apic;
	struct mv_guest_timer apic_timer;
	u64 irqs_injected;		/* vCPU thread */
	bool irq_from_pic;		/* the pending vector is the 8259's */
	/* RIP the last injected interrupt returns to (see mv_exit_hlt). */
	u64 irq_return_rip;
	bool irq_return_valid;

	/* For the vCPU thread's own state reads (mv_vcpu_sregs()). */
	struct minivmm_vcpu_state *scratch;
	/* vm->npt's flush request this vCPU last flushed at (vCPU thread). */
	u64 flush_gen_seen;
	/* TSC at which the short path hands back to the run loop. */
	u64 short_path_end;

	/* Statistics, written by the vCPU thread only. */
	u64 exits[MINIVMM_EXIT_COUNT];
#ifdef MV_EXIT_PROBE
	struct mv_probe probe;		/* kmod/probe.h */
#endif
	u64 run_time_ns;
#ifdef CONFIG_PREEMPT_NOTIFIERS
	/* Waiting for a CPU while runnable (see mv_vcpu_sched_out()). */
	struct preempt_notifier preempt;
	u64 preempted_at;	/* local_clock() when taken off; 0: not */
	u64 wait_time_ns;
#endif

	/*
	 * Multiprocessor state (kmod/smp.c).  mp_state, init_pending,
	 * sipi_pending and sipi_vector: vm->mp_lock (read locklessly by the
	 * thread's fast path).  pir: fixed interrupts posted by other vCPUs,
	 * set atomically by them and folded into the APIC's IRR by the
	 * thread.  npf_retry_gpa: vCPU thread.
	 */
	enum minivmm_mp_state mp_state;
	bool init_pending;
	bool sipi_pending;
	u8 sipi_vector;
	unsigned long pir[256 / BITS_PER_LONG];
	/* pir vectors that are level-triggered (I/O APIC): TMR on fold. */
	unsigned long pir_tmr[256 / BITS_PER_LONG];
	u64 npf_retry_gpa;
	/*
	 * An NMI latched for this vCPU (kmod/smp.c): set to 1 by any sender,
	 * taken (xchg to 0) by the thread's backend when it injects it; one
	 * NMI pending at most, as on a CPU.  nmis_injected: vCPU thread.
	 */
	atomic_t nmi_pending;
	u64 nmis_injected;
	/* vCPU 0: the 8259's INTR as LINT0 last saw it (kmod/irq.c). */
	bool lint0_level;
};

/* Per-VM state of the in-kernel 16550 subset at COM1. */
struct mv_uart {
	u8 ier, lcr, mcr, scr, dll, dlm;
	bool thre_pending;	/* "transmitter empty" interrupt not yet seen */
};

/*
 * Guest UART output: the last @size bytes of the stream, which every
 * console file descriptor reads with a cursor of its own, so that two
 * readers (run and console, say) each get all of it.  The byte at stream
 * position p is buf[p % size] while total - p <= size.  A VM that never
 * started has no ring (an idle VM pays nothing for it); start gives it
 * MV_CONSOLE_MIN_SIZE bytes, and it doubles up to MV_CONSOLE_SIZE when
 * half full (the vCPU thread does it after the exit, outside the UART's
 * lock), before any byte would be overwritten: it keeps what a full-size
 * ring would.
 */
#define MV_CONSOLE_SIZE 65536
#define MV_CONSOLE_MIN_SIZE 1024
#define MV_CONSOLE_IN_SIZE 256
struct mv_console {
	/*
	 * Protects everything below.  @total and @in_len are also read
	 * without it (READ_ONCE, paired with WRITE_ONCE under it) where a
	 * stale value only delays a wake-up or a UART status bit.
	 */
	spinlock_t lock;
	u8 *buf;			/* @size bytes, ring; NULL when 0 */
	u32 size;			/* 0 or a power of two */
	bool grow;			/* half full: double it (no lock held) */
	u64 total;			/* bytes ever written: the stream's end */
	u64 read_max;			/* furthest position any reader reached */
	u64 dropped;			/* overwritten before any reader read them */
	/* Guest input (console fd writes), read through the UART's RBR. */
	u8 in[MV_CONSOLE_IN_SIZE];
	unsigned int in_head, in_len;
	wait_queue_head_t wait;		/* readers; woken on data and stop */
};

/* Guest RAM: 2 MiB chunks, each one order-9 block or single pages. */
#define MV_CHUNK_SHIFT		21		/* 2 MiB */
#define MV_CHUNK_SIZE		BIT_ULL(MV_CHUNK_SHIFT)
#define MV_CHUNK_ORDER		(MV_CHUNK_SHIFT - PAGE_SHIFT)
#define MV_CHUNK_PAGES		(1U << MV_CHUNK_ORDER)
struct mv_mem_chunk {
	struct page *huge;		/* order-9 block, or NULL */
	struct page **pages;		/* PTRS_PER_PTE pages when !huge */
};

/*
 * A VM.  Lock order: vm->lock -> mv_vms_lock (mv_vm_destroy() unlinks
 * under vm->lock; nothing takes vm->lock under mv_vms_lock: the
 * mv_vm_for_each() callbacks take stop_lock only); vm->lock ->
 * vm->npt_lock; vm->console.lock and vm->stop_lock are innermost (spin
 * locks, process context only, never nested in each other).
 */
struct mv_vm {
	struct list_head node;		/* mv_vms, under mv_vms_lock */
	struct kref ref;		/* list + open fds + netlink users */
	u32 id;				/* const */
	u64 serial;			/* const; unique for the module's life */
	char name[MINIVMM_NAME_MAX];	/* const */
	u64 mem_size;			/* const, bytes */
	unsigned int nr_vcpus;		/* const */

	struct mutex lock;		/* user transitions, threads, regs */
	/*
	 * Written under stop_lock (the vCPU thread stops the VM without
	 * vm->lock); user-initiated transitions also hold vm->lock.  Read
	 * locklessly with READ_ONCE() where a stale value is harmless.
	 */
	enum minivmm_vm_state state;
	wait_queue_head_t run_wait;	/* vCPU threads waiting to run */

	/* First stop reason wins; set under stop_lock (process context). */
	spinlock_t stop_lock;
	enum minivmm_stop_reason stop_reason;
	u32 exit_code;
	u64 error_gpa;
	u64 error_raw;
	wait_queue_head_t stop_wait;	/* stops and vCPUs parking */
	bool stop_requested;		/* graceful VM_STOP in progress */
	bool stop_aware;		/* guest has polled stop_requested */
	kuid_t owner;			/* creator's euid; const */

	/*
	 * Guest RAM (kmod/mem.c): the array is const after create, the page
	 * pointers in it change under npt_lock (allocated on first touch,
	 * freed when the guest returns them).
	 */
	struct mv_mem_chunk *chunks;
	unsigned long nr_chunks;
	bool mem_prealloc;		/* const */

	struct mutex npt_lock;		/* nested page tables, guest pages */
	struct mv_npt npt;
	u64 mem_touched;		/* bytes mapped; npt_lock */
	u64 mem_granted;		/* bytes allocated; npt_lock */
	u64 mem_limit;			/* bytes, 0: none; WRITE_ONCE */
	u64 mem_target;			/* balloon target, 0: none; WRITE_ONCE */
	u64 mem_returned;		/* bytes the guest returned; vCPU thread */
	/* Why the VM is PAUSED (stop_lock; read with READ_ONCE()). */
	enum minivmm_pause_reason pause_reason;
	/* cgroup v2 path of the vCPU threads, as the creator named it. */
	char cgroup[MINIVMM_CGROUP_MAX];	/* const */
	u32 cpu_model;			/* enum minivmm_cpu_model; const */

	struct mv_console console;
	struct mv_uart uart;		/* vCPU thread only */
	struct mv_platform platform;	/* vCPU thread only */
	struct mv_pit pit;		/* vCPU thread only */
	struct mv_guest_timer pit_timer;	/* channel 0: IRQ 0, vCPU 0 */
	struct mv_ioapic ioapic;	/* dev_lock (kmod/ioapic.c) */
	u64 unclaimed_io;		/* vCPU thread only */

	/*
	 * Shared devices (UART, 8259, I/O APIC, PIT, platform ports,
	 * unclaimed_io) are
	 * reached by every vCPU thread: dev_lock serialises them.
	 */
	spinlock_t dev_lock;
	/* vCPUs in WAIT_SIPI or HALTED: all of them = the VM halted. */
	spinlock_t mp_lock;
	unsigned int nr_stopped_vcpus;	/* mp_lock */

	/* nr_vcpus entries (not MINIVMM_MAX_VCPUS: keeps mv_vm small) */
	struct mv_vcpu **vcpus;		/* const after create */

	/* User-space devices (kmod/uio.c). */
	struct mv_uio *uio;		/* set once under vm->lock */
	bool ram_mapped;		/* RAM was mmapped: the balloon frees none */
	unsigned long irq_lines;	/* ISA IRQs held high (atomic bitops) */
	unsigned long irq_pulses;	/* edges to deliver (atomic bitops) */
	unsigned long irq_applied;	/* irq_lines the 8259 has; vCPU 0 */
	/* Dirty-page log while migrating, or NULL (kmod/dirty.c); npt_lock. */
	struct mv_dirty *dirty;
};

/*
 * Exit handlers of the core, called by the backends' exit tables from the
 * vCPU thread (preemptible).  They read and write vcpu->gprs/rip; the
 * instruction is skipped (rip += exit_insn_len) by the handler when it
 * completes.
 */
enum mv_exit_action mv_exit_cpuid(struct mv_vcpu *vcpu);
enum mv_exit_action mv_exit_hlt(struct mv_vcpu *vcpu);
/*
 * The short path: exits a backend answers in the loop around its entry,
 * interrupts still off and the guest's MSRs, XCR0, FPU and debug
 * registers still loaded (KVM's "fastpath").  The handlers it calls
 * neither sleep nor take locks nor touch a device.  True: answered (the
 * instruction skipped); false: nothing was done, take the full path.
 */
enum mv_fast_exit { MV_FAST_CPUID, MV_FAST_HYPERCALL };
bool mv_exit_fast(struct mv_vcpu *vcpu, enum mv_fast_exit what);
/* Port I/O on the short path: the platform's quiet ports only. */
bool mv_exit_fast_io(struct mv_vcpu *vcpu, u16 port, u8 size, bool in,
		     bool string);
/*
 * After a short-path exit, interrupts still off and the vCPU still in
 * guest mode: may the backend enter again at once?  No when anything
 * wants the thread back in its loop: a reschedule, a pause or stop, the
 * thread's end, a TLB flush.  Whatever another CPU asks of the vCPU comes
 * with a kick, whose interrupt, held while interrupts are off, ends the
 * next entry at once.
 */
bool mv_vcpu_may_reenter(struct mv_vcpu *vcpu);
/*
 * At each entry from the run loop, interrupts off: the short path may go
 * on for one slice from now (mv_vcpu_may_reenter() ends it then), so that
 * the host takes the interrupts it holds at least once a slice even where
 * the CPU turns none into an exit (Bochs, for a guest with interrupts
 * off).
 */
void mv_vcpu_short_path_start(struct mv_vcpu *vcpu);
enum mv_exit_action mv_exit_hypercall(struct mv_vcpu *vcpu);
/* Port I/O: in = read; size 1, 2 or 4; string/rep instructions unsupported. */
enum mv_exit_action mv_exit_io(struct mv_vcpu *vcpu, u16 port, u8 size,
			       bool in, bool string);
/* RDMSR/WRMSR with ECX = MSR: uses EDX:EAX; injects #GP on refusal.
 * The backend supplies get/set for the MSRs it keeps itself (EFER).
 */
enum mv_exit_action mv_exit_msr(struct mv_vcpu *vcpu, bool write);
/*
 * Nested page fault on @gpa; maps guest RAM, emulates an access to an
 * in-kernel device page, or stops the VM.  @flags: MV_NPF_*, from the
 * backend's exit information.
 */
#define MV_NPF_FETCH	BIT(0)	/* an instruction fetch */
#define MV_NPF_WALK	BIT(1)	/* the guest's own page-table walk */
enum mv_exit_action mv_exit_npf(struct mv_vcpu *vcpu, u64 gpa,
				unsigned int flags);
enum mv_exit_action mv_exit_shutdown(struct mv_vcpu *vcpu);
/*
 * INVD and WBINVD: completed as no-ops (the guest has no device doing
 * non-coherent DMA, so it can lose nothing); the host's caches are not
 * the guest's to flush or to discard.
 */
enum mv_exit_action mv_exit_cache_flush(struct mv_vcpu *vcpu);
/* A PAUSE-loop exit (PLE, pause filter); exit_insn_len may be 0. */
enum mv_exit_action mv_exit_pause(struct mv_vcpu *vcpu);
/* RDPMC: there is no virtual PMU, so #GP(0) as for a bad counter. */
enum mv_exit_action mv_exit_rdpmc(struct mv_vcpu *vcpu);
/*
 * An intercepted guest exception (#AC, #DB) given back to the guest: the
 * intercept exists only so that a guest looping on its own exception
 * delivery exits, and the host gets its CPU back, between deliveries.
 */
enum mv_exit_action mv_exit_reflect(struct mv_vcpu *vcpu, u8 vector,
				    bool has_error, u32 error_code);
/* A machine check made the guest exit: the host's handler takes it. */
void mv_machine_check(void);
/* Anything the backend's table does not handle: internal error. */
enum mv_exit_action mv_exit_unhandled(struct mv_vcpu *vcpu, u64 raw);

/*
 * kmod/fpu.c.  Guest FPU state around an entry: mv_guest_fpu_enter() calls
 * kernel_fpu_begin() (preemption off) and loads the guest's registers;
 * mv_guest_fpu_exit() saves them and calls kernel_fpu_end().  In between,
 * interrupts off, mv_guest_xcr0_load() right before the entry (returns the
 * host's XCR0) and mv_guest_xcr0_save() right after the exit switch XCR0.
 */
void mv_fpu_setup(void);
int mv_fpu_alloc(struct mv_vcpu *vcpu);
void mv_fpu_free(struct mv_vcpu *vcpu);
void mv_guest_fpu_enter(struct mv_vcpu *vcpu);
void mv_guest_fpu_exit(struct mv_vcpu *vcpu);
u64 mv_guest_xcr0_load(struct mv_vcpu *vcpu);
void mv_guest_xcr0_save(struct mv_vcpu *vcpu, u64 host_xcr0);
/*
 * XCR0 bits a guest may set (0: no XSAVE for guests); the size of its
 * XSAVE area for @xcr0; the components a vCPU's FPU area holds (PKRU,
 * switched apart, is not one).
 */
u64 mv_guest_xcr0_max(void);
unsigned int mv_guest_xsave_size(u64 xcr0);
u64 mv_guest_fpu_components(void);
/* Bytes of a vCPU's FPU area (what struct minivmm_state_fpu carries). */
unsigned int mv_guest_fpu_size(void);
/* XSETBV; @osxsave: the guest's CR4.OSXSAVE. */
enum mv_exit_action mv_exit_xsetbv(struct mv_vcpu *vcpu, bool osxsave);

/*
 * Guest DR0-3 (and DR6 when @dr6: VT-x keeps it in no VMCS field) around
 * an entry, interrupts off: mv_guest_dr_load() before, mv_guest_dr_save()
 * after, which also puts back the host's breakpoints.
 */
void mv_guest_dr_load(struct mv_vcpu *vcpu, bool dr6);
void mv_guest_dr_save(struct mv_vcpu *vcpu, bool dr6);

/* Switch one MSR around an entry, interrupts off (kmod/vcpu.c). */
u64 mv_msr_swap_in(u32 msr, u64 guest);
void mv_msr_swap_out(u32 msr, u64 host, u64 guest);

/*
 * The guest's TSC_AUX in the MSR while it runs, where it can read it
 * (MINIVMM_FEAT(RDTSCP)), interrupts off: mv_guest_tsc_aux_load() before
 * the entry returns the host's value, mv_guest_tsc_aux_put() after puts
 * it back.  WRMSR is intercepted, so the guest's copy stays current.
 */
u64 mv_guest_tsc_aux_load(struct mv_vcpu *vcpu);
void mv_guest_tsc_aux_put(struct mv_vcpu *vcpu, u64 host);

/*
 * Protection keys for guests where the host has them on (CR4.PKE): the
 * guest's PKRU in the register while it runs, the same way round;
 * mv_guest_pkru_save() also reads back what the guest wrote.
 */
bool mv_guest_has_pku(void);

/*
 * Supervisor protection keys (MINIVMM_FEAT(PKS)): the guest's IA32_PKRS
 * in the MSR while it runs (WRMSR to it is intercepted, so the guest's
 * copy stays current); mv_guest_pkrs_put() puts the host's back.
 */
#define MV_MSR_IA32_PKRS	0x000006e1
#define MV_CR4_PKS		BIT_ULL(24)
#define MV_CPUID7_ECX_PKS	BIT(31)
bool mv_guest_has_pks(void);
u64 mv_guest_pkrs_load(struct mv_vcpu *vcpu);
void mv_guest_pkrs_put(struct mv_vcpu *vcpu, u64 host);
u32 mv_guest_pkru_load(struct mv_vcpu *vcpu);
void mv_guest_pkru_save(struct mv_vcpu *vcpu, u32 host);

/* Stop the VM with @reason (first caller wins).  Process context. */
void mv_vm_stop(struct mv_vm *vm, enum minivmm_stop_reason reason,
		u64 detail);

/* kmod/vm.c */
struct mv_vm_opts {		/* optional create arguments */
	bool prealloc;		/* allocate all RAM at create */
	u64 mem_limit;		/* bytes the VM may be granted, 0: none */
	const char *cgroup;	/* or NULL */
	u32 cpu_model;		/* enum minivmm_cpu_model */
};
int mv_vm_create(const char *name, u64 mem_size, u32 nr_vcpus,
		 const struct mv_vm_opts *opts,
		 struct netlink_ext_ack *extack, u32 *id);
/* VM_SET: a VM's memory limit and balloon target (NULL: unchanged, 0: none). */
int mv_vm_set(struct mv_vm *vm, const u64 *mem_limit, const u64 *mem_target,
	      struct netlink_ext_ack *extack);
struct mv_vm *mv_vm_get(u32 id);		/* takes a reference */
struct mv_vm *mv_vm_get_by_name(const char *name);
void mv_vm_put(struct mv_vm *vm);
/* The caller created @vm (same euid) or has CAP_SYS_ADMIN. */
bool mv_vm_may_manage(const struct mv_vm *vm);
int mv_vm_start(struct mv_vm *vm, bool paused,
		struct netlink_ext_ack *extack);
int mv_vm_stop_user(struct mv_vm *vm, bool force, u32 timeout_ms,
		    struct netlink_ext_ack *extack);
int mv_vm_pause(struct mv_vm *vm, struct netlink_ext_ack *extack);
int mv_vm_resume(struct mv_vm *vm, struct netlink_ext_ack *extack);
struct mv_policy;
struct mv_usage;
void mv_policy_init(void);
void mv_policy_get(struct mv_policy *policy, struct mv_usage *usage);
int mv_policy_set(const struct mv_policy *policy,
		  struct netlink_ext_ack *extack);
int mv_vm_destroy(struct mv_vm *vm, bool force,
		  struct netlink_ext_ack *extack);
void mv_vm_destroy_all(void);
/* Call @fn on every VM, in id order, under mv_vms_lock, from @start_id. */
int mv_vm_for_each(u32 start_id, int (*fn)(struct mv_vm *vm, void *arg),
		   void *arg);
void mv_vm_reap_threads(struct mv_vm *vm);	/* vm->lock held */
/* vm->lock with no vCPU in guest mode; -EBUSY while running (vmfd.c). */
int mv_vm_lock_quiet(struct mv_vm *vm);

/*
 * kmod/mem.c: guest RAM, allocated on first touch under the policy.
 * mv_gpa_to_page() is THE way to reach the page behind a guest-physical
 * address: it returns it with a reference (drop it with
 * mv_guest_page_put()), NULL when nothing backs @gpa and !@alloc (the
 * guest would read zeros there), ERR_PTR(-EFAULT) outside RAM,
 * ERR_PTR(-ENOSPC) when the policy refuses the grant, ERR_PTR(-ENOMEM)
 * when the host has no page.  May sleep.
 */
struct page *mv_gpa_to_page(struct mv_vm *vm, u64 gpa, bool alloc);
void mv_guest_page_put(struct page *page);
/*
 * The frames of the @n pages from @gpa on that exist already (none is
 * granted): @pfns[i] for @gpa + i pages, 0 where RAM ends or no page is.
 * Only for mappings that live no longer than vm->ram_mapped keeps pages.
 */
void mv_gpa_present_pfns(struct mv_vm *vm, u64 gpa, unsigned int n,
			 unsigned long *pfns);
int mv_mem_init(struct mv_vm *vm, bool prealloc, struct netlink_ext_ack *extack);
void mv_mem_free(struct mv_vm *vm);
/* Nested page fault inside RAM: grant, map, or pause the VM (reason set). */
enum mv_exit_action mv_mem_fault(struct mv_vcpu *vcpu, u64 gpa);
/* Balloon: the guest returns @npages pages at @gpa; count or -errno. */
long mv_mem_return(struct mv_vcpu *vcpu, u64 gpa, u64 npages);
/* MINIVMM_HC_MEM_TARGET/RETURN/RECLAIM: the value for RAX. */
u64 mv_hc_balloon(struct mv_vcpu *vcpu, u64 nr, u64 gpa, u64 npages);
void mv_mem_set_host_limit(u64 limit);
u64 mv_mem_granted_total(void);
/*
 * Must this vCPU drop its cached guest translations before this entry?
 * True once for every new request of the nested page table (a mapping
 * removed, a table retired, or mv_npt_request_flush() by the core); the
 * request counts as consumed, so the backend flushes when it sees true.
 * The one TLB rule both backends share.  vCPU thread, just before entry.
 */
static inline bool mv_vcpu_flush_due(struct mv_vcpu *vcpu)
{
	u64 gen = mv_npt_flush_gen(&vcpu->vm->npt);

	if (gen == vcpu->flush_gen_seen)
		return false;
	vcpu->flush_gen_seen = gen;
	return true;
}
/*
 * kmod/cgroup.c: put a new vCPU thread in the cgroups of the task that
 * starts the VM (minivmmctl enters the VM's cgroup around VM_START).
 */
int mv_cgroup_attach(struct task_struct *thread);

/* kmod/vcpu.c */
int mv_vcpu_create(struct mv_vm *vm, unsigned int index);
void mv_vcpu_free(struct mv_vcpu *vcpu);
int mv_vcpu_start_thread(struct mv_vcpu *vcpu);

/* kvmclock (kmod/kvmclock.c): KVM's CPUID leaves and clock MSRs. */
#define MV_MSR_KVM_WALL_CLOCK	0x4b564d00	/* MSR_KVM_WALL_CLOCK_NEW */
#define MV_MSR_KVM_SYSTEM_TIME	0x4b564d01	/* MSR_KVM_SYSTEM_TIME_NEW */
bool mv_kvmclock_cpuid(u32 leaf, u32 *a, u32 *b, u32 *c, u32 *d);
int mv_kvmclock_get_msr(struct mv_vcpu *vcpu, u32 msr, u64 *val);
int mv_kvmclock_set_msr(struct mv_vcpu *vcpu, u32 msr, u64 val);
void mv_kvmclock_restored(struct mv_vcpu *vcpu);
/* Module load and unload: the scheduler hooks that time vCPU waits. */
void mv_vcpu_waits_init(void);
void mv_vcpu_waits_exit(void);
/* Nanoseconds @vcpu was runnable without a CPU; 0 if not measured. */
u64 mv_vcpu_wait_time(const struct mv_vcpu *vcpu);
/* Whether mv_vcpu_wait_time() measures anything on this kernel. */
bool mv_vcpu_waits_measured(void);
/*
 * CR4 bits this host implements that a guest may hold; a backend removes
 * what its hardware forbids in guest mode (vendor-neutral, so a VM's state
 * is judged alike on either vendor).
 */
u64 mv_host_cr4_bits(void);

/* kmod/cpumodel.c: what CPU a guest is shown (enum minivmm_cpu_model). */
bool mv_cpu_model_baseline(const struct mv_vm *vm);
u64 mv_cpu_model_cr4(const struct mv_vm *vm);	/* CR4 bits it may set */
int mv_cpu_model_check_host(u32 model, struct netlink_ext_ack *extack);
void mv_cpuid_baseline(struct mv_vcpu *vcpu, u32 leaf, u32 *a, u32 *b,
		       u32 *c, u32 *d);
/* Does this host have TSC_AUX (RDTSCP or RDPID)? */
bool mv_has_tsc_aux(void);
/* Make the vCPU leave guest mode soon (an IPI to its CPU).  Process context. */
void mv_vcpu_kick(struct mv_vcpu *vcpu);
void mv_vcpu_wake(struct mv_vcpu *vcpu);
void mv_vm_wake_all(struct mv_vm *vm);
/*
 * Around each entry, interrupts off: enter returns false when the entry
 * must not happen (the VM is pausing or stopping, or the thread must
 * end); the backend then enables interrupts and returns MV_EXIT_RESUME
 * without entering, and the run loop sees why.
 */
bool mv_vcpu_enter_guest_mode(struct mv_vcpu *vcpu);
void mv_vcpu_exit_guest_mode(struct mv_vcpu *vcpu);
/*
 * Transient-execution hygiene around an entry, interrupts off, each step
 * keyed on the host kernel's own bug and feature flags (a CPU that is not
 * affected pays a test and a branch): mv_spec_switch_vm() before the
 * entry, mv_spec_after_exit() right after the exit.  The entry code does
 * VERW (CLEAR_CPU_BUFFERS) and the RSB refill itself.
 */
void mv_spec_switch_vm(struct mv_vm *vm);
void mv_spec_after_exit(void);

/* kmod/trace.c: backends report each exit (raw vendor code) here. */
void mv_trace_exit(struct mv_vcpu *vcpu, u64 raw);
/* The short path's: after the answer, with the RIP of the exit. */
void mv_trace_exit_at(struct mv_vcpu *vcpu, u64 raw, u64 rip);

/* kmod/netlink.c: a lifecycle event to the "events" group (process context). */
void mv_nl_event(struct mv_vm *vm, enum minivmm_event event);

/* kmod/devices.c: in-kernel devices and the console ring. */
int mv_console_init(struct mv_console *con);
void mv_console_free(struct mv_console *con);
void mv_console_put(struct mv_console *con, u8 byte);
int mv_console_start(struct mv_console *con);
void mv_console_maybe_grow(struct mv_console *con);
void mv_console_image(struct mv_console *con, u8 *ring);
u8 *mv_console_alloc_for(u64 total, u32 *size);
u8 *mv_console_install(struct mv_console *con, u8 *buf, u32 size,
		       const u8 *ring, u64 total);
/*
 * Copy up to @count bytes of the stream from *@pos (advanced past them, and
 * first past anything the ring no longer holds); returns how many.
 */
size_t mv_console_read_from(struct mv_console *con, u64 *pos, u8 *dst,
			    size_t count);
/* Where a new reader starts: the first byte no reader has read yet. */
u64 mv_console_unread_start(struct mv_console *con);
/* Queue guest input; returns how many bytes fitted. */
size_t mv_console_input(struct mv_console *con, const u8 *bytes, size_t n);
enum mv_exit_action mv_io_dispatch(struct mv_vcpu *vcpu, u16 port, u8 size,
				   bool in, u32 *val);
/* Drive the UART's IRQ 4 line from its state (vCPU thread). */
void mv_uart_update_irq(struct mv_vm *vm);

/* kmod/mmio.c: instruction emulation for device pages outside RAM. */
bool mv_mmio_claims(struct mv_vcpu *vcpu, u64 gpa, unsigned int npf_flags);
enum mv_exit_action mv_exit_mmio(struct mv_vcpu *vcpu, u64 gpa);
/* Up to 15 bytes at CS:RIP (@sr: the guest's); @bits: 16, 32 or 64. */
unsigned int mv_fetch_guest_insn(struct mv_vcpu *vcpu,
				 const struct minivmm_sregs *sr, u8 *insn,
				 unsigned int *bits);

/*
 * kmod/irq.c: external interrupts.  A backend calls mv_irq_pending() right
 * before an entry (any context, no sleeping): the vector to inject or -1;
 * when it injects, it calls mv_irq_accept(); when the guest cannot take it
 * yet, it requests an interrupt-window exit.
 */
void mv_irq_init(struct mv_vcpu *vcpu);
void mv_irq_vm_init(struct mv_vm *vm);
void mv_irq_stop(struct mv_vcpu *vcpu);
void mv_irq_pause(struct mv_vcpu *vcpu);
void mv_irq_update_timer(struct mv_vcpu *vcpu);
int mv_irq_pending(struct mv_vcpu *vcpu);
void mv_irq_accept(struct mv_vcpu *vcpu, u8 vector);
/*
 * An ISA IRQ line (0-15) as a PC wires it: to the 8259 pair and to the
 * I/O APIC (IRQ 0 on pin 2, IRQ 2 nowhere, the others on their own pin).
 * dev_lock held.
 */
void mv_isa_set_irq(struct mv_vm *vm, unsigned int irq, bool level);
/* The I/O APIC page, and a local APIC's EOI of a level vector. */
void mv_ioapic_vm_init(struct mv_vm *vm);
bool mv_ioapic_claims(u64 gpa);
void mv_ioapic_lapic_eoi(struct mv_vcpu *vcpu);
void mv_vm_input_arrived(struct mv_vm *vm);

/*
 * kmod/smp.c: the multiprocessor side of the local APIC.  IPIs between
 * vCPUs, INIT and SIPI, and the wait-for-SIPI and halted states.
 * mv_smp_runnable() is called by the run loop before each entry: false
 * when the vCPU must not enter (it waited, or the VM stopped).
 */
void mv_smp_vm_init(struct mv_vm *vm);
void mv_smp_vcpu_init(struct mv_vcpu *vcpu);
bool mv_smp_runnable(struct mv_vcpu *vcpu);
/* HLT with interrupts off: true when it stopped the VM (all halted). */
bool mv_smp_halt(struct mv_vcpu *vcpu);
/* Deliver what an ICR write latched (vcpu->apic.ipi_pending). */
void mv_smp_send_ipi(struct mv_vcpu *vcpu);
/* Fold interrupts other vCPUs posted into the APIC's IRR (vCPU thread). */
void mv_smp_fold_posted(struct mv_vcpu *vcpu);
/*
 * NMIs.  mv_smp_post_nmi() latches one for @t (any context but NMI; wakes a
 * halted target).  The backend, right before an entry with interrupts off,
 * asks mv_nmi_pending() and, when the guest can take it (no NMI handler
 * running, no event queued), injects it and calls mv_nmi_accept(); until
 * then it asks for an exit at the end of the NMI handler (IRET).
 */
void mv_smp_post_nmi(struct mv_vcpu *t);
static inline bool mv_nmi_pending(const struct mv_vcpu *vcpu)
{
	return atomic_read(&vcpu->nmi_pending);
}

static inline void mv_nmi_accept(struct mv_vcpu *vcpu)
{
	atomic_set(&vcpu->nmi_pending, 0);
	vcpu->nmis_injected++;
}
/* An I/O APIC message (ICR format, no shorthand) to its destinations. */
void mv_smp_deliver_msg(struct mv_vm *vm, u32 lo, u32 hi);

/*
 * kmod/pages.c: pages outside the slab allocator, counted for leak checks:
 * &mv_vm_pages for what a VM holds, &mv_host_pages for per-CPU and shared
 * host state.  @node is NUMA_NO_NODE or where the page should live.
 */
extern atomic_long_t mv_vm_pages, mv_host_pages;
struct page *mv_pages_alloc(atomic_long_t *count, int node, gfp_t gfp,
			    unsigned int order);
void mv_pages_free(atomic_long_t *count, struct page *page, unsigned int order);
void mv_pages_check_empty(void);

/*
 * kmod/uio.c: user-space devices.  mv_uio_access() serves a guest access
 * to a claimed range from the vCPU thread (MV_UIO_RETRY: leave the
 * instruction incomplete, the VM is pausing or stopping).
 */
struct mv_uio;
enum mv_uio_result {
	MV_UIO_NONE,
	MV_UIO_DONE,
	MV_UIO_RETRY,
};
enum mv_uio_result mv_uio_access(struct mv_vcpu *vcpu, u32 space, u64 addr,
				 u8 size, bool write, u64 *data);
bool mv_uio_io(struct mv_vcpu *vcpu, u16 port, u8 size, bool in, u32 *val);
bool mv_uio_claims_mmio(struct mv_vm *vm, u64 gpa);
long mv_uio_attach(struct mv_vm *vm);
void mv_uio_free(struct mv_vm *vm);
struct vm_area_struct;
int mv_uio_mmap(struct file *file, struct vm_area_struct *vma);
int mv_irq_set_line(struct mv_vm *vm, u32 irq, u32 level);
void mv_irq_apply_lines(struct mv_vm *vm);

/* kmod/vmfd.c: VM and console file descriptors. */
int mv_vm_open_fd(struct mv_vm *vm);
/* kmod/snapshot.c: MINIVMM_VM_{GET,SET}_DEVSTATE/_LAPIC, _GET_MEM_MAP. */
long mv_snap_ioctl(struct mv_vm *vm, unsigned int cmd, void __user *argp);
/*
 * kmod/dirty.c: MINIVMM_VM_DIRTY_LOG/_GET_DIRTY, and the hooks of the
 * write paths: the _locked ones with vm->npt_lock held.
 */
struct file;
long mv_dirty_ioctl(struct mv_vm *vm, const struct file *file,
		    unsigned int cmd, void __user *argp);
void mv_dirty_release(struct mv_vm *vm, const struct file *file);
bool mv_dirty_logging(struct mv_vm *vm);
void mv_dirty_mark(struct mv_vm *vm, u64 gpa);
void mv_dirty_mark_locked(struct mv_vm *vm, u64 gpa);
int mv_dirty_write_fault(struct mv_vm *vm, u64 gpa);
void mv_dirty_free(struct mv_vm *vm);

/* Set once at module init, read-only afterwards. */
struct mv_host {
	const struct mv_vendor_ops *ops;
	u64 features;			/* MINIVMM_FEAT_* */
};
extern struct mv_host mv_host;

/* kmod/virt.c: per-CPU enable through CPU hotplug. */
int mv_virt_init(void);
void mv_virt_exit(void);
unsigned int mv_virt_cpus_enabled(void);

/* kmod/chardev.c, kmod/netlink.c: the user-visible interfaces. */
int mv_chardev_init(void);
void mv_chardev_exit(void);
int mv_netlink_init(void);
void mv_netlink_exit(void);

/* The answer to an info query, shared by the ioctl and netlink paths. */
void mv_fill_info(struct minivmm_info *info);

#endif /* MINIVMM_CORE_H */
