"""Reading a question: the answer kind it wants and the outlets it names (no model needed)."""

import pytest

from qa.question import answer_kind, named_sources, plan_question

INDEXED = [
    "TechCrunch",
    "The Verge",
    "Fortune",
    "The Independent - Life and Style",
    "The Independent - Sports",
    "The Roar | Sports Writers Blog",
    "Live Science: The Most Interesting Articles",
    "The New York Times",
]


@pytest.mark.parametrize(
    "question, kind",
    [
        ("Does the TechCrunch article suggest that FTX grew too fast?", "yes_no"),
        ("Did Trump demand an apology?", "yes_no"),
        (
            "Between the report from Fortune on May 2 and the one on May 9, was there a change?",
            "yes_no",
        ),
        ("After the Verge report, has TechCrunch reported the same?", "yes_no"),
        ("Who is Anna Kelly?", "entity"),
        ("Which company did The Verge say lost the case?", "entity"),
        ("Why did Trump demand an apology from Netanyahu?", "open"),
        ("How will the peace board work?", "open"),
        # What was said, or a task, is not a name or a verdict.
        ("What did Reuters and Axios say about the layoffs?", "open"),
        ("Can you summarize the Reuters report on the layoffs?", "open"),
        ("Can Apple appeal the ruling?", "yes_no"),
    ],
)
def test_answer_kind(question, kind):
    assert answer_kind(question) == kind


def test_named_sources_match_short_forms_and_keep_the_specific_one():
    q = "Does 'The Independent - Life and Style' agree with The Roar and TechCrunch?"
    assert named_sources(q, INDEXED) == (
        "The Independent - Life and Style",
        "The Roar | Sports Writers Blog",
        "TechCrunch",
    )
    assert named_sources("Did The Independent report it?", INDEXED) == (
        "The Independent - Life and Style",
        "The Independent - Sports",
    )
    # An outlet is named by its name as written, not by a word it shares with the sentence.
    assert named_sources("Is Fortune 500 news on the verge of change?", INDEXED) == ()
    assert named_sources("How much time did The Verge spend on it?", [*INDEXED, "Time"]) == (
        "The Verge",
    )
    assert named_sources("Did Time name Taylor Swift person of the year?", ["Time"]) == ("Time",)


def test_outlets_the_index_lacks_are_reported():
    plan = plan_question(
        "Considering the analysis in a Bloomberg article and the report by The Wall Street "
        "Journal, which bank replaces Goldman Sachs?",
        INDEXED,
    )
    assert plan.unknown_sources == ("Bloomberg", "The Wall Street Journal")
    assert plan.kind == "entity"


@pytest.mark.parametrize(
    "question",
    [
        "Does the 'Live Science: The Most Interesting Articles' report on the moon agree with "
        "the TechCrunch article?",
        "Which company, according to Eddy Cue, had no alternative, as reported by The Verge?",
        "Did the Fortune report on Donald Trump's valuations disagree with the TechCrunch report?",
        "Who did the New York Times article on Sam Altman's firing name as interim CEO?",
    ],
)
def test_people_topics_and_indexed_outlets_are_not_unknown_outlets(question):
    assert plan_question(question, INDEXED).unknown_sources == ()


def test_compound_question_splits_into_facets_that_say_something():
    q = (
        "After the TechCrunch report on October 7, 2023, concerning Dave Clark's comments on "
        "Flexport, and the subsequent TechCrunch article on October 30, 2023, regarding Ryan "
        "Petersen's layoffs at Flexport, was there a change in the events reported?"
    )
    plan = plan_question(q, INDEXED)
    assert plan.facets == (
        "concerning Dave Clark's comments on Flexport",
        "regarding Ryan Petersen's layoffs at Flexport",
    )  # "After the TechCrunch report on October 7" names only who and when; "was there a
    # change in the events reported" too little to retrieve by
    assert plan.dates == ("2023-10-07", "2023-10-30")
    assert plan_question("Who is Anna Kelly?", INDEXED).facets == ()


def test_a_day_without_a_year_takes_the_year_beside_it():
    from qa.question import question_dates

    q = "Did Fortune on October 13th, 2023 agree with The Verge on October 20th and 2023-11-02?"
    assert question_dates(q) == ("2023-10-13", "2023-10-20", "2023-11-02")
    assert question_dates("Did The Verge report it on October 20?") == ()


@pytest.mark.parametrize(
    "question, kind",
    [
        (
            "Considering the articles by The Verge and Wired on Mike Schoofs, which company, "
            "known for its technology in one article, did Schoofs join?",
            "entity",
        ),
        (
            "After the report by The Age on October 22, 2023, which maintained that Google "
            "manipulates Search, and the report by TechCrunch on November 13, 2023, was there "
            "consistency in the portrayal?",
            "yes_no",
        ),
        (
            'Between the Polygon article on "Hellraiser (film)," and the FOX News article, is '
            "there consistency in reporting?",
            "yes_no",
        ),
    ],
)
def test_the_question_starts_after_its_opening_clause(question, kind):
    assert answer_kind(question) == kind
