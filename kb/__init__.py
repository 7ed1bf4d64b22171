"""scenario-kb: knowledge base and review assistant for 智能制造 scenario and demo-factory submissions."""

__version__ = "0.1.0"

import warnings as _warnings

# jieba imports pkg_resources, which newer setuptools flags as deprecated on every import.
_warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
