"""A seeded synthetic corpus for the search benchmark, recombined from the real ``content/`` text.

Sentences come from every guide and notice in ``content/`` (conditions, materials, steps, FAQ,
notes, bodies); titles are rebuilt from phrases of the real titles with varied places, units and
suffixes; numbers, cities and police stations are varied. Each document leans on one "topic"
source file (most of its sentences come from it) so that queries find topical documents, not
only random word collisions. The same ``seed`` always gives the same documents.
"""

from __future__ import annotations

import random
import re
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path

import yaml

from portal.searchable import flatten

ROOT = Path(__file__).resolve().parents[2]
CITIES = ("东城", "西岭", "南湖", "北川", "临江", "青山", "白沙", "金水", "长河", "云台", "石桥", "松原",
          "柳林", "枫港", "梅岭", "新安", "安平", "永宁", "清河", "望海")
UNITS = ("公安局", "公安分局", "交通警察支队", "出入境管理支队", "治安管理支队", "刑事侦查支队",
         "户政管理科", "人口管理大队", "网安支队", "指挥中心")
STATIONS = ("人民路", "解放路", "滨江", "高新区", "火车站", "开发区", "城南", "城北", "中山路", "文化路")
VERBS = ("关于", "开展", "做好", "加强", "推进", "深化", "规范", "优化")
SUFFIXES = ("的通知", "的公告", "工作情况", "温馨提示", "办事指南", "常见问题解答", "专项行动", "便民措施",
            "调整说明", "政策解读", "")
TYPES = (("notice", 0.65), ("guide", 0.2), ("complaint", 0.15))
_CJK = re.compile(r"[\u4e00-\u9fff]")
NOTICE_KINDS = ("通知公告", "警务动态", "便民提示", "政策解读")
COMPLAINT_KINDS = ("conduct", "service", "delay", "attitude")


@dataclass(frozen=True)
class BenchDocument:
    """One generated document (plain text, ready for any of the three indexes)."""

    key: str
    doc_type: str
    title: str
    body: str
    category: str
    date: str  # ISO date-time


def _sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[。；！？])|\n", text)
    cleaned = (re.sub(r"^[\s\-*>#\d.、]+", "", part).strip() for part in parts)
    kept = [s for s in cleaned if len(s) >= 8 and _CJK.search(s) and not s.startswith(("|", "<"))]
    return [s if s[-1] in "。；！？" else s + "。" for s in kept]


@dataclass
class Source:
    """The text of one content file: its title pieces and sentences."""

    title: str
    category: str
    sentences: list[str]


def load_sources(content: Path = ROOT / "content") -> list[Source]:
    """Every guide and notice of ``content`` as title, category and sentences."""
    sources = []
    for path in sorted([*content.glob("guides/*.md"), *content.glob("notices/*.md")]):
        _, front, body = path.read_text(encoding="utf-8").split("---", 2)
        meta = yaml.safe_load(front)
        texts = [body, *flatten({k: v for k, v in meta.items() if k not in ("slug", "title")})]
        sentences = [s for text in texts for s in _sentences(text)]
        sources.append(Source(meta["title"], meta.get("category") or meta.get("kind", ""), sentences))
    return sources


def _title_phrases(sources: list[Source]) -> list[str]:
    phrases = set()
    for source in sources:
        for piece in re.split(r"[（）()、，·：:\s]+", source.title):
            piece = re.sub(r"^示例市公安局", "", piece)
            if 2 <= len(piece) <= 16:
                phrases.add(piece)
    return sorted(phrases)


def _vary(sentence: str, rng: random.Random) -> str:
    city = rng.choice(CITIES)
    sentence = sentence.replace("示例市", city + "市").replace("本局", city + rng.choice(UNITS[:2]))
    sentence = sentence.replace("各公安派出所", rng.choice(STATIONS) + "派出所")
    return re.sub(r"\d+", lambda m: str(rng.randint(1, 10 ** len(m.group()) - 1))
                  if rng.random() < 0.5 else m.group(), sentence)


def generate(count: int, seed: int = 20261201) -> list[BenchDocument]:
    """``count`` documents, the same ones for the same ``seed``."""
    rng = random.Random(seed)
    sources = load_sources()
    phrases = _title_phrases(sources)
    pool = [s for source in sources for s in source.sentences]
    types, weights = zip(*TYPES, strict=True)
    start = datetime(2024, 1, 1)
    documents = []
    for number in range(count):
        topic = rng.choice(sources)
        doc_type = rng.choices(types, weights)[0]
        city = rng.choice(CITIES)
        if doc_type == "guide":
            title = f"{city}市{rng.choice(phrases)}{rng.choice(('', '（' + rng.choice(phrases) + '）'))}"
            category = topic.category
        elif doc_type == "notice":
            title = (f"{city}市{rng.choice(UNITS)}{rng.choice(VERBS)}{rng.choice(phrases)}"
                     f"{rng.choice(('', rng.choice(phrases)))}{rng.choice(SUFFIXES)}")
            category = rng.choice(NOTICE_KINDS)
        else:
            title = f"投诉处理情况：{rng.choice(phrases)} · {city}市{rng.choice(UNITS)}"
            category = rng.choice(COMPLAINT_KINDS)
        own = rng.randint(3, 8)
        other = rng.randint(1, 4)
        picked = rng.sample(topic.sentences, min(own, len(topic.sentences))) + rng.sample(pool, other)
        rng.shuffle(picked)
        body = "".join(_vary(s, rng) for s in picked)
        when = start + timedelta(minutes=rng.randint(0, 60 * 24 * 700))
        documents.append(BenchDocument(f"{doc_type}:{number}", doc_type, title, body, category,
                                       when.isoformat()))
    return documents


def as_dict(document: BenchDocument) -> dict:
    """The document as a JSON-ready dict."""
    return asdict(document)
