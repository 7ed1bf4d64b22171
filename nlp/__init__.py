"""Text in, results out: segmentation, sections, checks, classification and similarity.

This package never imports ``kb``, streamlit, click or sqlite3 (enforced by a test).
"""
