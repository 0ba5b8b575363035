/* cache.h - the picture cache: converted pictures kept between builds (cache.c). */
#ifndef TK_CACHE_H
#define TK_CACHE_H
#include "../arena.h"
#include "../dl/dl.h"

typedef struct tk_pixcache tk_pixcache;

#define TK_PIXCACHE_KEY 32
/* The folder is trimmed to this size after a build writes to it. */
#define TK_PIXCACHE_MAX_BYTES (512ull << 20)

/* The cache of a build writing to out_dir (OUT/.trykk-cache, or $TRYKK_CACHE),
 * for pictures converted with the CMYK profile at path profile (NULL: none), in
 * arena a. NULL when there is none: TRYKK_CACHE=off, no output folder, no build id,
 * or an unreadable profile. Every call below takes NULL and then does nothing. */
tk_pixcache *tk_pixcache_new(tk_arena *a, const char *out_dir, const char *profile);
/* The key of the picture file at path resampled to tw x th (0 x 0: its own size).
 * Returns 0, or -1 when the file cannot be read. */
int tk_pixcache_key(tk_pixcache *pc, const char *path, int tw, int th,
                    unsigned char key[TK_PIXCACHE_KEY]);
/* Fills img (size, resolution, flags and the three compressed planes, in arena a;
 * no raw planes, no id or path) and the file's own pixel size from the entry for
 * key. Returns 0, or -1 when there is no usable entry. */
int tk_pixcache_get(tk_pixcache *pc, const unsigned char key[TK_PIXCACHE_KEY], tk_arena *a,
                    tk_image *img, int *src_w, int *src_h);
/* Inflates the RGB planes (colour and alpha) of a picture that came from the
 * cache, in arena a; its CMYK stays as the print PDF embeds it. Returns 0, or -1
 * when an entry's stream does not inflate to its size. */
int tk_pixcache_unpack(tk_arena *a, tk_image *img);
/* Remembers img (with cmyk_z, and alpha_z when it has alpha) to be written by
 * tk_pixcache_flush. img must live until then. */
void tk_pixcache_put(tk_pixcache *pc, const unsigned char key[TK_PIXCACHE_KEY],
                     const tk_image *img, int src_w, int src_h);
/* What identifies a file without reading it: its size, modification time (ns),
 * inode and device, as make and ninja judge files (hashing a 0.7 MB profile or a
 * font on every build would cost more than some of what is kept saves). Returns
 * 0, or -1 (out zeroed) when the file cannot be found. */
#define TK_FILE_ID 32
int tk_file_id(const char *path, unsigned char out[TK_FILE_ID]);
/* Other things kept between builds (the print PDF's font subsets): a key made of
 * the build's base key, kind and n parts of data (SHA-256). Returns 0 or -1. */
int tk_pixcache_key_of(const tk_pixcache *pc, const char *kind, const void *const *parts,
                       const size_t *lens, int n, unsigned char key[TK_PIXCACHE_KEY]);
/* The blob kept under key: malloc'd (*len bytes), or NULL when there is none or
 * it is damaged. */
unsigned char *tk_pixcache_blob_get(const tk_pixcache *pc,
                                    const unsigned char key[TK_PIXCACHE_KEY], size_t *len);
/* Keeps a copy of len bytes to be written under key by tk_pixcache_flush. */
void tk_pixcache_blob_put(tk_pixcache *pc, const unsigned char key[TK_PIXCACHE_KEY],
                          const void *data, size_t len);
/* Writes the remembered entries (after the build has written its outputs) and
 * trims the folder to TK_PIXCACHE_MAX_BYTES. Failures are silent. */
void tk_pixcache_flush(tk_pixcache *pc);
/* Drops what is still waiting to be written (a build that failed) and what the
 * cache holds outside its arena. NULL is fine. */
void tk_pixcache_free(tk_pixcache *pc);

#endif
