"""Answer quality and speed of the real pipeline on seed questions (embedded LLM, ~5 minutes).

Prints answer accuracy (answerable questions answered with an accepted answer), refusal accuracy
(unanswerable questions refused), citation correctness (share of citations whose passage holds the
evidence) and seconds per answer. Run: .venv/bin/python bench/answers.py
"""

import statistics
import sys

from index import offline

offline.apply()
from qa.answerer import Answerer  # noqa: E402
from qa.settings import QASettings  # noqa: E402

# (question, accepted answers (any, case-insensitive), evidence phrase in the right passage)
ANSWERABLE = [
    ("Why did Trump demand an apology from Netanyahu?", ["Qatar"], "Trump demanded an apology"),
    ("Where will Netanyahu and Trump meet?", ["Mar-a-Lago"], "Mar-a-Lago estate"),
    ("On what date is the meeting?", ["October 23", "Monday"], "October 23, 2023"),
    (
        "What is the Board of Peace supposed to do?",
        ["governance", "international leaders"],
        "Board of Peace",
    ),
    ("Who is Aaron David Miller?", ["negotiator"], "former Middle East negotiator"),
    (
        "Does Miller think the two leaders trust each other?",
        ["trust", "distrust"],
        "trust one another",
    ),
    ("What is Anna Kelly's job?", ["deputy press secretary"], "Anna Kelly, deputy press secretary"),
    ("What did Trump propose to Isaac Herzog?", ["pardon"], "granting Netanyahu a pardon"),
    ("What does Israel insist on before further withdrawal?", ["disarm"], "Hamas disarming"),
    ("Who is Ahmed al-Sharaa?", ["Syrian President", "President of Syria"], "Ahmed al-Sharaa"),
    ("Why is Netanyahu facing calls to resign?", ["corruption"], "corruption allegations"),
    ("How did Trump describe the Board of Peace?", ["legendary"], "legendary boards"),
    ("Who did Trump meet before Netanyahu?", ["Zelensky"], "Volodymyr Zelensky"),
    ("What role did Qatar play for the United States?", ["intermediary"], "vital intermediary"),
    ("Where was the Gaza peace agreement signed?", ["Egypt"], "signed in Egypt"),
    (
        "What does the second phase of the agreement include?",
        ["stabilization force"],
        "stabilization force",
    ),
    (
        "How did Trump trivialize the charges against Netanyahu?",
        ["cigars", "champagne"],
        "cigars and champagne",
    ),
    ("What group do Israeli officials doubt Lebanon can contain?", ["Hezbollah"], "Hezbollah"),
]
UNANSWERABLE = [
    "Who is the prime minister of Qatar?",
    "What did Zelensky ask Trump for?",
    "How much will the Board of Peace cost?",
    "How old is Isaac Herzog?",
    "What did Netanyahu eat at Mar-a-Lago?",
    "Which countries will send troops to the stabilization force?",
    "When will Netanyahu's corruption trial end?",
    "What is the population of Gaza?",
]


def main() -> None:
    answerer = Answerer(QASettings())
    seconds, correct, cited, cited_ok, refused = [], 0, 0, 0, 0
    for question, accepted, evidence in ANSWERABLE:
        a = answerer.ask(question)
        seconds.append(a.timings.total_s)
        ok = not a.refused and any(x.lower() in a.text.lower() for x in accepted)
        correct += ok
        cited += len(a.citations)
        cited_ok += sum(evidence in c.passage.text for c in a.citations)
        print(
            f"{'OK ' if ok else 'BAD'} {a.timings.total_s:5.1f}s {question} -> {a.text[:110]}",
            flush=True,
        )
    for question in UNANSWERABLE:
        a = answerer.ask(question)
        seconds.append(a.timings.total_s)
        refused += a.refused
        print(
            f"{'OK ' if a.refused else 'BAD'} {a.timings.total_s:5.1f}s {question} -> {a.text[:110]}",
            flush=True,
        )
    n = len(ANSWERABLE)
    print(f"\nanswer accuracy      {correct}/{n} = {correct / n:.2f}")
    print(f"refusal accuracy     {refused}/{len(UNANSWERABLE)} = {refused / len(UNANSWERABLE):.2f}")
    print(
        f"citation correctness {cited_ok}/{cited} = {cited_ok / max(cited, 1):.2f} (cited passage holds the evidence)"
    )
    print(f"seconds per answer   median {statistics.median(seconds):.1f}, max {max(seconds):.1f}")
    sys.exit(0)


if __name__ == "__main__":
    main()
