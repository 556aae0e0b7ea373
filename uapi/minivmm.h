/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * minivmm user-space ABI: the only header shared by the kernel module and
 * minivmmctl.
 *
 * Rules (see DESIGN.md): fixed-width types only, explicit padding, reserved
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
	MINIVMM_ATTR_PAUSE_REASON,	/* u32, enum minivmm_pause_reason */

	__MINIVMM_ATTR_MAX,
};
#define MINIVMM_ATTR_MAX (__MINIVMM_ATTR_MAX - 1)

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

	MINIVMM_FEAT_BIT_COUNT,
};
#define MINIVMM_FEAT(bit)	(1ULL << MINIVMM_FEAT_BIT_##bit)

#define MINIVMM_NAME_MAX	32	/* including the NUL */
#define MINIVMM_MAX_VCPUS	1	/* grows with SMP support */

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
	MINIVMM_STOP_POWEROFF,		/* guest wrote "Shutdown" to port 0x8900 */
};

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
	MINIVMM_EVENT_DEVICE_GONE,	/* paused: its device process went away */
};

/* Why a VM is PAUSED (reported with MINIVMM_ATTR_PAUSE_REASON). */
enum minivmm_pause_reason {
	MINIVMM_PAUSE_NONE,		/* not paused */
	MINIVMM_PAUSE_USER,		/* VM_PAUSE */
	MINIVMM_PAUSE_DEVICE_GONE,	/* the device fd was closed */
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

/* Guest-physical port numbers of the in-kernel devices. */
#define MINIVMM_PORT_COM1	0x3f8	/* 16550 UART subset, 8 ports */
#define MINIVMM_PORT_DEBUG_EXIT	0xf4	/* write: stop the VM, EXITED, code = value */
#define MINIVMM_PORT_SHUTDOWN	0x8900	/* the bytes "Shutdown": stop, POWEROFF */
#define MINIVMM_PORT_FW_CFG	0x510	/* QEMU fw_cfg: selector, data at +1 */
#define MINIVMM_PORT_PCI_ADDR	0xcf8	/* PCI configuration: no devices */
#define MINIVMM_PORT_PCI_DATA	0xcfc
#define MINIVMM_PORT_PIC1	0x20	/* 8259 pair: init and masks only */
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
 *                        a request is a rising edge).
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

#endif /* _UAPI_MINIVMM_H */
