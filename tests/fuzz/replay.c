/* SPDX-License-Identifier: MIT */
/*
 * A plain main() for the fuzz targets in tests/fuzz/: it feeds inputs to
 * LLVMFuzzerTestOneInput without libFuzzer, so that every build variant
 * (release, asan) replays the corpus in `make test`
 * (tests/e2e/fuzz-replay.sh) and a crashing input can be run under a
 * debugger.
 *
 *	<target>-replay PATH...
 *
 * A PATH that is a directory has each of its regular files fed in name
 * order (files starting with '.' are skipped); any other PATH is fed
 * itself.  Each input is copied into a buffer of exactly its size, as
 * libFuzzer does, so that a read past the end is seen by ASan.  The name of
 * each input goes to stderr before it runs, so the last one named before a
 * crash is the culprit.  Exit 0 when every input ran, 1 when one could not
 * be read, 2 on a usage error; a failed check aborts.
 *
 * Single-threaded.  LLVMFuzzerInitialize runs first when the target has
 * one (a weak reference, as libFuzzer does it).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define REPLAY_MAX	(64u << 20)	/* bytes in one input */

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int	LLVMFuzzerInitialize(int *argc, char ***argv)
	    __attribute__((weak));

/* Read the file at path into a malloc'd buffer of exactly its size. */
static int
replay_read(const char *path, uint8_t **out, size_t *len)
{
	struct stat	 st;
	uint8_t		*buf;
	size_t		 got = 0;
	ssize_t		 n;
	int		 fd;

	*out = NULL;
	*len = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size > REPLAY_MAX) {
		fprintf(stderr, "replay: %s: not a regular file of at most "
		    "%u bytes\n", path, REPLAY_MAX);
		close(fd);
		return -1;
	}
	/* malloc(0) may return NULL; keep a real (empty) buffer. */
	buf = malloc(st.st_size > 0 ? (size_t)st.st_size : 1);
	if (buf == NULL) {
		fprintf(stderr, "replay: %s: out of memory\n", path);
		close(fd);
		return -1;
	}
	while (got < (size_t)st.st_size) {
		n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "replay: %s: %s\n", path,
			    n == 0 ? "file shrank while read" :
			    strerror(errno));
			free(buf);
			close(fd);
			return -1;
		}
		got += (size_t)n;
	}
	close(fd);
	*out = buf;
	*len = got;
	return 0;
}

/* Feed one file to the target; -1 when it cannot be read. */
static int
replay_file(const char *path)
{
	uint8_t	*buf;
	size_t	 len;

	if (replay_read(path, &buf, &len) != 0)
		return -1;
	fprintf(stderr, "replay: %s (%zu bytes)\n", path, len);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return 0;
}

static int
replay_skip_dot(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* Feed every file of directory dir in name order; *count gets the number. */
static int
replay_dir(const char *dir, unsigned int *count)
{
	struct dirent	**names;
	struct stat	  st;
	char		 *path;
	int		  n, i, result = 0;

	n = scandir(dir, &names, replay_skip_dot, alphasort);
	if (n == -1) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (asprintf(&path, "%s/%s", dir, names[i]->d_name) == -1) {
			fprintf(stderr, "replay: out of memory\n");
			result = -1;
			break;
		}
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			if (replay_file(path) != 0)
				result = -1;
			else
				(*count)++;
		}
		free(path);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return result;
}

int
main(int argc, char **argv)
{
	struct stat	 st;
	unsigned int	 count = 0;
	int		 i, result = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE-OR-DIR...\n", argv[0]);
		return 2;
	}
	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			if (replay_dir(argv[i], &count) != 0)
				result = 1;
		} else if (replay_file(argv[i]) != 0)
			result = 1;
		else
			count++;
	}
	printf("replayed %u inputs\n", count);
	return result;
}
