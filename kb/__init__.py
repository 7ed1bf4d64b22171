"""scenario-kb: knowledge base and review assistant for 智能制造 scenario and demo-factory submissions."""

__version__ = "0.1.0"
