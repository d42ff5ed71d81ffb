"""The one wrapper around the OCR models (PP-OCRv6 tiny text detection and recognition).

Both models are ONNX files shipped inside kcdocs (``kcdocs/ocr/models/``, see docs/ocr.md for
their origin, licence and SHA-256) and run on onnxruntime's CPU provider with one thread, so
that several audit worker processes share two cores without oversubscription. Nothing is ever
downloaded: a missing or altered model file raises :class:`OcrUnavailable`.

``OcrEngine().read(gray) -> list[Line]`` finds text lines in a grayscale picture (DB
segmentation map → connected components → boxes, the axis-aligned port of PaddleOCR's
``DBPostProcess``) and reads each with CTC greedy decoding.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MODELS = Path(__file__).resolve().parent / "models"
DET_MODEL = "ppocrv6_tiny_det.onnx"
REC_MODEL = "ppocrv6_tiny_rec.onnx"
DICTIONARY = "ppocrv6_tiny_dict.txt"
SHA256 = {
    DET_MODEL: "193bab7a04fca699a6c82e6abb5b81bdb28177f0abd4062552b04908dafb19f8",
    REC_MODEL: "9ef676d6ed3c88256a2d92c640c44f25b0c40947e111b14b8be8f594091563e6",
    DICTIONARY: "2af150bab777d86fa1ce821f6a37eabea90f1bb99ab9c41f031262e892a747bc",
}
DET_THRESH = 0.2  # segmentation probability counted as text (the model's own setting)
BOX_THRESH = 0.4  # mean probability inside a box to keep it
UNCLIP = 1.4  # box growth: area × ratio / perimeter on every side (DBPostProcess)
MIN_BOX_PX = 3  # shorter boxes are specks
REC_HEIGHT = 48
_MEAN = np.array([0.485, 0.456, 0.406], np.float32).reshape(1, 3, 1, 1)  # BGR order, ImageNet
_STD = np.array([0.229, 0.224, 0.225], np.float32).reshape(1, 3, 1, 1)
REC_BATCH_WIDTH = 1600  # recognition input widths are padded per batch up to this


class OcrUnavailable(Exception):
    """The OCR models cannot be loaded (message in Chinese)."""


@dataclass
class Line:
    text: str
    score: float  # mean probability of the decoded characters (0–1)
    box: tuple[int, int, int, int]  # x, y, w, h in the input picture
    height: int  # text height in pixels (the tallest lines are titles)


def _check(name: str) -> Path:
    path = MODELS / name
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise OcrUnavailable(f"文字识别模型文件缺失（{name}），请重新安装 kcdocs。") from exc
    if digest != SHA256[name]:
        raise OcrUnavailable(f"文字识别模型文件已损坏（{name}），请重新安装 kcdocs。")
    return path


def _session(path: Path):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.log_severity_level = 3
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


class OcrEngine:
    """Detection + recognition sessions, loaded once per process (see :func:`engine`)."""

    def __init__(self):
        self.det = _session(_check(DET_MODEL))
        self.rec = _session(_check(REC_MODEL))
        chars = _check(DICTIONARY).read_text("utf-8").split("\n")
        chars = [c for c in chars if c != ""]
        self.chars = np.array(["", *chars, " "], dtype=object)  # CTC blank first, space last

    def detect(self, gray: np.ndarray) -> list[tuple[int, int, int, int]]:
        """Text boxes (x, y, w, h) in ``gray``, top to bottom."""
        import cv2

        h, w = gray.shape
        th, tw = max(32, int(round(h / 32)) * 32), max(32, int(round(w / 32)) * 32)
        img = cv2.resize(gray, (tw, th)) if (th, tw) != (h, w) else gray
        x = (img.astype(np.float32) / 255.0)[None, None] - _MEAN  # gray on all three channels
        x /= _STD
        prob = self.det.run(None, {"x": x})[0][0, 0]
        bitmap = (prob > DET_THRESH).astype(np.uint8)
        count, labels, stats, _ = cv2.connectedComponentsWithStats(bitmap, connectivity=4)
        sx, sy = w / tw, h / th
        boxes = []
        for n in range(1, count):
            bx, by, bw, bh, area = stats[n]
            if min(bw, bh) < MIN_BOX_PX:
                continue
            if float(prob[by:by + bh, bx:bx + bw][labels[by:by + bh, bx:bx + bw] == n].mean()) < BOX_THRESH:
                continue
            grow = area * UNCLIP / (2 * (bw + bh))
            x0, y0 = max(0, (bx - grow) * sx), max(0, (by - grow) * sy)
            x1, y1 = min(w, (bx + bw + grow) * sx), min(h, (by + bh + grow) * sy)
            boxes.append((int(x0), int(y0), int(math.ceil(x1 - x0)), int(math.ceil(y1 - y0))))
        return sorted(boxes, key=lambda b: (b[1], b[0]))

    def _detect_scaled(self, gray: np.ndarray, scale: float) -> list[tuple[int, int, int, int]]:
        import cv2

        if scale >= 1.0:
            return self.detect(gray)
        h, w = gray.shape
        small = cv2.resize(gray, (max(32, int(w * scale)), max(32, int(h * scale))), interpolation=cv2.INTER_AREA)
        fx, fy = w / small.shape[1], h / small.shape[0]
        out = []
        for x, y, bw, bh in self.detect(small):
            x0, y0 = int(x * fx), int(y * fy)
            out.append((x0, y0, min(w - x0, int(math.ceil(bw * fx))), min(h - y0, int(math.ceil(bh * fy)))))
        return out

    def recognize(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        """Text and mean character probability of each grayscale line crop."""
        import cv2

        out: list[tuple[str, float] | None] = [None] * len(crops)
        widths = [max(8, int(math.ceil(REC_HEIGHT * c.shape[1] / max(1, c.shape[0])))) for c in crops]
        order = sorted(range(len(crops)), key=lambda i: widths[i])
        batch: list[int] = []
        for i in order + [None]:
            if i is not None and (not batch or widths[i] * (len(batch) + 1) <= REC_BATCH_WIDTH * 2):
                batch.append(i)
                continue
            if batch:
                width = max(widths[j] for j in batch)
                x = np.zeros((len(batch), 3, REC_HEIGHT, width), np.float32)
                for k, j in enumerate(batch):
                    line = cv2.resize(crops[j], (widths[j], REC_HEIGHT)).astype(np.float32)
                    x[k, :, :, :widths[j]] = (line / 255.0 - 0.5) / 0.5
                probs = self.rec.run(None, {"x": x})[0]
                for k, j in enumerate(batch):
                    out[j] = self._decode(probs[k])
            batch = [i] if i is not None else []
        return out  # type: ignore[return-value]

    def _decode(self, probs: np.ndarray) -> tuple[str, float]:
        best = probs.argmax(axis=1)
        keep = np.ones(best.size, bool)
        keep[1:] = best[1:] != best[:-1]
        keep &= best != 0
        if not keep.any():
            return "", 0.0
        picked = best[keep]
        score = float(probs[np.nonzero(keep)[0], picked].mean())
        return "".join(self.chars[picked]), score

    def read(self, gray: np.ndarray, max_lines: int | None = None, det_scale: float = 1.0,
             read_from: int = 0) -> list[Line]:
        """Lines of text in ``gray`` (top to bottom); with ``max_lines`` only the tallest ones.
        Text is found on a copy ``det_scale`` times the size (detection costs by the pixel) and read
        on ``gray`` itself; lines ending above row ``read_from`` (a part already read) are not read."""
        boxes = [b for b in self._detect_scaled(gray, det_scale)
                 if b[2] >= b[3] * 0.8 and b[1] + b[3] > read_from]  # vertical: not a title
        if max_lines is not None and len(boxes) > max_lines:
            boxes = sorted(sorted(boxes, key=lambda b: -b[3])[:max_lines], key=lambda b: (b[1], b[0]))
        crops = [gray[y:y + h, x:x + w] for x, y, w, h in boxes]
        read = self.recognize(crops) if crops else []
        return [Line(text, score, box, box[3]) for (text, score), box in zip(read, boxes) if text.strip()]


_ENGINE: OcrEngine | None = None


def engine() -> OcrEngine:
    """The process's engine (models loaded on first use)."""
    global _ENGINE
    if _ENGINE is None:
        try:
            _ENGINE = OcrEngine()
        except OcrUnavailable:
            raise
        except Exception as exc:  # onnxruntime missing or refusing the file
            raise OcrUnavailable(f"文字识别组件无法加载（{type(exc).__name__}），请重新安装 kcdocs。") from exc
    return _ENGINE
