/* Error codes, names, messages and the tg_error record. */
#include <stdio.h>
#include <string.h>

#include "util/util.h"

static const struct {
	int code, exit_status;
	const char *name, *msg;
} errors[] = {
#define TG_ROW_(name, num, exitc, msg) {-(num), exitc, #name, msg},
	TG_ERRORS(TG_ROW_)
#undef TG_ROW_
};

static int find(int code)
{
	for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++)
		if (errors[i].code == code)
			return (int)i;
	return -1;
}

const char *tg_strerror(int code)
{
	if (code == TG_OK)
		return _("success");
	int i = find(code);
	return i < 0 ? _("unknown error") : _(errors[i].msg);
}

const char *tg_error_name(int code)
{
	int i = find(code);
	return code == TG_OK ? "OK" : i < 0 ? "EUNKNOWN" : errors[i].name;
}

int tg_error_exit_status(int code)
{
	int i = find(code);
	return code == TG_OK ? 0 : i < 0 ? 1 : errors[i].exit_status;
}

void tg_error_clear(tg_error *err)
{
	if (err)
		memset(err, 0, sizeof *err);
}

int (tg_error_set)(tg_error *err, int code, const char *path, const char *fmt, ...)
{
	if (!err)
		return code;
	err->code = code;
	snprintf(err->path, sizeof err->path, "%s", path ? path : "");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return code;
}
