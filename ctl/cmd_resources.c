// SPDX-License-Identifier: GPL-2.0
/*
 * minivmmctl: resources of a VM while it runs.
 *
 * Memory: the kernel grants guest RAM at first touch under the policy
 * (VM_SET changes a VM's limit and balloon target).  CPU: the vCPU kernel
 * threads live in a cgroup v2 of the user's choosing; the kernel puts them
 * in the cgroups of whoever starts the VM (cgroup_attach_task_all(), see
 * kmod/cgroup.c), so "start" moves minivmmctl itself into the VM's cgroup
 * for the duration of VM_START.  "set --cpu-max/--cpu-weight/--cpus"
 * write that cgroup's cpu.max, cpu.weight and cpuset.cpus: the kernel's
 * own scheduler does the rest.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "ctl.h"

#define CG_DEFAULT_PARENT	"minivmm"

void ctl_vm_resources_from_attrs(struct ctl_vm *vm, struct nlattr **a)
{
	if (a[MINIVMM_ATTR_MEM_GRANTED]) {
		vm->mem_granted = nla_get_u64(a[MINIVMM_ATTR_MEM_GRANTED]);
		vm->has_granted = true;
	}
	if (a[MINIVMM_ATTR_MEM_LIMIT])
		vm->mem_limit = nla_get_u64(a[MINIVMM_ATTR_MEM_LIMIT]);
	if (a[MINIVMM_ATTR_MEM_TARGET])
		vm->mem_target = nla_get_u64(a[MINIVMM_ATTR_MEM_TARGET]);
	if (a[MINIVMM_ATTR_MEM_RETURNED])
		vm->mem_returned = nla_get_u64(a[MINIVMM_ATTR_MEM_RETURNED]);
	if (a[MINIVMM_ATTR_PAUSE_REASON])
		vm->pause_reason = nla_get_u32(a[MINIVMM_ATTR_PAUSE_REASON]);
	vm->prealloc = a[MINIVMM_ATTR_PREALLOC] != NULL;
	if (a[MINIVMM_ATTR_CGROUP])
		snprintf(vm->cgroup, sizeof(vm->cgroup), "%s",
			 nla_get_string(a[MINIVMM_ATTR_CGROUP]));
}

const char *ctl_pause_name(uint32_t reason)
{
	switch (reason) {
	case MINIVMM_PAUSE_NONE:		return "none";
	case MINIVMM_PAUSE_USER:		return "user";
	case MINIVMM_PAUSE_HOST_MEM_LIMIT:	return "host-mem-limit";
	case MINIVMM_PAUSE_VM_MEM_LIMIT:	return "vm-mem-limit";
	case MINIVMM_PAUSE_HOST_NO_MEMORY:	return "host-no-memory";
	case MINIVMM_PAUSE_DEVICE_GONE:		return "device-gone";
	default:				return "unknown";
	}
}

/* ---- cgroup v2 files ------------------------------------------------------ */

/* snprintf() that says when the result did not fit (then it is unusable). */
#define CG_FMT(buf, ...) \
	(snprintf(buf, sizeof(buf), __VA_ARGS__) >= (int)sizeof(buf) ? -1 : 0)

/* Where cgroup v2 is mounted (first cgroup2 entry of /proc/self/mounts). */
static int cg_mount(char *buf, size_t len)
{
	char dev[256], dir[256], type[64];
	FILE *f = fopen("/proc/self/mounts", "re");
	int found = -1;

	if (!f)
		return -1;
	while (fscanf(f, "%255s %255s %63s %*[^\n]", dev, dir, type) == 3) {
		if (!strcmp(type, "cgroup2")) {
			snprintf(buf, len, "%s", dir);
			found = 0;
			break;
		}
	}
	fclose(f);
	return found;
}

static int cg_write(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;
	int err;

	if (fd < 0)
		return -1;
	n = write(fd, val, strlen(val));
	err = errno;
	close(fd);
	errno = err;
	return n == (ssize_t)strlen(val) ? 0 : -1;
}

static int cg_read(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	return 0;
}

/* Does the space-separated list @list hold the word @w? */
static bool has_word(const char *list, const char *w)
{
	size_t n = strlen(w);
	const char *p = list;

	while ((p = strstr(p, w)) != NULL) {
		if ((p == list || isspace((unsigned char)p[-1])) &&
		    (!p[n] || isspace((unsigned char)p[n])))
			return true;
		p += n;
	}
	return false;
}

/* A relative path of plain components: no "..", ".", empty parts. */
static bool cg_path_ok(const char *p)
{
	const char *s = p;

	if (!*p || strlen(p) >= MINIVMM_CGROUP_MAX)
		return false;
	while (*s) {
		const char *e = strchr(s, '/');
		size_t n = e ? (size_t)(e - s) : strlen(s);

		if (n == 0 || (n == 1 && s[0] == '.') ||
		    (n == 2 && s[0] == '.' && s[1] == '.'))
			return false;
		s += n;
		if (*s == '/')
			s++;
	}
	return true;
}

/* Enable the cpu and cpuset controllers for the children of @dir. */
static void cg_enable(const char *dir)
{
	char path[PATH_MAX];

	if (CG_FMT(path, "%s/cgroup.subtree_control", dir))
		return;
	(void)cg_write(path, "+cpu");
	(void)cg_write(path, "+cpuset");
}

int ctl_cgroup_prepare(const char *what, const char *name, const char *asked,
		       char *out, size_t len)
{
	char mnt[256], path[PATH_MAX], ctrl[512];
	const char *rel;

	out[0] = 0;
	if (asked && !strcmp(asked, "none"))
		return 0;
	if (cg_mount(mnt, sizeof(mnt)) < 0) {
		if (asked) {
			ctl_err("%s: --cgroup: cgroup v2 is not mounted on this host", what);
			return CTL_EXIT_FAIL;
		}
		fprintf(stderr, "minivmmctl: %s: note: cgroup v2 is not mounted; the vCPU threads stay in the cgroup of whoever starts the VM\n",
			what);
		return 0;
	}
	if (CG_FMT(path, "%s/cgroup.controllers", mnt) ||
	    cg_read(path, ctrl, sizeof(ctrl)) < 0 || !has_word(ctrl, "cpu")) {
		if (asked) {
			ctl_err("%s: --cgroup: the cgroup v2 cpu controller is not available on this host",
				what);
			return CTL_EXIT_FAIL;
		}
		fprintf(stderr, "minivmmctl: %s: note: the cgroup v2 cpu controller is not available; the vCPU threads stay in the cgroup of whoever starts the VM\n",
			what);
		return 0;
	}
	if (asked) {
		rel = asked;
		while (*rel == '/')
			rel++;
		if (!cg_path_ok(rel)) {
			ctl_err("%s: --cgroup '%s' is not a path below the cgroup v2 mount (plain components, no '..')",
				what, asked);
			return CTL_EXIT_FAIL;
		}
		if (snprintf(out, len, "%s", rel) >= (int)len) {
			ctl_err("%s: --cgroup path is too long", what);
			return CTL_EXIT_FAIL;
		}
	} else {
		cg_enable(mnt);
		if (CG_FMT(path, "%s/%s", mnt, CG_DEFAULT_PARENT) ||
		    (mkdir(path, 0755) < 0 && errno != EEXIST)) {
			fprintf(stderr, "minivmmctl: %s: note: cannot create cgroup %s (%s); the vCPU threads stay in the cgroup of whoever starts the VM\n",
				what, path, strerror(errno));
			return 0;
		}
		cg_enable(path);
		if (snprintf(out, len, "%s/%s", CG_DEFAULT_PARENT, name) >= (int)len) {
			out[0] = 0;
			return 0;
		}
	}
	if (CG_FMT(path, "%s/%s", mnt, out) ||
	    (mkdir(path, 0755) < 0 && errno != EEXIST)) {
		ctl_err("%s: cannot create cgroup %s: %s", what, path,
			strerror(errno));
		out[0] = 0;
		return CTL_EXIT_FAIL;
	}
	return 0;
}

bool ctl_cgroup_v2_mounted(void)
{
	char mnt[256];

	return cg_mount(mnt, sizeof(mnt)) == 0;
}

void ctl_cgroup_remove(const char *cgroup)
{
	char mnt[256], path[PATH_MAX];

	if (!cgroup[0] || strncmp(cgroup, CG_DEFAULT_PARENT "/",
				  strlen(CG_DEFAULT_PARENT "/")) ||
	    cg_mount(mnt, sizeof(mnt)) < 0)
		return;
	if (!CG_FMT(path, "%s/%s", mnt, cgroup))
		(void)rmdir(path);
}

/* Our own cgroup v2 path ("/..." from the "0::" line of /proc/self/cgroup). */
static int cg_self(char *buf, size_t len)
{
	char line[PATH_MAX + 8];
	FILE *f = fopen("/proc/self/cgroup", "re");
	int ret = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "0::", 3)) {
			line[strcspn(line, "\n")] = 0;
			ret = snprintf(buf, len, "%s", line + 3) >= (int)len ?
			      -1 : 0;
			break;
		}
	}
	fclose(f);
	return ret;
}

static int cg_move_self(const char *mnt, const char *cg)
{
	char path[PATH_MAX], pid[32];

	if (CG_FMT(path, "%s/%s/cgroup.procs", mnt, cg)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	return cg_write(path, pid);
}

int ctl_vm_start_in_cgroup(const char *what, uint32_t id, const char *cgroup)
{
	struct ctl_nl_req req = {
		.cmd = MINIVMM_CMD_VM_START, .what = what, .has_id = true,
		.id = id,
	};
	char mnt[256], self[PATH_MAX];
	int ret;

	if (!cgroup[0])
		return ctl_nl_call(&req, NULL, NULL);
	if (cg_mount(mnt, sizeof(mnt)) < 0 || cg_self(self, sizeof(self)) < 0) {
		ctl_err("%s: the VM's cgroup %s cannot be entered: cgroup v2 is not mounted",
			what, cgroup);
		return CTL_EXIT_FAIL;
	}
	if (cg_move_self(mnt, cgroup) < 0) {
		ctl_err("%s: cannot enter the VM's cgroup %s/%s: %s", what,
			mnt, cgroup, strerror(errno));
		return CTL_EXIT_FAIL;
	}
	/* The kernel puts the new vCPU threads in our cgroups. */
	ret = ctl_nl_call(&req, NULL, NULL);
	if (cg_move_self(mnt, self) < 0)
		fprintf(stderr, "minivmmctl: %s: note: could not move back to cgroup %s: %s\n",
			what, self, strerror(errno));
	return ret;
}

/* usage_usec and throttled_usec of a VM's cgroup; -1 without one. */
static int cg_cpu_stat(const char *cgroup, uint64_t *usage,
		       uint64_t *throttled)
{
	char mnt[256], path[PATH_MAX], buf[1024];
	char *p;

	*usage = *throttled = 0;
	if (!cgroup[0] || cg_mount(mnt, sizeof(mnt)) < 0)
		return -1;
	if (CG_FMT(path, "%s/%s/cpu.stat", mnt, cgroup) || cg_read(path, buf, sizeof(buf)) < 0)
		return -1;
	p = strstr(buf, "usage_usec ");
	if (p)
		*usage = strtoull(p + strlen("usage_usec "), NULL, 10);
	p = strstr(buf, "throttled_usec ");
	if (p)
		*throttled = strtoull(p + strlen("throttled_usec "), NULL, 10);
	return 0;
}

void ctl_print_resources_json(const struct ctl_vm *vm)
{
	uint64_t usage, throttled;

	printf(", \"mem_declared\": %" PRIu64 ", \"mem_granted\": %" PRIu64
	       ", \"mem_limit\": %" PRIu64 ", \"mem_target\": %" PRIu64
	       ", \"mem_returned\": %" PRIu64 ", \"prealloc\": %s"
	       ", \"pause_reason\": \"%s\", \"cpu_model\": \"%s\", \"cgroup\": ",
	       vm->mem, vm->mem_granted, vm->mem_limit, vm->mem_target,
	       vm->mem_returned, vm->prealloc ? "true" : "false",
	       ctl_pause_name(vm->pause_reason),
	       ctl_cpu_model_name(vm->cpu_model));
	ctl_json_string(vm->cgroup);
	if (cg_cpu_stat(vm->cgroup, &usage, &throttled) == 0)
		printf(", \"cpu_usage_usec\": %" PRIu64
		       ", \"cpu_throttled_usec\": %" PRIu64, usage, throttled);
}

void ctl_print_resources_text(const struct ctl_vm *vm)
{
	char a[32], b[32], c[32];
	uint64_t usage, throttled;

	printf("  %-14s %s declared, %s granted%s\n", "memory:",
	       ctl_fmt_size(vm->mem, a, sizeof(a)),
	       ctl_fmt_size(vm->mem_granted, b, sizeof(b)),
	       vm->prealloc ? " (preallocated)" : "");
	printf("  %-14s limit %s, balloon target %s, returned %s\n", "",
	       vm->mem_limit ? ctl_fmt_size(vm->mem_limit, a, sizeof(a)) : "none",
	       vm->mem_target ? ctl_fmt_size(vm->mem_target, b, sizeof(b)) : "none",
	       ctl_fmt_size(vm->mem_returned, c, sizeof(c)));
	if (vm->state == MINIVMM_VM_PAUSED)
		printf("  %-14s %s\n", "paused by:",
		       ctl_pause_name(vm->pause_reason));
	printf("  %-14s %s\n", "cpu model:", ctl_cpu_model_name(vm->cpu_model));
	printf("  %-14s %s\n", "cgroup:", vm->cgroup[0] ? vm->cgroup : "-");
	if (cg_cpu_stat(vm->cgroup, &usage, &throttled) == 0)
		printf("  %-14s run %.3f s, throttled %.3f s (the vCPU threads' cgroup)\n",
		       "cpu:", usage / 1e6, throttled / 1e6);
}

/* ---- set ----------------------------------------------------------------- */

static int parse_size_or_none(const char *what, const char *opt,
			      const char *arg, uint64_t *out)
{
	if (!strcmp(arg, "none")) {
		*out = 0;
		return 0;
	}
	if (ctl_parse_size(arg, out) < 0 || *out == 0 || *out % 4096)
		return ctl_usage_error("%s: %s '%s' is not a size in 4 KiB multiples (e.g. 16M) or 'none'",
				       what, opt, arg);
	return 0;
}

/* "50%" of one CPU -> "50000 100000"; "max" -> "max 100000". */
static int parse_cpu_max(const char *arg, char *out, size_t len)
{
	unsigned long pct;
	char *end;

	if (!strcmp(arg, "max")) {
		snprintf(out, len, "max 100000");
		return 0;
	}
	errno = 0;
	pct = strtoul(arg, &end, 10);
	if (errno || end == arg || strcmp(end, "%") || pct < 1 || pct > 100000 ||
	    !isdigit((unsigned char)*arg))
		return -1;
	snprintf(out, len, "%lu 100000", pct * 1000);
	return 0;
}

static int cpus_ok(const char *s)
{
	if (!*s || strlen(s) > 256)
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s) && *s != ',' && *s != '-')
			return 0;
	return 1;
}

static int set_cg_file(const char *what, const struct ctl_vm *vm,
		       const char *file, const char *val)
{
	char mnt[256], path[PATH_MAX];

	if (!vm->cgroup[0]) {
		ctl_err("%s: VM '%s' has no cgroup (created with --cgroup none, or without cgroup v2)",
			what, vm->name);
		return CTL_EXIT_FAIL;
	}
	if (cg_mount(mnt, sizeof(mnt)) < 0) {
		ctl_err("%s: cgroup v2 is not mounted", what);
		return CTL_EXIT_FAIL;
	}
	if (CG_FMT(path, "%s/%s/%s", mnt, vm->cgroup, file)) {
		ctl_err("%s: the cgroup path is too long", what);
		return CTL_EXIT_FAIL;
	}
	if (cg_write(path, val) < 0) {
		ctl_err("%s: cannot write '%s' to %s: %s", what, val, path,
			strerror(errno));
		return CTL_EXIT_FAIL;
	}
	return 0;
}

int cmd_set(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "mem-limit", required_argument, NULL, 'l' },
		{ "mem-target", required_argument, NULL, 't' },
		{ "cpu-max", required_argument, NULL, 'c' },
		{ "cpu-weight", required_argument, NULL, 'w' },
		{ "cpus", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctl_nl_req req = {
		.cmd = MINIVMM_CMD_VM_SET, .what = "set", .has_id = true,
	};
	const char *cpu_max = NULL, *weight = NULL, *cpus = NULL;
	char cpu_max_val[64];
	struct ctl_vm vm;
	unsigned long w;
	char *end;
	int c, ret;

	while ((c = getopt_long(argc, argv, "l:t:c:w:p:", longopts, NULL)) != -1) {
		switch (c) {
		case 'l':
			ret = parse_size_or_none("set", "--mem-limit", optarg,
						 &req.mem_limit);
			if (ret)
				return ret;
			req.has_mem_limit = true;
			break;
		case 't':
			ret = parse_size_or_none("set", "--mem-target", optarg,
						 &req.mem_target);
			if (ret)
				return ret;
			req.has_mem_target = true;
			break;
		case 'c':
			if (parse_cpu_max(optarg, cpu_max_val, sizeof(cpu_max_val)))
				return ctl_usage_error("set: --cpu-max '%s' is not a percentage of one CPU (1%%..100000%%) or 'max'",
						       optarg);
			cpu_max = cpu_max_val;
			break;
		case 'w':
			errno = 0;
			w = strtoul(optarg, &end, 10);
			if (errno || *end || !isdigit((unsigned char)*optarg) ||
			    w < 1 || w > 10000)
				return ctl_usage_error("set: --cpu-weight '%s' is not a weight from 1 to 10000",
						       optarg);
			weight = optarg;
			break;
		case 'p':
			if (!cpus_ok(optarg))
				return ctl_usage_error("set: --cpus '%s' is not a CPU list (e.g. 0-1,3)",
						       optarg);
			cpus = optarg;
			break;
		default:
			return ctl_bad_option("set", argv);
		}
	}
	if (optind + 1 != argc)
		return ctl_usage_error("set needs exactly one NAME|ID");
	if (!req.has_mem_limit && !req.has_mem_target && !cpu_max && !weight &&
	    !cpus)
		return ctl_usage_error("set needs --mem-limit, --mem-target, --cpu-max, --cpu-weight or --cpus");
	ret = ctl_vm_get("set", argv[optind], &vm);
	if (ret)
		return ret;
	req.id = vm.id;
	if (req.has_mem_limit || req.has_mem_target) {
		ret = ctl_nl_call(&req, NULL, NULL);
		if (ret)
			return ret;
	}
	if (cpu_max) {
		ret = set_cg_file("set", &vm, "cpu.max", cpu_max);
		if (ret)
			return ret;
	}
	if (weight) {
		ret = set_cg_file("set", &vm, "cpu.weight", weight);
		if (ret)
			return ret;
	}
	if (cpus)
		return set_cg_file("set", &vm, "cpuset.cpus", cpus);
	return 0;
}
