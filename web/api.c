/* The JSON API under /api/v1/. */
#include "web/web-int.h"

int web_api(struct web_req *r, const char *rest)
{
	return web_error(r, 404, NULL);
}
