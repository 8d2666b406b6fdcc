"""PDF internals shared by the reader (:mod:`piiscan.readers.pdf`) and the writer (:mod:`piiscan.redact.writers.pdf`).

One page model serves both, so ``scan`` and ``redact`` see the same text in
the same cells with the same column headers:

- :mod:`.document` opens a file within :mod:`piiscan.limits` (every Flate
  stream is inflated, bounded, *before* any parser sees it; pages counted first).
- :mod:`.chars` reads every character with its box from pdfium (fast: a few
  ms a page), in the page's own coordinates, turned into the frame of the
  text's direction (``/Rotate`` and rotated form XObjects read as lines).
- :mod:`.objects` surveys the page's drawing: ruling lines (for tables),
  pictures, shapes that look like glyphs drawn as outlines.
- :mod:`.layout` builds lines and tables (pdfplumber's table finder fed with
  pdfium's paths), with for every text position the character behind it.
- :mod:`.texttables` finds tables without ruling lines: columns under a
  header line (borderless tables, the text layer of a searchable scan);
- :mod:`.continued` carries a table over pages: its header, its row numbers,
  and a row split by a page break (joined, so a split ID is one value).
- :mod:`.ocr_seam` decides which pages need OCR and renders them.
- :mod:`.parts` and :mod:`.revisions`: what a PDF holds beyond its pages
  (metadata, annotations, forms, outlines, attachments, JavaScript, old revisions).
- :mod:`.content`, :mod:`.images` and :mod:`.verify`: the writer's side —
  cutting glyphs out of content streams by position, painting over picture
  pixels, and checking the result by position with two independent extractors.
"""
