"""The citation verifier on crafted answers: it must not trust the small model's markers."""

from dataclasses import replace

from qa.citations import is_refusal, split_claims, verify
from qa.evidence import Evidence
from qa.textmatch import sentence_spans
from qa.types import Passage

IRAN = Passage(
    "n1",
    "d",
    "Seed",
    "Iran continues to be a focal point of concern for both leaders. Anna Kelly, deputy press "
    "secretary, reaffirmed Trump’s commitment to preventing Iran from acquiring a nuclear weapon.",
)
QATAR = Passage(
    "n2",
    "d",
    "Seed",
    "In September, Israel’s military actions against Hamas leaders in Qatar angered Trump. "
    "Following the Israeli strikes, Trump demanded an apology from Netanyahu to Qatari officials "
    "during a tense Oval Office meeting.",
)
MEETING = Passage(
    "n3",
    "d",
    "Seed",
    "Prime Minister Benjamin Netanyahu is set to meet with President Donald Trump at his "
    "Mar-a-Lago estate in Palm Beach, Florida.",
)
# Each passage as one evidence sentence, numbered as the LLM would see it.
PASSAGES = [Evidence(n, p, 0, len(p.text)) for n, p in enumerate([IRAN, QATAR, MEETING], 1)]


def test_wrong_marker_is_repointed_to_the_supporting_passage():
    v = verify(
        "Trump demanded an apology after Israel struck Hamas leaders in Qatar [1].", PASSAGES
    )
    assert not v.refused and v.repointed == 1
    [c] = v.citations
    assert c.n == 1 and c.passage is QATAR
    assert v.text == "Trump demanded an apology after Israel struck Hamas leaders in Qatar [1]."
    assert c.quote == QATAR.text[c.start : c.end]
    assert "Hamas leaders in Qatar" in c.quote


def test_right_markers_are_kept_and_renumbered_densely():
    answer = (
        "They meet at Mar-a-Lago in Palm Beach [3]. Trump demanded an apology from Netanyahu [2]."
    )
    v = verify(answer, PASSAGES)
    assert v.repointed == 0
    assert (
        v.text
        == "They meet at Mar-a-Lago in Palm Beach [1]. Trump demanded an apology from Netanyahu [2]."
    )
    assert [(c.n, c.passage.node_id) for c in v.citations] == [(1, "n3"), (2, "n2")]


def test_sentence_with_invented_name_is_dropped():
    answer = (
        "Anna Kelly reaffirmed Trump's commitment on Iran [1]. Sheikh Mohammed leads Qatar [2]."
    )
    v = verify(answer, PASSAGES)
    assert v.dropped == 1 and "Sheikh" not in v.text
    assert [c.passage.node_id for c in v.citations] == ["n1"]


def test_nothing_supported_means_refusal_without_citations():
    v = verify("The prime minister of Qatar is Sheikh Mohammed bin Abdulrahman [2].", PASSAGES)
    assert v.refused and v.citations == [] and v.text == ""


def test_duplicate_and_out_of_range_markers():
    v = verify("Trump demanded an apology from Netanyahu [2][2][9].", PASSAGES)
    assert v.text == "Trump demanded an apology from Netanyahu [1]."
    assert len(v.citations) == 1


def test_marker_after_the_full_stop_and_meta_sentence_belong_to_the_claim():
    claims = split_claims("Ahmed al-Sharaa is the Syrian President. This is stated in passage [3].")
    assert [(c.text, c.cited) for c in claims] == [
        ("Ahmed al-Sharaa is the Syrian President.", (3,))
    ]
    claims = split_claims("Trump demanded an apology. [2] They meet in Florida.")
    assert claims[0].cited == (2,)


def test_uncited_supported_sentence_gets_a_citation():
    v = verify("Netanyahu will meet Trump at Mar-a-Lago.", PASSAGES)
    assert (
        v.text == "Netanyahu will meet Trump at Mar-a-Lago [1]."
        and v.citations[0].passage is MEETING
    )


def test_refusals_are_recognised():
    for text in [
        "The articles don't say.",
        "The passages do not mention the prime minister of Qatar.",
        "There is no information about this in the articles.",
        "NOT IN ARTICLES",
    ]:
        assert is_refusal(text), text
        assert verify(text, PASSAGES).refused
    assert not is_refusal("Trump demanded an apology from Netanyahu.")


def test_empty_answer_is_a_refusal():
    assert verify("", PASSAGES).refused
    assert verify("Trump demanded an apology [1].", []).refused


def test_short_claim_with_one_invented_word_is_dropped():
    assert verify("Netanyahu ate at Mar-a-Lago [3].", PASSAGES).refused
    assert not verify("Netanyahu will meet Trump at Mar-a-Lago [3].", PASSAGES).refused


def test_quoted_sentence_end_splits_claims():
    claims = split_claims(
        'Trump called it "one of the most legendary boards ever." This is stated [2].'
    )
    assert [(c.text, c.cited) for c in claims] == [
        ('Trump called it "one of the most legendary boards ever."', (2,))
    ]


def test_abbreviations_do_not_end_sentences():
    from qa.textmatch import split_sentences

    text = "Netanyahu needs strong U.S. Support, Miller said [1]. The U.S. had relied on Qatar [2]."
    assert split_sentences(text) == [
        "Netanyahu needs strong U.S. Support, Miller said [1].",
        "The U.S. had relied on Qatar [2].",
    ]
    from qa.textmatch import sentence_spans

    # A fixture and a kick-off time are one sentence each (natural-dev nat-010, nat-012).
    text = "Virginia Tech vs. Tulane kicks off at 2 p.m. ET on Dec. 27. It ends at 5 p.m. The end."
    assert [text[a:b] for a, b in sentence_spans(text)] == [
        "Virginia Tech vs. Tulane kicks off at 2 p.m. ET on Dec. 27.",
        "It ends at 5 p.m.",
        "The end.",
    ]


def test_generation_stops_only_after_the_kept_sentences():
    from qa.citations import past_sentence_limit

    assert not past_sentence_limit("A b [1]. C d. [2] E f.")
    assert past_sentence_limit("A b. C d [1]. E f. G")
    assert not past_sentence_limit("The U.S. Army left. Then Mr. Smith spoke. It ended.")


# Two articles by two outlets, as the evidence selector numbers them.
VERGE = Passage(
    "v1",
    "dv",
    "SBF trial opens",
    "Sam Bankman-Fried's criminal trial on fraud and conspiracy charges began on Tuesday. "
    "Prosecutors say he stole billions from FTX customers.",
    source="The Verge",
)
TC = Passage(
    "t1",
    "dt",
    "FTX founder testifies",
    "Bankman-Fried told the jury he could not keep up as FTX and Alameda Research grew.",
    source="TechCrunch",
)
TWO = [
    Evidence(1, VERGE, 0, VERGE.text.index(" Prosecutors")),
    Evidence(2, VERGE, VERGE.text.index("Prosecutors"), len(VERGE.text)),
    Evidence(3, TC, 0, len(TC.text)),
]
SBF_Q = (
    "Who is the individual facing a criminal trial on fraud and conspiracy charges who said he "
    "could not keep up as FTX and Alameda Research grew, as reported by The Verge and TechCrunch?"
)


def test_a_claim_joining_two_articles_is_supported_by_their_union():
    answer = (
        "Sam Bankman-Fried is facing a criminal trial on fraud charges and told the jury he could "
        "not keep up as FTX and Alameda Research grew [1][3]."
    )
    v = verify(answer, TWO, SBF_Q, "entity")
    assert not v.refused, v.notes
    assert v.text.endswith("[1][2].")  # renumbered densely
    assert [c.quote for c in v.citations] == [TWO[0].text, TWO[2].text]
    assert [(c.passage.text[c.start : c.end]) for c in v.citations] == [TWO[0].text, TWO[2].text]


def test_words_the_question_supplies_need_no_citation_but_a_bare_restatement_is_dropped():
    premise_heavy = (
        "Sam Bankman-Fried is the individual facing a criminal trial on fraud and conspiracy "
        "charges, as reported by The Verge and TechCrunch [1]."
    )
    assert not verify(premise_heavy, TWO, SBF_Q, "entity").refused
    restated = "The individual is facing a criminal trial, as reported by The Verge [2]."
    v = verify(restated, TWO, SBF_Q, "entity")
    assert v.refused and v.citations == []


def test_an_unsupported_tail_is_trimmed_not_the_whole_sentence():
    v = verify(
        "Anna Kelly is the deputy press secretary for the U.S. government [1].",
        PASSAGES,
        "Who is Anna Kelly?",
        "entity",
    )
    assert not v.refused and v.trimmed == 1
    assert v.text == "Anna Kelly is the deputy press secretary [1]."


def test_a_name_the_evidence_lacks_is_never_kept():
    v = verify("Caroline Ellison ran FTX [3].", TWO, SBF_Q, "entity")
    assert v.refused
    assert any("ellison" in note for note in v.notes)


def test_a_verdict_keeps_its_supported_reason():
    q = "Did The Verge report that Bankman-Fried's trial began, and TechCrunch that FTX grew?"
    v = verify("Yes, the trial began and FTX grew [1][3].", TWO, q, "yes_no")
    assert v.text == "Yes, the trial began and FTX grew [1][2]."


def test_a_verdict_whose_reason_fails_stands_on_the_sentences_it_cites():
    q = "Does The Verge say Bankman-Fried's criminal trial began while TechCrunch says FTX grew?"
    v = verify("No, the judge Lewis Kaplan disagreed [1][3].", TWO, q, "yes_no")
    assert v.text == "No [1][2]."
    assert "reason dropped" in " ".join(v.notes)
    # ...but not on sentences that have nothing to do with the question.
    assert verify("No, Kaplan disagreed [2].", PASSAGES, q, "yes_no").refused


def test_the_questions_names_are_excused_only_in_sentences_about_them():
    q = "Who is the prime minister of Qatar?"
    v = verify("The prime minister of Qatar is Benjamin Netanyahu [3].", PASSAGES, q, "entity")
    assert v.refused, v.notes


def test_a_verdict_whose_own_reason_fails_rides_on_the_next_verified_sentence():
    from qa.evidence import Evidence
    from qa.types import Passage

    t1 = "TechCrunch said the screening test helps pregnant women avoid risks."
    t2 = "Live Science said cannabis use during pregnancy carries risks for the baby."
    evidence = [
        Evidence(1, Passage("a#0", "a", "A", t1, "TechCrunch"), 0, len(t1)),
        Evidence(2, Passage("b#0", "b", "B", t2, "Live Science"), 0, len(t2)),
    ]
    q = "Does the advice from TechCrunch and Live Science on pregnancy risks stay consistent?"
    draft = "Yes, the moon is made of cheese. Live Science said cannabis use during pregnancy carries risks [2]."
    v = verify(draft, evidence, q, "yes_no")
    # The verdict survives (the eval and the user read the first word); a name keeps its capital.
    assert v.text == "Yes, Live Science said cannabis use during pregnancy carries risks [1]."
    assert any("kept on the next verified sentence" in n for n in v.notes)


def test_case_names_do_not_end_an_answer_sentence():
    from qa.textmatch import split_sentences

    assert split_sentences("It matched the Epic v. Google case [1]. Apple Inc. agreed [2].") == [
        "It matched the Epic v. Google case [1].",
        "Apple Inc. agreed [2].",
    ]


def test_a_spaced_initialism_and_an_announced_short_answer_are_read_as_one_claim():
    q = "Why was Qatar important to the United States?"
    [claim] = split_claims("The short answer is: the U. S. demanded it of Netanyahu [2].")
    assert claim.text == "The U.S. demanded it of Netanyahu." and claim.cited == (2,)
    said = "The U.S. had relied on Qatar as a vital intermediary in negotiations."
    evidence = [Evidence(1, Passage("q#0", "q", "Q", said), 0, len(said))]
    v = verify("The U. S. had relied on Qatar as an intermediary [1].", evidence, q)
    assert v.text == "The U.S. had relied on Qatar as an intermediary [1].", v.notes


def test_a_name_counts_as_present_in_its_adjective_form():
    syria = "Syrian President Ahmed al-Sharaa met the delegation in Damascus."
    evidence = [Evidence(1, Passage("s#0", "s", "S", syria), 0, len(syria))]
    q = "Who is the president of Syria?"
    v = verify("The president of Syria is Ahmed al-Sharaa [1].", evidence, q, "entity")
    assert not v.refused, v.notes


def test_a_pushed_answer_must_cite_sentences_holding_every_name_it_repeats():
    q = "What did Zelensky ask Trump for?"
    draft = "Zelensky asked Trump for an apology from Netanyahu to Qatari officials [2]."
    # One of the question's two names in the cited sentence is enough for an ordinary answer...
    assert not verify(draft, PASSAGES, q, "entity").refused
    # ...not for one the model gave only when refusing was ruled out.
    pushed = verify(draft, PASSAGES, q, "entity", strict=True)
    assert pushed.refused and "not about zelenski" in " ".join(pushed.notes)


def test_passages_are_ranked_by_the_evidence_read_in_them():
    from dataclasses import replace

    from qa.evidence import rank_by_evidence

    other = replace(MEETING, node_id="n4")
    evidence = [
        Evidence(1, IRAN, 0, 20, score=0.4),
        Evidence(2, QATAR, 0, 20, score=0.9),
        Evidence(3, IRAN, 30, 60, score=1.2),
    ]
    ranked = rank_by_evidence([MEETING, IRAN, other, QATAR], evidence)
    # Iran's best sentence (1.2) beats Qatar's (0.9); unread passages keep retrieval order.
    assert [p.node_id for p in ranked] == ["n1", "n2", "n3", "n4"]


# Natural questions: what the verifier must keep, and what it must never return.
CUBIC = Passage(
    "n4",
    "c",
    "SoftBank takes 51% of Cubic Telecom",
    "SoftBank is taking a 51% stake in the Dublin-based startup, valuing it at just over "
    "$1 billion.",
    source="TechCrunch",
    published_at="2023-12-05",
)
RUGBY = Passage(
    "n5",
    "r",
    "Final",
    "Handre Pollard kicked four penalties as South Africa won the final 12-11.",
    source="The Roar | Sports Writers Blog",
    published_at="2023-10-28",
)
FILM = Passage(
    "n6",
    "f",
    "Box office",
    "The concert film opened to $21 million over its first weekend.",
    source="Fortune",
)
NATURAL = [Evidence(n, p, 0, len(p.text)) for n, p in enumerate([CUBIC, RUGBY, FILM], 1)]


def test_a_right_draft_without_markers_is_kept_and_cited():
    v = verify("The startup is based in Dublin.", NATURAL, "Where is Cubic Telecom based?")
    assert not v.refused and v.text == "The startup is based in Dublin [1]."
    assert v.citations[0].passage is CUBIC


def test_a_name_nothing_supports_is_left_out_not_the_whole_answer():
    v = verify("Based in Dublin, Ireland.", NATURAL, "Where is Cubic Telecom based?")
    assert not v.refused and v.text == "Based in Dublin [1]."
    assert any("ireland" in n for n in v.notes)


def test_an_outlet_name_is_never_the_answer():
    q = "Who kicked the penalties in the Rugby World Cup final?"
    assert verify("The Roar | Sports Writers Blog [2].", NATURAL, q).refused
    # A copied evidence head is not part of the claim.
    v = verify("The Roar | Sports Writers Blog, 2023-10-28) Handre Pollard [2].", NATURAL, q)
    assert not v.refused and v.text == "Handre Pollard [1]."
    # Unless the question asks for the outlet.
    asked = verify("The Roar [2].", NATURAL, "Which outlet reported Pollard's four penalties?")
    assert not asked.refused


def test_a_neighbouring_figure_does_not_answer_a_how_much_question():
    q = "How much did it cost to make the concert film?"
    assert verify("It cost $21 million [3].", NATURAL, q).refused
    opened = verify("It opened to $21 million [3].", NATURAL, "How much did the film open to?")
    assert not opened.refused


def test_a_how_many_answer_must_count_what_was_asked():
    q = "How many tries did South Africa score in the final?"
    assert verify("South Africa scored 12 tries [2].", NATURAL, q).refused
    q = "How many penalties did Handre Pollard kick in the final?"
    assert not verify("Pollard kicked four penalties [2].", NATURAL, q).refused


def test_a_one_part_verdict_needs_its_reason():
    q = "Did South Africa win the final by a point?"
    # The reason is not in the cited sentence: without it the verdict does not stand...
    v = verify(
        "Yes, the referee awarded it late [2].", NATURAL, q, "yes_no", verdict_on_cited=False
    )
    assert v.refused
    # ...unless the verdict compares articles, where the cited sentences are its ground.
    v = verify("Yes, the referee awarded it late [2].", NATURAL, q, "yes_no")
    assert not v.refused and v.text.startswith("Yes")


def test_a_sentence_saying_others_had_no_information_is_not_a_refusal():
    assert not is_refusal("Police said there was no information on the motive.")
    assert is_refusal("There is no information about the fee.")
    assert is_refusal("The articles provide no information on it.")


def test_a_pushed_answer_must_give_what_the_question_asks_for():
    # A who-question answered without a name, a when-question without a time (strict: the
    # second look's answer, which the model was pushed to give).
    q = "Who demanded an apology from Netanyahu?"
    draft = "An apology was demanded from Netanyahu during a tense meeting [2]."
    assert verify(draft, PASSAGES, q, strict=True).refused
    assert not verify(draft, PASSAGES, q).refused  # a first draft may describe
    assert not verify(
        "Trump demanded an apology from Netanyahu [2].", PASSAGES, q, strict=True
    ).refused
    q = "When did Trump demand an apology?"
    assert verify(
        "Trump demanded an apology to Qatari officials [2].", PASSAGES, q, strict=True
    ).refused
    assert not verify(
        "In September, Israel’s strikes angered Trump [2].", PASSAGES, q, strict=True
    ).refused


def test_a_pushed_answer_cites_sentences_about_the_question():
    # Sentences sharing a word with the question are not about it (1 of its 6 words here).
    q = "Why did the Qatari envoy cancel the summit with the Iranian delegation?"
    off = "The envoy cancelled it because Iran is a focal point of concern [1]."
    v = verify(off, PASSAGES, q, strict=True)
    assert v.refused and "hold 1 of the question's words" in " ".join(v.notes)


def test_a_pushed_answer_may_cite_a_best_ranked_sentence_of_a_paraphrased_question():
    # "What keeps Israel on alert about Tehran?" shares one word with its answer; the answer is
    # the sentence MiniLM ranks first, and that is enough. A low-ranked one is not.
    from dataclasses import replace

    q = "What keeps Israel on alert about Tehran?"
    draft = (
        "Israel remains vigilant regarding Iran's nuclear enrichment and missile capabilities [1]."
    )
    iran = Passage(
        "i#0",
        "i",
        "Iran",
        "Israel remains vigilant regarding Iran's nuclear enrichment and missile capabilities.",
        "Wire",
    )
    others = [Evidence(n, p, 0, len(p.text)) for n, p in enumerate([QATAR, MEETING], 2)]
    best = [Evidence(1, iran, 0, len(iran.text), score=0.93)] + [
        replace(e, score=0.4 - e.n / 10) for e in others
    ]
    assert not verify(draft, best, q, strict=True).refused
    low = [Evidence(1, iran, 0, len(iran.text), score=0.1)] + [
        replace(e, score=0.9 - e.n / 10) for e in others
    ]
    low.append(Evidence(4, MEETING, 0, len(MEETING.text), score=0.5))
    v = verify(draft, low, q, strict=True)
    assert v.refused and "hold 1 of the question's words" in " ".join(v.notes)
    # Best-ranked, but in a passage a third as close to the question as another: off topic (a
    # betting preview's "money" and "lines" for shipping lines that lose money).
    far = [
        Evidence(1, replace(iran, similarity=0.2), 0, len(iran.text), score=0.93),
        *(replace(e, score=0.4, passage=replace(e.passage, similarity=0.7)) for e in others),
    ]
    assert verify(draft, far, q, strict=True).refused
    # Unscored evidence (score 0) counts words only.
    plain = [Evidence(1, iran, 0, len(iran.text))] + others
    assert verify(draft, plain, q, strict=True).refused


def test_a_copied_head_of_an_outlet_with_brackets_is_not_part_of_the_claim():
    claims = split_claims(
        "The seed article (newsqa), 2023-10-23, states that Trump downplayed the cases [1]."
    )
    assert [c.text for c in claims] == ["Trump downplayed the cases."]


def test_a_date_is_not_a_count():
    from qa.focus import answers_kind

    meeting = MEETING.text + " on Monday, October 23, 2023"
    assert not answers_kind("How many people live in Palm Beach?", meeting)
    assert not answers_kind("How many people attended?", "The event on 2023-10-23 was full.")
    assert answers_kind("How many people died?", "Floods killed 12 people on Oct. 3, 2023.")
    assert answers_kind("How much did it cost?", "It cost $21 million in 2023.")


def test_how_long_asks_for_a_span_not_a_date():
    from qa.focus import answers_kind

    q = "How long will Netanyahu stay in Florida?"
    assert not answers_kind(q, "Netanyahu meets Trump on Monday, October 23, 2023.")
    assert answers_kind(q, "He will stay for three days.")
    assert answers_kind("How long is its accelerator program?", "a three-month program")
    assert answers_kind("How long has she led it?", "She has led it since 2019.")


def test_a_world_verdict_the_reply_itself_doubts_is_refused():
    q = "Did Trump and Netanyahu sign a treaty?"
    reply = "No, they did not sign one [2]. The articles do not say that they signed a treaty."
    assert verify(reply, PASSAGES, q, "yes_no", verdict_on_cited=False).refused


KNESSET = Passage(
    "n4",
    "d",
    "Seed",
    "During a speech to Israel’s Knesset in October, Trump even proposed that Israeli President "
    "Isaac Herzog consider granting Netanyahu a pardon.",
)


def test_a_place_from_another_sentence_is_not_glued_to_a_name():
    # Both sentences together hold every word, but only the meeting is in Palm Beach (seed,
    # issue #23): the claim keeps what its own sentence says, or nothing.
    evidence = [
        Evidence(1, KNESSET, 0, len(KNESSET.text)),
        Evidence(2, MEETING, 0, len(MEETING.text)),
    ]
    q = "Where did Trump give a speech in October?"
    v = verify(
        "Trump gave a speech in October to Israel's Knesset in Palm Beach, Florida [1][2].",
        evidence,
        q,
    )
    assert "Palm Beach" not in v.text and "Florida" not in v.text, v
    assert v.refused or v.text == "Trump gave a speech in October to Israel's Knesset [1].", v
    # Names one sentence places together stay together, and two facts of one meeting may
    # cite two sentences.
    both = verify(
        "Netanyahu will meet Trump at Mar-a-Lago in Palm Beach [2], where they discuss Iran [1].",
        [PASSAGES[0], evidence[1]],
        "Where will Netanyahu meet Trump?",
    )
    assert not both.refused and "Mar-a-Lago in Palm Beach" in both.text, both


AFRO = Passage(
    "n9",
    "mhr-a085",
    "AfroFuture",
    "Africa-focused music streaming service Mdundo, for example, recently reported a 239% YoY "
    "jump in revenue from paid subscriptions. In 2019 alone, AfroFuture helped bring in $2.1 "
    "billion in tourism revenue for “Year of Return”.",
    published_at="2023-10-30T20:29:31+00:00",
)
MDUNDO, TOURISM = (
    Evidence(n, AFRO, start, end) for n, (start, end) in enumerate(sentence_spans(AFRO.text), 1)
)


def test_a_figure_of_a_narrower_kind_than_asked_does_not_answer():
    # Revenue from paid subscriptions is not advertising revenue (natural-dev nat-119).
    asked = "How much did Mdundo's advertising revenue grow?"
    v = verify("Mdundo's advertising revenue grew 239% [1].", [MDUNDO], asked)
    assert v.refused and "advertis" in " ".join(v.notes), v
    right = "How much did Mdundo's paid subscription revenue jump?"
    assert not verify("It jumped 239% YoY [1].", [MDUNDO], right).refused


def test_a_figure_of_another_year_does_not_answer():
    # The article (2023) gives AfroFuture's 2019 figure, not last year's (natural-dev nat-118).
    v = verify(
        "AfroFuture made $2.1 billion [1].",
        [TOURISM],
        "How much revenue did AfroFuture make last year?",
    )
    assert v.refused and "2019" in " ".join(v.notes), v
    for asked in (
        "How much revenue did AfroFuture bring in in 2019?",
        "How much revenue did AfroFuture bring in?",
    ):
        assert not verify(
            "AfroFuture brought in $2.1 billion in revenue [1].", [TOURISM], asked
        ).refused, asked


def test_years_are_read_from_bare_years_and_relative_ones():
    from qa.focus import Years, other_year

    assert Years.of("published on October 5, 2023, in 2022") == Years(frozenset({2022}))
    last = Years.of("How much did it earn last year?")
    assert other_year(last, [("Sales rose last year.", None)]) == frozenset()
    assert other_year(last, [("Sales rose in 2022.", "2023-05-01")]) == frozenset()
    assert other_year(last, [("Sales rose in 2019.", "2023-05-01")]) == frozenset({2019})
    assert other_year(Years.of("in 2022"), [("It rose last year.", "2023-01-02")]) == frozenset()
    assert other_year(last, [("Sales rose in 2019.", None)]) == frozenset()  # date unknown


def test_a_count_needs_a_figure_that_counts():
    from qa.focus import answers_kind

    game = (
        "The Sporting News tracked updates from Saturday's Week 7 game between USC and Notre Dame."
    )
    assert not answers_kind("How many people were at USC vs Notre Dame?", game)
    assert answers_kind("How many people were at the game?", "A crowd of 77,622 saw Week 7's game.")
    deal = (
        "With such a lucrative deal securing seven years of revenue, surely it is a lot of money."
    )
    assert not answers_kind("How much will Amazon pay NASCAR each year?", deal)
    assert answers_kind("How much will Hayes earn?", "She will earn close to $2 million a year.")
    assert answers_kind("How much time is left?", "There are seven days left.")


def test_the_figure_and_what_it_counts_are_in_one_sentence():
    # 1,537 people killed, beside another sentence's "videos posted to X" (natural-dev nat-144).
    p = Passage(
        "x",
        "d",
        "X",
        "At least 1,537 people had been killed in Gaza by the strikes. A number of videos "
        "posted to X since the attacks were unrelated to the conflict.",
    )
    killed, posted = (Evidence(n, p, *span) for n, span in enumerate(sentence_spans(p.text), 1))
    q = "How many posts did X take down after the Hamas attack?"
    assert verify("X took down 1,537 posts [1][2].", [killed, posted], q).refused


def test_the_counted_thing_is_in_the_figures_sentence_not_only_in_the_headline():
    # A tally for the other candidate, under a headline about Republicans (natural-dev nat-049).
    p = Passage(
        "v",
        "d",
        "Republicans reject Jordan again in speaker vote",
        "Friday's vote was 194 for Jim Jordan and 210 for Jeffries, with two absences each.",
    )
    q = "How many Republicans voted against Jim Jordan in the second round?"
    ev = [Evidence(1, p, 0, len(p.text))]
    v = verify("210 Republicans voted against Jim Jordan [1].", ev, q, strict=True)
    assert v.refused, v
    # The counted thing in the sentence itself: kept.
    said = replace(p, text="Jim Jordan was opposed by 22 Republicans in the second round.")
    v = verify("22 Republicans voted against him [1].", [Evidence(1, said, 0, len(said.text))], q)
    assert not v.refused and "22" in v.text, v.notes


def test_a_sentence_is_read_with_the_heading_just_before_it():
    # "The game will take place at …" is about the game its heading names (natural-dev nat-010).
    p = Passage(
        "b",
        "d",
        "College bowl schedule",
        "Military Bowl Presented by GoBowling.com: Virginia Tech vs. Tulane\n\n"
        "The game will take place at the Navy-Marine Corps Memorial Stadium in Annapolis, MD.",
    )
    heading, place = (Evidence(n, p, *span) for n, span in enumerate(sentence_spans(p.text), 1))
    q = "Where is the Military Bowl being played?"
    draft = "The Military Bowl is being played at Navy-Marine Corps Memorial Stadium in Annapolis."
    v = verify(draft, [heading, place], q)
    assert not v.refused and v.text.endswith("[1][2]."), v.notes
    # Only a sentence before it in its own passage lends it the question's words.
    other = Passage("c", "d", "Bowls", "The Military Bowl draws a crowd every year.")
    v = verify(draft, [Evidence(1, other, 0, len(other.text)), place], q)
    assert v.refused, v


def test_a_figure_of_another_week_does_not_answer():
    # natural-dev nat-131, a pushed answer: Week 12's average for a question about Week 10.
    p = Passage(
        "w",
        "d",
        "Fantasy rankings",
        "Ja'Marr Chase averaged over 20 yards per reception in Week 12 against the Steelers.",
    )
    ev = [Evidence(1, p, 0, len(p.text))]
    q = "How many yards did Ja'Marr Chase have in Week 10?"
    v = verify("Ja'Marr Chase averaged over 20 yards per reception in Week 12 [1].", ev, q)
    assert v.refused and "week 12" in " ".join(v.notes), v
    asked = replace(p, text="Ja'Marr Chase had 124 yards in Week 10, after 80 in Week 9.")
    v = verify("Chase had 124 yards in Week 10 [1].", [Evidence(1, asked, 0, len(asked.text))], q)
    assert not v.refused, v.notes


def test_a_pushed_answer_cites_passages_about_the_questions_names():
    p = Passage(
        "b",
        "d",
        "Home prices",
        "Bank of America has previously forecast 0% home price growth for the full year 2023.",
    )
    q = "What is Japan's GDP growth forecast for next year?"
    # Ranked below the three best sentences: not a paraphrase of the question.
    ev = [Evidence(n, IRAN, 0, 10, score=0.9) for n in (1, 2, 3)]
    ev.append(Evidence(4, p, 0, len(p.text), score=0.2))
    v = verify("Bank of America forecast 0% growth for 2023 [4].", ev, q, strict=True)
    assert v.refused and "japan" in " ".join(v.notes), v


def test_a_size_is_a_figure():
    from qa.focus import answers_kind

    q = "How big will the international stabilization force be?"
    said = "The force will be established by the U.S. administration."
    assert not answers_kind(q, said)
    assert answers_kind(q, "The force will have 5,000 troops.")


def test_a_magazine_in_the_story_is_not_the_outlet_that_tells_it():
    from qa.citations import Premise

    assert Premise.of("Which outlet reported the layoffs first?").asks_outlet
    assert Premise.of("Which news source says the deal is off?").asks_outlet
    assert not Premise.of("Which magazine named Taylor Swift Person of the Year?").asks_outlet


def test_a_score_question_is_answered_by_a_score():
    from qa.focus import answers_kind

    q = "What was the final score of USC at Notre Dame?"
    assert not answers_kind(q, "USC vs. Notre Dame score")
    assert answers_kind(q, "Notre Dame beat USC 48-20 on Saturday.")
    assert answers_kind(q, "Final: Notre Dame 48, USC 20")
