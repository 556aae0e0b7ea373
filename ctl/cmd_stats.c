// SPDX-License-Identifier: GPL-2.0
/*
 * minivmmctl stats, top, policy, events: what the VMs do and what they may
 * use.  All of it over netlink (VM_STATS, POLICY_GET/SET, the "events"
 * multicast group); nothing touches /dev/minivmm.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "ctl.h"

/* ---- stats ---------------------------------------------------------------- */

struct stats_ctx {
	bool json;
	bool dump;
	int count;
};

static const char *mp_state_name(uint32_t s)
{
	switch (s) {
	case MINIVMM_MP_RUNNABLE:
		return "runnable";
	case MINIVMM_MP_WAIT_SIPI:
		return "wait-for-sipi";
	case MINIVMM_MP_HALTED:
		return "halted";
	}
	return "unknown";
}

static void print_stats_json(const struct ctl_stats *st)
{
	unsigned int r;

	printf("{\"id\": %u, \"name\": ", st->vm.id);
	ctl_json_string(st->vm.name);
	printf(", \"state\": \"%s\", \"vcpus\": %u, \"mem\": %" PRIu64
	       ", \"mem_touched\": %" PRIu64 ", \"run_time_ns\": %" PRIu64
	       ", \"console_bytes\": %" PRIu64 ", \"unclaimed_io\": %" PRIu64,
	       ctl_state_name(st->vm.state), st->vm.vcpus, st->vm.mem,
	       st->mem_touched, st->run_time_ns, st->console_bytes,
	       st->unclaimed_io);
	if (st->vm.has_stop_reason)
		printf(", \"stop_reason\": \"%s\"",
		       ctl_stop_name(st->vm.stop_reason));
	if (st->vm.has_owner)
		printf(", \"owner_uid\": %u", st->vm.owner_uid);
	ctl_print_resources_json(&st->vm);
	printf(", \"exits\": {");
	for (r = 0; r < MINIVMM_EXIT_COUNT; r++)
		printf("%s\"%s\": %" PRIu64, r ? ", " : "", ctl_exit_name(r),
		       st->exits[r]);
	printf("}, \"vcpu_stats\": [");
	for (r = 0; r < st->nr_vcpu_stats; r++) {
		const struct ctl_vcpu_stats *v = &st->vcpu[r];

		printf("%s{\"vcpu\": %u, \"exits\": %" PRIu64
		       ", \"run_time_ns\": %" PRIu64 ", \"irqs\": %" PRIu64
		       ", \"ipis\": %" PRIu64 ", \"mp_state\": \"%s\"",
		       r ? ", " : "", r, v->exits, v->run_time_ns, v->irqs,
		       v->ipis, mp_state_name(v->mp_state));
		if (v->has_wait)
			printf(", \"wait_time_ns\": %" PRIu64, v->wait_time_ns);
		printf("}");
	}
	printf("]}");
}

static void print_stats_text(const struct ctl_stats *st)
{
	char a[32], b[32];
	unsigned int r;

	printf("VM %u (%s)\n", st->vm.id, st->vm.name);
	printf("  %-14s %s", "state:", ctl_state_name(st->vm.state));
	if (st->vm.state == MINIVMM_VM_STOPPED && st->vm.has_stop_reason)
		printf(" (%s)", ctl_stop_name(st->vm.stop_reason));
	if (st->vm.state == MINIVMM_VM_PAUSED &&
	    st->vm.pause_reason == MINIVMM_PAUSE_DEVICE_GONE)
		printf(" (device process gone)");
	printf("\n  %-14s %u\n", "vcpus:", st->vm.vcpus);
	ctl_print_resources_text(&st->vm);
	printf("  %-14s %s touched (mapped for the guest)\n", "",
	       ctl_fmt_size(st->mem_touched, b, sizeof(b)));
	(void)a;
	printf("  %-14s %.3f s\n", "run time:", st->run_time_ns / 1e9);
	printf("  %-14s %" PRIu64 " bytes\n", "console:", st->console_bytes);
	printf("  %-14s %" PRIu64 "\n", "unclaimed io:", st->unclaimed_io);
	printf("  exits:\n");
	for (r = 0; r < MINIVMM_EXIT_COUNT; r++)
		printf("    %-10s %12" PRIu64 "\n", ctl_exit_name(r),
		       st->exits[r]);
	if (!st->nr_vcpu_stats)
		return;
	printf("  per vCPU:\n    %-5s %12s %10s %10s %10s %10s  %s\n", "vcpu",
	       "exits", "irqs", "ipis", "run time", "waited", "state");
	for (r = 0; r < st->nr_vcpu_stats; r++) {
		const struct ctl_vcpu_stats *v = &st->vcpu[r];
		char waited[16] = "         -";

		if (v->has_wait)
			snprintf(waited, sizeof(waited), "%9.3fs",
				 v->wait_time_ns / 1e9);
		printf("    %-5u %12" PRIu64 " %10" PRIu64 " %10" PRIu64
		       " %9.3fs %10s  %s\n", r, v->exits, v->irqs, v->ipis,
		       v->run_time_ns / 1e9, waited, mp_state_name(v->mp_state));
	}
}

static int stats_one(struct nlattr **attrs, void *arg)
{
	struct stats_ctx *ctx = arg;
	struct ctl_stats st;

	ctl_stats_from_attrs(&st, attrs);
	if (ctx->json) {
		if (ctx->dump)
			printf("%s\n  ", ctx->count ? "," : "");
		print_stats_json(&st);
		if (!ctx->dump)
			printf("\n");
	} else {
		if (ctx->count)
			printf("\n");
		print_stats_text(&st);
	}
	ctx->count++;
	return 0;
}

int cmd_stats(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctl_nl_req req = { .cmd = MINIVMM_CMD_VM_STATS, .what = "stats" };
	struct stats_ctx ctx = { 0 };
	int c, ret;

	while ((c = getopt_long(argc, argv, "j", longopts, NULL)) != -1) {
		if (c != 'j')
			return ctl_bad_option("stats", argv);
		ctx.json = true;
	}
	if (optind + 1 < argc)
		return ctl_usage_error("stats takes at most one NAME|ID");
	if (optind < argc)
		ctl_req_vm(&req, argv[optind]);
	else
		req.dump = ctx.dump = true;
	if (ctx.json && ctx.dump)
		printf("[");
	ret = ctl_nl_call(&req, stats_one, &ctx);
	if (ctx.json && ctx.dump)
		printf("%s]\n", ctx.count ? "\n" : "");
	return ret;
}

/* ---- top ------------------------------------------------------------------ */

struct sample {
	struct ctl_stats *vms;
	size_t n, cap;
	int failed;
};

static int sample_one(struct nlattr **attrs, void *arg)
{
	struct sample *s = arg;

	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		struct ctl_stats *v = realloc(s->vms, cap * sizeof(*v));

		if (!v) {
			ctl_err("top: out of memory");
			return CTL_EXIT_FAIL;
		}
		s->vms = v;
		s->cap = cap;
	}
	ctl_stats_from_attrs(&s->vms[s->n++], attrs);
	return 0;
}

static int take_sample(struct sample *s, double *when)
{
	struct ctl_nl_req req = {
		.cmd = MINIVMM_CMD_VM_STATS, .what = "top", .dump = true,
	};
	struct timespec ts;

	s->n = 0;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	*when = ts.tv_sec + ts.tv_nsec / 1e9;
	return ctl_nl_call(&req, sample_one, s);
}

static const struct ctl_stats *find_vm(const struct sample *s, uint32_t id)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->vms[i].vm.id == id)
			return &s->vms[i];
	return NULL;
}

struct rate {
	unsigned int reason;
	double per_s;
};

static int by_rate(const void *a, const void *b)
{
	const struct rate *x = a, *y = b;

	return (x->per_s < y->per_s) - (x->per_s > y->per_s);
}

static void render_top(const struct sample *prev, const struct sample *cur,
		       double secs, bool ansi)
{
	char mem[32];
	size_t i;

	if (ansi)
		printf("\033[H\033[2J");
	printf("minivmm top: %zu VM%s, interval %.1f s\n\n", cur->n,
	       cur->n == 1 ? "" : "s", secs);
	printf("%-6s %-20s %-8s %9s %10s  %s\n", "ID", "NAME", "STATE",
	       "TOUCHED", "EXITS/s", "BY REASON (/s)");
	for (i = 0; i < cur->n; i++) {
		const struct ctl_stats *c = &cur->vms[i];
		const struct ctl_stats *p = find_vm(prev, c->vm.id);
		struct rate rates[MINIVMM_EXIT_COUNT];
		double total = 0;
		unsigned int r;

		for (r = 0; r < MINIVMM_EXIT_COUNT; r++) {
			uint64_t before = p ? p->exits[r] : 0;
			uint64_t d = c->exits[r] >= before ? c->exits[r] - before : 0;

			rates[r].reason = r;
			rates[r].per_s = secs > 0 ? d / secs : 0;
			total += rates[r].per_s;
		}
		qsort(rates, MINIVMM_EXIT_COUNT, sizeof(rates[0]), by_rate);
		printf("%-6u %-20s %-8s %9s %10.0f ", c->vm.id, c->vm.name,
		       ctl_state_name(c->vm.state),
		       ctl_fmt_size(c->mem_touched, mem, sizeof(mem)), total);
		for (r = 0; r < MINIVMM_EXIT_COUNT && rates[r].per_s > 0; r++)
			printf(" %s=%.0f", ctl_exit_name(rates[r].reason),
			       rates[r].per_s);
		if (!r)
			printf(" -");
		printf("\n");
	}
	fflush(stdout);
}

int cmd_top(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "interval", required_argument, NULL, 'i' },
		{ "once", no_argument, NULL, '1' },
		{ NULL, 0, NULL, 0 },
	};
	struct sample a = { 0 }, b = { 0 }, *prev = &a, *cur = &b, *t;
	double interval = 1.0, t0, t1;
	bool once = false;
	char *end;
	int c, ret;

	while ((c = getopt_long(argc, argv, "i:1", longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			errno = 0;
			interval = strtod(optarg, &end);
			if (errno || *end || end == optarg ||
			    !(interval >= 0.1 && interval <= 3600))
				return ctl_usage_error("top: --interval '%s' must be seconds between 0.1 and 3600",
						       optarg);
			break;
		case '1':
			once = true;
			break;
		default:
			return ctl_bad_option("top", argv);
		}
	}
	if (optind != argc)
		return ctl_usage_error("top takes no arguments");
	ret = take_sample(prev, &t0);
	while (!ret) {
		struct timespec ts = {
			.tv_sec = (time_t)interval,
			.tv_nsec = (long)((interval - (time_t)interval) * 1e9),
		};

		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
		ret = take_sample(cur, &t1);
		if (ret)
			break;
		render_top(prev, cur, t1 - t0, !once);
		if (once)
			break;
		t = prev;
		prev = cur;
		cur = t;
		t0 = t1;
	}
	free(a.vms);
	free(b.vms);
	return ret;
}

/* ---- policy --------------------------------------------------------------- */

static int parse_u32(const char *what, const char *opt, const char *arg,
		     uint32_t *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || *end || !isdigit((unsigned char)*arg) || v > UINT32_MAX)
		return ctl_usage_error("%s: %s '%s' is not a number", what, opt,
				       arg);
	*out = (uint32_t)v;
	return 0;
}

static int policy_set(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "max-vms", required_argument, NULL, 'v' },
		{ "max-mem", required_argument, NULL, 'm' },
		{ "max-vcpus", required_argument, NULL, 'c' },
		{ "max-granted", required_argument, NULL, 'g' },
		{ "overcommit", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctl_nl_req req = {
		.cmd = MINIVMM_CMD_POLICY_SET, .what = "policy set",
	};
	unsigned long pct;
	char *end;
	int c, ret;

	while ((c = getopt_long(argc, argv, "v:m:c:g:o:", longopts, NULL)) != -1) {
		switch (c) {
		case 'g':
			if (ctl_parse_size(optarg, &req.max_granted) < 0 ||
			    req.max_granted == 0)
				return ctl_usage_error("policy set: --max-granted '%s' is not a size (use e.g. 64M, 1G)",
						       optarg);
			req.has_max_granted = true;
			break;
		case 'o':
			errno = 0;
			pct = strtoul(optarg, &end, 10);
			if (errno || end == optarg || (*end && strcmp(end, "%")) ||
			    !isdigit((unsigned char)*optarg) || pct < 100 ||
			    pct > MINIVMM_OVERCOMMIT_MAX)
				return ctl_usage_error("policy set: --overcommit '%s' is not a percentage from 100%% to %u%%",
						       optarg, MINIVMM_OVERCOMMIT_MAX);
			req.overcommit = (uint32_t)pct;
			req.has_overcommit = true;
			break;
		case 'v':
			ret = parse_u32("policy set", "--max-vms", optarg,
					&req.max_vms);
			if (ret)
				return ret;
			req.has_max_vms = true;
			break;
		case 'c':
			ret = parse_u32("policy set", "--max-vcpus", optarg,
					&req.max_vcpus);
			if (ret)
				return ret;
			req.has_max_vcpus = true;
			break;
		case 'm':
			if (ctl_parse_size(optarg, &req.max_mem) < 0)
				return ctl_usage_error("policy set: --max-mem '%s' is not a size (use e.g. 64M, 1G)",
						       optarg);
			req.has_max_mem = true;
			break;
		default:
			return ctl_bad_option("policy set", argv);
		}
	}
	if (optind != argc)
		return ctl_usage_error("policy set: unexpected argument '%s'",
				       argv[optind]);
	if (!req.has_max_vms && !req.has_max_mem && !req.has_max_vcpus &&
	    !req.has_max_granted && !req.has_overcommit)
		return ctl_usage_error("policy set needs --max-vms, --max-mem, --max-vcpus, --max-granted or --overcommit");
	return ctl_nl_call(&req, NULL, NULL);
}

int cmd_policy(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctl_policy p;
	char a[32], b[32];
	bool json = false;
	int c, ret;

	if (argc >= 2 && !strcmp(argv[1], "set"))
		return policy_set(argc - 1, argv + 1);
	while ((c = getopt_long(argc, argv, "j", longopts, NULL)) != -1) {
		if (c != 'j')
			return ctl_bad_option("policy", argv);
		json = true;
	}
	if (optind != argc)
		return ctl_usage_error("policy: unknown argument '%s' (did you mean 'policy set'?)",
				       argv[optind]);
	ret = ctl_policy_get("policy", false, &p);
	if (ret)
		return ret;
	if (!p.has_max_vms || !p.has_max_mem || !p.has_max_vcpus) {
		ctl_err("policy: the kernel's reply lacks a limit");
		return CTL_EXIT_FAIL;
	}
	if (json) {
		printf("{\"max_vms\": %u, \"max_mem\": %" PRIu64
		       ", \"max_vcpus\": %u, \"nr_vms\": %u, \"mem_reserved\": %"
		       PRIu64, p.max_vms, p.max_mem, p.max_vcpus,
		       p.nr_vms, p.mem_reserved);
		if (p.has_max_granted)
			printf(", \"max_granted\": %" PRIu64 ", \"mem_granted\": %"
			       PRIu64, p.max_granted, p.mem_granted);
		if (p.has_overcommit)
			printf(", \"overcommit\": %u", p.overcommit);
		printf("}\n");
		return 0;
	}
	printf("%-12s %10s %10s\n", "", "LIMIT", "IN USE");
	printf("%-12s %10u %10u\n", "vms", p.max_vms, p.nr_vms);
	printf("%-12s %10s %10s\n", "memory",
	       ctl_fmt_size(p.max_mem, a, sizeof(a)),
	       ctl_fmt_size(p.mem_reserved, b, sizeof(b)));
	printf("%-12s %10u %10s\n", "vcpus/vm", p.max_vcpus, "-");
	if (p.has_max_granted)
		printf("%-12s %10s %10s\n", "granted",
		       ctl_fmt_size(p.max_granted, a, sizeof(a)),
		       ctl_fmt_size(p.mem_granted, b, sizeof(b)));
	if (p.has_overcommit)
		printf("%-12s %9u%% %10s\n", "overcommit", p.overcommit, "-");
	return 0;
}

/* ---- events --------------------------------------------------------------- */

static const char *event_name(uint32_t ev)
{
	switch (ev) {
	case MINIVMM_EVENT_CREATED:	return "created";
	case MINIVMM_EVENT_STARTED:	return "started";
	case MINIVMM_EVENT_PAUSED:	return "paused";
	case MINIVMM_EVENT_RESUMED:	return "resumed";
	case MINIVMM_EVENT_HALTED:	return "halted";
	case MINIVMM_EVENT_EXITED:	return "exited";
	case MINIVMM_EVENT_CRASHED:	return "crashed";
	case MINIVMM_EVENT_STOPPED:	return "stopped";
	case MINIVMM_EVENT_DESTROYED:	return "destroyed";
	case MINIVMM_EVENT_POWEROFF:	return "poweroff";
	case MINIVMM_EVENT_MEM_REFUSED:	return "mem-refused";
	case MINIVMM_EVENT_DEVICE_GONE:	return "device-gone";
	default:			return NULL;
	}
}

/* "reason=" of a crash: the stop reason in event words. */
static const char *crash_reason(uint32_t reason)
{
	switch (reason) {
	case MINIVMM_STOP_CRASHED:		return "triple-fault";
	case MINIVMM_STOP_BAD_GPA:		return "bad-gpa";
	case MINIVMM_STOP_INTERNAL_ERROR:	return "internal-error";
	default:				return ctl_stop_name(reason);
	}
}

static int print_event(struct nlattr **a, void *arg)
{
	const bool *json = arg;
	const char *name = "";
	char evbuf[24];
	const char *ev;
	uint32_t e;

	if (!a[MINIVMM_ATTR_EVENT])
		return 0;	/* not an event we understand */
	e = nla_get_u32(a[MINIVMM_ATTR_EVENT]);
	ev = event_name(e);
	if (!ev) {
		snprintf(evbuf, sizeof(evbuf), "event-%u", e);
		ev = evbuf;
	}
	if (a[MINIVMM_ATTR_VM_NAME])
		name = nla_get_string(a[MINIVMM_ATTR_VM_NAME]);

	if (*json) {
		printf("{\"event\": \"%s\"", ev);
		if (a[MINIVMM_ATTR_VM_ID])
			printf(", \"id\": %u", nla_get_u32(a[MINIVMM_ATTR_VM_ID]));
		if (a[MINIVMM_ATTR_VM_NAME]) {
			printf(", \"name\": ");
			ctl_json_string(name);
		}
		if (a[MINIVMM_ATTR_EXIT_CODE] && e == MINIVMM_EVENT_EXITED)
			printf(", \"code\": %u",
			       nla_get_u32(a[MINIVMM_ATTR_EXIT_CODE]));
		if (a[MINIVMM_ATTR_STOP_REASON] && e == MINIVMM_EVENT_CRASHED) {
			uint32_t r = nla_get_u32(a[MINIVMM_ATTR_STOP_REASON]);

			printf(", \"reason\": \"%s\"", crash_reason(r));
			if (r == MINIVMM_STOP_BAD_GPA && a[MINIVMM_ATTR_ERROR_GPA])
				printf(", \"gpa\": %" PRIu64,
				       (uint64_t)nla_get_u64(a[MINIVMM_ATTR_ERROR_GPA]));
			if (r == MINIVMM_STOP_INTERNAL_ERROR &&
			    a[MINIVMM_ATTR_ERROR_RAW])
				printf(", \"raw\": %" PRIu64,
				       (uint64_t)nla_get_u64(a[MINIVMM_ATTR_ERROR_RAW]));
		}
		if (a[MINIVMM_ATTR_PAUSE_REASON] && e == MINIVMM_EVENT_MEM_REFUSED)
			printf(", \"reason\": \"%s\"",
			       ctl_pause_name(nla_get_u32(a[MINIVMM_ATTR_PAUSE_REASON])));
		if (a[MINIVMM_ATTR_MEM_GRANTED] && e == MINIVMM_EVENT_MEM_REFUSED)
			printf(", \"granted\": %" PRIu64,
			       (uint64_t)nla_get_u64(a[MINIVMM_ATTR_MEM_GRANTED]));
		printf("}\n");
	} else {
		printf("%s", ev);
		if (a[MINIVMM_ATTR_VM_ID])
			printf(" id=%u", nla_get_u32(a[MINIVMM_ATTR_VM_ID]));
		if (a[MINIVMM_ATTR_VM_NAME])
			printf(" name=%s", name);
		if (a[MINIVMM_ATTR_EXIT_CODE] && e == MINIVMM_EVENT_EXITED)
			printf(" code=%u", nla_get_u32(a[MINIVMM_ATTR_EXIT_CODE]));
		if (a[MINIVMM_ATTR_STOP_REASON] && e == MINIVMM_EVENT_CRASHED) {
			uint32_t r = nla_get_u32(a[MINIVMM_ATTR_STOP_REASON]);

			printf(" reason=%s", crash_reason(r));
			if (r == MINIVMM_STOP_BAD_GPA && a[MINIVMM_ATTR_ERROR_GPA])
				printf(" gpa=0x%" PRIx64,
				       (uint64_t)nla_get_u64(a[MINIVMM_ATTR_ERROR_GPA]));
			if (r == MINIVMM_STOP_INTERNAL_ERROR &&
			    a[MINIVMM_ATTR_ERROR_RAW])
				printf(" raw=0x%" PRIx64,
				       (uint64_t)nla_get_u64(a[MINIVMM_ATTR_ERROR_RAW]));
		}
		if (a[MINIVMM_ATTR_PAUSE_REASON] && e == MINIVMM_EVENT_MEM_REFUSED)
			printf(" reason=%s",
			       ctl_pause_name(nla_get_u32(a[MINIVMM_ATTR_PAUSE_REASON])));
		if (a[MINIVMM_ATTR_MEM_GRANTED] && e == MINIVMM_EVENT_MEM_REFUSED)
			printf(" granted=%" PRIu64,
			       (uint64_t)nla_get_u64(a[MINIVMM_ATTR_MEM_GRANTED]));
		printf("\n");
	}
	/* A reader on a pipe sees each event as it happens. */
	if (fflush(stdout) != 0) {
		ctl_err("events: writing to stdout failed");
		return CTL_EXIT_FAIL;
	}
	return 0;
}

int cmd_events(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	static bool json;
	int c;

	while ((c = getopt_long(argc, argv, "j", longopts, NULL)) != -1) {
		if (c != 'j')
			return ctl_bad_option("events", argv);
		json = true;
	}
	if (optind != argc)
		return ctl_usage_error("events takes no arguments");
	return ctl_nl_listen_events(print_event, &json);
}
