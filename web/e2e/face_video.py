"""Writes the browser tests' fake-camera videos into the directory given as argv[1]: MJPEG files
(concatenated JPEG frames, which Chromium's --use-file-for-fake-video-capture plays in a loop at
30 fps), 640x480.

* ``face.mjpeg``: scikit-image's astronaut photograph (Eileen Collins, a public-domain NASA
  portrait shipped inside the scikit-image package), far from the camera, then zooming in until
  the face fills the emulator's liveness oval, then holding still.
* ``no-face.mjpeg``: an empty, softly lit wall, its light slowly moving: a scene with no face. (A
  busy photograph will not do: the substitute face model finds "faces" in a coffee cup.)

Runs with .tools/media-venv (web/e2e/requirements-media.txt), made by make setup.
"""

from __future__ import annotations

import io
import json
import pathlib
import sys

from PIL import Image
from skimage import data

WIDTH, HEIGHT, FPS = 640, 480, 30
BACKGROUND = (118, 122, 128)
# Where the astronaut's face is in the 512x512 photograph: the point between the eyes and the nose
# (the component centres its face box there) and the face's width (OpenCV's frontal-face box).
FACE_CENTRE = (224.5, 108.0)
FACE_WIDTH = 95.0
FAR_SECONDS, ZOOM_SECONDS, HOLD_SECONDS = 2.0, 3.0, 10.0
FAR_FACE, NEAR_FACE = 60.0, 400.0  # face width in pixels in the 640x480 frame


def _frame(photo: Image.Image, centre: tuple[float, float], scale: float) -> bytes:
    cx, cy = centre
    # Output pixel (x, y) samples the photograph at ((x - W/2) / scale + cx, (y - H/2) / scale + cy).
    inverse = (1 / scale, 0, cx - WIDTH / 2 / scale, 0, 1 / scale, cy - HEIGHT / 2 / scale)
    image = photo.transform((WIDTH, HEIGHT), Image.Transform.AFFINE, inverse, Image.Resampling.BILINEAR, fillcolor=BACKGROUND)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


def _ease(t: float) -> float:
    return t * t * (3 - 2 * t)


def face_video() -> bytes:
    photo = Image.fromarray(data.astronaut())
    far, near = FAR_FACE / FACE_WIDTH, NEAR_FACE / FACE_WIDTH
    frames = []
    total = int((FAR_SECONDS + ZOOM_SECONDS + HOLD_SECONDS) * FPS)
    for n in range(total):
        t = n / FPS
        progress = min(1.0, max(0.0, (t - FAR_SECONDS) / ZOOM_SECONDS))
        scale = far * (near / far) ** _ease(progress)  # geometric: an even approach
        frames.append(_frame(photo, FACE_CENTRE, scale))
    return b"".join(frames)


def no_face_video() -> bytes:
    frames = []
    total = int(6 * FPS)
    for n in range(total):
        light = Image.radial_gradient("L").resize((WIDTH * 2, HEIGHT * 2))
        x = int(WIDTH / 2 * n / total)
        shade = light.crop((x, HEIGHT // 2, x + WIDTH, HEIGHT // 2 + HEIGHT))
        wall = Image.merge("RGB", [shade.point(lambda v, k=k: 200 - v // (3 + k)) for k in range(3)])
        out = io.BytesIO()
        wall.save(out, format="JPEG", quality=85)
        frames.append(out.getvalue())
    return b"".join(frames)


def main() -> None:
    out = pathlib.Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    (out / "face.mjpeg").write_bytes(face_video())
    (out / "no-face.mjpeg").write_bytes(no_face_video())
    print(json.dumps({p.name: p.stat().st_size for p in sorted(out.glob("*.mjpeg"))}))


if __name__ == "__main__":
    main()
