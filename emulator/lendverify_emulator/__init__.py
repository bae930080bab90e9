"""LendVerify development emulator for the Rekognition and Textract operations moto lacks.

Deterministic by design: every answer follows from fixture metadata embedded in the
images and PDFs (see README.md), never from pixels. It is NOT a model of Rekognition's
or Textract's accuracy.
"""

__version__ = "0.1.0"
