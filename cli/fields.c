/*
 * Records from command-line flags: --birth-date 1990 sets "birth_date";
 * a list field takes repeated flags (--method beating --method hooding, or
 * --methods), each a bare value or, for lists of objects, a JSON object or
 * the value of the element's first required field (--name "Нұрсұлтан
 * Исаев" adds {"text": ...}).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

/* Field of e named by a flag: "birth-date", "birth_date", or for lists the
 * plural or the element name ("methods", "method"). */
static const tg_field *flag_field(const tg_entity *e, const char *flag)
{
	char name[64];
	snprintf(name, sizeof name, "%s", flag);
	for (char *p = name; *p; p++)
		if (*p == '-')
			*p = '_';
	const tg_field *f = tg_model_field(e, name);
	for (int i = 0; !f && i < e->nfields; i++) {
		const tg_field *g = &e->fields[i];
		if (g->type == TG_FT_LIST &&
		    (!strcmp(g->child->name, name) || !strcmp(g->child->fields[0].name, name)))
			f = g;
	}
	return f;
}

static int bad_value(const char *cmd, const char *flag, const char *value, const char *what)
{
	return cli_usage_error(cmd, _("--%s: \"%s\" is not %s"), flag, value, what);
}

/* Parses one flag value for scalar field f. */
static int scalar_value(const char *cmd, const char *flag, const tg_field *f, const char *v,
                        json_t **out)
{
	char *end;
	errno = 0;
	switch (f->type) {
	case TG_FT_INT: {
		long long n = strtoll(v, &end, 10);
		if (!*v || *end || errno)
			return bad_value(cmd, flag, v, _("an integer"));
		*out = json_integer(n);
		return CLI_OK;
	}
	case TG_FT_REAL: {
		double d = strtod(v, &end);
		if (!*v || *end || errno || !isfinite(d))
			return bad_value(cmd, flag, v, _("a number"));
		*out = json_real(d);
		return CLI_OK;
	}
	case TG_FT_BOOL:
		if (strcmp(v, "true") && strcmp(v, "false"))
			return bad_value(cmd, flag, v, _("true or false"));
		*out = json_boolean(!strcmp(v, "true"));
		return CLI_OK;
	default:
		*out = json_string(v);
		return *out ? CLI_OK : bad_value(cmd, flag, v, _("valid UTF-8"));
	}
}

static int list_value(const char *cmd, const char *flag, const tg_field *f, const char *v,
                      json_t **out)
{
	const tg_entity *c = f->child;
	if (c->scalar)
		return scalar_value(cmd, flag, &c->fields[0], v, out);
	if (*v == '{') {
		json_error_t jerr;
		*out = json_loads(v, 0, &jerr);
		return *out ? CLI_OK
		            : cli_usage_error(cmd, _("--%s: malformed JSON at column %d: %s"), flag,
		                              jerr.column, jerr.text);
	}
	for (int i = 0; i < c->nfields; i++) {
		if (c->fields[i].flags & TG_FF_REQUIRED) {
			json_t *item;
			int rc = scalar_value(cmd, flag, &c->fields[i], v, &item);
			if (rc)
				return rc;
			*out = json_object();
			json_object_set_new(*out, c->fields[i].name, item);
			return CLI_OK;
		}
	}
	return bad_value(cmd, flag, v, _("a JSON object"));
}

int cli_doc_from_flags(const char *cmd, const tg_entity *e, int argc, char **argv, bool patch,
                       json_t **out)
{
	json_t *doc = json_object();
	int rc = CLI_OK;
	for (int i = 0; i < argc && !rc; i++) {
		const char *a = argv[i];
		if (strncmp(a, "--", 2) || !a[2]) {
			rc = cli_usage_error(cmd, _("unexpected argument \"%s\""), a);
			break;
		}
		char flag[64];
		const char *eq = strchr(a, '=');
		const char *value = eq ? eq + 1 : NULL;
		snprintf(flag, sizeof flag, "%.*s", (int)((eq ? (size_t)(eq - a) : strlen(a)) - 2), a + 2);
		bool unset = patch && !strcmp(flag, "unset");
		const tg_field *f = NULL;
		if (!value) {
			if (i + 1 >= argc) {
				rc = cli_usage_error(cmd, _("--%s needs a value"), flag);
				break;
			}
			value = argv[++i];
		}
		if (unset) {
			f = flag_field(e, value);
			if (!f) {
				rc = cli_usage_error(cmd, _("%s has no field %s"), e->name, value);
				break;
			}
			json_object_set_new(doc, f->name, json_null());
			continue;
		}
		if (!(f = flag_field(e, flag))) {
			rc = cli_usage_error(cmd, _("%s has no field %s"), e->name, flag);
			break;
		}
		json_t *v = NULL;
		if (f->type == TG_FT_LIST) {
			rc = list_value(cmd, flag, f, value, &v);
			if (!rc) {
				json_t *arr = json_object_get(doc, f->name);
				if (!arr) {
					arr = json_array();
					json_object_set_new(doc, f->name, arr);
				}
				json_array_append_new(arr, v);
			}
		} else {
			rc = scalar_value(cmd, flag, f, value, &v);
			if (!rc)
				json_object_set_new(doc, f->name, v);
		}
	}
	if (rc) {
		json_decref(doc);
		return rc;
	}
	*out = doc;
	return CLI_OK;
}

/* Placeholder shown after a flag in the field list. */
static const char *placeholder(const tg_field *f)
{
	switch (f->type) {
	case TG_FT_INT: return "N";
	case TG_FT_REAL: return "NUMBER";
	case TG_FT_BOOL: return "true|false";
	case TG_FT_DATE: return "DATE";
	case TG_FT_TERM: return "CODE";
	case TG_FT_REF: return "ID";
	case TG_FT_LIST: return f->child->scalar ? placeholder(&f->child->fields[0]) : "JSON|TEXT";
	default: return "TEXT";
	}
}

void cli_print_fields(const tg_entity *e)
{
	printf(_("\nFields of %s (%s):\n"), e->name, _(e->help));
	for (int i = 0; i < e->nfields; i++) {
		const tg_field *f = &e->fields[i];
		char flag[96];
		const char *name = f->type == TG_FT_LIST ? f->child->name : f->name;
		snprintf(flag, sizeof flag, "--%s %s", name, placeholder(f));
		for (char *p = flag + 2; *p && *p != ' '; p++)
			if (*p == '_')
				*p = '-';
		printf("  %-30s %s%s", flag, _(f->help),
		       f->flags & TG_FF_REQUIRED ? _(" (required)") : "");
		if (f->type == TG_FT_TERM)
			printf(_(" [vocabulary %s]"), f->vocab);
		if (f->type == TG_FT_LIST)
			printf(_(" [repeatable]"));
		putchar('\n');
	}
}
