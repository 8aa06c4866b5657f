#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Failures cost only the entries they hit.  An unwritable target folder
# (ferry run as nobody), a full disk (a small tmpfs, or RLIMIT_FSIZE where
# mounting is not allowed) and a source whose files vanish while the job
# runs each give one clear error per entry, tried once (they will not
# pass); every other entry arrives byte-identical, and no temporary or
# partial file is left.  A transient failure (injected with the
# FERRY_TEST_FAULTS hook) is retried with backoff, continues the partial
# write, and succeeds; a permanent one fails at once.  A large move that
# fails verification keeps its source.
. "$(dirname "$0")/../lib/e2e.sh"
F=$FERRY
chmod 755 "$T"

# Every file of tree $1 that exists in $2 is identical; print how many.
same_where_present() {
	python3 - "$1" "$2" <<'EOF'
import filecmp, os, sys
src, dst = sys.argv[1], sys.argv[2]
n = 0
for d, _, files in os.walk(src):
    for f in files:
        s = os.path.join(d, f)
        t = os.path.join(dst, os.path.relpath(s, src))
        if os.path.exists(t):
            if not filecmp.cmp(s, t, shallow=False):
                print("differs:", t); sys.exit(1)
            n += 1
print(n)
EOF
}

no_temps() { test -z "$(find "$1" -name '.*ferry*')"; }

mktree() {	# dir, files per folder, size
	for d in a b c; do
		mkdir -p "$1/$d"
		i=0
		while [ "$i" -lt "$2" ]; do
			head -c "$3" /dev/urandom >"$1/$d/f$i"
			i=$((i + 1))
		done
	done
}

# ---- an unwritable target folder ----
mktree "$T/src" 3 5000
head -c 3000000 /dev/urandom >"$T/src/b/large"	# the resumable path
mkdir -p "$T/out/src/b" "$T/nobody"
chmod 777 "$T/out" "$T/out/src" "$T/nobody"
chmod 555 "$T/out/src/b"	# root's, and not writable by nobody
chmod -R a+rX "$T/src"
as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups \
	    env HOME="$T/nobody" XDG_STATE_HOME="$T/nobody/state" \
	    FERRY_DEBUG_STATS="$T/nobody/stats" "$@"
}
as_nobody $F cp "$T/src" "$T/out/" >"$T/perm.out" 2>&1
rc=$?
check "copying into an unwritable folder fails (exit 1)" test "$rc" -eq 1
check "each entry of it has its own error" \
    test "$(grep -c 'out/src/b.*Permission denied' "$T/perm.out")" -eq 4
check_out "naming the source" 'ferry: .*/src/b/f0: ' cat "$T/perm.out"
check "the other folders arrived byte-identical" \
    test "$(same_where_present "$T/src" "$T/out/src")" -eq 6
check "a permission error is not retried" \
    test "$(grep -c 'result=permission' "$T/nobody/stats")" -eq 4 -a \
    "$(grep 'result=permission' "$T/nobody/stats" | grep -vc 'attempt=1 ')" \
    -eq 0
check "no temporary file is left" no_temps "$T/out"

# ---- a full disk ----
mkdir "$T/full"
mounted=no
if mount -t tmpfs -o size=4m tmpfs "$T/full" 2>/dev/null; then
	mounted=yes
	trap 'umount "$T/full" 2>/dev/null; e2e_cleanup' EXIT
fi
mkdir "$T/fill"
i=0
while [ "$i" -lt 8 ]; do
	head -c 700000 /dev/urandom >"$T/fill/m$i"
	i=$((i + 1))
done
head -c 3500000 /dev/urandom >"$T/fill/huge"
head -c 1000 /dev/urandom >"$T/fill/tiny"
if [ "$mounted" = yes ]; then
	echo "# a 4 MiB tmpfs"
	$F cp --jobs 2 "$T/fill" "$T/full/" >"$T/full.out" 2>&1
	rc=$?
	sed 's/^/# /' "$T/full.out"
	dst=$T/full/fill
else
	echo "# mount not allowed: RLIMIT_FSIZE of 2 MB instead"
	trap '' XFSZ
	prlimit --fsize=2000000 $F cp --jobs 2 "$T/fill" "$T/limited" \
	    >"$T/full.out" 2>&1
	rc=$?
	dst=$T/limited
fi
check "a full disk fails the job (exit 1)" test "$rc" -eq 1
nfail=$(grep -c '^ferry: .*fill/' "$T/full.out")
npresent=$(same_where_present "$T/fill" "$dst")
echo "# $npresent files arrived, $nfail failed"
check "some entries failed, each with its own error" test "$nfail" -ge 1
check_out "saying the disk is full" \
    '(No space left on device|File too large)' cat "$T/full.out"
check "every other entry arrived byte-identical" \
    test "$((npresent + nfail))" -eq 10
check "no temporary or partial file is left on the full disk" \
    no_temps "$dst"
[ "$mounted" = yes ] && umount "$T/full" && trap e2e_cleanup EXIT

# ---- a source that vanishes mid-job ----
python3 - "$T/vanish" <<'EOF'
import os, random, sys
rnd = random.Random(3)
for i in range(120):
    d = os.path.join(sys.argv[1], "d%d" % (i % 6))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "f%03d" % i), "wb") as f:
        f.write(rnd.randbytes(rnd.choice([10, 5000])))
EOF
cp -r "$T/vanish" "$T/vanish.orig"
FERRY_TEST_CHUNK_DELAY_MS=25 $F cp --jobs 2 "$T/vanish" "$T/vout" \
    >"$T/vanish.out" 2>&1 &
pid=$!
PIDS="$PIDS $pid"
n=0
while [ "$n" -lt 400 ] &&
    [ "$(find "$T/vout" -type f 2>/dev/null | wc -l)" -lt 10 ]; do
	sleep 0.05
	n=$((n + 1))
done
rm -f "$T"/vanish/d4/* "$T"/vanish/d5/*
wait "$pid"
rc=$?
gone=$(grep -c 'No such file or directory' "$T/vanish.out")
echo "# $gone entries vanished before they were copied"
check "files vanishing mid-job fail the job (exit 1)" test "$rc" -eq 1
check "each vanished file has its own error" test "$gone" -ge 1
check_out "naming it" 'ferry: .*/vanish/d[45]/f[0-9]+: ' cat "$T/vanish.out"
check "only vanished files failed" \
    test "$(grep -c '^ferry: ' "$T/vanish.out")" -eq "$gone"
check "everything still there was copied, byte-identical" \
    test "$(same_where_present "$T/vanish" "$T/vout")" -eq 80
check "what was copied before it vanished is whole" \
    same_where_present "$T/vanish.orig" "$T/vout"
check "no temporary file is left" no_temps "$T/vout"

# ---- retries ----
head -c 5000000 /dev/urandom >"$T/retry.bin"
FERRY_TEST_FAULTS=read:2:network:2 FERRY_DEBUG_STATS=$T/retry.stats \
    check "two network failures mid-file are retried and pass" \
    $F -q put "$T/retry.bin" store:/retry.bin
sed 's/^/# /' "$T/retry.stats"
check "it took three attempts" \
    test "$(grep -c 'src=.*retry.bin' "$T/retry.stats")" -eq 3
check "the retries continued the partial write (no byte read twice)" \
    test "$(grep 'attempt=3' "$T/retry.stats" | sed 's/.*offset=\([0-9]*\).*/\1/')" -gt 0
check "the item is whole" \
    test "$($F info --json store:/retry.bin | python3 -c \
    'import json, sys; print(json.load(sys.stdin)["checksum"])')" = \
    "$(sha256sum "$T/retry.bin" | cut -d' ' -f1)"
FERRY_TEST_FAULTS=open_read:1:permission FERRY_DEBUG_STATS=$T/perm.stats \
    check_err 1 "a permanent failure fails at once" \
    'test fault on open_read call 1.*permission' \
    $F -q put "$T/retry.bin" store:/retry2.bin
check "it was tried once" test "$(wc -l <"$T/perm.stats")" -eq 1
FERRY_TEST_FAULTS=list:1:busy:2 \
    check "a busy listing is retried too" $F -q put "$T/src" store:/
check "and the tree arrived" \
    test "$($F find --type item store:/src | wc -l)" -eq 10

# ---- a large move that fails verification keeps its source ----
h=$($F info --json store:/retry.bin | python3 -c \
    'import json, sys; print(json.load(sys.stdin)["checksum"])')
blob=$FERRY_STORE/blobs/$(echo "$h" | cut -c1-2)/$h
chmod u+w "$blob"
printf 'CORRUPT' | dd of="$blob" bs=1 seek=3000000 conv=notrunc 2>/dev/null
mkdir "$T/mv"
check_err 1 "a move of a corrupted item fails verification" \
    'store:/retry.bin.*checksum mismatch' $F mv store:/retry.bin "$T/mv/"
check "the source of the failed move is kept" $F info store:/retry.bin
check "nothing arrived, not even a partial file" \
    test -z "$(ls -A "$T/mv")"
