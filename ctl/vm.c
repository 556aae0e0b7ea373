// SPDX-License-Identifier: GPL-2.0
/*
 * minivmmctl VM lifecycle: create, load, start, stop, destroy, list, console.
 * Control goes over netlink (nl.c); guest memory and the console go through
 * a VM file descriptor from /dev/minivmm.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>
#include "ctl.h"

#define DEV_PATH "/dev/minivmm"

const char *ctl_state_name(uint32_t state)
{
	switch (state) {
	case MINIVMM_VM_CREATED:	return "CREATED";
	case MINIVMM_VM_RUNNING:	return "RUNNING";
	case MINIVMM_VM_PAUSED:		return "PAUSED";
	case MINIVMM_VM_STOPPED:	return "STOPPED";
	default:			return "UNKNOWN";
	}
}

const char *ctl_stop_name(uint32_t reason)
{
	switch (reason) {
	case MINIVMM_STOP_NONE:			return "-";
	case MINIVMM_STOP_EXITED:		return "exited";
	case MINIVMM_STOP_HALTED:		return "halted";
	case MINIVMM_STOP_CRASHED:		return "crashed";
	case MINIVMM_STOP_BAD_GPA:		return "bad-gpa";
	case MINIVMM_STOP_INTERNAL_ERROR:	return "internal-error";
	case MINIVMM_STOP_USER:			return "stopped";
	case MINIVMM_STOP_POWEROFF:		return "poweroff";
	default:				return "unknown";
	}
}

const char *ctl_exit_name(unsigned int reason)
{
	static const char *const names[MINIVMM_EXIT_COUNT] = {
		[MINIVMM_EXIT_INTR]		= "intr",
		[MINIVMM_EXIT_NMI]		= "nmi",
		[MINIVMM_EXIT_CPUID]		= "cpuid",
		[MINIVMM_EXIT_HLT]		= "hlt",
		[MINIVMM_EXIT_IO]		= "io",
		[MINIVMM_EXIT_MSR]		= "msr",
		[MINIVMM_EXIT_HYPERCALL]	= "hypercall",
		[MINIVMM_EXIT_NPF]		= "npf",
		[MINIVMM_EXIT_SHUTDOWN]		= "shutdown",
		[MINIVMM_EXIT_EXCEPTION]	= "exception",
		[MINIVMM_EXIT_PREEMPT]		= "preempt",
		[MINIVMM_EXIT_OTHER]		= "other",
		[MINIVMM_EXIT_PAUSE]		= "pause",
	};

	return reason < MINIVMM_EXIT_COUNT && names[reason] ? names[reason] : "?";
}

const char *ctl_fmt_size(uint64_t bytes, char *buf, size_t len)
{
	static const char units[] = "KMGTPE";
	double v = (double)bytes;
	int u = -1;

	if (bytes < 1024) {
		snprintf(buf, len, "%" PRIu64, bytes);
		return buf;
	}
	while (v >= 1024 && u < 5) {
		v /= 1024;
		u++;
	}
	if (v < 10)
		snprintf(buf, len, "%.1f%c", v, units[u]);
	else
		snprintf(buf, len, "%.0f%c", v, units[u]);
	return buf;
}

void ctl_json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

int ctl_parse_size(const char *s, uint64_t *out)
{
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	if (!s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	switch (toupper((unsigned char)*end)) {
	case 0:		break;
	case 'K':	shift = 10; end++; break;
	case 'M':	shift = 20; end++; break;
	case 'G':	shift = 30; end++; break;
	case 'T':	shift = 40; end++; break;
	default:	return -1;
	}
	if (shift && (!strcasecmp(end, "iB") || !strcasecmp(end, "B")))
		end += strlen(end);
	if (*end)
		return -1;
	if (shift && v > (UINT64_MAX >> shift))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

void ctl_vm_from_attrs(struct ctl_vm *vm, struct nlattr **a)
{
	memset(vm, 0, sizeof(*vm));
	if (a[MINIVMM_ATTR_VM_ID])
		vm->id = nla_get_u32(a[MINIVMM_ATTR_VM_ID]);
	if (a[MINIVMM_ATTR_VM_NAME])
		snprintf(vm->name, sizeof(vm->name), "%s",
			 nla_get_string(a[MINIVMM_ATTR_VM_NAME]));
	if (a[MINIVMM_ATTR_VM_STATE]) {
		vm->state = nla_get_u32(a[MINIVMM_ATTR_VM_STATE]);
		vm->has_state = true;
	}
	if (a[MINIVMM_ATTR_MEM_SIZE]) {
		vm->mem = nla_get_u64(a[MINIVMM_ATTR_MEM_SIZE]);
		vm->has_mem = true;
	}
	if (a[MINIVMM_ATTR_NR_VCPUS])
		vm->vcpus = nla_get_u32(a[MINIVMM_ATTR_NR_VCPUS]);
	if (a[MINIVMM_ATTR_CPU_MODEL])
		vm->cpu_model = nla_get_u32(a[MINIVMM_ATTR_CPU_MODEL]);
	if (a[MINIVMM_ATTR_PAUSE_REASON])
		vm->pause_reason = nla_get_u32(a[MINIVMM_ATTR_PAUSE_REASON]);
	if (a[MINIVMM_ATTR_STOP_REASON]) {
		vm->stop_reason = nla_get_u32(a[MINIVMM_ATTR_STOP_REASON]);
		vm->has_stop_reason = true;
	}
	if (a[MINIVMM_ATTR_EXIT_CODE]) {
		vm->exit_code = nla_get_u32(a[MINIVMM_ATTR_EXIT_CODE]);
		vm->has_exit_code = true;
	}
	if (a[MINIVMM_ATTR_ERROR_GPA])
		vm->error_gpa = nla_get_u64(a[MINIVMM_ATTR_ERROR_GPA]);
	if (a[MINIVMM_ATTR_ERROR_RAW])
		vm->error_raw = nla_get_u64(a[MINIVMM_ATTR_ERROR_RAW]);
	if (a[MINIVMM_ATTR_OWNER_UID]) {
		vm->owner_uid = nla_get_u32(a[MINIVMM_ATTR_OWNER_UID]);
		vm->has_owner = true;
	}
	ctl_vm_resources_from_attrs(vm, a);
}

static uint64_t nla_u64_or_0(struct nlattr *a)
{
	return a && nla_len(a) >= (int)sizeof(uint64_t) ? nla_get_u64(a) : 0;
}

/* One nest per vCPU, typed index + 1, in index order. */
static void vcpu_stats_from_attr(struct ctl_stats *st, struct nlattr *nest)
{
	struct nlattr *one;
	int rem;

	nla_for_each_nested(one, nest, rem) {
		struct nlattr *tb[MINIVMM_VCPU_ATTR_MAX + 1];
		struct ctl_vcpu_stats *v;
		int idx = nla_type(one) - 1;

		if (idx < 0 || idx >= MINIVMM_MAX_VCPUS ||
		    nla_parse_nested(tb, MINIVMM_VCPU_ATTR_MAX, one, NULL) < 0)
			continue;
		v = &st->vcpu[idx];
		v->exits = nla_u64_or_0(tb[MINIVMM_VCPU_ATTR_EXITS]);
		v->run_time_ns = nla_u64_or_0(tb[MINIVMM_VCPU_ATTR_RUN_TIME_NS]);
		v->irqs = nla_u64_or_0(tb[MINIVMM_VCPU_ATTR_IRQS]);
		v->ipis = nla_u64_or_0(tb[MINIVMM_VCPU_ATTR_IPIS]);
		v->has_wait = tb[MINIVMM_VCPU_ATTR_WAIT_TIME_NS] != NULL;
		v->wait_time_ns =
			nla_u64_or_0(tb[MINIVMM_VCPU_ATTR_WAIT_TIME_NS]);
		if (tb[MINIVMM_VCPU_ATTR_MP_STATE] &&
		    nla_len(tb[MINIVMM_VCPU_ATTR_MP_STATE]) >= 4)
			v->mp_state = nla_get_u32(tb[MINIVMM_VCPU_ATTR_MP_STATE]);
		if ((unsigned int)idx + 1 > st->nr_vcpu_stats)
			st->nr_vcpu_stats = idx + 1;
	}
}

void ctl_stats_from_attrs(struct ctl_stats *st, struct nlattr **a)
{
	memset(st, 0, sizeof(*st));
	ctl_vm_from_attrs(&st->vm, a);
	if (a[MINIVMM_ATTR_MEM_TOUCHED])
		st->mem_touched = nla_get_u64(a[MINIVMM_ATTR_MEM_TOUCHED]);
	if (a[MINIVMM_ATTR_RUN_TIME_NS])
		st->run_time_ns = nla_get_u64(a[MINIVMM_ATTR_RUN_TIME_NS]);
	if (a[MINIVMM_ATTR_CONSOLE_BYTES])
		st->console_bytes = nla_get_u64(a[MINIVMM_ATTR_CONSOLE_BYTES]);
	if (a[MINIVMM_ATTR_UNCLAIMED_IO])
		st->unclaimed_io = nla_get_u64(a[MINIVMM_ATTR_UNCLAIMED_IO]);
	if (a[MINIVMM_ATTR_EXITS]) {
		struct nlattr *tb[MINIVMM_EXIT_COUNT + 1];
		unsigned int r;

		if (nla_parse_nested(tb, MINIVMM_EXIT_COUNT,
				     a[MINIVMM_ATTR_EXITS], NULL) < 0)
			return;
		st->has_exits = true;
		for (r = 0; r < MINIVMM_EXIT_COUNT; r++)
			if (tb[r + 1] && nla_len(tb[r + 1]) >= (int)sizeof(uint64_t))
				st->exits[r] = nla_get_u64(tb[r + 1]);
	}
	if (a[MINIVMM_ATTR_VCPU_STATS])
		vcpu_stats_from_attr(st, a[MINIVMM_ATTR_VCPU_STATS]);
}

static int store_policy(struct nlattr **a, void *arg)
{
	struct ctl_policy *p = arg;

	memset(p, 0, sizeof(*p));
	if (a[MINIVMM_ATTR_POLICY_MAX_VMS]) {
		p->max_vms = nla_get_u32(a[MINIVMM_ATTR_POLICY_MAX_VMS]);
		p->has_max_vms = true;
	}
	if (a[MINIVMM_ATTR_POLICY_MAX_MEM]) {
		p->max_mem = nla_get_u64(a[MINIVMM_ATTR_POLICY_MAX_MEM]);
		p->has_max_mem = true;
	}
	if (a[MINIVMM_ATTR_POLICY_MAX_VCPUS]) {
		p->max_vcpus = nla_get_u32(a[MINIVMM_ATTR_POLICY_MAX_VCPUS]);
		p->has_max_vcpus = true;
	}
	if (a[MINIVMM_ATTR_NR_VMS]) {
		p->nr_vms = nla_get_u32(a[MINIVMM_ATTR_NR_VMS]);
		p->has_nr_vms = true;
	}
	if (a[MINIVMM_ATTR_MEM_RESERVED]) {
		p->mem_reserved = nla_get_u64(a[MINIVMM_ATTR_MEM_RESERVED]);
		p->has_mem_reserved = true;
	}
	if (a[MINIVMM_ATTR_POLICY_MAX_GRANTED]) {
		p->max_granted = nla_get_u64(a[MINIVMM_ATTR_POLICY_MAX_GRANTED]);
		p->has_max_granted = true;
	}
	if (a[MINIVMM_ATTR_POLICY_OVERCOMMIT]) {
		p->overcommit = nla_get_u32(a[MINIVMM_ATTR_POLICY_OVERCOMMIT]);
		p->has_overcommit = true;
	}
	if (a[MINIVMM_ATTR_MEM_GRANTED])
		p->mem_granted = nla_get_u64(a[MINIVMM_ATTR_MEM_GRANTED]);
	return 0;
}

int ctl_policy_get(const char *what, bool quiet, struct ctl_policy *pol)
{
	struct ctl_nl_req req = {
		.cmd = MINIVMM_CMD_POLICY_GET, .what = what, .quiet = quiet,
	};

	memset(pol, 0, sizeof(*pol));
	return ctl_nl_call(&req, store_policy, pol);
}

static int store_vm(struct nlattr **attrs, void *arg)
{
	struct ctl_vm *vm = arg;

	ctl_vm_from_attrs(vm, attrs);
	if (!attrs[MINIVMM_ATTR_VM_ID]) {
		ctl_err("the kernel's VM reply lacks the VM id");
		return CTL_EXIT_FAIL;
	}
	return 0;
}

/* A decimal number without sign or leading junk is an id, else a name. */
static bool parse_id(const char *s, uint32_t *id)
{
	unsigned long v;
	char *end;

	if (!*s || !isdigit((unsigned char)*s))
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v == 0 || v > UINT32_MAX)
		return false;
	*id = (uint32_t)v;
	return true;
}

void ctl_req_vm(struct ctl_nl_req *req, const char *name_or_id)
{
	if (parse_id(name_or_id, &req->id)) {
		req->has_id = true;
		req->name = NULL;
	} else {
		req->has_id = false;
		req->name = name_or_id;
	}
}

int ctl_vm_get_id(const char *what, uint32_t id, struct ctl_vm *vm)
{
	struct ctl_nl_req req = {
		.cmd = MINIVMM_CMD_VM_GET, .what = what, .has_id = true, .id = id,
	};

	return ctl_nl_call(&req, store_vm, vm);
}

int ctl_vm_get(const char *what, const char *name_or_id, struct ctl_vm *vm)
{
	struct ctl_nl_req req = { .cmd = MINIVMM_CMD_VM_GET, .what = what };

	ctl_req_vm(&req, name_or_id);
	return ctl_nl_call(&req, store_vm, vm);
}

int ctl_vm_get_quiet(const char *name_or_id, struct ctl_vm *vm)
{
	struct ctl_nl_req req = { .cmd = MINIVMM_CMD_VM_GET, .what = "get",
				  .quiet = true };

	ctl_req_vm(&req, name_or_id);
	return ctl_nl_call(&req, store_vm, vm);
}

uint32_t ctl_host_vendor(void)
{
	struct minivmm_info info = { 0 };
	int dev = open(DEV_PATH, O_RDONLY | O_CLOEXEC);

	if (dev < 0)
		return MINIVMM_VENDOR_NONE;
	if (ioctl(dev, MINIVMM_GET_INFO, &info) < 0)
		info.vendor = MINIVMM_VENDOR_NONE;
	close(dev);
	return info.vendor;
}

int ctl_open_vm(const char *what, uint32_t id)
{
	struct minivmm_open_vm ov = { .id = id };
	int dev, fd;

	dev = open(DEV_PATH, O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		if (errno == ENOENT)
			ctl_err("%s: %s does not exist: is the minivmm module loaded?",
				what, DEV_PATH);
		else
			ctl_err("%s: cannot open %s: %s", what, DEV_PATH,
				strerror(errno));
		return -1;
	}
	fd = ioctl(dev, MINIVMM_OPEN_VM, &ov);
	if (fd < 0)
		ctl_err("%s: cannot open VM %u: %s", what, id, strerror(errno));
	close(dev);
	return fd;
}

/*
 * Write all of @buf; on a non-blocking fd (a console: the guest's 256-byte
 * input queue) wait while it is full.
 */
static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EAGAIN) {
			struct pollfd p = { .fd = fd, .events = POLLOUT };

			if (poll(&p, 1, -1) < 0 && errno != EINTR)
				return -1;
			if (p.revents & (POLLHUP | POLLERR))
				return -1;
			continue;
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int ctl_console_open(const char *what, int vmfd)
{
	int con = ioctl(vmfd, MINIVMM_VM_CONSOLE);

	if (con < 0)
		ctl_err("%s: cannot open the console: %s", what, strerror(errno));
	return con;
}

/*
 * Copy @con to stdout until end of file.  If @wake_fd >= 0, poll it too and
 * return CTL_EXIT_FAIL as soon as it becomes readable (a signal arrived).
 */
int ctl_console_pump(const char *what, int con, int wake_fd)
{
	char buf[4096];

	for (;;) {
		ssize_t n;

		if (wake_fd >= 0) {
			struct pollfd p[2] = {
				{ .fd = con, .events = POLLIN },
				{ .fd = wake_fd, .events = POLLIN },
			};

			if (poll(p, 2, -1) < 0) {
				if (errno == EINTR)
					continue;
				ctl_err("%s: poll: %s", what, strerror(errno));
				return CTL_EXIT_FAIL;
			}
			if (p[1].revents)
				return CTL_EXIT_FAIL;
			if (!p[0].revents)
				continue;
		}
		n = read(con, buf, sizeof(buf));
		if (n == 0)
			return 0;
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			ctl_err("%s: reading the console: %s", what,
				strerror(errno));
			return CTL_EXIT_FAIL;
		}
		if (write_all(STDOUT_FILENO, buf, (size_t)n) < 0) {
			ctl_err("%s: writing to stdout: %s", what,
				strerror(errno));
			return CTL_EXIT_FAIL;
		}
	}
}

/* ---- subcommands -------------------------------------------------------- */

static int id_only_reply(struct nlattr **attrs, void *arg)
{
	uint32_t *id = arg;

	if (!attrs[MINIVMM_ATTR_VM_ID]) {
		ctl_err("create: the kernel's reply lacks the VM id");
		return CTL_EXIT_FAIL;
	}
	*id = nla_get_u32(attrs[MINIVMM_ATTR_VM_ID]);
	return 0;
}

/* Shared with cmd_run(): create a VM; prints nothing on success. */
int ctl_vm_create(const char *what, const char *name, uint64_t mem,
		  uint32_t vcpus, uint32_t *id)
{
	struct ctl_create_opts none = { 0 };

	return ctl_vm_create_opts(what, name, mem, vcpus, &none, id);
}

int ctl_vm_create_opts(const char *what, const char *name, uint64_t mem,
		       uint32_t vcpus, const struct ctl_create_opts *o,
		       uint32_t *id)
{
	struct ctl_nl_req req = {
		.cmd = MINIVMM_CMD_VM_CREATE, .what = what, .name = name,
		.has_mem = true, .mem = mem,
		.has_vcpus = vcpus != 0, .vcpus = vcpus,
		.prealloc = o->prealloc,
		.has_mem_limit = o->mem_limit != 0, .mem_limit = o->mem_limit,
		.cgroup = o->cgroup && o->cgroup[0] ? o->cgroup : NULL,
		.has_cpu_model = o->cpu_model != MINIVMM_CPU_HOST,
		.cpu_model = o->cpu_model,
	};

	struct ctl_policy pol;
	char a[32], b[32], c[32];
	int ret;

	*id = 0;
	req.quiet = true;
	ret = ctl_nl_call(&req, id_only_reply, id);
	if (!ret || !req.err)
		return ret;
	if (req.err == EPERM && !req.errmsg[0]) {
		ctl_err("%s: %s (run as root or with CAP_NET_ADMIN)", what,
			strerror(req.err));
		return ret;
	}
	if ((req.err != ENOMEM && req.err != ENOSPC) ||
	    ctl_policy_get("policy", true, &pol) != 0 ||
	    !pol.has_max_vms || !pol.has_max_mem) {
		if (req.errmsg[0])
			ctl_err("%s: %s (%s)", what, req.errmsg, strerror(req.err));
		else
			ctl_err("%s: the kernel refused: %s", what,
				strerror(req.err));
		return ret;
	}
	/* Say which limit it was, with the numbers. */
	fprintf(stderr, "minivmmctl: %s: %s (%s); ", what,
		req.errmsg[0] ? req.errmsg : "the resource policy refused it",
		strerror(req.err));
	if (pol.nr_vms >= pol.max_vms)
		fprintf(stderr, "VMs: limit %u, existing %u\n", pol.max_vms,
			pol.nr_vms);
	else if (pol.has_max_vcpus && vcpus > pol.max_vcpus)
		fprintf(stderr, "vCPUs: asked %u, limit %u per VM\n", vcpus,
			pol.max_vcpus);
	else
		fprintf(stderr, "asked %s, limit %s, in use %s\n",
			ctl_fmt_size(mem, a, sizeof(a)),
			ctl_fmt_size(pol.max_mem, b, sizeof(b)),
			ctl_fmt_size(pol.mem_reserved, c, sizeof(c)));
	return ret;
}

static const char *const cpu_model_names[] = {
	[MINIVMM_CPU_HOST] = "host",
	[MINIVMM_CPU_BASELINE] = "baseline",
};

const char *ctl_cpu_model_name(uint32_t model)
{
	return model <= MINIVMM_CPU_MODEL_MAX ? cpu_model_names[model] : "?";
}

int ctl_parse_cpu_model(const char *what, const char *arg, uint32_t *model)
{
	uint32_t m;

	for (m = 0; m <= MINIVMM_CPU_MODEL_MAX; m++) {
		if (!strcmp(arg, cpu_model_names[m])) {
			*model = m;
			return 0;
		}
	}
	return ctl_usage_error("%s: --cpu-model '%s' is not host or baseline",
			       what, arg);
}

int ctl_check_mem(const char *what, const char *arg, uint64_t *mem)
{
	if (ctl_parse_size(arg, mem) < 0)
		return ctl_usage_error("%s: --mem '%s' is not a size (use e.g. 64K, 16M, 1G)",
				       what, arg);
	if (*mem == 0)
		return ctl_usage_error("%s: --mem must be more than zero", what);
	if (*mem % 4096)
		return ctl_usage_error("%s: --mem %s is not a multiple of 4 KiB",
				       what, arg);
	return 0;
}

int cmd_create(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "mem", required_argument, NULL, 'm' },
		{ "vcpus", required_argument, NULL, 'c' },
		{ "prealloc", no_argument, NULL, 'P' },
		{ "mem-limit", required_argument, NULL, 'l' },
		{ "cgroup", required_argument, NULL, 'g' },
		{ "cpu-model", required_argument, NULL, 'C' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctl_create_opts opts = { 0 };
	const char *mem_arg = NULL, *cg_arg = NULL;
	char cgroup[MINIVMM_CGROUP_MAX];
	uint64_t mem;
	uint32_t vcpus = 0, id;
	unsigned long v;
	char *end;
	int c, ret;

	while ((c = getopt_long(argc, argv, "m:c:Pl:g:C:", longopts, NULL)) != -1) {
		switch (c) {
		case 'P':
			opts.prealloc = true;
			break;
		case 'C':
			if (ctl_parse_cpu_model("create", optarg, &opts.cpu_model))
				return CTL_EXIT_USAGE;
			break;
		case 'l':
			if (ctl_parse_size(optarg, &opts.mem_limit) < 0 ||
			    opts.mem_limit == 0 || opts.mem_limit % 4096)
				return ctl_usage_error("create: --mem-limit '%s' is not a size in 4 KiB multiples (e.g. 16M)",
						       optarg);
			break;
		case 'g':
			cg_arg = optarg;
			break;
		case 'm':
			mem_arg = optarg;
			break;
		case 'c':
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || *end || !isdigit((unsigned char)*optarg) ||
			    v == 0 || v > UINT32_MAX)
				return ctl_usage_error("create: --vcpus '%s' is not a positive number",
						       optarg);
			vcpus = (uint32_t)v;
			break;
		default:
			return ctl_bad_option("create", argv);
		}
	}
	if (optind + 1 != argc)
		return ctl_usage_error("create needs exactly one NAME");
	if (!mem_arg)
		return ctl_usage_error("create: --mem SIZE is required");
	ret = ctl_check_mem("create", mem_arg, &mem);
	if (ret)
		return ret;
	ret = ctl_cgroup_prepare("create", argv[optind], cg_arg, cgroup,
				 sizeof(cgroup));
	if (ret)
		return ret;
	opts.cgroup = cgroup;
	ret = ctl_vm_create_opts("create", argv[optind], mem, vcpus, &opts, &id);
	if (ret) {
		ctl_cgroup_remove(cgroup);
		return ret;
	}
	printf("%u\n", id);
	return 0;
}

int cmd_load(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "addr", required_argument, NULL, 'a' },
		{ "mode", required_argument, NULL, 'M' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t gpa = CTL_IMAGE_GPA;
	enum ctl_mode mode = CTL_MODE_LONG;
	bool set_mode = false;
	struct ctl_vm vm;
	char *end;
	int c, fd, ret;

	while ((c = getopt_long(argc, argv, "a:M:", longopts, NULL)) != -1) {
		if (c == 'M') {
			if (ctl_parse_mode(optarg, &mode) < 0)
				return ctl_usage_error("load: --mode must be real, prot32 or long, not '%s'",
						       optarg);
			set_mode = true;
			continue;
		}
		if (c != 'a')
			return ctl_bad_option("load", argv);
		errno = 0;
		gpa = strtoull(optarg, &end, 0);
		if (errno || *end || !isdigit((unsigned char)*optarg))
			return ctl_usage_error("load: --addr '%s' is not an address",
					       optarg);
	}
	if (optind + 2 != argc)
		return ctl_usage_error("load needs NAME|ID and FILE");
	ret = ctl_vm_get("load", argv[optind], &vm);
	if (ret)
		return ret;
	fd = ctl_open_vm("load", vm.id);
	if (fd < 0)
		return CTL_EXIT_FAIL;
	ret = 0;
	if (set_mode)
		ret = ctl_setup_mode("load", fd, mode, vm.mem);
	if (!ret)
		ret = ctl_load_file("load", fd, argv[optind + 1], gpa, vm.mem);
	close(fd);
	return ret;
}

/* pause, resume, start, stop, destroy: one VM, optional --force/--timeout. */
#define VMCMD_FORCE	1
#define VMCMD_TIMEOUT	2

static int simple_vm_cmd(const char *what, int cmd, int argc, char **argv,
			 unsigned int opts)
{
	static const struct option longopts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "timeout", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctl_nl_req req = { .cmd = cmd, .what = what, .has_id = true };
	struct ctl_vm vm;
	unsigned long v;
	char *end;
	int c, ret;

	while ((c = getopt_long(argc, argv, "ft:", longopts, NULL)) != -1) {
		if (c == 'f' && (opts & VMCMD_FORCE)) {
			req.force = true;
		} else if (c == 't' && (opts & VMCMD_TIMEOUT)) {
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || *end || !isdigit((unsigned char)*optarg) ||
			    v > UINT32_MAX)
				return ctl_usage_error("%s: --timeout '%s' is not a number of milliseconds",
						       what, optarg);
			req.has_timeout = true;
			req.timeout_ms = (uint32_t)v;
		} else if (c == 'f' || c == 't') {
			return ctl_usage_error("%s: option '%s' is not supported here",
					       what, argv[optind - 1]);
		} else {
			return ctl_bad_option(what, argv);
		}
	}
	if (optind + 1 != argc)
		return ctl_usage_error("%s needs exactly one NAME|ID", what);
	ret = ctl_vm_get(what, argv[optind], &vm);
	if (ret)
		return ret;
	req.id = vm.id;
	return ctl_nl_call(&req, NULL, NULL);
}

int cmd_start(int argc, char **argv)
{
	struct ctl_vm vm;
	int ret;

	if (argc == 2 && argv[1][0] != '-') {
		/* Enter the VM's cgroup around VM_START (cmd_resources.c). */
		ret = ctl_vm_get("start", argv[1], &vm);
		if (ret)
			return ret;
		return ctl_vm_start_in_cgroup("start", vm.id, vm.cgroup);
	}
	return simple_vm_cmd("start", MINIVMM_CMD_VM_START, argc, argv, 0);
}

int cmd_stop(int argc, char **argv)
{
	return simple_vm_cmd("stop", MINIVMM_CMD_VM_STOP, argc, argv,
			     VMCMD_FORCE | VMCMD_TIMEOUT);
}

int cmd_destroy(int argc, char **argv)
{
	const char *target = argc >= 2 ? argv[argc - 1] : "";
	struct ctl_vm vm;
	bool have;
	int ret;

	/* The default per-VM cgroup goes with the VM (when empty). */
	have = target[0] && target[0] != '-' && ctl_cgroup_v2_mounted() &&
	       ctl_vm_get_quiet(target, &vm) == 0;
	ret = simple_vm_cmd("destroy", MINIVMM_CMD_VM_DESTROY, argc, argv,
			    VMCMD_FORCE);
	if (!ret && have)
		ctl_cgroup_remove(vm.cgroup);
	return ret;
}

int cmd_pause(int argc, char **argv)
{
	return simple_vm_cmd("pause", MINIVMM_CMD_VM_PAUSE, argc, argv, 0);
}

int cmd_resume(int argc, char **argv)
{
	return simple_vm_cmd("resume", MINIVMM_CMD_VM_RESUME, argc, argv, 0);
}

struct list_ctx {
	bool json;
	int count;
};

static int list_one(struct nlattr **attrs, void *arg)
{
	struct list_ctx *ctx = arg;
	struct ctl_vm vm;
	char why[64] = "-";

	ctl_vm_from_attrs(&vm, attrs);
	if (vm.has_stop_reason) {
		if (vm.stop_reason == MINIVMM_STOP_EXITED)
			snprintf(why, sizeof(why), "exited(%u)", vm.exit_code);
		else if (vm.stop_reason == MINIVMM_STOP_BAD_GPA)
			snprintf(why, sizeof(why), "bad-gpa(0x%" PRIx64 ")",
				 vm.error_gpa);
		else if (vm.stop_reason == MINIVMM_STOP_INTERNAL_ERROR)
			snprintf(why, sizeof(why), "internal-error(0x%" PRIx64 ")",
				 vm.error_raw);
		else
			snprintf(why, sizeof(why), "%s",
				 ctl_stop_name(vm.stop_reason));
	}
	if (vm.state == MINIVMM_VM_PAUSED &&
	    vm.pause_reason != MINIVMM_PAUSE_NONE &&
	    vm.pause_reason != MINIVMM_PAUSE_USER)
		snprintf(why, sizeof(why), "%s", ctl_pause_name(vm.pause_reason));
	if (ctx->json) {
		printf("%s\n  {\"id\": %u, \"name\": ", ctx->count ? "," : "",
		       vm.id);
		ctl_json_string(vm.name);
		printf(", \"state\": \"%s\", \"mem\": %" PRIu64
		       ", \"vcpus\": %u, \"stop_reason\": \"%s\"",
		       ctl_state_name(vm.state), vm.mem, vm.vcpus,
		       vm.has_stop_reason ? ctl_stop_name(vm.stop_reason) : "-");
		if (vm.has_exit_code)
			printf(", \"exit_code\": %u", vm.exit_code);
		if (vm.has_owner)
			printf(", \"owner_uid\": %u", vm.owner_uid);
		if (vm.state == MINIVMM_VM_PAUSED && !vm.has_granted)
			printf(", \"pause_reason\": \"%s\"",
			       ctl_pause_name(vm.pause_reason));
		if (vm.has_stop_reason && vm.stop_reason == MINIVMM_STOP_BAD_GPA)
			printf(", \"error_gpa\": %" PRIu64, vm.error_gpa);
		if (vm.has_stop_reason &&
		    vm.stop_reason == MINIVMM_STOP_INTERNAL_ERROR)
			printf(", \"error_raw\": %" PRIu64, vm.error_raw);
		if (vm.has_granted)
			ctl_print_resources_json(&vm);
		printf("}");
	} else {
		if (!ctx->count)
			printf("%-6s %-20s %-8s %10s %5s  %s\n", "ID", "NAME",
			       "STATE", "MEM", "VCPUS", "STOP");
		printf("%-6u %-20s %-8s %10" PRIu64 " %5u  %s\n", vm.id,
		       vm.name, ctl_state_name(vm.state), vm.mem, vm.vcpus, why);
	}
	ctx->count++;
	return 0;
}

int cmd_list(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctl_nl_req req = {
		.cmd = MINIVMM_CMD_VM_GET, .what = "list", .dump = true,
	};
	struct list_ctx ctx = { 0 };
	int c, ret;

	while ((c = getopt_long(argc, argv, "j", longopts, NULL)) != -1) {
		if (c != 'j')
			return ctl_bad_option("list", argv);
		ctx.json = true;
	}
	if (optind != argc)
		return ctl_usage_error("list takes no arguments");
	if (ctx.json)
		printf("[");
	ret = ctl_nl_call(&req, list_one, &ctx);
	if (ctx.json)
		printf("%s]\n", ctx.count ? "\n" : "");
	return ret;
}

/* Ctrl-] leaves an interactive console, as with telnet and virsh. */
#define CONSOLE_ESCAPE 0x1d

/* Typed bytes for the guest; 1 when the user asked to leave. */
static int console_forward_stdin(int con, bool tty, bool *stdin_open)
{
	char buf[256];
	ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
	char *esc;

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n <= 0) {
		*stdin_open = false;	/* keep showing output */
		return 0;
	}
	esc = tty ? memchr(buf, CONSOLE_ESCAPE, (size_t)n) : NULL;
	if (esc)
		n = esc - buf;
	if (n && write_all(con, buf, (size_t)n) < 0 && errno != EPIPE) {
		ctl_err("console: writing to the guest: %s", strerror(errno));
		return -1;
	}
	return esc ? 1 : 0;
}

/*
 * Interactive console: guest output to stdout, stdin to the guest's UART
 * (raw mode on a terminal, Ctrl-] leaves) until the VM stops.
 */
static int console_interactive(int con)
{
	struct termios saved, raw;
	bool tty = isatty(STDIN_FILENO) && !tcgetattr(STDIN_FILENO, &saved);
	bool stdin_open = true;
	char buf[4096];
	int ret = 0;

	if (tty) {
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
		fprintf(stderr, "minivmmctl: console attached; Ctrl-] leaves\r\n");
	}
	for (;;) {
		struct pollfd p[2] = {
			{ .fd = con, .events = POLLIN },
			{ .fd = stdin_open ? STDIN_FILENO : -1, .events = POLLIN },
		};
		ssize_t n;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			ctl_err("console: poll: %s", strerror(errno));
			ret = CTL_EXIT_FAIL;
			break;
		}
		if (p[1].revents) {
			ret = console_forward_stdin(con, tty, &stdin_open);
			if (ret) {
				ret = ret < 0 ? CTL_EXIT_FAIL : 0;
				break;
			}
		}
		if (!p[0].revents)
			continue;
		n = read(con, buf, sizeof(buf));
		if (n == 0)
			break;		/* the VM stopped and all was read */
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0 || write_all(STDOUT_FILENO, buf, (size_t)n) < 0) {
			ctl_err("console: %s", strerror(errno));
			ret = CTL_EXIT_FAIL;
			break;
		}
	}
	if (tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	return ret;
}

int cmd_console(int argc, char **argv)
{
	struct ctl_vm vm;
	int fd, con, ret;

	if (argc == 2 && argv[1][0] == '-')
		return ctl_usage_error("console: unknown option '%s'", argv[1]);
	if (argc != 2)
		return ctl_usage_error("console needs exactly one NAME|ID");
	ret = ctl_vm_get("console", argv[1], &vm);
	if (ret)
		return ret;
	fd = ctl_open_vm("console", vm.id);
	if (fd < 0)
		return CTL_EXIT_FAIL;
	con = ctl_console_open("console", fd);
	close(fd);
	if (con < 0)
		return CTL_EXIT_FAIL;
	ret = console_interactive(con);
	close(con);
	return ret;
}
