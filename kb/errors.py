"""Domain exceptions. Each carries a message that tells the user what to do next.

The CLI and the UI translate them at the edge (``click.ClickException`` / ``st.error``).
"""

from __future__ import annotations


class KBError(Exception):
    """Base class of all expected scenario-kb errors."""

    code = "KB000"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or (self.__doc__ or "").strip())

    def __str__(self) -> str:
        return f"[{self.code}] {self.args[0]}"


class ConfigError(KBError):
    """配置无效：请检查配置文件或环境变量。"""

    code = "KB001"


class StorageError(KBError):
    """数据库不可用：请检查 --db 路径或 SCENARIO_KB_DB，并运行 `scenario-kb init`。"""

    code = "KB002"


class SchemaVersionError(StorageError):
    """数据库结构版本比本程序新：请升级 scenario-kb。"""

    code = "KB003"


class NotFoundError(KBError):
    """找不到该记录：请用 `scenario-kb list` 查看已有的编号。"""

    code = "KB004"


class IngestError(KBError):
    """文件无法导入。"""

    code = "KB010"

    def __init__(self, path: str, reason: str, fix: str = "") -> None:
        self.path = path
        self.reason = reason
        self.fix = fix
        msg = f"{path}: {reason}"
        if fix:
            msg += f"（处理办法：{fix}）"
        super().__init__(msg)


class UnsupportedFormatError(IngestError):
    """不支持的文件格式。"""

    code = "KB011"


class EmptyDocumentError(IngestError):
    """文件没有可用正文。"""

    code = "KB012"


class ScannedPdfError(IngestError):
    """PDF 没有文字层（扫描件）。"""

    code = "KB013"


class MetadataError(IngestError):
    """元数据无效。"""

    code = "KB014"


class LimitExceededError(IngestError):
    """文件超出限制。"""

    code = "KB015"


class ReferenceNotFoundError(KBError):
    """找不到该参考版本：请用 `scenario-kb reference list` 查看可用版本。"""

    code = "KB020"


class AuthError(KBError):
    """用户名或密码错误。"""

    code = "KB030"


class PermissionDeniedError(KBError):
    """当前账号无权执行此操作。"""

    code = "KB031"


class RequestError(KBError):
    """请求格式无效：请对照 /docs 中的接口说明。"""

    code = "KB005"


class RequestTooLargeError(KBError):
    """请求体超过上限：请删减后再提交。"""

    code = "KB016"


class RateLimitError(KBError):
    """请求过于频繁：请稍后再试。"""

    code = "KB032"
