"""The gold question format (JSONL) and its validating loader.

One JSON object per line:
  id          unique string
  type        factual | why_how | paraphrase | unanswerable | multi_turn | any other label
  question    the question (or `turns`: a list of user questions, the last one is scored;
              the earlier ones are asked first so the conversation is real)
  answers     accepted short answers / aliases (empty when unanswerable)
  evidence    exact quotes from the articles that support the answer (empty when unanswerable)
  answerable  false when the articles do not contain the answer
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from index.errors import BadInputError


class GoldError(BadInputError):
    pass


@dataclass(frozen=True)
class GoldItem:
    id: str
    type: str
    turns: tuple[str, ...]
    answers: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    answerable: bool = True
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def question(self) -> str:
        return self.turns[-1]

    def to_json(self) -> dict:
        row = {"id": self.id, "type": self.type}
        row |= {"question": self.turns[0]} if len(self.turns) == 1 else {"turns": list(self.turns)}
        row |= {"answers": list(self.answers), "evidence": list(self.evidence)}
        return row | {"answerable": self.answerable} | self.extra


def parse_item(data: object) -> GoldItem:
    if not isinstance(data, dict):
        raise GoldError("a gold item must be a JSON object")
    for key in ("id", "answerable"):
        if key not in data:
            raise GoldError(f"missing field '{key}'")
    if not isinstance(data["id"], str) or not data["id"]:
        raise GoldError("field 'id' must be a non-empty string")
    if "turns" in data:
        turns = data["turns"]
        if (
            not isinstance(turns, list)
            or not turns
            or not all(isinstance(t, str) and t.strip() for t in turns)
        ):
            raise GoldError("field 'turns' must be a non-empty list of questions")
    elif isinstance(data.get("question"), str) and data["question"].strip():
        turns = [data["question"]]
    else:
        raise GoldError("needs a non-empty 'question' (or 'turns')")
    if not isinstance(data["answerable"], bool):
        raise GoldError("field 'answerable' must be true or false")
    lists = {}
    for key in ("answers", "evidence"):
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise GoldError(f"field '{key}' must be a list of non-empty strings")
        lists[key] = tuple(value)
    if data["answerable"] and not lists["answers"]:
        raise GoldError("an answerable item needs at least one entry in 'answers'")
    known = {"id", "type", "question", "turns", "answers", "evidence", "answerable"}
    return GoldItem(
        id=data["id"],
        type=str(data.get("type") or ("unanswerable" if not data["answerable"] else "factual")),
        turns=tuple(turns),
        answers=lists["answers"],
        evidence=lists["evidence"],
        answerable=data["answerable"],
        extra={k: v for k, v in data.items() if k not in known},
    )


def load_gold(path: Path) -> list[GoldItem]:
    """All items of a gold file; the first bad line raises GoldError naming file and line."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldError(f"{path}: cannot read: {exc}") from None
    items, seen = [], {}
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = parse_item(json.loads(line))
        except json.JSONDecodeError as exc:
            raise GoldError(f"{path}:{n}: malformed JSON: {exc.msg}") from None
        except RecursionError:
            raise GoldError(f"{path}:{n}: JSON nested too deeply") from None
        except GoldError as exc:
            raise GoldError(f"{path}:{n}: {exc}") from None
        if item.id in seen:
            raise GoldError(f"{path}:{n}: duplicate id {item.id!r} (first on line {seen[item.id]})")
        seen[item.id] = n
        items.append(item)
    if not items:
        raise GoldError(f"{path}: no gold items")
    return items


# MultiHop-RAG's query types (its `question_type`, the shared dev split's `category`).
MULTIHOP_RAG_TYPES = frozenset(
    {"inference_query", "comparison_query", "temporal_query", "null_query"}
)


def benchmark_profile(items: list[GoldItem]) -> str | None:
    """The settings profile written for the benchmark a gold set comes from, if it is one's."""
    types = {item.extra.get("category", item.type) for item in items}
    return "multihop-rag" if types and types <= MULTIHOP_RAG_TYPES else None


def select_ids(items: list[GoldItem], ids_file: Path) -> list[GoldItem]:
    """The items a list of ids names (one per line, `#` comments), in the gold file's order."""
    ids_file = Path(ids_file)
    try:
        lines = ids_file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldError(f"{ids_file}: cannot read: {exc}") from None
    wanted = {line.strip() for line in lines if line.strip() and not line.startswith("#")}
    unknown = wanted - {item.id for item in items}
    if unknown:
        raise GoldError(f"{ids_file}: {len(unknown)} ids not in the gold file, e.g. {min(unknown)}")
    return [item for item in items if item.id in wanted]
