"""The back office's landing page."""
