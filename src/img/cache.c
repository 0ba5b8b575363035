/* cache.c - the picture cache: converted pictures kept between builds.
 *
 * Decoding a large PNG, resampling it and converting it to CMYK is most of the
 * time of a build with pictures (docs/performance.md), and communication staff
 * rebuild often while they edit text. So a converted picture is kept in the
 * output folder (OUT/.trykk-cache/, one file per picture and size) with its
 * planes compressed as the print PDF embeds them, and a later build that places
 * the same picture at the same size takes them from there.
 *
 * An entry is found by a SHA-256 (GLib's GChecksum) of everything the result
 * depends on: the picture file's bytes (not its name or time), the size it is
 * resampled to, the CMYK profile (its file's identity, tk_file_id), and trykk's
 * own build (the GNU
 * build id of the running program, so a rebuilt trykk never reads what an older
 * one wrote). An entry ends with a SHA-256 of its own bytes; one that is short,
 * damaged or for another key is ignored and written again. Pictures whose loading
 * said anything (a warning about their profile, say) are not kept, so the message
 * comes on every build. A cache that cannot be read or written costs nothing but
 * time: the picture is decoded as if there were none, and nothing is reported.
 *
 * The bytes of a PDF do not depend on the cache: an entry holds the very streams
 * a build without it makes (tk_deflate is deterministic). Entries are written
 * only after a build has written its outputs (tk_pixcache_flush), through a
 * temporary file and a rename, so a failed build or a killed one leaves none
 * half-written. TRYKK_CACHE=off turns the cache off; TRYKK_CACHE=DIR puts it in
 * DIR. When the folder holds more than TK_PIXCACHE_MAX_BYTES, the entries used
 * longest ago are removed. */
#define _GNU_SOURCE /* dl_iterate_phdr */
#include "cache.h"

#include "image.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <pthread.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <libdeflate.h>
#include <zlib.h>

#define MAGIC "trykk-picture-cache 1\n"
#define MAGIC_LEN (sizeof MAGIC - 1)
#define SHA 32

typedef struct pending {
	unsigned char key[SHA];
	const tk_image *img;
	int src_w, src_h;
	struct pending *next;
} pending;

typedef struct blob {
	unsigned char key[SHA];
	unsigned char *data;
	size_t len;
	struct blob *next;
} blob;

struct tk_pixcache {
	pthread_mutex_t mu;      /* blobs may be kept from the print PDF's thread */
	tk_arena *a;
	const char *dir;
	unsigned char base[SHA]; /* build id and profile, hashed */
	pending *todo;
	blob *blobs;             /* waiting for tk_pixcache_flush */
};

/* ---- the key ---------------------------------------------------------------- */

typedef struct build_id {
	const unsigned char *p;
	size_t n;
} build_id;

/* The GNU build id note of the running program (the first object listed). */
static int find_build_id(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	build_id *b = data;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_NOTE)
			continue;
		const unsigned char *p = (const unsigned char *)(info->dlpi_addr + ph->p_vaddr);
		size_t left = ph->p_memsz;
		while (left >= sizeof(ElfW(Nhdr))) {
			const ElfW(Nhdr) *nh = (const ElfW(Nhdr) *)p;
			size_t name = (nh->n_namesz + 3u) & ~3u, desc = (nh->n_descsz + 3u) & ~3u;
			size_t all = sizeof *nh + name + desc;
			if (all > left)
				break;
			if (nh->n_type == NT_GNU_BUILD_ID && nh->n_namesz == 4 &&
			    memcmp(p + sizeof *nh, "GNU", 4) == 0 && nh->n_descsz > 0) {
				b->p = p + sizeof *nh + name;
				b->n = nh->n_descsz;
				return 1;
			}
			p += all;
			left -= all;
		}
	}
	return 1; /* only the program itself */
}

static int hash_file(GChecksum *ck, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	unsigned char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		g_checksum_update(ck, buf, (gssize)n);
	int bad = ferror(f);
	fclose(f);
	return bad ? -1 : 0;
}

static void digest(GChecksum *ck, unsigned char out[SHA])
{
	gsize len = SHA;
	g_checksum_get_digest(ck, out, &len);
}

int tk_file_id(const char *path, unsigned char out[TK_FILE_ID])
{
	struct stat st;
	memset(out, 0, TK_FILE_ID);
	if (!path || stat(path, &st) != 0)
		return -1;
	uint64_t v[4] = {(uint64_t)st.st_size,
	                 (uint64_t)st.st_mtim.tv_sec * 1000000000u + (uint64_t)st.st_mtim.tv_nsec,
	                 (uint64_t)st.st_ino, (uint64_t)st.st_dev};
	for (int k = 0; k < 4; k++)
		for (int i = 0; i < 8; i++)
			out[8 * k + i] = (unsigned char)(v[k] >> (8 * i));
	return 0;
}

tk_pixcache *tk_pixcache_new(tk_arena *a, const char *out_dir, const char *profile)
{
	const char *env = getenv("TRYKK_CACHE");
	const char *dir;
	if (env && strcmp(env, "off") == 0)
		return NULL;
	if (env && *env)
		dir = tk_arena_strdup(a, env);
	else if (out_dir && *out_dir)
		dir = tk_arena_printf(a, "%s/.trykk-cache", out_dir);
	else
		return NULL;
	build_id id = {NULL, 0};
	dl_iterate_phdr(find_build_id, &id);
	if (!id.p)
		return NULL; /* no way to tell this trykk's entries from another's */
	GChecksum *ck = g_checksum_new(G_CHECKSUM_SHA256);
	g_checksum_update(ck, (const guchar *)MAGIC, MAGIC_LEN);
	g_checksum_update(ck, id.p, (gssize)id.n);
	int bad = 0;
	if (profile) {
		unsigned char id[TK_FILE_ID];
		g_checksum_update(ck, (const guchar *)"profile", 8);
		bad = tk_file_id(profile, id);
		g_checksum_update(ck, id, TK_FILE_ID);
	}
	tk_pixcache *pc = TK_NEW(a, tk_pixcache);
	pthread_mutex_init(&pc->mu, NULL);
	pc->a = a;
	pc->dir = dir;
	digest(ck, pc->base);
	g_checksum_free(ck);
	return bad ? NULL : pc;
}

int tk_pixcache_key(tk_pixcache *pc, const char *path, int tw, int th,
                    unsigned char key[TK_PIXCACHE_KEY])
{
	if (!pc)
		return -1;
	GChecksum *ck = g_checksum_new(G_CHECKSUM_SHA256);
	g_checksum_update(ck, pc->base, SHA);
	char size[64];
	int n = snprintf(size, sizeof size, "size %d %d\n", tw, th);
	g_checksum_update(ck, (const guchar *)size, n);
	int rc = hash_file(ck, path);
	digest(ck, key);
	g_checksum_free(ck);
	return rc;
}

static const char *entry_path(tk_pixcache *pc, const unsigned char key[SHA], tk_arena *a)
{
	char hex[2 * SHA + 1];
	for (int i = 0; i < SHA; i++)
		snprintf(hex + 2 * i, 3, "%02x", key[i]);
	return tk_arena_printf(a, "%s/%s", pc->dir, hex);
}

/* ---- entries ------------------------------------------------------------------
 *
 * MAGIC, the key (32 bytes), then 64-bit little-endian fields: width, height,
 * source width, source height, was_rgb, has_alpha, the bits of dpi_x and dpi_y,
 * the lengths of the CMYK, alpha and RGB streams; the three streams (zlib); a
 * SHA-256 of everything before it. */

#define N_FIELDS 12

static void put64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static unsigned char *read_all(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return NULL;
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (uint64_t)st.st_size > ((uint64_t)1 << 34)) {
		close(fd);
		return NULL;
	}
	size_t n = (size_t)st.st_size, at = 0;
	unsigned char *buf = malloc(n);
	while (buf && at < n) {
		ssize_t r = read(fd, buf + at, n - at);
		if (r <= 0) {
			free(buf);
			buf = NULL;
			break;
		}
		at += (size_t)r;
	}
	close(fd);
	*len = n;
	return buf;
}

/* zlen bytes of zlib stream at z, which must inflate to exactly n bytes, into
 * arena memory; NULL if they do not. libdeflate, which knows the size, inflates
 * in a third of zlib's time (a tenth of a spread's screen PDF and proofs). */
static unsigned char *inflate_exact(tk_arena *a, const unsigned char *z, size_t zlen, size_t n)
{
	unsigned char *out = tk_arena_alloc(a, n ? n : 1);
	struct libdeflate_decompressor *dz = libdeflate_alloc_decompressor();
	if (!dz)
		return NULL;
	size_t in_used = 0, got = 0;
	enum libdeflate_result r = libdeflate_zlib_decompress_ex(dz, z, zlen, out, n, &in_used, &got);
	libdeflate_free_decompressor(dz);
	return r == LIBDEFLATE_SUCCESS && got == n && in_used == zlen ? out : NULL;
}

int tk_pixcache_get(tk_pixcache *pc, const unsigned char key[TK_PIXCACHE_KEY], tk_arena *a,
                    tk_image *img, int *src_w, int *src_h)
{
	if (!pc)
		return -1;
	const char *path = entry_path(pc, key, a);
	size_t len = 0;
	unsigned char *buf = read_all(path, &len);
	size_t head = MAGIC_LEN + SHA + 8 * N_FIELDS;
	if (!buf)
		return -1;
	int ok = len > head + SHA && memcmp(buf, MAGIC, MAGIC_LEN) == 0 &&
	         memcmp(buf + MAGIC_LEN, key, SHA) == 0;
	if (ok) {
		unsigned char sum[SHA];
		GChecksum *ck = g_checksum_new(G_CHECKSUM_SHA256);
		g_checksum_update(ck, buf, (gssize)(len - SHA));
		digest(ck, sum);
		g_checksum_free(ck);
		ok = memcmp(sum, buf + len - SHA, SHA) == 0;
	}
	uint64_t f[N_FIELDS];
	for (int i = 0; ok && i < N_FIELDS; i++)
		f[i] = get64(buf + MAGIC_LEN + SHA + 8 * i);
	ok = ok && f[0] > 0 && f[1] > 0 && f[0] * f[1] <= TK_IMAGE_MAX_PIXELS && f[2] > 0 &&
	     f[3] > 0 && f[2] <= 1u << 30 && f[3] <= 1u << 30 && f[8] > 0 &&
	     f[8] <= len && f[9] <= len && f[10] > 0 && f[10] <= len &&
	     head + f[8] + f[9] + f[10] + SHA == len && (f[9] > 0) == (f[5] != 0);
	if (!ok) {
		free(buf);
		return -1;
	}
	memset(img, 0, sizeof *img);
	img->width = (int)f[0];
	img->height = (int)f[1];
	*src_w = (int)f[2];
	*src_h = (int)f[3];
	img->was_rgb = f[4] != 0;
	img->has_alpha = f[5] != 0;
	memcpy(&img->dpi_x, &f[6], sizeof img->dpi_x);
	memcpy(&img->dpi_y, &f[7], sizeof img->dpi_y);
	const unsigned char *p = buf + head;
	unsigned char *z = tk_arena_alloc(a, f[8] + f[9] + f[10]);
	memcpy(z, p, f[8] + f[9] + f[10]);
	img->cmyk_z = z;
	img->cmyk_z_len = f[8];
	img->alpha_z = f[9] ? z + f[8] : NULL;
	img->alpha_z_len = f[9];
	img->rgb_z = z + f[8] + f[9];
	img->rgb_z_len = f[10];
	free(buf);
	/* Touched, so the eviction keeps what is in use. */
	utimensat(AT_FDCWD, path, NULL, 0);
	return 0;
}

int tk_pixcache_unpack(tk_arena *a, tk_image *img)
{
	size_t n = (size_t)img->width * (size_t)img->height;
	if (!img->rgb && img->rgb_z)
		img->rgb = inflate_exact(a, img->rgb_z, img->rgb_z_len, n * 3);
	if (!img->alpha && img->alpha_z)
		img->alpha = inflate_exact(a, img->alpha_z, img->alpha_z_len, n);
	return img->rgb && (img->alpha || !img->has_alpha) ? 0 : -1;
}

void tk_pixcache_put(tk_pixcache *pc, const unsigned char key[TK_PIXCACHE_KEY],
                     const tk_image *img, int src_w, int src_h)
{
	if (!pc)
		return;
	pending *p = TK_NEW(pc->a, pending);
	memcpy(p->key, key, SHA);
	p->img = img;
	p->src_w = src_w;
	p->src_h = src_h;
	p->next = pc->todo;
	pc->todo = p;
}

/* Writes len bytes to path through a temporary file and a rename. */
static int write_entry(const char *dir, const char *path, const unsigned char *const *parts,
                       const size_t *lens, int n_parts)
{
	size_t plen = strlen(dir) + 32;
	char *tmp = malloc(plen);
	if (!tmp)
		return -1;
	snprintf(tmp, plen, "%s/.tmp-XXXXXX", dir);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		free(tmp);
		return -1;
	}
	int bad = 0;
	for (int i = 0; i < n_parts && !bad; i++) {
		size_t at = 0;
		while (at < lens[i]) {
			ssize_t w = write(fd, parts[i] + at, lens[i] - at);
			if (w <= 0) {
				bad = 1;
				break;
			}
			at += (size_t)w;
		}
	}
	fchmod(fd, 0644);
	if (close(fd) != 0)
		bad = 1;
	if (bad || rename(tmp, path) != 0) {
		unlink(tmp);
		bad = 1;
	}
	free(tmp);
	return bad ? -1 : 0;
}

typedef struct old_entry {
	char *path;
	time_t used;
	off_t size;
} old_entry;

static int by_use(const void *x, const void *y)
{
	const old_entry *a = x, *b = y;
	if (a->used != b->used)
		return a->used < b->used ? -1 : 1;
	return strcmp(a->path, b->path);
}

/* Removes the entries used longest ago while the folder holds more than the
 * limit (and temporary files a killed build left, after an hour). */
static void evict(const char *dir)
{
	DIR *dh = opendir(dir);
	if (!dh)
		return;
	old_entry *e = NULL;
	size_t n = 0, cap = 0;
	unsigned long long total = 0;
	time_t now = time(NULL);
	struct dirent *de;
	while ((de = readdir(dh)) != NULL) {
		if (de->d_name[0] == '.' && strncmp(de->d_name, ".tmp-", 5) != 0)
			continue;
		size_t len = strlen(dir) + strlen(de->d_name) + 2;
		char *path = malloc(len);
		if (!path)
			break;
		snprintf(path, len, "%s/%s", dir, de->d_name);
		struct stat st;
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
			free(path);
			continue;
		}
		if (de->d_name[0] == '.') {
			if (now - st.st_mtime > 3600)
				unlink(path);
			free(path);
			continue;
		}
		if (n == cap) {
			cap = cap ? 2 * cap : 32;
			old_entry *ne = realloc(e, cap * sizeof *e);
			if (!ne) {
				free(path);
				break;
			}
			e = ne;
		}
		e[n++] = (old_entry){path, st.st_mtime, st.st_size};
		total += (unsigned long long)st.st_size;
	}
	closedir(dh);
	if (total > TK_PIXCACHE_MAX_BYTES) {
		qsort(e, n, sizeof *e, by_use);
		for (size_t i = 0; i < n && total > TK_PIXCACHE_MAX_BYTES; i++)
			if (unlink(e[i].path) == 0)
				total -= (unsigned long long)e[i].size;
	}
	for (size_t i = 0; i < n; i++)
		free(e[i].path);
	free(e);
}

int tk_pixcache_key_of(const tk_pixcache *pc, const char *kind, const void *const *parts,
                       const size_t *lens, int n, unsigned char key[TK_PIXCACHE_KEY])
{
	if (!pc)
		return -1;
	GChecksum *ck = g_checksum_new(G_CHECKSUM_SHA256);
	g_checksum_update(ck, pc->base, SHA);
	g_checksum_update(ck, (const guchar *)kind, (gssize)strlen(kind) + 1);
	for (int i = 0; i < n; i++) {
		unsigned char len[8];
		put64(len, lens[i]);
		g_checksum_update(ck, len, 8);
		g_checksum_update(ck, parts[i], (gssize)lens[i]);
	}
	digest(ck, key);
	g_checksum_free(ck);
	return 0;
}

/* A blob entry: BLOB_MAGIC, the key, the length (64-bit), the bytes, a CRC-32 of
 * everything before it (blobs are read on every build: a CRC finds damage at a
 * fraction of a SHA-256's cost, and the key is in the name and the header). */
#define BLOB_MAGIC "trykk-cache-blob 1\n"
#define BLOB_MAGIC_LEN (sizeof BLOB_MAGIC - 1)

/* CRC-32 of n more bytes (zlib takes at most 4 GiB a call). */
static uLong crc_more(uLong c, const unsigned char *p, size_t n)
{
	while (n > 0) {
		uInt k = n > 0x40000000u ? 0x40000000u : (uInt)n;
		c = crc32(c, p, k);
		p += k;
		n -= k;
	}
	return c;
}

static void put_crc(uLong c, unsigned char out[4])
{
	for (int i = 0; i < 4; i++)
		out[i] = (unsigned char)(c >> (8 * i));
}

static void blob_sum(const unsigned char *p, size_t n, unsigned char out[4])
{
	put_crc(crc_more(crc32(0L, Z_NULL, 0), p, n), out);
}

unsigned char *tk_pixcache_blob_get(const tk_pixcache *pc,
                                    const unsigned char key[TK_PIXCACHE_KEY], size_t *len)
{
	if (!pc)
		return NULL;
	tk_arena *scratch = tk_arena_new();
	const char *path = entry_path((tk_pixcache *)pc, key, scratch);
	size_t n = 0;
	unsigned char *buf = read_all(path, &n);
	size_t head = BLOB_MAGIC_LEN + SHA + 8;
	int ok = buf && n >= head + 4 && memcmp(buf, BLOB_MAGIC, BLOB_MAGIC_LEN) == 0 &&
	         memcmp(buf + BLOB_MAGIC_LEN, key, SHA) == 0 &&
	         get64(buf + BLOB_MAGIC_LEN + SHA) == n - head - 4;
	if (ok) {
		unsigned char sum[4];
		blob_sum(buf, n - 4, sum);
		ok = memcmp(sum, buf + n - 4, 4) == 0;
	}
	if (ok)
		utimensat(AT_FDCWD, path, NULL, 0);
	tk_arena_free(scratch);
	if (!ok) {
		free(buf);
		return NULL;
	}
	*len = n - head - 4;
	memmove(buf, buf + head, *len);
	return buf;
}

void tk_pixcache_blob_put(tk_pixcache *pc, const unsigned char key[TK_PIXCACHE_KEY],
                          const void *data, size_t len)
{
	if (!pc)
		return;
	unsigned char *copy = malloc(len ? len : 1);
	blob *b = malloc(sizeof *b);
	if (!copy || !b) {
		free(copy);
		free(b);
		return;
	}
	memcpy(b->key, key, SHA);
	b->len = len;
	b->data = copy;
	memcpy(b->data, data, len);
	pthread_mutex_lock(&pc->mu);
	b->next = pc->blobs;
	pc->blobs = b;
	pthread_mutex_unlock(&pc->mu);
}

static void blob_write(tk_pixcache *pc, const blob *bl)
{
	const unsigned char *key = bl->key, *data = bl->data;
	size_t len = bl->len;
	unsigned char head[BLOB_MAGIC_LEN + SHA + 8], sum[4];
	memcpy(head, BLOB_MAGIC, BLOB_MAGIC_LEN);
	memcpy(head + BLOB_MAGIC_LEN, key, SHA);
	put64(head + BLOB_MAGIC_LEN + SHA, len);
	put_crc(crc_more(crc_more(crc32(0L, Z_NULL, 0), head, sizeof head), data, len), sum);
	const unsigned char *parts[3] = {head, data, sum};
	size_t lens[3] = {sizeof head, len, 4};
	tk_arena *scratch = tk_arena_new();
	write_entry(pc->dir, entry_path((tk_pixcache *)pc, key, scratch), parts, lens, 3);
	tk_arena_free(scratch);
}

static int make_dirs(const char *dir)
{
	char *p = strdup(dir);
	if (!p)
		return -1;
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		if (mkdir(p, 0755) != 0 && errno != EEXIST) {
			free(p);
			return -1;
		}
		*s = '/';
	}
	int rc = mkdir(p, 0755) != 0 && errno != EEXIST ? -1 : 0;
	free(p);
	return rc;
}

void tk_pixcache_flush(tk_pixcache *pc)
{
	if (!pc || (!pc->todo && !pc->blobs))
		return;
	int dir_ok = make_dirs(pc->dir) == 0;
	for (blob *b = pc->blobs, *next; b; b = next) {
		next = b->next;
		if (dir_ok)
			blob_write(pc, b);
		free(b->data);
		free(b);
	}
	pc->blobs = NULL;
	if (!dir_ok) {
		pc->todo = NULL;
		return;
	}
	tk_arena *scratch = tk_arena_new();
	for (pending *p = pc->todo; p; p = p->next) {
		const tk_image *img = p->img;
		if (!img->cmyk_z || !img->rgb || (img->has_alpha && !img->alpha_z))
			continue;
		size_t n = (size_t)img->width * (size_t)img->height, rgb_len = 0;
		unsigned char *rgb_z = (unsigned char *)img->rgb_z;
		if (rgb_z)
			rgb_len = img->rgb_z_len;
		else
			rgb_z = tk_deflate(img->rgb, n * 3, Z_BEST_SPEED, tk_deflate_threads(), &rgb_len);
		if (!rgb_z)
			continue;
		unsigned char head[MAGIC_LEN + SHA + 8 * N_FIELDS];
		memcpy(head, MAGIC, MAGIC_LEN);
		memcpy(head + MAGIC_LEN, p->key, SHA);
		uint64_t f[N_FIELDS] = {(uint64_t)img->width, (uint64_t)img->height,
		                        (uint64_t)p->src_w, (uint64_t)p->src_h,
		                        (uint64_t)(img->was_rgb != 0), (uint64_t)(img->has_alpha != 0),
		                        0, 0, img->cmyk_z_len, img->has_alpha ? img->alpha_z_len : 0,
		                        rgb_len, 0};
		memcpy(&f[6], &img->dpi_x, sizeof f[6]);
		memcpy(&f[7], &img->dpi_y, sizeof f[7]);
		for (int i = 0; i < N_FIELDS; i++)
			put64(head + MAGIC_LEN + SHA + 8 * i, f[i]);
		unsigned char sum[SHA];
		GChecksum *ck = g_checksum_new(G_CHECKSUM_SHA256);
		g_checksum_update(ck, head, sizeof head);
		g_checksum_update(ck, img->cmyk_z, (gssize)img->cmyk_z_len);
		if (img->has_alpha)
			g_checksum_update(ck, img->alpha_z, (gssize)img->alpha_z_len);
		g_checksum_update(ck, rgb_z, (gssize)rgb_len);
		digest(ck, sum);
		g_checksum_free(ck);
		const unsigned char *parts[5] = {head, img->cmyk_z, img->alpha_z, rgb_z, sum};
		size_t lens[5] = {sizeof head, img->cmyk_z_len, img->has_alpha ? img->alpha_z_len : 0,
		                  rgb_len, SHA};
		write_entry(pc->dir, entry_path(pc, p->key, scratch), parts, lens, 5);
		if (rgb_z != img->rgb_z)
			free(rgb_z);
	}
	tk_arena_free(scratch);
	pc->todo = NULL;
	evict(pc->dir);
}

void tk_pixcache_free(tk_pixcache *pc)
{
	if (!pc)
		return;
	for (blob *b = pc->blobs, *next; b; b = next) {
		next = b->next;
		free(b->data);
		free(b);
	}
	pc->blobs = NULL;
	pc->todo = NULL;
	pthread_mutex_destroy(&pc->mu);
}
