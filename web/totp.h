/* TOTP (RFC 6238) for the second factor of web accounts. */
#ifndef TG_WEB_TOTP_H
#define TG_WEB_TOTP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

enum { WEB_TOTP_SECRET_LEN = 32 };

/* A new random secret, base32 without padding. */
void web_totp_new_secret(char out[WEB_TOTP_SECRET_LEN + 1]);
/* The 6-digit code of secret for 30-second step; -1 for a bad secret. */
int web_totp_code(const char *secret, uint64_t step);
/* True when code is the secret's code at now_s, a step before or after,
 * and later than *last_step (a code is good once); *last_step advances. */
bool web_totp_check(const char *secret, const char *code, uint64_t now_s, uint64_t *last_step);

#endif
