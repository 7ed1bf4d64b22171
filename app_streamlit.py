"""Streamlit entry point: page config and the router — nothing else."""

import streamlit as st

from app_pages.resources import build_navigation

st.set_page_config(page_title="智能制造场景知识库与辅助评审", page_icon="🏭", layout="wide")
build_navigation().run()
