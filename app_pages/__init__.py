"""Streamlit pages (UI only); logic lives in kb.service."""
