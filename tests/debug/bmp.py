"""Reading the window's screenshots (24- or 32-bit BMP) and writing PNG, with
the standard library only. `python3 bmp.py IN.bmp OUT.png` converts one (the
screenshots in docs/images are made this way)."""
import struct
import sys
import zlib


class Image:
    def __init__(self, width, height, rows):
        self.width, self.height, self.rows = width, height, rows  # rows[y][x] = 0xRRGGBB

    def pixel(self, x, y):
        return self.rows[y][x]

    def region(self, x, y, w, h):
        """Colours in a rectangle, as a set."""
        out = set()
        for yy in range(max(0, y), min(self.height, y + h)):
            row = self.rows[yy]
            out.update(row[max(0, x):min(self.width, x + w)])
        return out


def read_bmp(path):
    with open(path, 'rb') as f:
        data = f.read()
    if data[:2] != b'BM':
        raise ValueError('%s: not a BMP file' % path)
    offset, = struct.unpack_from('<I', data, 10)
    width, height, planes, bpp, compression = struct.unpack_from('<iiHHI', data, 18)
    if bpp not in (24, 32) or compression not in (0, 3):
        raise ValueError('%s: %d-bit BMP (compression %d) is not handled' % (path, bpp, compression))
    top_down = height < 0
    height = abs(height)
    step = bpp // 8
    stride = (width * step + 3) & ~3
    rows = []
    for y in range(height):
        src = y if top_down else height - 1 - y
        base = offset + src * stride
        line = data[base:base + width * step]
        rows.append([line[i + 2] << 16 | line[i + 1] << 8 | line[i]
                     for i in range(0, width * step, step)])
    return Image(width, height, rows)


def write_png(img, path):
    raw = bytearray()
    for row in img.rows:
        raw.append(0)
        for v in row:
            raw += bytes(((v >> 16) & 255, (v >> 8) & 255, v & 255))

    def chunk(tag, body):
        return (struct.pack('>I', len(body)) + tag + body +
                struct.pack('>I', zlib.crc32(tag + body) & 0xffffffff))

    png = b'\x89PNG\r\n\x1a\n'
    png += chunk(b'IHDR', struct.pack('>IIBBBBB', img.width, img.height, 8, 2, 0, 0, 0))
    png += chunk(b'IDAT', zlib.compress(bytes(raw), 9))
    png += chunk(b'IEND', b'')
    with open(path, 'wb') as f:
        f.write(png)


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit('usage: bmp.py IN.bmp OUT.png')
    write_png(read_bmp(sys.argv[1]), sys.argv[2])
