/* SPDX-License-Identifier: MIT */
/*
 * ferryd's pure request helpers, table-driven with bad input as rows:
 * Range parsing (suffix, open, clamped, overflowing, several ranges,
 * malformed), If-None-Match matching, Accept-Encoding, percent-decoding
 * (NUL, bad escapes, '+'), strict JSON fields (types, exact whole
 * numbers, lengths, unknown and repeated fields), the HTTP status of
 * each error (limits: 406 for entry counts, 507 for bytes, 413 for a
 * request's size; pinned to the store's wording with a real store),
 * signed URL signatures (every bound field matters), and settings
 * (sizes with units, bounds, unknown keys).
 */
#include "lib/check.h"
#include "unit/store-util.h"
#include "server/server.h"

static void
test_range(void)
{
	static const struct {
		const char	*h;
		uint64_t	 size;
		enum range_result want;
		uint64_t	 start, len;
	} rows[] = {
		{ NULL, 100, RANGE_NONE, 0, 100 },
		{ "bytes=0-9", 100, RANGE_OK, 0, 10 },
		{ "bytes=10-", 100, RANGE_OK, 10, 90 },
		{ "bytes=-10", 100, RANGE_OK, 90, 10 },
		{ "bytes=-1000", 100, RANGE_OK, 0, 100 },
		{ "bytes=90-1000", 100, RANGE_OK, 90, 10 },
		{ "bytes=99-99", 100, RANGE_OK, 99, 1 },
		{ " bytes = 5 - 6 ", 100, RANGE_OK, 5, 2 },
		{ "BYTES=1-2", 100, RANGE_OK, 1, 2 },
		{ "bytes=100-", 100, RANGE_UNSATISFIABLE, 0, 0 },
		{ "bytes=-0", 100, RANGE_UNSATISFIABLE, 0, 0 },
		{ "bytes=0-", 0, RANGE_UNSATISFIABLE, 0, 0 },
		{ "bytes=-5", 0, RANGE_UNSATISFIABLE, 0, 0 },
		{ "bytes=99999999999999999999999-", 100, RANGE_UNSATISFIABLE,
		    0, 0 },
		{ "bytes=0-99999999999999999999999", 100, RANGE_OK, 0, 100 },
		{ "bytes=5-1", 100, RANGE_NONE, 0, 100 },
		{ "bytes=0-1,5-6", 100, RANGE_NONE, 0, 100 },
		{ "bytes=-", 100, RANGE_NONE, 0, 100 },
		{ "bytes=a-b", 100, RANGE_NONE, 0, 100 },
		{ "items=0-1", 100, RANGE_NONE, 0, 100 },
		{ "bytes=1-2x", 100, RANGE_NONE, 0, 100 },
		{ "bytes 1-2", 100, RANGE_NONE, 0, 100 },
		{ "", 100, RANGE_NONE, 0, 100 },
	};
	uint64_t	 start, len;
	size_t		 i;

	for (i = 0; i < FERRY_NELEM(rows); i++) {
		enum range_result r = range_parse(rows[i].h, rows[i].size,
		    &start, &len);

		if (r != rows[i].want)
			printf("# row %zu (%s)\n", i, rows[i].h);
		CHECK_INT(r, rows[i].want);
		if (r == RANGE_OK) {
			CHECK_INT(start, rows[i].start);
			CHECK_INT(len, rows[i].len);
		}
	}
}

static void
test_etag(void)
{
	static const struct {
		const char	*h;
		bool		 want;
	} rows[] = {
		{ "\"abc\"", true },
		{ "W/\"abc\"", true },
		{ "\"x\", \"abc\"", true },
		{ "\"x\" ,W/\"abc\" ", true },
		{ "*", true },
		{ "\"abcd\"", false },
		{ "abc", false },
		{ "\"ab\"", false },
		{ "", false },
		{ ",,,", false },
		{ NULL, false },
	};
	size_t	 i;

	for (i = 0; i < FERRY_NELEM(rows); i++)
		CHECK(range_etag_match(rows[i].h, "\"abc\"") == rows[i].want);
	CHECK(range_accepts_gzip("gzip"));
	CHECK(range_accepts_gzip("deflate, gzip;q=0.5"));
	CHECK(range_accepts_gzip("x-gzip"));
	CHECK(!range_accepts_gzip("gzip;q=0"));
	CHECK(!range_accepts_gzip("deflate, br"));
	CHECK(!range_accepts_gzip("gzipx"));
	CHECK(!range_accepts_gzip(NULL));
}

static void
test_decode(void)
{
	static const struct {
		const char	*in;
		bool		 plus;
		const char	*want;	/* NULL: refused */
	} rows[] = {
		{ "abc", false, "abc" },
		{ "a%20b", false, "a b" },
		{ "a+b", false, "a+b" },
		{ "a+b", true, "a b" },
		{ "%2e%2E", false, ".." },
		{ "%C3%A9", false, "\xc3\xa9" },
		{ "%00", false, NULL },
		{ "a%0", false, NULL },
		{ "a%", false, NULL },
		{ "%zz", false, NULL },
		{ "%%41", false, NULL },
		{ "", false, "" },
	};
	struct ferry_error	 err;
	char			*out;
	size_t			 i;

	for (i = 0; i < FERRY_NELEM(rows); i++) {
		out = request_decode(rows[i].in, strlen(rows[i].in),
		    rows[i].plus, &err);
		if (rows[i].want == NULL) {
			CHECK(out == NULL);
			CHECK_INT(err.code, FERRY_E_INVALID);
		} else
			CHECK_STR(out, rows[i].want);
		free(out);
	}
}

static void
test_json(void)
{
	static const char *const known[] = { "a", "n", "s", "o", "t", "b",
		NULL };
	struct ferry_error	 err;
	const char		*s;
	char			*text;
	int64_t			 n;
	bool			 present, b;
	cJSON			*o;

	o = cJSON_Parse("{\"n\": 5, \"s\": \"hi\", \"o\": {\"x\": [1]},"
	    " \"t\": [\"a\"], \"b\": true, \"a\": null}");
	CHECK_CODE(json_only(o, known, &err), FERRY_OK);
	CHECK_CODE(json_int(o, "n", 0, 0, 10, &n, &present, &err), FERRY_OK);
	CHECK_INT(n, 5);
	CHECK_CODE(json_int(o, "n", 0, 6, 10, &n, NULL, &err),
	    FERRY_E_INVALID);
	CHECK(strstr(err.msg, "\"n\"") != NULL);
	CHECK_CODE(json_int(o, "s", 0, 0, 10, &n, NULL, &err),
	    FERRY_E_INVALID);
	CHECK(strstr(err.msg, "not a string") != NULL);
	CHECK_CODE(json_string(o, "s", 0, 2, &s, NULL, &err), FERRY_OK);
	CHECK_STR(s, "hi");
	CHECK_CODE(json_string(o, "s", 0, 1, &s, NULL, &err), FERRY_E_LIMIT);
	CHECK_CODE(json_string(o, "zz", JSON_REQUIRED, 9, &s, NULL, &err),
	    FERRY_E_INVALID);
	CHECK(strstr(err.msg, "required") != NULL);
	CHECK_CODE(json_string(o, "a", 0, 9, &s, &present, &err),
	    FERRY_E_INVALID);
	CHECK_CODE(json_string(o, "a", JSON_NULLABLE, 9, &s, &present, &err),
	    FERRY_OK);
	CHECK(present && s == NULL);
	CHECK_CODE(json_object_text(o, "o", 0, &text, NULL, &err), FERRY_OK);
	CHECK_STR(text, "{\"x\":[1]}");
	free(text);
	CHECK_CODE(json_object_text(o, "t", 0, &text, NULL, &err),
	    FERRY_E_INVALID);
	CHECK_CODE(json_tags_text(o, "t", 0, &text, NULL, &err), FERRY_OK);
	CHECK_STR(text, "[\"a\"]");
	free(text);
	CHECK_CODE(json_bool(o, "b", 0, &b, NULL, &err), FERRY_OK);
	CHECK(b);
	CHECK_CODE(json_bool(o, "n", 0, &b, NULL, &err), FERRY_E_INVALID);
	cJSON_Delete(o);

	o = cJSON_Parse("{\"n\": 1e300, \"m\": 1.5, \"k\": 9007199254740993,"
	    " \"z\": 1, \"z\": 2, \"t\": [\"a\", 7]}");
	CHECK_CODE(json_int(o, "n", 0, 0, INT64_MAX, &n, NULL, &err),
	    FERRY_E_INVALID);
	CHECK_CODE(json_int(o, "m", 0, 0, INT64_MAX, &n, NULL, &err),
	    FERRY_E_INVALID);
	CHECK_CODE(json_int(o, "k", 0, 0, INT64_MAX, &n, NULL, &err),
	    FERRY_E_INVALID);
	CHECK_CODE(json_only(o, (const char *const[]){ "n", "m", "k", "z",
	    "t", NULL }, &err), FERRY_E_INVALID);
	CHECK(strstr(err.msg, "twice") != NULL);
	CHECK_CODE(json_only(o, known, &err), FERRY_E_INVALID);
	CHECK(strstr(err.msg, "unknown field") != NULL);
	CHECK_CODE(json_tags_text(o, "t", 0, &text, NULL, &err),
	    FERRY_E_INVALID);
	CHECK(strstr(err.msg, "element 1") != NULL);
	cJSON_Delete(o);
}

static void
test_status(void)
{
	struct ferry_error	 err;
	struct store_limits	 l = { 1, 10 };
	struct store		*s;
	char			*dir;

	ferry_error_set(&err, FERRY_E_NOT_FOUND, "x");
	CHECK_INT(reply_status(&err), 404);
	ferry_error_set(&err, FERRY_E_AUTH, "x");
	CHECK_INT(reply_status(&err), 401);
	ferry_error_set(&err, FERRY_E_NOT_EMPTY, "x");
	CHECK_INT(reply_status(&err), 409);
	ferry_error_set(&err, FERRY_E_NO_SPACE, "x");
	CHECK_INT(reply_status(&err), 507);
	ferry_error_set(&err, FERRY_E_LIMIT, "the JSON body is larger than 5");
	CHECK_INT(reply_status(&err), 413);
	/* the store's own wording of its per-folder limits */
	s = su_open(&dir);
	CHECK_CODE(store_limits_set(s, &l, &err), FERRY_OK);
	CHECK_CODE(su_mkdir(s, store_root_id(s), "a", NULL), FERRY_OK);
	CHECK_CODE(store_folder_create(s, store_root_id(s), "b", NULL, NULL,
	    NULL, &err), FERRY_E_LIMIT);
	CHECK_INT(reply_status(&err), 406);
	l.max_items = 0;
	CHECK_CODE(store_limits_set(s, &l, &err), FERRY_OK);
	CHECK_CODE(su_put_opts(s, store_root_id(s), "big", "0123456789ab", 12,
	    NULL, NULL, &err), FERRY_E_LIMIT);
	CHECK_INT(reply_status(&err), 507);
	store_close(s);
	su_rmdir(dir);
}

static void
test_sign(void)
{
	unsigned char	 k[SERVER_SECRET_SIZE], k2[SERVER_SECRET_SIZE];
	char		 sig[64], *e;

	memset(k, 7, sizeof k);
	memset(k2, 8, sizeof k2);
	sign_make(k, "get", "id-1", NULL, 1000, "alice", sig);
	CHECK_INT(strlen(sig), 43);
	CHECK(strspn(sig, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789-_") == 43);
	CHECK(sign_check(k, "get", "id-1", NULL, 1000, "alice", sig));
	CHECK(sign_check(k, "get", "id-1", "", 1000, "alice", sig));
	CHECK(!sign_check(k2, "get", "id-1", NULL, 1000, "alice", sig));
	CHECK(!sign_check(k, "put", "id-1", NULL, 1000, "alice", sig));
	CHECK(!sign_check(k, "get", "id-2", NULL, 1000, "alice", sig));
	CHECK(!sign_check(k, "get", "id-1", "x", 1000, "alice", sig));
	CHECK(!sign_check(k, "get", "id-1", NULL, 1001, "alice", sig));
	CHECK(!sign_check(k, "get", "id-1", NULL, 1000, "alicf", sig));
	CHECK(!sign_check(k, "get", "id-1", NULL, 1000, "alice", NULL));
	CHECK(!sign_check(k, "get", "id-1", NULL, 1000, "alice", "short"));
	sig[42] = sig[42] == 'A' ? 'B' : 'A';
	CHECK(!sign_check(k, "get", "id-1", NULL, 1000, "alice", sig));
	/* the field separator cannot be smuggled through a name */
	sign_make(k, "put", "f", "a\n1000", 5, "u", sig);
	CHECK(!sign_check(k, "put", "f", "a", 1000, "u", sig));
	e = sign_escape("a b/c~ é");
	CHECK_STR(e, "a%20b%2Fc~%20%C3%A9");
	free(e);
}

static void
test_settings(void)
{
	struct server_config	 c;
	uint64_t		 n;

	CHECK(settings_bytes("0", &n) && n == 0);
	CHECK(settings_bytes("64K", &n) && n == 65536);
	CHECK(settings_bytes("1MiB", &n) && n == 1048576);
	CHECK(settings_bytes("2g", &n) && n == 2ull << 30);
	CHECK(!settings_bytes("1X", &n));
	CHECK(!settings_bytes("-1", &n));
	CHECK(!settings_bytes("1KB2", &n));
	CHECK(!settings_bytes("99999999999999T", &n));
	CHECK(!settings_bytes("", &n));
	settings_defaults(&c);
	CHECK_INT(c.threads, 4);
	CHECK_INT(settings_set_number(&c, "threads", "8"), 1);
	CHECK_INT(c.threads, 8);
	CHECK_INT(settings_set_number(&c, "threads", "0"), 0);
	CHECK_INT(settings_set_number(&c, "threads", "x"), 0);
	CHECK_INT(settings_set_number(&c, "max_json", "10"), 0);
	CHECK_INT(settings_set_number(&c, "max_json", "2M"), 1);
	CHECK_INT(c.max_json, 2 << 20);
	CHECK_INT(settings_set_number(&c, "nope", "1"), -1);
	CHECK(!c.limits_given);
	CHECK_INT(settings_set_number(&c, "max_items_per_folder", "5"), 1);
	CHECK(c.limits_given);
	CHECK_INT(settings_set_number(&c, "upload_expiry", "60"), 1);
	CHECK_INT(c.upload_expiry, 60);
	settings_done(&c);
}

static void
test_render(void)
{
	struct render_buf	 b;
	struct ferry_entry	 e;
	cJSON			*o;
	char			 when[32];

	render_buf_init(&b);
	render_str(&b, "a\"b\\c\n\x01\xc3\xa9\xff\xe2\x82\xf0\x9f\x98\x80");
	CHECK_STR(b.buf, "\"a\\\"b\\\\c\\u000a\\u0001\xc3\xa9\\ufffd\\ufffd"
	    "\\ufffd\xf0\x9f\x98\x80\"");
	render_buf_done(&b);
	/* surrogates and overlong forms are not valid UTF-8 */
	render_str(&b, "\xed\xa0\x80\xc0\xaf");
	CHECK_STR(b.buf, "\"\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\"");
	render_buf_done(&b);
	memset(&e, 0, sizeof e);
	e.kind = FERRY_KIND_FOLDER;
	e.id = "id";
	e.name = "n\"1";
	e.description = "bad \xff";
	e.tags = "[\"t\"]";
	e.metadata = "{\"k\":1}";
	e.flags = FERRY_ENTRY_STARRED;
	e.created = 1795454498700;
	render_entry_open(&b, &e, "/n\"1", false);
	render_cstr(&b, "}");
	o = cJSON_Parse(b.buf);
	CHECK(o != NULL);
	if (o != NULL) {
		CHECK_STR(cJSON_GetObjectItem(o, "name")->valuestring, "n\"1");
		CHECK(cJSON_IsNull(cJSON_GetObjectItem(o, "parent_id")));
		CHECK(cJSON_IsTrue(cJSON_GetObjectItem(o, "starred")));
		CHECK(cJSON_IsNull(cJSON_GetObjectItem(o, "ttl")));
		CHECK_INT(cJSON_GetObjectItem(cJSON_GetObjectItem(o,
		    "client_metadata"), "k")->valueint, 1);
		CHECK_STR(cJSON_GetObjectItem(o, "created")->valuestring,
		    "2026-11-23T17:21:38.700Z");
		CHECK(cJSON_GetObjectItem(o, "created_ms")->valuedouble ==
		    1795454498700.0);
		CHECK_STR(cJSON_GetObjectItem(o, "description")->valuestring,
		    "bad \xef\xbf\xbd");
	}
	cJSON_Delete(o);
	render_buf_done(&b);
	render_time(-1, when);
	CHECK_STR(when, "1969-12-31T23:59:59.999Z");
	render_time(0, when);
	CHECK_STR(when, "1970-01-01T00:00:00.000Z");
	render_time(951782400123, when);
	CHECK_STR(when, "2000-02-29T00:00:00.123Z");
	render_time(4107542399999, when);
	CHECK_STR(when, "2100-02-28T23:59:59.999Z");
	render_time(INT64_MAX, when);
	CHECK_STR(when, "1970-01-01T00:00:00.000Z");
}

static const struct check_test tests[] = {
	CHECK_TEST(test_render),
	CHECK_TEST(test_range),
	CHECK_TEST(test_etag),
	CHECK_TEST(test_decode),
	CHECK_TEST(test_json),
	CHECK_TEST(test_status),
	CHECK_TEST(test_sign),
	CHECK_TEST(test_settings),
	{ NULL, NULL },
};

int
main(int argc, char **argv)
{
	return check_main(tests, argc, argv);
}
