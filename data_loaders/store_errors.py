"""What can go wrong with the database file, each with its own Chinese message.

DuckDB reports file problems as English text inside a few exception types; :func:`classify`
reads that text once, here, so that a read-only file is never called "locked" and a full disk
never looks like bad data. Every error names the file, because an operator fixes files.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

_PID = re.compile(r"PID (\d+)")
_HOLDER = re.compile(r"lock is held in (.+?) \(PID")


class StoreError(RuntimeError):
    """A store problem worth a clear message; ``str(exc)`` is the Chinese text to show."""

    def __init__(self, message: str, path: Path | str | None = None) -> None:
        super().__init__(message)
        self.path = Path(path) if path is not None else None


class StoreMissingError(StoreError):
    """The database file is not at its path (never created, moved away or deleted)."""

    def __init__(self, path: Path | str, moved: bool = False) -> None:
        detail = ("它在看板运行期间被移走或删除了。请把文件放回原处后刷新页面；看板不会新建数据库。"
                  if moved else "正式库请用 paicha db init 创建，演示库请用 paicha demo 生成；看板不会自动新建数据库。")
        super().__init__(f"数据库文件不存在：{path}。{detail}", path)


class StoreReplacedError(StoreError):
    """Another file now sits at the path of the one this process opened."""

    def __init__(self, path: Path | str) -> None:
        super().__init__(
            f"数据库文件 {path} 已被替换：现在这个路径上的文件不是看板打开时的那个文件。"
            "为避免显示或写入错误的数据，本次没有读取任何数据。请刷新页面以打开新文件。", path)


class StoreLockedError(StoreError):
    """Another process holds the file; DuckDB lets one process open a database for writing."""

    def __init__(self, path: Path | str, pid: int | None, program: str = "") -> None:
        holder = f"进程 PID {pid}" + (f"（{Path(program).name}）" if program else "") if pid else "另一个进程"
        super().__init__(
            f"数据库文件 {path} 正被{holder}打开，例如正在运行的看板。DuckDB 只允许一个进程打开同一个"
            "数据库文件写入：请先停止该进程再使用命令行，或在看板的「数据导入」页使用「备份数据库」。", path)
        self.pid = pid


class StoreReadOnlyError(StoreError):
    """The file or its folder cannot be written: reading may work, writing cannot."""

    def __init__(self, path: Path | str, action: str = "") -> None:
        what = f"无法{action}：" if action else ""
        super().__init__(
            f"{what}数据库文件 {path} 是只读的（文件或所在文件夹没有写入权限，或磁盘以只读方式挂载）。"
            "可以查看数据，但导入、抽样、审计记录等写入都无法进行，本次没有写入任何内容。"
            "请管理员恢复文件和文件夹的写权限。", path)


class StoreDiskFullError(StoreError):
    """The disk holding the database is full; the transaction was rolled back."""

    def __init__(self, path: Path | str) -> None:
        super().__init__(
            f"磁盘空间已满，无法写入数据库文件 {path}。本次写入已全部撤销，库中数据未改变。"
            "请清理磁盘空间后重试。", path)


class StoreNotPaichaError(StoreError):
    """The file is not a paicha database, or not one whose kind (demo or real) is known."""


def not_a_database(path: Path | str, reason: str = "") -> StoreNotPaichaError:
    extra = f"（{reason}）" if reason else ""
    return StoreNotPaichaError(f"文件 {path} 不是排查看板数据库{extra}，拒绝打开。", path)


def unmarked(path: Path | str) -> StoreNotPaichaError:
    return StoreNotPaichaError(
        f"数据库文件 {path} 没有“演示库/正式库”标记（meta 表的 is_demo），无法确认其中是演示数据"
        "还是真实数据，拒绝打开。请用 paicha db init 新建正式库后重新导入数据，或用 paicha demo 生成演示库。",
        path)


def classify(exc: BaseException, path: Path | str) -> StoreError:
    """The store error a DuckDB (or OS) exception stands for; a generic one if none fits."""
    if isinstance(exc, StoreError):
        return exc
    text = str(exc)
    if "Conflicting lock" in text or "Could not set lock" in text:
        pid = _PID.search(text)
        holder = _HOLDER.search(text)
        return StoreLockedError(path, int(pid.group(1)) if pid else None,
                                holder.group(1) if holder else "")
    if "No space left on device" in text or "Disk full" in text or isinstance(exc, OSError) and exc.errno == 28:
        return StoreDiskFullError(path)
    if ("Permission denied" in text or "Read-only file system" in text or "read-only mode" in text
            or isinstance(exc, PermissionError)):
        return StoreReadOnlyError(path)
    if "No such file or directory" in text or isinstance(exc, FileNotFoundError):
        return StoreMissingError(path)
    if isinstance(exc, duckdb.SerializationException) or "not a valid DuckDB database" in text:
        return not_a_database(path, "文件已损坏或不是 DuckDB 格式")
    return StoreError(f"数据库文件 {path} 操作失败：{text}", path)


def is_file_problem(exc: BaseException) -> bool:
    """True for DuckDB errors about the file itself (I/O, permissions), not about the data."""
    text = str(exc)
    return isinstance(exc, duckdb.IOException | duckdb.PermissionException | OSError) or any(
        marker in text for marker in ("No space left on device", "Permission denied", "read-only mode",
                                      "Read-only file system", "Could not write file", "Conflicting lock"))
