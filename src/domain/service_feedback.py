"""How a line of service feedback reads: a general-purpose polarity per clause, corrected by
what it means in an appliance-repair business.

A general lexicon (VADER in the adapter, passed in as `general`) knows "great" and "terrible"
but not that "broke again", "still waiting for the refund", "two hours late" or "didn't fix
anything" are complaints, nor that "no complaints" and "couldn't be happier" are praise. The
service cues below say so; each matched span is consumed so it counts once. Clauses are split
on contrasts ("but", "though", ";") and commas; clearly positive and clearly negative clauses
in one line make it mixed. A 1-5 rating, when given, is blended in as evidence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

GeneralScorer = Callable[[str], float]  # text -> -1..1 (e.g. VADER's compound)

CUE_WEIGHT = 0.75  # a clause's service cues against the general lexicon's score
CLEAR = 0.3  # |clause score| from which a clause counts as clearly positive / negative
NEUTRAL_BAND = 0.25  # |line score| below this: neutral
RATING_WEIGHT = 0.4  # the rating's share of the score when a rating is given
FELT = 0.1  # |clause score| below this: a factual clause, left out of the line's mean

# Common misspellings and dropped apostrophes in short feedback, fixed before anything else.
_TYPOS = {
    "doesnt": "doesn't",
    "didnt": "didn't",
    "dont": "don't",
    "wont": "won't",
    "cant": "can't",
    "isnt": "isn't",
    "wasnt": "wasn't",
    "couldnt": "couldn't",
    "wouldnt": "wouldn't",
    "hasnt": "hasn't",
    "havent": "haven't",
    "grate": "great",
    "exellent": "excellent",
    "excelent": "excellent",
    "disapointed": "disappointed",
    "dissapointed": "disappointed",
    "knowledgable": "knowledgeable",
    "profesional": "professional",
    "recomend": "recommend",
    "reccomend": "recommend",
    "terible": "terrible",
    "horible": "horrible",
}
_TYPO = re.compile(r"\b(" + "|".join(_TYPOS) + r")\b")

# Requests and logistics that a general lexicon reads as feelings ("please", "I'd like").
_NOT_FEELINGS = re.compile(
    r"\b(please|i'?d like|we'?d like|would like|like to|no comment|no elevator|"
    r"recommended you|quote accepted|if possible|works for me|ok|okay)\b"
)

_N = r"(?:not|no|never|isn't|doesn't|don't|didn't|won't|wasn't|hasn't|can't|cannot)"
_NUM = r"(?:\d+|a|an|one|two|three|four|five|six|forty|forty five|half an?|several|few)"
_ITEM = r"(?:fridge|freezer|washer|dryer|oven|dishwasher|furnace|ac|heater|microwave|unit)"
_BREAKDOWN = (
    r"(?:broke|broken|stopped working|stopped cooling|stopped heating|failed|died|leak\w*|"
    r"sparks?|burned out|doesn't work|not working|came back)"
)
_WORKS = r"(?:works?|working|runs?|running|heats?|cools?|spins?|drains?|cold|hot|warm)"

# (pattern, valence), most specific first; a matched span is consumed.
CUES: tuple[tuple[re.Pattern[str], float], ...] = tuple(
    (re.compile(p), v)
    for p, v in (
        # idioms
        (r"couldn't (?:be|have gone|have been) worse|could not (?:be|have gone) worse", -1.0),
        (r"couldn't (?:be|have been) (?:happier|better)|couldn't ask for (?:better|more)", 1.0),
        (r"can't recommend (?:them|you|it)? ?enough", 1.0),
        (r"\bno complaints?\b|nothing to complain|not a single (?:issue|problem|complaint)", 0.8),
        (r"\bno (?:issues?|problems?)(?: at all)?(?: since)?\b|never had (?:a|any) problem", 0.7),
        (r"\bno more (?:leak\w*|noise|problems?|issues?)", 0.7),
        (r"\bnot bad\b", 0.5),
        (r"\bnot worth\b|nothing (?:changed|was fixed|works|worked)|didn't know what", -0.8),
        (r"(?:told|said) (?:me |us )?it was fixed", -0.5),
        (r"\bno surprises|left no mess|\bno mess\b|worth it\b", 0.6),
        (r"\b(?:stopped|failed|died|broke)\b.*\b(?:next day|after|later)\b", -0.8),
        (r"\bstopped (?:working|cooling|heating|spinning|draining)", -0.6),
        (r"\b(?:hasn't|haven't) (?:made|leaked|broken|stopped|had)\b.*\bsince\b", 0.7),
        (r"\bdidn't just fix|did not have to wait|didn't have to wait", 0.6),
        (r"above and beyond|top notch|nailed it|10/10|five stars|go-to|back in action", 0.8),
        (r"\bproblem solved|fixed right|all fixed|job done|saved (?:us|me|our)", 0.7),
        # recommendation
        (r"\b(?:would|will|do|could|can) not recommend|(?:wouldn't|won't|don't) recommend", -0.8),
        (
            r"\bnever again\b|do not use|don't use|won't be using|won't use"
            r"|\bavoid\b(?! (?:the|a|an|that|how)\b)",
            -0.8,
        ),
        (r"(?:would|will|highly|definitely) (?:\w+ )?recommend|use again|call again", 0.7),
        # repair outcome
        (rf"\b{_N} (?:\w+ )?(?:fix|fixed|solve|solved|repair|repaired|sorted)\b", -0.8),
        (r"\b(?:wasn't|it's not|isn't) (?:fixed|working|right)\b|it wasn't\b|it's not\b", -0.7),
        (
            rf"\b{_N} (?:\w+ )?(?:cold|cooling|heating|heat|hot|drain|draining|spin|spinning)\b",
            -0.7,
        ),
        (r"\bdidn't last|for nothing|did nothing|useless|waste of (?:money|time)", -0.8),
        (rf"\bstill (?:{_N}|broken|leak\w*|waiting|blowing|runs hot|making|the same|no)\b", -0.7),
        (r"\bstill (?:works|working|runs|running)\b", 0.6),
        (rf"\b{_BREAKDOWN}(?: \w+){{0,2}} again\b|\bagain after\b", -0.8),
        (rf"\b{_WORKS} again\b|\b(?:is|are) (?:fixed|working)\b|\bfixed (?:the|our|it|my)\b", 0.6),
        (r"\bsame (?:problem|issue|leak|noise|error|spot)\b|\bsame as before\b", -0.7),
        (r"(?:bill|price|invoice|charge)\w* (?:was )?(?:much |way )?(?:higher|more) than", -0.7),
        (r"wrong the first time|couldn't figure|forgot the part|had to come back", -0.5),
        (
            r"\bfinally (?:works|working|fixed|sorted)|\b(?:it|now) works\b|\bworks (?:now|fine)",
            0.6,
        ),
        (r"\b(?:was|got|been) fixed\b|\bsorted (?:it|out)\b", 0.6),
        (r"\b(?:worse|warmer|louder|noisier) (?:now )?than (?:before|it was)\b", -0.7),
        (r"(?:second|third|fourth|four|three) (?:visits?|times?)\b", -0.5),
        (r"(?:works?|running|cooling|runs?) (?:great|perfectly|fine|like new|quiet)", 0.7),
        (r"\b(?:wrong|right) part\b", -0.5),
        # refunds, billing
        (r"\brefund\b|money back", -0.6),
        (r"overpriced|too expensive|hidden fees|charged (?:me )?twice|extra charge", -0.7),
        (r"charged (?:for|a|me)|call-out fee", -0.5),
        (r"\bexpensive|pricey", -0.4),
        (r"fair (?:price|quote)|price was fair|honest pricing|good value|matched the quote", 0.6),
        (r"fraction of the cost|saved (?:us|me) (?:a lot|money)", 0.7),
        # time and showing up
        (rf"\b{_NUM} (?:hours?|minutes?|days?) late\b|\blate\b|missed the|waited all day", -0.6),
        (
            r"no[- ]show|nobody (?:ever )?(?:showed|came|called|told|explained)"
            r"|no one (?:showed|came|called|returned)",
            -0.8,
        ),
        (r"never (?:came|showed|called|did)|no call\b|without calling|cancel\w*|no updates", -0.7),
        (
            r"\bwaiting (?:over|weeks|months|a month|on that)|haven't heard|had to chase"
            r"|hard to reach|gave up",
            -0.6,
        ),
        (r"on time|arrived early|right on time|same day|same evening|quick response", 0.5),
        (r"\b(?:quick|fast|prompt|speedy)\b|quickly|turnaround|in no time", 0.4),
        (r"\bslow\b|rushed|took (?:them )?(?:a month|weeks)|three weeks|a month", -0.5),
        # conduct
        (r"\brude\b|dismissive|unprofessional|ignored|on (?:his|her) phone|didn't listen", -0.8),
        (r"\bmess\b|scratched|left the panel|broke the", -0.6),
        (r"\b(?:reliable|spotless|tidy|courteous|knowledgeable|thorough|efficient|patient)\b", 0.5),
        (r"\b(?:polite|respectful|competent|professional|smoothly|smoothest|relieved)\b", 0.5),
        (r"\bexplained\b|showed me|texted when", 0.3),
    )
)
# A concession before a contrast ("I was worried at first, but...") is not a complaint.
_CONCESSION = re.compile(
    r"\bat first\b|\b(?:was|were) (?:worried|skeptical|afraid)\b|\bexpected to\b"
)
_CONTRAST = re.compile(r"\b(?:but|though|although|however|yet|whereas)\b|;|, | - ")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Assessment:
    """A line's label (positive, neutral, negative or mixed), score in -1..1, and the service
    cues that decided it (for the explanation)."""

    label: str
    score: float
    cues: tuple[str, ...]


def normalize(text: str) -> str:
    text = _SPACE.sub(" ", text.replace("\u2019", "'").lower()).strip()
    return _TYPO.sub(lambda m: _TYPOS[m.group(1)], text)


def service_cues(clause: str) -> tuple[float, list[str], str]:
    """The sum of the clause's service cues (clipped to -1..1), the matched phrases, and the
    clause with those phrases blanked out (what is left for the general lexicon)."""
    total = 0.0
    found: list[str] = []
    rest = clause
    for pattern, valence in CUES:
        for m in pattern.finditer(rest):
            total += valence
            found.append(m.group(0).strip())
        rest = pattern.sub(" ", rest)
    return max(-1.0, min(1.0, total)), found, rest


def clause_score(clause: str, general: GeneralScorer) -> tuple[float, list[str]]:
    cue, found, rest = service_cues(clause)
    lexical = general(_NOT_FEELINGS.sub(" ", rest)) if rest.strip(" ,.!?") else 0.0
    if not found:
        return lexical, found
    return CUE_WEIGHT * cue + (1 - CUE_WEIGHT) * lexical, found


def clauses(text: str) -> list[str]:
    return [c for c in (p.strip(" ,.!?") for p in _CONTRAST.split(text)) if c]


def rating_evidence(rating: int | None) -> float | None:
    """1 -> -1, 2 -> -0.5, 3 -> 0, 4 -> 0.5, 5 -> 1."""
    return None if rating is None else (rating - 3) / 2


def label_of(score: float) -> str:
    return (
        "positive" if score >= NEUTRAL_BAND else "negative" if score <= -NEUTRAL_BAND else "neutral"
    )


def assess(text: str | None, general: GeneralScorer, rating: int | None = None) -> Assessment:
    """One feedback line (and its rating, if any): label, score and the cues found.

    Mixed: a clearly positive and a clearly negative clause, and a rating (if any) that is not
    at either end. Otherwise the clauses' mean, the last clause counting double (the
    customer's conclusion), blended with the rating.
    """
    scores: list[float] = []
    cues: list[str] = []
    for clause in clauses(normalize(text or "")):
        if _CONCESSION.search(clause):
            continue
        score, found = clause_score(clause, general)
        scores.append(score)
        cues += found
    evidence = rating_evidence(rating)
    if not scores:
        score = evidence if evidence is not None else 0.0
        return Assessment(label_of(score), round(score, 3), ())
    # Factual clauses ("the tech came on Tuesday") do not water a feeling down.
    felt = [s for s in scores if abs(s) >= FELT]
    weights = [1.0] * (len(felt) - 1) + [2.0]
    text_score = sum(w * s for w, s in zip(weights, felt, strict=False)) / sum(weights)
    both = max(scores) >= CLEAR and min(scores) <= -CLEAR
    score = text_score
    if evidence is not None:  # a factual text leaves the feeling to the rating
        share = RATING_WEIGHT if felt else 1.0
        score = (1 - share) * text_score + share * evidence
    score = round(max(-1.0, min(1.0, score)), 3)
    if both and (evidence is None or abs(evidence) < 1):
        return Assessment("mixed", score, tuple(cues))
    return Assessment(label_of(score), score, tuple(cues))


def overall(assessments: Sequence[Assessment]) -> Assessment:
    """Several items: mixed when clearly positive and clearly negative items (or a mixed
    one) coexist and the mean is not decisive, else the label of the mean."""
    if not assessments:
        return Assessment("neutral", 0.0, ())
    mean = round(sum(a.score for a in assessments) / len(assessments), 3)
    labels = {a.label for a in assessments}
    split = "mixed" in labels or {"positive", "negative"} <= labels
    if split and abs(mean) < 0.5:
        return Assessment("mixed", mean, ())
    return Assessment(label_of(mean), mean, ())
