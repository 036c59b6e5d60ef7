"""Loading ``content/``: departments and categories, service guides, seed notices.

Each guide is one Markdown file with YAML front matter. Loading is all-or-nothing: every
file is validated first and, if any is bad, nothing is written and each error names its
file and field. Loading the same files twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from portal.accounts.services import ensure_departments
from portal.catalog.schema import GuideData, parse_guide
from portal.catalog.services import ensure_categories, save_guide
from portal.core.errors import FieldError
from portal.notices.services import NoticeSeed, parse_notice_seed, seed_notice


@dataclass
class ContentError(Exception):
    """One or more content files are invalid; nothing was loaded."""

    problems: list[str]

    def __str__(self) -> str:
        return "\n".join(self.problems)


@dataclass
class LoadReport:
    """What a load changed."""

    guides_changed: list[str] = field(default_factory=list)
    guides_total: int = 0
    notices_changed: list[str] = field(default_factory=list)
    site_changes: int = 0


def split_front_matter(text: str) -> tuple[dict, str]:
    """Split ``---``-delimited YAML front matter from the Markdown body."""
    if not text.startswith("---"):
        raise FieldError("front matter", "文件应以 --- 开头的 YAML 头部开始")
    parts = text.split("\n---", 1)
    if len(parts) != 2:
        raise FieldError("front matter", "YAML 头部缺少结束的 ---")
    try:
        meta = yaml.safe_load(parts[0][3:])
    except yaml.YAMLError as exc:
        raise FieldError("front matter", f"YAML 格式错误：{exc}") from None
    if not isinstance(meta, dict):
        raise FieldError("front matter", "YAML 头部应为键值对")
    body = parts[1].split("\n", 1)[1] if "\n" in parts[1] else ""
    return meta, body


def _parse_file(path: Path, parser):
    meta, body = split_front_matter(path.read_text(encoding="utf-8"))
    item = parser(meta, body)
    if item.slug != path.stem:
        raise FieldError("slug", f"应与文件名一致（{path.stem}）")
    return item


def read_content(content_dir: Path) -> tuple[dict, list[GuideData], list[NoticeSeed]]:
    """Parse and validate every content file; raise :class:`ContentError` listing all faults."""
    problems: list[str] = []
    site: dict = {}
    site_file = content_dir / "site.yaml"
    try:
        site = yaml.safe_load(site_file.read_text(encoding="utf-8")) or {}
        for key in ("departments", "categories"):
            if not isinstance(site.get(key), list):
                problems.append(f"{site_file.name}: {key}: 应为列表")
    except (OSError, yaml.YAMLError) as exc:
        problems.append(f"{site_file.name}: {exc}")
    guides: list[GuideData] = []
    notices: list[NoticeSeed] = []
    for folder, parser, bucket in (
        ("guides", parse_guide, guides),
        ("notices", parse_notice_seed, notices),
    ):
        for path in sorted((content_dir / folder).glob("*.md")):
            try:
                bucket.append(_parse_file(path, parser))
            except FieldError as exc:
                problems.append(f"{folder}/{path.name}: {exc.field}: {exc.message}")
            except (OSError, UnicodeDecodeError) as exc:
                problems.append(f"{folder}/{path.name}: {exc}")
    if problems:
        raise ContentError(problems)
    return site, guides, notices


def load_content(content_dir: Path) -> LoadReport:
    """Validate and load everything under ``content_dir`` into the current transaction.

    The caller commits; on :class:`ContentError` (or a failure while saving, reported the
    same way) the caller must roll back so nothing is half-loaded.
    """
    site, guides, notices = read_content(content_dir)
    report = LoadReport(guides_total=len(guides))
    report.site_changes = ensure_departments(site["departments"])
    report.site_changes += ensure_categories(site["categories"])
    problems = []
    for guide in guides:
        try:
            _, changed = save_guide(guide, source="content", author_id=None)
        except FieldError as exc:
            problems.append(f"guides/{guide.slug}.md: {exc.field}: {exc.message}")
            continue
        if changed:
            report.guides_changed.append(guide.slug)
    for notice in notices:
        try:
            if seed_notice(notice):
                report.notices_changed.append(notice.slug)
        except FieldError as exc:
            problems.append(f"notices/{notice.slug}.md: {exc.field}: {exc.message}")
    if problems:
        raise ContentError(problems)
    return report
