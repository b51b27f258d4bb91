"""Byte- and token-level mutations of a text file, as a hypothesis strategy, shared by the
fuzz tests of the CSV, YAML and JSON readers."""

from __future__ import annotations

from conftest import SCALE
from hypothesis import note
from hypothesis import strategies as st

# What breaks a delimited, YAML or JSON text: structure characters, quotes, line ends, bytes of
# another encoding, a byte-order mark, NUL, numbers that do not fit, very long fields.
TOKENS = [b";", b",", b'"', b"'", b"\n", b"\r\n", b"\r", b"\t", b" ", b":", b"- ", b"{", b"}",
          b"[", b"]", b"#", b"&a", b"*a", b"!!python/object:os.system", b"\xef\xbb\xbf",
          b"\x00", "å".encode("latin-1"), "ä".encode("cp437"), "ö".encode(), b"\xff\xfe",
          b"-", b"1e999", b"99999999999999999999999", b"NaN", b"null", b"true", b"2022-13-45",
          b"\xa0", b"1 234,5", b"-0,001", b"~", b"%", b"|", b">", b"?"]


@st.composite
def mutate(draw: st.DrawFn, data: bytes, max_ops: int = 4) -> bytes:
    for _ in range(draw(st.integers(1, max_ops))):
        n = len(data)
        at = draw(st.integers(0, n))
        how = draw(st.sampled_from(["truncate", "insert", "delete", "noise", "huge", "line",
                                    "swap"]))
        note(f"{how} at byte {at} of {n}")
        if how == "truncate":
            data = data[:at]
        elif how == "insert":
            data = data[:at] + draw(st.sampled_from(TOKENS)) + data[at:]
        elif how == "delete":
            data = data[:at] + data[at + draw(st.integers(1, 20)):]
        elif how == "noise":
            data = data[:at] + draw(st.binary(min_size=1, max_size=30)) + data[at:]
        elif how == "huge":
            size = draw(st.sampled_from([1000, 200_000 if SCALE > 1 else 20_000]))
            data = data[:at] + draw(st.sampled_from([b"x", b"9", b'"', b" "])) * size + data[at:]
        else:
            lines = data.splitlines(keepends=True)
            if len(lines) >= 2:
                i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
                if how == "swap":
                    lines[i], lines[j] = lines[j], lines[i]
                else:
                    lines.insert(i, lines[j])  # a repeated line (or header)
                data = b"".join(lines)
    return data
