/*
 * A JPEG segment filter for public derivatives of evidence photos (T12):
 * the copy keeps the image and loses what a camera or an editor wrote
 * about it — Exif (GPS position, time, device serial), XMP, IPTC,
 * comments, maker notes and any data after the end of the image.
 *
 * It walks the marker segments (ITU-T T.81 B.1) without decoding: every
 * segment it keeps, and the entropy-coded data of every scan, is copied
 * byte for byte, so the picture is exactly the original's.  What to keep
 * is decided default-deny over application segments, because any APPn may
 * carry metadata: APP0 (JFIF) and APP14 (Adobe colour transform) are
 * needed to show the image right, APP2 only when it is an ICC colour
 * profile; every other APPn (APP1 Exif/XMP, APP2 FlashPix/MPF, APP13
 * Photoshop/IPTC, ...) and COM are dropped, with the bytes after EOI (a
 * second image of an MPF file, a maker's trailer).  One thing is lost
 * with Exif: its orientation tag, so a turned photo may show turned.
 */
#include <stdlib.h>
#include <string.h>

#include "io/io.h"

static bool keep_segment(int marker, const uint8_t *body, size_t len)
{
	static const char icc[] = "ICC_PROFILE";
	if (marker == 0xFE)
		return false;
	if (marker < 0xE0 || marker > 0xEF)
		return true;
	if (marker == 0xE0 || marker == 0xEE)
		return true;
	return marker == 0xE2 && len >= sizeof icc && !memcmp(body, icc, sizeof icc);
}

/* The end of the entropy-coded data that starts at p: the first marker
 * that is neither a stuffed 0xFF00 nor a restart marker. */
static size_t scan_end(const uint8_t *in, size_t n, size_t p)
{
	while (p < n) {
		if (in[p] != 0xFF) {
			p++;
			continue;
		}
		if (p + 1 < n && (in[p + 1] == 0x00 || (in[p + 1] >= 0xD0 && in[p + 1] <= 0xD7))) {
			p += 2;
			continue;
		}
		break;
	}
	return p;
}

static int bad(tg_error *err, size_t at)
{
	return tg_error_set(err, TG_EINVAL, NULL, _("not a JPEG that can be read (byte %zu)"), at);
}

int tg_jpeg_strip(const uint8_t *in, size_t n, uint8_t **out, size_t *outlen, tg_error *err)
{
	*out = NULL;
	*outlen = 0;
	if (n < 4 || in[0] != 0xFF || in[1] != 0xD8)
		return bad(err, 0);
	uint8_t *o = malloc(n);
	if (!o)
		return tg_error_set(err, TG_ENOMEM, NULL, "%s", tg_strerror(TG_ENOMEM));
	size_t w = 2, p = 2;
	memcpy(o, in, 2);
	for (;;) {
		size_t start = p;
		if (p >= n || in[p] != 0xFF)
			break;
		while (p < n && in[p] == 0xFF) /* fill bytes before a marker */
			p++;
		if (p >= n)
			break;
		int marker = in[p++];
		if (marker == 0x00 || marker == 0xD8)
			break;
		if (marker == 0xD9) { /* EOI: what follows is not the image */
			memcpy(o + w, in + start, p - start);
			*out = o;
			*outlen = w + p - start;
			return TG_OK;
		}
		if ((marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) {
			memcpy(o + w, in + start, p - start);
			w += p - start;
			continue;
		}
		if (p + 2 > n)
			break;
		size_t len = (size_t)in[p] << 8 | in[p + 1];
		if (len < 2 || p + len > n)
			break;
		size_t end = p + len;
		if (keep_segment(marker, in + p + 2, len - 2)) {
			memcpy(o + w, in + start, end - start);
			w += end - start;
		}
		p = end;
		if (marker == 0xDA) { /* start of scan: its data up to the next marker */
			size_t stop = scan_end(in, n, p);
			memcpy(o + w, in + p, stop - p);
			w += stop - p;
			p = stop;
		}
	}
	free(o);
	return bad(err, p);
}
