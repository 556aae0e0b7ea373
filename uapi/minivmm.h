/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * minivmm user-space ABI: the only header shared by the kernel module and
 * minivmmctl.
 *
 * Rules: fixed-width types only, explicit padding, reserved
 * tails that must be zero, a size assertion for every struct.  Enumerations
 * are append-only; MINIVMM_API_VERSION changes only on an incompatible break.
 *
 * Control plane: generic netlink family MINIVMM_GENL_NAME.
 * Data plane:    the character device /dev/minivmm (ioctls below).
 */
#ifndef _UAPI_MINIVMM_H
#define _UAPI_MINIVMM_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define MINIVMM_API_VERSION		1

/* ---- generic netlink ---------------------------------------------------- */

#define MINIVMM_GENL_NAME		"minivmm"
#define MINIVMM_GENL_VERSION		1
#define MINIVMM_GENL_MCGRP_EVENTS	"events"

/* Commands (append only). */
enum minivmm_cmd {
	MINIVMM_CMD_UNSPEC,
	MINIVMM_CMD_INFO,		/* -> API_VERSION VENDOR CPUS_ENABLED FEATURES */
	MINIVMM_CMD_VM_CREATE,		/* VM_NAME MEM_SIZE [NR_VCPUS] -> VM_ID */
	MINIVMM_CMD_VM_START,		/* VM_ID */
	MINIVMM_CMD_VM_STOP,		/* VM_ID [FORCE] */
	MINIVMM_CMD_VM_DESTROY,		/* VM_ID [FORCE] */
	MINIVMM_CMD_VM_GET,		/* VM_ID | VM_NAME -> VM attributes; dump: all */
	MINIVMM_CMD_VM_PAUSE,		/* VM_ID | VM_NAME */
	MINIVMM_CMD_VM_RESUME,		/* VM_ID | VM_NAME */
	MINIVMM_CMD_VM_STATS,		/* as VM_GET (state, counters); dump: all */
	MINIVMM_CMD_POLICY_GET,		/* -> POLICY_* and what is in use */
	MINIVMM_CMD_POLICY_SET,		/* any of POLICY_MAX_* */
	MINIVMM_CMD_EVENT,		/* multicast only: EVENT VM_ID VM_NAME [...] */
	MINIVMM_CMD_VM_SET,		/* VM_ID | VM_NAME, [MEM_LIMIT] [MEM_TARGET] */

	__MINIVMM_CMD_MAX,
};
#define MINIVMM_CMD_MAX (__MINIVMM_CMD_MAX - 1)

/* Attributes (append only). */
enum minivmm_attr {
	MINIVMM_ATTR_UNSPEC,
	MINIVMM_ATTR_PAD,		/* alignment padding for u64 attributes */
	MINIVMM_ATTR_API_VERSION,	/* u32 */
	MINIVMM_ATTR_VENDOR,		/* u32, enum minivmm_vendor */
	MINIVMM_ATTR_CPUS_ENABLED,	/* u32 */
	MINIVMM_ATTR_FEATURES,		/* u64, MINIVMM_FEAT_* */
	MINIVMM_ATTR_VM_ID,		/* u32, never 0, never reused while loaded */
	MINIVMM_ATTR_VM_NAME,		/* string, 1..MINIVMM_NAME_MAX-1 of [A-Za-z0-9._-] */
	MINIVMM_ATTR_MEM_SIZE,		/* u64 bytes, multiple of 4 KiB */
	MINIVMM_ATTR_NR_VCPUS,		/* u32 */
	MINIVMM_ATTR_FORCE,		/* flag */
	MINIVMM_ATTR_VM_STATE,		/* u32, enum minivmm_vm_state */
	MINIVMM_ATTR_STOP_REASON,	/* u32, enum minivmm_stop_reason */
	MINIVMM_ATTR_EXIT_CODE,		/* u32: value the guest wrote to port 0xf4 */
	MINIVMM_ATTR_ERROR_GPA,		/* u64: guest-physical address of a bad access */
	MINIVMM_ATTR_ERROR_RAW,		/* u64: raw VMX/SVM exit code of an internal error */
	MINIVMM_ATTR_MEM_TOUCHED,	/* u64 bytes mapped so far */
	MINIVMM_ATTR_CONSOLE_BYTES,	/* u64 bytes the guest wrote to its UART */
	MINIVMM_ATTR_UNCLAIMED_IO,	/* u64 accesses to ports no device claims */
	MINIVMM_ATTR_RUN_TIME_NS,	/* u64 time spent in the guest */
	MINIVMM_ATTR_EXITS,		/* nest: MINIVMM_EXIT_* + 1 -> u64 count */
	MINIVMM_ATTR_TIMEOUT_MS,	/* u32: VM_STOP grace period (default 250),
					 * for guests that poll
					 * MINIVMM_HC_STOP_REQUESTED
					 */
	MINIVMM_ATTR_POLICY_MAX_VMS,	/* u32 */
	MINIVMM_ATTR_POLICY_MAX_MEM,	/* u64 bytes of guest RAM, all VMs */
	MINIVMM_ATTR_POLICY_MAX_VCPUS,	/* u32 per VM */
	MINIVMM_ATTR_NR_VMS,		/* u32: VMs that exist (POLICY_GET) */
	MINIVMM_ATTR_MEM_RESERVED,	/* u64: guest RAM granted (POLICY_GET) */
	MINIVMM_ATTR_EVENT,		/* u32, enum minivmm_event */
	MINIVMM_ATTR_OWNER_UID,		/* u32: creator's uid */
	/* Resources on demand (README "Resources on demand"). */
	MINIVMM_ATTR_PREALLOC,		/* flag (VM_CREATE): all RAM at create */
	MINIVMM_ATTR_MEM_LIMIT,		/* u64 bytes a VM may be granted, 0: none */
	MINIVMM_ATTR_MEM_TARGET,	/* u64 balloon target, 0: none (VM_SET) */
	MINIVMM_ATTR_MEM_GRANTED,	/* u64 bytes of RAM allocated (VM; POLICY_GET: all VMs) */
	MINIVMM_ATTR_MEM_RETURNED,	/* u64 bytes the guest's balloon holds */
	MINIVMM_ATTR_PAUSE_REASON,	/* u32, enum minivmm_pause_reason */
	MINIVMM_ATTR_POLICY_MAX_GRANTED,/* u64 bytes granted to all VMs together */
	MINIVMM_ATTR_POLICY_OVERCOMMIT,	/* u32 percent: declared RAM may reach
					 * POLICY_MAX_MEM * this / 100
					 * (100..MINIVMM_OVERCOMMIT_MAX)
					 */
	MINIVMM_ATTR_CGROUP,		/* string: cgroup v2 path of the vCPU threads */
	MINIVMM_ATTR_VCPU_STATS,	/* nest: vCPU index + 1 -> nest of
					 * enum minivmm_vcpu_attr (VM_STATS)
					 */
	MINIVMM_ATTR_CPU_MODEL,		/* u32, enum minivmm_cpu_model (VM_CREATE) */
	MINIVMM_ATTR_START_PAUSED,	/* flag (VM_START): vCPU threads made and
					 * parked; VM_RESUME runs them
					 */

	__MINIVMM_ATTR_MAX,
};
#define MINIVMM_ATTR_MAX (__MINIVMM_ATTR_MAX - 1)

/*
 * The CPU a guest is shown (CPUID, and the CR4 bits it may set).  HOST: the
 * host's, minus what minivmm does not virtualize.  BASELINE: the same on
 * every host, AMD or Intel: an x86-64-v2 CPU of vendor "MinivmmBasic"
 * (SSE3 to SSE4.2, POPCNT, CMPXCHG16B, LAHF, NX; no XSAVE, no x2APIC), so
 * that a VM saved on AMD-V can be restored on VT-x and back.  A host that
 * lacks one of its features refuses to create such a VM.
 */
enum minivmm_cpu_model {
	MINIVMM_CPU_HOST = 0,
	MINIVMM_CPU_BASELINE = 1,
	__MINIVMM_CPU_MODEL_MAX,
};
#define MINIVMM_CPU_MODEL_MAX (__MINIVMM_CPU_MODEL_MAX - 1)

/*
 * The baseline's feature words (also what a snapshot file records):
 * CPUID.1 ECX: SSE3 SSSE3 CX16 SSE4.1 SSE4.2 POPCNT HYPERVISOR;
 * CPUID.1 EDX: FPU DE PSE TSC MSR PAE CX8 APIC SEP MTRR PGE CMOV PAT PSE36
 * CLFSH MMX FXSR SSE SSE2; 80000001h ECX: LAHF/SAHF; EDX: SYSCALL NX LM.
 */
#define MINIVMM_BASELINE_1_ECX	0x80982201u
#define MINIVMM_BASELINE_1_EDX	0x078bbb7du
#define MINIVMM_BASELINE_X1_ECX	0x00000001u
#define MINIVMM_BASELINE_X1_EDX	0x20100800u

/* Per-vCPU statistics inside MINIVMM_ATTR_VCPU_STATS (append only). */
enum minivmm_vcpu_attr {
	MINIVMM_VCPU_ATTR_UNSPEC,
	MINIVMM_VCPU_ATTR_PAD,
	MINIVMM_VCPU_ATTR_EXITS,	/* u64: exits of this vCPU, all reasons */
	MINIVMM_VCPU_ATTR_RUN_TIME_NS,	/* u64 */
	MINIVMM_VCPU_ATTR_IRQS,		/* u64: interrupts injected */
	MINIVMM_VCPU_ATTR_IPIS,		/* u64: IPIs this vCPU sent */
	MINIVMM_VCPU_ATTR_MP_STATE,	/* u32: enum minivmm_mp_state */
	/*
	 * u64: time the vCPU thread was ready to run but had no CPU: held
	 * back by its cgroup's cpu.max, or waiting behind other tasks.
	 * Absent where the kernel lacks CONFIG_PREEMPT_NOTIFIERS.
	 */
	MINIVMM_VCPU_ATTR_WAIT_TIME_NS,

	__MINIVMM_VCPU_ATTR_MAX,
};
#define MINIVMM_VCPU_ATTR_MAX (__MINIVMM_VCPU_ATTR_MAX - 1)

/* What a vCPU is doing, multiprocessor-wise. */
enum minivmm_mp_state {
	MINIVMM_MP_RUNNABLE,		/* running or halted with interrupts on */
	MINIVMM_MP_WAIT_SIPI,		/* after INIT (APs start here) */
	MINIVMM_MP_HALTED,		/* HLT with interrupts off */
};

/* ---- facts about the host ----------------------------------------------- */

enum minivmm_vendor {
	MINIVMM_VENDOR_NONE = 0,
	MINIVMM_VENDOR_VMX  = 1,	/* Intel VT-x */
	MINIVMM_VENDOR_SVM  = 2,	/* AMD-V */
};

/* Hardware features the module found and uses (bit numbers, append only). */
enum minivmm_feature_bit {
	MINIVMM_FEAT_BIT_NPT,		/* nested paging: EPT or NPT */
	MINIVMM_FEAT_BIT_NPT_2M,	/* 2 MiB nested pages */
	MINIVMM_FEAT_BIT_TAGGED_TLB,	/* VPID or ASID */
	MINIVMM_FEAT_BIT_UNRESTRICTED,	/* VMX unrestricted guest */
	MINIVMM_FEAT_BIT_NPT_AD,	/* EPT accessed/dirty flags */
	MINIVMM_FEAT_BIT_PREEMPT_TIMER,	/* VMX preemption timer */
	MINIVMM_FEAT_BIT_NRIPS,		/* SVM next-RIP save */
	MINIVMM_FEAT_BIT_DECODE_ASSISTS,/* SVM decode assists */
	MINIVMM_FEAT_BIT_FLUSH_BY_ASID,	/* SVM TLB flush by ASID */
	MINIVMM_FEAT_BIT_VMCB_CLEAN,	/* SVM VMCB clean bits */
	MINIVMM_FEAT_BIT_VGIF,		/* SVM virtual GIF */
	MINIVMM_FEAT_BIT_PAUSE_LOOP,	/* VMX PAUSE-loop exiting, SVM pause filter */
	MINIVMM_FEAT_BIT_RDTSCP,	/* guests run RDTSCP/RDPID, own TSC_AUX */
	MINIVMM_FEAT_BIT_PKS,		/* guests get supervisor protection keys */

	MINIVMM_FEAT_BIT_COUNT,
};
#define MINIVMM_FEAT(bit)	(1ULL << MINIVMM_FEAT_BIT_##bit)

#define MINIVMM_NAME_MAX	32	/* including the NUL */
/*
 * vCPUs per VM (each a kernel thread; vCPU i has APIC ID i, vCPU 0 is the
 * bootstrap processor, the others wait for INIT/SIPI).  The policy's
 * max-vcpus may lower it.
 */
#define MINIVMM_MAX_VCPUS	64

/*
 * VM states.  Transitions:
 *   CREATED --start--> RUNNING --(guest exit, crash, error, stop)--> STOPPED
 *   RUNNING --pause--> PAUSED --resume--> RUNNING
 *   any state --destroy--> (gone); RUNNING/PAUSED need FORCE.
 * Anything else is refused with -EBUSY or -EINVAL and a message.
 */
enum minivmm_vm_state {
	MINIVMM_VM_CREATED,
	MINIVMM_VM_RUNNING,
	MINIVMM_VM_PAUSED,
	MINIVMM_VM_STOPPED,
};

/* Why a VM is STOPPED (the first reason recorded wins). */
enum minivmm_stop_reason {
	MINIVMM_STOP_NONE,
	MINIVMM_STOP_EXITED,		/* guest wrote EXIT_CODE to port 0xf4 */
	MINIVMM_STOP_HALTED,		/* HLT with interrupts disabled */
	MINIVMM_STOP_CRASHED,		/* triple fault (shutdown) */
	MINIVMM_STOP_BAD_GPA,		/* access outside RAM and devices: ERROR_GPA */
	MINIVMM_STOP_INTERNAL_ERROR,	/* unhandled exit or entry failure: ERROR_RAW */
	MINIVMM_STOP_USER,		/* VM_STOP */
	MINIVMM_STOP_POWEROFF,		/* "Shutdown" to port 0x8900, or ACPI S5 */
};

/*
 * Why a VM is PAUSED: by its user, by the VMM when the guest touched
 * memory the policy would not grant (raise the limit, then resume), or
 * when its device process went away (attach another, then resume).
 */
enum minivmm_pause_reason {
	MINIVMM_PAUSE_NONE,
	MINIVMM_PAUSE_USER,		/* VM_PAUSE */
	MINIVMM_PAUSE_HOST_MEM_LIMIT,	/* policy --max-granted reached */
	MINIVMM_PAUSE_VM_MEM_LIMIT,	/* the VM's --mem-limit reached */
	MINIVMM_PAUSE_HOST_NO_MEMORY,	/* the host had no free page */
	MINIVMM_PAUSE_DEVICE_GONE,	/* its device process's fd was closed */
};

#define MINIVMM_OVERCOMMIT_MAX	10000	/* percent: declared RAM up to 100x */
#define MINIVMM_CGROUP_MAX	256	/* including the NUL */

/* Lifecycle events on the "events" multicast group. */
enum minivmm_event {
	MINIVMM_EVENT_CREATED,
	MINIVMM_EVENT_STARTED,
	MINIVMM_EVENT_PAUSED,
	MINIVMM_EVENT_RESUMED,
	MINIVMM_EVENT_HALTED,		/* HLT with interrupts off */
	MINIVMM_EVENT_EXITED,		/* + EXIT_CODE */
	MINIVMM_EVENT_CRASHED,		/* + STOP_REASON, ERROR_GPA/ERROR_RAW */
	MINIVMM_EVENT_STOPPED,		/* by VM_STOP */
	MINIVMM_EVENT_DESTROYED,
	MINIVMM_EVENT_POWEROFF,		/* the guest powered itself off */
	MINIVMM_EVENT_MEM_REFUSED,	/* a grant was refused: + PAUSE_REASON,
					 * MEM_GRANTED; a PAUSED event follows
					 */
	MINIVMM_EVENT_DEVICE_GONE,	/* paused: its device process went away */
};

/* Vendor-neutral exit reasons, for the per-reason counters. */
enum minivmm_exit_reason {
	MINIVMM_EXIT_INTR,		/* host interrupt */
	MINIVMM_EXIT_NMI,
	MINIVMM_EXIT_CPUID,
	MINIVMM_EXIT_HLT,
	MINIVMM_EXIT_IO,
	MINIVMM_EXIT_MSR,
	MINIVMM_EXIT_HYPERCALL,
	MINIVMM_EXIT_NPF,		/* nested page fault / EPT violation */
	MINIVMM_EXIT_SHUTDOWN,		/* triple fault */
	MINIVMM_EXIT_EXCEPTION,
	MINIVMM_EXIT_PREEMPT,		/* time slice ended */
	MINIVMM_EXIT_OTHER,
	MINIVMM_EXIT_PAUSE,		/* PAUSE-loop exit: the guest spins */

	MINIVMM_EXIT_COUNT,
};

/*
 * Hypercalls (VMMCALL on AMD, VMCALL on Intel): number in RAX, arguments in
 * RBX, RCX, RDX, RSI; the result replaces RAX.  Unknown numbers return
 * -ENOSYS (-38) as a 64-bit two's complement value.
 */
#define MINIVMM_HC_API_VERSION	0	/* -> MINIVMM_API_VERSION */
#define MINIVMM_HC_ADD		1	/* -> RBX + RCX + RDX + RSI */
#define MINIVMM_HC_NOP		2	/* -> 0 (round-trip benchmarks) */
#define MINIVMM_HC_STOP_REQUESTED 3	/* -> 1 once VM_STOP asks the guest to end */
#define MINIVMM_HC_VM_ID	4	/* -> this VM's id (as minivmmctl list shows it) */
/*
 * Balloon.  The host sets a target (minivmmctl set NAME --mem-target); a
 * guest that cooperates polls MEM_TARGET and, while it holds more than the
 * target, gives pages back with MEM_RETURN; when the target grows, it may
 * use returned pages again (MEM_RECLAIM, then touch them: they read as
 * zero and are granted again under the policy).
 */
#define MINIVMM_HC_MEM_TARGET	5	/* -> bytes the guest should hold (RAM size when no target) */
#define MINIVMM_HC_MEM_RETURN	6	/* RBX = GPA (4 KiB aligned), RCX = pages
					 * -> pages given back, or -EINVAL;
					 * -EOPNOTSUPP in a VM of 2+ vCPUs or
					 * whose RAM a device process mapped
					 */
#define MINIVMM_HC_MEM_RECLAIM	7	/* RBX = GPA, RCX = pages: taken back
					 * into use -> 0, or -EINVAL
					 */

/* Guest-physical port numbers of the in-kernel devices. */
#define MINIVMM_PORT_COM1	0x3f8	/* 16550 UART subset, 8 ports */
#define MINIVMM_PORT_DEBUG_EXIT	0xf4	/* write: stop the VM, EXITED, code = value */
#define MINIVMM_PORT_SHUTDOWN	0x8900	/* the bytes "Shutdown": stop, POWEROFF */
/*
 * ACPI PM1a blocks (the FADT minivmmctl writes for bzImage guests): event
 * status and enable at +0 and +2 (read 0), control at +4 (reads SCI_EN);
 * SLP_EN with SLP_TYP MINIVMM_ACPI_S5_TYP (the DSDT's \_S5_) stops the VM,
 * POWEROFF.
 */
#define MINIVMM_PORT_ACPI_PM1	0x600
#define MINIVMM_ACPI_S5_TYP	5
#define MINIVMM_PORT_FW_CFG	0x510	/* QEMU fw_cfg: selector, data at +1 */
#define MINIVMM_PORT_PCI_ADDR	0xcf8	/* PCI configuration: no devices */
#define MINIVMM_PORT_PCI_DATA	0xcfc
#define MINIVMM_PORT_PIC1	0x20	/* 8259 pair (kmod/platform.c), IRQs to vCPU 0 */
#define MINIVMM_PORT_PIC2	0xa0
/* Guest-physical address of the local APIC (xAPIC MMIO; not relocatable). */
#define MINIVMM_APIC_BASE	0xfee00000ULL

/* ---- /dev/minivmm ------------------------------------------------------- */

#define MINIVMM_IOC_MAGIC	0xB7

struct minivmm_info {
	__u32 api_version;	/* MINIVMM_API_VERSION */
	__u32 vendor;		/* enum minivmm_vendor */
	__u32 cpus_enabled;	/* CPUs with virtualization switched on */
	__u32 reserved0;
	__u64 features;		/* MINIVMM_FEAT(...) mask */
	__u64 reserved[4];
};
_Static_assert(sizeof(struct minivmm_info) == 56, "minivmm_info ABI size");

#define MINIVMM_GET_INFO	_IOR(MINIVMM_IOC_MAGIC, 0x00, struct minivmm_info)

/* Returns a VM file descriptor (O_CLOEXEC) for VM @id. */
struct minivmm_open_vm {
	__u32 id;
	__u32 flags;		/* must be 0 */
	__u64 reserved[2];	/* must be 0 */
};
_Static_assert(sizeof(struct minivmm_open_vm) == 24, "minivmm_open_vm ABI size");
#define MINIVMM_OPEN_VM		_IOW(MINIVMM_IOC_MAGIC, 0x01, struct minivmm_open_vm)

/*
 * On a VM file descriptor: pwrite()/pread() at a guest-physical offset move
 * bytes into/out of guest RAM (any state).  Register access needs the VM in
 * CREATED, PAUSED or STOPPED state (-EBUSY while RUNNING).
 *
 * gprs[] is indexed by the x86 register number: RAX RCX RDX RBX RSP RBP RSI
 * RDI R8..R15.
 */
enum minivmm_gpr {
	MINIVMM_RAX, MINIVMM_RCX, MINIVMM_RDX, MINIVMM_RBX,
	MINIVMM_RSP, MINIVMM_RBP, MINIVMM_RSI, MINIVMM_RDI,
	MINIVMM_R8, MINIVMM_R9, MINIVMM_R10, MINIVMM_R11,
	MINIVMM_R12, MINIVMM_R13, MINIVMM_R14, MINIVMM_R15,
	MINIVMM_NR_GPRS,
};

struct minivmm_regs {
	__u32 vcpu;		/* vCPU index */
	__u32 reserved0;
	__u64 gprs[MINIVMM_NR_GPRS];
	__u64 rip;
	__u64 rflags;
	__u64 reserved[6];
};
_Static_assert(sizeof(struct minivmm_regs) == 200, "minivmm_regs ABI size");

/* A segment register with its hidden part, in descriptor terms. */
struct minivmm_segment {
	__u64 base;
	__u32 limit;		/* byte granular, already scaled by G */
	__u16 selector;
	__u8  type;		/* descriptor type, 4 bits */
	__u8  s;		/* 1 = code/data, 0 = system */
	__u8  dpl;
	__u8  present;
	__u8  avl;
	__u8  l;		/* 64-bit code */
	__u8  db;
	__u8  g;
	__u8  unusable;		/* null/unusable (VMX); forces present = 0 */
	__u8  padding0;
};
_Static_assert(sizeof(struct minivmm_segment) == 24, "minivmm_segment ABI size");

struct minivmm_dtable {
	__u64 base;
	__u16 limit;
	__u16 padding[3];
};
_Static_assert(sizeof(struct minivmm_dtable) == 16, "minivmm_dtable ABI size");

struct minivmm_sregs {
	__u32 vcpu;
	__u32 reserved0;
	struct minivmm_segment cs, ds, es, fs, gs, ss, tr, ldt;
	struct minivmm_dtable gdt, idt;
	__u64 cr0, cr2, cr3, cr4, efer;
	__u64 reserved[8];
};
_Static_assert(sizeof(struct minivmm_sregs) == 336, "minivmm_sregs ABI size");

#define MINIVMM_VM_GET_REGS	_IOWR(MINIVMM_IOC_MAGIC, 0x10, struct minivmm_regs)
#define MINIVMM_VM_SET_REGS	_IOW(MINIVMM_IOC_MAGIC, 0x11, struct minivmm_regs)
#define MINIVMM_VM_GET_SREGS	_IOWR(MINIVMM_IOC_MAGIC, 0x12, struct minivmm_sregs)
#define MINIVMM_VM_SET_SREGS	_IOW(MINIVMM_IOC_MAGIC, 0x13, struct minivmm_sregs)
/*
 * Returns a console file descriptor (O_CLOEXEC): read() drains the guest's
 * UART output (blocking unless O_NONBLOCK; 0 = end of file once the VM has
 * stopped and everything was read), write() queues input for the guest's
 * UART (up to 256 bytes wait; -EAGAIN when full, -EPIPE once stopped),
 * poll() says when there is more to read or room to write.
 */
#define MINIVMM_VM_CONSOLE	_IO(MINIVMM_IOC_MAGIC, 0x14)

/*
 * ---- snapshots: device-model state and the RAM map (save/restore) ------
 *
 * All three need the VM in CREATED, PAUSED or STOPPED state (-EBUSY while
 * RUNNING), through a VM fd (owner or administrator).  SET checks every
 * field and refuses the whole struct with -EINVAL (nothing changes) when
 * one is out of range.  Times are relative, so a state moves between
 * hosts and boots: *_elapsed_ns is how long before GET the count was
 * loaded, and SET makes it so long before now; *_pending counts timer
 * expiries that happened but were not yet delivered to the guest.
 */
#define MINIVMM_DEVSTATE_VERSION	1
#define MINIVMM_CONSOLE_RING		65536	/* console output kept */
#define MINIVMM_CONSOLE_INPUT		256	/* console input queued */

/* One 8259 (see kmod/platform.h). */
struct minivmm_pic_state {
	__u8 icw1, vector_base, cascade, icw4;
	__u8 init_step;		/* 0 (ready), 2, 3 or 4: next ICW */
	__u8 imr, read_isr, irr;
	__u8 isr, lines, elcr;
	__u8 padding[5];
};
_Static_assert(sizeof(struct minivmm_pic_state) == 16, "minivmm_pic_state ABI size");

/* One 8254 channel (see kmod/pit.h). */
struct minivmm_pit_channel_state {
	__u8 mode;		/* 0-5 */
	__u8 rw;		/* 0 (never programmed), 1 LSB, 2 MSB, 3 both */
	__u8 write_msb, read_msb, loaded, latched;	/* 0 or 1 */
	__u16 latch;
	__u16 pending_lsb;	/* 0-255 */
	__u16 padding0;
	__u32 reload;		/* 1-65536 when loaded, else 0-65536 */
	__u64 elapsed_ns;	/* since the count was loaded */
};
_Static_assert(sizeof(struct minivmm_pit_channel_state) == 24,
	       "minivmm_pit_channel_state ABI size");

struct minivmm_devstate {
	__u32 size;		/* sizeof(struct minivmm_devstate) */
	__u32 version;		/* MINIVMM_DEVSTATE_VERSION */
	/* 16550 subset at COM1 */
	__u8 uart_ier;		/* 0-0x0f */
	__u8 uart_lcr;
	__u8 uart_mcr;		/* 0-0x1f */
	__u8 uart_scr, uart_dll, uart_dlm;
	__u8 uart_thre_pending;	/* 0 or 1 */
	__u8 padding0;
	/*
	 * Console: the output stream's length, the furthest any reader got
	 * (a console fd opened later starts there), bytes lost unread, and
	 * a user pointer to MINIVMM_CONSOLE_RING bytes in which stream byte
	 * p is at p % MINIVMM_CONSOLE_RING (the last min(total, RING) bytes
	 * are meaningful).  Input the guest has not read yet: in_len bytes
	 * of console_in, oldest first.
	 */
	__u64 console_total;
	__u64 console_read_max;	/* <= total */
	__u64 console_dropped;	/* <= total */
	__u64 console_ring;	/* user address */
	__u32 console_in_len;	/* 0-MINIVMM_CONSOLE_INPUT */
	__u32 padding1;
	__u8 console_in[MINIVMM_CONSOLE_INPUT];
	/* platform: fw_cfg, PCI address latch, 8259 pair, "Shutdown" port */
	__u64 ram_size;		/* must equal the VM's */
	__u32 nr_cpus;		/* must equal the VM's */
	__u16 fw_cfg_key;
	__u8 shutdown_pos;	/* 0-7 */
	__u8 padding2;
	__u32 fw_cfg_offset;
	__u32 pci_addr;
	struct minivmm_pic_state pic[2];	/* master, slave */
	/* 8254 and port 0x61 */
	struct minivmm_pit_channel_state pit[3];
	__u8 pit_gate2, pit_speaker, pit_refresh;	/* 0 or 1 */
	__u8 padding3;
	__u32 pit_irq0_pending;	/* <= MINIVMM_TIMER_PENDING_MAX */
	__u64 reserved[8];	/* must be 0 */
};
_Static_assert(sizeof(struct minivmm_devstate) == 512, "minivmm_devstate ABI size");

#define MINIVMM_TIMER_PENDING_MAX	1000000
#define MINIVMM_LAPIC_STATE_VERSION	1

/* One vCPU's local APIC (see kmod/lapic.h). */
struct minivmm_lapic_state {
	__u32 vcpu;		/* vCPU index */
	__u32 version;		/* MINIVMM_LAPIC_STATE_VERSION */
	__u64 base_msr;		/* IA32_APIC_BASE: 0xfee00000 | BSP | EXTD | EN */
	__u32 id;		/* the vCPU index */
	__u32 tpr, dfr, ldr, svr, esr, icr_lo, icr_hi;
	__u32 lvt[6];		/* timer, thermal, perf, LINT0, LINT1, error */
	__u32 timer_initial, timer_divide;
	__u64 timer_elapsed_ns;	/* since timer_initial was written */
	__u32 isr[8], irr[8], tmr[8];
	__u64 ipis;
	__u32 timer_pending;	/* <= MINIVMM_TIMER_PENDING_MAX */
	__u32 padding0;
	__u64 reserved[8];	/* must be 0 */
};
_Static_assert(sizeof(struct minivmm_lapic_state) == 264, "minivmm_lapic_state ABI size");

/*
 * Which 4 KiB pages of guest RAM may hold data: bit n (byte n / 8, bit
 * n % 8) for the page at n * 4096.  Pages whose bit is clear read as
 * zero.  bitmap_size must cover every page of the VM (-EINVAL if not).
 */
struct minivmm_mem_map {
	__u64 bitmap;		/* user address */
	__u64 bitmap_size;	/* bytes */
	__u64 reserved[2];	/* must be 0 */
};
_Static_assert(sizeof(struct minivmm_mem_map) == 32, "minivmm_mem_map ABI size");

#define MINIVMM_VM_GET_DEVSTATE	_IOWR(MINIVMM_IOC_MAGIC, 0x40, struct minivmm_devstate)
#define MINIVMM_VM_SET_DEVSTATE	_IOW(MINIVMM_IOC_MAGIC, 0x41, struct minivmm_devstate)
#define MINIVMM_VM_GET_LAPIC	_IOWR(MINIVMM_IOC_MAGIC, 0x42, struct minivmm_lapic_state)
#define MINIVMM_VM_SET_LAPIC	_IOW(MINIVMM_IOC_MAGIC, 0x43, struct minivmm_lapic_state)
#define MINIVMM_VM_GET_MEM_MAP	_IOW(MINIVMM_IOC_MAGIC, 0x44, struct minivmm_mem_map)

/* ---- the whole vCPU state (MINIVMM_VM_GET_STATE / MINIVMM_VM_SET_STATE) -- */

/*
 * One vendor-neutral layout for everything a vCPU holds, the same on VT-x
 * and AMD-V (NetBSD NVMM's nvmm_x64_state is the model).  @mask selects the
 * sections read or written; a section not in @mask is left alone on SET
 * (and reads as zero on GET).  SET checks the state that results (the
 * sections given over the vCPU's current others) as a CPU would at VM
 * entry, and refuses a state it would not accept with -EINVAL and the
 * offending field's MINIVMM_FIELD_* in @invalid_field.
 */
#define MINIVMM_STATE_VERSION	1

#define MINIVMM_STATE_GPRS	(1U << 0)	/* gprs, rip, rflags */
#define MINIVMM_STATE_SEGS	(1U << 1)	/* segments, gdt, idt */
#define MINIVMM_STATE_CRS	(1U << 2)	/* cr0 cr2 cr3 cr4 cr8 efer xcr0 */
#define MINIVMM_STATE_DRS	(1U << 3)	/* dr0-3 dr6 dr7 */
#define MINIVMM_STATE_MSRS	(1U << 4)	/* struct minivmm_state_msrs */
#define MINIVMM_STATE_EVENTS	(1U << 5)	/* interrupt shadow, pending event */
#define MINIVMM_STATE_LAPIC	(1U << 6)	/* local APIC registers */
#define MINIVMM_STATE_FPU	(1U << 7)	/* x87/SSE/AVX: the XSAVE area */
#define MINIVMM_STATE_ALL	0xffU

/*
 * What @invalid_field names (append only): X(NAME, text) for each
 * MINIVMM_FIELD_NAME, the text being how messages name the field.  The one
 * list the enum and every name table (kernel and minivmmctl) are made of.
 */
#define MINIVMM_STATE_FIELDS(X) \
	X(NONE, "nothing") \
	X(HEADER, "the header (version, size, mask or a reserved field)") \
	X(RIP, "RIP") \
	X(RFLAGS, "RFLAGS") \
	X(CS, "CS") \
	X(DS, "DS") \
	X(ES, "ES") \
	X(FS, "FS") \
	X(GS, "GS") \
	X(SS, "SS") \
	X(TR, "TR") \
	X(LDT, "LDTR") \
	X(GDT, "GDTR") \
	X(IDT, "IDTR") \
	X(CR0, "CR0") \
	X(CR3, "CR3") \
	X(CR4, "CR4") \
	X(CR8, "CR8") \
	X(EFER, "EFER") \
	X(XCR0, "XCR0") \
	X(DR0_3, "DR0-DR3") \
	X(DR6, "DR6") \
	X(DR7, "DR7") \
	X(SYSENTER, "SYSENTER_CS/ESP/EIP") \
	X(STAR, "STAR") \
	X(LSTAR, "LSTAR") \
	X(CSTAR, "CSTAR") \
	X(SFMASK, "SFMASK") \
	X(KERNEL_GS_BASE, "KERNEL_GS_BASE") \
	X(PAT, "PAT") \
	X(TSC_AUX, "TSC_AUX") \
	X(APIC_BASE, "APIC_BASE") \
	X(MISC_ENABLE, "MISC_ENABLE") \
	X(INT_SHADOW, "the interrupt shadow") \
	X(EVENT, "the pending event") \
	X(LAPIC, "the local APIC") \
	X(FPU, "the FPU area") \
	X(PKRU, "PKRU") \
	X(PKRS, "IA32_PKRS")

#define MINIVMM_FIELD_ENUM_(name, text)	MINIVMM_FIELD_##name,
enum minivmm_state_field {
	MINIVMM_STATE_FIELDS(MINIVMM_FIELD_ENUM_)
	MINIVMM_FIELD_COUNT,
};
#undef MINIVMM_FIELD_ENUM_

/* MSRs a guest holds (those of struct minivmm_sregs aside). */
struct minivmm_state_msrs {
	__u64 sysenter_cs, sysenter_esp, sysenter_eip;
	__u64 star, lstar, cstar, sfmask, kernel_gs_base;
	__u64 pat;
	__u64 tsc_offset;	/* guest TSC = host TSC + tsc_offset */
	__u64 tsc_aux;
	__u64 apic_base;	/* IA32_APIC_BASE */
	__u64 misc_enable;	/* IA32_MISC_ENABLE (read-only for now) */
	__u64 pkru;		/* protection keys (32 bits; 0 at reset) */
	__u64 pkrs;		/* IA32_PKRS, supervisor keys (32 bits) */
	__u64 kvm_system_time;	/* MSR_KVM_SYSTEM_TIME_NEW (kvmclock) */
	__u64 kvm_wall_clock;	/* MSR_KVM_WALL_CLOCK_NEW */
	__u64 reserved[3];
};
_Static_assert(sizeof(struct minivmm_state_msrs) == 160, "state_msrs ABI size");

/* Event types, as both AMD-V's EVENTINJ and VT-x's interruption info. */
#define MINIVMM_EVENT_INTR	0	/* external interrupt */
#define MINIVMM_EVENT_NMI	2
#define MINIVMM_EVENT_EXCEPTION	3
#define MINIVMM_EVENT_SOFT_INT	4	/* INT n */

struct minivmm_state_events {
	__u8  int_shadow;	/* STI or MOV SS blocking for one instruction */
	__u8  nmi_blocked;	/* an NMI handler runs (until IRET) */
	__u8  pending;		/* an event is injected at the next entry */
	__u8  type;		/* MINIVMM_EVENT_* */
	__u8  vector;
	__u8  has_error;	/* @error_code is pushed */
	__u8  insn_len;		/* SOFT_INT: length of the INT instruction */
	__u8  nmi_pending;	/* an NMI waits for delivery (0 or 1) */
	__u32 error_code;
	__u32 padding1;
	__u64 reserved[4];
};
_Static_assert(sizeof(struct minivmm_state_events) == 48, "state_events ABI size");

#define MINIVMM_LAPIC_LVTS	6	/* timer, thermal, perf, LINT0, LINT1, error */
struct minivmm_state_lapic {
	__u32 id, tpr, dfr, ldr, svr, esr, icr_lo, icr_hi;
	__u32 lvt[MINIVMM_LAPIC_LVTS];
	__u32 timer_initial, timer_divide;
	__u32 timer_current;	/* counts left (0: not counting) */
	__u32 padding0;
	__u32 isr[8], irr[8], tmr[8];
	__u64 reserved[11];
};
_Static_assert(sizeof(struct minivmm_state_lapic) == 256, "state_lapic ABI size");

#define MINIVMM_FPU_FXSAVE	0	/* a 512-byte FXSAVE image */
#define MINIVMM_FPU_XSAVE	1	/* an XSAVE area, standard format */
#define MINIVMM_FPU_AREA_MAX	4096
struct minivmm_state_fpu {
	__u32 format;		/* MINIVMM_FPU_*: what this host keeps */
	__u32 size;		/* bytes of @area in use */
	__u64 components;	/* XSAVE components @area holds (XCR0 bits) */
	__u64 reserved[6];
	__u8  area[MINIVMM_FPU_AREA_MAX];	/* 64-byte aligned in the struct */
};
_Static_assert(sizeof(struct minivmm_state_fpu) == 4160, "state_fpu ABI size");

struct minivmm_vcpu_state {
	__u32 version;		/* MINIVMM_STATE_VERSION */
	__u32 size;		/* sizeof(struct minivmm_vcpu_state) */
	__u32 vcpu;		/* vCPU index */
	__u32 mask;		/* MINIVMM_STATE_* sections */
	__u32 invalid_field;	/* out, on -EINVAL: MINIVMM_FIELD_* */
	__u32 reserved0;
	__u64 reserved1[5];

	/* GPRS */
	__u64 gprs[MINIVMM_NR_GPRS];
	__u64 rip, rflags;
	/* SEGS */
	struct minivmm_segment cs, ds, es, fs, gs, ss, tr, ldt;
	struct minivmm_dtable gdt, idt;
	/* CRS */
	__u64 cr0, cr2, cr3, cr4, cr8, efer, xcr0;
	/* DRS */
	__u64 dr[4], dr6, dr7;
	__u64 reserved2[3];
	struct minivmm_state_msrs msrs;
	struct minivmm_state_events events;
	struct minivmm_state_lapic lapic;
	struct minivmm_state_fpu fpu;
};
_Static_assert(sizeof(struct minivmm_vcpu_state) == 5184, "vcpu_state ABI size");

/*
 * On a VM fd, the VM CREATED, PAUSED or STOPPED (-EBUSY while RUNNING):
 * GET fills the sections of @mask for vCPU @vcpu; SET writes them.
 */
#define MINIVMM_VM_GET_STATE	_IOWR(MINIVMM_IOC_MAGIC, 0x20, struct minivmm_vcpu_state)
#define MINIVMM_VM_SET_STATE	_IOWR(MINIVMM_IOC_MAGIC, 0x21, struct minivmm_vcpu_state)

/*
 * ---- user-space devices -------------------------------------------------
 *
 * MINIVMM_VM_DEV_ATTACH on a VM fd returns a device fd (O_CLOEXEC); one per
 * VM at a time (-EBUSY).  On it:
 *   MINIVMM_DEV_CLAIM    claim a port or MMIO range (up to
 *                        MINIVMM_DEV_MAX_CLAIMS; never RAM or an in-kernel
 *                        device, never overlapping another claim);
 *   read()               guest accesses to claimed ranges, as whole
 *                        struct minivmm_dev_req (blocking unless O_NONBLOCK;
 *                        poll() says EPOLLIN when one waits);
 *   write()              answers, as whole struct minivmm_dev_resp, to
 *                        requests without MINIVMM_DEV_REQ_POSTED: the vCPU
 *                        waits for them (reads: @data is the value);
 *   MINIVMM_DEV_IRQ      drive an 8259 input line (ISA IRQ 1-15 but 2 and 4,
 *                        which the module uses; the 8259 is edge-triggered:
 *                        a request is a rising edge);
 *   MINIVMM_DEV_STATUS   have the module answer an interrupt status
 *                        register itself (struct minivmm_dev_status).
 * Closing the last copy of the device fd pauses a running VM with
 * MINIVMM_PAUSE_DEVICE_GONE (MINIVMM_DEV_SET_STATE keeps what a successor
 * needs to carry on); a guest access to a claimed range while no
 * device fd is attached does the same, the instruction not completed.  A
 * new MINIVMM_VM_DEV_ATTACH drops the old claims; resuming the VM then
 * replays the interrupted access to the new process.
 *
 * mmap() of a VM fd (MAP_SHARED, offset = guest-physical address, page
 * aligned, inside RAM) maps guest RAM itself.
 */
#define MINIVMM_DEV_MAX_CLAIMS	32

enum minivmm_dev_space {
	MINIVMM_DEV_PIO = 1,		/* I/O ports: base + len <= 0x10000 */
	MINIVMM_DEV_MMIO = 2,		/* 4-byte aligned, above RAM, below 2^48 */
};

#define MINIVMM_DEV_CLAIM_POSTED	(1u << 0)	/* writes do not wait */

struct minivmm_dev_claim {
	__u32 space;		/* enum minivmm_dev_space */
	__u32 flags;		/* MINIVMM_DEV_CLAIM_* */
	__u64 base;
	__u64 len;
	__u64 reserved[2];	/* must be 0 */
};
_Static_assert(sizeof(struct minivmm_dev_claim) == 40, "minivmm_dev_claim ABI size");

#define MINIVMM_DEV_REQ_WRITE	(1u << 0)
#define MINIVMM_DEV_REQ_POSTED	(1u << 1)	/* no answer expected */

struct minivmm_dev_req {
	__u64 id;		/* echo in the answer */
	__u64 addr;		/* port or guest-physical address */
	__u64 data;		/* value written (WRITE) */
	__u32 space;		/* enum minivmm_dev_space */
	__u8  size;		/* 1, 2, 4 or 8 bytes */
	__u8  flags;		/* MINIVMM_DEV_REQ_* */
	__u16 vcpu;
};
_Static_assert(sizeof(struct minivmm_dev_req) == 32, "minivmm_dev_req ABI size");

struct minivmm_dev_resp {
	__u64 id;
	__u64 data;		/* value read */
	__u64 reserved[2];	/* must be 0 */
};
_Static_assert(sizeof(struct minivmm_dev_resp) == 32, "minivmm_dev_resp ABI size");

#define MINIVMM_DEV_IRQ_LOW	0
#define MINIVMM_DEV_IRQ_HIGH	1
#define MINIVMM_DEV_IRQ_PULSE	2	/* high, then low */

struct minivmm_dev_irq {
	__u32 irq;
	__u32 level;		/* MINIVMM_DEV_IRQ_* */
	__u64 reserved;		/* must be 0 */
};
_Static_assert(sizeof(struct minivmm_dev_irq) == 16, "minivmm_dev_irq ABI size");

/*
 * An interrupt status register the module answers for the device process,
 * so that a guest's interrupt handler never waits for that process
 * (virtio-mmio's InterruptStatus and InterruptACK).  Slot @index:
 *   MINIVMM_DEV_STATUS_DEFINE  a 4-byte read at @read_gpa returns the bits
 *	and marks them read; a 4-byte write at @ack_gpa clears the bits it
 *	names that were read; ISA line @irq (as MINIVMM_DEV_IRQ) gets an
 *	edge when bits appear in a clear register and after an
 *	acknowledgement that leaves bits set.  Both addresses 4-byte aligned,
 *	inside this process's MMIO claims, in no other slot.  The register
 *	starts clear (a device reset defines its slot again).
 *   MINIVMM_DEV_STATUS_RAISE   set @bits in a defined slot.
 * Slots end with the device fd: a successor defines them again.
 */
#define MINIVMM_DEV_MAX_STATUS		8
#define MINIVMM_DEV_STATUS_DEFINE	1
#define MINIVMM_DEV_STATUS_RAISE	2

struct minivmm_dev_status {
	__u32 index;		/* below MINIVMM_DEV_MAX_STATUS */
	__u32 op;		/* MINIVMM_DEV_STATUS_* */
	__u32 irq;		/* DEFINE */
	__u32 bits;		/* RAISE */
	__u64 read_gpa;		/* DEFINE */
	__u64 ack_gpa;		/* DEFINE */
	__u64 reserved[2];	/* must be 0 */
};
_Static_assert(sizeof(struct minivmm_dev_status) == 48, "minivmm_dev_status ABI size");

/*
 * The device process's own state (register values, queue addresses), kept
 * by the module across device processes: SET stores @len bytes (at most
 * MINIVMM_DEV_STATE_MAX) from @buf, GET copies what was stored to @buf
 * (@len: its size) and returns the stored length (0: none).
 */
#define MINIVMM_DEV_STATE_MAX	4096
struct minivmm_dev_state {
	__u64 buf;		/* user pointer */
	__u32 len;
	__u32 reserved;		/* must be 0 */
};
_Static_assert(sizeof(struct minivmm_dev_state) == 16, "minivmm_dev_state ABI size");

#define MINIVMM_VM_DEV_ATTACH	_IO(MINIVMM_IOC_MAGIC, 0x28)
#define MINIVMM_DEV_CLAIM	_IOW(MINIVMM_IOC_MAGIC, 0x29, struct minivmm_dev_claim)
#define MINIVMM_DEV_IRQ		_IOW(MINIVMM_IOC_MAGIC, 0x2a, struct minivmm_dev_irq)
#define MINIVMM_DEV_SET_STATE	_IOW(MINIVMM_IOC_MAGIC, 0x2b, struct minivmm_dev_state)
#define MINIVMM_DEV_GET_STATE	_IOW(MINIVMM_IOC_MAGIC, 0x2c, struct minivmm_dev_state)
#define MINIVMM_DEV_STATUS	_IOW(MINIVMM_IOC_MAGIC, 0x2d, struct minivmm_dev_status)

/*
 * Dirty-page logging for live migration (kmod/dirty.c).  DIRTY_LOG with
 * enable = 1 starts logging: every page that holds data counts as dirty
 * once, then a page is dirty again when the guest writes it (through a
 * write-protected nested page) or the VM fd's pwrite does.  -EBUSY while
 * a device process has (ever) mapped guest RAM (MINIVMM_VM_DEV_ATTACH and
 * mmap): its writes could not be seen.  enable = 0 stops logging.
 *
 * GET_DIRTY fetches and clears, in one step per call, the dirty bits of
 * npages pages from first_gpa (a multiple of 64 pages, 256 KiB) into the
 * user bitmap (bit n: byte n / 8, bit n % 8, for the page at first_gpa +
 * n * 4096; bitmap_size bytes, at least DIV_ROUND_UP(npages, 8)), and
 * write-protects those pages again.  When it returns, no vCPU can write
 * a page it reported clean without the write being logged, so a copy of
 * a page made after the call is at least as new as the bit says.
 * dirty: the number of bits set.  -ENOENT when logging is off.
 */
struct minivmm_dirty_log {
	__u32 enable;		/* 1: start, 0: stop */
	__u32 flags;		/* must be 0 */
	__u64 reserved[3];	/* must be 0 */
};
_Static_assert(sizeof(struct minivmm_dirty_log) == 32, "minivmm_dirty_log ABI size");

struct minivmm_dirty_bitmap {
	__u64 bitmap;		/* user address */
	__u64 bitmap_size;	/* bytes */
	__u64 first_gpa;	/* multiple of 256 KiB, inside RAM */
	__u64 npages;		/* > 0; first_gpa + npages * 4096 <= RAM */
	__u64 dirty;		/* out: pages reported dirty */
	__u64 reserved[3];	/* must be 0 */
};
_Static_assert(sizeof(struct minivmm_dirty_bitmap) == 64, "minivmm_dirty_bitmap ABI size");

#define MINIVMM_VM_DIRTY_LOG	_IOW(MINIVMM_IOC_MAGIC, 0x48, struct minivmm_dirty_log)
#define MINIVMM_VM_GET_DIRTY	_IOWR(MINIVMM_IOC_MAGIC, 0x49, struct minivmm_dirty_bitmap)

/*
 * The VM's I/O APIC (kmod/ioapic.h), saved and restored with the other
 * device state while the VM is quiet.  SET checks every field and refuses
 * the whole struct with -EINVAL (nothing changes) when one is out of
 * range: id only in bits 27:24, redirection entries without reserved bits
 * and without delivery status, remote IRR only on level-triggered pins,
 * irr and lines within the 24 pins, reserved zero.
 */
#define MINIVMM_IOAPIC_STATE_VERSION	1
#define MINIVMM_IOAPIC_PINS		24
struct minivmm_ioapic_state {
	__u32 size;		/* sizeof(struct minivmm_ioapic_state) */
	__u32 version;		/* MINIVMM_IOAPIC_STATE_VERSION */
	__u32 id;		/* ID register */
	__u32 irr;		/* pins with a request not yet sent */
	__u32 lines;		/* input pins asserted */
	__u8 regsel;		/* IOREGSEL */
	__u8 padding[3];	/* must be 0 */
	__u64 rte[MINIVMM_IOAPIC_PINS];
	__u64 reserved[5];	/* must be 0 */
};
_Static_assert(sizeof(struct minivmm_ioapic_state) == 256, "minivmm_ioapic_state ABI size");

#define MINIVMM_VM_GET_IOAPIC	_IOR(MINIVMM_IOC_MAGIC, 0x38, struct minivmm_ioapic_state)
#define MINIVMM_VM_SET_IOAPIC	_IOW(MINIVMM_IOC_MAGIC, 0x39, struct minivmm_ioapic_state)

/*
 * The VM's MC146818 RTC and CMOS RAM (kmod/platform.c), saved and restored
 * with the other device state while the VM is quiet.  The clock itself is
 * offset_s: the guest's time minus the host's real time, in seconds, so
 * that it keeps running on another host or after a restore (as the
 * guest's wall clock does on real hardware while it is switched off).
 * reg holds the 128 bytes as the guest wrote them (the time registers are
 * recomputed from the clock on each read unless register B's SET bit
 * froze them).  SET refuses the whole struct with -EINVAL (nothing
 * changes) for an index of 128 or more, an offset beyond
 * MINIVMM_RTC_OFFSET_MAX either way, or padding and reserved not 0.
 */
#define MINIVMM_RTC_STATE_VERSION	1
#define MINIVMM_RTC_REGS		128
#define MINIVMM_RTC_OFFSET_MAX		(1LL << 40)	/* seconds, ~34,800 years */
struct minivmm_rtc_state {
	__u32 size;		/* sizeof(struct minivmm_rtc_state) */
	__u32 version;		/* MINIVMM_RTC_STATE_VERSION */
	__s64 offset_s;		/* guest time - host real time */
	__u8 index;		/* selected by port 0x70: 0-127 */
	__u8 padding[7];	/* must be 0 */
	__u8 reg[MINIVMM_RTC_REGS];
	__u64 reserved[2];	/* must be 0 */
};
_Static_assert(sizeof(struct minivmm_rtc_state) == 168, "minivmm_rtc_state ABI size");

#define MINIVMM_VM_GET_RTC	_IOR(MINIVMM_IOC_MAGIC, 0x3a, struct minivmm_rtc_state)
#define MINIVMM_VM_SET_RTC	_IOW(MINIVMM_IOC_MAGIC, 0x3b, struct minivmm_rtc_state)

#endif /* _UAPI_MINIVMM_H */
