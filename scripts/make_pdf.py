#!/usr/bin/env python3
"""Makes the PDFs the tests and the benchmark read, from text (reportlab and its CJK CID fonts).

  make_pdf.py text IN.txt OUT.pdf [--font STSong-Light|MSung-Light] [--header TEXT] [--footer TEXT]
              [--numbers dash|chinese|slash|page|none] [--encrypt PASSWORD] [--pages N]
      The transcript as a typeset document: lines filled to the text width and broken wherever
      they are full (as a word processor does), paragraphs set apart by a gap, a running header,
      footer and page number on every page. --pages N repeats the text to fill exactly N pages.
  make_pdf.py image OUT.pdf        one page holding only a drawn picture (a "scan"): no text layer
  make_pdf.py pages N OUT.pdf      N pages of one short line each
  make_pdf.py bomb-pages OUT.pdf   a page tree claiming 2,000,000,000 pages
  make_pdf.py bomb-nesting OUT.pdf a page whose resources nest arrays 200,000 deep
  make_pdf.py bomb-stream MB OUT.pdf  a content stream that inflates to MB megabytes of text operators
  make_pdf.py bomb-text PAGES OUT.pdf PAGES pages sharing one small stream that draws 80 KB of text
"""

import argparse
import io
import re
import sys
import zlib

PAGE_W, PAGE_H = 595.0, 842.0  # A4 in points
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 72.0, 90.0, 90.0
FONT_SIZE, LEADING, PARAGRAPH_GAP = 12.0, 20.0, 10.0

TOKEN = re.compile(r"[A-Za-z0-9.,%\-]+|\s|.")
# Latin-1 letters the CID fonts' Unicode CMaps leave out (U+00B7 of "1·3·5"): set in Helvetica.
FALLBACK = re.compile(r"([\u00a1-\u00ff]+)")


def runs(text, font):
    """(text, font) pieces of a line: the CJK font, and Helvetica where it has no glyph."""
    return [(piece, "Helvetica" if i % 2 else font) for i, piece in enumerate(FALLBACK.split(text)) if piece]


def width_of(text, font, size):
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return sum(stringWidth(piece, f, size) for piece, f in runs(text, font))


def draw(c, x, y, text, font, size):
    t = c.beginText(x, y)
    for piece, f in runs(text, font):
        t.setFont(f, size)
        t.textOut(piece)
    c.drawText(t)


def wrap(text, font, width):
    lines, line, line_w = [], "", 0.0
    for token in TOKEN.findall(text):
        w = width_of(token, font, FONT_SIZE)
        if line and line_w + w > width:
            lines.append(line.rstrip(" "))
            line, line_w = "", 0.0
            if token.isspace():
                continue
        line += token
        line_w += w
    if line:
        lines.append(line)
    return lines


def page_number(style, n, total):
    return {
        "dash": f"- {n} -",
        "chinese": f"第 {n} 页",
        "slash": f"{n}/{total}",
        "page": f"Page {n} of {total}",
    }.get(style)


def make_text(args):
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfbase import cidfonts, pdfmetrics
    from reportlab.pdfgen import canvas

    # reportlab pairs MSung-Light (traditional) with the simplified-Chinese CMap, which readers
    # then cannot resolve for its Adobe-CNS1 glyphs: name the traditional one.
    cidfonts.defaultUnicodeEncodings["MSung-Light"] = ("cht", "UniCNS-UCS2-H")
    pdfmetrics.registerFont(cidfonts.UnicodeCIDFont(args.font))
    with open(args.input, encoding="utf-8") as f:
        paragraphs = [p.strip() for p in f.read().split("\n") if p.strip()]
    width = PAGE_W - 2 * MARGIN_X
    wrapped = [wrap(p, args.font, width) for p in paragraphs]

    # Lay out first, so that "3/12" and "Page 3 of 12" know the total.
    def layout():
        pages, page, y = [], [], PAGE_H - MARGIN_TOP
        for lines in wrapped:
            for line in lines:
                if y < MARGIN_BOTTOM:
                    pages.append(page)
                    page, y = [], PAGE_H - MARGIN_TOP
                page.append((y, line))
                y -= LEADING
            y -= PARAGRAPH_GAP
        pages.append(page)
        return pages

    pages = layout()
    if args.pages:
        while len(pages) < args.pages:
            wrapped.extend(list(wrapped))
            pages = layout()
        pages = pages[: args.pages]
    encrypt = StandardEncryption(args.encrypt, canPrint=0) if args.encrypt else None
    c = canvas.Canvas(args.output, pagesize=(PAGE_W, PAGE_H), encrypt=encrypt, invariant=1)
    for n, page in enumerate(pages, 1):
        c.setFont(args.font, 9)
        if args.header:
            c.drawString(MARGIN_X, PAGE_H - 50, args.header)
        if args.footer:
            c.drawString(MARGIN_X, 50, args.footer)
        number = page_number(args.numbers, n, len(pages))
        if number:
            c.drawCentredString(PAGE_W / 2, 30, number)
        for y, line in page:
            draw(c, MARGIN_X, y, line, args.font, FONT_SIZE)
        c.showPage()
    c.save()


def make_image(args):
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    picture = Image.new("RGB", (400, 300), "white")
    draw = ImageDraw.Draw(picture)
    for i in range(0, 300, 20):
        draw.line((20, i, 380, i), fill="black", width=3)  # lines of "print", as a scan shows them
    c = canvas.Canvas(args.output, pagesize=(PAGE_W, PAGE_H), invariant=1)
    c.drawImage(ImageReader(picture), 72, 400, width=400, height=300)
    c.showPage()
    c.save()


def make_pages(args):
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(args.output, pagesize=(PAGE_W, PAGE_H), invariant=1)
    for n in range(1, args.count + 1):
        c.setFont("Helvetica", 12)
        c.drawString(72, 700, f"Line on page {n}.")
        c.showPage()
    c.save()


def write_raw_pdf(path, objects):
    """Writes objects (bytes bodies, numbered from 1; object 1 is the catalog) with a correct xref."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    with open(path, "wb") as f:
        f.write(out.getvalue())


def stream(data, compress=False):
    if compress:
        data = zlib.compress(data, 9)
        return b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"
    return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def make_bomb_pages(args):
    # One real page, but the tree's /Count claims two billion: a reader that trusts it allocates.
    write_raw_pdf(args.output, [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 2000000000 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        stream(b"BT /F1 12 Tf 72 700 Td (Hello) Tj ET"),
        FONT,
    ])


def make_bomb_nesting(args):
    depth = 200_000
    write_raw_pdf(args.output, [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> /Deep " + b"[" * depth + b"]" * depth + b" >> >>",
        stream(b"BT /F1 12 Tf 72 700 Td (Hello) Tj ET"),
        FONT,
    ])


def make_bomb_stream(args):
    # Text drawn over and over at the same place: tiny compressed, args.megabytes once inflated.
    line = b"BT /F1 12 Tf 72 700 Td (" + b"briefing " * 10 + b") Tj ET\n"
    chunk = line * (1024 * 1024 // len(line))
    deflate = zlib.compressobj(9)
    data = b"".join(deflate.compress(chunk) for _ in range(args.megabytes)) + deflate.flush()
    write_raw_pdf(args.output, [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream",
        FONT,
    ])


def make_bomb_text(args):
    # Every page draws the same stream: a few kilobytes of PDF, 80 KB of text per page once read.
    rows = []
    for row in range(80):
        rows.append(b"BT /F1 3 Tf 20 %d Td (%s) Tj ET\n" % (820 - row * 10, b"%04d briefing text " % row * 50))
    content = b"".join(rows)
    kids = b" ".join(b"%d 0 R" % (5 + i) for i in range(args.count))
    page = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R "
            b"/Resources << /Font << /F1 4 0 R >> >> >>")
    write_raw_pdf(args.output, [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % args.count,
        stream(content, compress=True),
        FONT,
    ] + [page] * args.count)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="mode", required=True)
    t = sub.add_parser("text")
    t.add_argument("input")
    t.add_argument("output")
    t.add_argument("--font", default="STSong-Light")
    t.add_argument("--header")
    t.add_argument("--footer")
    t.add_argument("--numbers", default="dash", choices=["dash", "chinese", "slash", "page", "none"])
    t.add_argument("--encrypt")
    t.add_argument("--pages", type=int)
    sub.add_parser("image").add_argument("output")
    p = sub.add_parser("pages")
    p.add_argument("count", type=int)
    p.add_argument("output")
    for name in ("bomb-pages", "bomb-nesting"):
        sub.add_parser(name).add_argument("output")
    b = sub.add_parser("bomb-text")
    b.add_argument("count", type=int)
    b.add_argument("output")
    s = sub.add_parser("bomb-stream")
    s.add_argument("megabytes", type=int)
    s.add_argument("output")
    args = parser.parse_args()
    {
        "text": make_text, "image": make_image, "pages": make_pages, "bomb-pages": make_bomb_pages,
        "bomb-nesting": make_bomb_nesting, "bomb-stream": make_bomb_stream, "bomb-text": make_bomb_text,
    }[args.mode](args)


if __name__ == "__main__":
    sys.exit(main())
