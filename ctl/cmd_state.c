// SPDX-License-Identifier: GPL-2.0
/*
 * minivmmctl state: a vCPU's whole state (MINIVMM_VM_GET_STATE /
 * MINIVMM_VM_SET_STATE) shown as text or JSON (json-c), saved to and loaded
 * from a file (the binary struct minivmm_vcpu_state), or changed one field
 * at a time with --set.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <json-c/json.h>
#include "ctl.h"

#define FIELD_NAME(name, text)	[MINIVMM_FIELD_##name] = text,
static const char *const field_names[MINIVMM_FIELD_COUNT] = {
	MINIVMM_STATE_FIELDS(FIELD_NAME)
};
#undef FIELD_NAME

static const char *const gpr_names[MINIVMM_NR_GPRS] = {
	"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};

static const char *const seg_names[8] = {
	"cs", "ds", "es", "fs", "gs", "ss", "tr", "ldt",
};

static struct minivmm_segment *seg_at(struct minivmm_vcpu_state *st,
				      unsigned int i)
{
	struct minivmm_segment *segs[8] = {
		&st->cs, &st->ds, &st->es, &st->fs, &st->gs, &st->ss,
		&st->tr, &st->ldt,
	};

	return segs[i];
}

/* Fields --set can change: NAME=VALUE, VALUE in C notation. */
#define F(n, m) { n, offsetof(struct minivmm_vcpu_state, m), \
		  sizeof(((struct minivmm_vcpu_state *)0)->m) }
static const struct { const char *name; size_t off, size; } set_fields[] = {
	F("rip", rip), F("rflags", rflags),
	F("cr0", cr0), F("cr2", cr2), F("cr3", cr3), F("cr4", cr4),
	F("cr8", cr8), F("efer", efer), F("xcr0", xcr0),
	F("dr0", dr[0]), F("dr1", dr[1]), F("dr2", dr[2]), F("dr3", dr[3]),
	F("dr6", dr6), F("dr7", dr7),
	F("pat", msrs.pat), F("star", msrs.star), F("lstar", msrs.lstar),
	F("cstar", msrs.cstar), F("sfmask", msrs.sfmask),
	F("kernel_gs_base", msrs.kernel_gs_base), F("tsc_aux", msrs.tsc_aux),
	F("pkru", msrs.pkru), F("pkrs", msrs.pkrs),
	F("kvm_system_time", msrs.kvm_system_time),
	F("kvm_wall_clock", msrs.kvm_wall_clock),
	F("cs.type", cs.type), F("cs.s", cs.s), F("cs.l", cs.l),
	F("cs.db", cs.db), F("cs.present", cs.present), F("cs.dpl", cs.dpl),
	F("ss.type", ss.type), F("ss.dpl", ss.dpl), F("ss.s", ss.s),
	F("ds.type", ds.type), F("tr.type", tr.type), F("gdt.base", gdt.base),
	F("event.pending", events.pending), F("event.type", events.type),
	F("event.vector", events.vector),
	F("event.has_error", events.has_error),
	F("event.error_code", events.error_code),
	F("event.nmi_blocked", events.nmi_blocked),
	F("event.nmi_pending", events.nmi_pending),
};
#undef F

static int set_one(struct minivmm_vcpu_state *st, const char *arg)
{
	const char *eq = strchr(arg, '=');
	unsigned long long v;
	char *end;
	size_t i, n;

	if (!eq)
		return ctl_usage_error("state: --set takes NAME=VALUE, not '%s'",
				       arg);
	n = eq - arg;
	errno = 0;
	v = strtoull(eq + 1, &end, 0);
	if (errno || end == eq + 1 || *end)
		return ctl_usage_error("state: '%s' is not a number", eq + 1);
	for (i = 0; i < MINIVMM_NR_GPRS; i++)
		if (strlen(gpr_names[i]) == n && !strncmp(arg, gpr_names[i], n)) {
			st->gprs[i] = v;
			return 0;
		}
	for (i = 0; i < sizeof(set_fields) / sizeof(set_fields[0]); i++) {
		unsigned char *p = (unsigned char *)st + set_fields[i].off;

		if (strlen(set_fields[i].name) != n ||
		    strncmp(arg, set_fields[i].name, n))
			continue;
		/* Little-endian: the low bytes of the value. */
		memcpy(p, &v, set_fields[i].size);
		return 0;
	}
	return ctl_usage_error("state: --set: unknown field '%.*s'", (int)n,
			       arg);
}

static json_object *ju64(uint64_t v)
{
	return json_object_new_uint64(v);
}

static json_object *seg_json(const struct minivmm_segment *s)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "selector", ju64(s->selector));
	json_object_object_add(o, "base", ju64(s->base));
	json_object_object_add(o, "limit", ju64(s->limit));
	json_object_object_add(o, "type", ju64(s->type));
	json_object_object_add(o, "s", ju64(s->s));
	json_object_object_add(o, "dpl", ju64(s->dpl));
	json_object_object_add(o, "present", ju64(s->present));
	json_object_object_add(o, "avl", ju64(s->avl));
	json_object_object_add(o, "l", ju64(s->l));
	json_object_object_add(o, "db", ju64(s->db));
	json_object_object_add(o, "g", ju64(s->g));
	json_object_object_add(o, "unusable", ju64(s->unusable));
	return o;
}

static json_object *u32_array(const uint32_t *v, size_t n)
{
	json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_object_array_add(a, ju64(v[i]));
	return a;
}

/* XMM/YMM register @i as hex, most significant byte first. */
static void vec_hex(const struct minivmm_vcpu_state *st, unsigned int i,
		    char *buf)
{
	const uint8_t *lo = st->fpu.area + 160 + 16 * i;
	const uint8_t *hi = st->fpu.area + 576 + 16 * i;
	bool ymm = st->fpu.format == MINIVMM_FPU_XSAVE &&
		   (st->fpu.components & 4) && st->fpu.size >= 576 + 256;
	int j;

	for (j = 15; ymm && j >= 0; j--)
		buf += sprintf(buf, "%02x", hi[j]);
	for (j = 15; j >= 0; j--)
		buf += sprintf(buf, "%02x", lo[j]);
}

static void print_json(const struct minivmm_vcpu_state *st)
{
	json_object *o = json_object_new_object(), *g, *m, *e, *a, *f, *v;
	char hex[65];
	unsigned int i;
	uint32_t mxcsr;
	uint16_t fcw;

	json_object_object_add(o, "version", ju64(st->version));
	json_object_object_add(o, "vcpu", ju64(st->vcpu));
	g = json_object_new_object();
	for (i = 0; i < MINIVMM_NR_GPRS; i++)
		json_object_object_add(g, gpr_names[i], ju64(st->gprs[i]));
	json_object_object_add(o, "gprs", g);
	json_object_object_add(o, "rip", ju64(st->rip));
	json_object_object_add(o, "rflags", ju64(st->rflags));
	g = json_object_new_object();
	for (i = 0; i < 8; i++)
		json_object_object_add(g, seg_names[i],
				       seg_json(seg_at((void *)st, i)));
	json_object_object_add(o, "segments", g);
	g = json_object_new_object();
	json_object_object_add(g, "base", ju64(st->gdt.base));
	json_object_object_add(g, "limit", ju64(st->gdt.limit));
	json_object_object_add(o, "gdt", g);
	g = json_object_new_object();
	json_object_object_add(g, "base", ju64(st->idt.base));
	json_object_object_add(g, "limit", ju64(st->idt.limit));
	json_object_object_add(o, "idt", g);
	json_object_object_add(o, "cr0", ju64(st->cr0));
	json_object_object_add(o, "cr2", ju64(st->cr2));
	json_object_object_add(o, "cr3", ju64(st->cr3));
	json_object_object_add(o, "cr4", ju64(st->cr4));
	json_object_object_add(o, "cr8", ju64(st->cr8));
	json_object_object_add(o, "efer", ju64(st->efer));
	json_object_object_add(o, "xcr0", ju64(st->xcr0));
	a = json_object_new_array();
	for (i = 0; i < 4; i++)
		json_object_array_add(a, ju64(st->dr[i]));
	json_object_object_add(o, "dr0_3", a);
	json_object_object_add(o, "dr6", ju64(st->dr6));
	json_object_object_add(o, "dr7", ju64(st->dr7));

	m = json_object_new_object();
	json_object_object_add(m, "sysenter_cs", ju64(st->msrs.sysenter_cs));
	json_object_object_add(m, "sysenter_esp", ju64(st->msrs.sysenter_esp));
	json_object_object_add(m, "sysenter_eip", ju64(st->msrs.sysenter_eip));
	json_object_object_add(m, "star", ju64(st->msrs.star));
	json_object_object_add(m, "lstar", ju64(st->msrs.lstar));
	json_object_object_add(m, "cstar", ju64(st->msrs.cstar));
	json_object_object_add(m, "sfmask", ju64(st->msrs.sfmask));
	json_object_object_add(m, "kernel_gs_base",
			       ju64(st->msrs.kernel_gs_base));
	json_object_object_add(m, "pat", ju64(st->msrs.pat));
	json_object_object_add(m, "tsc_offset", ju64(st->msrs.tsc_offset));
	json_object_object_add(m, "tsc_aux", ju64(st->msrs.tsc_aux));
	json_object_object_add(m, "apic_base", ju64(st->msrs.apic_base));
	json_object_object_add(m, "misc_enable", ju64(st->msrs.misc_enable));
	json_object_object_add(m, "pkru", ju64(st->msrs.pkru));
	json_object_object_add(m, "pkrs", ju64(st->msrs.pkrs));
	json_object_object_add(m, "kvm_system_time",
			       ju64(st->msrs.kvm_system_time));
	json_object_object_add(m, "kvm_wall_clock",
			       ju64(st->msrs.kvm_wall_clock));
	json_object_object_add(o, "msrs", m);

	e = json_object_new_object();
	json_object_object_add(e, "int_shadow", ju64(st->events.int_shadow));
	json_object_object_add(e, "nmi_blocked", ju64(st->events.nmi_blocked));
	json_object_object_add(e, "nmi_pending", ju64(st->events.nmi_pending));
	json_object_object_add(e, "pending", ju64(st->events.pending));
	json_object_object_add(e, "type", ju64(st->events.type));
	json_object_object_add(e, "vector", ju64(st->events.vector));
	json_object_object_add(e, "has_error", ju64(st->events.has_error));
	json_object_object_add(e, "error_code", ju64(st->events.error_code));
	json_object_object_add(e, "insn_len", ju64(st->events.insn_len));
	json_object_object_add(o, "events", e);

	a = json_object_new_object();
	json_object_object_add(a, "id", ju64(st->lapic.id));
	json_object_object_add(a, "tpr", ju64(st->lapic.tpr));
	json_object_object_add(a, "dfr", ju64(st->lapic.dfr));
	json_object_object_add(a, "ldr", ju64(st->lapic.ldr));
	json_object_object_add(a, "svr", ju64(st->lapic.svr));
	json_object_object_add(a, "esr", ju64(st->lapic.esr));
	json_object_object_add(a, "icr_lo", ju64(st->lapic.icr_lo));
	json_object_object_add(a, "icr_hi", ju64(st->lapic.icr_hi));
	json_object_object_add(a, "lvt", u32_array(st->lapic.lvt,
						    MINIVMM_LAPIC_LVTS));
	json_object_object_add(a, "timer_initial",
			       ju64(st->lapic.timer_initial));
	json_object_object_add(a, "timer_divide", ju64(st->lapic.timer_divide));
	json_object_object_add(a, "timer_current",
			       ju64(st->lapic.timer_current));
	json_object_object_add(a, "isr", u32_array(st->lapic.isr, 8));
	json_object_object_add(a, "irr", u32_array(st->lapic.irr, 8));
	json_object_object_add(a, "tmr", u32_array(st->lapic.tmr, 8));
	json_object_object_add(o, "lapic", a);

	f = json_object_new_object();
	json_object_object_add(f, "format", json_object_new_string(
		st->fpu.format == MINIVMM_FPU_XSAVE ? "xsave" : "fxsave"));
	json_object_object_add(f, "size", ju64(st->fpu.size));
	json_object_object_add(f, "components", ju64(st->fpu.components));
	memcpy(&fcw, st->fpu.area, 2);
	memcpy(&mxcsr, st->fpu.area + 24, 4);
	json_object_object_add(f, "fcw", ju64(fcw));
	json_object_object_add(f, "mxcsr", ju64(mxcsr));
	v = json_object_new_array();
	for (i = 0; i < 16; i++) {
		vec_hex(st, i, hex);
		json_object_array_add(v, json_object_new_string(hex));
	}
	json_object_object_add(f, "vectors", v);
	json_object_object_add(o, "fpu", f);

	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
					    JSON_C_TO_STRING_SPACED));
	json_object_put(o);
}

static void print_text(const struct minivmm_vcpu_state *st)
{
	char hex[65];
	unsigned int i;
	uint32_t mxcsr;

	printf("vcpu %u\n", st->vcpu);
	for (i = 0; i < MINIVMM_NR_GPRS; i++)
		printf("%-6s 0x%016" PRIx64 "%s", gpr_names[i],
		       (uint64_t)st->gprs[i], i % 4 == 3 ? "\n" : "  ");
	printf("rip    0x%016" PRIx64 "  rflags 0x%" PRIx64 "\n",
	       (uint64_t)st->rip, (uint64_t)st->rflags);
	for (i = 0; i < 8; i++) {
		const struct minivmm_segment *s = seg_at((void *)st, i);

		printf("%-3s    sel 0x%04x base 0x%016" PRIx64
		       " limit 0x%08x type %u s %u dpl %u p %u l %u db %u g %u%s\n",
		       seg_names[i], s->selector, (uint64_t)s->base, s->limit,
		       s->type, s->s, s->dpl, s->present, s->l, s->db, s->g,
		       s->unusable ? " unusable" : "");
	}
	printf("gdt    base 0x%016" PRIx64 " limit 0x%04x\n",
	       (uint64_t)st->gdt.base, st->gdt.limit);
	printf("idt    base 0x%016" PRIx64 " limit 0x%04x\n",
	       (uint64_t)st->idt.base, st->idt.limit);
	printf("cr0 0x%" PRIx64 " cr2 0x%" PRIx64 " cr3 0x%" PRIx64
	       " cr4 0x%" PRIx64 " cr8 0x%" PRIx64 " efer 0x%" PRIx64
	       " xcr0 0x%" PRIx64 "\n", (uint64_t)st->cr0, (uint64_t)st->cr2,
	       (uint64_t)st->cr3, (uint64_t)st->cr4, (uint64_t)st->cr8,
	       (uint64_t)st->efer, (uint64_t)st->xcr0);
	printf("dr0 0x%" PRIx64 " dr1 0x%" PRIx64 " dr2 0x%" PRIx64
	       " dr3 0x%" PRIx64 " dr6 0x%" PRIx64 " dr7 0x%" PRIx64 "\n",
	       (uint64_t)st->dr[0], (uint64_t)st->dr[1], (uint64_t)st->dr[2],
	       (uint64_t)st->dr[3], (uint64_t)st->dr6, (uint64_t)st->dr7);
	printf("star 0x%" PRIx64 " lstar 0x%" PRIx64 " cstar 0x%" PRIx64
	       " sfmask 0x%" PRIx64 " kernel_gs_base 0x%" PRIx64 "\n",
	       (uint64_t)st->msrs.star, (uint64_t)st->msrs.lstar,
	       (uint64_t)st->msrs.cstar, (uint64_t)st->msrs.sfmask,
	       (uint64_t)st->msrs.kernel_gs_base);
	printf("sysenter cs 0x%" PRIx64 " esp 0x%" PRIx64 " eip 0x%" PRIx64
	       " pat 0x%" PRIx64 " tsc_offset 0x%" PRIx64 " tsc_aux 0x%" PRIx64
	       " apic_base 0x%" PRIx64 " pkru 0x%" PRIx64 " pkrs 0x%" PRIx64
	       "\n",
	       (uint64_t)st->msrs.sysenter_cs, (uint64_t)st->msrs.sysenter_esp,
	       (uint64_t)st->msrs.sysenter_eip, (uint64_t)st->msrs.pat,
	       (uint64_t)st->msrs.tsc_offset, (uint64_t)st->msrs.tsc_aux,
	       (uint64_t)st->msrs.apic_base, (uint64_t)st->msrs.pkru,
	       (uint64_t)st->msrs.pkrs);
	printf("kvmclock system_time 0x%" PRIx64 " wall_clock 0x%" PRIx64 "\n",
	       (uint64_t)st->msrs.kvm_system_time,
	       (uint64_t)st->msrs.kvm_wall_clock);
	printf("events int_shadow %u nmi_blocked %u pending %u type %u vector %u error %s0x%x nmi_pending %u\n",
	       st->events.int_shadow, st->events.nmi_blocked,
	       st->events.pending, st->events.type, st->events.vector,
	       st->events.has_error ? "" : "(none) ", st->events.error_code,
	       st->events.nmi_pending);
	printf("lapic id %u tpr 0x%x svr 0x%x lvt_timer 0x%x timer %u/%u\n",
	       st->lapic.id, st->lapic.tpr, st->lapic.svr, st->lapic.lvt[0],
	       st->lapic.timer_current, st->lapic.timer_initial);
	memcpy(&mxcsr, st->fpu.area + 24, 4);
	printf("fpu %s, %u bytes, components 0x%" PRIx64 ", mxcsr 0x%x\n",
	       st->fpu.format == MINIVMM_FPU_XSAVE ? "xsave" : "fxsave",
	       st->fpu.size, (uint64_t)st->fpu.components, mxcsr);
	for (i = 0; i < 16; i++) {
		vec_hex(st, i, hex);
		printf("v%-2u %s\n", i, hex);
	}
}

const char *ctl_state_field_name(uint32_t field)
{
	if (field < MINIVMM_FIELD_COUNT)
		return field_names[field];
	return "an unknown field";
}

int ctl_state_get(int fd, uint32_t vcpu, uint32_t mask,
		  struct minivmm_vcpu_state *st)
{
	memset(st, 0, sizeof(*st));
	st->version = MINIVMM_STATE_VERSION;
	st->size = sizeof(*st);
	st->vcpu = vcpu;
	st->mask = mask;
	return ioctl(fd, MINIVMM_VM_GET_STATE, st) ? -1 : 0;
}

int ctl_state_set(int fd, struct minivmm_vcpu_state *st, uint32_t *field)
{
	st->invalid_field = 0;
	*field = 0;
	if (ioctl(fd, MINIVMM_VM_SET_STATE, st) == 0)
		return 0;
	*field = st->invalid_field;
	return -1;
}

static int get_state(int fd, uint32_t vcpu, struct minivmm_vcpu_state *st)
{
	if (ctl_state_get(fd, vcpu, MINIVMM_STATE_ALL, st) == 0)
		return 0;
	if (errno == EBUSY)
		ctl_err("state: the VM is running; pause it first");
	else
		ctl_err("state: cannot read the state of vCPU %u: %s", vcpu,
			strerror(errno));
	return CTL_EXIT_FAIL;
}

/* Write @st into vCPU @vcpu. */
static int set_state(int fd, uint32_t vcpu, struct minivmm_vcpu_state *st)
{
	uint32_t f;

	st->vcpu = vcpu;
	if (ctl_state_set(fd, st, &f) == 0)
		return 0;
	if (errno == EINVAL && f)
		ctl_err("state: the vCPU state was refused: %s is invalid",
			ctl_state_field_name(f));
	else if (errno == EBUSY)
		ctl_err("state: the VM is running; pause it first");
	else
		ctl_err("state: cannot write the state of vCPU %u: %s", vcpu,
			strerror(errno));
	return CTL_EXIT_FAIL;
}

/* --vcpu N: a number below the VM's vCPU count. */
static int parse_vcpu(const char *arg, const struct ctl_vm *vm,
		      uint32_t *vcpu)
{
	uint32_t n = vm->vcpus ? vm->vcpus : 1;
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-')
		return ctl_usage_error("state: --vcpu takes a vCPU number, not '%s'",
				       arg);
	if (v >= n) {
		ctl_err("state: VM %s has %u vCPU%s, so --vcpu takes 0 to %u, not %lu",
			vm->name, n, n > 1 ? "s" : "", n - 1, v);
		return CTL_EXIT_FAIL;
	}
	*vcpu = (uint32_t)v;
	return 0;
}

static int save_file(const char *path, const struct minivmm_vcpu_state *st)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(st, sizeof(*st), 1, f) != 1 || fclose(f)) {
		ctl_err("state: cannot write %s: %s", path, strerror(errno));
		if (f)
			fclose(f);
		return CTL_EXIT_FAIL;
	}
	return 0;
}

static int load_file(const char *path, struct minivmm_vcpu_state *st)
{
	FILE *f = fopen(path, "rb");
	size_t n;
	int extra;

	if (!f) {
		ctl_err("state: cannot open %s: %s", path, strerror(errno));
		return CTL_EXIT_FAIL;
	}
	n = fread(st, 1, sizeof(*st), f);
	extra = fgetc(f);
	fclose(f);
	if (n != sizeof(*st) || extra != EOF) {
		ctl_err("state: %s is not a saved vCPU state (%zu bytes expected)",
			path, sizeof(*st));
		return CTL_EXIT_FAIL;
	}
	return 0;
}

int cmd_state(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "save", required_argument, NULL, 's' },
		{ "load", required_argument, NULL, 'l' },
		{ "set", required_argument, NULL, 'S' },
		{ "vcpu", required_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	const char *save = NULL, *load = NULL, *vcpu_arg = NULL;
	struct minivmm_vcpu_state *st;
	char **sets = calloc(argc, sizeof(*sets));
	int nsets = 0, c, fd, ret, i;
	bool json = false;
	uint32_t vcpu = 0;
	struct ctl_vm vm;

	st = calloc(1, sizeof(*st));
	if (!st || !sets) {
		ctl_err("state: out of memory");
		return CTL_EXIT_FAIL;
	}
	ret = CTL_EXIT_USAGE;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 's':
			save = optarg;
			break;
		case 'l':
			load = optarg;
			break;
		case 'S':
			sets[nsets++] = optarg;
			break;
		case 'v':
			vcpu_arg = optarg;
			break;
		default:
			ret = ctl_bad_option("state", argv);
			goto out;
		}
	}
	if (optind != argc - 1) {
		ret = ctl_usage_error("state: expected one NAME|ID");
		goto out;
	}
	if (load && (save || nsets)) {
		ret = ctl_usage_error("state: --load goes alone");
		goto out;
	}
	ret = ctl_vm_get("state", argv[optind], &vm);
	if (ret)
		goto out;
	if (vcpu_arg) {
		ret = parse_vcpu(vcpu_arg, &vm, &vcpu);
		if (ret)
			goto out;
	}
	fd = ctl_open_vm("state", vm.id);
	if (fd < 0) {
		ret = CTL_EXIT_FAIL;
		goto out;
	}
	if (load) {
		ret = load_file(load, st);
		if (!ret)
			ret = set_state(fd, vcpu, st);
		goto out_fd;
	}
	ret = get_state(fd, vcpu, st);
	if (ret)
		goto out_fd;
	if (nsets) {
		for (i = 0; i < nsets && !ret; i++)
			ret = set_one(st, sets[i]);
		if (!ret)
			ret = set_state(fd, vcpu, st);
		if (ret)
			goto out_fd;
		ret = get_state(fd, vcpu, st);
		if (ret)
			goto out_fd;
	}
	if (save)
		ret = save_file(save, st);
	else if (json)
		print_json(st);
	else
		print_text(st);
out_fd:
	close(fd);
out:
	free(st);
	free(sets);
	return ret;
}
