#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
#
# Makes the ZIP archives the zip-*.sh tests and the fuzz corpus use:
# archives written by Python's zipfile (each method), large ones written
# fast with struct, and hostile ones crafted byte by byte (lying sizes,
# overlapping members, bad names, a bomb, a sparse member over 4 GiB).
#
#   zip-craft.py KIND OUT [N [MiB]]
#
# Prints facts the tests compare with as "key=value" lines on stdout
# (sizes, offsets, CRCs), so that no number is hard-coded in a test.
import os
import struct
import sys
import zipfile
import zlib

DOS_TIME, DOS_DATE = 0x6000, 0x5821        # 2024-01-01 12:00


def local(name, method, crc, csize, usize, extra=b"", flags=0):
    return struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, method,
                       DOS_TIME, DOS_DATE, crc, csize, usize, len(name),
                       len(extra)) + name + extra


def central(name, method, crc, csize, usize, lho, extra=b"", flags=0,
            attr=0o100644 << 16, made_by=0x031E):
    return struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, made_by, 20, flags,
                       method, DOS_TIME, DOS_DATE, crc, csize, usize,
                       len(name), len(extra), 0, 0, 0, attr, lho) + \
        name + extra


def eocd(count, cd_size, cd_off, comment=b""):
    return struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count & 0xFFFF,
                       count & 0xFFFF, cd_size, cd_off, len(comment)) + \
        comment


def raw_deflate(data):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


class Writer:
    """Members written in order; lies are passed per member."""

    def __init__(self, f):
        self.f = f
        self.cd = []
        self.pos = 0

    def add(self, name, data, method=0, usize=None, crc=None, attr=None,
            lho=None, flags=0):
        if isinstance(name, str):
            name = name.encode()
        payload = raw_deflate(data) if method == 8 else data
        c = zlib.crc32(data) if crc is None else crc
        u = len(data) if usize is None else usize
        at = self.pos
        rec = local(name, method, c, len(payload), u, flags=flags)
        self.f.write(rec + payload)
        self.pos += len(rec) + len(payload)
        kw = {} if attr is None else {"attr": attr}
        self.cd.append(central(name, method, c, len(payload), u,
                               at if lho is None else lho, flags=flags,
                               **kw))
        return at

    def finish(self, count=None, cd_off=None):
        off = self.pos
        blob = b"".join(self.cd)
        self.f.write(blob)
        self.f.write(eocd(len(self.cd) if count is None else count,
                          len(blob), off if cd_off is None else cd_off))
        return off, len(blob)


def facts(**kw):
    for k, v in kw.items():
        print(f"{k}={v}")


def py_methods(out, n=0):
    """Python's zipfile with every method it writes."""
    text = b"".join(b"line %d of the log\n" % i for i in range(n or 3000))
    with zipfile.ZipFile(out, "w") as z:
        for name, m in (("stored.txt", zipfile.ZIP_STORED),
                        ("deflated.txt", zipfile.ZIP_DEFLATED),
                        ("bzip2.txt", zipfile.ZIP_BZIP2),
                        ("lzma.txt", zipfile.ZIP_LZMA)):
            z.writestr(name, text, compress_type=m)
        z.writestr("dir/inner.txt", b"inner\n", zipfile.ZIP_DEFLATED)
    with zipfile.ZipFile(out) as z:
        for i in z.infolist():
            key = i.filename.replace("/", "_").replace(".", "_")
            start = i.header_offset + 30 + len(i.filename.encode()) + \
                len(i.extra)
            facts(**{f"{key}_start": start,
                     f"{key}_len": i.compress_size,
                     f"{key}_crc": "%08x" % i.CRC,
                     f"{key}_size": i.file_size})
    facts(text_size=len(text))


def many(out, n, names_dir=True):
    """n empty stored members, written fast; count mod 65536 in EOCD."""
    with open(out, "wb") as f:
        w = Writer(f)
        for i in range(n):
            name = ("d%03d/f%07d" % (i % 100, i)) if names_dir else \
                ("f%07d" % i)
            w.add(name, b"")
        off, size = w.finish()
    facts(members=n, cd_offset=off, cd_size=size)


def bulk(out, n, mib):
    """n stored members of mib MiB of pseudo-random bytes each."""
    block = bytes((i * 7919) & 0xFF for i in range(1 << 20))
    with open(out, "wb") as f:
        w = Writer(f)
        for i in range(n):
            name = ("data/part-%05d.bin" % i).encode()
            crc = 0
            for _ in range(mib):
                crc = zlib.crc32(block, crc)
            size = mib << 20
            at = w.pos
            rec = local(name, 0, crc, size, size)
            f.write(rec)
            for _ in range(mib):
                f.write(block)
            w.pos += len(rec) + size
            w.cd.append(central(name, 0, crc, size, size, at))
        off, size = w.finish()
    facts(members=n, cd_offset=off, cd_size=size)


def py_zip64_many(out, n):
    """Python's zipfile, more than 65,535 members: it writes ZIP64."""
    with zipfile.ZipFile(out, "w") as z:
        for i in range(n):
            z.writestr("m/%06d.txt" % i, b"%d\n" % i)
    facts(members=n)


def big_sparse(out):
    """One stored member over 4 GiB of zeros, sparse, ZIP64 fields."""
    size = (4 << 30) + 12345
    crc = 0
    chunk = bytes(1 << 20)
    left = size
    while left > 0:
        n = min(left, len(chunk))
        crc = zlib.crc32(chunk[:n], crc)
        left -= n
    name = b"huge.bin"
    z64 = struct.pack("<HHQQ", 1, 16, size, size)
    with open(out, "wb") as f:
        f.write(local(name, 0, crc, 0xFFFFFFFF, 0xFFFFFFFF, extra=z64))
        start = f.tell()
        f.seek(start + size)
        # A member after it, whose local header offset needs ZIP64.
        tail = f.tell()
        after = b"after the big one\n"
        f.write(local(b"after.txt", 0, zlib.crc32(after), len(after),
                      len(after)) + after)
        cd_off = f.tell()
        cd = central(name, 0, crc, 0xFFFFFFFF, 0xFFFFFFFF, 0,
                     extra=z64) + \
            central(b"after.txt", 0, zlib.crc32(after), len(after),
                    len(after), 0xFFFFFFFF,
                    extra=struct.pack("<HHQ", 1, 8, tail))
        f.write(cd)
        z64_off = f.tell()
        f.write(struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0,
                            2, 2, len(cd), cd_off))
        f.write(struct.pack("<IIQI", 0x07064B50, 0, z64_off, 1))
        f.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF,
                            0xFFFFFFFF, 0xFFFFFFFF, 0))
    facts(size=size, crc="%08x" % crc, start=start, after=tail,
          cd_size=len(cd))


def hostile(kind, out, n=0):
    with open(out, "wb") as f:
        w = Writer(f)
        if kind == "dotdot":
            w.add("../../escape.txt", b"escaped\n")
            w.add("ok.txt", b"fine\n")
        elif kind == "absolute":
            w.add("/tmp/ferry-abs-escape.txt", b"abs\n")
            w.add("ok.txt", b"fine\n")
        elif kind == "backslash":
            w.add("..\\..\\win.txt", b"win\n")
            w.add("ok.txt", b"fine\n")
        elif kind == "control":
            w.add("evil\x1b[2J\x07name.txt", b"ctl\n")
            w.add("ok.txt", b"fine\n")
        elif kind == "symlink":
            w.add("link", b"/etc/passwd", attr=0o120777 << 16)
            w.add("ok.txt", b"fine\n")
        elif kind == "dup":
            w.add("same.txt", b"first\n")
            w.add("same.txt", b"second\n")
        elif kind == "overlap":
            # A non-recursive bomb's shape: records sharing one header.
            w.add("a.txt", b"A" * 1000, method=8)
            for i in range(50):
                w.cd.append(central(b"b%02d.txt" % i, 8,
                                    zlib.crc32(b"A" * 1000),
                                    len(raw_deflate(b"A" * 1000)), 1000, 0))
        elif kind == "bomb":
            # Declares 1 MiB, inflates to 64 MiB (or N MiB) of zeros.
            data = bytes((n or 64) << 20)
            w.add("bomb.bin", data, method=8, usize=min(1 << 20,
                                                        len(data) // 2))
        elif kind == "ratio":
            # 4,000,000,000 bytes from a few: beyond what deflate gives.
            w.add("ratio.bin", b"x", method=8, usize=4000000000)
        elif kind == "lie-short":
            w.add("short.txt", b"s" * 5000, method=8, usize=9000)
        elif kind == "crc":
            w.add("crc.txt", b"c" * 5000, method=8, crc=0x12345678)
        elif kind == "encrypted":
            w.add("secret.txt", b"not really encrypted\n", flags=1)
        elif kind == "truncated":
            w.add("a.txt", b"a" * 3000)
            w.add("b.txt", b"b" * 3000)
            w.finish()
            f.truncate(f.tell() // 2)
            return
        elif kind == "cd-past-end":
            w.add("a.txt", b"a" * 3000)
            w.finish(cd_off=10 ** 9)
            return
        elif kind == "deep":
            w.add("/".join(["d"] * (n or 20000)) + "/leaf.txt", b"deep\n")
        else:
            sys.exit(f"zip-craft: unknown kind {kind}")
        w.finish()


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: zip-craft.py KIND OUT [N]")
    kind, out = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    if kind == "py-methods":
        py_methods(out, n)
    elif kind == "many":
        many(out, n)
    elif kind == "many-flat":
        many(out, n, names_dir=False)
    elif kind == "bulk":
        bulk(out, n, int(sys.argv[4]) if len(sys.argv) > 4 else 1)
    elif kind == "py-zip64-many":
        py_zip64_many(out, n)
    elif kind == "big-sparse":
        big_sparse(out)
    else:
        hostile(kind, out, n)


if __name__ == "__main__":
    main()
