/**
 * The Python Parquet fallback of the generated train.py: reads exactly what exportTrainingRecipe
 * writes (plain, uncompressed, required DOUBLE / BYTE_ARRAY columns, data page v1 or v2), so the
 * recipe runs where pyarrow is not installed.
 */
export const PARQUET_PY = String.raw`class Compact:
    """Thrift compact protocol, enough for Parquet footers and page headers."""

    def __init__(self, buf, pos=0):
        self.b, self.p = buf, pos

    def byte(self):
        self.p += 1
        return self.b[self.p - 1]

    def varint(self):
        shift = result = 0
        while True:
            b = self.byte()
            result |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                return result

    def zigzag(self):
        n = self.varint()
        return (n >> 1) ^ -(n & 1)

    def value(self, t):
        if t in (1, 2):
            return t == 1
        if t == 3:
            return struct.unpack("b", bytes([self.byte()]))[0]
        if t in (4, 5, 6):
            return self.zigzag()
        if t == 7:
            self.p += 8
            return struct.unpack_from("<d", self.b, self.p - 8)[0]
        if t == 8:
            n = self.varint()
            self.p += n
            return bytes(self.b[self.p - n : self.p])
        if t in (9, 10):
            head = self.byte()
            n, kind = head >> 4, head & 15
            if n == 15:
                n = self.varint()
            return [self.byte() == 1 if kind in (1, 2) else self.value(kind) for _ in range(n)]
        if t == 11:
            n = self.varint()
            kinds = self.byte() if n else 0
            return dict((self.value(kinds >> 4), self.value(kinds & 15)) for _ in range(n))
        if t == 12:
            return self.struct()
        raise ValueError("unknown thrift type %d" % t)

    def struct(self):
        fields, last = {}, 0
        while True:
            head = self.byte()
            if head == 0:
                return fields
            delta = head >> 4
            last = last + delta if delta else self.zigzag()
            fields[last] = self.value(head & 15)


def read_kiln_parquet(path, columns):
    """Plain-encoded, uncompressed, required DOUBLE and BYTE_ARRAY columns, as Kiln writes them."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"PAR1" or data[-4:] != b"PAR1":
        raise ValueError("%s is not a Parquet file" % path)
    length = struct.unpack_from("<I", data, len(data) - 8)[0]
    meta = Compact(data, len(data) - 8 - length).struct()
    out = {name: [] for name in columns}
    for group in meta[4]:
        for chunk in group[1]:
            cm = chunk[3]
            name = cm[3][-1].decode("utf-8")
            if name not in out:
                continue
            if cm[4] != 0:
                raise ValueError("%s: column %s is compressed; install pyarrow to read it" % (path, name))
            kind, remaining, pos = cm[1], cm[5], cm[9]
            while remaining > 0:
                reader = Compact(data, pos)
                header = reader.struct()
                page = data[reader.p : reader.p + header[3]]
                pos = reader.p + header[3]
                if header[1] == 3:
                    h = header[8]
                    count, encoding, skip = h[1], h[4], h.get(5, 0) + h.get(6, 0)
                elif header[1] == 0:
                    h = header[5]
                    count, encoding, skip = h[1], h[2], 0
                else:
                    raise ValueError("%s: column %s has a page type this reader does not know; install pyarrow" % (path, name))
                if encoding != 0:
                    raise ValueError("%s: column %s is not plain-encoded; install pyarrow" % (path, name))
                values = page[skip:]
                if kind == 5:
                    out[name].extend(np.frombuffer(values, "<f8", count).tolist())
                elif kind == 6:
                    at = 0
                    for _ in range(count):
                        n = struct.unpack_from("<I", values, at)[0]
                        out[name].append(values[at + 4 : at + 4 + n].decode("utf-8"))
                        at += 4 + n
                else:
                    raise ValueError("%s: column %s has Parquet type %d" % (path, name, kind))
                remaining -= count
    return out


def read_parquet(path, columns):
    try:
        import pyarrow.parquet as pq
    except ImportError:
        return read_kiln_parquet(path, columns)
    table = pq.read_table(path, columns=columns)
    return {name: table.column(name).to_pylist() for name in columns}
`;
