"""The back office's landing page and shared access rules."""
