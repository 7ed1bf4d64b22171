"""Chinese for the strings Streamlit's own frontend renders (the file uploader, the status widget, table and chart
toolbars, input hints, the sidebar), which no page can pass a label for.

:func:`install` adds, once per page load, a small script that translates those strings in the browser as they
appear (text, tooltips, ``aria-label``, ``placeholder``), by exact phrase or by pattern. The main menu ("Deploy",
"Rerun", "Settings", "Print") is not shown at all: ``client.toolbarMode = "minimal"`` (``.streamlit/config.toml``
and :mod:`app_pages.server`). The browser tests scan every page they visit for English words left over
(tests/test_browser_journeys.py), so a Streamlit upgrade that changes these strings fails there.
"""

from __future__ import annotations

import json

import streamlit as st

# Exact phrases (after trimming), as Streamlit 1.67 writes them.
PHRASES = {
    # file uploader
    "Upload": "选择文件", "Upload directories": "选择文件夹", "Add files": "添加文件",
    "Drag and drop a file here": "将文件拖到此处", "Drag and drop files here": "将文件拖到此处",
    "Drag and drop directories here": "将文件夹拖到此处", "file upload": "上传文件", "Delete": "删除",
    "Remove file": "移除文件",
    # status widget, connection, errors
    "Running...": "正在运行…", "Stop": "停止", "Stopping...": "正在停止…", "Rerun": "重新运行",
    "Always rerun": "总是重新运行", "File change.": "文件已更改。", "Connecting": "正在连接",
    "Connection error": "连接错误", "Please wait...": "请稍候…", "Loading...": "正在加载…",
    "Script execution error": "页面运行出错", "Try again": "重试", "Page not found": "页面不存在",
    # sidebar and page chrome
    "Skip to main content": "跳到正文", "Collapse sidebar": "收起侧栏", "Expand sidebar": "展开侧栏",
    "App pages": "页面", "Sidebar": "侧栏", "View more": "显示更多", "View less": "收起",
    "Link to heading": "标题链接", "Main menu": "主菜单", "Notifications": "通知", "Close": "关闭",
    "Scroll tabs left": "向左滚动标签", "Scroll tabs right": "向右滚动标签", "Copy to clipboard": "复制",
    # inputs
    "Choose an option": "请选择", "Select...": "请选择…", "No results": "无匹配项", "No options": "无选项",
    "Clear all": "全部清除", "Clear value": "清除", "Clear entry": "清除", "Selected values": "已选值",
    "Open": "展开", "Increment": "增加", "Decrement": "减少", "Show password": "显示密码",
    "Hide password": "隐藏密码", "Select all": "全选",
    # tables
    "Download as CSV": "下载为 CSV", "Search": "搜索", "Fullscreen": "全屏", "Close fullscreen": "退出全屏",
    "Show/hide columns": "显示/隐藏列", "Close Search": "关闭搜索", "Next Result": "下一个结果",
    "Previous Result": "上一个结果", "Dataframe column menu": "列菜单", "Sort ascending": "升序排列",
    "Sort descending": "降序排列", "Format": "格式", "Autosize": "自动列宽", "Pin column": "固定列",
    "Unpin column": "取消固定", "Hide column": "隐藏列", "Copy column name": "复制列名", "Add row": "添加行",
    "Clear selection": "清除选择", "No data": "无数据", "No content": "无内容", "Edit": "编辑",
    "Failed to export data as CSV": "导出 CSV 失败", "progress": "进度",
    # charts
    "Show data": "显示数据", "Download as PNG": "下载为 PNG", "Download as SVG": "下载为 SVG",
    "Copy Vega-Lite spec": "复制图表定义", "Vega visualization": "图表", "Hide data": "隐藏数据",
}  # fmt: skip

# Phrases with a variable part: (JavaScript regular expression, replacement).
PATTERNS = [
    (r"^(\d+(?:\.\d+)?)\s*([KMG]?B) per file$", "每个文件不超过 $1 $2"),
    (r"^Press Enter to apply$", "按回车键确认"),
    (r"^Press Enter to submit form$", "按回车键提交"),
    (r"^Press (⌘|Ctrl)\+Enter to apply$", "按 $1+回车键确认"),
    (r"^Press (⌘|Ctrl)\+Enter to submit form$", "按 $1+回车键提交"),
    (r"^Help for (.+)$", "“$1”的说明"),
    (r"^[a-z0-9_]+ icon$", "图标"),  # a Material icon in markdown text
    # announcements of the select boxes for screen readers
    (r"^(\d+) options? available\.?$", "共 $1 个选项"),
    (r"^(\d+) results? available\.?$", "共 $1 个结果"),
    (r"^(.+), selected\.?$", "已选择：$1"),
    (r"^Limit (\d+(?:\.\d+)?)\s*([KMG]?B) per file", "每个文件不超过 $1 $2"),
]

SCRIPT = """
(() => {
  if (window.__kbZh) return;
  window.__kbZh = true;
  const PHRASES = %(phrases)s;
  const PATTERNS = %(patterns)s.map(([re, to]) => [new RegExp(re), to]);
  const ATTRS = ['aria-label', 'title', 'placeholder'];
  function tr(s) {
    const t = (s || '').trim();
    if (!t || !/[A-Za-z]/.test(t)) return null;
    if (Object.prototype.hasOwnProperty.call(PHRASES, t)) return s.replace(t, PHRASES[t]);
    for (const [re, to] of PATTERNS) if (re.test(t)) return s.replace(t, t.replace(re, to));
    return null;
  }
  function fixText(n) {
    const p = n.parentElement;
    if (!p || p.closest('svg, textarea, [data-testid="stIconMaterial"], [translate="no"], .kb-text, .kb-pair')) return;
    const v = tr(n.nodeValue);
    if (v !== null && v !== n.nodeValue) n.nodeValue = v;
  }
  function fixAttrs(e) {
    if (e.closest && e.closest('svg')) return;
    for (const a of ATTRS) {
      const v = e.getAttribute && e.getAttribute(a);
      if (v) { const w = tr(v); if (w !== null && w !== v) e.setAttribute(a, w); }
    }
  }
  function walk(root) {
    if (root.nodeType === 3) { fixText(root); return; }
    if (root.nodeType !== 1) return;
    fixAttrs(root);
    root.querySelectorAll('*').forEach(fixAttrs);
    const it = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = it.nextNode(); n; n = it.nextNode()) fixText(n);
  }
  walk(document.body);
  new MutationObserver(ms => {
    for (const m of ms) {
      if (m.type === 'characterData') fixText(m.target);
      else if (m.type === 'attributes') fixAttrs(m.target);
      else m.addedNodes.forEach(walk);
    }
  }).observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true,
                              attributeFilter: ATTRS});
})();
"""


def script() -> str:
    """The translating script (a constant: no user text in it)."""
    return SCRIPT % {
        "phrases": json.dumps(PHRASES, ensure_ascii=False),
        "patterns": json.dumps(PATTERNS, ensure_ascii=False),
    }


def install() -> None:
    """Translate Streamlit's own strings in this browser tab (a no-op after the first run of the tab)."""
    st.sidebar.html(f"<script>{script()}</script>", unsafe_allow_javascript=True)
