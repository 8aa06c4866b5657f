/* SPDX-License-Identifier: MIT */
/*
 * Signed URLs.  A signature is HMAC-SHA256, keyed with the server secret,
 * over one line per bound field:
 *
 *   ferry-signed-url-v1 \n op \n target \n name \n expires \n user
 *
 * op is "get" (download an item: target is its id, name empty) or "put"
 * (upload into a folder: target is the folder id, name the item name);
 * expires is the Unix time in seconds after which the URL is refused;
 * user is the user who made it, whose role is checked again when the URL
 * is used.  Changing any of them (or the signature) breaks the check,
 * which compares in constant time.  The signature travels in the URL as
 * 43 base64url characters.
 *
 * The secret is 32 random bytes in DIR/ferryd.secret, mode 0600, made on
 * first start; a secret file readable by others is refused.  Replacing
 * the file invalidates every URL signed before.
 *
 * Threads: pure, except sign_load_secret() (startup).
 */
#include <sys/random.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "core/util.h"
#include "server/server.h"

static enum ferry_code
sign_read_exact(int fd, unsigned char *buf, size_t len, const char *path,
    struct ferry_error *err)
{
	ssize_t	 n;
	size_t	 got = 0;

	while (got < len) {
		n = read(fd, buf + got, len - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return ferry_error_errno(err, errno, "reading %s",
			    path);
		if (n == 0)
			return ferry_error_set(err, FERRY_E_CORRUPT,
			    "%s is shorter than %zu bytes; remove it to make"
			    " a new one (signed URLs made so far stop"
			    " working)", path, len);
		got += (size_t)n;
	}
	return FERRY_OK;
}

static enum ferry_code
sign_create_secret(const char *path, unsigned char *secret,
    struct ferry_error *err)
{
	ssize_t	 n;
	size_t	 got = 0;
	int	 fd;

	while (got < SERVER_SECRET_SIZE) {
		n = getrandom(secret + got, SERVER_SECRET_SIZE - got, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return ferry_error_errno(err, errno,
			    "making %s: no random bytes", path);
		got += (size_t)n;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd == -1)
		return ferry_error_errno(err, errno, "creating %s", path);
	if (write(fd, secret, SERVER_SECRET_SIZE) != SERVER_SECRET_SIZE ||
	    fsync(fd) == -1) {
		close(fd);
		unlink(path);
		return ferry_error_errno(err, errno, "writing %s", path);
	}
	close(fd);
	return FERRY_OK;
}

enum ferry_code
sign_load_secret(const char *dir, unsigned char secret[SERVER_SECRET_SIZE],
    struct ferry_error *err)
{
	enum ferry_code	 result;
	struct stat	 sb;
	char		*path;
	int		 fd;

	path = xasprintf("%s/ferryd.secret", dir);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd == -1 && errno == ENOENT) {
		result = sign_create_secret(path, secret, err);
		/* another ferryd made it first: read theirs */
		if (result != FERRY_E_EXISTS)
			goto out;
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	}
	if (fd == -1) {
		result = ferry_error_errno(err, errno, "opening %s", path);
		goto out;
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		result = ferry_error_set(err, FERRY_E_INVALID,
		    "%s is not a regular file", path);
	} else if ((sb.st_mode & 077) != 0) {
		result = ferry_error_set(err, FERRY_E_PERMISSION,
		    "%s can be read by others (mode %04o); run `chmod 600"
		    " %s` (or remove it: signed URLs made so far stop"
		    " working)", path, (unsigned)(sb.st_mode & 07777), path);
	} else
		result = sign_read_exact(fd, secret, SERVER_SECRET_SIZE, path,
		    err);
	close(fd);
out:
	free(path);
	return result;
}

static void
sign_b64url(const unsigned char *raw, size_t len, char *out, size_t outsz)
{
	unsigned char	 b64[128];
	int		 n, i, j = 0;

	n = EVP_EncodeBlock(b64, raw, (int)len);
	for (i = 0; i < n && (size_t)j + 1 < outsz; i++) {
		if (b64[i] == '=')
			break;
		out[j++] = b64[i] == '+' ? '-' : b64[i] == '/' ? '_' :
		    (char)b64[i];
	}
	out[j] = '\0';
}

void
sign_make(const unsigned char secret[SERVER_SECRET_SIZE], const char *op,
    const char *target, const char *name, int64_t expires, const char *user,
    char out[64])
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0;
	char		*msg;

	msg = xasprintf("ferry-signed-url-v1\n%s\n%s\n%s\n%lld\n%s", op,
	    target, name != NULL ? name : "", (long long)expires, user);
	HMAC(EVP_sha256(), secret, SERVER_SECRET_SIZE, (unsigned char *)msg,
	    strlen(msg), md, &mdlen);
	free(msg);
	sign_b64url(md, mdlen, out, 64);
}

bool
sign_check(const unsigned char secret[SERVER_SECRET_SIZE], const char *op,
    const char *target, const char *name, int64_t expires, const char *user,
    const char *sig)
{
	char	 want[64];
	size_t	 len;

	if (sig == NULL)
		return false;
	sign_make(secret, op, target, name, expires, user, want);
	len = strlen(want);
	if (strlen(sig) != len)
		return false;
	return CRYPTO_memcmp(want, sig, len) == 0;
}

char *
sign_escape(const char *s)
{
	static const char	 hex[] = "0123456789ABCDEF";
	const unsigned char	*p;
	char			*out, *o;

	out = o = xmalloc(strlen(s) * 3 + 1);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' ||
		    *p == '_' || *p == '~')
			*o++ = (char)*p;
		else {
			*o++ = '%';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 15];
		}
	}
	*o = '\0';
	return out;
}
