"""Reads a PNG (8-bit RGB or RGBA, as gnuplot's pngcairo writes) with the standard library
and prints JSON: its size, and over the box that holds every pixel of the named colours cut
into N × N cells, the colour most pixels of each cell have (rows from the top). Used by
PlotTests to look at decision boundaries: the box is the plot area the class regions fill."""

import json
import struct
import sys
import zlib


def read_png(path):
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, chunks = 8, {}
    idat = b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IDAT":
            idat += body
        else:
            chunks[kind] = body
        pos += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert depth == 8 and colour in (2, 6), f"unsupported PNG: depth {depth} colour {colour}"
    channels = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous, pos = [], bytearray(stride), 0
    for _ in range(height):
        kind, line = raw[pos], bytearray(raw[pos + 1:pos + 1 + stride])
        pos += 1 + stride
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                pred = left if pa <= pb and pa <= pc else (up if pb <= pc else corner)
                line[i] = (line[i] + pred) & 255
        rows.append(line)
        previous = line
    return width, height, channels, rows


def main():
    path, cells, colours = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    width, height, channels, rows = read_png(path)
    wanted = {tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)): c for c in colours}
    found = []
    for y, line in enumerate(rows):
        for x in range(width):
            name = wanted.get(tuple(line[x * channels:x * channels + 3]))
            if name:
                found.append((x, y, name))
    result = {"width": width, "height": height, "cells": []}
    if found:
        x0, x1 = min(p[0] for p in found), max(p[0] for p in found) + 1
        y0, y1 = min(p[1] for p in found), max(p[1] for p in found) + 1
        counts = [[{} for _ in range(cells)] for _ in range(cells)]
        for x, y, name in found:
            row = min(cells - 1, (y - y0) * cells // (y1 - y0))
            column = min(cells - 1, (x - x0) * cells // (x1 - x0))
            counts[row][column][name] = counts[row][column].get(name, 0) + 1
        result["cells"] = [[max(c, key=c.get) if c else "" for c in row] for row in counts]
    print(json.dumps(result))


main()
