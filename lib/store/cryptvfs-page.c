/*
 * The page format of the encrypting VFS and its reads and writes per file
 * role (main database, WAL, rollback journal).
 *
 * A page of P bytes is stored as the ciphertext of bytes 0..P-40, then a
 * random 24-byte nonce and the 16-byte Poly1305 tag.  Page 1 keeps bytes
 * 16..23 (page size, format versions, reserve, payload fractions) in
 * plaintext because SQLite reads them before any page is opened; they are
 * bound into the associated data with the file role and the page number,
 * so a page moved to another place, role or header fails authentication.
 *
 * SQLite checksums WAL frames over the plaintext it wrote and verifies them
 * over what xRead returns, so opened pages come back byte-identical with the
 * reserve zeroed.  What is not sealed (the WAL header and frame headers,
 * journal headers, page numbers and checksums) holds page numbers, sizes,
 * salts and checksums only.
 */
#include <sodium.h>
#include <string.h>

#include "store/cryptvfs-int.h"

#define NONCE_LEN crypto_aead_xchacha20poly1305_ietf_NPUBBYTES /* 24 */
#define TAG_LEN crypto_aead_xchacha20poly1305_ietf_ABYTES      /* 16 */
#define WAL_HDR 32 /* WAL file header */
#define FRAME_HDR TG_CV_FRAME_HDR

_Static_assert(NONCE_LEN + TAG_LEN == TG_CRYPTVFS_RESERVE, "reserve holds nonce and tag");

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Associated data: format tag, role, page number, and for page 1 its
 * plaintext bytes 16..23. */
static size_t make_ad(uint8_t ad[17], int role, uint32_t pgno, const uint8_t hdr[8])
{
	memcpy(ad, "tgc1", 4);
	ad[4] = (uint8_t)role;
	put_be32(ad + 5, pgno);
	if (pgno != 1)
		return 9;
	memcpy(ad + 9, hdr, 8);
	return 17;
}

/* Seals the plaintext page in into out (both pgsz bytes, distinct). */
static void seal_page(const uint8_t *key, int role, uint32_t pgno, const uint8_t *in,
                      uint8_t *out, int pgsz)
{
	size_t n = (size_t)pgsz - TG_CRYPTVFS_RESERVE, mlen = n;
	uint8_t ad[17];
	size_t adlen = make_ad(ad, role, pgno, in + 16);
	randombytes_buf(out + n, NONCE_LEN);
	memcpy(out, in, n);
	if (pgno == 1) {
		memmove(out + 16, out + 24, n - 24);
		mlen = n - 8;
	}
	crypto_aead_xchacha20poly1305_ietf_encrypt_detached(out, out + n + NONCE_LEN, NULL, out,
	                                                     mlen, ad, adlen, NULL, out + n, key);
	if (pgno == 1) {
		memmove(out + 24, out + 16, n - 24);
		memcpy(out + 16, in + 16, 8);
	}
}

/* Opens a sealed page in place; the reserve comes back zeroed.  On
 * failure the page is zeroed and false returned. */
static bool open_page(const uint8_t *key, int role, uint32_t pgno, uint8_t *page, int pgsz)
{
	size_t n = (size_t)pgsz - TG_CRYPTVFS_RESERVE, mlen = n;
	uint8_t hdr[8], ad[17];
	memcpy(hdr, page + 16, 8);
	size_t adlen = make_ad(ad, role, pgno, hdr);
	if (pgno == 1) {
		memmove(page + 16, page + 24, n - 24);
		mlen = n - 8;
	}
	if (crypto_aead_xchacha20poly1305_ietf_decrypt_detached(page, NULL, page, mlen,
	                                                        page + n + NONCE_LEN, ad, adlen,
	                                                        page + n, key) != 0) {
		sodium_memzero(page, (size_t)pgsz);
		return false;
	}
	if (pgno == 1) {
		memmove(page + 24, page + 16, n - 24);
		memcpy(page + 16, hdr, 8);
	}
	memset(page + n, 0, TG_CRYPTVFS_RESERVE);
	return true;
}

static int raw_read(struct tg_cv_file *f, void *buf, int amt, sqlite3_int64 off)
{
	return f->real->pMethods->xRead(f->real, buf, amt, off);
}

static int raw_write(struct tg_cv_file *f, const void *buf, int amt, sqlite3_int64 off)
{
	return f->real->pMethods->xWrite(f->real, buf, amt, off);
}

/* Reads and opens one whole page (dst has pgsz bytes).  A read past the
 * end zero-fills dst and returns SQLITE_IOERR_SHORT_READ. */
static int read_page(struct tg_cv_file *f, uint8_t *dst, uint32_t pgno, sqlite3_int64 off)
{
	int rc = raw_read(f, dst, f->pgsz, off);
	if (rc == SQLITE_IOERR_SHORT_READ)
		sodium_memzero(dst, (size_t)f->pgsz);
	if (rc)
		return rc;
	if (!open_page(f->key, f->role, pgno, dst, f->pgsz)) {
		tg_cv_fault(f, TG_CRYPTVFS_AUTH, pgno);
		return SQLITE_IOERR_AUTH;
	}
	return SQLITE_OK;
}

/* An empty database: SQLite takes the page size and reserve of a new
 * database from the 100-byte header it reads at open.  Answering with
 * 4096 and 40 fixes both before the first write, which no PRAGMA or file
 * control can do reliably (the PRAGMA journal_mode=WAL of the store
 * already writes page 1). */
static void synth_header(uint8_t *out, int amt, sqlite3_int64 off)
{
	uint8_t hdr[24] = {0};
	hdr[16] = (uint8_t)(TG_CRYPTVFS_PAGE_SIZE >> 8);
	hdr[17] = (uint8_t)(TG_CRYPTVFS_PAGE_SIZE >> 16);
	hdr[20] = TG_CRYPTVFS_RESERVE;
	for (sqlite3_int64 i = off; i < off + amt && i < 24; i++)
		out[i - off] = hdr[i];
}

static bool page1_has_reserve(const uint8_t *page, int pgsz)
{
	int size = page[16] << 8 | page[17] << 16;
	return size == pgsz && page[20] == TG_CRYPTVFS_RESERVE;
}

/* The header of a page 1 that fails authentication, for SQLite's partial
 * reads at open: its plaintext bytes 16..23 (page size, format versions,
 * reserve) and zeros.  A write of page 1 torn by a crash during a
 * checkpoint leaves such a page while the log still holds it whole; SQLite
 * needs only the page size and reserve from the header to open the log,
 * and then reads page 1 itself whole, from the log, or from this file
 * where it fails authentication as any page would.  Nothing SQLite uses
 * beyond those plaintext fields comes unauthenticated. */
static bool torn_header(struct tg_cv_file *f, uint8_t *out, int amt, sqlite3_int64 off)
{
	uint8_t hdr[24];
	if (raw_read(f, hdr, sizeof hdr, 0) != SQLITE_OK ||
	    !page1_has_reserve(hdr, f->pgsz))
		return false;
	memset(out, 0, (size_t)amt);
	for (sqlite3_int64 i = off < 16 ? 16 : off; i < off + amt && i < 24; i++)
		out[i - off] = hdr[i];
	tg_cv_fault(f, TG_CRYPTVFS_TORN_HEADER, 1);
	return true;
}

static int main_read(struct tg_cv_file *f, uint8_t *out, int amt, sqlite3_int64 off)
{
	int pgsz = f->pgsz;
	if (amt == pgsz && off % pgsz == 0)
		return read_page(f, out, (uint32_t)(off / pgsz) + 1, off);
	/* Partial reads (the header: 100 bytes at 0, 16 at 24) are answered
	 * from the whole page, opened. */
	for (sqlite3_int64 p = off / pgsz * pgsz; p < off + amt; p += pgsz) {
		int rc = read_page(f, f->buf, (uint32_t)(p / pgsz) + 1, p);
		if (rc == SQLITE_IOERR_AUTH && p == 0 && off + amt <= pgsz &&
		    torn_header(f, out, amt, off))
			return SQLITE_OK;
		if (rc) {
			memset(out, 0, (size_t)amt);
			sqlite3_int64 size = -1;
			if (rc == SQLITE_IOERR_SHORT_READ && p == 0 &&
			    f->real->pMethods->xFileSize(f->real, &size) == SQLITE_OK && size == 0)
				synth_header(out, amt, off);
			return rc;
		}
		sqlite3_int64 lo = off > p ? off : p;
		sqlite3_int64 hi = off + amt < p + pgsz ? off + amt : p + pgsz;
		memcpy(out + (lo - off), f->buf + (lo - p), (size_t)(hi - lo));
	}
	return SQLITE_OK;
}

static int main_write(struct tg_cv_file *f, const uint8_t *in, int amt, sqlite3_int64 off)
{
	if (amt != f->pgsz || off % f->pgsz) {
		tg_cv_fault(f, TG_CRYPTVFS_LAYOUT, 0);
		return SQLITE_IOERR_WRITE;
	}
	uint32_t pgno = (uint32_t)(off / f->pgsz) + 1;
	if (pgno == 1 && !page1_has_reserve(in, f->pgsz)) {
		tg_cv_fault(f, TG_CRYPTVFS_NO_RESERVE, 1);
		return SQLITE_IOERR_WRITE;
	}
	seal_page(f->key, f->role, pgno, in, f->buf, f->pgsz);
	return raw_write(f, f->buf, amt, off);
}

static bool reserve_is_zero(const uint8_t *page, int pgsz)
{
	uint8_t acc = 0;
	for (int i = pgsz - TG_CRYPTVFS_RESERVE; i < pgsz; i++)
		acc |= page[i];
	return acc == 0;
}

/* WAL: a 32-byte header, then frames of a 24-byte header (page number
 * first) and a page image.  SQLite reads whole frames during recovery,
 * images alone otherwise, and a few header fields. */
static int wal_read(struct tg_cv_file *f, uint8_t *out, int amt, sqlite3_int64 off)
{
	sqlite3_int64 fsz = f->pgsz + FRAME_HDR;
	sqlite3_int64 within = off < WAL_HDR ? -1 : (off - WAL_HDR) % fsz;
	if ((off < WAL_HDR && off + amt <= WAL_HDR) || (within >= 0 && within + amt <= FRAME_HDR))
		return raw_read(f, out, amt, off);
	if (within == 0 && amt == fsz) {
		int rc = raw_read(f, out, amt, off);
		if (rc == SQLITE_IOERR_SHORT_READ)
			sodium_memzero(out, (size_t)amt);
		if (rc)
			return rc;
		uint32_t pgno = get_be32(out);
		/* A frame whose header was written but whose image was not (a
		 * crash between the two writes) holds an old image: give SQLite
		 * a zero image, which fails its checksum, so the log ends there
		 * as it would without encryption. */
		if (!open_page(f->key, f->role, pgno, out + FRAME_HDR, f->pgsz))
			tg_cv_fault(f, TG_CRYPTVFS_TORN_FRAME, pgno);
		return SQLITE_OK;
	}
	if (within == FRAME_HDR && amt == f->pgsz) {
		int rc = raw_read(f, f->buf, (int)fsz, off - FRAME_HDR);
		if (rc == SQLITE_IOERR_SHORT_READ)
			memset(out, 0, (size_t)amt);
		if (rc)
			return rc;
		uint32_t pgno = get_be32(f->buf);
		if (!open_page(f->key, f->role, pgno, f->buf + FRAME_HDR, f->pgsz)) {
			memset(out, 0, (size_t)amt);
			tg_cv_fault(f, TG_CRYPTVFS_AUTH, pgno);
			return SQLITE_IOERR_AUTH;
		}
		memcpy(out, f->buf + FRAME_HDR, (size_t)amt);
		return SQLITE_OK;
	}
	tg_cv_fault(f, TG_CRYPTVFS_LAYOUT, 0);
	return SQLITE_IOERR_READ;
}

static int wal_write(struct tg_cv_file *f, const uint8_t *in, int amt, sqlite3_int64 off)
{
	sqlite3_int64 fsz = f->pgsz + FRAME_HDR;
	sqlite3_int64 within = off < WAL_HDR ? -1 : (off - WAL_HDR) % fsz;
	if (off < WAL_HDR && off + amt <= WAL_HDR)
		return raw_write(f, in, amt, off);
	if (within == 0 && amt == FRAME_HDR) {
		f->last4_off = off;
		f->last4_pgno = get_be32(in);
		return raw_write(f, in, amt, off);
	}
	const uint8_t *img = in;
	uint32_t pgno;
	if (within == 0 && amt == fsz) {
		pgno = get_be32(in);
		img = in + FRAME_HDR;
		memcpy(f->buf, in, FRAME_HDR);
	} else if (within == FRAME_HDR && amt == f->pgsz) {
		/* An image rewritten within a transaction comes without its
		 * header: the page number is in the header on disk. */
		uint8_t hdr[4];
		if (f->last4_off == off - FRAME_HDR)
			pgno = f->last4_pgno;
		else if (raw_read(f, hdr, 4, off - FRAME_HDR) == SQLITE_OK)
			pgno = get_be32(hdr);
		else
			pgno = 0;
	} else {
		pgno = 0;
	}
	/* SQLite's checksum covers the reserve as it had it: zero, since
	 * that is what xRead returns.  Anything else would be lost at the
	 * next recovery, so refuse it now. */
	if (pgno == 0 || !reserve_is_zero(img, f->pgsz)) {
		tg_cv_fault(f, TG_CRYPTVFS_LAYOUT, pgno);
		return SQLITE_IOERR_WRITE;
	}
	uint8_t *dst = img == in ? f->buf : f->buf + FRAME_HDR;
	seal_page(f->key, f->role, pgno, img, dst, f->pgsz);
	return raw_write(f, f->buf, amt, off);
}

/* Rollback journal: headers (512 bytes with powersafe overwrite), then
 * records of a 4-byte page number, the page image and a 4-byte checksum.
 * An image is the page-sized write right after its page number. */
static int journal_read(struct tg_cv_file *f, uint8_t *out, int amt, sqlite3_int64 off)
{
	if (amt != f->pgsz || off < 4)
		return raw_read(f, out, amt, off);
	int rc = raw_read(f, f->buf, amt + 4, off - 4);
	if (rc == SQLITE_IOERR_SHORT_READ)
		memset(out, 0, (size_t)amt);
	if (rc)
		return rc;
	uint32_t pgno = get_be32(f->buf);
	if (!open_page(f->key, f->role, pgno, f->buf + 4, f->pgsz)) {
		memset(out, 0, (size_t)amt);
		tg_cv_fault(f, TG_CRYPTVFS_AUTH, pgno);
		return SQLITE_IOERR_AUTH;
	}
	memcpy(out, f->buf + 4, (size_t)amt);
	return SQLITE_OK;
}

static int journal_write(struct tg_cv_file *f, const uint8_t *in, int amt, sqlite3_int64 off)
{
	if (amt == 4) {
		f->last4_off = off;
		f->last4_pgno = get_be32(in);
		return raw_write(f, in, amt, off);
	}
	if (amt != f->pgsz)
		return raw_write(f, in, amt, off);
	if (f->last4_off != off - 4 || f->last4_pgno == 0) {
		tg_cv_fault(f, TG_CRYPTVFS_LAYOUT, 0);
		return SQLITE_IOERR_WRITE;
	}
	seal_page(f->key, f->role, f->last4_pgno, in, f->buf, f->pgsz);
	return raw_write(f, f->buf, amt, off);
}

int tg_cv_read(struct tg_cv_file *f, uint8_t *out, int amt, sqlite3_int64 off)
{
	switch (f->role) {
	case TG_CRYPTVFS_MAIN:
		return main_read(f, out, amt, off);
	case TG_CRYPTVFS_WAL:
		return wal_read(f, out, amt, off);
	case TG_CRYPTVFS_JOURNAL:
		return journal_read(f, out, amt, off);
	default:
		return raw_read(f, out, amt, off);
	}
}

int tg_cv_write(struct tg_cv_file *f, const uint8_t *in, int amt, sqlite3_int64 off)
{
	switch (f->role) {
	case TG_CRYPTVFS_MAIN:
		return main_write(f, in, amt, off);
	case TG_CRYPTVFS_WAL:
		return wal_write(f, in, amt, off);
	case TG_CRYPTVFS_JOURNAL:
		return journal_write(f, in, amt, off);
	default:
		return raw_write(f, in, amt, off);
	}
}
