"""Text in, results out: segmentation, sections, checks, classification and similarity.

This package never imports ``kb``, streamlit, click or sqlite3 (enforced by a test).
"""

import warnings as _warnings

# jieba imports pkg_resources, which newer setuptools flags as deprecated on every import.
_warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
