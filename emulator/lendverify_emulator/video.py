"""The received liveness video: decoding (PyAV), face detection (OpenCV's frontal-face Haar
cascade) and the frames cut from it as PNGs.

Nothing here models Rekognition: "a face is present" means OpenCV's classic Viola-Jones detector
finds one in a frame, no more.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache

import av
import cv2
import numpy as np

from .images import add_png_text


@dataclass
class Frame:
    seconds: float  # presentation time from the start of the recording
    image: np.ndarray  # BGR


@dataclass
class Decoded:
    frames: list[Frame]
    width: int
    height: int

    @property
    def duration(self) -> float:
        return self.frames[-1].seconds - self.frames[0].seconds if len(self.frames) > 1 else 0.0


class VideoError(ValueError):
    """The received bytes are not a decodable video."""


def decode(data: bytes, *, max_frames: int = 900) -> Decoded:
    """Every video frame of a WebM (or any container FFmpeg reads) with its time in seconds."""
    frames: list[Frame] = []
    try:
        with av.open(io.BytesIO(data), mode="r") as container:
            if not container.streams.video:
                raise VideoError("the recording has no video track")
            stream = container.streams.video[0]
            for frame in container.decode(stream):
                seconds = float(frame.time) if frame.time is not None else len(frames) / 30.0
                frames.append(Frame(seconds, frame.to_ndarray(format="bgr24")))
                if len(frames) >= max_frames:
                    break
    except av.FFmpegError as exc:
        raise VideoError(f"the recording cannot be decoded: {exc}") from None
    if not frames:
        raise VideoError("the recording has no frames")
    height, width = frames[0].image.shape[:2]
    return Decoded(frames, width, height)


@lru_cache(maxsize=1)
def _cascade() -> cv2.CascadeClassifier:
    cascade = cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_frontalface_default.xml")
    if cascade.empty():
        raise RuntimeError("OpenCV's frontal-face cascade did not load")
    return cascade


def faces(image: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Face boxes (x, y, w, h) in pixels; faces smaller than a tenth of the frame height are ignored."""
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    minimum = max(24, image.shape[0] // 10)
    found = _cascade().detectMultiScale(gray, scaleFactor=1.1, minNeighbors=5, minSize=(minimum, minimum))
    return [tuple(int(v) for v in box) for box in found]


def frame_at(video: Decoded, seconds: float) -> Frame:
    """The frame shown at ``seconds`` (the last one at or before it, else the first)."""
    best = video.frames[0]
    for frame in video.frames:
        if frame.seconds <= seconds + 1e-6:
            best = frame
        else:
            break
    return best


def spread(video: Decoded, count: int) -> list[Frame]:
    """``count`` frames evenly spread over the recording."""
    if count <= 0:
        return []
    n = len(video.frames)
    return [video.frames[min(n - 1, (i * n) // count + n // (2 * count))] for i in range(count)]


def png(frame: Frame, texts: dict[str, str]) -> bytes:
    ok, encoded = cv2.imencode(".png", frame.image)
    if not ok:
        raise RuntimeError("PNG encoding failed")
    return add_png_text(encoded.tobytes(), texts)
