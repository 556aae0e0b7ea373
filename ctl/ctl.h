/* SPDX-License-Identifier: GPL-2.0 */
/* minivmmctl internals shared by the subcommand files. */
#ifndef MINIVMMCTL_H
#define MINIVMMCTL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <netlink/attr.h>
#include "uapi/minivmm.h"

/* Documented exit codes (minivmmctl(8)). */
enum ctl_exit {
	CTL_EXIT_OK = 0,
	CTL_EXIT_FAIL = 1,	/* the request failed; a sentence on stderr */
	CTL_EXIT_USAGE = 2,	/* bad command line */
};

struct ctl_cmd {
	const char *name;
	const char *args;	/* usage synopsis after the name */
	const char *help;
	int (*run)(int argc, char **argv);
};

void ctl_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
extern char ctl_last_err[256];	/* the last ctl_err() sentence */
int ctl_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* After getopt_long() returned '?': name the offending option, exit 2. */
int ctl_bad_option(const char *what, char **argv);

/*
 * Netlink (nl.c).  A request is one command with optional attributes; each
 * reply's parsed attributes go to @handle (once for a plain request, once per
 * VM for a dump).  Errors are printed as "minivmmctl: WHAT: <kernel extack
 * message> (<strerror>)".  ctl_nl_call() returns 0 or a CTL_EXIT_* code;
 * req->err holds the kernel's errno (positive) when it refused.
 */
typedef int (*ctl_nl_handler)(struct nlattr **attrs, void *arg);

struct ctl_nl_req {
	int cmd;
	const char *what;	/* prefix for error messages, e.g. "create" */
	bool dump;		/* NLM_F_DUMP */
	bool has_id;
	uint32_t id;		/* MINIVMM_ATTR_VM_ID */
	const char *name;	/* MINIVMM_ATTR_VM_NAME, if non-NULL */
	bool has_mem;
	uint64_t mem;		/* MINIVMM_ATTR_MEM_SIZE */
	bool has_vcpus;
	uint32_t vcpus;		/* MINIVMM_ATTR_NR_VCPUS */
	bool force;		/* MINIVMM_ATTR_FORCE */
	bool has_timeout;
	uint32_t timeout_ms;	/* MINIVMM_ATTR_TIMEOUT_MS */
	bool has_max_vms;
	uint32_t max_vms;	/* MINIVMM_ATTR_POLICY_MAX_VMS */
	bool has_max_mem;
	uint64_t max_mem;	/* MINIVMM_ATTR_POLICY_MAX_MEM */
	bool has_max_vcpus;
	uint32_t max_vcpus;	/* MINIVMM_ATTR_POLICY_MAX_VCPUS */
	bool prealloc;		/* MINIVMM_ATTR_PREALLOC */
	bool start_paused;	/* MINIVMM_ATTR_START_PAUSED */
	bool has_mem_limit;
	uint64_t mem_limit;	/* MINIVMM_ATTR_MEM_LIMIT */
	bool has_mem_target;
	uint64_t mem_target;	/* MINIVMM_ATTR_MEM_TARGET */
	bool has_max_granted;
	uint64_t max_granted;	/* MINIVMM_ATTR_POLICY_MAX_GRANTED */
	bool has_overcommit;
	uint32_t overcommit;	/* MINIVMM_ATTR_POLICY_OVERCOMMIT */
	const char *cgroup;	/* MINIVMM_ATTR_CGROUP, if non-NULL */
	bool has_cpu_model;
	uint32_t cpu_model;	/* MINIVMM_ATTR_CPU_MODEL */
	bool quiet;		/* do not print the kernel's refusal */
	int err;		/* out: errno of a refusal, 0 otherwise */
	char errmsg[256];	/* out: the kernel's extack sentence, if any */
};

int ctl_nl_call(struct ctl_nl_req *req, ctl_nl_handler handle, void *arg);
/* Old entry point: @cmd without attributes. */
int ctl_nl_request(int cmd, ctl_nl_handler handle, void *arg);
/*
 * Join the "events" multicast group and hand every MINIVMM_CMD_EVENT message
 * to @handle until it returns non-zero or receiving fails (CTL_EXIT_FAIL).
 */
int ctl_nl_listen_events(ctl_nl_handler handle, void *arg);

/* vm.c: VM lookup and data plane helpers. */
struct ctl_vm {
	uint32_t id;
	char name[MINIVMM_NAME_MAX];
	uint32_t state;
	uint64_t mem;
	uint32_t vcpus;
	uint32_t stop_reason;
	uint32_t exit_code;
	uint64_t error_gpa;
	uint64_t error_raw;
	uint32_t owner_uid;
	uint32_t pause_reason;		/* enum minivmm_pause_reason */
	bool has_state, has_mem, has_stop_reason, has_exit_code, has_owner;
	/* Resources on demand (cmd_resources.c). */
	uint64_t mem_granted, mem_limit, mem_target, mem_returned;
	bool prealloc, has_granted;
	char cgroup[MINIVMM_CGROUP_MAX];
	uint32_t cpu_model;		/* enum minivmm_cpu_model */
};

/* Statistics of one VM (VM_STATS). */
struct ctl_stats {
	struct ctl_vm vm;
	uint64_t mem_touched;
	uint64_t run_time_ns;
	uint64_t console_bytes;
	uint64_t unclaimed_io;
	uint64_t exits[MINIVMM_EXIT_COUNT];
	bool has_exits;
	/* Per vCPU (MINIVMM_ATTR_VCPU_STATS), nr_vcpu_stats of them. */
	struct ctl_vcpu_stats {
		uint64_t exits, run_time_ns, irqs, ipis;
		uint64_t wait_time_ns;	/* runnable without a CPU */
		bool has_wait;		/* the module measures it */
		uint32_t mp_state;
	} vcpu[MINIVMM_MAX_VCPUS];
	unsigned int nr_vcpu_stats;
};

/* Resource policy and use (POLICY_GET). */
struct ctl_policy {
	uint32_t max_vms, max_vcpus, nr_vms;
	uint64_t max_mem, mem_reserved;
	bool has_max_vms, has_max_vcpus, has_nr_vms, has_max_mem, has_mem_reserved;
	uint64_t max_granted, mem_granted;
	uint32_t overcommit;
	bool has_max_granted, has_overcommit;
};

void ctl_vm_from_attrs(struct ctl_vm *vm, struct nlattr **attrs);
/* Look up a VM by NAME or decimal ID (VM_GET). */
int ctl_vm_get(const char *what, const char *name_or_id, struct ctl_vm *vm);
int ctl_vm_get_id(const char *what, uint32_t id, struct ctl_vm *vm);
/* ctl_vm_get() printing nothing on failure. */
int ctl_vm_get_quiet(const char *name_or_id, struct ctl_vm *vm);
/* Fill req->has_id/id or req->name from a NAME|ID argument. */
void ctl_req_vm(struct ctl_nl_req *req, const char *name_or_id);
const char *ctl_state_name(uint32_t state);
/* Short lower-case name of a MINIVMM_EXIT_* reason ("intr", "io", ...). */
const char *ctl_exit_name(unsigned int reason);
void ctl_stats_from_attrs(struct ctl_stats *st, struct nlattr **attrs);
int ctl_policy_get(const char *what, bool quiet, struct ctl_policy *pol);
/* Human size: 512M, 2.0G, 4096 ("ls -h" style, powers of 1024). */
const char *ctl_fmt_size(uint64_t bytes, char *buf, size_t len);
/* Print @s as a JSON string literal to stdout. */
void ctl_json_string(const char *s);
const char *ctl_stop_name(uint32_t reason);
/* Parse SIZE (64K, 16M, 1G, 4096): 0 ok, -1 garbage. */
int ctl_parse_size(const char *s, uint64_t *out);
/* Open /dev/minivmm and a VM fd for @id; prints and returns -1 on error. */
int ctl_open_vm(const char *what, uint32_t id);
/* enum minivmm_vendor of the loaded module (NONE if it cannot be asked). */
uint32_t ctl_host_vendor(void);
/* Console fd of @vmfd (MINIVMM_VM_CONSOLE), -1 after a message. */
int ctl_console_open(const char *what, int vmfd);
/*
 * Copy console @con to stdout until end of file; returns CTL_EXIT_FAIL early
 * when @wake_fd (if >= 0) becomes readable.
 */
int ctl_console_pump(const char *what, int con, int wake_fd);

int ctl_vm_create(const char *what, const char *name, uint64_t mem,
		  uint32_t vcpus, uint32_t *id);
struct ctl_create_opts {
	bool prealloc;
	uint64_t mem_limit;	/* 0: none */
	const char *cgroup;	/* NULL or "": none */
	uint32_t cpu_model;	/* enum minivmm_cpu_model */
};
/* --cpu-model host|baseline into @model; 0 or CTL_EXIT_USAGE after a message. */
int ctl_parse_cpu_model(const char *what, const char *arg, uint32_t *model);
const char *ctl_cpu_model_name(uint32_t model);
int ctl_vm_create_opts(const char *what, const char *name, uint64_t mem,
		       uint32_t vcpus, const struct ctl_create_opts *o,
		       uint32_t *id);
/* Parse and check --mem; returns 0 or CTL_EXIT_USAGE after a message. */
int ctl_check_mem(const char *what, const char *arg, uint64_t *mem);

/* loader.c */
/* CTL_MODE_LINUX64: long mode with the Linux boot GDT (loader.c; no --mode). */
enum ctl_mode { CTL_MODE_REAL, CTL_MODE_PROT32, CTL_MODE_LONG, CTL_MODE_LINUX64 };
int ctl_parse_mode(const char *s, enum ctl_mode *mode);
/* Write @size bytes of @path at @gpa; refuses to exceed @mem. */
int ctl_load_file(const char *what, int vmfd, const char *path, uint64_t gpa,
		  uint64_t mem);
/* Write @len bytes at guest-physical @gpa (pwrite on the VM fd). */
int ctl_guest_write(const char *what, int vmfd, const void *buf, size_t len,
		    uint64_t gpa);
/* Entry registers that replace the defaults of a mode (see loader.c). */
struct ctl_entry {
	uint64_t rip, rax, rbx, rsi;
	/*
	 * Where the GDT goes (the TSS follows it at +0x100) and RSP, for a
	 * loader that had to move them out of its kernel's way; 0: the
	 * default layout of loader.c.
	 */
	uint64_t gdt_gpa, rsp;
};
#define CTL_GDT_TSS_SIZE	0x200	/* GDT at +0, TSS at +0x100 */
/* Write GDT/TSS/page tables and set the registers for @mode. */
int ctl_setup_mode(const char *what, int vmfd, enum ctl_mode mode, uint64_t mem);
/* The same, with RIP, RAX and RBX from @entry instead of the defaults. */
int ctl_setup_entry(const char *what, int vmfd, enum ctl_mode mode, uint64_t mem,
		    const struct ctl_entry *entry);

#define CTL_IMAGE_GPA	0x10000ULL

/* multiboot.c: image formats and the Multiboot v1 loader. */
enum ctl_format {
	CTL_FMT_AUTO,		/* detect (command line default) */
	CTL_FMT_FLAT,
	CTL_FMT_MULTIBOOT,
	CTL_FMT_BZIMAGE,	/* Linux boot protocol >= 2.12 (bzimage.c) */
	CTL_FMT_ELF,		/* ELF without a Multiboot header: refused */
};
int ctl_parse_format(const char *s, enum ctl_format *fmt);
/* Read up to @len bytes at @off; returns the count or -1 (errno set). */
ssize_t ctl_pread_full(int fd, void *buf, size_t len, uint64_t off);
/*
 * Open a regular, non-empty (unless @empty_ok) file for reading; its size in
 * *size; -1 after "WHAT: cannot open KIND 'PATH': ..." or a similar sentence.
 */
int ctl_open_file(const char *what, const char *kind, const char *path,
		  bool empty_ok, uint64_t *size);
/* Detect @path's format; CTL_FMT_AUTO and a message on errors. */
enum ctl_format ctl_detect_format(const char *what, const char *path);

#define CTL_MB_MAX_MODULES	64
struct ctl_mb_boot;	/* a checked plan: what goes where, the entry state */
/*
 * Check the Multiboot kernel @path, its @nmods modules and @append against a
 * guest of @mem bytes, all before any VM exists; NULL after a message.
 */
struct ctl_mb_boot *ctl_mb_prepare(const char *what, const char *path,
				   uint64_t mem, const char *append,
				   char *const *modules, unsigned int nmods);
/* Write the plan into the VM and set its registers: 0 or CTL_EXIT_FAIL. */
int ctl_mb_load(const char *what, int vmfd, struct ctl_mb_boot *boot);
void ctl_mb_free(struct ctl_mb_boot *boot);
/* Does a kernel segment or module lie in [gpa, gpa + len)? */
bool ctl_mb_overlaps(const struct ctl_mb_boot *boot, uint64_t gpa,
		     uint64_t len);
/*
 * bios.c (--bios-state): the 8259s, the PIT and a real-mode interrupt
 * table as a PC BIOS leaves them; after ctl_mb_load().  0 or -1 after a
 * message.
 */
int ctl_bios_state(const char *what, int vmfd, const struct ctl_mb_boot *boot);

/* bzimage.c: the Linux x86 boot protocol (>= 2.12, 64-bit entry). */
struct ctl_bz_boot;	/* a checked plan, as for Multiboot */
/*
 * Check the bzImage @path, the optional @initrd and @append against a guest
 * of @mem bytes before any VM exists; NULL after a message.
 */
struct ctl_bz_boot *ctl_bz_prepare(const char *what, const char *path,
				   uint64_t mem, const char *append,
				   const char *initrd);
int ctl_bz_load(const char *what, int vmfd, struct ctl_bz_boot *boot);
/*
 * mptable.c: an MP table for @ncpus vCPUs in the BIOS area (bzImage
 * guests); kmod/ioapic.c's I/O APIC ID for a VM of @ncpus vCPUs.
 * acpi.c: the ACPI tables (MADT, and FADT/DSDT for poweroff) likewise.
 */
int ctl_mptable_write(const char *what, int vmfd, unsigned int ncpus);
uint8_t ctl_ioapic_id(unsigned int ncpus);
/* A memory-mapped device the DSDT lists under \_SB (virtio-mmio). */
struct ctl_acpi_dev {
	uint64_t base;
	uint32_t size;
	uint8_t irq;		/* ISA IRQ, edge-triggered, active high */
};

#define CTL_ACPI_MAX_DEVS	8
int ctl_acpi_write(const char *what, int vmfd, unsigned int ncpus,
		   const struct ctl_acpi_dev *devs, unsigned int ndevs);
void ctl_bz_free(struct ctl_bz_boot *boot);

int cmd_info(int argc, char **argv);
int cmd_create(int argc, char **argv);
int cmd_load(int argc, char **argv);
int cmd_start(int argc, char **argv);
int cmd_stop(int argc, char **argv);
int cmd_destroy(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_console(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_pause(int argc, char **argv);
int cmd_resume(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_top(int argc, char **argv);
int cmd_events(int argc, char **argv);
int cmd_policy(int argc, char **argv);
/* cmd_snapshot.c */
int cmd_save(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_clone(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_receive(int argc, char **argv);

int cmd_set(int argc, char **argv);

/* cmd_resources.c: memory and cgroup helpers shared by the commands. */
/* Fill the resource fields of @vm from a VM_GET/VM_STATS reply. */
void ctl_vm_resources_from_attrs(struct ctl_vm *vm, struct nlattr **attrs);
const char *ctl_pause_name(uint32_t reason);
/*
 * The cgroup a new VM's vCPU threads go to: @asked (a path below the
 * cgroup v2 mount, "none" for no placement), or the default minivmm/NAME
 * when cgroup v2 and its cpu controller are there.  Creates it (and
 * enables the controllers on the way); *@path is "" when there is none,
 * after a one-line note saying why.  0 or CTL_EXIT_FAIL.
 */
int ctl_cgroup_prepare(const char *what, const char *name, const char *asked,
		       char *path, size_t len);
/* Start VM @id with its vCPU threads in @cgroup ("" : the caller's). */
int ctl_vm_start_in_cgroup(const char *what, uint32_t id, const char *cgroup);
/* Is cgroup v2 mounted (no cgroup work to do otherwise)? */
bool ctl_cgroup_v2_mounted(void);
/* Remove an empty per-VM cgroup that minivmmctl created (best effort). */
void ctl_cgroup_remove(const char *cgroup);
/* JSON fields and text lines of the resource part of a VM's stats. */
void ctl_print_resources_json(const struct ctl_vm *vm);
void ctl_print_resources_text(const struct ctl_vm *vm);

int cmd_state(int argc, char **argv);
/* The name of a MINIVMM_FIELD_* that SET_STATE refused (cmd_state.c). */
const char *ctl_state_field_name(uint32_t field);
/*
 * The one place that issues GET_STATE and SET_STATE (cmd_state.c), silent:
 * 0, or -1 with errno.  Get fills @st's header and reads the sections of
 * @mask of vCPU @vcpu; set writes @st as it is (its vcpu and mask) and on
 * a refusal puts the field the kernel named (MINIVMM_FIELD_*) in *@field.
 */
int ctl_state_get(int fd, uint32_t vcpu, uint32_t mask,
		  struct minivmm_vcpu_state *st);
int ctl_state_set(int fd, struct minivmm_vcpu_state *st, uint32_t *field);

int cmd_serve(int argc, char **argv);
/* cmd_serve.c: --disk ('D'), --net ('N'), --rng ('R') for run and serve. */
struct virtio_setup;
int ctl_virtio_option(struct virtio_setup *s, const char *what, int c,
		      const char *arg);

#endif /* MINIVMMCTL_H */
