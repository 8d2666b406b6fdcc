"""The OCR engine: RapidOCR 3.x on onnxruntime, with the PP-OCRv6 models its wheel ships.

Why this engine (measured on this project's scanned notices, see
``benchmarks/README.md``): it reads Chinese names, addresses and long digit
runs far better than Tesseract ``chi_sim`` and installs with pip alone
(Apache-2.0 code and models, MIT onnxruntime, Apache-2.0
opencv-python-headless: no libGL, no system package).

Nothing is ever downloaded. RapidOCR fetches a model when the configured file
is missing; piiscan always passes the paths of the files inside the installed
wheel and refuses to start when one is missing, and it replaces RapidOCR's
downloader by one that raises, so a future version that wants a file it does
not ship fails loudly instead of reaching the network.

One engine per process, loaded on first use, single-threaded: piiscan
parallelises across files (``--jobs``), so each process gets one core
(onnxruntime intra/inter-op threads 1, OpenCV 1 thread). The recogniser
takes each text line at its own width (``rec_img_shape`` 48×48 and batches
of one): padding every short table cell to 320 columns cost more than the
cells themselves.
"""
from __future__ import annotations

import hashlib
import importlib
import importlib.util
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

#: What ``pip install "piiscan-cn[ocr]"`` brings; the reader's note names it.
INSTALL_HINT = 'install piiscan-cn[ocr] to read it (pip install "piiscan-cn[ocr]")'

#: Detection runs on the page scaled so that its longer side is at most this
#: many pixels: 8 pt text stays ~12 px high, which the detector finds, at a
#: third of the cost of the full 200 dpi page. Recognition crops the lines
#: from the full-resolution page, so no detail is lost for reading.
DET_SIDE = 1280

#: Lines the recogniser is less sure of than this are still scanned (a
#: partly legible line can hold a whole ID) and counted as barely legible.
MIN_SCORE = 0.3

# Preferred model files, newest first; the first present in the wheel wins.
_MODELS = {
    "det": ("PP-OCRv6_det_small.onnx", "ch_PP-OCRv5_det_mobile.onnx", "ch_PP-OCRv4_det_mobile.onnx", "ch_PP-OCRv4_det_infer.onnx"),
    "rec": ("PP-OCRv6_rec_small.onnx", "ch_PP-OCRv5_rec_mobile.onnx", "ch_PP-OCRv4_rec_mobile.onnx", "ch_PP-OCRv4_rec_infer.onnx"),
}


class OcrUnavailable(RuntimeError):
    """The OCR extra is not installed, or its engine cannot start: the message says which and why."""


class Glyph(NamedTuple):
    """One recognised character: its box ``(x0, y0, x1, y1)`` in the pixels OCR saw, and the recogniser's score."""

    char: str
    box: tuple[float, float, float, float]
    score: float


@dataclass(frozen=True)
class Line:
    """One text line as detected and read: text, the four corners of its box, score, and a glyph per character."""

    text: str
    quad: tuple[tuple[float, float], ...]
    score: float
    glyphs: tuple[Glyph, ...]


_LOCK = threading.Lock()
_ENGINE: Any = None
_PROBLEM: str | None = None


def problem() -> str | None:
    """Why OCR cannot run here (None: it can). Checked once per process, without loading the models."""
    global _PROBLEM
    if _PROBLEM is None:
        _PROBLEM = _probe() or ""
    return _PROBLEM or None


def _probe() -> str | None:
    for mod in ("rapidocr", "onnxruntime", "cv2"):
        if importlib.util.find_spec(mod) is None:
            return f"image: {INSTALL_HINT}"
    try:
        importlib.import_module("rapidocr")
    except Exception as exc:  # e.g. an opencv-python needing libGL on a headless machine
        return f"image: the OCR engine cannot load ({type(exc).__name__}: {str(exc)[:160]})"
    try:
        model_paths()
    except OcrUnavailable as exc:
        return f"image: {exc}"
    return None


def model_paths() -> dict[str, Path]:
    """The detector and recogniser files shipped inside the installed rapidocr wheel."""
    import rapidocr

    root = Path(rapidocr.__file__).resolve().parent / "models"
    found: dict[str, Path] = {}
    for task, names in _MODELS.items():
        for name in names:
            if (root / name).is_file():
                found[task] = root / name
                break
        else:
            raise OcrUnavailable(f"the installed rapidocr ships no {task} model in {root} "
                                 "(piiscan never downloads models; install piiscan-cn[ocr] again)")
    return found


def _no_download(*_args: Any, **_kwargs: Any) -> None:
    raise OcrUnavailable("rapidocr tried to download a file at run time; piiscan never downloads models")


def engine() -> Any:
    """The process's RapidOCR instance, created on first use."""
    global _ENGINE
    if _ENGINE is not None:
        return _ENGINE
    with _LOCK:
        if _ENGINE is None:
            reason = problem()
            if reason:
                raise OcrUnavailable(reason)
            import cv2
            from rapidocr import RapidOCR
            from rapidocr.utils import download_file

            cv2.setNumThreads(1)
            download_file.DownloadFile.run = classmethod(_no_download)  # type: ignore[method-assign]
            paths = model_paths()
            _ENGINE = RapidOCR(params={
                "Global.log_level": "error",
                "Global.use_cls": False,  # upside-down lines do not occur on scans; EXIF orientation is honoured instead
                "Global.text_score": MIN_SCORE,
                "Global.max_side_len": 100_000,  # the recogniser crops from the page at full resolution
                "Det.model_path": str(paths["det"]),
                "Det.limit_type": "max",
                "Det.limit_side_len": DET_SIDE,
                "Rec.model_path": str(paths["rec"]),
                "Rec.rec_batch_num": 1,
                "Rec.rec_img_shape": [3, 48, 48],
                "EngineConfig.onnxruntime.intra_op_num_threads": 1,
                "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            })
    return _ENGINE


#: Pages whose lines are remembered (in memory, this process only): ``piiscan redact`` reads its
#: output once to verify it and the CLI reads it again; the second read is free.
CACHE_PAGES = 8
_CACHE: "OrderedDict[bytes, list[Line]]" = OrderedDict()
_CACHE_LOCK = threading.Lock()


def recognise(bgr: Any) -> list[Line]:
    """Text lines of an image (a uint8 BGR or grey numpy array), each with per-character boxes."""
    key = hashlib.blake2b(repr((bgr.shape, str(bgr.dtype))).encode() + bgr.tobytes(), digest_size=20).digest()
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return list(_CACHE[key])
    lines = _recognise(bgr)
    with _CACHE_LOCK:
        _CACHE[key] = lines
        while len(_CACHE) > CACHE_PAGES:
            _CACHE.popitem(last=False)
    return list(lines)


def _recognise(bgr: Any) -> list[Line]:
    out = engine()(bgr, return_word_box=True, return_single_char_box=True)
    if getattr(out, "txts", None) is None or getattr(out, "boxes", None) is None:
        return []
    lines: list[Line] = []
    words = out.word_results or [()] * len(out.txts)
    for text, quad, score, chars in zip(out.txts, out.boxes, out.scores, words):
        quad_t = tuple((float(x), float(y)) for x, y in quad)
        glyphs = tuple(Glyph(c, _bbox(b), float(s)) for c, s, b in chars) if chars else ()
        if "".join(g.char for g in glyphs) != text:
            glyphs = _spread(text, quad_t, float(score))
        lines.append(Line(text, quad_t, float(score), glyphs))
    return lines


def _bbox(points: Any) -> tuple[float, float, float, float]:
    xs = [float(p[0]) for p in points]
    ys = [float(p[1]) for p in points]
    return (min(xs), min(ys), max(xs), max(ys))


def _spread(text: str, quad: tuple[tuple[float, float], ...], score: float) -> tuple[Glyph, ...]:
    """Glyph boxes by splitting the line's box evenly (when the engine gave none that match its text)."""
    x0, y0, x1, y1 = _bbox(quad)
    step = (x1 - x0) / max(1, len(text))
    return tuple(Glyph(c, (x0 + i * step, y0, x0 + (i + 1) * step, y1), score) for i, c in enumerate(text))
